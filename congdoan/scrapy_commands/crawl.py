"""``scrapy crawl``, with congdoan's exit codes and one line instead of a traceback.

Scrapy's own command exits 1 for any crawl that could not start and 0 for any
that ran, whatever it stored. congdoan's crawl runtime refuses a crawl with an
exception before any request (``LockHeld``, ``DatabaseUnusable``) and a store
pipeline whose database fails mid-crawl closes the spider with the reason
``database_error``; this command maps both, exactly as ``congdoan crawl`` does:
0 ok, 1 failed, 2 unusable database or bad setting, 3 partial or interrupted,
4 refused because another crawl of the site holds its lock, 5 degraded (spider health).
"""

from __future__ import annotations

import argparse
import logging
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError
from twisted.internet.defer import Deferred

from congdoan.extensions.ledger import STAT_STATUS
from congdoan.runtime.exitcodes import EXIT_DEGRADED, EXIT_FAILED, EXIT_LOCKED, EXIT_USAGE
from congdoan.runtime.health import STAT_VERDICT
from congdoan.runtime.locks import LockHeld
from congdoan.runtime.outcome import STATUS_EXIT
from congdoan.storage.check import DatabaseUnusable

logger = logging.getLogger(__name__)


class Command(ScrapyCrawl):
    """``scrapy crawl <spider>`` whose exit code says what the crawl did."""

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        """Run the spider; set ``exitcode`` from the refusal or the crawl's outcome."""
        if len(args) != 1:
            raise UsageError("give exactly one spider: scrapy crawl nukeviet -a site=<id>")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        refused: list[int] = []
        done = self.crawler_process.crawl(crawler, **opts.spargs)
        if isinstance(done, Deferred):
            done.addErrback(lambda failure: self._refused(failure.value, refused))
        else:  # an asyncio task (AsyncCrawlerProcess)
            done.add_done_callback(lambda task: task.cancelled() or task.exception() is None
                                   or self._refused(task.exception(), refused))
        self.crawler_process.start()
        if refused:
            self.exitcode = refused[0]
        elif crawler.stats is not None and crawler.stats.get_value("finish_reason"):
            # The run ledger decided the status once (congdoan.extensions.ledger).
            stats = crawler.stats.get_stats()
            status = stats.get(STAT_STATUS, "failed")
            degraded = status != "failed" and stats.get(STAT_VERDICT) == "degraded"
            self.exitcode = EXIT_DEGRADED if degraded else STATUS_EXIT.get(status, EXIT_FAILED)
        elif self.crawler_process.bootstrap_failed:
            self.exitcode = EXIT_FAILED

    @staticmethod
    def _refused(error: BaseException | None, refused: list[int]) -> None:
        """One line on stderr for a crawl that could not start, and its exit code."""
        if isinstance(error, LockHeld):
            code = EXIT_LOCKED
        elif isinstance(error, DatabaseUnusable | ValueError):
            code = EXIT_USAGE
        else:
            code = EXIT_FAILED
        logger.debug("the crawl could not start", exc_info=error)
        print(f"error: {error}", file=sys.stderr)
        refused.append(code)

    def short_desc(self) -> str:
        """Shown by ``scrapy -h``."""
        return "Run a spider (congdoan: exit 2 unusable database, 3 partial, 4 locked, 5 degraded)"
