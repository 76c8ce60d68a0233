"""NukeViet parsers against saved pages: every ``<name>.html|xml`` beside its ``<name>.json``.

``tests/fixtures/nukeviet/real/`` describes real NukeViet 4.5 pages (kept once, in
the saved-site mirror ``tests/fixtures/nukeviet-real/``, named by each JSON's
``page``) whose expected values come from the site's database (truth.json) or
were read off the page;
``tests/fixtures/nukeviet/variants/`` holds pages derived from real markup and
changed the way other portals differ (theme, version, URL prefix, charset).
"""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from congdoan.parsers.nukeviet import (
    KINDS,
    ParseError,
    extract,
    guess_kind,
    parse_article,
    parse_document_list,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "nukeviet"
CASES = sorted(p for p in FIXTURES.glob("*/*.json"))


def _page(case: Path) -> bytes:
    spec = json.loads(case.read_text(encoding="utf-8"))
    if "page" in spec:  # a real page, kept once in the saved-site mirror
        return (case.parent / spec["page"]).read_bytes()
    return next(p for p in case.parent.glob(case.stem + ".*") if p.suffix != ".json").read_bytes()


def real_page(name: str) -> Path:
    """The saved real page behind fixture ``real/<name>.json``."""
    case = FIXTURES / "real" / f"{name}.json"
    return case.parent / json.loads(case.read_text(encoding="utf-8"))["page"]


def _normal_html(fragment: str) -> str:
    """Serialise a fragment canonically so that ``<img/>`` and ``<img>`` compare equal."""
    root = lxml.html.fragment_fromstring(fragment or "<p></p>", create_parent="div")
    return " ".join(lxml.html.tostring(root, encoding="unicode").split())


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_page(case: Path) -> None:
    spec = json.loads(case.read_text(encoding="utf-8"))
    body, expected = _page(case), spec["expected"]
    if "raises" in expected:
        with pytest.raises(ParseError, match=expected["raises"]):
            extract(spec["kind"], body, spec["url"])
        return
    actual = extract(spec["kind"], body, spec["url"])
    assert set(actual) == set(expected), "keys differ from the contract"
    for key, want in expected.items():
        got = actual[key]
        if key == "body_html":
            got, want = _normal_html(got), _normal_html(want)
        if key == "tags":  # the page orders tags its own way; the database another
            got, want = sorted(got), sorted(want)
        if key == "items":
            assert len(got) == len(want), "item count"
            for index, (got_item, want_item) in enumerate(zip(got, want, strict=True)):
                assert got_item == want_item, f"items[{index}]"
        else:
            assert got == want, key


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_guess_kind(case: Path) -> None:
    spec = json.loads(case.read_text(encoding="utf-8"))
    if "raises" in spec["expected"]:
        return
    assert guess_kind(_page(case), spec["url"]) == spec["kind"]


def test_every_kind_has_a_real_fixture() -> None:
    kinds = {json.loads(c.read_text(encoding="utf-8"))["kind"] for c in CASES}
    assert kinds == set(KINDS)


# --- ParseError ---------------------------------------------------------------------------

HOME = real_page("home-as-article")


def test_parse_error_is_one_line_with_url_and_what() -> None:
    url = "http://127.0.0.1:8088/"
    with pytest.raises(ParseError) as caught:
        parse_article(HOME.read_bytes(), url)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{url}: ")
    assert "#news-bodyhtml" in message
    assert caught.value.url == url
    assert isinstance(caught.value, ValueError)


def test_article_without_headline_names_the_headline() -> None:
    page = '<html><body><div id="news-bodyhtml"><p>Nội dung</p></div></body></html>'
    with pytest.raises(ParseError, match=r"^http://x/a-1\.html: .*headline"):
        parse_article(page, "http://x/a-1.html")


def test_document_list_on_an_article_page_raises() -> None:
    article = real_page("article-18").read_bytes()
    with pytest.raises(ParseError, match=r"no \.table-rows"):
        parse_document_list(article, "http://127.0.0.1:8088/cong-doan-co-so/x-18.html")


def test_unknown_kind_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        extract("video", "<html></html>", "http://x/")


# --- Traps --------------------------------------------------------------------------------

def test_published_text_is_the_visible_date_not_item_prop_date_published() -> None:
    # The real page's hidden datePublished is the admin creation time (2026-11-26T22:40:01);
    # the article was published on 01/01/2017 00:05.
    page = real_page("article-18").read_text(encoding="utf-8")
    assert 'itemprop="datePublished">2026-11-26T22:40:01+07:00' in page
    result = parse_article(page, "http://127.0.0.1:8088/cong-doan-co-so/x-18.html")
    assert result["published_text"] == "Chủ nhật - 01/01/2017 00:05"
    assert "2026" not in result["published_text"]


def test_date_published_alone_is_not_used_as_published_text() -> None:
    page = """<html><body><div itemscope itemtype="http://schema.org/NewsArticle">
      <h1 itemprop="headline">Tin</h1>
      <span class="hidden" itemprop="datePublished">2026-11-26T22:40:01+07:00</span>
      <span itemprop="datePublished">26/11/2026 22:40</span>
      <div id="news-bodyhtml"><p>Ngày 02/03/2024 hội nghị họp.</p></div></div></body></html>"""
    assert parse_article(page, "http://x/tin-5.html")["published_text"] is None


def test_hidden_schema_author_is_not_an_author() -> None:
    # With no author NukeViet fills the hidden schema.org author with the poster's account.
    page = real_page("article-20").read_text(encoding="utf-8")
    assert '<span itemprop="name">admin</span>' in page
    assert parse_article(page, "http://127.0.0.1:8088/t/x-20.html")["author"] is None


def test_body_has_no_page_chrome() -> None:
    result = parse_article(real_page("article-19").read_bytes(),
                           "http://127.0.0.1:8088/tin-tuc-su-kien/x-19.html")
    for chrome in ("Ý kiến bạn đọc", "Những tin", "Tổng số điểm", "Click để đánh giá",
                   "Đang truy cập", "Bấm vào đây để duy trì", "Tác giả", "Tập tin"):
        assert chrome not in result["body_text"]
        assert chrome not in result["body_html"]
