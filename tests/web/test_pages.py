"""The web interface over a crawled database, on SQLite and PostgreSQL: search, facets,
records, provenance, rollout, sites, files, downloads, read-only, token."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from congdoan.normalize.text import fold
from congdoan.storage.readonly import readonly_engine
from tests.web.conftest import WebDb

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


def api(db: WebDb, **params: object) -> dict:
    response = db.client().get("/api/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def a_title_with_diacritics(db: WebDb) -> str:
    documents = [d for t in db.portals.truth.values() for d in t["documents"]]
    title = next(d["title"] for d in documents if fold(d["title"]) != d["title"].lower())
    return " ".join(title.split()[:4])


def test_search_with_and_without_diacritics_finds_the_same(web_db: WebDb) -> None:
    words = a_title_with_diacritics(web_db)
    with_marks = api(web_db, q=words, per_page=100)
    without = api(web_db, q=fold(words), per_page=100)
    assert with_marks["total"] == without["total"] > 0
    # The same hits; the order may differ: the spelling typed ranks first (README, search).
    assert sorted((h["kind"], h["id"]) for h in with_marks["hits"]) == sorted(
        (h["kind"], h["id"]) for h in without["hits"])
    page = web_db.client().get("/", params={"q": fold(words)})
    assert page.status_code == 200
    assert f"{with_marks['total']} kết quả" in page.text


def test_relevance_order_is_the_order_of_congdoan_search(web_db: WebDb) -> None:
    """The web page and the command line rank by one score (relevance and recency), so an
    analyst sees the same best hits in both."""
    from sqlalchemy.orm import Session

    from congdoan.storage.search import search_page

    for words in ("công đoàn", "lao dong", a_title_with_diacritics(web_db)):
        web = api(web_db, q=words, per_page=30)
        with Session(readonly_engine(web_db.db_url)) as session:
            cli = search_page(session, words, limit=30)
        assert web["total"] == cli.total > 0, words
        assert [(h["kind"], h["id"]) for h in web["hits"]] == [(h.kind, h.id) for h in cli.hits]


def test_facet_counts_are_what_the_filter_returns(web_db: WebDb) -> None:
    everything = api(web_db)
    served = web_db.portals.served("article") + web_db.portals.served("document") + 1
    assert everything["total"] == served  # every crawled item, plus the hostile article
    facets = everything["facets"]
    assert {f["value"] for f in facets["kind"]} == {"article", "document"}
    assert sum(f["count"] for f in facets["kind"]) == everything["total"]
    for name, param in (("site", "site"), ("doc_type", "type"), ("issuer", "issuer"),
                        ("year", "year")):
        assert facets[name], name
        value = facets[name][0]
        narrowed = api(web_db, **{param: value["value"]})
        assert narrowed["total"] == value["count"], (name, value)


def test_sorted_by_date_and_paginated_without_overlap(web_db: WebDb) -> None:
    first = api(web_db, sort="date", per_page=7)
    second = api(web_db, sort="date", per_page=7, page=2)
    dates = [h["when"] for h in first["hits"] + second["hits"]]
    assert dates == sorted(dates, reverse=True)
    assert not {(h["kind"], h["id"]) for h in first["hits"]} & \
        {(h["kind"], h["id"]) for h in second["hits"]}
    assert first["pages"] == -(-first["total"] // 7)


def test_date_range_and_new_since(web_db: WebDb) -> None:
    total = api(web_db)["total"]
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    yesterday = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    assert api(web_db, since=tomorrow)["total"] == 0
    assert api(web_db, since=yesterday)["total"] == total
    year = api(web_db)["facets"]["year"][0]["value"]
    ranged = api(web_db, **{"from": f"{year}-01-01", "to": f"{year}-12-31"}, per_page=100)
    assert ranged["total"] == api(web_db, year=year)["total"]
    assert all(h["when"].startswith(year) for h in ranged["hits"])


def test_article_page_links_the_cited_document_and_shows_provenance(web_db: WebDb) -> None:
    page = web_db.client().get(f"/articles/{web_db.hostile_id}")
    assert page.status_code == 200
    assert f'<a href="/documents/{web_db.cited_document_id}">{web_db.cited_code}</a>' in page.text
    assert web_db.hostile_url.replace("&", "&amp;") in page.text
    assert "giờ Việt Nam" in page.text
    record = web_db.client().get(f"/api/articles/{web_db.hostile_id}").json()
    assert [v["number"] for v in record["versions"]] == [1, 2]
    assert "Đoạn đầu" in record["versions"][1]["diff"]
    assert "Đoạn cuối" in record["versions"][1]["diff"]
    assert "Thay đổi so với phiên bản trước" in page.text


def test_crawled_article_has_an_archived_raw_page(web_db: WebDb) -> None:
    hit = api(web_db, kind="article", sort="date", per_page=100)["hits"][-1]
    record = web_db.client().get(f"/api/articles/{hit['id']}").json()
    assert record["raw"]["archived"] is True
    assert record["fetched_at"]
    page = web_db.client().get(f"/articles/{hit['id']}")
    assert "Trang gốc lưu trữ</dt><dd>có" in page.text


def test_document_page_lists_postings_citations_and_rollout(web_db: WebDb) -> None:
    record = web_db.client().get(f"/api/documents/{web_db.cited_document_id}").json()
    assert record["code_normalized"] == web_db.cited_code
    assert record["postings"] and all(p["canonical_url"] for p in record["postings"])
    assert all(p["versions"][-1]["current"] for p in record["postings"])
    assert web_db.hostile_id in {a["id"] for a in record["citing"]}
    sites = set(web_db.portals.truth)
    assert {r["site"] for r in record["rollout"]} == sites
    posted = {p["site"] for p in record["postings"]}
    citing_site = next(a["site"] for a in record["citing"] if a["id"] == web_db.hostile_id)
    for row in record["rollout"]:
        assert (row["posted_at"] is not None) == (row["site"] in posted)
        if row["site"] == citing_site:
            assert row["cited_by"] == web_db.hostile_id
    page = web_db.client().get(f"/documents/{web_db.cited_document_id}")
    assert page.status_code == 200
    assert f'href="/articles/{web_db.hostile_id}"' in page.text
    # A document no article cites shows the units that have not reached it.
    other = api(web_db, kind="document", sort="date", per_page=100)["hits"]
    lonely = next(h for h in other if h["id"] != web_db.cited_document_id)
    assert "chưa nhắc đến" in web_db.client().get(f"/documents/{lonely['id']}").text


def test_site_pages(web_db: WebDb) -> None:
    site = sorted(web_db.portals.truth)[0]
    record = web_db.client().get(f"/api/sites/{site}").json()
    hostile = web_db.client().get(f"/api/articles/{web_db.hostile_id}").json()
    served = len(web_db.portals.truth[site]["articles"])
    assert record["articles"] == served + (hostile["site"] == site)
    assert record["documents"] == len(web_db.portals.truth[site]["documents"])
    assert record["runs"] and record["runs"][0]["status"] == "ok"
    assert web_db.client().get(f"/sites/{site}").status_code == 200
    assert web_db.client().get("/sites/no-such-site").status_code == 404
    assert {s["id"] for s in web_db.client().get("/api/sites").json()} == set(web_db.portals.truth)


def test_attachments_are_served_from_the_stored_files(web_db: WebDb) -> None:
    record = None
    for hit in api(web_db, kind="document", per_page=100)["hits"]:
        record = web_db.client().get(f"/api/documents/{hit['id']}").json()
        if any(a["stored"] for p in record["postings"] for a in p["attachments"]):
            break
    assert record is not None
    stored = next(a for p in record["postings"] for a in p["attachments"] if a["stored"])
    response = web_db.client().get(f"/files/{stored['id']}")
    assert response.status_code == 200
    assert response.content == (web_db.files_dir / stored["stored_path"]).read_bytes()
    assert response.headers["content-type"].split(";")[0] in (
        stored["media_type"], "application/octet-stream")
    assert "sandbox" in response.headers["content-security-policy"]
    assert "/" not in response.headers["content-disposition"].split("filename")[-1]
    assert web_db.client().get("/files/987654321").status_code == 404


def test_downloads_use_the_export_format(web_db: WebDb) -> None:
    found = api(web_db, kind="document", per_page=100)
    response = web_db.client().get("/export.csv", params={"kind": "document"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == found["total"]
    assert {int(r["id"]) for r in rows} == {h["id"] for h in found["hits"]}
    lines = web_db.client().get("/export.jsonl", params={"q": web_db.cited_code}).text
    records = [json.loads(line) for line in lines.splitlines()]
    assert web_db.hostile_id in {r["id"] for r in records if r["kind"] == "article"}
    assert web_db.client().get("/export.csv").status_code == 400  # CSV needs one kind


def test_database_is_opened_read_only(web_db: WebDb) -> None:
    engine = readonly_engine(web_db.db_url)
    try:
        with pytest.raises(DBAPIError), engine.begin() as connection:
            connection.execute(text("DELETE FROM articles"))
    finally:
        engine.dispose()
    assert api(web_db)["total"] > 0


def test_token_required_for_everything(web_db: WebDb) -> None:
    client = web_db.client(token="s3cret-token")
    for path in ("/", "/api/search", "/feed.atom", "/api/openapi.json", "/static/style.css",
                 f"/articles/{web_db.hostile_id}"):
        assert client.get(path).status_code == 401, path
    assert client.get("/api/search", headers={"Authorization": "Bearer wrong"}
                      ).status_code == 401
    assert client.get("/api/search", headers={"Authorization": "Bearer s3cret-token"}
                      ).status_code == 200
    visit = client.get("/sites?token=s3cret-token", follow_redirects=False)
    assert visit.status_code == 303 and "token" not in visit.headers["location"]
    assert client.get("/sites").status_code == 200  # the cookie set by the visit


def test_security_headers_on_every_page(web_db: WebDb) -> None:
    response = web_db.client().get("/")
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"


def test_odd_input_is_answered_not_crashed(web_db: WebDb) -> None:
    # PostgreSQL refuses NUL in text; huge ids overflow its integers; dates at the edges.
    assert web_db.client().get("/api/search", params={"q": "a\x00b", "site": "x\x00",
                                                      "issuer": "\x00"}).status_code == 200
    assert web_db.client().get("/api/articles/9223372036854775808").status_code == 422
    edges = {"from": "0001-01-01", "to": "9999-12-31", "since": "9999-12-31"}
    assert web_db.client().get("/api/search", params=edges).status_code == 200
    assert web_db.client().get("/", params={"page": 1000, "q": "công đoàn"}).status_code == 200


def test_a_submitted_form_with_empty_fields_is_a_search(web_db: WebDb) -> None:
    # The search form sends every field, empty ones included (found by the browser test).
    blank = {"q": "công đoàn", "from": "", "to": "", "since": "", "sort": "", "year": "",
             "kind": ""}
    response = web_db.client().get("/", params=blank)
    assert response.status_code == 200
    assert f"{api(web_db, q='công đoàn')['total']} kết quả" in response.text
