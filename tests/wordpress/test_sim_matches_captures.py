"""The simulator's WordPress mode keeps the structure of real WordPress 6.1.9 output.

Each sim page is set beside the captured page of the same kind
(tests/fixtures/wordpress/twentytwentyone-*): the selectors the readers and a
crawler rely on must match in both, the REST objects must carry the same keys,
the feed items the same elements, the headers the same names, the URLs the same
shapes. A template edit that drifts from real WordPress fails here.
"""

from __future__ import annotations

import json
import re
from functools import cache
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import pytest
from lxml.cssselect import CSSSelector

from congdoan.sim import WordPressPortal, WordPressSpec
from congdoan.sim.site import Request, Response
from tests.wordpress_replay import CAPTURES, CapturedResponse, CapturedSite, load_capture

BASE = "http://127.0.0.1:9"


@cache
def captured(variant: str) -> CapturedSite:
    return load_capture(CAPTURES / variant)


@cache
def sim(permalinks: str, rest_open: bool = True) -> WordPressPortal:
    return WordPressPortal(WordPressSpec("wpcheck", posts=30, rest_open=rest_open,
                                         permalinks=permalinks, per_page=5), BASE)


def get(portal: WordPressPortal, url: str) -> Response:
    parts = urlsplit(url)
    return portal.handle(Request("GET", parts.path + (f"?{parts.query}" if parts.query else "")))


def _captured(variant: str, url: str) -> CapturedResponse:
    return captured(variant).response(url)


def _matches(html: bytes, selector: str) -> bool:
    return bool(CSSSelector(selector, translator="html")(lxml.html.fromstring(html)))


SINGLE = ["html[lang]", "meta[name=generator][content^='WordPress 6.1']",
          "link[rel='https://api.w.org/']", "link[rel=canonical]", "link[rel=shortlink]",
          "link[rel=alternate][type='application/rss+xml']",
          "link[rel=alternate][type='application/json']",
          "body.single.single-post.singular", "header#masthead .site-title a",
          "article.post.type-post.status-publish.hentry", "article h1.entry-title",
          "article .entry-content p", "article .entry-content .wp-block-file a",
          "article .entry-content a.wp-block-file__button",
          "footer.entry-footer .posted-on time.entry-date.published[datetime]",
          ".byline a[rel=author]", ".cat-links a[rel~=category]", ".tags-links a[rel=tag]",
          "aside.widget-area .wp-block-categories li.cat-item a", "footer#colophon"]
FEATURED = ["figure.post-thumbnail img.wp-post-image[alt]"]
ARCHIVE = ["body.archive.category", "h1.page-title span", "article.post h2.entry-title a[href]",
           "article .entry-content p", "article time.entry-date[datetime]",
           "nav.navigation.pagination .nav-links a.next.page-numbers",
           "nav.pagination span.page-numbers.current",
           "link[rel=alternate][type='application/rss+xml']"]
NOT_FOUND = ["body.error404", "h1.page-title", "div.error-404.not-found"]


@pytest.mark.parametrize(("captured_url", "selectors", "sim_url"), [
    ("/2026/10/huong-dan-to-chuc-dai-hoi-cong-doan-co-so/", SINGLE,
     lambda s: s.urls.post(next(p for p in s.content.public if p.files and p.tags))),
    ("/2026/11/hoi-thao-nu-cong-nam-2026/", FEATURED,
     lambda s: s.urls.post(next(p for p in s.content.public if p.featured))),
    ("/category/tin-tuc-su-kien/", ARCHIVE, lambda s: s.urls.category(s.content.categories[0])),
    ("/khong-ton-tai-trang-nay/", NOT_FOUND, lambda s: BASE + "/khong-ton-tai-trang-nay/"),
], ids=["post", "featured", "category", "404"])
def test_pages_have_the_captured_structure(captured_url: str, selectors: list[str],
                                           sim_url: object) -> None:
    real = _captured("twentytwentyone-pretty", captured_url)
    portal = sim("pretty")
    ours = get(portal, sim_url(portal))  # type: ignore[operator]
    assert ours.status == real.status
    for selector in selectors:
        assert _matches(real.body, selector), f"capture lacks {selector}: fix the list"
        assert _matches(ours.body, selector), f"sim page lacks {selector}"
    real_type = dict(real.headers)["Content-Type"]
    assert ours.header("Content-Type") == real_type
    assert "https://api.w.org/" in (ours.header("Link") or "")


REST_LIST = ("/wp-json/wp/v2/posts?_embed=1&order=desc&orderby=modified&page=1&per_page=5"
             "&status=publish")


def _rest_list(portal: WordPressPortal) -> tuple[Response, list[dict]]:
    answer = get(portal, portal.urls.rest("/wp/v2/posts", {
        "_embed": 1, "order": "desc", "orderby": "modified", "page": 1, "per_page": 5,
        "status": "publish"}))
    return answer, json.loads(answer.body)


