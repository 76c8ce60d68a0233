"""Keep every portal fresh: one APScheduler job per enabled registry site, each crawl a child.

``congdoan schedule run`` is a long-running process. Jobs live in the project's
database (APScheduler 3's ``SQLAlchemyJobStore``), so next run times survive a
restart, and are re-synchronised with the registry at every start (sites added,
changed or removed). Each job runs ``python -m congdoan crawl SITE`` in a child
process: Twisted's reactor cannot be restarted inside one process, and a child
can be timed out and killed without harming the scheduler.

Per job: ``max_instances=1`` and ``coalesce`` (a portal is never crawled twice
at once, missed runs collapse into one), ``misfire_grace_time`` (a run missed
while the machine was down still happens if it is not too late), and a timeout
after which the child gets SIGTERM, then SIGKILL after a grace period, and the
run is recorded as ``timeout``. The child takes the site's lock
(``congdoan.runtime.locks``: a file, or an advisory lock on PostgreSQL), so a manual
``congdoan crawl`` and a scheduled one never overlap. With ``schedule run
--queue`` the runner is ``congdoan.jobs.queue.QueueRunner``: due sites become jobs on
the Redis queue, crawled by ``congdoan worker --crawls`` on any machine.

Default timing: nightly between 01:00 and 05:00 Asia/Ho_Chi_Minh, each site at
its own minute (a hash of its id, so it is stable across restarts and machines)
plus up to ten minutes of random jitter, so the portals are not all hit at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from congdoan import paths
from congdoan.registry import CRAWLABLE_CMS, Site
from congdoan.runtime.exitcodes import (
    EXIT_DEGRADED,
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
)
from congdoan.runtime.lifeline import started_by, supervised_env
from congdoan.runtime.locks import holder_of
from congdoan.vntime import VN_TZ_NAME

logger = logging.getLogger(__name__)

DEFAULT_TIMEZONE = VN_TZ_NAME
WINDOW_START_HOUR = 1  # 01:00 local
WINDOW_MINUTES = 230  # slots up to 04:50, so slot + jitter stays before 05:00
DEFAULT_JITTER = 600  # seconds added at random to each run
JOB_PREFIX = "crawl:"
JOB_FUNC = "congdoan.scheduler:run_site_job"
JOBS_TABLE = "apscheduler_jobs"


class ScheduleError(ValueError):
    """A schedule setting that cannot be used (bad cron expression, time zone…)."""


@dataclass(frozen=True)
class ScheduleConfig:
    """Everything a scheduler and its crawl children need; values, so tests can shrink them."""

    db_url: str
    data_dir: Path
    registry: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    cron: str | None = None  # one expression for every site instead of the nightly slots
    jitter: int | None = DEFAULT_JITTER
    job_timeout: float = 4 * 3600.0
    kill_grace: float = 60.0
    misfire_grace_time: int = 3600
    crawl_args: tuple[str, ...] = ()  # extra `congdoan crawl` arguments (e.g. -s KEY=VALUE)
    parallel: int | None = None  # crawls at once; None: 1 on SQLite, 4 on a server database
    python: str = sys.executable
    role: str = "scheduler"  # what starts the crawls, in their run records ("worker" on a queue)


def parallel_crawls(config: ScheduleConfig) -> int:
    """How many crawls run at once.

    SQLite has one writer: two crawls committing batches into one file make
    each other fail with "database is locked", so on SQLite crawls queue up.
    """
    if config.parallel:
        return config.parallel
    return 1 if config.db_url.startswith("sqlite") else 4


# -- triggers ----------------------------------------------------------------------------


def nightly_slot(site_id: str) -> tuple[int, int]:
    """(hour, minute) of a site's nightly crawl: a stable hash of its id within the window."""
    digest = hashlib.sha256(site_id.encode()).digest()
    offset = int.from_bytes(digest[:4], "big") % WINDOW_MINUTES
    return WINDOW_START_HOUR + offset // 60, offset % 60


def parse_cron(expression: str, timezone: str, jitter: int | None = None) -> CronTrigger:
    """A trigger from crontab text: 5 fields (minute first) or 6 (second first).

    Day-of-week numbers follow APScheduler (0 = Monday), not cron (0 = Sunday):
    use names (``mon-fri``) to avoid the difference.
    """
    fields = expression.split()
    names = ("minute", "hour", "day", "month", "day_of_week")
    if len(fields) == 6:
        names = ("second", *names)
    elif len(fields) != 5:
        raise ScheduleError(f"a cron expression has 5 or 6 fields, got {expression!r}")
    try:
        return CronTrigger(**dict(zip(names, fields, strict=True)), timezone=timezone,
                           jitter=jitter)
    except (ValueError, LookupError) as exc:
        raise ScheduleError(f"bad cron expression {expression!r}: {exc}") from None


