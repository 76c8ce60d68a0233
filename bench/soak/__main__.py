"""Run the soak (see ``bench.soak``): ``python -m bench.soak [--quick | --cycles N] ...``."""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import machine, processes
from bench.soak import checks
from bench.soak.fleet import Fleet
from bench.soak.world import DOWNLOAD_TIMEOUT_S, Plan, World
from congdoan.files.queue import CRAWL_QUEUE
from congdoan.storage.db import make_engine, upgrade

PG_URL = os.environ.get("CONGDOAN_SOAK_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("CONGDOAN_REDIS_URL", "redis://127.0.0.1:6379/0")
CRAWL_SETTINGS = ("AUTOTHROTTLE_ENABLED=False", "DOWNLOAD_DELAY=0",
                  "CONCURRENT_REQUESTS_PER_DOMAIN=8", f"DOWNLOAD_TIMEOUT={DOWNLOAD_TIMEOUT_S}",
                  "CONGDOAN_READ_FILES=false")
WARMUP_TIMEOUT_S = 900  # the first crawls of every portal
DRAIN_TIMEOUT_S = 600  # the workers finish the queued crawls after the scheduler stopped


@dataclass
class Options:
    """The soak's size and pace."""

    portals: int = 20
    cycles: int = 150
    cycle_s: int = 10
    jitter: int = 100
    workers: int = 2
    threads: int = 2
    articles: int = 12
    documents: int = 4
    item_chance: float = 0.08  # per portal and cycle
    kills: int = 1  # of each kind
    seed: int = 1
    settle_s: float = 0.0  # 0: enough for every site to come due twice


def parse(argv: list[str] | None = None) -> tuple[Options, argparse.Namespace]:
    """Options from the command line; ``--quick``: the one-minute version."""
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one minute, 8 portals (CI)")
    parser.add_argument("--minutes", type=float, help="cycles to fill this many minutes")
    parser.add_argument("--cycles", type=int)
    parser.add_argument("--cycle-seconds", type=int)
    parser.add_argument("--portals", type=int)
    parser.add_argument("--jitter", type=int)
    parser.add_argument("--kills", type=int, help="SIGKILLs of each kind")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--keep", type=Path, help="keep the logs here (default: a temporary "
                        "directory)")
    parser.add_argument("--keep-db", action="store_true", help="keep the database schema")
    parser.add_argument("--markdown", action="store_true", help="print the table as markdown")
    args = parser.parse_args(argv)
    opts = Options()
    if args.quick:
        opts = Options(portals=8, cycles=12, cycle_s=5, jitter=10, articles=8, documents=3,
                       item_chance=0.2)
    if args.cycle_seconds:
        opts.cycle_s = args.cycle_seconds
    if args.minutes:
        opts.cycles = max(6, int(args.minutes * 60 / opts.cycle_s))
    for name in ("cycles", "portals", "jitter", "kills", "seed"):
        if getattr(args, name) is not None:
            setattr(opts, name, getattr(args, name))
    return opts, args


def main(argv: list[str] | None = None) -> int:
    """Run the soak and print its table; 0 when every check holds."""
    opts, args = parse(argv)
    if not processes.available():
        print("error: the soak needs Linux (/proc)", file=sys.stderr)
        return 2
    tag = processes.tag_environment("soak")
    with tempfile.TemporaryDirectory(prefix="congdoan-soak-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        rows = _soak(opts, workdir, tag, keep_schema=args.keep_db)
        minutes = (time.monotonic() - started) / 60
    _print(rows, opts, minutes, args.markdown)
    return 0 if all(ok for _, _, ok in rows) else 1


def _soak(opts: Options, workdir: Path, tag: str, keep_schema: bool) -> list[checks.Row]:
    """Set everything up, run the cycles, settle, stop, check; the table's rows."""
    from redis import Redis

    from tests.alerts.receivers import SmtpServer, WebhookReceiver

    schema = f"congdoan_soak_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"}
                                            ).render_as_string(hide_password=False)
    namespace = f"congdoan-soak-{uuid.uuid4().hex[:10]}"
    world = World(opts.portals, opts.articles, opts.documents, opts.seed)
    # A site comes due every cycle plus up to the jitter: away for 2.5 times that, so
    # that its crawls meet it gone (one of them may be the one a SIGKILL stops).
    away_cycles = max(2, -(-5 * (opts.cycle_s + opts.jitter) // (2 * opts.cycle_s)))
    plan = Plan.draw(opts.cycles, world.sites, opts.seed, opts.kills, opts.item_chance,
                     away_cycles)
    rng = random.Random(opts.seed)
    registry = workdir / "sites.toml"
    registry.write_text(world.server.registry_toml(), encoding="utf-8")
    redis = Redis.from_url(REDIS_URL)
    fleet: Fleet | None = None
    started = time.monotonic()
    try:
        with SmtpServer() as smtp, WebhookReceiver() as hook:
            env = {**os.environ, "CONGDOAN_QUEUE_NAMESPACE": namespace,
                   "CONGDOAN_REDIS_URL": REDIS_URL, "CONGDOAN_WORKER_HEARTBEAT_MS": "5000",
                   "CONGDOAN_SMTP_HOST": "127.0.0.1", "CONGDOAN_SMTP_PORT": str(smtp.port),
                   "CONGDOAN_DATA_DIR": str(workdir / "scheduler"), "COLUMNS": "120"}
            upgrade(db)
            hook.secret = _add_watch(db, hook.url, env, workdir)
            sets = [part for setting in CRAWL_SETTINGS for part in ("--set", setting)]
            schedule = ["schedule", "run", "--queue", "--db", db, "--registry", str(registry),
                        "--cron", f"*/{opts.cycle_s} * * * * *", "--jitter", str(opts.jitter),
                        "--timeout", "300", "--kill-grace", "15", *sets]
            fleet = Fleet(workdir, env, schedule, opts.workers, opts.threads)
            fleet.start()
            at_start = fleet.processes_now()
            # Night zero: every portal's first (full) crawl, the baseline of its health.
            print(f"first crawl of every portal ({_elapsed(started)})", flush=True)
            if not _crawled_since(world, db, 0.0, WARMUP_TIMEOUT_S):
                raise RuntimeError("the first crawls did not end in time: see the logs in "
                                   f"{workdir / 'logs'}")
            sizes, peak = _cycles(opts, plan, world, fleet, rng, db, schema)
            print(f"settling: every portal crawled once more ({_elapsed(started)})", flush=True)
            # Every change happened before now; bounded: the check on items tells.
            _crawled_since(world, db, time.time(), opts.settle_s
                           or 3 * (opts.cycle_s + opts.jitter))
            print(f"stopping: scheduler, then the workers once the queue is drained "
                  f"({_elapsed(started)})", flush=True)
            msgs_key = f"{namespace}:{CRAWL_QUEUE}.msgs"
            fleet.stop(lambda: redis.hlen(msgs_key) == 0 and not fleet.crawl_children(),
                       timeout=DRAIN_TIMEOUT_S)
            print(f"checking ({_elapsed(started)})", flush=True)
            sizes.append(checks.database_size(db, schema, opts.cycles + 1))
            after = [p.describe() for p in processes.wait_gone(tag, 30, exclude=(os.getpid(),))]
            truth = {site: world.server.truth(site) for site in world.sites}
            data_dirs = [workdir / role for role in fleet.roles]
            warmup = max(2, opts.cycles // 5)
            rows: list[checks.Row] = [
                ("cycles", f"{opts.cycles} of {opts.cycle_s} s, {opts.portals} portals, "
                 f"{opts.workers} workers x {opts.threads} threads, jitter {opts.jitter} s",
                 True),
                ("faults served", ", ".join(f"{k} {n}" for k, n in
                                            world.faults_served().items()), True),
                ("SIGKILLs", "; ".join(f"cycle {c}: {what} ({detail})"
                                       for c, what, detail in fleet.kills) or "none",
                 len(fleet.kills) >= 3 * opts.kills),
                *checks.memory(fleet.history, warmup),
                *checks.runs_and_locks(db, data_dirs, world.sites),
                *checks.items(db, truth),
                *checks.alerts(db, [m["Message-ID"] for m in smtp.mailbox.messages],
                               [post["delivery"] for post in hook.accepted]),
                *checks.database(sizes, warmup),
                *checks.health(db, world.broken),
                *checks.leftovers(at_start, peak, after),
            ]
            return rows
    finally:
        if fleet is not None:
            for incarnation in fleet.live.values():
                incarnation.process.kill()
        world.stop()
        for key in redis.scan_iter(f"{namespace}*"):
            redis.delete(key)
        if keep_schema:
            print(f"database kept: {db}", flush=True)
        else:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _elapsed(started: float) -> str:
    return f"{(time.monotonic() - started) / 60:.1f} min"


def _add_watch(db: str, hook_url: str, env: dict[str, str], workdir: Path) -> str:
    """One watch on every article, by e-mail and webhook; returns the webhook's secret."""
    import subprocess

    added = subprocess.run([sys.executable, "-m", "congdoan", "watch", "add", "all-articles",
                            "--kind", "article", "--email", "ops@example.vn", "--webhook",
                            hook_url, "--db", db], env=env, cwd=workdir, capture_output=True,
                           text=True, check=True)
    return added.stdout.split("(shown once): ")[1].split()[0]


def _cycles(opts: Options, plan: Plan, world: World, fleet: Fleet, rng: random.Random,
            db: str, schema: str) -> tuple[list[checks.SizeSample], int]:
    """Run the cycles: the plan's events, kills, samples; returns sizes and the process peak."""
    sizes: list[checks.SizeSample] = []
    peak = 0
    pending_kill: str | None = None
    start = time.monotonic()
    for cycle in range(1, opts.cycles + 1):
        events = world.apply(plan, cycle)
        what = plan.kills.get(cycle) or pending_kill
        if what is not None:
            # A crawl child is killed only when one runs: else at the next cycle.
            pending_kill = None if fleet.kill(what, cycle, rng) else what
        fleet.sample(cycle)
        peak = max(peak, fleet.processes_now())
        if cycle % 5 == 0 or cycle == 1:
            sizes.append(checks.database_size(db, schema, cycle))
        print(f"cycle {cycle}/{opts.cycles} {time.monotonic() - start:.0f} s: "
              f"{', '.join(events) or '-'}"
              + (f"; SIGKILL {what}" if what and pending_kill is None else ""), flush=True)
        time.sleep(max(0.0, start + cycle * opts.cycle_s - time.monotonic()))
    return sizes, peak


def _crawled_since(world: World, db: str, since: float, timeout: float) -> bool:
    """Wait until every portal had a crawl that started after ``since`` (epoch s) and
    completed; False after ``timeout`` s."""
    from sqlalchemy import func, select

    from congdoan.storage.models import CrawlRun

    deadline = time.monotonic() + timeout
    engine = make_engine(db)
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                rows = conn.execute(select(CrawlRun.site, func.max(CrawlRun.started_at))
                                    .where(CrawlRun.status.in_(("ok", "partial")))
                                    .group_by(CrawlRun.site)).all()
            fresh = {site for site, started in rows
                     if started is not None and _epoch(started) > since}
            if fresh >= set(world.sites):
                return True
            time.sleep(2)
        return False
    finally:
        engine.dispose()


def _epoch(value: object) -> float:
    from congdoan.vntime import utc_aware

    return utc_aware(value).timestamp()  # type: ignore[arg-type]


def _print(rows: list[checks.Row], opts: Options, minutes: float, markdown: bool) -> None:
    described = machine.describe()
    cpu = f"{described['cpu_model']} ({described['cpu_count']} cores)"
    title = f"Soak: {opts.cycles} cycles in {minutes:.1f} min on {cpu}"
    if markdown:
        print(f"\n{title}\n\n| check | figure | holds |\n| --- | --- | --- |")
        for check, figure, ok in rows:
            print(f"| {check} | {figure} | {'yes' if ok else '**no**'} |")
        return
    table = Table(title=title)
    for column in ("check", "figure", "holds"):
        table.add_column(column)
    for check, figure, ok in rows:
        table.add_row(check, figure, "yes" if ok else "[bold red]no[/]")
    Console(width=160).print(table)


if __name__ == "__main__":
    sys.exit(main())
