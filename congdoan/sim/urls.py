"""URL shapes of a NukeViet portal in both styles, and routing of requests back to pages.

Builders return site-relative URLs (``/...`` or ``/index.php?...``), raw (not
HTML-escaped); ``absolute()`` prefixes the portal's base URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from congdoan.sim.content import CATEGORY_BY_ALIAS
from congdoan.sim.spec import PortalSpec
from congdoan.sim.vocab import DOC_KINDS

_PAGE = re.compile(r"page-(\d+)")
_ARTICLE = re.compile(r"(.+)-(\d+)\.html")
_DETAIL = re.compile(r"(.+)-(\d+)")
DOC_TYPE_ALIASES = frozenset(kind[1] for kind in DOC_KINDS)
LAW_FILTERS = ("area", "subject", "signer")


@dataclass(frozen=True)
class Route:
    """What a request asks for: a page kind and its parameters."""

    kind: str
    params: dict = field(default_factory=dict)


class UrlScheme:
    """Builds and parses the URLs of one portal."""

    def __init__(self, spec: PortalSpec, base_url: str = "") -> None:
        self.spec = spec
        self.base_url = base_url.rstrip("/")
        self.query = spec.url_style == "query"
        prefix = "/vi" if spec.lang_prefix and not self.query else ""
        self._prefix = prefix
        self._news_root = prefix + (f"/{spec.news_module}" if spec.news_module else "")
        self._laws_root = f"{prefix}/{spec.laws_module}"
        self.news_nv = spec.news_module or "news"
        self.laws_nv = spec.laws_module

    def absolute(self, url: str) -> str:
        """``url`` made absolute against the portal's base URL."""
        return url if url.startswith("http") else self.base_url + url

    # -- builders -------------------------------------------------------------------------
    def _q(self, nv: str, op: str = "") -> str:
        return f"/index.php?language=vi&nv={nv}" + (f"&op={op}" if op else "")

    def home(self) -> str:
        """Home page."""
        return "/index.php?language=vi" if self.query else f"{self._prefix}/"

    def news_cat(self, alias: str, page: int = 1) -> str:
        """A news category listing page."""
        suffix = f"/page-{page}" if page > 1 else ""
        if self.query:
            return self._q(self.news_nv, alias + suffix)
        return f"{self._news_root}/{alias}{suffix}/"

    def article(self, cat: str, alias: str, article_id: int) -> str:
        """An article page: the trailing number is the article id."""
        op = f"{cat}/{alias}-{article_id}.html"
        return self._q(self.news_nv, op) if self.query else f"{self._news_root}/{op}"

    def tag(self, alias: str) -> str:
        """A tag page (linked from articles; not served)."""
        return self._q(self.news_nv, f"tag/{alias}") if self.query else (
            f"{self._news_root}/tag/{alias}"
        )

    def news_rss(self, cat: str | None = None) -> str:
        """News RSS, all or one category."""
        op = "rss" + (f"/{cat}" if cat else "")
        return self._q(self.news_nv, op) if self.query else f"{self._news_root}/{op}/"

    def laws_list(self, page: int = 1) -> str:
        """Laws list; query style links later pages with the malformed ``nv=laws/page-N``."""
        if self.query:
            return self._q(self.laws_nv + (f"/page-{page}" if page > 1 else ""))
        return f"{self._laws_root}/" + (f"page-{page}/" if page > 1 else "")

    def law_filter(self, what: str, value: str, page: int = 1, signer_id: int = 0) -> str:
        """Filtered laws list: ``what`` is "type", "area", "subject" or "signer"."""
        op = value if what == "type" else (
            f"signer/{signer_id}/{value}" if what == "signer" else f"{what}/{value}"
        )
        if page > 1:
            op += f"/page-{page}"
        return self._q(self.laws_nv, op) if self.query else f"{self._laws_root}/{op}/"

    def law_detail(self, alias: str, from_detail: str | None = None) -> str:
        """A document page. On a detail page the query-style CMS appends ``&op=`` to the
        current URL instead of building a fresh one; ``from_detail`` reproduces that."""
        if self.query:
            if from_detail:
                return f"{self.law_detail(from_detail)}&op=detail/{alias}"
            return self._q(self.laws_nv, f"detail/{alias}")
        return f"{self._laws_root}/detail/{alias}/"

    def laws_rss(self, type_alias: str | None = None) -> str:
        """Laws RSS, all or one Thể loại."""
        op = "rss" + (f"/{type_alias}" if type_alias else "")
        return self._q(self.laws_nv, op) if self.query else f"{self._laws_root}/{op}/"

    def sitemap_index(self) -> str:
        """Sitemap index (``nv=SitemapIndex`` without rewrite)."""
        return "/index.php?nv=SitemapIndex" if self.query else "/sitemap.xml"

    def sitemap(self, module: str) -> str:
        """Per-module sitemap (``module`` is the module path: news, laws, van-ban …)."""
        return self._q(module, "sitemap") if self.query else f"/sitemap-vi.{module}.xml"

    @staticmethod
    def file_link(page_url: str, index: int, preview: bool = False) -> str:
        """Attachment ``index`` of the page at ``page_url`` (``?download=1&id=N``)."""
        joiner = "&" if "?" in page_url else "?"
        return f"{page_url}{joiner}{'pdf' if preview else 'download'}=1&id={index}"

    # -- routing --------------------------------------------------------------------------
    def route(self, raw_path: str) -> Route:
        """Map a request path (with query) to a Route."""
        parts = urlsplit(raw_path)
        path = unquote(parts.path) or "/"
        params = dict(parse_qsl(parts.query, keep_blank_values=True))  # last value wins, as PHP
        fixed = self._route_fixed(path)
        if fixed is not None:
            return fixed
        inner = self._route_query(params) if self.query and path in ("/", "/index.php") else (
            self._route_rewrite(path) if not self.query else self._soft404()
        )
        for mode in ("download", "pdf"):
            if params.get(mode) == "1" and params.get("id", "").isdigit():
                if inner.kind not in ("article", "law_detail"):
                    return self._soft404()
                return Route("file", {"target": inner, "index": int(params["id"]),
                                      "preview": mode == "pdf"})
        return inner

    def _route_fixed(self, path: str) -> Route | None:
        if path == "/_sim/truth.json":
            return Route("truth")
        if path == "/robots.txt":
            return Route("robots")
        if path == "/sitemap.xml":
            return Route("sitemap_index")
        if path == f"/sitemap-vi.{self.news_nv}.xml":
            return Route("sitemap_news")
        if self.laws_nv and path == f"/sitemap-vi.{self.laws_nv}.xml":
            return Route("sitemap_laws")
        if path.startswith(("/uploads/", "/assets/", "/themes/")) or path == "/favicon.ico":
            return Route("static", {"path": path})
        return None

    def _soft404(self, laws: bool = False) -> Route:
        target = self.laws_list() if laws else self.home()
        return Route("redirect", {"location": target})

    def _route_rewrite(self, path: str) -> Route:
        if self._prefix:
            if path == "/":
                return Route("redirect", {"location": self.home()})
            if not path.startswith(self._prefix + "/"):
                return self._soft404()
            path = path[len(self._prefix):]
        segments = [s for s in path.split("/") if s]
        if not segments:
            return Route("home")
        if self.laws_nv and segments[0] == self.laws_nv:
            return self._route_laws(segments[1:])
        if self.spec.news_module:
            if segments[0] != self.spec.news_module:
                return self._soft404()
            segments = segments[1:]
            if not segments:
                return Route("home")
        return self._route_news(segments)

    def _route_query(self, params: dict) -> Route:
        nv = params.get("nv")
        op = params.get("op", "")
        if nv is None:
            return Route("home")
        if nv == "SitemapIndex":
            return Route("sitemap_index")
        if self.laws_nv and nv.startswith(self.laws_nv + "/"):
            # The CMS links later laws pages as nv=laws/page-2 and serves them.
            op, nv = nv[len(self.laws_nv) + 1:], self.laws_nv
        if self.laws_nv and nv == self.laws_nv:
            if op == "sitemap":
                return Route("sitemap_laws")
            return self._route_laws([s for s in op.split("/") if s])
        if nv == self.news_nv:
            if op == "sitemap":
                return Route("sitemap_news")
            segments = [s for s in op.split("/") if s]
            return self._route_news(segments) if segments else Route("home")
        return self._soft404()

    def _route_news(self, segments: list[str]) -> Route:
        head, rest = segments[0], segments[1:]
        if head == "rss":
            if not rest:
                return Route("news_rss", {"cat": None})
            if len(rest) == 1 and rest[0] in CATEGORY_BY_ALIAS:
                return Route("news_rss", {"cat": rest[0]})
            return self._soft404()
        if head not in CATEGORY_BY_ALIAS or len(rest) > 1:
            return self._soft404()
        if not rest:
            return Route("news_cat", {"cat": head, "page": 1})
        page = _PAGE.fullmatch(rest[0])
        if page:
            return Route("news_cat", {"cat": head, "page": int(page.group(1))})
        article = _ARTICLE.fullmatch(rest[0])
        if article:
            return Route("article", {"cat": head, "alias": article.group(1),
                                     "id": int(article.group(2))})
        return self._soft404()

    def _route_laws(self, segments: list[str]) -> Route:
        if not segments:
            return Route("laws_list", {"page": 1})
        head, rest = segments[0], segments[1:]
        page = _PAGE.fullmatch(head)
        if page and not rest:
            return Route("laws_list", {"page": int(page.group(1))})
        if head == "detail" and len(rest) == 1:
            detail = _DETAIL.fullmatch(rest[0])
            if detail:
                return Route("law_detail", {"alias": rest[0], "id": int(detail.group(2))})
        if head == "rss" and len(rest) <= 1:
            type_alias = rest[0] if rest else None
            if type_alias is None or type_alias in DOC_TYPE_ALIASES:
                return Route("laws_rss", {"type": type_alias})
        filtered = self._route_law_filter(head, rest)
        return filtered or self._soft404(laws=True)

    def _route_law_filter(self, head: str, rest: list[str]) -> Route | None:
        page = 1
        if rest and _PAGE.fullmatch(rest[-1]):
            page = int(rest.pop()[5:])
        if head in DOC_TYPE_ALIASES and not rest:
            return Route("laws_filter", {"what": "type", "value": head, "page": page})
        if head in ("area", "subject") and len(rest) == 1:
            return Route("laws_filter", {"what": head, "value": rest[0], "page": page})
        if head == "signer" and len(rest) == 2 and rest[0].isdigit():
            return Route("laws_filter", {"what": "signer", "value": rest[1], "page": page,
                                         "signer_id": int(rest[0])})
        return None
