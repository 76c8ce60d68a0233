"""A WordPress post from its archived raw body: the API page it came in, or its page.

``congdoan reparse`` hands every stored article's raw bytes to a reader; this
one says whether the bytes are WordPress's and, if so, reads them with the
REST or the HTML reader. NukeViet pages are not WordPress's (``None``).
"""

from __future__ import annotations

import re

from congdoan.parsers.errors import ParseError
from congdoan.parsers.wordpress_html import parse_wp_article
from congdoan.parsers.wordpress_rest import load_json, parse_rest_post

# What a WordPress page says about itself or loads in its head: the API link, the
# generator tag, core scripts, theme files. (Not /wp-content/uploads/: any page
# can show an image from some WordPress site.)
_WORDPRESS_PAGE = re.compile(
    rb"api\.w\.org|content=.WordPress|/wp-includes/|/wp-content/themes/", re.IGNORECASE)


def is_wordpress_body(body: bytes) -> bool:
    """True for a WordPress API answer (JSON) or a WordPress page."""
    start = body.lstrip()[:1]
    return start in (b"[", b"{") or bool(_WORDPRESS_PAGE.search(body[:65536]))


def read_archived_post(body: bytes, url: str, source_id: int | None) -> dict | None:
    """The article record of post ``source_id`` in ``body``; ``None`` if not WordPress's.

    An API page holds several posts: the one with ``source_id`` is read.
    Raises ``ParseError`` when the body is WordPress's but holds no such post.
    """
    if not is_wordpress_body(body):
        return None
    if body.lstrip()[:1] not in (b"[", b"{"):
        return parse_wp_article(body, url)
    data = load_json(body, url)
    posts = data if isinstance(data, list) else [data]
    for post in posts:
        if isinstance(post, dict) and post.get("id") == source_id:
            return parse_rest_post(post, url)
    raise ParseError(url, f"post {source_id} is not in its archived API page")
