"""Find a unit's union portal by the host names union portals use.

Provincial union portals are named after their province in a handful of ways
(``congdoandienbien.org.vn``, ``congdoan.quangtri.gov.vn``, ``ldld…``). For a
unit and each of its names (its own and its predecessors'), every pattern
gives a host; the resolver says whether the host exists (DNS by default) and
where to ask it; ``detect`` runs on those that do. Both the patterns and the
resolver are parameters, so tests point discovery at local servers.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from congdoan.detect.fetch import Fetcher
from congdoan.detect.portal import Detection, PortalUnavailable, detect_portal
from congdoan.registry.units import Unit

DEFAULT_PATTERNS = (
    "congdoan{name}.org.vn",
    "congdoan{name}.vn",
    "congdoan.{name}.gov.vn",
    "congdoan{name}.gov.vn",
    "ldld{name}.org.vn",
    "ldld{name}.vn",
    "ldld.{name}.gov.vn",
    "liendoanlaodong{name}.org.vn",
    "liendoanlaodong.{name}.gov.vn",
    "congdoan{name}.com.vn",
)

Resolver = Callable[[str], str | None]


def dns_resolver(host: str) -> str | None:
    """``https://HOST`` when the host name resolves, else ``None`` (one DNS lookup)."""
    try:
        socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        return None
    return f"https://{host}"


def mapping_resolver(addresses: dict[str, str]) -> Resolver:
    """A resolver that knows only ``addresses`` (host -> base URL) and never asks DNS."""
    return lambda host: addresses.get(host)


@dataclass
class Candidate:
    """One host tried for a unit, and what became of it."""

    host: str
    address: str | None  # where it was asked; None: the name does not resolve
    detection: Detection | None = None
    problem: str = ""

    @property
    def found(self) -> bool:
        """A portal answered and was recognised or at least read."""
        return self.detection is not None


def candidate_hosts(unit: Unit, patterns: Iterable[str] = DEFAULT_PATTERNS) -> list[str]:
    """Every host the patterns give for the unit's names, in order, without repeats."""
    hosts: list[str] = []
    for name in unit.slugs:
        for pattern in patterns:
            host = pattern.format(name=name)
            if host not in hosts:
                hosts.append(host)
    return hosts


def discover(unit: Unit, *, patterns: Iterable[str] = DEFAULT_PATTERNS,
             resolver: Resolver = dns_resolver,
             fetcher_factory: Callable[[], Fetcher] = Fetcher) -> list[Candidate]:
    """Try every candidate host of ``unit``; detect the portals that answer."""
    results = []
    for host in candidate_hosts(unit, patterns):
        address = resolver(host)
        candidate = Candidate(host, address)
        if address is not None:
            try:
                candidate.detection = detect_portal(address, fetcher_factory())
            except PortalUnavailable as exc:
                candidate.problem = str(exc)
        results.append(candidate)
    return results