def site_trigger(site: Site, config: ScheduleConfig) -> CronTrigger:
    """When ``site`` is crawled: ``config.cron`` if given, else its nightly slot."""
    if config.cron:
        return parse_cron(config.cron, config.timezone, config.jitter if config.jitter else None)
    hour, minute = nightly_slot(site.id)
    try:
        return CronTrigger(hour=hour, minute=minute, timezone=config.timezone,
                           jitter=config.jitter or None)
    except (ValueError, LookupError) as exc:
        raise ScheduleError(f"bad time zone {config.timezone!r}: {exc}") from None


def describe_trigger(trigger: BaseTrigger) -> str:
    """A trigger for people: ``03:43 daily (Asia/Ho_Chi_Minh)``, else its cron fields and zone."""
    if not isinstance(trigger, CronTrigger):
        return str(trigger)
    fields = {f.name: str(f) for f in trigger.fields}
    zone = str(trigger.timezone)
    hour, minute, second = fields["hour"], fields["minute"], fields["second"]
    others_default = all(f.is_default for f in trigger.fields
                         if f.name not in ("hour", "minute", "second"))
    if others_default and hour.isdigit() and minute.isdigit() and second in ("0", "*"):
        return f"{int(hour):02d}:{int(minute):02d} daily ({zone})"
    cron = " ".join(fields[n] for n in ("minute", "hour", "day", "month", "day_of_week"))
    if second != "0":
        cron = f"{second} {cron}"
    return f"cron {cron} ({zone})"


def job_id(site_id: str) -> str:
    """The job id of a site (``crawl:<site>``)."""
    return JOB_PREFIX + site_id


# -- running one crawl --------------------------------------------------------------------


@dataclass(frozen=True)
class JobOutcome:
    """How one scheduled crawl ended."""

    site: str
    # "ok", "partial", "failed", "locked", "timeout", "interrupted", "skipped", "queued"
    status: str
    returncode: int | None
    seconds: float
    run_id: int | None = None


@dataclass
class _Child:
    process: subprocess.Popen[bytes]
    site: str
    terminated_at: float | None = None


