"""How a finished crawl is judged: one rule, applied once by the run ledger
(``congdoan.extensions.ledger``), whose status the run row, the CLI summary and
``scrapy crawl``'s exit code all read."""

from __future__ import annotations

from congdoan.runtime.exitcodes import EXIT_FAILED, EXIT_LOCKED, EXIT_OK, EXIT_PARTIAL

# Finish reasons congdoan's components give (besides Scrapy's "finished", "shutdown", …).
DATABASE_ERROR = "database_error"  # the database failed in the middle of the crawl
LOCKED = "locked"  # refused: another crawl of the site holds its lock

# Exit codes of a crawl, the same for `congdoan crawl` and `scrapy crawl nukeviet`.
STATUS_EXIT = {"ok": EXIT_OK, "failed": EXIT_FAILED, "partial": EXIT_PARTIAL,
               "interrupted": EXIT_PARTIAL, "locked": EXIT_LOCKED}


def run_status(stored: int, failed_pages: int, dropped: int, finish_reason: str,
               pages_read: int = 0) -> str:
    """``ok``, ``partial``, ``failed`` or ``interrupted`` for a finished crawl.

    ``failed`` means something went wrong and the crawl got nothing at all: no
    item stored and no listing or feed read. An incremental refresh that finds
    nothing new but reads its listings is ``partial`` when a page failed, not
    ``failed``. A crawl stopped by a signal (``shutdown``) is ``interrupted``.
    """
    got_something = stored > 0 or pages_read > 0
    if finish_reason == "shutdown":
        return "interrupted"
    if finish_reason not in ("finished", "") and not finish_reason.startswith("closespider"):
        return "partial" if got_something else "failed"
    if failed_pages or dropped:
        return "partial" if got_something else "failed"
    return "ok"
