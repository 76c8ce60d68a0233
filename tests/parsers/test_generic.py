"""The generic reader on hand-written pages of unknown CMSs: every fixture's expected JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from congdoan.parsers.errors import ParseError
from congdoan.parsers.generic import (
    compile_selectors,
    parse_document_table,
    parse_generic_article,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "generic"
CASES = sorted(p.stem for p in FIXTURES.glob("*.html"))


def _case(name: str) -> tuple[bytes, dict]:
    return (FIXTURES / f"{name}.html").read_bytes(), json.loads(
        (FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", CASES)
def test_fixture_reads_as_expected(name: str) -> None:
    page, case = _case(name)
    if case["kind"] == "document-table":
        assert parse_document_table(page, case["url"]) == case["expected"]
        return
    got = parse_generic_article(page, case["url"], case.get("selectors"))
    for key, value in case["expected"].items():
        assert got[key] == value, key


def test_chrome_never_reaches_the_body() -> None:
    page, case = _case("danang-bai-viet")
    body = parse_generic_article(page, case["url"])["body_text"]
    for chrome in ("Tin liên quan", "Tin mới", "Chia sẻ", "Phan Châu Trinh", "Lượt xem",
                   "Ngày đăng", "Tác giả", "Nguồn:"):
        assert chrome not in body


def test_without_the_selectors_the_override_page_falls_back_to_density() -> None:
    page, case = _case("selectors-override")
    got = parse_generic_article(page, case["url"])
    # density alone picks the longer "other news" block: the reason selectors exist
    assert got["body_text"] != case["expected"]["body_text"]


def test_bad_selectors_are_named() -> None:
    with pytest.raises(ValueError, match="selector body = 'div\\[' is not valid CSS"):
        compile_selectors({"body": "div["})
    with pytest.raises(ValueError, match="selector 'teaser' is not one of"):
        compile_selectors({"teaser": "p"})


def test_a_page_without_a_body_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="no article body found"):
        parse_generic_article(b"<html><body><a href='/'>Trang chu</a></body></html>",
                              "http://x.vn/")



_BODY = "<p>" + "Công đoàn tỉnh tổ chức hội nghị tổng kết công tác năm. " * 3 + "</p>"


def _with_ld_image(image: object, body: str = _BODY) -> list[dict]:
    ld = json.dumps({"@type": "NewsArticle", "headline": "Tin", "image": image})
    page = (f'<html><head><script type="application/ld+json">{ld}</script></head>'
            f"<body><h1>Tin</h1><div>{body}</div></body></html>")
    return parse_generic_article(page, "http://x.vn/tin/1.html")["images"]


@pytest.mark.parametrize("image", [{"@type": "ImageObject", "url": "/a.jpg"}, ["/a.jpg", "/b.jpg"],
                                   "/a.jpg"])
def test_the_json_ld_image_leads_the_images(image: object) -> None:
    assert _with_ld_image(image) == [{"url": "http://x.vn/a.jpg", "alt": None}]


def test_a_lead_image_the_body_shows_is_not_repeated() -> None:
    images = _with_ld_image("/a.jpg", _BODY + '<p><img src="/a.jpg" alt="Hội nghị"></p>')
    assert [i["url"] for i in images] == ["http://x.vn/a.jpg"]
    assert images[0]["alt"] == "Hội nghị"

def test_tables_that_are_not_document_lists_give_nothing() -> None:
    page = "<table><tr><th>Họ tên</th><th>Chức vụ</th></tr><tr><td>A</td><td>B</td></tr></table>"
    assert parse_document_table(page, "http://x.vn/") == []


def test_extract_command_runs_the_generic_reader() -> None:
    from typer.testing import CliRunner

    from congdoan.commands import app

    _page, case = _case("selectors-override")
    args = ["extract", str(FIXTURES / "selectors-override.html"), "--url", case["url"],
            "--kind", "generic"]
    for name, css in case["selectors"].items():
        args += ["--selector", f"{name}={css}"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["author"] == "Phòng Tổ chức"
    bad = CliRunner().invoke(app, [*args[:6], "--selector", "body=div["])
    assert bad.exit_code == 2 and "not valid CSS" in bad.output
