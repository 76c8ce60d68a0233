"""One data directory, resolved in one place, holds everything a crawl writes (issue #12).

``CONGDOAN_DATA_DIR`` given as an environment variable or as a setting
(``congdoan crawl --set CONGDOAN_DATA_DIR=D``) puts the database, the attachment
files, the resume folder, the validators, the lock and the scheduler's logs
under D, and nothing under ``./data``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from congdoan import paths
from congdoan.sim import PortalSpec, SimServer
from congdoan.sim.site import Request, Response
from tests.crawling import FAST, run_congdoan


def _etag(request: Request, response: Response) -> Response | None:
    """Article pages carry an ETag, so the crawl keeps validators too."""
    if response.status == 200 and ".html" in request.path and "download" not in request.path:
        response.headers.append(("ETag", '"' + hashlib.sha256(response.body).hexdigest()[:16]
                                 + '"'))
    return None


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if k not in ("CONGDOAN_DATA_DIR", "CONGDOAN_DATABASE_URL")}


def _assert_everything_under(data: Path, cwd: Path) -> None:
    assert paths.database_file(data).is_file()
    assert any(p.is_file() for p in paths.files_dir(data).rglob("*"))  # attachments
    assert (paths.jobs_dir(data, "sim1") / "congdoan-job.json").is_file()
    assert paths.validators_file(data, "sim1").is_file()
    assert paths.lock_file(data, "sim1").is_file()
    assert not (cwd / "data").exists(), sorted(str(p) for p in (cwd / "data").rglob("*"))


@pytest.mark.crawl
@pytest.mark.parametrize("how", ["environment", "setting"])
def test_the_data_directory_holds_everything_and_data_stays_empty(tmp_path: Path, how: str
                                                                  ) -> None:
    cwd, data = tmp_path / "cwd", tmp_path / "D"
    cwd.mkdir()
    with SimServer([PortalSpec("sim1", seed=4, articles=10, documents=4)]) as server:
        server.portal("sim1").hooks.append(_etag)
        registry = tmp_path / "sites.toml"
        registry.write_text(server.registry_toml(), encoding="utf-8")
        env = _clean_env()
        where: tuple[str, ...] = ()
        if how == "environment":
            env["CONGDOAN_DATA_DIR"] = str(data)
        else:
            where = ("--set", f"CONGDOAN_DATA_DIR={data}")
        result = run_congdoan("crawl", "sim1", "--registry", str(registry), *FAST, *where,
                              cwd=cwd, env=env)
        assert result.returncode == 0, result.stderr
        _assert_everything_under(data, cwd)
        if how == "environment":
            # The scheduler's child and its log follow the same directory.
            scheduled = run_congdoan("schedule", "run-now", "sim1", "--registry", str(registry),
                                     cwd=cwd, env=env)
            assert scheduled.returncode == 0, scheduled.stdout + scheduled.stderr
            assert (paths.logs_dir(data) / "sim1.log").is_file()
            assert not (cwd / "data").exists()


def test_the_setting_beats_the_environment_which_beats_data(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.delenv("CONGDOAN_DATA_DIR", raising=False)
    assert paths.data_dir() == Path("data")
    monkeypatch.setenv("CONGDOAN_DATA_DIR", "/srv/env")
    assert paths.data_dir() == Path("/srv/env")
    assert paths.data_dir({"CONGDOAN_DATA_DIR": "/srv/set"}) == Path("/srv/set")
    assert paths.data_dir({"CONGDOAN_DATA_DIR": None}) == Path("/srv/env")
