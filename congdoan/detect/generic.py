"""What an unknown portal offers a generic crawl: feeds, sitemaps, an article URL pattern.

The article pattern is learnt from URLs known to be articles, strongest
evidence first: the items of the home page's first feed (feeds list posts),
the entries of a sitemap that lists posts (in an index, a child named for
posts, never one for tags, authors or pages), then the home page's links.
Each costs at most one request more than the home page, robots.txt and the
sitemap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from congdoan.detect.fetch import Fetcher, FetchError, Page
from congdoan.detect.homepage import HomePage
from congdoan.parsers.errors import ParseError
from congdoan.parsers.feeds import parse_rss, parse_sitemap
from congdoan.parsers.nukeviet_urls import same_site_url
from congdoan.parsers.site_urls import article_pattern, sitemap_lists_posts

_SITEMAP_GUESSES = ("/sitemap.xml", "/sitemap_index.xml")


@dataclass
class GenericSetup:
    """The discovery sources of a portal whose CMS we do not know."""

    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    article_pattern: str = ""  # a path regex for article links, when one shape dominates
    facts: list[str] = field(default_factory=list)


def detect_generic(page: Page, home: HomePage, fetcher: Fetcher) -> GenericSetup:
    """Feeds linked by ``<link rel=alternate>``, sitemaps (robots.txt or the usual paths),
    and the article URL pattern their entries (else the home page's links) share."""
    origin = f"{urlsplit(page.final_url).scheme}://{urlsplit(page.final_url).netloc}"
    # A CMS writes absolute links with the host it was installed under (another port,
    # http vs https, www.): they are this portal's all the same.
    own = _OwnUrls(origin)
    setup = GenericSetup(feeds=own.keep(url for url, _title in home.feeds))
    candidates = own.keep(fetcher.sitemaps_in_robots(origin + "/")) or [
        origin + path for path in _SITEMAP_GUESSES]
    sitemap_urls: list[str] = []
    for url in candidates[:2]:
        found = _read_sitemap(fetcher, url, own)
        if found is not None:
            setup.sitemaps.append(own.rebase(url))
            sitemap_urls = found
            break
    evidence = [("feed items", _feed_urls(fetcher, setup.feeds, own)),
                ("sitemap entries", sitemap_urls),
                ("home page links", own.keep(link.url for link in home.links))]
    for source, urls in evidence:
        pattern, support = article_pattern(urls)
        if pattern:
            setup.article_pattern = pattern
            setup.facts.append(f"article links look like {pattern} ({support} {source})")
            break
    setup.facts.insert(0, f"feeds: {', '.join(setup.feeds) or 'none linked'}")
    setup.facts.insert(1, f"sitemaps: {', '.join(setup.sitemaps) or 'none found'}")
    return setup


@dataclass
class _OwnUrls:
    """URLs of the portal at ``origin``, moved onto it; others dropped."""

    origin: str

    def rebase(self, url: str) -> str:
        return same_site_url(url, self.origin)

    def keep(self, urls: Iterable[str]) -> list[str]:
        host = urlsplit(self.origin).netloc
        moved = (self.rebase(u) for u in urls)
        return list(dict.fromkeys(u for u in moved if urlsplit(u).netloc == host))


def _feed_urls(fetcher: Fetcher, feeds: list[str], own: _OwnUrls) -> list[str]:
    """The item links of the first readable feed."""
    for url in feeds[:1]:
        try:
            answer = fetcher.get(url)
            if answer.ok:
                return own.keep(e["url"] for e in parse_rss(answer.body, answer.final_url)
                                if e.get("url"))
        except (FetchError, ParseError):
            continue
    return []


def _read_sitemap(fetcher: Fetcher, url: str, own: _OwnUrls) -> list[str] | None:
    """The page URLs of a sitemap; of an index, those of its first child that may list
    posts. ``None`` when ``url`` is no sitemap."""
    try:
        answer = fetcher.get(url)
        if not answer.ok:
            return None
        sitemap = parse_sitemap(answer.body, answer.final_url)
    except (FetchError, ParseError):
        return None
    urls = own.keep(e["url"] for e in sitemap["urls"])
    for child in own.keep(sitemap["sitemaps"]):
        if not sitemap_lists_posts(child):
            continue
        try:
            answer = fetcher.get(child)
            if answer.ok:
                urls += own.keep(e["url"] for e in parse_sitemap(answer.body, child)["urls"])
                break
        except (FetchError, ParseError):
            continue
    return urls
