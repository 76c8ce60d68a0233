"""Fixtures shared by the whole suite: PostgreSQL schemas and a crawled simulated portal.

PostgreSQL tests run against the real server on 127.0.0.1 in a throwaway
schema; without a server they skip, except in CI (``CI=true``) where a
missing server is a failure.

The suite runs in parallel (``pytest -n auto``, pytest-xdist): every test keeps
its state apart (a schema of its own, a Redis namespace of its own, ports the
system picks, files under its ``tmp_path``), and none may write ``./data`` of
the checkout. Tests that run a real crawl or a congdoan/scrapy child process
are marked ``crawl``; ``pytest -m "not crawl"`` (the fast lane) leaves them out
and fails a test that starts a Python child process unmarked.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from congdoan.sim import SimServer, default_portals
from tests import forked
from tests.crawling import FAST, run_congdoan

# The session fails if a process the tests started outlives them (tests/leftovers.py).
pytest_plugins = ("tests.leftovers",)

if os.environ.get("PYTEST_XDIST_WORKER"):
    # pytest-xdist gives its workers COLUMNS=80, and rich fixes a console's width from
    # COLUMNS when the console is made: tests that set COLUMNS per command would then
    # print at 80 columns in a worker and at their own width in a serial run.
    os.environ.pop("COLUMNS", None)

PG_URL = os.environ.get("CONGDOAN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session", autouse=True)
def _fast_lane_has_no_child_pythons(request: pytest.FixtureRequest) -> Iterator[None]:
    """Under ``-m "not crawl"``, starting a Python child process is an error naming the fix.

    Keeps the fast lane fast as tests are added: a test (or a fixture it uses) that
    runs ``congdoan`` or ``scrapy`` in a child process must be marked ``crawl``.
    Other tools (antiword, tesseract) run as they always do.
    """
    if "not crawl" not in (request.config.getoption("markexpr", "") or ""):
        yield
        return
    original = subprocess.Popen.__init__

    def guarded(self: subprocess.Popen, args: Any, *rest: Any, **kwargs: Any) -> None:
        argv = [args] if isinstance(args, str | bytes | os.PathLike) else list(args)
        if argv and os.fspath(argv[0]) == sys.executable:
            raise RuntimeError("the fast lane runs no Python child process: mark this test "
                               "(or the module) with @pytest.mark.crawl")
        original(self, args, *rest, **kwargs)

    def refused(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the fast lane runs no congdoan command in a child process: mark "
                           "this test (or the module) with @pytest.mark.crawl")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subprocess.Popen, "__init__", guarded)
        patch.setattr(forked, "run", refused)  # forked children start without Popen
        yield


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto``: one worker more than the cores, for a run with the crawl tests.

    A quarter of the whole suite's time is spent waiting on child processes (crawls,
    workers, the soak's fleet): on 2 cores a third worker fills it (8 min 41 s against
    9 min 30 s, the same CPU time). The fast lane is pure CPU: one worker a core.
    ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still decides when set.
    """
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    cores = len(os.sched_getaffinity(0))
    if "not crawl" in (config.getoption("markexpr", "") or ""):
        return cores
    return cores + 1


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop multiprocessing's helpers of this process before the leftover check counts them."""
    forked.stop()


@pytest.fixture(scope="session", autouse=True)
def _no_shared_data_dir(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the run when a test wrote ``./data`` of the checkout: parallel workers share it."""
    shared = Path(request.config.rootpath) / "data"
    existed = shared.exists()
    yield
    if not existed and shared.exists():
        pytest.fail(f"a test wrote {shared}: tests keep their data under tmp_path")


class PgSchemas:
    """Creates throwaway schemas on the test server and drops them all at the end."""

    def __init__(self, admin: Engine) -> None:
        self.admin = admin
        self.created: list[str] = []

    def new_url(self) -> str:
        schema = f"congdoan_test_{uuid.uuid4().hex[:12]}"
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        self.created.append(schema)
        url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.begin() as conn:
            for schema in self.created:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


@pytest.fixture(scope="session")
def pg_schemas() -> Iterator[PgSchemas]:
    """Access to the PostgreSQL test server, or a skip (a failure in CI) without one."""
    admin = create_engine(PG_URL)
    try:
        with admin.connect():
            pass
    except OperationalError as exc:
        admin.dispose()
        message = f"PostgreSQL not reachable at {PG_URL}: {exc.orig}"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    schemas = PgSchemas(admin)
    yield schemas
    schemas.drop_all()
    admin.dispose()



@dataclass
class CrawledPortals:
    """Simulated portals (still being served) crawled into a database by ``congdoan crawl``."""

    db_url: str
    server: SimServer
    registry: Path
    workdir: Path
    returncode: int = -1
    stderr: str = ""

    @property
    def truth(self) -> dict[str, dict[str, Any]]:
        """What each portal serves now, by site id."""
        return {site: self.server.truth(site) for site in self.server.site_ids()}

    def served(self, kind: str) -> int:
        """How many items of ``kind`` the simulator serves in all."""
        key = "articles" if kind == "article" else "documents"
        return sum(len(t[key]) for t in self.truth.values())

    def crawl(self, *extra: str) -> CrawledPortals:
        """Crawl every portal into the database (again); keeps the exit code and stderr."""
        result = run_congdoan("crawl", "--all", "--registry", str(self.registry),
                              "--db", self.db_url, *FAST, *extra, cwd=self.workdir)
        self.returncode, self.stderr = result.returncode, result.stderr
        return self


def serve_portals(workdir: Path, *, sites: int = 2, articles: int = 30, documents: int = 12,
                  seed: int = 11) -> tuple[SimServer, Path]:
    """Start simulated portals and write a registry pointing at them."""
    server = SimServer(default_portals(sites, articles, documents, seed=seed)).start()
    registry = workdir / "sites.toml"
    registry.write_text(server.registry_toml(), encoding="utf-8")
    return server, registry


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def crawled(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrawledPortals]:
    """Two simulated portals crawled once per session into SQLite and into PostgreSQL."""
    workdir = tmp_path_factory.mktemp(f"crawled-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{workdir / 'congdoan.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_schemas").new_url()
    server, registry = serve_portals(workdir)
    try:
        portals = CrawledPortals(url, server, registry, workdir).crawl()
        assert portals.returncode == 0, portals.stderr[-2000:]
        yield portals
    finally:
        server.stop()
