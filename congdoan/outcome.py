"""How a finished crawl is judged: one rule, used by the run record and the CLI summary."""

from __future__ import annotations


def run_status(stored: int, failed_pages: int, dropped: int, finish_reason: str) -> str:
    """``ok``, ``partial``, ``failed`` or ``interrupted`` for a finished crawl.

    ``failed`` means nothing at all could be stored while something went wrong;
    a crawl stopped by a signal (``shutdown``) is ``interrupted``.
    """
    if finish_reason == "shutdown":
        return "interrupted"
    if finish_reason not in ("finished", "") and not finish_reason.startswith("closespider"):
        return "failed" if stored == 0 else "partial"
    if failed_pages or dropped:
        return "partial" if stored else "failed"
    return "ok"
