"""A parameter the application cannot read: a page in Vietnamese for a person's browser
(400, naming the parameter and what it needs), FastAPI's JSON for the API. A query with
no word in it is said to be one, not answered with every item."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.store import write_batch
from congdoan.web.app import create_app
from tests.storage.conftest import article_record


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    path: Path = tmp_path_factory.mktemp("bad") / "congdoan.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    with session_factory(engine).begin() as session:
        assert all(o.error is None for o in write_batch(session, [("article", article_record())]))
    engine.dispose()
    return TestClient(create_app(f"sqlite:///{path}"))


@pytest.mark.parametrize(("path", "named"), [
    ("/?page=abc", "«page» = «abc»: cần một số nguyên"),
    ("/?from=garbage", "«from» = «garbage»: cần một ngày dạng năm-tháng-ngày"),
    ("/?q=x&to=2026-13-01", "«to» = «2026-13-01»: cần một ngày"),
    ("/feed.atom?since=hôm-qua", "«since» = «hôm-qua»: cần một ngày"),
])
def test_the_browser_gets_a_page_naming_the_parameter(client: TestClient, path: str,
                                                      named: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "Yêu cầu không hợp lệ (400)" in response.text and named in response.text
    assert '"detail"' not in response.text


def test_the_api_keeps_json_errors(client: TestClient) -> None:
    response = client.get("/api/search", params={"page": "abc"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "page"]


@pytest.mark.parametrize("path", ["/", "/api/search", "/feed.atom"])
def test_a_query_without_words_is_not_every_item(client: TestClient, path: str) -> None:
    response = client.get(path, params={"q": '(("'})
    assert response.status_code == 400
    assert "không có chữ hay số nào để tìm" in response.text
    # Its words are read as words: brackets and quotes around them change nothing.
    words = client.get("/api/search", params={"q": '(("công đoàn'}).json()
    assert words["total"] == client.get("/api/search", params={"q": "công đoàn"}).json()["total"]
