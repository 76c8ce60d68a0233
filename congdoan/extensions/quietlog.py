"""Tracebacks only at ``--log-level DEBUG``: one line per problem otherwise.

Scrapy logs a download that failed for a network reason with the whole
Twisted/asyncio traceback (~90 lines) and once more per retry. congdoan reports
each failed page in its summary and its failure ledger, by cause. Unless the
log level is DEBUG, this filter takes the traceback off every log record
(the message stays, with the exception's one-line text) and drops Scrapy's
per-URL "Gave up retrying" / "Error downloading" lines for network failures,
which the crawl summary states once per cause.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from congdoan.runtime.network import network_cause

# Loggers whose per-URL network errors the crawl summary already reports.
_PER_URL_LOGGERS = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt",
                    "congdoan.middlewares.retry", "scrapy.core.scraper")


class OneLineErrors(logging.Filter):
    """Strips tracebacks and drops per-URL network error lines (see the module)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep ``record`` without its traceback, or drop a per-URL network error."""
        if record.exc_info or record.exc_text:
            exc = record.exc_info[1] if record.exc_info else None
            record.exc_info = None
            record.exc_text = None
            if exc is not None and str(exc) and str(exc) not in record.getMessage():
                record.msg = f"{record.getMessage()}: {type(exc).__name__}: {exc}"
                record.args = None
        if record.name.startswith(_PER_URL_LOGGERS):
            message = record.getMessage()
            if network_cause("", message) is not None:
                return False
        return True


class QuietLogs:
    """Installs ``OneLineErrors`` on the root log handlers unless the log level is DEBUG."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> QuietLogs:
        """Off at DEBUG (and with ``CONGDOAN_QUIET_LOGS = False``): everything is shown then."""
        level = str(crawler.settings["LOG_LEVEL"]).upper()
        if level == "DEBUG" or not crawler.settings.getbool("CONGDOAN_QUIET_LOGS"):
            raise NotConfigured
        ext = cls()
        # Scrapy installs a fresh root handler once the extensions are built (and
        # again for every crawler of a run): filter it when the engine starts.
        crawler.signals.connect(ext.install, signal=signals.engine_started)
        install()
        return ext

    def install(self) -> None:
        """Filter the root log handlers as they are now."""
        install()


def install() -> None:
    """Add ``OneLineErrors`` to every root log handler that lacks it, and let the root
    logger refuse what no handler would show."""
    root = logging.getLogger()
    for handler in root.handlers:
        if not any(isinstance(f, OneLineErrors) for f in handler.filters):
            handler.addFilter(OneLineErrors())
    # Scrapy sets the root logger to NOTSET and filters at its handler, so the DEBUG
    # records it logs for every response ("Crawled (200) ...") were built, with their
    # caller looked up, and then dropped: 1.7 % of a crawl's GIL time. Scrapy sets
    # NOTSET again for each crawler's handler, before this runs.
    floor = min((handler.level for handler in root.handlers), default=logging.NOTSET)
    if floor > root.level:
        root.setLevel(floor)
