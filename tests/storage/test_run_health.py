"""Spider health stored with the run (migration 0002), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from congdoan.runtime.health import KindHealth, RunHealth
from congdoan.storage.db import make_engine, session_factory, upgrade
from congdoan.storage.health import recent_health, site_health
from congdoan.storage.models import CrawlRun
from congdoan.storage.runs import finish_run, start_run


def _health(items: int, author: int) -> RunHealth:
    return RunHealth({"article": KindHealth(items, {"author": author}, items + 5, 0)})


def test_health_and_verdict_are_kept_with_the_run(session: Session) -> None:
    run_id = start_run(session, "dienbien")
    finish_run(session, run_id, "ok", {"new": 30}, health=_health(30, 0).to_json(),
               verdict="degraded", reasons=["article author: filled in 0 % of 30 items"])
    session.commit()
    session.expire_all()

    run = session.get(CrawlRun, run_id)
    assert run is not None
    assert (run.verdict, run.health_reasons) == (
        "degraded", ["article author: filled in 0 % of 30 items"])
    assert RunHealth.from_json(run.health) == _health(30, 0)


def test_an_unknown_verdict_is_refused(session: Session) -> None:
    run_id = start_run(session, "dienbien")
    with pytest.raises(ValueError, match="not a run verdict"):
        finish_run(session, run_id, "ok", verdict="fine")
    run = session.get(CrawlRun, run_id)
    run.status, run.verdict = "ok", "fine"  # the database refuses it too
    with pytest.raises(IntegrityError):
        session.flush()


def test_history_is_the_site_s_finished_runs_newest_first(session: Session) -> None:
    ids = []
    for items, status in ((10, "ok"), (20, "interrupted"), (30, "partial"), (40, "ok")):
        run_id = start_run(session, "dienbien")
        finish_run(session, run_id, status, health=_health(items, items).to_json(),
                   verdict=None if status == "interrupted" else "healthy")
        ids.append(run_id)
    other = start_run(session, "laichau")
    finish_run(session, other, "ok", health=_health(99, 0).to_json(), verdict="degraded")
    session.commit()

    before_last = recent_health(session, "dienbien", before_run=ids[-1])
    assert [h.kind("article").items for h in before_last] == [30, 10]  # no interrupted run
    assert [h.kind("article").items for h in recent_health(session, "dienbien", limit=1)] == [40]

    overview = site_health(session)
    assert [s.site for s in overview] == ["laichau", "dienbien"]  # degraded first
    assert [r.run_id for r in overview[1].runs] == [ids[3], ids[2], ids[0]]


def test_0002_upgrades_a_database_with_runs_and_keeps_them(empty_url: str) -> None:
    upgrade(empty_url, "0001")
    engine = create_engine(empty_url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO crawl_runs (site, started_at, status, new, changed, unchanged, "
            "dropped, failed) VALUES ('dienbien', '2026-01-01 00:00:00+00', 'ok', 5, 0, 0, 0, 0)"))
    engine.dispose()

    upgrade(empty_url)

    engine = make_engine(empty_url)
    try:
        with session_factory(engine)() as session:
            run = session.query(CrawlRun).one()
            assert (run.site, run.new, run.health, run.verdict) == ("dienbien", 5, None, None)
            assert recent_health(session, "dienbien") == []  # unjudged runs are no baseline
    finally:
        engine.dispose()
