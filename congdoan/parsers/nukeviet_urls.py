"""NukeViet URL shapes: build a portal's section URLs and classify links.

A portal chooses rewrite on/off, a ``/vi/`` language prefix, and module paths
(news may be the home module, laws may be renamed ``van-ban``); see
NUKEVIET.md. These functions take those choices as plain arguments so the
parsers stay independent of the registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

# The trailing "-123.html" of an article alias is the CMS id (NukeViet 3 and 4).
_ARTICLE_TAIL = re.compile(r"-(\d+)\.html?$")
# A laws detail op: "detail/Alias-7" (the alias keeps its capitals).
_DETAIL_OP = re.compile(r"(?:^|/)detail/([^/?#]+?)-(\d+)/?$")
# Core modules whose pages can look like "/x/alias-1.html" when news is the home module.
_NOT_NEWS = frozenset(
    {"about", "users", "contact", "statistics", "siteterms", "feeds", "seek", "banners",
     "page", "voting", "comment", "rss", "search", "tag", "topic", "author", "groups"}
)


@dataclass(frozen=True)
class UrlStyle:
    """How one portal spells its URLs."""

    base_url: str
    url_style: str = "rewrite"  # "rewrite" or "query"
    lang_prefix: bool = False
    language: str = "vi"
    news_module: str = ""  # "" when news is the home module
    laws_module: str = ""

    def _root(self) -> str:
        return self.base_url.rstrip("/") + (f"/{self.language}" if self.lang_prefix else "")

    def _query(self, **params: str) -> str:
        query = urlencode({"language": self.language, **params}, safe="/")
        return f"{self.base_url.rstrip('/')}/index.php?{query}"

    def news_category(self, alias: str, page: int = 1) -> str:
        """URL of a news category listing page (page 1 has no page part)."""
        op = alias if page <= 1 else f"{alias}/page-{page}"
        if self.url_style == "query":
            return self._query(nv=self.news_module or "news", op=op)
        module = f"/{self.news_module}" if self.news_module else ""
        return f"{self._root()}{module}/{op}/"

    def laws_list(self, page: int = 1) -> str:
        """URL of the laws module listing page."""
        if self.url_style == "query":
            if page <= 1:
                return self._query(nv=self.laws_module)
            return self._query(nv=self.laws_module, op=f"page-{page}")
        suffix = "" if page <= 1 else f"page-{page}/"
        return f"{self._root()}/{self.laws_module}/{suffix}"

    def news_rss(self) -> str:
        """URL of the news module RSS feed."""
        if self.url_style == "query":
            return self._query(nv=self.news_module or "news", op="rss")
        module = f"/{self.news_module}" if self.news_module else ""
        return f"{self._root()}{module}/rss/"

    def laws_rss(self) -> str:
        """URL of the laws module RSS feed."""
        if self.url_style == "query":
            return self._query(nv=self.laws_module, op="rss")
        return f"{self._root()}/{self.laws_module}/rss/"

    def sitemap_index(self) -> str:
        """URL of the sitemap index."""
        if self.url_style == "query":
            return f"{self.base_url.rstrip('/')}/index.php?nv=SitemapIndex"
        return f"{self.base_url.rstrip('/')}/sitemap.xml"

    def home(self) -> str:
        """The portal's home page URL, as redirects to it are written."""
        return self.base_url.rstrip("/") + "/"

    def module_of(self, url: str) -> str | None:
        """The module a URL belongs to (``news``/alias, laws alias), or ``None``."""
        parts = urlsplit(url)
        if parts.path.endswith("index.php") or parts.query:
            nv = parse_qs(parts.query).get("nv", [""])[0]
            return nv.split("/", 1)[0] or None
        segments = [s for s in parts.path.split("/") if s]
        if segments and self.lang_prefix and segments[0] == self.language:
            segments = segments[1:]
        return segments[0] if segments else None

    def op_of(self, url: str) -> str:
        """The module-relative part of a URL (``op`` in query style, the path after the module)."""
        parts = urlsplit(url)
        if parts.path.endswith("index.php") or parts.query:
            query = parse_qs(parts.query)
            nv = query.get("nv", [""])[0]
            # the CMS also serves the malformed "nv=laws/page-2"
            malformed = nv.split("/", 1)[1] if "/" in nv else ""
            return query.get("op", [malformed])[0]
        segments = [s for s in parts.path.split("/") if s]
        if segments and self.lang_prefix and segments[0] == self.language:
            segments = segments[1:]
        if self.news_module and segments and segments[0] == self.news_module:
            return "/".join(segments[1:])
        if self.laws_module and segments and segments[0] == self.laws_module:
            return "/".join(segments[1:])
        return "/".join(segments)

    def classify(self, url: str) -> str | None:
        """``"article"``, ``"document"`` or ``None`` for a link found on this portal."""
        module = self.module_of(url)
        op = self.op_of(url)
        if self.laws_module and module == self.laws_module:
            return "document" if _DETAIL_OP.search(op) else None
        if self.url_style == "query" or urlsplit(url).query:
            if module != (self.news_module or "news"):
                return None
        elif module != self.news_module if self.news_module else module in _NOT_NEWS:
            return None
        return "article" if _ARTICLE_TAIL.search(op) and "/" in op else None

    def is_home(self, url: str) -> bool:
        """True for the home page or a module root a soft 404 redirects to."""
        parts = urlsplit(url)
        path = parts.path.rstrip("/")
        roots = {"", "/index.php", f"/{self.language}"}
        if self.laws_module:
            roots |= {f"/{self.laws_module}", f"/{self.language}/{self.laws_module}"}
        if path in roots and not parse_qs(parts.query).get("op"):
            nv = parse_qs(parts.query).get("nv", [""])[0]
            return nv in ("", self.laws_module, self.news_module or "news")
        return False


def article_id(url: str) -> int | None:
    """The CMS id at the end of an article URL (``...-18.html``), in either URL style."""
    parts = urlsplit(url)
    target = parse_qs(parts.query).get("op", [parts.path])[0]
    match = _ARTICLE_TAIL.search(target)
    return int(match.group(1)) if match else None


def document_id(url: str) -> int | None:
    """The CMS id at the end of a laws detail URL (``detail/Alias-7``)."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    target = query.get("op", [parts.path])[0]
    match = _DETAIL_OP.search(target.rstrip("/") + "/") or _DETAIL_OP.search(target)
    return int(match.group(2)) if match else None


def same_site_url(url: str, base_url: str) -> str:
    """Rewrite ``url`` onto ``base_url``'s scheme and host when only those differ.

    Portals often write absolute links in sitemaps and feeds with the host the
    CMS was installed under (``http://`` vs ``https://``, ``www.`` or not);
    fetching them as-is would double-fetch or leave the registered domain.
    """
    parts, base = urlsplit(url), urlsplit(base_url)
    host = (parts.hostname or "").removeprefix("www.")
    if host != (base.hostname or "").removeprefix("www."):
        return url
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
