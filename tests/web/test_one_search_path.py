"""One search path: ``congdoan search``, the search page, ``/api/search`` and the Atom feed
give the same hits in the same order, on a crawled database, SQLite and PostgreSQL.

The feed lists a search's items by their latest change (what feed readers expect): it
is compared with the other surfaces' hits as a set.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from congdoan.commands import app
from congdoan.normalize.text import fold
from tests.conftest import PgSchemas

from .conftest import WebDb, built

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

runner = CliRunner()
HIT_LINK = re.compile(r'<a class="title" href="/(article|document)s/(\d+)">')
ATOM = "{http://www.w3.org/2005/Atom}"


def _cli(db: WebDb, query: str, *options: str) -> list[tuple[str, int]]:
    result = runner.invoke(app, ["search", query, "--json", "--limit", "20", *options,
                                 "--db", db.db_url])
    assert result.exit_code in (0, 1), result.output
    return [(h["kind"], h["id"]) for h in json.loads(result.stdout or "[]")]


def _api(db: WebDb, **params: object) -> dict:
    response = db.client().get("/api/search", params={"per_page": 20, **params})
    assert response.status_code == 200, response.text
    return response.json()


def _page(db: WebDb, **params: object) -> tuple[list[tuple[str, int]], str]:
    response = db.client().get("/", params=params)
    assert response.status_code == 200
    return [(k, int(i)) for k, i in HIT_LINK.findall(response.text)], response.text


def _feed(db: WebDb, **params: object) -> list[tuple[str, int]]:
    response = db.client().get("/api/feed.atom", params=params)
    assert response.status_code == 200
    ids = [e.findtext(f"{ATOM}id") or "" for e in ET.fromstring(response.text).iter(
        f"{ATOM}entry")]
    return [(kind, int(number)) for kind, number in (i.rsplit(":", 2)[1:] for i in ids)]


def _a_directive(db: WebDb) -> tuple[str, str]:
    """A crawled directive's code and the reference a person types for it (chi thi N)."""
    documents = [d for t in db.portals.truth.values() for d in t["documents"]]
    code = next(d["code"] for d in documents if "CT" in (d.get("code") or ""))
    number = re.match(r"\d+", code)
    assert number is not None
    return code, f"chi thi {int(number.group())}"


def test_every_surface_gives_the_same_hits_in_the_same_order(web_db: WebDb) -> None:
    _, reference = _a_directive(web_db)
    for query in ("công đoàn", "cong doan", "chỉ thị", "chi thi", "an toàn lao động",
                  reference):
        cli = _cli(web_db, query)
        api = _api(web_db, q=query)
        page, _ = _page(web_db, q=query)
        assert cli, query
        assert [(h["kind"], h["id"]) for h in api["hits"]] == cli == page, query
        # The feed holds the same hits, ordered as feeds are: the latest change first.
        every = _api(web_db, q=query, per_page=100)
        assert every["total"] <= 100  # the crawled portals are small: one page holds all
        assert set(_feed(web_db, q=query)) == {(h["kind"], h["id"]) for h in every["hits"]}


def test_filters_narrow_every_surface_alike(web_db: WebDb) -> None:
    site = next(iter(web_db.portals.truth))
    cli = _cli(web_db, "công đoàn", "--site", site, "--kind", "article")
    api = _api(web_db, q="công đoàn", site=site, kind="article")
    page, _ = _page(web_db, q="công đoàn", site=site, kind="article")
    assert cli and [(h["kind"], h["id"]) for h in api["hits"]] == cli == page


def test_a_reference_comes_first_and_the_page_says_so(web_db: WebDb) -> None:
    code, reference = _a_directive(web_db)
    api = _api(web_db, q=reference)
    assert api["hits"][0]["code"] == code and api["hits"][0]["reference"]
    assert api["reference"] == code
    _, html = _page(web_db, q=reference)
    assert 'id="reference"' in html and code in html


def test_a_query_without_diacritics_is_offered_its_spelling(web_db: WebDb) -> None:
    api = _api(web_db, q="cong doan")
    assert api["suggestion"] == "công đoàn"
    _, html = _page(web_db, q="cong doan")
    assert "Bạn có muốn tìm" in html and "công đoàn" in html
    assert _api(web_db, q="công đoàn")["suggestion"] is None  # typed with diacritics
    assert _api(web_db, q="chi thi")["suggestion"] == "chỉ thị"  # the directives' type
    assert fold(api["suggestion"]) == "cong doan"


@pytest.mark.postgres
def test_a_search_with_very_many_matches_is_one_order_everywhere_and_says_about(
    pg_schemas: PgSchemas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The crawled portals are small: lowered limits make "công đoàn" a query with very
    # many matches (at national scale: storage/ranking.py pg_rank). A database of its
    # own: its statistics (ANALYZE, which the estimates read) would change other tests'.
    from sqlalchemy import create_engine, text

    from congdoan.storage import ranking

    with built(tmp_path, pg_schemas.new_url()) as db:
        engine = create_engine(db.db_url)
        with engine.begin() as conn:  # the statistics autovacuum keeps, which search reads
            conn.execute(text("ANALYZE articles_search"))
            conn.execute(text("ANALYZE documents_search"))
        engine.dispose()
        monkeypatch.setattr(ranking, "_STATS", {})
        monkeypatch.setattr(ranking, "EXACT_LIMIT", 5)
        monkeypatch.setattr(ranking, "POOL", 8)
        monkeypatch.setattr(ranking, "SAMPLE", 10)
        query = "công đoàn"
        cli = _cli(db, query)
        api = _api(db, q=query)
        page, html = _page(db, q=query)
        assert cli and [(h["kind"], h["id"]) for h in api["hits"]] == cli == page
        assert api["total_exact"] is False and api["facets_sampled"] is True
        assert api["ranked"] > 0
        assert api["pages"] == -(-min(api["total"], api["ranked"]) // 20)
        assert "khoảng" in html and 'id="ranked-note"' in html and "≈" in html
        told = runner.invoke(app, ["search", query, "--db", db.db_url])
        assert f"of about {api['total']:,} hits" in told.output
        assert "too many to rank" in told.output


def test_a_search_with_very_many_matches_on_sqlite_counts_exactly_and_ranks_the_newest(
    sqlite_web_db: WebDb, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # SQLite counts every match (FTS5, without scoring) but above the limit scores only
    # the newest (storage/ranking.py sqlite_rank): every surface says so, and no "about".
    from congdoan.storage import ranking

    db = sqlite_web_db
    monkeypatch.setattr(ranking, "EXACT_LIMIT", 5)
    monkeypatch.setattr(ranking, "POOL", 8)
    query = "công đoàn"
    cli = _cli(db, query)
    api = _api(db, q=query)
    page, html = _page(db, q=query)
    assert cli and [(h["kind"], h["id"]) for h in api["hits"]] == cli == page
    assert api["total_exact"] is True and api["facets_sampled"] is False
    assert 0 < api["ranked"] < api["total"]
    assert api["pages"] == -(-api["ranked"] // 20)
    assert "khoảng" not in html and 'id="ranked-note"' in html and "ước tính" not in html
    told = runner.invoke(app, ["search", query, "--db", db.db_url])
    assert f"of {api['total']} hits" in told.output and "too many to rank" in told.output
    # The count is every match's: the same as with the limit out of the way.
    monkeypatch.setattr(ranking, "EXACT_LIMIT", 10**9)
    every = _api(db, q=query)
    assert every["ranked"] is None and every["total"] == api["total"]
