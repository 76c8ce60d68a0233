"""The simulator's generic mode carries what real CMSs showed (the Hugo, Jekyll, Hexo and
WordPress captures): article URLs ending in a slash, a sitemap index whose children are
typed (posts apart from pages, authors, sections), the section in ``article:section`` and
a breadcrumb trail, a byline naming every author. Each feature is looked for in the
captures first (a capture without it fails the list, not the simulator), then in the
simulator's pages; the reader and detection must treat both alike."""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import urlsplit

import lxml.html
from lxml.cssselect import CSSSelector

from congdoan.detect.portal import detect_portal
from congdoan.parsers.feeds import parse_sitemap
from congdoan.parsers.generic import parse_generic_article
from congdoan.parsers.site_urls import sitemap_lists_posts
from congdoan.sim.generic import GenericPortal, GenericSimServer
from congdoan.sim.site import Request
from tests.cms_captures.captures import CAPTURES, truth
from tests.wordpress_replay import CAPTURES as WORDPRESS
from tests.wordpress_replay import CapturedSite, load_capture

BASE = "http://127.0.0.1:9"


@cache
def captured(name: str) -> CapturedSite:
    return load_capture(CAPTURES[name] if name in CAPTURES else WORDPRESS / name)


@cache
def sim() -> GenericPortal:
    portal = GenericPortal.build(articles=20, documents=2)
    portal.base_url = BASE
    return portal


def _get(path: str) -> tuple[int, bytes]:
    answer = sim().handle(Request("GET", path))
    return answer.status, answer.body


def _has(body: bytes, selector: str) -> bool:
    return bool(CSSSelector(selector, translator="html")(lxml.html.fromstring(body)))


def _post_body(name: str, two_authors: bool = False) -> bytes:
    posts = [p for p in truth(name)["posts"] if p["public"]]
    post = next(p for p in posts if len(p["authors"]) > 1) if two_authors else posts[0]
    return captured(name).response(post["link"]).body


def test_article_urls_end_with_a_slash_as_hugos_and_hexos_do() -> None:
    for name in ("hugo", "hexo"):
        assert all(urlsplit(p["link"]).path.endswith("/") for p in truth(name)["posts"])
    article = sim().articles[0]
    assert article.path.endswith("/")
    assert _get(article.path)[0] == 200
    status, _ = _get(article.path.rstrip("/"))
    assert status == 301  # the slashless URL, as a web server answers it


def test_the_sitemap_index_has_typed_children_as_wordpresss_has() -> None:
    real = parse_sitemap(captured("twentytwentyone-pretty").response("/wp-sitemap.xml").body,
                         BASE)["sitemaps"]
    status, body = _get("/sitemap.xml")
    assert status == 200
    ours = parse_sitemap(body, BASE)["sitemaps"]
    for children in (real, ours):
        kinds = {sitemap_lists_posts(u) for u in children}
        assert kinds == {True, False}, children  # posts, and pages/authors/sections apart
    listed = [u for u in ours if not sitemap_lists_posts(u)]
    for child in listed:  # the typed children list real pages, none an article
        urls = parse_sitemap(_get(urlsplit(child).path)[1], BASE)["urls"]
        assert urls and all(not u["url"].split(BASE)[1].startswith("/bai-viet/") for u in urls)


def test_article_pages_name_their_section_as_the_real_ones_do() -> None:
    assert _has(_post_body("hugo"), "meta[property='article:section']")
    assert _has(_post_body("hugo"), "nav.breadcrumb a")  # Hugo: a trail to the section
    assert re.search("Trang chủ</a> » <a".encode(), _post_body("jekyll"))  # Jekyll: a trail
    article = sim().articles[0]
    body = _get(article.path)[1]
    assert _has(body, "meta[property='article:section']") and _has(body, ".breadcrumb a")
    assert parse_generic_article(body, BASE + article.path)["category"] == article.section


def test_bylines_name_every_author_as_the_real_ones_do() -> None:
    for name in ("hugo", "jekyll"):
        real = parse_generic_article(_post_body(name, two_authors=True), BASE + "/x/")
        assert ", " in (real["author"] or ""), name
    two = next(a for a in sim().articles if len(a.authors) > 1)
    body = _get(two.path)[1]
    assert " và ".join(two.authors).encode() in body  # as Jekyll's byline writes them
    assert parse_generic_article(body, BASE + two.path)["author"] == ", ".join(two.authors)


def test_detection_learns_the_same_kind_of_pattern_on_the_simulator() -> None:
    with GenericSimServer(GenericPortal.build(articles=12, documents=2)) as server:
        pattern = detect_portal(server.base_url).fields["generic"]["article_pattern"]
        regex = re.compile(pattern)
        assert all(regex.search(a.path) for a in server.portal.articles)
        for listing in ("/tac-gia/minh-anh/", "/chuyen-muc/nu-cong/", "/gioi-thieu",
                        "/tin-tuc", "/"):
            assert not regex.search(listing), listing
