"""What every site lock shares: who holds it (``Holder``) and the refusal (``LockHeld``).

Both lock kinds use them, the file lock (``runtime/locks.py``) and PostgreSQL's
advisory lock (``runtime/pglock.py``); kept apart so that neither imports the other
to name them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Holder:
    """Who holds a site lock, as recorded in the lock file."""

    pid: int | None
    host: str
    started: str

    def describe(self) -> str:
        """``pid 1234 on host since 2026-07-01T01:02:03+00:00``."""
        pid = f"pid {self.pid}" if self.pid is not None else "an unknown process"
        return f"{pid} on {self.host or 'an unknown host'} since {self.started or '?'}"


class LockHeld(Exception):
    """The site lock is held by another process."""

    def __init__(self, site: str, holder: Holder) -> None:
        super().__init__(f"a crawl of {site} is already running ({holder.describe()})")
        self.site = site
        self.holder = holder
