"""The ``[site.generic]`` table of a registry entry: how to navigate a portal of unknown CMS.

A generic portal has no URL scheme we know, so its entry says where items are
listed: feeds, sitemaps, listing pages with an article URL pattern, and pages
holding tables of legal documents. Kept apart from ``congdoan.registry`` so the
CMS families each validate their own fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from lxml.cssselect import CSSSelector, SelectorError

GENERIC_KEYS = ("article_pattern", "listing_urls", "next_page", "feed_urls", "sitemap_urls",
                "document_pages")


@dataclass(frozen=True)
class GenericNav:
    """Navigation of a generic portal (every URL may be site-relative)."""

    article_pattern: str = ""  # regex searched in a link's path (and query): an article page
    listing_urls: tuple[str, ...] = ()  # listing pages to walk (default: the home page)
    next_page: str = ""  # CSS selector of a listing's next-page link (default: a[rel=next])
    feed_urls: tuple[str, ...] = ()  # RSS/Atom feeds (default: the home page's rel=alternate)
    sitemap_urls: tuple[str, ...] = ()  # sitemaps (default: robots.txt, else /sitemap.xml)
    document_pages: tuple[str, ...] = ()  # pages with "Số/Ký hiệu | Trích yếu" tables


def parse_generic_nav(raw: Any, base_url: str) -> GenericNav:
    """Validate a ``[site.generic]`` table; ``ValueError`` says which key is wrong and why."""
    if raw is None:
        return GenericNav()
    if not isinstance(raw, dict):
        raise ValueError("must be a table ([site.generic])")
    unknown = sorted(set(raw) - set(GENERIC_KEYS))
    if unknown:
        raise ValueError(f"has unknown key {unknown[0]!r} (known: {', '.join(GENERIC_KEYS)})")
    pattern = raw.get("article_pattern", "")
    if not isinstance(pattern, str):
        raise ValueError("article_pattern must be a string (a regular expression)")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"article_pattern {pattern!r} is not a valid regex: {exc}") from None
    next_page = raw.get("next_page", "")
    if not isinstance(next_page, str):
        raise ValueError("next_page must be a string (a CSS selector)")
    if next_page:
        try:
            CSSSelector(next_page, translator="html")
        except SelectorError as exc:
            raise ValueError(f"next_page {next_page!r} is not valid CSS: {exc}") from None
    lists = {}
    host = urlsplit(base_url).hostname
    for key in ("listing_urls", "feed_urls", "sitemap_urls", "document_pages"):
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                                  for v in value):
            raise ValueError(f"{key} must be a list of URLs or site paths")
        for url in value:
            parts = urlsplit(url.strip())
            if parts.scheme and (parts.scheme not in ("http", "https")
                                 or parts.hostname != host):
                raise ValueError(f"{key} has {url!r}: not a page of {host}")
            if not parts.scheme and not url.strip().startswith("/"):
                raise ValueError(f"{key} has {url!r}: use a full URL or a path starting with /")
        lists[key] = tuple(v.strip() for v in value)
    return GenericNav(article_pattern=pattern.strip(), next_page=next_page.strip(), **lists)


def generic_nav_problem(nav: GenericNav, rss: bool) -> str | None:
    """Why an enabled generic entry cannot be crawled, or None when it can.

    Feed items are articles whatever their URL; sitemap entries and listing
    links are articles only when they match ``article_pattern`` (a sitemap also
    lists category and static pages, which must not become articles).
    """
    if not nav.article_pattern and not nav.document_pages and not rss:
        return ("needs article_pattern (which links are articles) or document_pages, "
                "or rss = true")
    if nav.listing_urls and not nav.article_pattern:
        return "listing_urls need article_pattern: which links of a listing are articles"
    return None
