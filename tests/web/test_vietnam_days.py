"""Every date the web interface shows or filters by is Vietnam's day.

Articles published between 00:00 and 06:59 in Hà Nội carry the previous day in
UTC: 10/04/2026 00:43 is stored as 09/04 17:43 UTC. The pages, the API's
``from``/``to`` filters and its dates, the Atom feed and the downloads' ``since``
must all say 10/04. Real SQLite, the real store code, the real ASGI application.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.store import write_batch
from congdoan.web.app import create_app
from congdoan.web.atom import Entry, build_feed
from tests.storage.conftest import article_record

# Vietnam time -> the day a reader expects; 06:59 is the last minute still "yesterday" in UTC.
NIGHT = [("2026-04-10T00:00:00+07:00", "boundary-0000"), ("2026-04-10T00:43:00+07:00", "n-0043"),
         ("2026-04-10T06:59:00+07:00", "boundary-0659")]
DAYTIME = ("2026-04-09T23:59:00+07:00", "late-0959")  # the evening before: 09/04


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    path: Path = tmp_path_factory.mktemp("vndays") / "congdoan.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    records = []
    for n, (moment, slug) in enumerate([*NIGHT, DAYTIME]):
        url = f"https://ldld.dienbien.gov.vn/vi/news/hoat-dong/{slug}-{n}.html"
        records.append(("article", article_record(
            # Fetched when published: first seen in the night, too.
            url=url, canonical_url=url, source_id=100 + n, published_at=moment, fetched_at=moment,
            title=f"Bài {slug} công đoàn", references=[], attachments=[], images=[])))
    try:
        with session_factory(engine).begin() as session:
            assert all(o.error is None for o in write_batch(session, records))
    finally:
        engine.dispose()
    return TestClient(create_app(f"sqlite:///{path}"))


def test_api_from_to_is_the_vietnam_day(client: TestClient) -> None:
    found = client.get("/api/search", params={"from": "2026-04-10", "to": "2026-04-10"}).json()
    assert sorted(h["title"] for h in found["hits"]) == sorted(
        f"Bài {slug} công đoàn" for _, slug in NIGHT)
    before = client.get("/api/search", params={"to": "2026-04-09"}).json()
    assert [h["title"] for h in before["hits"]] == [f"Bài {DAYTIME[1]} công đoàn"]


def test_api_dates_are_vietnam_days(client: TestClient) -> None:
    hits = client.get("/api/search", params={"sort": "date"}).json()["hits"]
    days = {h["title"]: h["when"][:10] for h in hits}
    assert days == {**{f"Bài {s} công đoàn": "2026-04-10" for _, s in NIGHT},
                    f"Bài {DAYTIME[1]} công đoàn": "2026-04-09"}


def test_search_page_lists_the_vietnam_day(client: TestClient) -> None:
    page = client.get("/", params={"sort": "date"}).text
    shown = re.findall(r'class="meta">(\d\d/\d\d/\d{4})', page)
    assert sorted(shown) == ["09/04/2026", "10/04/2026", "10/04/2026", "10/04/2026"], shown


def test_article_page_shows_the_vietnam_day_and_time(client: TestClient) -> None:
    hit = client.get("/api/search", params={"q": "n-0043"}).json()["hits"][0]
    page = client.get(f"/articles/{hit['id']}").text
    assert "10/04/2026 00:43 (giờ Việt Nam)" in page


def test_feed_dates_are_vietnam_days() -> None:
    from datetime import UTC, datetime

    entry = Entry("document", 1, "Quyết định", None, "http://127.0.0.1/a", "http://127.0.0.1/r",
                  "dienbien", datetime(2026, 4, 9, 17, 43, tzinfo=UTC), date(2026, 4, 10))
    feed = build_feed("t", "tag:x", "http://127.0.0.1/f", "http://127.0.0.1/", [entry]).decode()
    # The day starts at 00:00 in Hà Nội, with its offset; the instant stays an instant.
    assert "<published>2026-04-10T00:00:00+07:00</published>" in feed
    assert "<updated>2026-04-09T17:43:00Z</updated>" in feed


def test_feed_of_a_day_lists_its_night_articles(client: TestClient) -> None:
    feed = client.get("/feed.atom", params={"from": "2026-04-10", "to": "2026-04-10"}).text
    published = re.findall(r"<published>([^<]+)</published>", feed)
    assert published == ["2026-04-10T00:00:00+07:00"] * 3 or sorted(published) == sorted(
        ["2026-04-10T00:00:00+07:00", "2026-04-10T00:43:00+07:00", "2026-04-10T06:59:00+07:00"])


def test_download_since_a_day_starts_at_midnight_in_vietnam(client: TestClient) -> None:
    # ``since`` is the day congdoan first stored an item (here: when it was fetched).
    lines = client.get("/export.jsonl", params={"since": "2026-04-10"}).text.splitlines()
    assert sorted(json.loads(line)["title"] for line in lines) == sorted(
        f"Bài {slug} công đoàn" for _, slug in NIGHT)
