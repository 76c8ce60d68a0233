"""The scheduler takes a finished crawl's status from the run its ledger recorded, not from
the child's exit code (which only says as much as a number can)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from congdoan.scheduler import CrawlRunner, ScheduleConfig
from congdoan.storage.repository import upsert_site
from congdoan.storage.runs import finish_run, start_run

from .conftest import utc


@pytest.mark.parametrize(("status", "verdict", "seen"), [
    ("partial", None, "partial"), ("ok", "degraded", "degraded"), ("failed", "degraded", "failed"),
    ("interrupted", None, "interrupted")])
def test_the_scheduler_reads_the_status_the_ledger_recorded(
        db_url: str, sessions: sessionmaker[Session], tmp_path, status: str,
        verdict: str | None, seen: str) -> None:
    started = utc(2026, 12, 6, 1, 0)
    with sessions() as session, session.begin():
        upsert_site(session, "sim1", "LĐLĐ Sim", "http://127.0.0.1:1")
        run_id = start_run(session, "sim1")
        finish_run(session, run_id, status, {"new": 3, "failed": 1}, verdict=verdict,
                   reasons=["title filled 10 % (90 % in recent runs)"] if verdict else None)
    runner = CrawlRunner(ScheduleConfig(db_url=db_url, data_dir=tmp_path))
    assert runner._recorded("sim1", started - timedelta(days=3650)) == (run_id, seen)
    assert runner._recorded("sim2", started) is None  # no record: the exit code decides
