"""The scheduler: jobs from the registry, persisted; crawls in children with lock and timeout."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from congdoan.registry import load_registry
from congdoan.runtime.locks import SiteLock
from congdoan.scheduler import (
    WINDOW_START_HOUR,
    CrawlRunner,
    CrawlScheduler,
    ScheduleConfig,
    ScheduleError,
    nightly_slot,
    parse_cron,
)
from congdoan.sim import SimServer
from congdoan.sim.site import Request, Response
from congdoan.storage.db import make_engine
from congdoan.storage.models import Article, CrawlRun
from tests.conftest import serve_portals
from tests.crawling import FAST, run_congdoan

CRAWL_ARGS = (*FAST, "-s", "LOG_LEVEL=INFO")


def test_nightly_slots_are_stable_spread_and_inside_the_window() -> None:
    slots = {site: nightly_slot(site) for site in ("dienbien", "laichau", "quangtri", "sim1")}
    assert slots == {site: nightly_slot(site) for site in slots}  # deterministic
    assert len(set(slots.values())) == len(slots)
    for hour, minute in slots.values():
        assert WINDOW_START_HOUR * 60 <= hour * 60 + minute < 5 * 60 - 10  # + jitter < 05:00


def test_cron_expressions_with_and_without_seconds() -> None:
    assert "second='*/5'" in str(parse_cron("*/5 * * * * *", "Asia/Ho_Chi_Minh"))
    assert "hour='2'" in str(parse_cron("30 2 * * *", "Asia/Ho_Chi_Minh"))
    with pytest.raises(ScheduleError):
        parse_cron("every night", "Asia/Ho_Chi_Minh")


@pytest.fixture
def portals(tmp_path: Path) -> Iterator[tuple[SimServer, Path, ScheduleConfig]]:
    server, registry = serve_portals(tmp_path, sites=2, articles=20, documents=6)
    config = ScheduleConfig(db_url=f"sqlite:///{tmp_path / 'congdoan.sqlite3'}",
                            data_dir=tmp_path / "data", registry=str(registry),
                            crawl_args=CRAWL_ARGS, kill_grace=20)
    yield server, registry, config
    server.stop()


def test_jobs_come_from_the_registry_and_survive_a_restart(
    portals: tuple[SimServer, Path, ScheduleConfig],
) -> None:
    _, registry, config = portals
    sites = load_registry(registry).sites
    first = CrawlScheduler(config, sites)
    first.open(paused=True)
    report = first.sync()
    planned = {p.site: p.next_run for p in first.planned()}
    first.close()
    assert sorted(report.added) == ["sim1", "sim2"]

    again = CrawlScheduler(config, sites)
    again.open(paused=True)
    report = again.sync()
    assert sorted(report.kept) == ["sim1", "sim2"] and not report.added
    assert {p.site: p.next_run for p in again.planned()} == planned  # stored, not recomputed
    assert all(p.stored for p in again.planned())
    again.close()

    # sim2 leaves the registry, sim1 gets another schedule
    changed = CrawlScheduler(replace(config, cron="0 3 * * *"), sites[:1])
    changed.open(paused=True)
    report = changed.sync()
    assert report.removed == ["sim2"] and report.changed == ["sim1"]
    changed.close()


def _runs(config: ScheduleConfig) -> list[tuple[str, str, int]]:
    engine = make_engine(config.db_url)
    with engine.connect() as conn:
        rows = conn.execute(select(CrawlRun.site, CrawlRun.status, CrawlRun.new)
                            .order_by(CrawlRun.id)).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def _articles(config: ScheduleConfig) -> int:
    engine = make_engine(config.db_url)
    with engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(Article))
    engine.dispose()
    return int(count or 0)


@pytest.mark.crawl
def test_run_now_crawls_in_a_child_and_stores_items(
    portals: tuple[SimServer, Path, ScheduleConfig], tmp_path: Path,
) -> None:
    _, registry, config = portals
    result = run_congdoan("schedule", "run-now", "sim1", "--registry", str(registry), "--db",
                          config.db_url, *_sets(), cwd=tmp_path,
                          env={"CONGDOAN_DATA_DIR": str(config.data_dir)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sim1: ok" in result.stdout
    assert _runs(config) == [("sim1", "ok", 26)]
    history = run_congdoan("schedule", "history", "--db", config.db_url, "--json", cwd=tmp_path)
    assert '"status": "ok"' in history.stdout and '"new": 26' in history.stdout


def _sets() -> list[str]:
    """FAST as ``--set`` options of the schedule commands."""
    return [arg for arg in FAST if arg != "-s"] and [
        part for pair in zip(FAST[::2], FAST[1::2], strict=True)
        for part in ("--set", pair[1])]


@pytest.mark.crawl
def test_a_scheduled_crawl_is_refused_while_another_holds_the_site(
    portals: tuple[SimServer, Path, ScheduleConfig],
) -> None:
    server, _, config = portals
    with SiteLock(config.data_dir, "sim1"):
        outcome = CrawlRunner(config).run("sim1")
    assert outcome.status == "locked" and outcome.returncode == 4
    # Nothing fetched, nothing stored; the refusal is in the history, naming the holder.
    assert server.requests("sim1") == [] and _runs(config) == [("sim1", "locked", 0)]
    engine = make_engine(config.db_url)
    with engine.connect() as conn:
        run_id, stats = conn.execute(select(CrawlRun.id, CrawlRun.stats)).one()
    engine.dispose()
    assert outcome.run_id == run_id
    assert f"being crawled by pid {os.getpid()}" in stats["note"]


def _slow(seconds: float):
    def hook(request: Request, response: Response) -> Response | None:
        if ".html" in request.path or "detail" in request.path:
            time.sleep(seconds)
        return None
    return hook


@pytest.mark.crawl
def test_a_crawl_over_its_timeout_is_stopped_and_recorded_as_timeout(
    portals: tuple[SimServer, Path, ScheduleConfig],
) -> None:
    server, _, config = portals
    server.portal("sim1").hooks.append(_slow(10.0))
    # 15 s: the child must start and open its run before the timeout (start-up alone took
    # 4 s on a loaded 2-CPU machine); with every page taking 10 s it still cannot finish.
    # A grace of 5 s: the stopping crawl finishes its page in flight (10 s) only after it.
    config = replace(config, job_timeout=15, kill_grace=5,
                     crawl_args=(*CRAWL_ARGS, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"))
    outcome = CrawlRunner(config).run("sim1")
    assert outcome.status == "timeout"
    runs = _runs(config)
    assert [(site, status) for site, status, _ in runs] == [("sim1", "timeout")]
    assert runs[0][2] == _articles(config) + _postings(config)  # what was stored is counted
    assert _articles(config) < 20  # it really was cut short


def _postings(config: ScheduleConfig) -> int:
    from congdoan.storage.models import DocumentPosting

    engine = make_engine(config.db_url)
    with engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(DocumentPosting))
    engine.dispose()
    return int(count or 0)


@pytest.mark.crawl
def test_sigterm_during_a_crawl_leaves_a_consistent_database(
    portals: tuple[SimServer, Path, ScheduleConfig], tmp_path: Path,
) -> None:
    server, registry, config = portals
    server.portal("sim1").hooks.append(_slow(0.4))
    child = subprocess.Popen(
        [sys.executable, "-m", "congdoan", "crawl", "sim1", "--registry", str(registry),
         "--db", config.db_url, *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _wait_for(lambda: sum(".html" in r.path for r in server.requests("sim1")) >= 2, 60)
    child.send_signal(signal.SIGTERM)
    _, stderr = child.communicate(timeout=60)
    runs = _runs(config)
    assert [(s, status) for s, status, _ in runs] == [("sim1", "interrupted")], stderr[-2000:]
    stored = _articles(config) + _postings(config)
    assert 0 < stored == runs[0][2]  # the open batch was written, and counted
    # the next crawl resumes and completes without duplicates
    again = run_congdoan("crawl", "sim1", "--registry", str(registry), "--db", config.db_url,
                         *FAST, cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-2000:]
    assert _articles(config) == len(server.truth("sim1")["articles"])


def _wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


@pytest.mark.crawl
def test_schedule_run_keeps_two_portals_fresh_and_stops_cleanly(
    portals: tuple[SimServer, Path, ScheduleConfig], tmp_path: Path,
) -> None:
    server, registry, config = portals
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "congdoan", "schedule", "run", "--registry", str(registry),
         "--db", config.db_url, "--cron", "*/2 * * * * *", "--jitter", "0", "--timeout", "120",
         *_sets()],
        cwd=tmp_path, env={**_env(), "CONGDOAN_DATA_DIR": str(config.data_dir)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        def both_fresh() -> bool:
            runs = _runs(config)
            done = {site for site, status, _ in runs if status == "ok"}
            return done == {"sim1", "sim2"} and len(runs) >= 3

        _wait_for(both_fresh, 120)
        server.portal("sim1").add_articles(2)
        _wait_for(lambda: _articles(config) == 42, 60)  # the new articles arrive by themselves
    finally:
        scheduler.send_signal(signal.SIGTERM)
        output, _ = scheduler.communicate(timeout=90)
    assert scheduler.returncode == 0, output[-3000:]
    assert "scheduler stopped" in output
    runs = _runs(config)
    assert {status for _, status, _ in runs} <= {"ok", "interrupted"}
    assert "running" not in {status for _, status, _ in runs}
    history = run_congdoan("schedule", "history", "sim1", "--db", config.db_url, cwd=tmp_path)
    assert history.returncode == 0 and "ok" in history.stdout


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


STOPPED_WHILE_OPENING = '''#!{python}
# Stands in for `python -m congdoan crawl SITE`: opens its run record the way the
# store pipeline does, then, like Scrapy stopped before its spider finished
# opening, exits 0 on SIGTERM without closing the record.
import signal, sys, time
from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.runs import start_run
engine = make_engine({db_url!r})
with session_factory(engine)() as session, session.begin():
    start_run(session, "sim1")
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print("opened", flush=True)
time.sleep(60)
'''


@pytest.mark.crawl
def test_a_crawl_stopped_by_the_scheduler_never_stays_running(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"
    fake = tmp_path / "fake-python"
    fake.write_text(STOPPED_WHILE_OPENING.format(python=sys.executable, db_url=db_url),
                    encoding="utf-8")
    fake.chmod(0o755)
    config = ScheduleConfig(db_url=db_url, data_dir=tmp_path / "data", python=str(fake),
                            kill_grace=30)
    runner = CrawlRunner(config)
    outcome: list = []
    worker = threading.Thread(target=lambda: outcome.append(runner.run("sim1")))
    worker.start()
    _wait_for(lambda: len(_runs(config)) == 1, 30)  # the child opened its run record
    runner.stop_all()
    worker.join(60)
    assert outcome and outcome[0].status == "interrupted"
    assert outcome[0].returncode == 0  # a clean exit, yet its run was left open
    assert [status for _, status, _ in _runs(config)] == ["interrupted"]


@pytest.mark.crawl  # the scheduler in a child process
def test_schedule_run_prints_its_own_lines_not_the_migrations(tmp_path: Path) -> None:
    """A fresh database is migrated at start: that is no news for the person watching."""
    registry = tmp_path / "sites.toml"
    registry.write_text(
        '[[site]]\nid = "x1"\nprovince = "Tỉnh"\nname = "X"\nbase_url = "http://127.0.0.1:9"\n'
        'cms = "nukeviet"\ncms_confirmed = true\nurl_style = "rewrite"\nlang_prefix = false\n'
        'news_module = ""\nnews_sections = ["tin-tuc"]\nlaws_module = "laws"\n',
        encoding="utf-8")
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "congdoan", "schedule", "run", "--registry", str(registry),
         "--db", str(tmp_path / "fresh.sqlite3")],
        cwd=tmp_path, env={**_env(), "CONGDOAN_DATA_DIR": str(tmp_path / "data")},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert scheduler.stdout is not None
        first = scheduler.stdout.readline()  # printed once the database is ready
        assert first.startswith("scheduler running"), first
    finally:
        scheduler.send_signal(signal.SIGTERM)
        _, errors = scheduler.communicate(timeout=60)
    assert scheduler.returncode == 0, errors
    assert "alembic" not in errors and "Running upgrade" not in errors, errors
    assert "INFO stopping: 0 crawls running" in errors  # congdoan's own lines still show
