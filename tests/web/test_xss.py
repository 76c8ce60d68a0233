"""A stored article whose body carries script, event handlers, javascript: URLs, a form and a
frame renders inert: the sanitiser keeps the text and drops every active part."""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from tests.web.conftest import WebDb

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


def test_hostile_body_renders_inert(web_db: WebDb) -> None:
    response = web_db.client().get(f"/articles/{web_db.hostile_id}")
    assert response.status_code == 200
    page = response.text
    # The text survives …
    assert "Triển khai văn bản mới." in page and "Đoạn cuối." in page
    assert "bấm vào đây" in page
    # … every active part is gone, anywhere on the page.
    tree = lxml_html.fromstring(page)
    assert tree.xpath("//script") == []
    assert tree.xpath("//form") == [] or all(
        f.get("action") == "/" for f in tree.xpath("//form"))  # only the site's own search
    assert tree.xpath("//iframe") == []
    for element in tree.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert "javascript:" not in value.lower(), (element.tag, name, value)
            assert "evil.example" not in value, (element.tag, name, value)
        assert element.get("style") is None
    # The version diff shows the old markup as escaped text, never as markup.
    assert not re.search(r"<(script|iframe|form action=.http)", page, re.IGNORECASE)
    # And the browser is told to run no script at all, should anything slip through.
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_hostile_text_in_titles_is_escaped(web_db: WebDb) -> None:
    page = web_db.client().get("/", params={"q": '<script>alert(1)</script> "x'}).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
