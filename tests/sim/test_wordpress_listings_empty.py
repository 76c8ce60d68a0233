"""A simulated WordPress portal whose listings went empty: every listing shows no post,
post pages still answer, and the portal recovers when the flag is cleared."""

from __future__ import annotations

import json
import re

from congdoan.sim import SimServer, WordPressSpec
from tests.sim.conftest import fetch


def _listed(base: str) -> dict[str, int]:
    """How many posts each kind of listing shows."""
    rest = fetch(f"{base}/wp-json/wp/v2/posts?per_page=100")
    posts_sitemap = fetch(f"{base}/wp-sitemap-posts-post-1.xml").text
    feed = fetch(f"{base}/feed/").text
    home = fetch(f"{base}/").text
    return {"rest": len(json.loads(rest.body)), "sitemap": posts_sitemap.count("<url>"),
            "feed": feed.count("<item>"), "home": len(re.findall(r'<article id="post-', home)),
            "rest_total": int(rest.headers["X-WP-Total"])}


def test_listings_go_empty_and_come_back() -> None:
    spec = WordPressSpec("wpempty", posts=12)
    with SimServer([spec]) as server:
        base = server.base_url("wpempty")
        post = server.truth("wpempty")["articles"][0]["url"]
        full = _listed(base)
        assert full == {"rest": 12, "sitemap": 12, "feed": 10, "home": 10, "rest_total": 12}

        spec.listings_empty = True
        assert set(_listed(base).values()) == {0}
        assert "Nothing here" in fetch(f"{base}/").text  # an archive with no post, not a 404
        assert fetch(f"{base}/").status == 200
        assert fetch(post).status == 200  # the posts themselves are still there

        spec.listings_empty = False
        assert _listed(base) == full
