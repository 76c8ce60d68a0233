"""Recognise a WordPress site and probe its REST API, permalinks and sitemap.

Read from WordPress core: ``wp_head`` prints ``<meta name="generator"
content="WordPress X.Y">`` and ``<link rel="https://api.w.org/" href=REST_ROOT>``
(``rest_output_link_wp_head``; also sent as a ``Link:`` header). ``get_rest_url``
gives ``/wp-json/`` when a permalink structure is set and ``/?rest_route=/``
with plain permalinks. Core's sitemap (5.5+) is ``/wp-sitemap.xml`` (plain:
``/?sitemap=index``) and core adds it to the virtual robots.txt. Assets live
under ``/wp-content/`` and ``/wp-includes/``. A REST API closed by a plugin
answers 401/403 (``rest_cannot_access``) or 404.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from congdoan.detect.fetch import Fetcher, FetchError, Page
from congdoan.detect.homepage import HomePage

_PERMALINKS = (
    ("plain", re.compile(r"^/?$"), re.compile(r"(?:^|&)p=\d+")),
    ("day-and-name", re.compile(r"^/\d{4}/\d{2}/\d{2}/[^/]+/?$"), None),
    ("month-and-name", re.compile(r"^/\d{4}/\d{2}/[^/]+/?$"), None),
    ("numeric", re.compile(r"^/archives/\d+/?$"), None),
    ("post-name", re.compile(r"^/[^/]+/?$"), None),
)


@dataclass
class WordPressSetup:
    """What detection learnt about a WordPress site."""

    version: str = ""
    rest_root: str = ""
    rest_open: bool | None = None  # None: not probed
    posts_total: int | None = None
    permalinks: str = ""
    sitemap: str = ""
    feeds: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)


def wordpress_signals(page: Page, home: HomePage) -> list[str]:
    """The signs that ``page`` was served by WordPress (empty: not WordPress)."""
    signs = []
    if home.generator.lower().startswith("wordpress"):
        signs.append(f"generator {home.generator!r}")
    link_header = " ".join(page.headers.get_all("Link") or []) if page.headers else ""
    if home.api_link or "https://api.w.org/" in link_header:
        signs.append('<link rel="https://api.w.org/">')
    if any("/wp-content/" in a or "/wp-includes/" in a for a in home.assets):
        signs.append("/wp-content/ or /wp-includes/ assets")
    return signs


def permalink_shape(post_url: str) -> str:
    """Which WordPress permalink setting a post URL was built with."""
    parts = urlsplit(post_url)
    for name, path, query in _PERMALINKS:
        if path.match(parts.path or "/") and (query is None or query.search(parts.query)):
            return name
    return "custom"


def _rest_route(root: str, route: str, query: str) -> str:
    if "rest_route=" in root:
        return f"{root.split('?')[0]}?rest_route=/{route}&{query}"
    return f"{root.rstrip('/')}/{route}?{query}"


def detect_wordpress(page: Page, home: HomePage, fetcher: Fetcher) -> WordPressSetup:
    """Probe the REST API (one request) and the sitemap (robots.txt or one request)."""
    origin = f"{urlsplit(page.final_url).scheme}://{urlsplit(page.final_url).netloc}"
    setup = WordPressSetup()
    match = re.search(r"wordpress\s+([\d.]+)", home.generator, re.I)
    setup.version = match.group(1) if match else ""
    setup.rest_root = home.api_link or origin + "/wp-json/"
    pretty = "rest_route=" not in setup.rest_root
    setup.feeds = [url for url, _title in home.feeds]
    posts_url = _rest_route(setup.rest_root, "wp/v2/posts", "per_page=1&_fields=id,link")
    try:
        answer = fetcher.get(posts_url)
    except FetchError as exc:
        setup.facts.append(f"REST API not asked: {exc}")
        answer = None
    if answer is not None:
        posts = _json(answer) if answer.ok else None
        if isinstance(posts, list):
            setup.rest_open = True
            total = answer.headers.get("X-WP-Total")
            setup.posts_total = int(total) if total and total.isdigit() else None
            if posts and isinstance(posts[0], dict) and posts[0].get("link"):
                setup.permalinks = permalink_shape(str(posts[0]["link"]))
            setup.facts.append(
                f"REST API open at {setup.rest_root}"
                + (f" ({setup.posts_total} posts)" if setup.posts_total is not None else "")
            )
        else:
            setup.rest_open = False
            setup.facts.append(f"REST API closed ({posts_url} answered {answer.status})")
    if not setup.permalinks:
        setup.permalinks = "plain" if not pretty else _shape_from_links(home, origin)
    setup.facts.append(f"permalinks: {setup.permalinks}")
    declared = fetcher.sitemaps_in_robots(origin + "/")
    if declared:
        setup.sitemap = declared[0]
    else:
        guess = origin + ("/wp-sitemap.xml" if pretty else "/?sitemap=index")
        try:
            answer = fetcher.get(guess)
            if answer.ok and b"<sitemapindex" in answer.body[:2000]:
                setup.sitemap = answer.final_url
        except FetchError:
            pass
    setup.facts.append(f"sitemap: {setup.sitemap or 'none found'}")
    setup.facts.append(f"feeds: {', '.join(setup.feeds) or 'none linked'}")
    return setup


def _shape_from_links(home: HomePage, origin: str) -> str:
    shapes = [permalink_shape(link.url) for link in home.same_site_links()
              if re.search(r"/\d{4}/\d{2}/|/archives/\d+|[?&]p=\d+", link.url)]
    return max(set(shapes), key=shapes.count) if shapes else "pretty (shape not seen)"


def _json(page: Page) -> object:
    try:
        return json.loads(page.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
