"""Decoding: w3lib's sniffing (what Scrapy's ``TextResponse`` uses) plus our three rules.

Every fixture page must decode to exactly the text Scrapy gives the same bytes
(with the Content-Type header the page was served with, when it was saved),
unless one of our named rules decided it; the rules fire only where expected.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from scrapy.http import TextResponse

from congdoan.parsers.decoding import decode, decode_body

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".html", ".xml"))
# Fixture pages our rules (rather than w3lib's sniffing) decide: none. Every saved
# page, the windows-1258 one included, declares its charset truthfully.
OUR_RULES: dict[str, str] = {}


def _content_type(page: Path) -> bytes | None:
    headers = page.with_suffix(".headers")
    if not headers.exists():
        return None
    for line in headers.read_text(encoding="latin-1").splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-type":
            return value.strip().encode("latin-1")
    return None


def test_there_are_pages_to_compare() -> None:
    assert len(PAGES) >= 35
    assert any(_content_type(p) for p in PAGES)  # saved real pages carry their headers


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_a_page_decodes_as_scrapy_decodes_it(page: Path) -> None:
    body = page.read_bytes()
    content_type = _content_type(page)
    headers = {b"Content-Type": content_type} if content_type else {}
    scrapy_text = TextResponse("http://127.0.0.1/page", body=body, headers=headers).text

    decoded = decode(body)

    name = str(page.relative_to(FIXTURES))
    assert decoded.rule == OUR_RULES.get(name)
    if decoded.rule is None:
        assert decoded.text == scrapy_text


def test_whatwg_aliases_come_from_w3lib() -> None:
    # iso-8859-1 is read as windows-1252, as browsers do: 0x93/0x94 are curly quotes.
    body = b'<meta charset="iso-8859-1"><p>\x93Hi\x94</p>'
    assert decode(body).encoding == "cp1252"
    assert "\u201cHi\u201d" in decode_body(body)


def test_a_bom_wins_over_a_declaration() -> None:
    body = "\ufeff<meta charset='windows-1258'><p>Công đoàn</p>".encode("utf-16-le")
    body = b"\xff\xfe" + body[2:]
    assert "Công đoàn" in decode_body(body)


def test_declared_legacy_but_valid_utf8_is_utf8() -> None:
    body = '<meta charset="windows-1258"><p>Liên đoàn Lao động</p>'.encode()
    decoded = decode(body)
    assert (decoded.rule, decoded.encoding) == ("declared-but-utf8", "utf-8")
    assert "Liên đoàn Lao động" in decoded.text


def test_declared_legacy_bytes_decode_by_the_declaration() -> None:
    body = '<meta charset="windows-1258"><p>Công đoàn</p>'.encode("cp1258")
    decoded = decode(body)
    assert decoded.rule is None
    assert "Công đoàn" in decoded.text


def test_a_few_bad_bytes_keep_an_undeclared_page_utf8() -> None:
    body = ("<p>" + "Người lao động " * 5 + "</p>").encode() + b"<footer>\xa9 2017</footer>"
    decoded = decode(body)
    assert decoded.rule == "mostly-utf8"
    assert "Người lao động" in decoded.text and "\ufffd" in decoded.text


def test_undeclared_legacy_text_is_windows_1258() -> None:
    # "Công đoàn người lao động" as windows-1258 writes it: tone marks as combining bytes.
    body = b"<p>C\xf4ng \xf0o\xe0n ng\xfd\xf5\xcci lao \xf0\xf4\xf2ng</p>"
    decoded = decode(body)
    assert decoded.rule == "windows-1258"
    assert "Công đoàn người lao động" in unicodedata.normalize("NFC", decoded.text)


def test_text_passes_through_without_its_bom() -> None:
    assert decode_body("\ufeff<p>x</p>") == "<p>x</p>"
