"""What a failed download says about the network, in one line a person understands.

Scrapy reports an unreachable portal once per URL, with the exception's class
and message (``CannotResolveHostError: DNS lookup failed: no results for
hostname lookup: congdoandienbien.org.vn.``). Without network every URL of a
site fails for the same cause: the crawl summary shows that cause once
(``dienbien: cannot resolve congdoandienbien.org.vn (DNS)``), and the URLs stay
in the failure ledger.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

# (words in the failure reason, what it means); the first match wins.
_CAUSES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("CannotResolveHostError", "DNSLookupError", "DNS lookup failed"),
     "cannot resolve {host} (DNS)"),
    (("ConnectionRefused", "Connection was refused"), "connection refused by {netloc}"),
    (("TimeoutError", "TCPTimedOut", "took longer than"), "no answer from {netloc} (timeout)"),
    (("SSLError", "TLS", "certificate"), "TLS handshake with {netloc} failed"),
    (("NoRouteError", "No route to host", "Network is unreachable"),
     "no route to {netloc} (network unreachable)"),
    (("ConnectionLost", "ResponseNeverReceived", "ConnectionDone"),
     "{netloc} closed the connection"),
)


def network_cause(url: str, reason: str) -> str | None:
    """``cannot resolve HOST (DNS)`` and the like for a network failure; ``None`` otherwise."""
    for words, template in _CAUSES:
        if any(word in reason for word in words):
            parts = urlsplit(url)
            return template.format(host=parts.hostname or url, netloc=parts.netloc or url)
    return None


def group_failures(failures: Iterable[Mapping[str, str]]
                   ) -> tuple[Counter[str], list[Mapping[str, str]]]:
    """Network failures counted by cause, and the other failures as they are."""
    causes: Counter[str] = Counter()
    others = []
    for failure in failures:
        cause = network_cause(failure["url"], failure["reason"])
        if cause is None:
            others.append(failure)
        else:
            causes[cause] += 1
    return causes, others
