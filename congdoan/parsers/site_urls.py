"""The shapes of a portal's URLs: which links are articles, which child sitemaps list posts.

Learnt, not configured, for portals of a CMS we have no spider for. An article
URL pattern is generalised from URLs known to be articles (a feed's items, a
posts sitemap's entries, else the home page's links): dates (``/2025/01/``),
numeric ids, a trailing slash and an ``.html`` ending are kept as the shape;
a section segment that varies becomes "any segment but a listing's"
(``tag``, ``author``, ``category``, ``page``…), so tag, author and page
listings never match. Used by detection (``congdoan.detect.generic``) and by
the generic spider (typed child sitemaps).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit

# Path segments that name listings and people, never articles (any CMS's words).
LISTING_WORDS = ("tag", "tags", "the", "author", "authors", "tac-gia", "category", "categories",
                 "chuyen-muc", "chu-de", "page", "pages", "trang", "archives", "search", "feed",
                 "users", "taxonomies")
_NOT_LISTING = "(?!(?:" + "|".join(re.escape(w) for w in LISTING_WORDS) + ")/)"
_YEAR = re.compile(r"(?:19|20)\d\d")
_EXT = re.compile(r"\.(html?|php|aspx?)$", re.I)
# An article's own segment: a slug of three words or more, a number, or a name with an id
_ARTICLE_LEAF = re.compile(r"^(?:[^/]*[a-z0-9%]+(?:-[^/-]+){2,}|\d+|[^/]*\d{3,}[^/]*)$", re.I)
# a listing word between separators of a sitemap's file name: "-page-", "-tac-gia."
_TYPED_NAME = re.compile(r"(?:^|[-_.])(?:" + "|".join(re.escape(w) for w in LISTING_WORDS)
                         + r")(?:[-_.\d]|$)")
_MIN_SUPPORT = 3


def sitemap_lists_posts(url: str) -> bool:
    """Whether a child sitemap of an index may list posts, by its name: WordPress's
    ``wp-sitemap-taxonomies-category-1.xml``, ``wp-sitemap-users-1.xml`` and
    ``wp-sitemap-posts-page-1.xml``, Yoast's ``category-sitemap.xml`` and Ghost's
    ``sitemap-tags.xml``/``sitemap-authors.xml``/``sitemap-pages.xml`` do not."""
    name = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    return not _TYPED_NAME.search(name)


def _segment(value: str, last: bool) -> str:
    """The kind of one path segment: year, number, leaf (the article's own), or literal."""
    if _YEAR.fullmatch(value):
        return "year"
    if value.isdigit():
        return "num" if last or len(value) > 2 else "small"
    if last:
        ext = _EXT.search(value)
        return f"leaf{ext.group(0).lower()}" if ext else "leaf"
    return "lit"


_TOP_SLUG = r"[^/]+-[^/]+-[^/]+"
_REGEX = {"year": r"\d{4}", "small": r"\d{1,2}", "num": r"\d+", "leaf": r"[^/]+"}


def _shape(path: str) -> tuple[tuple[str, ...], bool] | None:
    segments = [s for s in path.split("/") if s]
    if not segments or not _ARTICLE_LEAF.match(segments[-1]):
        return None
    kinds = tuple(_segment(s, i == len(segments) - 1) for i, s in enumerate(segments))
    return kinds, path.endswith("/")


def article_pattern(urls: Iterable[str], min_support: int = _MIN_SUPPORT) -> tuple[str, int]:
    """The path regex most of ``urls`` share, and how many share it (``("", 0)``: none
    shared by ``min_support``). ``^/tin-tuc/[^/]+/?$``, ``^/\\d{4}/\\d{1,2}/[^/]+/?$``,
    ``^/(?!(?:tag|…)/)[^/]+/[^/]+\\.html$``…"""
    groups: dict[tuple[tuple[str, ...], bool], list[list[str]]] = defaultdict(list)
    for url in urls:
        path = urlsplit(url).path
        shape = _shape(path)
        if shape is not None:
            groups[shape].append([s for s in path.split("/") if s])
    if not groups:
        return "", 0
    counts = Counter({shape: len(paths) for shape, paths in groups.items()})
    (kinds, trailing), support = counts.most_common(1)[0]
    if support < min_support:
        return "", 0
    parts = []
    for position, kind in enumerate(kinds):
        if kind == "lit":
            values = {segments[position] for segments in groups[(kinds, trailing)]}
            parts.append(re.escape(values.pop()) if len(values) == 1 else _NOT_LISTING + "[^/]+")
        elif kind.startswith("leaf"):
            ext = kind.removeprefix("leaf")
            if ext:
                parts.append(r"[^/]+?" + re.escape(ext))
            elif len(kinds) == 1:
                # Posts at the top level (Ghost's /slug/): nothing but the slug tells them
                # from /about/ or /lien-he/, so it must look like one (three words or more).
                parts.append(_TOP_SLUG)
            else:
                parts.append(_REGEX["leaf"])
        else:
            parts.append(_REGEX[kind])
    return "^/" + "/".join(parts) + ("/?$" if trailing else "$"), support


def same_site_paths(urls: Iterable[str], host: str) -> list[str]:
    """The URLs of ``urls`` on ``host`` (any port, ``www.`` or not)."""
    bare = host.lower().removeprefix("www.")
    return [u for u in urls if (urlsplit(u).hostname or "").lower().removeprefix("www.") == bare]
