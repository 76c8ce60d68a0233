"""The exit codes of every ``congdoan`` command and of the crawl children the scheduler runs.

One table, read by the CLI (which exits with them), the scheduler (which reads
them from its children) and the README's "Exit codes" section.
"""

from __future__ import annotations

from typing import Final

EXIT_OK: Final = 0  # success
EXIT_FAILED: Final = 1  # the work ran and failed (nothing stored, no hits, not that kind of page)
EXIT_USAGE: Final = 2  # bad usage or configuration (unknown site, no database, bad file)
EXIT_PARTIAL: Final = 3  # a crawl finished with some pages failed
EXIT_LOCKED: Final = 4  # another crawl of the same site holds its lock
EXIT_DEGRADED: Final = 5  # a crawl's run is degraded (spider health: worse than its recent runs)
