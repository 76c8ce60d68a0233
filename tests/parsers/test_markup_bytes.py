"""``parse_html`` reads UTF-8 bytes directly: the same tree as parsing the decoded text."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from congdoan.parsers.decoding import decode
from congdoan.parsers.markup import parse_html

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAGES = sorted(p for p in FIXTURES.rglob("*.htm*") if p.is_file())


def _tree(body: str | bytes) -> str:
    return etree.tostring(parse_html(body), encoding="unicode")


def _as_text(body: bytes) -> str:
    """The tree parsed from the text the decoding layer makes of ``body`` (the str path)."""
    return _tree(decode(body).text)


def test_there_are_saved_pages() -> None:
    assert len(PAGES) >= 40


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_saved_pages_parse_the_same_from_bytes(page: Path) -> None:
    body = page.read_bytes()
    assert _tree(body) == _as_text(body)


HEADS = ["", '<meta charset="windows-1252">', '<meta charset="utf-8">',
         '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
         '<meta charset="windows-1258">', '<?xml version="1.0" encoding="utf-8"?>']
STARTS = [b"", b"\xef\xbb\xbf", b"  \n", b"<!DOCTYPE html>"]
TEXT = st.text(st.one_of(st.characters(blacklist_categories=("Cs",)),
                         st.sampled_from(list("<>&;/ \r\n\t\x00\x0c\x1fáệđ"))), max_size=60)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(STARTS), st.sampled_from(HEADS), TEXT,
       st.sampled_from(["p", "div", "script", "textarea", "title"]),
       st.sampled_from([b"", b"\xff", b"\xe1\xbb"]))
def test_generated_pages_parse_the_same_from_bytes(start: bytes, head: str, text: str, tag: str,
                                                   bad: bytes) -> None:
    # ``bad``: bytes that are not UTF-8 (the page goes the text way, as it did).
    body = (start + f"{head}<html><head></head><body><{tag}>{text}</{tag}>".encode()
            + bad + b"</body></html>")
    assert _tree(body) == _as_text(body)


def test_legacy_vietnamese_bytes_still_read_as_windows_1258() -> None:
    body = "<p>Công đoàn Đà Lạt</p>".replace("ạ", "a\u0323").encode("cp1258")
    assert decode(body).rule == "windows-1258"
    assert parse_html(body).text_content() == "Công đoàn Đà La\u0323t"


def test_threads_parse_with_their_own_parsers() -> None:
    bodies = [p.read_bytes() for p in PAGES[:8]]
    expected = [_tree(b) for b in bodies]
    results: list[list[str]] = []

    def work() -> None:
        results.append([_tree(b) for b in bodies for _ in range(3)][::3])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4
