"""Detection's article pattern on every real capture: it matches every published post
and no other page (tag, author, category and archive listings, the about page, home
pages); of a sitemap index, only the children that list posts are read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from congdoan.detect.fetch import Fetcher
from congdoan.detect.generic import detect_generic
from congdoan.detect.homepage import read_home
from congdoan.detect.portal import detect_portal
from congdoan.parsers.feeds import parse_sitemap
from congdoan.parsers.site_urls import article_pattern, sitemap_lists_posts
from tests.cms_captures.captures import CAPTURES
from tests.wordpress_replay import CAPTURES as WORDPRESS
from tests.wordpress_replay import CapturedSite, serve_capture, url_key

FOLDERS = {**CAPTURES, "wordpress-twentytwentyone-pretty": WORDPRESS / "twentytwentyone-pretty",
           "wordpress-twentytwentythree-pretty": WORDPRESS / "twentytwentythree-pretty"}


def _html_pages(site: CapturedSite) -> list[str]:
    return [key for key, r in site.responses.items() if r.status == 200 and "text/html" in
            {k.lower(): v for k, v in r.headers}.get("content-type", "")]


def _posts(site: CapturedSite) -> set[str]:
    return {url_key(p["link"]) for p in site.truth["posts"] if p["public"]}


@pytest.mark.parametrize("name", sorted(FOLDERS))
def test_the_learnt_pattern_matches_the_posts_and_nothing_else(name: str) -> None:
    with serve_capture(Path(FOLDERS[name])) as (base, site):
        if name in CAPTURES:
            detection = detect_portal(base)
            assert detection.cms == "unknown"
            pattern = detection.fields["generic"]["article_pattern"]
        else:  # a WordPress portal is detected as such: ask the generic part alone
            fetcher = Fetcher()
            page = fetcher.get(base + "/")
            pattern = detect_generic(page, read_home(page.body, page.final_url),
                                     fetcher).article_pattern
    regex = re.compile(pattern)
    posts = _posts(site)
    pages = _html_pages(site)
    matched = {p for p in pages if regex.search(p.split("?")[0])}
    assert matched == posts, (pattern, sorted(matched ^ posts)[:5])
    others = set(pages) - posts
    # the listings and pages were there to be told apart (Jekyll's lab site has no tag pages)
    assert any(re.search(r"/(tags?|category|categories|author)/", p) for p in others) or (
        name == "jekyll")
    assert len(others) >= 2 and (name.startswith("wordpress") or "/gioi-thieu/" in others)


def test_of_a_sitemap_index_only_the_posts_children_are_followed() -> None:
    site = serve_capture(WORDPRESS / "twentytwentyone-pretty")
    with site as (_base, captured):
        index = parse_sitemap(captured.response("/wp-sitemap.xml").body, "/wp-sitemap.xml")
    followed = [u for u in index["sitemaps"] if sitemap_lists_posts(u)]
    assert [url_key(u) for u in followed] == ["/wp-sitemap-posts-post-1.xml"]
    assert len(index["sitemaps"]) >= 4  # pages, categories, tags, users left out


@pytest.mark.parametrize(("urls", "pattern"), [
    (["/tin-tuc/a-b-c-1/", "/tin-tuc/d-e-f/", "/tin-tuc/g-h-i/"], r"^/tin\-tuc/[^/]+/?$"),
    (["/2025/01/a-b-c/", "/2025/02/d-e-f/", "/2024/12/g-h-i/"], r"^/\d{4}/\d{1,2}/[^/]+/?$"),
    (["/tin/12345", "/tin/12346", "/tin/99"], r"^/tin/\d+$"),
    (["/news/a-b-c-123.html", "/news/d-e-f-124.html", "/news/x-y-z-9.html"],
     r"^/news/[^/]+?\.html$"),
])
def test_shapes_of_article_urls(urls: list[str], pattern: str) -> None:
    assert article_pattern(urls) == (pattern, 3)


def test_varying_sections_never_match_listings() -> None:
    pattern, support = article_pattern(
        ["/tin-tuc/a-b-c/", "/nu-cong/d-e-f/", "/phap-luat/g-h-i/", "/tag/x-y-z/"])
    assert support == 4
    regex = re.compile(pattern)
    assert regex.search("/hoat-dong/mot-bai-moi-nhat/")
    for listing in ("/tag/an-toan-lao-dong/", "/author/nguyen-van-a/", "/category/tin-tuc/",
                    "/page/2/", "/tin-tuc/"):
        assert not regex.search(listing), listing


def test_too_few_alike_urls_give_no_pattern() -> None:
    assert article_pattern(["/gioi-thieu/", "/lien-he/", "/a-b-c/x-y-z"]) == ("", 0)


def test_posts_at_the_top_level_are_told_from_pages_and_listings() -> None:
    """A Ghost-shaped site: /slug/ posts, a feed of the newest 15, a sitemap index typed
    by posts, pages, tags and authors, an /about/ page and tag/author listings."""
    from tests.detect.pages_server import serve_pages

    slugs = [f"bai-viet-so-{n}-cua-cong-doan" for n in range(30)]
    xml = {"Content-Type": "application/xml"}

    def urlset(paths: list[str]) -> str:
        return ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(
            f"<url><loc>{{base}}{p}</loc></url>" for p in paths) + "</urlset>")

    children = ("posts", "pages", "tags", "authors")
    pages = {
        "/": (200, {"Content-Type": "text/html"}, "<html><head><title>LĐLĐ</title><link "
              'rel="alternate" type="application/rss+xml" href="/rss/"></head><body>'
              '<a href="/about/">Giới thiệu</a><a href="/tag/tin-tuc/">Tin tức</a>'
              '<a href="/author/minh-anh/">Minh Anh</a>'
              + "".join(f'<a href="/{s}/">x</a>' for s in slugs[:10]) + "</body></html>"),
        "/rss/": (200, {"Content-Type": "application/rss+xml"},
                  '<rss version="2.0"><channel><title>t</title>' + "".join(
                      f"<item><title>x</title><link>{{base}}/{s}/</link></item>"
                      for s in slugs[:15]) + "</channel></rss>"),
        "/sitemap.xml": (200, xml, '<sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                         'sitemap/0.9">' + "".join(f"<sitemap><loc>{{base}}/sitemap-{c}.xml"
                                                   "</loc></sitemap>" for c in children)
                         + "</sitemapindex>"),
        "/sitemap-posts.xml": (200, xml, urlset([f"/{s}/" for s in slugs])),
        "/sitemap-pages.xml": (200, xml, urlset(["/about/", "/lien-he/"])),
        "/sitemap-tags.xml": (200, xml, urlset(["/tag/tin-tuc/", "/tag/nu-cong-va-gia-dinh/"])),
        "/sitemap-authors.xml": (200, xml, urlset(["/author/minh-anh/"])),
    }
    with serve_pages(pages) as (base, seen):
        detection = detect_portal(base)
    regex = re.compile(detection.fields["generic"]["article_pattern"])
    assert all(regex.search(f"/{s}/") for s in slugs)
    for other in ("/about/", "/lien-he/", "/tag/tin-tuc/", "/tag/nu-cong-va-gia-dinh/",
                  "/author/minh-anh/", "/"):
        assert not regex.search(other), other
    asked = {path for path, _agent in seen}
    assert not asked & {"/sitemap-pages.xml", "/sitemap-tags.xml", "/sitemap-authors.xml"}
