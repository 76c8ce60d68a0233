"""The document page shows the document's status and relations; the API carries them too."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from congdoan.storage.models import Document, DocumentStatus
from tests.web.conftest import WebDb

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


def _replaced(db: WebDb) -> tuple[int, int, str]:
    """A document replaced as a whole: its id, its successor's id and code."""
    engine = create_engine(db.db_url)
    try:
        with Session(engine) as session:
            state = session.scalars(select(DocumentStatus).where(
                DocumentStatus.status == "replaced").order_by(DocumentStatus.by_code)).first()
            assert state is not None, "the simulated portals replace some documents"
            successor = session.get(Document, state.by_document_id)
            assert successor is not None
            return state.document_id, successor.id, successor.code_normalized
    finally:
        engine.dispose()


def test_a_replaced_document_names_and_links_its_successor(web_db: WebDb) -> None:
    replaced_id, successor_id, successor_code = _replaced(web_db)
    client = web_db.client()
    page = client.get(f"/documents/{replaced_id}")
    assert page.status_code == 200
    html = page.text
    assert "Tình trạng: Bị thay thế" in html
    assert re.search(rf'bởi <a href="/documents/{successor_id}">{re.escape(successor_code)}</a>',
                     html)
    assert "Bị thay thế bởi" in html  # the relations table, incoming row
    # The diagram: inline SVG with a title and description, the successor's box linked.
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert f'<a href="/documents/{successor_id}">' in svg and "thay thế" in svg
    # The successor's page lists what it replaces, linked back.
    successor = client.get(f"/documents/{successor_id}").text
    assert "Tình trạng:" in successor and "<td>Thay thế</td>" in successor
    assert f'href="/documents/{replaced_id}"' in successor


def test_the_api_carries_status_and_relations(web_db: WebDb) -> None:
    replaced_id, successor_id, _ = _replaced(web_db)
    data = web_db.client().get(f"/api/documents/{replaced_id}").json()
    relations = data["relations"]
    assert relations["status"]["status"] == "replaced"
    assert relations["status"]["by_document_id"] == successor_id
    assert any(r["type"] == "replaces" and r["document_id"] == successor_id
               for r in relations["incoming"])


def test_search_filters_on_status(web_db: WebDb) -> None:
    replaced_id, _, _ = _replaced(web_db)
    client = web_db.client()
    found = client.get("/api/search", params={"status": "replaced", "per_page": 100}).json()
    ids = {hit["id"] for hit in found["hits"]}
    assert replaced_id in ids and all(hit["kind"] == "document" for hit in found["hits"])
    in_force = client.get("/api/search", params={"status": "in_force", "per_page": 100}).json()
    assert replaced_id not in {hit["id"] for hit in in_force["hits"]}
    assert found["total"] + in_force["total"] <= client.get(
        "/api/search", params={"kind": "document"}).json()["total"]
    page = client.get("/", params={"status": "replaced"})
    assert page.status_code == 200 and 'value="replaced" selected' in page.text
    assert client.get("/api/search", params={"status": "nonsense"}).status_code == 422