@dataclass
class CrawlRunner:
    """Runs one site's crawl as ``python -m congdoan crawl SITE`` with a timeout.

    ``monotonic`` and ``now`` are injectable so tests can drive the clocks.
    """

    config: ScheduleConfig
    monotonic: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    poll_interval: float = 0.2
    _children: dict[int, _Child] = field(default_factory=dict, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _stopping: threading.Event = field(default_factory=threading.Event, init=False)

    def command(self, site_id: str) -> list[str]:
        """The child's command line."""
        cmd = [self.config.python, "-m", "congdoan", "crawl", site_id, "--quiet",
               "--db", self.config.db_url]
        if self.config.registry:
            cmd += ["--registry", self.config.registry]
        return cmd + list(self.config.crawl_args)

    def run(self, site_id: str) -> JobOutcome:
        """Crawl ``site_id`` in a child and wait for it, stopping it at the timeout."""
        started_wall, started = self.now(), self.monotonic()
        if self._stopping.is_set():
            return JobOutcome(site_id, "skipped", None, 0.0)
        log_dir = paths.logs_dir(self.config.data_dir)
        log_dir.mkdir(parents=True, exist_ok=True)
        # The child follows this process: if it is SIGKILLed, the crawl stops by itself
        # (congdoan.runtime.lifeline) instead of running on with no timeout.
        env = {**os.environ, "CONGDOAN_DATA_DIR": str(self.config.data_dir),
               **supervised_env(self.config.kill_grace, self.config.role)}
        with open(log_dir / f"{site_id}.log", "ab") as log:
            log.write(f"\n== {started_wall.isoformat(timespec='seconds')} "
                      f"{' '.join(self.command(site_id))}\n".encode())
            log.flush()
            # A session of its own: a Ctrl-C in the scheduler's terminal reaches the
            # scheduler only, which then stops its children in order.
            process = subprocess.Popen(self.command(site_id), stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, env=env,
                                       start_new_session=True)
            child = _Child(process, site_id)
            with self._lock:
                self._children[process.pid] = child
            try:
                timed_out = self._wait(child, started)
            finally:
                with self._lock:
                    self._children.pop(process.pid, None)
            _note(log, f"== exit {process.returncode}{' (timeout)' if timed_out else ''}")
        return self._outcome(child, started_wall, self.monotonic() - started, timed_out)

    def _wait(self, child: _Child, started: float) -> bool:
        """Wait for the child; SIGTERM at the timeout or on stop, SIGKILL after the grace."""
        timed_out = False
        while True:
            try:
                child.process.wait(timeout=self.poll_interval)
                return timed_out
            except subprocess.TimeoutExpired:
                pass
            elapsed = self.monotonic() - started
            if child.terminated_at is None:
                if elapsed >= self.config.job_timeout:
                    timed_out = True
                    logger.warning("%s: crawl exceeded %.0f s, stopping it", child.site,
                                   self.config.job_timeout)
                    self._terminate(child)
                elif self._stopping.is_set():
                    self._terminate(child)
            elif self.monotonic() - child.terminated_at >= self.config.kill_grace:
                logger.warning("%s: crawl did not stop within %.0f s, killing it", child.site,
                               self.config.kill_grace)
                _signal(child.process, signal.SIGKILL)

    def _terminate(self, child: _Child) -> None:
        # Scrapy takes SIGTERM as "stop cleanly": close the spider, write the open
        # batch and the run record (status interrupted), then exit.
        child.terminated_at = self.monotonic()
        _signal(child.process, signal.SIGTERM)

    def _outcome(self, child: _Child, started_wall: datetime, seconds: float, timed_out: bool
                 ) -> JobOutcome:
        code = child.process.returncode
        run_id = None
        if timed_out:
            run_id = self._record(child.site, started_wall, "timeout",
                                  f"stopped by the scheduler after {self.config.job_timeout:g} s")
            status = "timeout"
        elif child.terminated_at is not None:
            status = "interrupted"
            # Killed, or stopped while its spider was still opening (Scrapy then exits 0
            # without closing the spider): either way a run may be left "running".
            run_id = self._record(child.site, started_wall, "interrupted",
                                  "stopped when the scheduler stopped", ("running",))
        elif code == EXIT_LOCKED:
            # Refused by the site lock before it started: recorded here, or the history
            # would not show that this scheduled crawl did not happen.
            status = "locked"
            run_id = self._record_unstarted(child.site, started_wall, status,
                                            self._locked_note(child.site))
        elif code == EXIT_USAGE:
            # Refused before it started (e.g. its database is unusable): it could not
            # record itself, so the history would not show it at all.
            status = "failed"
            note = _last_error(paths.logs_dir(self.config.data_dir) / f"{child.site}.log")
            run_id = self._record_unstarted(child.site, started_wall, status, note)
        else:
            # The child's run ledger recorded its status: read it, not the exit code.
            run_id, status = self._recorded(child.site, started_wall) or (None, None)
            if status is None:  # no record to read (the database is gone): the exit code
                status = {EXIT_OK: "ok", EXIT_FAILED: "failed", EXIT_PARTIAL: "partial",
                          EXIT_DEGRADED: "degraded"}.get(code or EXIT_OK, "failed")
        logger.info("%s: scheduled crawl %s (exit %s, %.1f s)", child.site, status, code, seconds)
        return JobOutcome(child.site, status, code, seconds, run_id)

    def _locked_note(self, site_id: str) -> str:
        """Who held the site when its crawl was refused (the lock may be free by now)."""
        from congdoan.runtime.locks import holder_of

        holder = holder_of(self.config.data_dir, site_id, self.config.db_url)
        if holder is None:
            return "refused by the site lock: another crawl of the site was running"
        return f"refused by the site lock: being crawled by {holder.describe()}"

    def _record_unstarted(self, site_id: str, started_wall: datetime, status: str, note: str
                          ) -> int | None:
        """Record a child that ended before recording itself; ``None`` if the database fails."""
        from sqlalchemy.exc import SQLAlchemyError

        from congdoan.storage.db import make_engine, session_factory
        from congdoan.storage.history import record_unstarted

        try:
            engine = make_engine(self.config.db_url)
        except SQLAlchemyError as exc:
            logger.error("%s: cannot record the %s crawl (%s): %s", site_id, status, note, exc)
            return None
        try:
            with session_factory(engine)() as session, session.begin():
                return record_unstarted(session, site_id, started_wall, status, note,
                                        (socket.gethostname(), started_by(self.config.role)))
        except SQLAlchemyError as exc:
            logger.error("%s: cannot record the %s crawl (%s): %s", site_id, status, note, exc)
            return None
        finally:
            engine.dispose()

    def _recorded(self, site_id: str, started_wall: datetime) -> tuple[int, str] | None:
        """The run id and status the child's run ledger wrote (``degraded`` for a run that
        stored but whose spider health is degraded); ``None`` without a record."""
        from sqlalchemy.exc import SQLAlchemyError

        from congdoan.storage.db import make_engine, session_factory
        from congdoan.storage.history import latest_run

        try:
            engine = make_engine(self.config.db_url, migrate=False)  # the child migrated it
            try:
                with session_factory(engine)() as session:
                    run = latest_run(session, site_id, started_wall)
                    if run is None or run.status == "running":
                        return None
                    degraded = run.verdict == "degraded" and run.status != "failed"
                    return run.id, "degraded" if degraded else run.status
            finally:
                engine.dispose()
        except SQLAlchemyError as exc:
            logger.error("%s: cannot read the crawl's run record: %s", site_id, exc)
            return None

    def _record(self, site_id: str, started_wall: datetime, status: str, note: str,
                only_if: tuple[str, ...] = ("running", "interrupted")) -> int | None:
        from congdoan.storage.db import make_engine, session_factory
        from congdoan.storage.history import mark_latest_run

        engine = make_engine(self.config.db_url)
        try:
            with session_factory(engine)() as session, session.begin():
                return mark_latest_run(session, site_id, started_wall, status, note, only_if)
        finally:
            engine.dispose()

    def stop_all(self) -> int:
        """Ask every running crawl to stop (SIGTERM) and refuse new ones; returns how many."""
        self._stopping.set()
        with self._lock:
            children = list(self._children.values())
        for child in children:
            if child.terminated_at is None:
                self._terminate(child)
        return len(children)

    def running(self) -> list[str]:
        """Sites whose crawl is running now."""
        with self._lock:
            return [c.site for c in self._children.values()]


def _signal(process: subprocess.Popen[bytes], signum: int) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):  # exited meanwhile
            process.send_signal(signum)