def test_rest_posts_have_the_captured_keys_and_headers() -> None:
    real = _captured("twentytwentyone-pretty", REST_LIST)
    real_posts = json.loads(real.body)
    answer, posts = _rest_list(sim("pretty"))
    assert answer.status == 200 and len(posts) == 5
    real_headers = {k for k, _ in real.headers}
    ours = {k for k, _ in answer.headers}
    assert {"X-WP-Total", "X-WP-TotalPages", "Link", "Content-Type"} <= real_headers & ours
    assert re.search(r'rel="next"', dict(answer.headers).get("Link", "") + " ".join(
        v for k, v in answer.headers if k == "Link"))
    assert set(posts[0]) == set(real_posts[0])
    for real_post in real_posts:
        ours_post = next(p for p in posts if set(p["_embedded"]) == set(real_post["_embedded"]))
        for key in ("author",):
            assert set(ours_post["_embedded"][key][0]) >= set(real_post["_embedded"][key][0]) - {
                "avatar_urls"}
        for group, real_group in zip(ours_post["_embedded"]["wp:term"],
                                     real_post["_embedded"]["wp:term"], strict=True):
            if group and real_group:
                assert set(group[0]) == set(real_group[0])
    every = json.loads(_captured("twentytwentyone-pretty", REST_LIST.replace(
        "per_page=5", "per_page=100")).body)
    featured = next(p for p in every if "wp:featuredmedia" in p["_embedded"])
    ours_featured = next(p for p in posts if "wp:featuredmedia" in p["_embedded"])
    assert set(ours_featured["_embedded"]["wp:featuredmedia"][0]) == set(
        featured["_embedded"]["wp:featuredmedia"][0])
    for key in ("date", "date_gmt", "modified_gmt"):  # naive ISO, as WordPress writes them
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", posts[0][key])


def test_rest_refusals_have_the_captured_shapes() -> None:
    for real_url, ours_route, params in [
            ("/wp-json/wp/v2/posts?status=draft", "/wp/v2/posts", {"status": "draft"}),
            ("/wp-json/wp/v2/posts/27?_embed=1", None, {"_embed": 1})]:
        real = _captured("twentytwentyone-pretty", real_url)
        portal = sim("pretty")
        hidden = next(p for p in portal.content.posts if p.status == "draft")
        route = ours_route or f"/wp/v2/posts/{hidden.id}"
        ours = get(portal, portal.urls.rest(route, params))
        assert ours.status == real.status
        assert json.loads(ours.body)["code"] == json.loads(real.body)["code"]
    real = _captured("twentytwentyone-pretty-restclosed", "/wp-json/")
    ours = get(sim("pretty", rest_open=False), BASE + "/wp-json/")
    assert (ours.status, json.loads(ours.body)) == (real.status, json.loads(real.body))


def _feed_items(body: bytes) -> list[lxml.etree._Element]:
    return lxml.etree.fromstring(body).findall("./channel/item")


def test_feed_sitemaps_and_robots_have_the_captured_shape() -> None:
    portal = sim("pretty")
    real = _captured("twentytwentyone-pretty", "/feed/")
    ours = get(portal, portal.urls.feed())
    assert ours.header("Content-Type") == dict(real.headers)["Content-Type"]
    assert ours.header("ETag") and ours.header("Last-Modified")
    real_item = _feed_items(real.body)[1]
    ours_item = next(i for i in _feed_items(ours.body) if len(i.findall("category")) > 1)
    assert {c.tag for c in ours_item} == {c.tag for c in real_item}
    real_index = _captured("twentytwentyone-pretty", "/wp-sitemap.xml")
    ours_index = get(portal, portal.urls.sitemap_index())

    def names(body: bytes) -> list[str]:
        return [re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(
            rb"<loc>([^<]+)</loc>", body) for loc in [loc.decode()]]

    assert names(ours_index.body) == names(real_index.body)
    real_robots = _captured("twentytwentyone-pretty", "/robots.txt").body.decode()
    ours_robots = get(portal, BASE + "/robots.txt").body.decode()
    assert ours_robots.replace(BASE, "") == re.sub(r"https?://[^/]+", "", real_robots)


def _shape(url: str) -> str:
    """A URL with its host, digits and slugs generalised."""
    path = re.sub(r"^https?://[^/]+", "", url)
    path = re.sub(r"/[a-z0-9-]*[a-z][a-z0-9-]*(?=/)", "/S", path)
    return re.sub(r"\d+", "N", path)


@pytest.mark.parametrize("permalinks", ["pretty", "plain"])
def test_links_have_the_captured_shapes(permalinks: str) -> None:
    variant = f"twentytwentyone-{permalinks}"
    home = captured(variant).response("/").body
    portal = sim(permalinks)
    ours = get(portal, BASE + "/").body

    def shapes(body: bytes, selector: str) -> set[str]:
        return {_shape(a.get("href")) for a in CSSSelector(selector, translator="html")(
            lxml.html.fromstring(body))}

    for selector in ("h2.entry-title a", ".cat-links a", "a.next.page-numbers"):
        assert shapes(ours, selector) and shapes(ours, selector) <= shapes(home, selector), \
            selector
    real_api = next(v for k, v in captured(variant).response("/").headers if k == "Link")
    assert _shape(get(portal, BASE + "/").header("Link") or "") == _shape(real_api)
