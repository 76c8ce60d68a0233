"""How a finished crawl is judged: one rule, used by the run record and the CLI summary."""

from __future__ import annotations


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
