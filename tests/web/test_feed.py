"""Atom feeds of a search: well-formed Atom 1.0 with what RFC 4287 requires of a feed and of
its entries, stable ids, newest first, bounded, from the web and from ``congdoan feed``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from congdoan.commands import app
from congdoan.web.atom import MAX_ENTRIES
from tests.web.conftest import WebDb

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

NS = {"a": "http://www.w3.org/2005/Atom"}


def parse(body: bytes) -> etree._Element:
    root = etree.fromstring(body)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    return root


def stamp(text: str) -> datetime:
    # RFC 3339 with an explicit zone, as Atom requires.
    assert text.endswith("Z") or text[-6] in "+-", text
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def check_feed(root: etree._Element) -> list[etree._Element]:
    """RFC 4287 4.1.1: one id, title, updated; a self link; an author. Entries: id, title,
    updated, an alternate link (4.1.2). Returns the entries."""
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"a:{name}", NS)) == 1, name
    stamp(root.findtext("a:updated", namespaces=NS))
    assert root.find("a:link[@rel='self']", NS) is not None
    assert root.find("a:author/a:name", NS) is not None
    entries = root.findall("a:entry", NS)
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"a:{name}", NS)) == 1, name
        assert entry.findtext("a:id", namespaces=NS).startswith("tag:congdoan,")
        assert entry.find("a:link[@rel='alternate']", NS).get("href").startswith("http")
        stamp(entry.findtext("a:updated", namespaces=NS))
    return entries


def test_feed_of_a_search_is_valid_and_newest_first(web_db: WebDb) -> None:
    response = web_db.client().get("/feed.atom", params={"q": web_db.cited_code})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    entries = check_feed(parse(response.content))
    ids = [e.findtext("a:id", namespaces=NS) for e in entries]
    assert f"tag:congdoan,2026:article:{web_db.hostile_id}" in ids
    assert f"tag:congdoan,2026:document:{web_db.cited_document_id}" in ids
    updated = [stamp(e.findtext("a:updated", namespaces=NS)) for e in entries]
    assert updated == sorted(updated, reverse=True)
    hostile = next(e for e in entries if e.findtext("a:id", namespaces=NS).endswith(
        f"article:{web_db.hostile_id}"))
    related = hostile.find("a:link[@rel='related']", NS).get("href")
    assert related.endswith(f"/articles/{web_db.hostile_id}")
    assert hostile.find("a:link[@rel='alternate']", NS).get("href") == web_db.hostile_url
    # Ids are stable: the same search gives the same ids.
    again = check_feed(parse(web_db.client().get(
        "/feed.atom", params={"q": web_db.cited_code}).content))
    assert [e.findtext("a:id", namespaces=NS) for e in again] == ids


def test_feed_filters_and_bound(web_db: WebDb) -> None:
    site = sorted(web_db.portals.truth)[0]
    body = web_db.client().get("/feed.atom", params={"kind": "article", "site": site}).content
    entries = check_feed(parse(body))
    assert entries
    assert len(entries) <= MAX_ENTRIES
    for entry in entries:
        terms = {c.get("term") for c in entry.findall("a:category", NS)}
        assert {"article", site} <= terms


def test_feed_command_writes_a_file(web_db: WebDb, tmp_path: Path) -> None:
    target = tmp_path / "chi-thi.atom"
    result = CliRunner().invoke(app, ["feed", web_db.cited_code, "--db", web_db.db_url,
                                      "--base-url", "https://congdoan.example/", "-o",
                                      str(target)])
    assert result.exit_code == 0, result.output
    entries = check_feed(parse(target.read_bytes()))
    links = {e.find("a:link[@rel='related']", NS).get("href") for e in entries}
    assert f"https://congdoan.example/articles/{web_db.hostile_id}" in links
    bad = CliRunner().invoke(app, ["feed", "x", "--db", web_db.db_url, "--site", "nowhere"])
    assert bad.exit_code == 2 and "nowhere" in bad.output
