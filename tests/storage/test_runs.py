"""Crawl runs and the failure ledger."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from congdoan.storage.models import CrawlRun, Failure
from congdoan.storage.runs import (
    finish_run,
    mark_stale_runs_aborted,
    open_failures,
    record_failure,
    resolve_failures,
    start_run,
)

URL = "https://ldld.dienbien.gov.vn/vi/news/x-1.html"


def test_a_run_starts_running_and_finishes_with_counts(session: Session) -> None:
    run_id = start_run(session, "dienbien")
    session.commit()
    run = session.get(CrawlRun, run_id)
    assert run is not None
    assert (run.status, run.finished_at, run.new) == ("running", None, 0)

    counts = {"new": 3, "changed": 1, "unchanged": 10, "dropped": 2, "failed": 1}
    finish_run(session, run_id, "partial", counts, {"pages": 17})
    session.commit()
    session.expire_all()
    run = session.get(CrawlRun, run_id)
    assert run is not None
    assert run.status == "partial"
    assert run.finished_at is not None and run.finished_at >= run.started_at
    assert (run.new, run.changed, run.unchanged, run.dropped, run.failed) == (3, 1, 10, 2, 1)
    assert run.stats == {"pages": 17}


def test_finish_rejects_unknown_statuses_and_counts(session: Session) -> None:
    run_id = start_run(session, "dienbien")
    with pytest.raises(ValueError):
        finish_run(session, run_id, "great")
    with pytest.raises(ValueError):
        finish_run(session, run_id, "running")
    with pytest.raises(ValueError):
        finish_run(session, run_id, "ok", {"skipped": 1})
    with pytest.raises(KeyError):
        finish_run(session, run_id + 1000, "ok")


def test_runs_left_running_are_marked_aborted(session: Session) -> None:
    stale = start_run(session, "dienbien")
    other = start_run(session, "lamdong")
    done = start_run(session, "dienbien")
    finish_run(session, done, "ok")
    session.commit()

    assert mark_stale_runs_aborted(session, site="dienbien") == 1
    assert mark_stale_runs_aborted(session) == 1
    session.commit()
    statuses = {run.id: run.status for run in session.scalars(select(CrawlRun))}
    assert statuses == {stale: "aborted", other: "aborted", done: "ok"}
    assert mark_stale_runs_aborted(session) == 0


def test_failures_count_up_resolve_and_reopen(session: Session) -> None:
    record_failure(session, "dienbien", URL, "HTTP 500")
    record_failure(session, "dienbien", URL, "timeout")
    session.commit()
    failure = session.scalars(select(Failure)).one()
    assert (failure.count, failure.reason, failure.resolved_at) == (2, "timeout", None)
    assert failure.last_seen >= failure.first_seen
    assert [f.url for f in open_failures(session, "dienbien")] == [URL]

    assert resolve_failures(session, "dienbien", [URL]) == 1
    assert resolve_failures(session, "dienbien", [URL]) == 0  # nothing open any more
    assert resolve_failures(session, "lamdong", [URL]) == 0
    session.commit()
    assert open_failures(session) == []

    record_failure(session, "dienbien", URL, "HTTP 404")
    session.commit()
    failure = session.scalars(select(Failure)).one()
    assert (failure.count, failure.resolved_at, failure.reason) == (3, None, "HTTP 404")


def test_resolving_many_urls_touches_only_the_sites_open_failures(session: Session) -> None:
    other = URL + "?page=2"
    record_failure(session, "dienbien", URL, "HTTP 500")
    record_failure(session, "dienbien", other, "timeout")
    record_failure(session, "lamdong", URL, "HTTP 500")
    session.commit()
    stored = [URL] + [f"{URL}?n={n}" for n in range(500)]  # a crawl's stored pages
    assert resolve_failures(session, "dienbien", stored) == 1
    assert resolve_failures(session, "dienbien", stored) == 0  # nothing open any more
    assert resolve_failures(session, "dienbien", []) == 0
    session.commit()
    still_open = {(f.site, f.url) for f in open_failures(session)}
    assert still_open == {("dienbien", other), ("lamdong", URL)}


def test_a_refused_crawl_is_recorded_as_locked_and_is_no_crawl_for_last_run(
        session: Session) -> None:
    from datetime import UTC, datetime, timedelta

    from congdoan.exports.marks import last_run_starts
    from congdoan.storage.history import recent_runs, record_unstarted

    crawl_id = start_run(session, "dienbien")
    session.commit()
    crawl_start = session.get(CrawlRun, crawl_id).started_at
    # Another scheduler's crawl of the site, a minute later, met the site lock.
    refused_at = datetime.now(UTC) + timedelta(minutes=1)
    refused_id = record_unstarted(session, "dienbien", refused_at, "locked",
                                  "refused by the site lock: being crawled by pid 7 on a")
    session.commit()  # the database's status check accepts it (migration 0006)

    latest = recent_runs(session, "dienbien")[0]
    assert (latest.id, latest.status, latest.new, latest.verdict) == (refused_id, "locked", 0,
                                                                      None)
    assert latest.stats == {"note": "refused by the site lock: being crawled by pid 7 on a"}
    # ``export --since last-run`` starts at the crawl that ran, not at the refusal.
    assert last_run_starts(session)["dienbien"] == crawl_start.replace(
        microsecond=0, tzinfo=crawl_start.tzinfo or UTC)
