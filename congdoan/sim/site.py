"""One simulated portal: routes a request to a page and builds the full HTTP response.

``Portal.handle`` is transport-free (the HTTP server in ``server.py`` only
copies its result onto the wire), so it can be tested and benchmarked alone.

Seam for fault injection: ``Portal.hooks`` is a list of callables
``hook(request, response) -> Response | None`` run after routing and before
sending; a hook returning a Response replaces the one built (slow pages,
500s, truncated bodies, redirects … by path pattern or probability).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from congdoan.sim.content import CATEGORY_BY_ALIAS, Article, ContentModel, FileRef
from congdoan.sim.files import build_file
from congdoan.sim.pages import feeds, laws, news
from congdoan.sim.spec import PortalSpec
from congdoan.sim.truth import portal_truth
from congdoan.sim.urls import Route, UrlScheme

HTML = "text/html; charset=utf-8"
XML = "text/xml; charset=utf-8"
# 1x1 transparent GIF: every simulated image serves these bytes.
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)
_STATIC_TYPES = {".css": "text/css", ".js": "application/javascript", ".jpg": "image/jpeg",
                 ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
                 ".ico": "image/x-icon"}
_SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-XSS-Protection", "1; mode=block"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Referrer-Policy", "no-referrer-when-downgrade, strict-origin-when-cross-origin"),
)


@dataclass
class Request:
    """What the portal sees of an HTTP request."""

    method: str
    path: str  # path with query string
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Response:
    """A complete HTTP response; ``headers`` may repeat names (Set-Cookie)."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    # Fault injection: send only this many body bytes (after a Content-Length
    # announcing all of them), then reset the connection. ``None``: send it all.
    abort_after: int | None = None

    def header(self, name: str) -> str | None:
        """First value of header ``name`` (case-insensitive), if any."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


ResponseHook = Callable[[Request, Response], "Response | None"]


class Portal:
    """A simulated NukeViet portal: content, URL scheme and page rendering."""

    def __init__(self, spec: PortalSpec, base_url: str = "",
                 content: ContentModel | None = None) -> None:
        self.spec = spec
        # ``content``: items given as they are (sim/stories.py) instead of seeded from the spec.
        self.content = content or ContentModel(spec)
        self.urls = UrlScheme(spec, base_url)
        self.hooks: list[ResponseHook] = []
        self._sessions = itertools.count(1)
        self._file_index: dict[str, FileRef] | None = None
        self._lock = threading.Lock()

    # -- helpers used by the templates ----------------------------------------------------
    def article_url(self, article: Article) -> str:
        """Site-relative URL of ``article``."""
        return self.urls.article(article.category.alias, article.alias, article.id)

    @staticmethod
    def category_title(alias: str) -> str:
        """Display title of category ``alias``."""
        return CATEGORY_BY_ALIAS[alias].title

    # -- content changes ------------------------------------------------------------------
    def add_articles(self, n: int) -> list[int]:
        """Publish ``n`` articles now; they top listings, RSS and sitemaps. Returns ids."""
        ids = self.content.add_articles(n, datetime.now(UTC))
        self._file_index = None
        return ids

    def add_documents(self, n: int) -> list[int]:
        """Publish ``n`` documents now (issued today). Returns ids."""
        ids = self.content.add_documents(n, datetime.now(UTC))
        self._file_index = None
        return ids

    def truth(self) -> dict:
        """Ground truth of everything this portal renders (see ``truth.py``)."""
        return portal_truth(self)

    # -- request handling -----------------------------------------------------------------
    def render(self, request: Request) -> Response:
        """The response the portal builds for ``request``, before any hook alters it."""
        if request.method == "POST" and not request.headers.get("Referer", "").startswith(
            self.urls.base_url
        ):
            return self._finish(Response(403, b"Access denied", [("Content-Type", HTML)]))
        return self._finish(self._dispatch(self.urls.route(request.path)))

    def handle(self, request: Request) -> Response:
        """Route ``request`` and build the response, then let the hooks alter it."""
        response = self.render(request)
        for hook in self.hooks:
            replaced = hook(request, response)
            if replaced is not None:
                response = replaced
        if request.method == "HEAD":
            response.body = b""
        return response

    def _dispatch(self, route: Route) -> Response:
        params = route.params
        kind = route.kind
        if kind == "redirect":
            return self._redirect(params["location"])
        if kind == "home":
            return self._html(news.render_home(self))
        if kind == "news_cat":
            page = news.render_category(self, params["cat"], params["page"])
            return self._html(page) if page else self._redirect(self.urls.news_cat(params["cat"]))
        if kind == "article":
            return self._article(params)
        if kind in ("laws_list", "laws_filter"):
            page = laws.render_list(self, params["page"], params.get("what"),
                                    params.get("value", ""), params.get("signer_id", 0))
            return self._html(page) if page else self._redirect(self.urls.laws_list())
        if kind == "law_detail":
            return self._law_detail(params)
        if kind == "file":
            return self._file(params)
        if kind == "news_rss":
            return self._xml(feeds.render_news_rss(self, params["cat"]))
        if kind == "laws_rss":
            return self._xml(feeds.render_laws_rss(self, params["type"]))
        if kind == "sitemap_index":
            return self._xml(feeds.render_sitemap_index(self))
        if kind == "sitemap_news":
            return self._xml(feeds.render_news_sitemap(self))
        if kind == "sitemap_laws":
            return self._xml(feeds.render_laws_sitemap(self))
        if kind == "robots":
            return Response(200, feeds.render_robots(self).encode(),
                            [("Content-Type", "text/plain; charset=utf-8")])
        if kind == "truth":
            body = json.dumps(self.truth(), ensure_ascii=False, indent=1).encode()
            return Response(200, body, [("Content-Type", "application/json; charset=utf-8")])
        return self._static(params["path"])

    def _article(self, params: dict) -> Response:
        article = self.content.article(params["id"])
        if article is None:
            return Response(404, news.render_not_found(self).encode(), [("Content-Type", HTML)])
        canonical = self.article_url(article)
        if (article.category.alias, article.alias) != (params["cat"], params["alias"]):
            return self._redirect(canonical)
        return self._html(news.render_article(self, article))

    def _law_detail(self, params: dict) -> Response:
        doc = self.content.document(params["id"])
        if doc is None:
            return self._redirect(self.urls.laws_list())
        if doc.alias != params["alias"]:
            return self._redirect(self.urls.law_detail(doc.alias))
        return self._html(laws.render_detail(self, doc))

    def _file(self, params: dict) -> Response:
        target: Route = params["target"]
        if target.kind == "article":
            item = self.content.article(target.params["id"])
            page_url = self.article_url(item) if item else self.urls.home()
        else:
            item = self.content.document(target.params["id"])
            page_url = self.urls.law_detail(item.alias) if item else self.urls.laws_list()
        if item is None or params["index"] >= len(item.files):
            return self._redirect(page_url)
        file = item.files[params["index"]]
        if params["preview"] and not file.name.endswith(".pdf"):
            return self._redirect(page_url)
        return self._file_response(file, inline=params["preview"])

    def _file_response(self, file: FileRef, inline: bool = False) -> Response:
        body, media_type = build_file(file.name, file.lines, scanned=file.scanned)
        disposition = "inline" if inline else "attachment"
        headers = [("Content-Type", media_type),
                   ("Content-Disposition", f'{disposition}; filename="{file.name}"')]
        return Response(200, body, headers)

    def _static(self, path: str) -> Response:
        if path.startswith("/uploads/") and path.endswith((".pdf", ".docx")):
            file = self._files().get(path)
            if file is None:
                return Response(404, b"Not Found", [("Content-Type", "text/plain")])
            return self._file_response(file)
        suffix = path[path.rfind("."):].lower() if "." in path else ""
        media_type = _STATIC_TYPES.get(suffix)
        if media_type is None:
            return Response(404, b"Not Found", [("Content-Type", "text/plain")])
        body = PIXEL if media_type.startswith("image/") else b"/* simulated asset */\n"
        return Response(200, body, [("Content-Type", media_type)])

    def _files(self) -> dict[str, FileRef]:
        """Attachments by upload path, built on first use (a full scan, then cached)."""
        index = self._file_index
        if index is None:
            index = {}
            for article_id in self.content.article_ids():
                index.update((f.path, f) for f in self.content.article(article_id).files)
            for doc_id in self.content.document_ids():
                index.update((f.path, f) for f in self.content.document(doc_id).files)
            self._file_index = index
        return index

    # -- response building ----------------------------------------------------------------
    def _html(self, page: str) -> Response:
        return Response(200, page.encode(), [("Content-Type", HTML)])

    def _xml(self, document: str) -> Response:
        return Response(200, document.encode(), [("Content-Type", XML)])

    def _redirect(self, location: str) -> Response:
        target = self.urls.absolute(location)
        body = f'<html><body>Moved: <a href="{target}">{target}</a></body></html>'
        return Response(301, body.encode(), [("Location", target), ("Content-Type", HTML)])

    def _finish(self, response: Response) -> Response:
        """Add the headers and cookies NukeViet sends with every response."""
        now = datetime.now(UTC)
        session = next(self._sessions)
        token = hashlib.md5(f"{self.spec.site_id}:{session}".encode()).hexdigest()
        cookies = [
            f"nv4_ctr={token[:16]}; expires={_cookie_date(now, 365)}; Max-Age=31536000; path=/;"
            " HttpOnly; SameSite=Lax",
            f"nv4_sess={token[:26]}; path=/; HttpOnly; SameSite=Lax",
            f"nv4_statistic_vi={token[6:28]}%2C%2C; expires={_cookie_date(now, 0, 1800)}; "
            "Max-Age=1800; path=/; HttpOnly; SameSite=Lax",
            f"nv4_nvvithemever={token[10:32]}%2C%2C; expires={_cookie_date(now, 360)}; "
            "Max-Age=31104000; path=/; HttpOnly; SameSite=Lax",
        ]
        headers = [("Set-Cookie", cookie) for cookie in cookies]
        headers += [("Expires", "-1"),
                    ("Cache-Control", "max-age=0, no-cache, no-store, must-revalidate"),
                    ("Pragma", "no-cache"), *_SECURITY_HEADERS,
                    ("Last-Modified", format_datetime(now - timedelta(days=1), usegmt=True))]
        response.headers = headers + response.headers
        return response


def _cookie_date(now: datetime, days: int, seconds: int = 0) -> str:
    return format_datetime(now + timedelta(days=days, seconds=seconds), usegmt=True)