def _last_error(log: Path) -> str:
    """The child's last ``error:`` line (its one-line reason), or a generic note."""
    try:
        with open(log, "rb") as handle:
            handle.seek(max(0, handle.seek(0, os.SEEK_END) - 8192))
            tail = handle.read().decode("utf-8", "replace").splitlines()
    except OSError:
        tail = []
    errors = [line.strip() for line in tail if line.strip().startswith("error:")]
    return errors[-1] if errors else "the crawl could not start (exit 2)"


def _note(log: IO[bytes], line: str) -> None:
    log.write(f"{line}\n".encode())


class Runner(Protocol):
    """What runs a due site: ``CrawlRunner`` here, or ``jobs.queue.QueueRunner`` (enqueues)."""

    def run(self, site_id: str) -> JobOutcome: ...

    def stop_all(self) -> int: ...

    def running(self) -> list[str]: ...


# The job function stored in the database is a module-level name (APScheduler
# pickles a textual reference); it reaches the runner of the running scheduler here.
_active_runner: Runner | None = None


def run_site_job(site_id: str) -> JobOutcome:
    """APScheduler job: crawl ``site_id`` with the active scheduler's runner."""
    if _active_runner is None:
        raise RuntimeError("no running congdoan scheduler in this process")
    return _active_runner.run(site_id)


# -- the scheduler ------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncReport:
    """What re-synchronising the jobs with the registry did."""

    added: list[str]
    changed: list[str]
    removed: list[str]
    kept: list[str]


@dataclass(frozen=True)
class PlannedRun:
    """A site's job as ``schedule list`` shows it."""

    site: str
    trigger: str
    next_run: datetime | None
    stored: bool  # the job is in the job store (else: computed from the registry)


