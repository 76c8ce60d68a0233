"""What an unknown portal offers a generic crawl: feeds, sitemaps, an article URL pattern."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from congdoan.detect.fetch import Fetcher, FetchError, Page
from congdoan.detect.homepage import HomePage
from congdoan.parsers.errors import ParseError
from congdoan.parsers.feeds import parse_sitemap

_SITEMAP_GUESSES = ("/sitemap.xml", "/sitemap_index.xml")
# an article-like slug: several words joined by hyphens, optionally an id or .html
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+){3,}(?:-\d+)?(?:\.html?)?$", re.I)


@dataclass
class GenericSetup:
    """The discovery sources of a portal whose CMS we do not know."""

    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    article_pattern: str = ""  # a path regex for article links, when one shape dominates
    facts: list[str] = field(default_factory=list)


def detect_generic(page: Page, home: HomePage, fetcher: Fetcher) -> GenericSetup:
    """Feeds linked by ``<link rel=alternate>``, sitemaps (robots.txt or the usual paths),
    and the most common article-link shape of the home page."""
    origin = f"{urlsplit(page.final_url).scheme}://{urlsplit(page.final_url).netloc}"
    setup = GenericSetup(feeds=[url for url, _title in home.feeds])
    host = urlsplit(origin).netloc
    candidates = [u for u in fetcher.sitemaps_in_robots(origin + "/")
                  if urlsplit(u).netloc == host]
    if not candidates:
        candidates = [origin + path for path in _SITEMAP_GUESSES]
    for url in candidates[:2]:
        try:
            answer = fetcher.get(url)
            if answer.ok:
                parse_sitemap(answer.body, answer.final_url)
                setup.sitemaps.append(answer.final_url)
                break
        except (FetchError, ParseError):
            continue
    setup.article_pattern = _article_pattern(home)
    setup.facts.append(f"feeds: {', '.join(setup.feeds) or 'none linked'}")
    setup.facts.append(f"sitemaps: {', '.join(setup.sitemaps) or 'none found'}")
    if setup.article_pattern:
        setup.facts.append(f"article links look like {setup.article_pattern}")
    return setup


def _article_pattern(home: HomePage) -> str:
    """``^/bai-viet/[^/]+$``-style regex when most slug links share one parent path."""
    parents: Counter[str] = Counter()
    for link in home.same_site_links():
        segments = [s for s in urlsplit(link.url).path.split("/") if s]
        if segments and _SLUG.match(segments[-1]):
            parents["/".join(segments[:-1])] += 1
    if not parents:
        return ""
    parent, count = parents.most_common(1)[0]
    if count < 3:
        return ""
    prefix = "/" + parent if parent else ""
    return f"^{re.escape(prefix)}/[^/]+$"
