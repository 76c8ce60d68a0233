"""NukeViet parsers: the public entry points named in docs/contracts.md.

Pure functions of ``(body, url)``: ``body`` is ``str`` or ``bytes`` (decoded
by the page's declared charset, UTF-8 by default); no network, no database,
no Scrapy. The work is done in small modules: ``article``, ``document``,
``listing``, ``feeds`` (RSS, sitemaps), ``body`` (chrome-free bodies).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from congdoan.parsers.article import parse_article
from congdoan.parsers.decoding import decode_body
from congdoan.parsers.document import parse_document
from congdoan.parsers.errors import ParseError
from congdoan.parsers.feeds import parse_rss, parse_sitemap
from congdoan.parsers.listing import parse_article_list, parse_document_list

KINDS = ("article", "document", "article-list", "document-list", "rss", "sitemap")

_PARSERS: dict[str, Callable[[str | bytes, str], object]] = {
    "article": parse_article,
    "document": parse_document,
    "article-list": parse_article_list,
    "document-list": parse_document_list,
    "rss": parse_rss,
    "sitemap": parse_sitemap,
}
_XML_ROOT = re.compile(r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<\?[^>]*\?>\s*|<!--.*?-->\s*)*<([\w:]+)",
                       re.DOTALL)
_DOC_DETAIL_URL = re.compile(r"(?:^|[/=])detail/[^/?&#]+-\d+/?(?:$|[?&#])")


def guess_kind(body: str | bytes, url: str) -> str:
    """Which parser fits a page: one of ``KINDS``, from its markup first, then its URL."""
    text = decode_body(body)
    match = _XML_ROOT.match(text[:2048])
    root = match.group(1).lower().split(":")[-1] if match else ""
    if root in ("rss", "feed", "rdf"):
        return "rss"
    if root in ("urlset", "sitemapindex"):
        return "sitemap"
    if "news-bodyhtml" in text or re.search(r'itemtype="[^"]*schema\.org/NewsArticle"', text):
        return "article"
    if re.search(r'class="[^"]*\blawh3\b', text) or 'class="hoatim"' in text \
            or _DOC_DETAIL_URL.search(url):
        return "document"
    if re.search(r'class="[^"]*\btable-rows\b', text) and "label-name" in text:
        return "document-list"
    return "article-list"


def extract(kind: str, body: str | bytes, url: str) -> dict:
    """Run the parser for ``kind`` (``"auto"`` guesses it) and return its result as a dict.

    ``parse_rss`` returns a list; here it is wrapped as ``{"items": [...]}`` so
    that every kind serialises to a JSON object.
    """
    if kind == "auto":
        kind = guess_kind(body, url)
    parser = _PARSERS.get(kind)
    if parser is None:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    result = parser(body, url)
    return result if isinstance(result, dict) else {"items": result}


__all__ = [
    "KINDS",
    "ParseError",
    "extract",
    "guess_kind",
    "parse_article",
    "parse_article_list",
    "parse_document",
    "parse_document_list",
    "parse_rss",
    "parse_sitemap",
]
