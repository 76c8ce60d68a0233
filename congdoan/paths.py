"""The data directory and every path under it, resolved in one place.

The data directory is, first found wins: the ``CONGDOAN_DATA_DIR`` setting
(``congdoan crawl --set CONGDOAN_DATA_DIR=D``, ``scrapy crawl -s …``), the
``CONGDOAN_DATA_DIR`` environment variable, else ``./data``. Everything a crawl
writes on disk derives from it:

==============================  ==========================================
``<data>/congdoan.sqlite3``     the default database (SQLite)
``<data>/files/``               downloaded attachments (``FILES_STORE``)
``<data>/jobs/<site>/``         Scrapy's JOBDIR: a stopped crawl resumes
``<data>/validators/<site>``    HTTP validators (ETag) per fetched URL
``<data>/locks/<site>.lock``    the site lock (``congdoan.runtime.locks``)
``<data>/retry/<site>.jsonl``   pages read but not stored (database down)
``<data>/logs/<site>.log``      the scheduler's crawl logs
==============================  ==========================================

Resolved when asked, never at import: a setting or variable given after
``import congdoan.settings`` still counts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ENV_DATA_DIR = "CONGDOAN_DATA_DIR"
SETTING = "CONGDOAN_DATA_DIR"
DEFAULT_DATA_DIR = "data"


def data_dir(settings: Any = None) -> Path:
    """The data directory: the setting in ``settings`` (any ``.get`` mapping), the env, ``data``."""
    configured = settings.get(SETTING) if settings is not None else None
    return Path(configured or os.environ.get(ENV_DATA_DIR) or DEFAULT_DATA_DIR)


def database_file(data: Path) -> Path:
    """The default SQLite database."""
    return data / "congdoan.sqlite3"


def files_dir(data: Path) -> Path:
    """Downloaded attachments (the files pipeline's ``FILES_STORE`` unless set)."""
    return data / "files"


def site_state_dir(data: Path, what: str, site: str) -> Path:
    """``<data>/<what>/<site>``: per-site crawl state (``jobs``, ``validators``)."""
    return data / what / site


def jobs_dir(data: Path, site: str) -> Path:
    """Scrapy's JOBDIR of ``site``."""
    return site_state_dir(data, "jobs", site)


def validators_file(data: Path, site: str) -> Path:
    """The HTTP validators of ``site``."""
    return site_state_dir(data, "validators", site).with_suffix(".json")


def lock_file(data: Path, site: str) -> Path:
    """The lock file of ``site``."""
    return data / "locks" / f"{site}.lock"


def retry_file(data: Path, site: str) -> Path:
    """Pages of ``site`` read but not stored because the database failed."""
    return data / "retry" / f"{site}.jsonl"


def logs_dir(data: Path) -> Path:
    """The scheduler's per-site crawl logs."""
    return data / "logs"
