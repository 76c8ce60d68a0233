"""A small, polite, synchronous HTTP client for detection: a handful of requests, not a crawl.

Detection asks a portal for its home page, robots.txt, sitemap and feeds page;
Scrapy's engine would be far heavier than that. urllib (standard library) does
it with a timeout, a byte cap, our User-Agent, robots.txt obeyed, and a budget
that stops a detection from turning into a crawl.
"""

from __future__ import annotations

import socket
import ssl
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urljoin, urlsplit

from congdoan.parsers.decoding import decode_body
from congdoan.settings import USER_AGENT

DEFAULT_TIMEOUT = 15.0
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_BUDGET = 8


class FetchError(Exception):
    """The portal could not be asked (refused, timed out, unknown host, budget spent)."""


class RobotsForbid(FetchError):
    """robots.txt forbids our User-Agent this URL."""


@dataclass
class Page:
    """One answer: the URL asked, where it ended (after redirects), status, headers, body."""

    url: str
    final_url: str
    status: int
    headers: Message
    body: bytes
    redirected: bool = False

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case."""
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def text(self) -> str:
        """The body decoded by its declared charset (UTF-8 when none)."""
        return decode_body(self.body)

    @property
    def ok(self) -> bool:
        """A 2xx answer."""
        return 200 <= self.status < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep 3xx answers as they are: the caller follows them and sees each hop."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Fetcher:
    """GET pages politely. ``budget`` caps the requests of one detection (robots.txt included)."""

    user_agent: str = USER_AGENT
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    budget: int = DEFAULT_BUDGET
    max_redirects: int = 5
    requests: list[str] = field(default_factory=list)
    _robots: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict)
    robots_pages: dict[str, Page | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        context = ssl.create_default_context()
        self._opener = urllib.request.build_opener(
            _NoRedirect(), urllib.request.HTTPSHandler(context=context)
        )

    def _raw(self, url: str) -> Page:
        if len(self.requests) >= self.budget:
            raise FetchError(f"request budget of {self.budget} spent before {url}")
        self.requests.append(url)
        request = urllib.request.Request(url, headers={
            "User-Agent": self.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "vi,en;q=0.5",
        })
        try:
            response = self._opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:  # 3xx (not followed), 4xx, 5xx: an answer
            body = exc.read(self.max_bytes) if exc.fp else b""
            return Page(url, url, exc.code, exc.headers, body)
        except urllib.error.URLError as exc:
            raise FetchError(_reason(exc.reason)) from None
        except TimeoutError:
            raise FetchError(f"no answer within {self.timeout:g} s") from None
        except (ConnectionError, OSError) as exc:
            raise FetchError(_reason(exc)) from None
        with response:
            try:
                body = response.read(self.max_bytes)
            except TimeoutError:
                raise FetchError(f"body not received within {self.timeout:g} s") from None
            except OSError as exc:
                raise FetchError(_reason(exc)) from None
            return Page(url, response.geturl(), response.status, response.headers, body)

    def get(self, url: str, *, obey_robots: bool = True) -> Page:
        """GET ``url``, following up to ``max_redirects`` redirects; each hop counts."""
        if obey_robots and not self.allowed(url):
            raise RobotsForbid(f"robots.txt of {_origin(url)} forbids {url}")
        current = url
        for _hop in range(self.max_redirects + 1):
            page = self._raw(current)
            location = page.headers.get("Location") if page.headers else None
            if page.status in (301, 302, 303, 307, 308) and location:
                current = urljoin(current, location)
                if obey_robots and not self.allowed(current):
                    raise RobotsForbid(f"robots.txt of {_origin(current)} forbids {current}")
                continue
            page.url, page.redirected = url, current != url
            page.final_url = current
            return page
        raise FetchError(f"more than {self.max_redirects} redirects from {url}")

    def robots(self, url: str) -> Page | None:
        """The robots.txt answer of ``url``'s origin (fetched once), or None when unreachable."""
        origin = _origin(url)
        if origin not in self.robots_pages:
            try:
                page = self.get(origin + "/robots.txt", obey_robots=False)
            except FetchError:
                page = None
            if page is not None and page.ok and (
                page.final_url != origin + "/robots.txt" or "html" in page.content_type
            ):
                page = None  # redirected elsewhere (NukeViet sends unknown paths home): none
            self.robots_pages[origin] = page
            parser: urllib.robotparser.RobotFileParser | None = None
            if page is not None and page.ok:
                parser = urllib.robotparser.RobotFileParser()
                parser.parse(page.text.splitlines())
            elif page is not None and page.status in (401, 403):
                # RFC 9309 says "unavailable" (4xx) allows everything; we are stricter on 401/403
                # because a portal that refuses robots.txt to us refuses us.
                parser = urllib.robotparser.RobotFileParser()
                parser.disallow_all = True
            self._robots[origin] = parser
        return self.robots_pages[origin]

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets our User-Agent fetch ``url`` (no robots.txt: yes)."""
        self.robots(url)
        parser = self._robots.get(_origin(url))
        return True if parser is None else parser.can_fetch(self.user_agent, url)

    def sitemaps_in_robots(self, url: str) -> list[str]:
        """``Sitemap:`` lines of the origin's robots.txt."""
        page = self.robots(url)
        if page is None or not page.ok:
            return []
        found = []
        for line in page.text.splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() == "sitemap" and value.strip():
                found.append(value.strip())
        return found


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _reason(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return "host name does not resolve"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, TimeoutError | socket.timeout):
        return "no answer (timed out)"
    if isinstance(reason, ssl.SSLError):
        return f"TLS failed ({reason.reason or reason})"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason)
