"""Fault injection for simulated portals: every way a real portal misbehaves, reproducibly.

A ``FaultInjector`` is a ``Portal.hooks`` entry. It holds ``FaultRule``s, each
one fault kind switched on by path pattern (a regular expression searched in
the request path with its query) and by probability. Whether a path is hit is
decided by a hash of ``(seed, kind, path)``, not by a random stream, so the
same seed faults the same pages whatever order a concurrent crawler asks in.
A rule with ``times=N`` is transient (the first N requests of a path fail,
then the page is served normally); ``times=None`` fails every request.

The injector keeps a ledger (``events``) of every fault it served, so a test
can reconcile what the portal served with what a crawl stored and reported:
``affected_items()`` says which items were behind which faults.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

from congdoan.sim.site import HTML, Request, Response

if TYPE_CHECKING:
    from congdoan.sim.site import Portal

# Faults a crawler recovers from by retrying (when transient) or records as failed.
TRANSPORT_KINDS = ("http_500", "http_502", "http_503", "http_429", "slow", "reset",
                   "empty_200", "truncated")
# Faults on one page's content.
PAGE_KINDS = ("http_404", "invalid_utf8", "wrong_charset", "missing_fields", "interstitial",
              "redirect_loop", "offsite_redirect", "oversize", "gzip_bomb")
# Faults of the site as a whole: robots.txt, feeds, listings.
SITE_KINDS = ("robots_disallow", "xml_bomb", "duplicates", "shift")
FAULT_KINDS = TRANSPORT_KINDS + PAGE_KINDS + SITE_KINDS
# The page still carries the complete item: a crawler must store it unchanged.
HARMLESS_KINDS = frozenset({"invalid_utf8", "wrong_charset", "xml_bomb", "duplicates", "shift"})

SESSION_INTERSTITIAL = (
    "Bạn đã không sử dụng Site, Bấm vào đây để duy trì trạng thái đăng nhập. "
    "Thời gian chờ: 60 giây"
)
_BODY_MARK = b'id="news-bodyhtml"'
_BODY_OPEN = re.compile(rb'(<div id="news-bodyhtml"[^>]*>)(.*?)(</div>\s*<div)', re.S)
_HEADLINE = re.compile(rb"<h[13][^>]*class=\"[^\"]*(?:title|lawh3)[^\"]*\"[^>]*>.*?</h[13]>", re.S)
_META_CHARSET = re.compile(rb"charset=utf-8", re.I)
_LISTING_PAGE = re.compile(r"page-(\d+)")
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*\?>")
# Billion laughs (ten levels of ten) plus an external entity (XXE) pointing at a local file.
_ENTITY_BOMB = (
    b'<!DOCTYPE bomb [\n<!ENTITY lol0 "lol">\n'
    + b"".join(b'<!ENTITY lol%d "%s">\n' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10))
    + b'<!ENTITY xxe SYSTEM "file:///etc/hostname">\n]>\n'
)


@dataclass(frozen=True)
class FaultRule:
    """One fault kind on the paths that match ``pattern``, with ``probability`` per path."""

    kind: str
    pattern: str = ""  # regular expression searched in the path with query; "" = every path
    probability: float = 1.0
    times: int | None = None  # transient: the first ``times`` requests of a path fail
    retry_after: int = 1  # seconds, for http_429
    delay: float = 3.0  # seconds, for slow (set the crawler's timeout below it)
    disallow: str = ""  # path prefix robots.txt disallows, for robots_disallow

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r} (known: {', '.join(FAULT_KINDS)})")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")


@dataclass(frozen=True)
class FaultEvent:
    """One fault served: which kind, on which path, on the path's n-th faulted request."""

    kind: str
    path: str
    attempt: int
    time: float


@dataclass
class _Ledger:
    events: list[FaultEvent] = field(default_factory=list)
    clean_after_fault: set[str] = field(default_factory=set)  # paths served fine after a fault
    inserted: list[int] = field(default_factory=list)  # article ids added by "shift"


