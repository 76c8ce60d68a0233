"""``congdoan schedule``: keep every portal fresh (run, list, next, run-now, history)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from congdoan import paths
from congdoan.commands.common import (
    EXIT_DEGRADED,
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_PARTIAL,
    DbOpt,
    RegistryOpt,
    app,
    console,
    db_url,
    die,
    parse_sets,
)
from congdoan.registry import Registry, RegistryError, load_registry
from congdoan.vntime import VN_TZ_NAME, shown_time

schedule_app = typer.Typer(
    name="schedule",
    help="Crawl every enabled portal on a schedule (nightly by default) and show the history.",
    no_args_is_help=True,
)
app.add_typer(schedule_app, name="schedule")

TimezoneOpt = Annotated[str, typer.Option("--timezone", "--tz",
                        help="Time zone of the schedule and of the times shown.")]
CronOpt = Annotated[str | None, typer.Option(
    "--cron", help="One cron expression for every site instead of the nightly slots: 5 fields "
    "(minute hour day month weekday) or 6 with seconds first.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON for machines instead of a table.")]


def _config(registry: Path | None, db: str | None, timezone: str, cron: str | None,
            **extra: Any) -> Any:
    from congdoan.scheduler import ScheduleConfig
    from congdoan.storage.db import database_url

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        die(f"unknown time zone {timezone!r} (e.g. Asia/Ho_Chi_Minh)")
    if cron:
        from congdoan.scheduler import ScheduleError, parse_cron

        try:
            parse_cron(cron, timezone)
        except ScheduleError as exc:
            die(str(exc))
    data_dir = paths.data_dir()
    return ScheduleConfig(db_url=database_url(db_url(db), data_dir), data_dir=data_dir,
                          registry=str(registry) if registry else None, timezone=timezone,
                          cron=cron, **extra)


def _registry(registry: Path | None) -> Registry:
    try:
        return load_registry(registry)
    except RegistryError as exc:
        die(str(exc))


def _scheduler(config: Any, reg: Registry, *, open_store: bool = True) -> Any:
    from congdoan.scheduler import CrawlScheduler, ScheduleError

    try:
        scheduler = CrawlScheduler(config, reg.sites)
        if open_store:  # a job store not opened is never created on disk
            scheduler.open(paused=True)
        return scheduler
    except ScheduleError as exc:
        die(str(exc))


@schedule_app.command("run")
def run(
    registry: RegistryOpt = None,
    db: DbOpt = None,
    timezone: TimezoneOpt = VN_TZ_NAME,
    cron: CronOpt = None,
    timeout: Annotated[float, typer.Option(help="Stop a crawl after this many seconds "
                       "(recorded as timeout).", min=1)] = 4 * 3600,
    kill_grace: Annotated[float, typer.Option(help="Seconds between SIGTERM and SIGKILL for a "
                          "crawl being stopped.", min=0)] = 60,
    misfire_grace: Annotated[int, typer.Option(help="A run missed by at most this many "
                             "seconds (machine down) still happens.", min=1)] = 3600,
    jitter: Annotated[int, typer.Option(help="Up to this many seconds added at random to each "
                      "run.", min=0)] = 600,
    set_: Annotated[list[str] | None, typer.Option("--set", "-s",
                    help="Scrapy setting for every crawl, KEY=VALUE (repeatable).")] = None,
    parallel: Annotated[int | None, typer.Option(help="Crawls at once (default: 1 on SQLite, "
                        "which has a single writer; 4 on PostgreSQL).", min=1)] = None,
    queue: Annotated[bool, typer.Option("--queue", help="Put one crawl job per due site on "
                     "the Redis queue for `congdoan worker --crawls` (any machine) instead of "
                     "crawling here. Needs a shared PostgreSQL database.")] = False,
) -> None:
    """Run the scheduler until SIGTERM/Ctrl-C; each crawl runs in a child process.

    Jobs are stored in the database and re-synchronised with the registry at start.
    On SIGTERM running crawls are asked to stop, store their open batch and are
    recorded as interrupted. With --queue the crawls run on the workers instead
    (Redis: $CONGDOAN_REDIS_URL, default redis://127.0.0.1:6379/0); stopping the
    scheduler leaves them running.
    """
    config = _config(registry, db, timezone, cron, job_timeout=timeout, kill_grace=kill_grace,
                     misfire_grace_time=misfire_grace, jitter=jitter,
                     crawl_args=_crawl_args(set_), parallel=parallel)
    reg = _registry(registry)
    _log_to_stderr()
    runner = _queue_runner(config) if queue else None
    _run_scheduler(config, reg, runner, timezone)
    console.print("scheduler stopped", highlight=False)


def _crawl_args(sets: list[str] | None) -> tuple[str, ...]:
    """``--set`` pairs as the ``congdoan crawl`` arguments of every scheduled crawl."""
    args: list[str] = []
    for key, value in parse_sets(sets).items():
        args += ["-s", f"{key}={value}"]
    return tuple(args)


def _log_to_stderr() -> None:
    # congdoan's own messages at INFO; the libraries' only from WARNING: APScheduler
    # logs every job start and end, alembic every migration step (ours say more).
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("congdoan").setLevel(logging.INFO)


def _queue_runner(config: Any) -> Any:
    """``--queue``: the runner that puts crawls on Redis; dies without a shared database
    or a usable Redis."""
    from congdoan.runtime.locks import uses_database_lock

    if not uses_database_lock(config.db_url):
        die("--queue needs a PostgreSQL database shared by the workers "
            "(--db postgresql+psycopg://...), not " + config.db_url.split(":", 1)[0])
    from redis.exceptions import RedisError

    from congdoan.files.queue import check_redis, redis_url
    from congdoan.jobs.queue import QueueRunner

    try:
        check_redis()
    except RedisError as exc:
        die(f"Redis not usable at {redis_url()}: {exc}")
    return QueueRunner(config)


def _run_scheduler(config: Any, reg: Registry, runner: Any, timezone: str) -> None:
    """Run until SIGTERM/Ctrl-C, saying once started what runs when."""
    from congdoan.scheduler import CrawlScheduler, ScheduleError

    try:
        scheduler = CrawlScheduler(config, reg.sites, runner)

        def ready(report: Any) -> None:
            _print_started(scheduler, report, timezone, queued=runner is not None)

        scheduler.run_forever(on_ready=ready)
    except ScheduleError as exc:
        die(str(exc))


def _print_started(scheduler: Any, report: Any, timezone: str, *, queued: bool) -> None:
    """The sites scheduled, what the registry changed, and each site's next run."""
    where = "; crawls queued for the workers" if queued else ""
    console.print(f"scheduler running: {len(scheduler.sites)} sites{where} "
                  f"(added {len(report.added)}, changed {len(report.changed)}, "
                  f"removed {len(report.removed)}); stop with Ctrl-C or SIGTERM",
                  highlight=False)
    for plan in scheduler.planned():
        console.print(f"  {plan.site}: next {_local(plan.next_run, timezone)}",
                      highlight=False)


def _plans(registry: Path | None, db: str | None, timezone: str, cron: str | None) -> list:
    from congdoan.commands.database import missing_sqlite_file

    config = _config(registry, db, timezone, cron)
    # No database yet: plan from the registry alone, and create nothing on disk.
    scheduler = _scheduler(config, _registry(registry),
                           open_store=missing_sqlite_file(config.db_url) is None)
    try:
        return scheduler.planned()
    finally:
        scheduler.close(wait=False)


def _local(value: datetime | None, timezone: str) -> str:
    return shown_time(value, ZoneInfo(timezone))


def _print_plans(plans: list, timezone: str, as_json: bool, title: str) -> None:
    if as_json:
        console.print_json(json.dumps([
            {"site": p.site, "trigger": p.trigger, "stored": p.stored,
             "next_run": p.next_run.astimezone(ZoneInfo(timezone)).isoformat()
             if p.next_run else None} for p in plans]))
        return
    table = Table(title=title)
    for column in ("site", "next run", "schedule", "in job store"):
        table.add_column(column)
    for p in plans:
        table.add_row(p.site, _local(p.next_run, timezone), escape(p.trigger),
                      "yes" if p.stored else "no (schedule run adds it)")
    console.print(table)


@schedule_app.command("list")
def list_(
    registry: RegistryOpt = None,
    db: DbOpt = None,
    timezone: TimezoneOpt = VN_TZ_NAME,
    cron: CronOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Every scheduled site (registry order) with its schedule and next run in local time."""
    _print_plans(_plans(registry, db, timezone, cron), timezone, as_json, "Scheduled crawls")


@schedule_app.command("next")
def next_(
    registry: RegistryOpt = None,
    db: DbOpt = None,
    timezone: TimezoneOpt = VN_TZ_NAME,
    cron: CronOpt = None,
    limit: Annotated[int, typer.Option(help="Show this many.", min=1)] = 10,
    as_json: JsonOpt = False,
) -> None:
    """The next crawls to run, soonest first, in local time."""
    far = datetime.max.replace(tzinfo=UTC)
    plans = sorted(_plans(registry, db, timezone, cron), key=lambda p: p.next_run or far)
    _print_plans(plans[:limit], timezone, as_json, "Next crawls")


@schedule_app.command("run-now")
def run_now(
    site: Annotated[str, typer.Argument(help="Registry id of the portal to crawl now.")],
    registry: RegistryOpt = None,
    db: DbOpt = None,
    timeout: Annotated[float, typer.Option(help="Stop the crawl after this many seconds.",
                       min=1)] = 4 * 3600,
    set_: Annotated[list[str] | None, typer.Option("--set", "-s",
                    help="Scrapy setting override KEY=VALUE (repeatable).")] = None,
) -> None:
    """Crawl SITE now as the scheduler would: child process, lock, timeout, history."""
    from congdoan.scheduler import run_once

    reg = _registry(registry)
    try:
        reg.get(site)
    except KeyError as exc:
        die(exc.args[0])
    crawl_args: list[str] = []
    for key, value in parse_sets(set_).items():
        crawl_args += ["-s", f"{key}={value}"]
    config = _config(registry, db, VN_TZ_NAME, None, job_timeout=timeout,
                     crawl_args=tuple(crawl_args))
    outcome = run_once(config, site)
    console.print(f"{site}: {outcome.status} in {outcome.seconds:.1f} s "
                  f"(log: {paths.logs_dir(config.data_dir) / (site + '.log')})", highlight=False)
    if outcome.status == "ok":
        raise typer.Exit(EXIT_OK)
    if outcome.status == "locked":
        from congdoan.runtime.locks import holder_of

        holder = holder_of(config.data_dir, site, config.db_url)
        if holder is not None:
            console.print(f"{site} is being crawled by {holder.describe()}", highlight=False)
        raise typer.Exit(EXIT_LOCKED)
    if outcome.status == "degraded":
        raise typer.Exit(EXIT_DEGRADED)
    raise typer.Exit(EXIT_PARTIAL if outcome.status == "partial" else EXIT_FAILED)


@schedule_app.command("history")
def history(
    site: Annotated[str | None, typer.Argument(help="Only this site's runs.")] = None,
    db: DbOpt = None,
    limit: Annotated[int, typer.Option(help="Show this many runs.", min=1)] = 20,
    timezone: TimezoneOpt = VN_TZ_NAME,
    as_json: JsonOpt = False,
) -> None:
    """Crawl runs, newest first: status, spider-health verdict, duration and counts."""
    from congdoan.commands.database import missing_sqlite_file, no_database
    from congdoan.storage.db import database_url, make_engine, session_factory
    from congdoan.storage.history import recent_runs

    _config(None, db, timezone, None)  # validates the time zone
    url = database_url(db_url(db))
    missing = missing_sqlite_file(url)
    if missing:
        die(no_database(missing))
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            runs = recent_runs(session, site, limit)
    finally:
        engine.dispose()
    if as_json:
        console.print_json(json.dumps([{
            "id": r.id, "site": r.site, "status": r.status,
            "started_at": r.started_at.isoformat(),
            "finished_at": r.finished_at.isoformat() if r.finished_at else None,
            "seconds": r.seconds, "new": r.new, "changed": r.changed, "unchanged": r.unchanged,
            "dropped": r.dropped, "failed": r.failed, "stats": r.stats,
            "verdict": r.verdict, "health_reasons": list(r.health_reasons),
            "host": r.host, "worker": r.worker} for r in runs]))
        return
    console.print(_history_table(runs, timezone))


def _history_table(runs: list, timezone: str) -> Table:
    """The runs in two lines each, so that 80 columns hold them without cutting a word.

    site over where it ran, status over health, start over duration, the counts
    in words: each column's longest word is short, and a narrow terminal wraps
    cells between words instead of truncating them ("star…").
    """
    # No inner rules: four columns' worth of width for the cells.
    table = Table(title="Crawl runs", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("run", justify="right")
    table.add_column("site\nran on, by", overflow="fold")  # a host name is one long word
    table.add_column("status\nhealth")
    table.add_column("started\ntook")
    table.add_column("items")
    for r in runs:
        took = f"{r.seconds:.1f} s" if r.seconds is not None else "running"
        where = f"{r.host}, {r.worker}" if r.host else "-"
        items = (f"{r.new} new, {r.changed} changed,\n{r.unchanged} unchanged, "
                 f"{r.failed} failed")
        table.add_row(str(r.id), f"{r.site}\n{where}", f"{r.status}\n{r.verdict or '-'}",
                      f"{_local(r.started_at, timezone)}\n{took}", items)
    return table
