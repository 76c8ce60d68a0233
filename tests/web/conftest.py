"""A crawled database for the web interface: two simulated portals crawled over real HTTP
into SQLite and into PostgreSQL, plus one hostile article stored through the real
store code (its body carries script, event handlers and javascript: links; it cites
a crawled document; it was changed once, so it has two versions)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.models import Document, DocumentPosting
from congdoan.storage.store import write_batch
from congdoan.web.app import create_app
from tests.conftest import CrawledPortals, serve_portals

HOSTILE_BODY = (
    '<p>Triển khai văn bản mới.</p><script>alert("x")</script>'
    '<img src="http://127.0.0.1/x.png" onerror="alert(1)">'
    '<a href="javascript:alert(2)">bấm vào đây</a>'
    '<form action="http://evil.example/"><input name="p"></form>'
    '<p onclick="alert(3)" style="background:url(javascript:alert(4))">Đoạn cuối.</p>'
    '<iframe src="http://evil.example/"></iframe>'
)


@dataclass
class WebDb:
    """A crawled database, its attachment files, and what the hostile article cites."""

    portals: CrawledPortals
    files_dir: Path
    hostile_id: int
    cited_document_id: int
    cited_code: str
    hostile_url: str

    @property
    def db_url(self) -> str:
        return self.portals.db_url

    def client(self, token: str | None = None) -> TestClient:
        """An HTTP client on the application (real ASGI stack, real database)."""
        return TestClient(create_app(self.db_url, self.files_dir, token))


def hostile_article(site: str, base_url: str, code: str, body: str, fetched: datetime
                    ) -> dict[str, Any]:
    """An article record as the pipelines hand it to the store."""
    url = f"{base_url.rstrip('/')}/index.php?nv=news&op=tin-tuc/bai-doc-hai-999999.html"
    return {
        "site": site, "url": url, "canonical_url": url, "source_id": 999999,
        "fetched_at": fetched.isoformat(), "http_status": 200,
        "title": f"Quán triệt văn bản {code} tới đoàn viên",
        "published_text": "27/11/2026", "published_at": "2026-11-20T08:00:00+07:00",
        "published_precision": "day", "author": None, "source": None,
        "category": "Tin tức", "category_path": ["Tin tức"],
        "summary": f"Hội nghị quán triệt {code}.", "body_html": body,
        "body_text": "Triển khai văn bản mới. Đoạn cuối.", "images": [], "attachments": [],
        "tags": [], "references": [code],
    }


def add_hostile_article(url: str) -> tuple[int, int, str, str]:
    """Store the hostile article twice (a change: two versions); return ids and code."""
    from congdoan.storage.models import Article, Site

    engine = make_engine(url)
    try:
        sessions = session_factory(engine)
        with sessions() as session:
            document = session.scalars(
                select(Document).where(Document.code_normalized.is_not(None))
                # By code, not id: ids follow the crawl's (concurrent) order.
                .order_by(Document.code_normalized, Document.identity_key)).first()
            assert document is not None
            site = session.scalars(
                select(DocumentPosting.site).where(DocumentPosting.document_id == document.id)
            ).first()
            other = session.scalars(select(Site).where(Site.id != site)).first()
            assert other is not None, "two portals are needed: one posts, the other cites"
            code = document.code_normalized
            document_id = document.id
        first = datetime.now(UTC) - timedelta(hours=2)
        for n, body in enumerate((HOSTILE_BODY.replace("Đoạn cuối", "Đoạn đầu"),
                                  HOSTILE_BODY)):
            record = hostile_article(other.id, other.base_url or "http://127.0.0.1/", code,
                                     body, first + timedelta(hours=n))
            with sessions.begin() as session:
                outcomes = write_batch(session, [("article", record)])
                assert all(o.error is None for o in outcomes), outcomes
        with sessions() as session:
            article_id = session.scalars(select(Article.id).where(
                Article.canonical_url == record["canonical_url"])).one()
        return article_id, document_id, code, record["canonical_url"]
    finally:
        engine.dispose()


@contextmanager
def built(workdir: Path, url: str) -> Iterator[WebDb]:
    """Serve two small portals, crawl them into ``url``, add the hostile article."""
    server, registry = serve_portals(workdir, articles=24, documents=10, seed=14)
    try:
        portals = CrawledPortals(url, server, registry, workdir).crawl()
        assert portals.returncode == 0, portals.stderr[-2000:]
        article_id, document_id, code, hostile_url = add_hostile_article(url)
        yield WebDb(portals, workdir / "data" / "files", article_id, document_id, code,
                    hostile_url)
    finally:
        server.stop()


class WebDbs:
    """Crawled databases by backend, built on first use and kept for the session."""

    def __init__(self, request: pytest.FixtureRequest, factory: pytest.TempPathFactory,
                 stack: ExitStack) -> None:
        self.request, self.factory, self.stack = request, factory, stack
        self.built: dict[str, WebDb] = {}

    def get(self, backend: str) -> WebDb:
        if backend not in self.built:
            workdir = self.factory.mktemp(f"web-{backend}")
            if backend == "sqlite":
                url = f"sqlite:///{workdir / 'congdoan.sqlite3'}"
            else:
                url = self.request.getfixturevalue("pg_schemas").new_url()
            self.built[backend] = self.stack.enter_context(built(workdir, url))
        return self.built[backend]


@pytest.fixture(scope="session")
def web_dbs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[WebDbs]:
    with ExitStack() as stack:
        yield WebDbs(request, tmp_path_factory, stack)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def web_db(request: pytest.FixtureRequest, web_dbs: WebDbs) -> WebDb:
    """The crawled database on SQLite and on PostgreSQL."""
    return web_dbs.get(request.param)


@pytest.fixture(scope="session")
def sqlite_web_db(web_dbs: WebDbs) -> WebDb:
    """The SQLite database of ``web_db`` (for the browser and fuzzing tests)."""
    return web_dbs.get("sqlite")
