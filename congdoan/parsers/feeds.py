"""RSS feeds and XML sitemaps (NukeViet's ``/rss/`` and ``/sitemap*.xml``)."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from congdoan.normalize.text import clean_line
from congdoan.parsers.decoding import decode_body
from congdoan.parsers.errors import ParseError
from congdoan.parsers.markup import absolute

_XML_DECL_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>")
# Feeds and sitemaps never need a DTD. An internal subset is where entity bombs
# live, and libxml2 answers one (even unexpanded) by abandoning the document,
# which recover=True would turn into a feed with no items: drop the DOCTYPE.
_DOCTYPE = re.compile(r"<!DOCTYPE\b[^\[>]*(?:\[.*?\]\s*)?>", re.S | re.I)
# recover=True: feeds with a stray "&" or a truncated tail still yield their items.
_XML_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                              huge_tree=False)


def _parse_xml(body: str | bytes, url: str) -> etree._Element:
    text = _XML_DECL_TEXT.sub("", decode_body(body), count=1).strip()
    text = _DOCTYPE.sub("", text, count=1)
    root = etree.fromstring(text.encode("utf-8"), _XML_PARSER) if text else None
    if root is None:
        raise ParseError(url, "not an XML document")
    # Unresolved entity references are not text: never let "&xxe;" become a URL.
    etree.strip_elements(root, etree.Entity, with_tail=False)
    return root


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in el if _local(child) == name]


def _child_text(el: etree._Element, name: str) -> str | None:
    for child in _children(el, name):
        text = clean_line("".join(child.itertext()), unescape=True)
        if text:
            return text
    return None


def parse_rss(xml: str | bytes, url: str) -> list[dict[str, str | None]]:
    """Items of an RSS 2.0 (or Atom) feed: ``[{url, title, published_text}]``.

    ``published_text`` is the raw ``pubDate`` (Atom: ``published``/``updated``);
    NukeViet writes it in GMT. Raises ``ParseError`` for anything but a feed.
    """
    root = _parse_xml(xml, url)
    kind = _local(root)
    if kind == "rss" or kind == "RDF":
        entries = [el for el in root.iter() if _local(el) == "item"]
    elif kind == "feed":
        entries = [el for el in root if _local(el) == "entry"]
    else:
        raise ParseError(url, f"not an RSS feed (root element <{kind}>)")
    items = []
    for entry in entries:
        link = _child_text(entry, "link")
        if link is None:  # Atom keeps the URL in an attribute
            link = next((el.get("href") for el in _children(entry, "link")
                         if el.get("rel", "alternate") == "alternate"), None)
        published = (_child_text(entry, "pubDate") or _child_text(entry, "published")
                     or _child_text(entry, "updated") or _child_text(entry, "date"))
        items.append({
            "url": absolute(url, link),
            "title": _child_text(entry, "title"),
            "published_text": published,
        })
    return items


def parse_sitemap(xml: str | bytes, url: str) -> dict[str, list]:
    """A sitemap or sitemap index: ``{"sitemaps": [url], "urls": [{url, lastmod}]}``."""
    root = _parse_xml(xml, url)
    kind = _local(root)
    if kind not in ("urlset", "sitemapindex"):
        raise ParseError(url, f"not a sitemap (root element <{kind}>)")
    sitemaps: list[str] = []
    urls: list[dict[str, str | None]] = []
    for entry in root:
        loc = absolute(url, _child_text(entry, "loc"))
        if not loc:
            continue
        if _local(entry) == "sitemap":
            sitemaps.append(loc)
        elif _local(entry) == "url":
            urls.append({"url": loc, "lastmod": _child_text(entry, "lastmod")})
    return {"sitemaps": sitemaps, "urls": urls}


def parse_dated_sitemap(xml: str | bytes, url: str) -> dict[str, Any]:
    """A sitemap or index with every date it gives (what an incremental crawl compares).

    ``{"sitemaps": [{url, lastmod}], "urls": [{url, lastmod, published}]}``;
    ``published`` is a news sitemap's ``<news:publication_date>`` (else None).
    """
    root = _parse_xml(xml, url)
    kind = _local(root)
    if kind not in ("urlset", "sitemapindex"):
        raise ParseError(url, f"not a sitemap (root element <{kind}>)")
    sitemaps: list[dict[str, str | None]] = []
    urls: list[dict[str, str | None]] = []
    for entry in root:
        loc = absolute(url, _child_text(entry, "loc"))
        if not loc:
            continue
        lastmod = _child_text(entry, "lastmod")
        if _local(entry) == "sitemap":
            sitemaps.append({"url": loc, "lastmod": lastmod})
        elif _local(entry) == "url":
            news = next(iter(_children(entry, "news")), None)
            published = _child_text(news, "publication_date") if news is not None else None
            urls.append({"url": loc, "lastmod": lastmod, "published": published})
    return {"sitemaps": sitemaps, "urls": urls}