def chance(seed: int, kind: str, path: str) -> float:
    """A number in [0, 1) fixed by ``(seed, kind, path)``: the per-path dice."""
    digest = hashlib.sha256(f"{seed}:{kind}:{path}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


class FaultInjector:
    """A ``Portal.hooks`` entry that serves faults by rule; see the module docstring."""

    def __init__(self, portal: Portal, rules: list[FaultRule], seed: int = 0, *,
                 max_size: int = 1 << 20, offsite_base: str = "http://localhost:9") -> None:
        self.portal = portal
        self.rules = list(rules)
        self.seed = seed
        self.max_size = max_size  # oversize bodies and bombs are built just past this
        self.offsite_base = offsite_base.rstrip("/")
        self.enabled = True
        self._lock = threading.Lock()
        self._attempts: Counter[tuple[str, str]] = Counter()
        self._ledger = _Ledger()
        self._faulted: set[str] = set()
        self._shifted = False

    def install(self) -> FaultInjector:
        """Add this injector to the portal's hooks; returns self."""
        self.portal.hooks.append(self)
        return self

    # -- the hook ---------------------------------------------------------------------------
    def __call__(self, request: Request, response: Response) -> Response | None:
        """Replace ``response`` by the fault the rules choose for ``request``, if any."""
        path = request.path
        if not self.enabled or path.startswith("/_sim/"):
            return None
        for rule in self.rules:
            if rule.pattern and not re.search(rule.pattern, path):
                continue
            if rule.probability < 1.0 and chance(self.seed, rule.kind, path) >= rule.probability:
                continue
            with self._lock:
                self._attempts[(rule.kind, path)] += 1
                attempt = self._attempts[(rule.kind, path)]
            if rule.times is not None and attempt > rule.times:
                continue
            with self._lock:
                # Marked before applying: a slow fault sleeps, and the client's retry
                # may be served (and must count as a recovery) before it wakes up.
                seen_before = path in self._faulted
                self._faulted.add(path)
            faulted = self._apply(rule, request, response)
            if faulted is None:  # the rule does not fit this response (an XML fault on HTML)
                if not seen_before:
                    with self._lock:
                        self._faulted.discard(path)
                continue
            with self._lock:
                self._ledger.events.append(FaultEvent(rule.kind, path, attempt, time.time()))
            return faulted
        if response.status == 200:
            with self._lock:
                if path in self._faulted:
                    self._ledger.clean_after_fault.add(path)
        return None

    def _apply(self, rule: FaultRule, request: Request, response: Response) -> Response | None:
        """The fault ``rule`` makes of ``response``; ``None`` when the kind does not fit it."""
        fits, handler = _HANDLERS[rule.kind]
        return handler(self, rule, request, response) if fits(response) else None

    # -- one handler per fault kind (``_HANDLERS`` below says which serves which kind) -----
    def _server_error(self, rule: FaultRule, request: Request, response: Response) -> Response:
        code = int(rule.kind[5:])
        return _replace(response, code, f"<html><body>Error {code}</body></html>".encode())

    def _too_many(self, rule: FaultRule, request: Request, response: Response) -> Response:
        reply = _replace(response, 429, b"<html><body>Too Many Requests</body></html>")
        reply.headers.append(("Retry-After", str(rule.retry_after)))
        return reply

    def _not_found(self, rule: FaultRule, request: Request, response: Response) -> Response:
        return _replace(response, 404, b"<html><body>Not Found</body></html>")

    def _slow(self, rule: FaultRule, request: Request, response: Response) -> Response:
        time.sleep(rule.delay)  # this handler thread only; other requests go on
        return response

    def _reset(self, rule: FaultRule, request: Request, response: Response) -> Response:
        return Response(response.status, response.body, response.headers,
                        abort_after=max(1, len(response.body) // 3))

    def _empty(self, rule: FaultRule, request: Request, response: Response) -> Response:
        return _replace(response, 200, b"")

    def _redirect_loop(self, rule: FaultRule, request: Request, response: Response) -> Response:
        return _redirect(response, self.portal.urls.absolute(request.path))

    def _offsite_redirect(self, rule: FaultRule, request: Request, response: Response
                          ) -> Response:
        return _redirect(response, self.offsite_base + request.path)

    def _robots_disallow(self, rule: FaultRule, request: Request, response: Response
                         ) -> Response | None:
        if not request.path.startswith("/robots.txt"):
            return None
        # Into the existing ``*`` group: a second group for the same agent is ignored.
        text = response.body.decode().replace(
            "User-agent: *", f"User-agent: *\nDisallow: {rule.disallow}", 1)
        return Response(200, text.encode(), response.headers)

    def _xml_bomb(self, rule: FaultRule, request: Request, response: Response) -> Response:
        return _entity_bomb(response)

    def _truncated(self, rule: FaultRule, request: Request, response: Response) -> Response:
        body = response.body
        mark = body.find(_BODY_MARK)
        cut = mark + 400 if mark >= 0 else len(body) // 2
        return Response(200, body[:cut], response.headers)

    def _invalid_utf8(self, rule: FaultRule, request: Request, response: Response) -> Response:
        # A legacy-encoded widget in the footer: Latin-1 bytes inside a UTF-8 page.
        junk = b'<div class="counter">Th\xf4ng b\xe1o \xff\xfe\xc3(</div>\n</body>'
        return Response(200, response.body.replace(b"</body>", junk, 1), response.headers)

    def _wrong_charset(self, rule: FaultRule, request: Request, response: Response) -> Response:
        headers = [(k, v) for k, v in response.headers if k.lower() != "content-type"]
        headers.append(("Content-Type", "text/html; charset=iso-8859-1"))
        return Response(200, _META_CHARSET.sub(b"charset=windows-1252", response.body), headers)

    def _missing_fields(self, rule: FaultRule, request: Request, response: Response
                        ) -> Response:
        body = response.body
        if _BODY_MARK in body:  # an article whose editor saved an empty body
            return Response(200, _BODY_OPEN.sub(rb"\1\3", body, count=1), response.headers)
        return Response(200, _HEADLINE.sub(b"", body, count=1), response.headers)

    def _interstitial(self, rule: FaultRule, request: Request, response: Response) -> Response:
        return _replace(response, 200, _interstitial_page())

    def _oversize(self, rule: FaultRule, request: Request, response: Response) -> Response:
        padding = b"<!-- " + b"x" * (self.max_size + 65536) + b" -->"
        return Response(200, response.body.replace(b"</body>", padding + b"</body>", 1),
                        response.headers)

    def _gzip_bomb(self, rule: FaultRule, request: Request, response: Response) -> Response:
        """A small gzip body that inflates to eight times the size limit."""
        bomb = _gzip_zeros(self.max_size * 8)
        headers = [(k, v) for k, v in response.headers if k.lower() != "content-encoding"]
        headers.append(("Content-Encoding", "gzip"))
        return Response(200, bomb, headers)

    def _listing_page(self, path: str) -> tuple[str, int] | None:
        route = self.portal.urls.route(path)
        if route.kind != "news_cat":
            return None
        return route.params["cat"], route.params["page"]

    def _duplicates(self, rule: FaultRule, request: Request, response: Response
                    ) -> Response | None:
        """Repeat the last two items of the previous page at the top of this one."""
        from congdoan.sim.pages.news import _listing_item  # the simulator's own markup

        found = self._listing_page(request.path)
        if found is None or found[1] < 2:
            return None
        cat, page = found
        per_page = self.portal.spec.news_per_page
        ids = self.portal.content.article_ids(cat)
        previous = ids[(page - 2) * per_page:(page - 1) * per_page][-2:]
        extra = "".join(_listing_item(self.portal, self.portal.content.article(i), False)
                        for i in previous).encode()
        marker = b'<div class="news_column">'
        if marker not in response.body or not extra:
            return None
        return Response(200, response.body.replace(marker, marker + extra, 1), response.headers)

    def _shift(self, rule: FaultRule, request: Request, response: Response) -> Response | None:
        """Publish an article in this category while page 2+ is asked for: items shift by one."""
        found = self._listing_page(request.path)
        if found is None or found[1] < 2:
            return None
        with self._lock:
            if self._shifted or next_article_category(self.portal) != found[0]:
                return None
            self._shifted = True
            self._ledger.inserted.extend(self.portal.add_articles(1))
        return self.portal.render(request)  # the page as it is now, shifted

    # -- the ledger -------------------------------------------------------------------------
    @property
    def events(self) -> list[FaultEvent]:
        """Every fault served, in order."""
        with self._lock:
            return list(self._ledger.events)

    def injected(self) -> Counter[str]:
        """Faults served, by kind."""
        return Counter(event.kind for event in self.events)

    def recovered_paths(self) -> set[str]:
        """Paths that were faulted and later served normally (recovered by a retry)."""
        with self._lock:
            return set(self._ledger.clean_after_fault)

    def inserted_articles(self) -> list[int]:
        """Article ids the ``shift`` fault published during the crawl."""
        with self._lock:
            return list(self._ledger.inserted)

    def robots_disallowed(self) -> list[str]:
        """Path prefixes the ``robots_disallow`` rules forbid."""
        return [r.disallow for r in self.rules if r.kind == "robots_disallow" and r.disallow]

    def affected_items(self) -> dict[tuple[str, int], dict[str, object]]:
        """Items behind a fault: ``{(kind, id): {"path", "faults", "expect"}}``.

        ``expect`` is ``"stored"`` when the item must still be stored intact
        (a harmless fault, or a transient one served fine later) and
        ``"failed"`` when the crawl must report the item as failed.
        """
        truth = self.portal.truth()
        items = [("article", a) for a in truth["articles"]] + [
            ("document", d) for d in truth["documents"]]
        by_path: dict[str, list[str]] = {}
        for event in self.events:
            by_path.setdefault(event.path, [])
            if event.kind not in by_path[event.path]:
                by_path[event.path].append(event.kind)
        recovered = self.recovered_paths()
        blocked = self.robots_disallowed()
        affected: dict[tuple[str, int], dict[str, object]] = {}
        base = self.portal.urls.base_url
        for kind, item in items:
            path = item["url"][len(base):]
            faults = list(by_path.get(path, []))
            if any(path.startswith(prefix) for prefix in blocked):
                faults.append("robots_disallow")
            if kind == "article" and item["source_id"] in self.inserted_articles():
                faults.append("shift")
            if not faults:
                continue
            harmful = [f for f in faults if f not in HARMLESS_KINDS]
            ok = not harmful or (path in recovered and "robots_disallow" not in faults)
            affected[(kind, item["source_id"])] = {
                "path": path, "faults": faults, "expect": "stored" if ok else "failed"}
        return affected


def _any_response(response: Response) -> bool:
    return True


def _html_page(response: Response) -> bool:
    return response.status == 200 and (response.header("Content-Type") or "").startswith(
        "text/html")


def _xml_document(response: Response) -> bool:
    return response.status == 200 and "xml" in (response.header("Content-Type") or "")


_Handler = Callable[[FaultInjector, FaultRule, Request, Response], "Response | None"]
# Fault kind -> (the responses it applies to, its handler). Transport faults replace
# any response; content faults need the page (or feed) they rewrite.
_HANDLERS: dict[str, tuple[Callable[[Response], bool], _Handler]] = {
    "http_500": (_any_response, FaultInjector._server_error),
    "http_502": (_any_response, FaultInjector._server_error),
    "http_503": (_any_response, FaultInjector._server_error),
    "http_429": (_any_response, FaultInjector._too_many),
    "http_404": (_any_response, FaultInjector._not_found),
    "slow": (_any_response, FaultInjector._slow),
    "reset": (_any_response, FaultInjector._reset),
    "empty_200": (_any_response, FaultInjector._empty),
    "redirect_loop": (_any_response, FaultInjector._redirect_loop),
    "offsite_redirect": (_any_response, FaultInjector._offsite_redirect),
    "robots_disallow": (_any_response, FaultInjector._robots_disallow),
    "xml_bomb": (_xml_document, FaultInjector._xml_bomb),
    "gzip_bomb": (_html_page, FaultInjector._gzip_bomb),
    "shift": (_html_page, FaultInjector._shift),
    "truncated": (_html_page, FaultInjector._truncated),
    "invalid_utf8": (_html_page, FaultInjector._invalid_utf8),
    "wrong_charset": (_html_page, FaultInjector._wrong_charset),
    "missing_fields": (_html_page, FaultInjector._missing_fields),
    "interstitial": (_html_page, FaultInjector._interstitial),
    "oversize": (_html_page, FaultInjector._oversize),
    "duplicates": (_html_page, FaultInjector._duplicates),
}

def every_fault_plan(portal: Portal, seed: int) -> list[FaultRule]:
    """Rules switching on every fault kind over ``portal``, targets chosen by ``seed``.

    Each detail-page kind hits its own article (a few also a document);
    transient kinds fail once or twice and then serve the page; robots.txt
    forbids one category; feeds carry entity bombs; listings repeat items and
    shift under the crawler.
    """
    import random

    rng = random.Random(seed)
    urls, content = portal.urls, portal.content
    shift_cat = next_article_category(portal)
    categories = [c for c in {portal.content.article(i).category.alias
                              for i in content.article_ids()} if c != shift_cat]
    blocked_cat = rng.choice(sorted(categories))
    blocked = urls.news_cat(blocked_cat)
    articles = [portal.article_url(content.article(i)) for i in content.article_ids()]
    articles = [a for a in articles if not a.startswith(blocked)]
    documents = [urls.law_detail(content.document(i).alias) for i in content.document_ids()]
    rng.shuffle(articles)
    rng.shuffle(documents)

    def exact(path: str) -> str:
        return "^" + re.escape(path) + "$"

    detail_kinds: list[tuple[str, int | None]] = [
        ("http_500", 2), ("http_502", 1), ("http_503", None), ("http_429", 1), ("slow", 1),
        ("reset", 1), ("empty_200", 1), ("truncated", None),
        *((kind, None) for kind in PAGE_KINDS),
    ]
    rules = [FaultRule("robots_disallow", r"^/robots\.txt$", disallow=blocked)]
    for kind, times in detail_kinds:
        if articles:
            rules.append(FaultRule(kind, exact(articles.pop()), times=times))
    for kind in ("http_404", "missing_fields", "reset", "http_503"):
        if documents:
            times = 1 if kind == "reset" else None
            rules.append(FaultRule(kind, exact(documents.pop()), times=times))
    rules += [
        FaultRule("xml_bomb", r"rss|sitemap|SitemapIndex"),
        FaultRule("shift", r"page-\d+"),
        FaultRule("duplicates", r"page-\d+"),
        FaultRule("http_503", r"page-\d+", probability=0.5, times=1),
    ]
    return rules


def next_article_category(portal: Portal) -> str:
    """The category the portal's next published article will land in (seeded)."""
    from congdoan.sim.content import _article_skeleton  # the seeded choice, not a guess

    content = portal.content
    next_id = max(content.article_ids(), default=0) + 1
    return _article_skeleton(content.key, next_id)[0]


def _replace(response: Response, status: int, body: bytes) -> Response:
    headers = [(k, v) for k, v in response.headers
               if k.lower() not in ("content-type", "location", "content-encoding")]
    return Response(status, body, [*headers, ("Content-Type", HTML)])


def _redirect(response: Response, location: str) -> Response:
    reply = _replace(response, 302, f'<html><body><a href="{location}">Moved</a></body></html>'
                     .encode())
    reply.headers.append(("Location", location))
    return reply


def _entity_bomb(response: Response) -> Response:
    """The feed with a billion-laughs DTD and an external entity, referenced in the text."""
    body = response.body
    decl = _XML_DECL.match(body)
    head, rest = (body[:decl.end()], body[decl.end():]) if decl else (b"", body)
    rest = rest.replace(b"<channel>", b"<channel><description>&lol9;&xxe;</description>", 1)
    rest = rest.replace(b"</urlset>", b"<url><loc>&lol9;</loc></url>\n</urlset>", 1)
    rest = rest.replace(b"</sitemapindex>", b"<sitemap><loc>&xxe;</loc></sitemap>\n"
                        b"</sitemapindex>", 1)
    return Response(200, head + b"\n" + _ENTITY_BOMB + rest.lstrip(), response.headers)


_GZIP_CACHE: dict[int, bytes] = {}


def _gzip_zeros(size: int) -> bytes:
    if size not in _GZIP_CACHE:
        _GZIP_CACHE[size] = gzip.compress(b"\0" * size, compresslevel=9)
    return _GZIP_CACHE[size]


def _interstitial_page() -> bytes:
    """NukeViet's session-timeout page: a complete page with no article in it."""
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        "<title>Thông báo</title></head>\n<body>\n<div id=\"timeoutsess\" class=\"chromeframe\">"
        f"{SESSION_INTERSTITIAL}</div>\n</body>\n</html>\n"
    ).encode()


class TrapServer:
    """A server on another loopback name and port that records every request it gets.

    Off-site redirects point here (``http://localhost:PORT``): a crawler that
    stays on its registered domains never reaches it.
    """

    def __init__(self) -> None:
        self.hits: list[str] = []
        trap = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                trap.hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.2}, daemon=True)

    @property
    def base_url(self) -> str:
        """``http://localhost:PORT``: another host name than the portals' ``127.0.0.1``."""
        return f"http://localhost:{self._server.server_address[1]}"

    def __enter__(self) -> TrapServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
