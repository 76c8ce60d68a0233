"""The generic reader on the real markup of the Hugo, Jekyll and Hexo captures (every
published post, every field, against the CMS's own content files), and on the ways
other pages name their section and authors."""

from __future__ import annotations

import json

import pytest

from congdoan.normalize.dates import parse_vn_date
from congdoan.parsers.errors import NotAnArticle
from congdoan.parsers.generic import parse_generic_article
from tests.cms_captures.captures import CAPTURES, field_checks, truth
from tests.wordpress_replay import load_capture


@pytest.mark.parametrize("name", sorted(CAPTURES))
def test_every_published_post_is_read_right(name: str) -> None:
    site = load_capture(CAPTURES[name])
    posts = [p for p in truth(name)["posts"] if p["public"]]
    assert len(posts) >= 20
    for post in posts:
        parsed = parse_generic_article(site.response(post["link"]).body, post["link"])
        date = parse_vn_date(parsed["published_text"])
        got = {**parsed, "published": date.value if date else None,
               "attachments": [a["name"] for a in parsed["attachments"]]}
        checks = field_checks(post, got)
        assert all(checks.values()), (post["link"], [f for f, ok in checks.items() if not ok])
        assert [a["url"] for a in parsed["attachments"]] == [a["url"] for a in
                                                              post["attachments"]]


@pytest.mark.parametrize("name", sorted(CAPTURES))
def test_drafts_are_absent_from_every_capture(name: str) -> None:
    site = load_capture(CAPTURES[name])
    hidden = [p for p in truth(name)["posts"] if not p["public"]]
    assert {p["status"] for p in hidden} >= {"draft"} and len(hidden) == 3
    for post in hidden:
        assert site.response(post["link"]).status == 404
    for response in site.responses.values():
        text = response.body.decode("utf-8", "replace")
        assert not any(p["title"] in text for p in hidden), response.url


def test_an_about_page_that_says_it_is_no_article_is_refused() -> None:
    site = load_capture(CAPTURES["jekyll"])
    about = site.response("/gioi-thieu/")
    with pytest.raises(NotAnArticle, match="og:type website"):
        parse_generic_article(about.body, about.url)


BODY = ("<p>" + "Công đoàn cơ sở tổ chức hội nghị người lao động năm 2025 tại nhà máy. " * 3
        + "</p>")


def _page(head: str = "", before: str = "", byline: str = "") -> str:
    return (f"<html><head><title>T</title>{head}</head><body>{before}<article><h1>Tiêu đề"
            f"</h1>{byline}<div class='content'>{BODY}</div></article></body></html>")


def _ld(data: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


@pytest.mark.parametrize(("page", "category"), [
    (_page(_ld({"@type": "NewsArticle", "headline": "Tiêu đề", "articleSection": "Nữ công"})),
     "Nữ công"),
    (_page('<meta property="article:section" content="Pháp luật">'), "Pháp luật"),
    (_page('<meta property="article:section" content="tin-tuc">',
           '<nav><a href="/tin-tuc/">Tin tức - Sự kiện</a></nav>'), "Tin tức - Sự kiện"),
    (_page(before='<div class="breadcrumbs"><a href="/">Trang chủ</a> › '
                  '<a href="/hoat-dong/">Hoạt động</a></div>'), "Hoạt động"),
    (_page(before='<p><a href="/">Trang chủ</a> » <a href="/x/">Văn hóa</a> » Tiêu đề</p>'),
     "Văn hóa"),
    (_page(_ld({"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": "Trang chủ"},
        {"@type": "ListItem", "position": 2, "name": "Đời sống"}]})), "Đời sống"),
    (_page(byline='<a class="post-category" href="/category/an-sinh/">An sinh</a>'), "An sinh"),
    (_page('<meta property="article:tag" content="Đại hội">'
           '<meta property="article:tag" content="Bầu cử">'), "Đại hội"),  # primary tag
    (_page(), None),
], ids=["ld", "meta", "meta-slug", "breadcrumb", "trail", "ld-breadcrumb", "link", "tag",
        "none"])
def test_the_section_from_wherever_the_page_names_it(page: str, category: str | None) -> None:
    parsed = parse_generic_article(page, "http://127.0.0.1/bai/1")
    assert parsed["category"] == category
    assert parsed["category_path"] == ([category] if category else [])


@pytest.mark.parametrize(("page", "author"), [
    (_page(_ld({"@type": "NewsArticle", "headline": "Tiêu đề", "author": [
        {"@type": "Person", "name": "Lê Văn An"}, {"@type": "Person", "name": "Hà Thu"}]})),
     "Lê Văn An, Hà Thu"),
    (_page(byline='<p class="byline">Tác giả: Nguyễn Thị Hoa và Trần Văn Minh</p>'),
     "Nguyễn Thị Hoa, Trần Văn Minh"),
    (_page(_ld({"@type": "NewsArticle", "headline": "Tiêu đề", "author": "Nguyễn Thị Hoa"}),
           byline='<p>Tác giả: Nguyễn Thị Hoa, Trần Văn Minh</p>'),
     "Nguyễn Thị Hoa, Trần Văn Minh"),
    (_page(byline='<p>Tác giả: Ban Chính sách và Pháp luật</p>'),
     "Ban Chính sách và Pháp luật"),
    (_page(byline='<span>Bởi <a rel="author" href="/a/">Minh Anh</a> và '
                  '<a rel="author" href="/b/">Thu Hà</a></span>'), "Minh Anh, Thu Hà"),
], ids=["ld-list", "byline", "ld-widened", "unit-name", "rel-author"])
def test_every_author(page: str, author: str) -> None:
    assert parse_generic_article(page, "http://127.0.0.1/bai/1")["author"] == author


@pytest.mark.parametrize("broken", [
    # a template that closes the page before its content, as some portals' do
    "<html><head><title>T</title></head><body><h1>Tiêu đề</h1></body></html>"
    "<div class='content'><p>Ngày đăng: 03/04/2025</p>{body}{body}</div>",
    # an attribute quote never closed: libxml2 drops the rest of the page
    "<html><body><h1>Tiêu đề</h1><div class=\"x>y</div><div>{body}{body}</div></body></html>",
], ids=["after-html", "unclosed-quote"])
def test_markup_libxml2_stops_at_is_read_through_beautifulsoup(broken: str) -> None:
    from congdoan.parsers.markup import parse_html

    page = broken.format(body=BODY).encode()
    assert "Công đoàn cơ sở" not in (parse_html(page).text_content() or "")  # lxml alone
    parsed = parse_generic_article(page, "http://127.0.0.1/bai/1")
    assert parsed["title"] == "Tiêu đề"
    assert parsed["body_text"].startswith("Công đoàn cơ sở tổ chức hội nghị")
