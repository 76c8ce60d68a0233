"""``crawl -o``: items are written by the same line writer as ``export`` (issue #12)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from congdoan.exports.jsonl import dumps_line
from congdoan.extensions.jsonl import item_to_json
from congdoan.items import ArticleItem


def test_crawl_output_escapes_unicode_line_breaks_like_the_export() -> None:
    item = ArticleItem(kind="article", site="dienbien", title="Hội nghị\u2028người lao động",
                       body_html="<p>a\u2029b\x85c</p>", raw_body=b"<html>",
                       published_at=datetime(2024, 1, 15, 1, 2, tzinfo=UTC))
    line = item_to_json(item)
    assert not {"\u2028", "\u2029", "\x85"} & set(line)
    assert len(line.splitlines()) == 1  # str.splitlines() splits on all three
    data = json.loads(line)
    assert data["title"] == "Hội nghị\u2028người lao động"  # escaped, not lost
    assert data["published_at"] == "2024-01-15T01:02:00+00:00"
    assert "raw_body" not in data
    assert "Hội nghị" in line  # Vietnamese stays UTF-8, not \\u escapes
    expected = dict(item)
    expected.pop("raw_body")
    expected["published_at"] = "2024-01-15T01:02:00+00:00"
    assert line == dumps_line(expected)


def test_crawl_output_leaves_a_files_page_by_page_reading_to_the_store() -> None:
    reading = {"media_type": "application/pdf", "status": "ok", "reason": None,
               "page_count": 1, "pages": [{"number": 1, "text": "Nội dung"}]}
    item = ArticleItem(kind="article", site="dienbien", title="Tin", attachments=[
        {"url": "http://x/f.pdf", "name": "f.pdf", "text": "Nội dung", "reading": reading}])
    data = json.loads(item_to_json(item))
    assert data["attachments"] == [{"url": "http://x/f.pdf", "name": "f.pdf", "text": "Nội dung"}]
    assert item["attachments"][0]["reading"] is reading  # the item itself keeps it
