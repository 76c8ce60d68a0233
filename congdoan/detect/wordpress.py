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


def _rebase(url: str, origin: str) -> str:
    """``url`` on our own origin: a site reached under another address (a mirror, a proxy,
    a changed domain) still names its configured home in its links; ask the one we reach."""
    parts = urlsplit(url)
    return origin + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def detect_wordpress(page: Page, home: HomePage, fetcher: Fetcher) -> WordPressSetup:
    """Probe the REST index (one request) and the sitemap (robots.txt or one request)."""
    origin = f"{urlsplit(page.final_url).scheme}://{urlsplit(page.final_url).netloc}"
    setup = WordPressSetup()
    match = re.search(r"wordpress\s+([\d.]+)", home.generator, re.I)
    setup.version = match.group(1) if match else ""
    link_header = " ".join(page.headers.get_all("Link") or []) if page.headers else ""
    header_root = re.search(r'<([^>]+)>;\s*rel="https://api\.w\.org/"', link_header)
    declared_root = home.api_link or (header_root.group(1) if header_root else "")
    setup.rest_root = _rebase(declared_root, origin) if declared_root else origin + "/wp-json/"
    pretty = "rest_route=" not in setup.rest_root
    hosts = {urlsplit(origin).netloc, urlsplit(declared_root).netloc if declared_root else ""}
    setup.feeds = [_rebase(url, origin) for url, _title in home.feeds if "comments" not in url]
    # WordPress answers ?rest_route=/ under any permalink setting: the fallback for a root
    # that 404s (a server without the /wp-json/ rewrite, a mirror that kept one spelling)
    roots = [setup.rest_root]
    if origin + "/?rest_route=/" not in roots:
        roots.append(origin + "/?rest_route=/")
    answer = None
    for root in roots:
        try:
            answer = fetcher.get(root)
        except FetchError as exc:
            setup.facts.append(f"REST API not asked: {exc}")
            answer = None
            break
        if answer.status != 404:
            setup.rest_root = root
            break
    if answer is not None:
        index = _json(answer) if answer.ok else None
        if isinstance(index, dict) and "wp/v2" in (index.get("namespaces") or []):
            setup.rest_open = True
            setup.facts.append(f"REST API open at {setup.rest_root} (wp/v2)")
        else:
            setup.rest_open = False
            setup.facts.append(f"REST API closed ({setup.rest_root} answered {answer.status})")
    setup.permalinks = _shape_from_links(home, hosts) if pretty else "plain"
    setup.facts.append(f"permalinks: {setup.permalinks}")
    declared = [u for u in fetcher.sitemaps_in_robots(origin + "/") if urlsplit(u).netloc in hosts]
    guess = _rebase(declared[0], origin) if declared else origin + (
        "/wp-sitemap.xml" if pretty else "/?sitemap=index")
    try:
        sitemap = fetcher.get(guess)
        if sitemap.ok and b"<sitemapindex" in sitemap.body[:4000]:
            setup.sitemap = sitemap.final_url
    except FetchError:
        pass
    setup.facts.append(f"sitemap: {setup.sitemap or 'none found'}")
    setup.facts.append(f"feeds: {', '.join(setup.feeds) or 'none linked'}")
    return setup


def _shape_from_links(home: HomePage, hosts: set[str]) -> str:
    shapes = [permalink_shape(link.url) for link in home.links
              if urlsplit(link.url).netloc in hosts
              and re.search(r"/\d{4}/\d{2}/|/archives/\d+|[?&]p=\d+", link.url)]
    return max(set(shapes), key=shapes.count) if shapes else "pretty (shape not seen)"


def _json(page: Page) -> object:
    try:
        return json.loads(page.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
