"""Scrapy components imported only when their setting turns them on.

Scrapy imports every class listed in ``EXTENSIONS_BASE`` and
``DOWNLOADER_MIDDLEWARES_BASE`` when a crawler starts, enabled or not (it loads
each key to tell duplicates apart), and some cost far more than a crawl with
them off should pay: the remote-control extension imports aiohttp, the cookies
middleware tldextract and with it requests (together ~350 ms of start-up and
~10 MB in every crawl process, docs/benchmarks.md, session 9). The classes here
stand in for them in ``congdoan/settings.py``: each reads the same setting the
real component reads and, when it is on, imports the real one and builds it, so
behaviour is Scrapy's either way; when it is off, the component is not
configured, as Scrapy's would not be.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object


class _Lazy:
    """Build ``REAL`` (a class path) when the boolean setting ``ENABLED`` is true."""

    REAL: str
    ENABLED: str

    @classmethod
    def from_crawler(cls, crawler: Any) -> Any:
        """The real component, or NotConfigured without importing it when it is off."""
        if not crawler.settings.getbool(cls.ENABLED):
            raise NotConfigured
        return build_from_crawler(load_object(cls.REAL), crawler)


class RemoteControl(_Lazy):
    """Scrapy's remote control (an HTTP server running code sent to it): aiohttp."""

    REAL = "scrapy.extensions.remote_control.RemoteControl"
    ENABLED = "REMOTE_CONTROL_ENABLED"


class TelnetConsole(_Lazy):
    """Scrapy's telnet console: twisted.conch."""

    REAL = "scrapy.extensions.telnet.TelnetConsole"
    ENABLED = "TELNETCONSOLE_ENABLED"


class CookiesMiddleware(_Lazy):
    """Scrapy's cookies middleware: tldextract, requests, urllib3, filelock."""

    REAL = "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"
    ENABLED = "COOKIES_ENABLED"


# Scrapy's class path -> its stand-in here.
STAND_INS = {cls.REAL: f"{__name__}.{cls.__name__}"
             for cls in (RemoteControl, TelnetConsole, CookiesMiddleware)}


def with_stand_ins(components: dict[str, int | None]) -> dict[str, int | None]:
    """A ``*_BASE`` component dict with the lazy stand-ins in their places, same order."""
    return {STAND_INS.get(path, path): order for path, order in components.items()}