class CrawlScheduler:
    """The APScheduler instance, its job store and the runner of crawl children."""

    def __init__(self, config: ScheduleConfig, sites: Sequence[Site],
                 runner: Runner | None = None) -> None:
        self.config = config
        self.sites = scheduled_sites(sites)
        self.runner: Runner = runner or CrawlRunner(config)
        self.scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(url=config.db_url, tablename=JOBS_TABLE)},
            executors={"default": ThreadPoolExecutor(max_workers=parallel_crawls(config))},
            job_defaults={"coalesce": True, "max_instances": 1,
                          "misfire_grace_time": config.misfire_grace_time},
            timezone=config.timezone,
        )
        self._stop = threading.Event()

    # -- lifecycle
    def open(self, paused: bool = True) -> None:
        """Start APScheduler (paused: jobs are loaded but nothing runs)."""
        self.scheduler.start(paused=paused)

    def close(self, wait: bool = True) -> None:
        """Shut APScheduler down; with ``wait`` running jobs are waited for."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)

    def sync(self) -> SyncReport:
        """Make the stored jobs match the registry: add, re-time, remove."""
        wanted = {job_id(s.id): s for s in self.sites}
        triggers = {jid: site_trigger(site, self.config) for jid, site in wanted.items()}
        existing = {job.id: job for job in self.scheduler.get_jobs()
                    if job.id.startswith(JOB_PREFIX)}
        report = SyncReport([], [], [], [])
        for jid in existing:
            if jid not in wanted:
                self.scheduler.remove_job(jid)
                report.removed.append(jid[len(JOB_PREFIX):])
        for jid, site in wanted.items():
            job = existing.get(jid)
            same = (job is not None and repr(job.trigger) == repr(triggers[jid])
                    and job.func_ref == JOB_FUNC and tuple(job.args) == (site.id,)
                    and job.misfire_grace_time == self.config.misfire_grace_time)
            if same:
                report.kept.append(site.id)  # keep its stored next run time
                continue
            self.scheduler.add_job(JOB_FUNC, triggers[jid], args=[site.id], id=jid,
                                   name=f"crawl {site.id}", replace_existing=True,
                                   coalesce=True, max_instances=1,
                                   misfire_grace_time=self.config.misfire_grace_time)
            (report.changed if job is not None else report.added).append(site.id)
        return report

    def planned(self, now: datetime | None = None) -> list[PlannedRun]:
        """Each site's next run: from the job store, else computed from the registry."""
        now = now or datetime.now(UTC)
        stored = {job.id: job for job in self.scheduler.get_jobs()}
        plans = []
        for site in self.sites:
            job = stored.get(job_id(site.id))
            if job is not None:
                plans.append(PlannedRun(site.id, describe_trigger(job.trigger), job.next_run_time,
                                        True))
            else:
                # Without jitter: the planned slot, the same every time it is shown.
                trigger: BaseTrigger = site_trigger(site, replace(self.config, jitter=None))
                plans.append(PlannedRun(site.id, describe_trigger(trigger),
                                        trigger.get_next_fire_time(None, now), False))
        return plans

    def abort_stale_runs(self) -> int:
        """Runs left ``running`` by a killed scheduler or crawl become ``aborted``.

        Only for sites whose lock is free: a run whose crawl still holds the lock
        (a manual crawl right now) is alive, not stale.
        """
        from congdoan.storage.db import make_engine, session_factory
        from congdoan.storage.runs import mark_stale_runs_aborted

        engine = make_engine(self.config.db_url)
        marked = 0
        try:
            with session_factory(engine)() as session, session.begin():
                for site in self.sites:
                    if holder_of(self.config.data_dir, site.id, self.config.db_url) is None:
                        marked += mark_stale_runs_aborted(session, site=site.id)
        finally:
            engine.dispose()
        return marked

    # -- the long-running loop
    def run_forever(self, on_ready: Callable[[SyncReport], None] | None = None,
                    install_signals: bool = True) -> None:
        """Serve until SIGTERM/SIGINT (or ``stop()``), then stop the crawls cleanly."""
        global _active_runner
        aborted = self.abort_stale_runs()
        if aborted:
            logger.warning("%d crawl runs left running by a previous process marked aborted",
                           aborted)
        _active_runner = self.runner
        previous = {}
        if install_signals:
            for signum in (signal.SIGTERM, signal.SIGINT):
                previous[signum] = signal.signal(signum, lambda *_: self._stop.set())
        try:
            self.open(paused=True)
            report = self.sync()
            self.scheduler.resume()
            if on_ready is not None:
                on_ready(report)
            self._stop.wait()
            logger.info("stopping: %d crawls running", len(self.runner.running()))
            # Children first: each finishes its open batch and records "interrupted".
            self.runner.stop_all()
            self.scheduler.pause()
        finally:
            self.close(wait=True)
            _active_runner = None
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def stop(self) -> None:
        """Make ``run_forever`` return (what SIGTERM does)."""
        self._stop.set()


def scheduled_sites(sites: Iterable[Site]) -> list[Site]:
    """The registry entries the scheduler crawls: enabled NukeViet portals."""
    return [s for s in sites if s.enabled and s.cms in CRAWLABLE_CMS]


def run_once(config: ScheduleConfig, site_id: str) -> JobOutcome:
    """``schedule run-now``: one crawl now, with the scheduler's timeout and history."""
    return CrawlRunner(config).run(site_id)


def describe(value: Any) -> str:
    """A local-time rendering of a datetime (``-`` for none)."""
    if not isinstance(value, datetime):
        return "-"
    return value.strftime("%Y-%m-%d %H:%M:%S %Z")
