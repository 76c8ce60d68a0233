"""``congdoan reparse`` keeps every article's story, and gives one to articles stored before
stories existed (migration 0010): crawled portals, real archived pages, real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.models import Article, Story, StoryBucket, StoryMember
from tests.conftest import CrawledPortals
from tests.crawling import FAST, run_congdoan

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


def _members(url: str) -> dict[int, int]:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            rows = session.execute(select(StoryMember.article_id, StoryMember.story_id))
            return {article_id: story_id for article_id, story_id in rows}
    finally:
        engine.dispose()


def test_reparse_keeps_stories_and_fills_missing_ones(crawled: CrawledPortals, tmp_path: Path,
                                                      request: pytest.FixtureRequest) -> None:
    if crawled.db_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'own.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_schemas").new_url()
    result = run_congdoan("crawl", "--all", "--registry", str(crawled.registry), "--db", url,
                          *FAST, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    before = _members(url)
    engine = make_engine(url)
    with session_factory(engine).begin() as session:
        assert len(before) == session.scalar(select(func.count()).select_from(Article))
        # As if stored before 0010: half of the articles lose their story.
        lost = sorted(before)[::2]
        session.execute(delete(StoryBucket).where(StoryBucket.article_id.in_(lost)))
        session.execute(delete(StoryMember).where(StoryMember.article_id.in_(lost)))
        session.execute(delete(Story).where(~Story.id.in_(select(StoryMember.story_id))))
    engine.dispose()

    result = run_congdoan("reparse", "--db", url, "--registry", str(crawled.registry),
                          cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    after = _members(url)
    assert set(after) == set(before)
    kept = [a for a in before if a not in lost]
    # Untouched articles keep their story; the refilled ones group as before.
    assert all(after[a] == before[a] for a in kept)
    groups_before = {frozenset(a for a in before if before[a] == s) for s in before.values()}
    groups_after = {frozenset(a for a in after if after[a] == s) for s in after.values()}
    assert groups_after == groups_before
