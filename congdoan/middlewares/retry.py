"""Retries that wait: exponential backoff, ``Retry-After`` honoured, incomplete pages retried.

Scrapy's ``RetryMiddleware`` re-queues a failed request at once, so a portal
answering 503 under load is hit again immediately, and a 429's
``Retry-After`` is ignored. This subclass keeps its rules (``RETRY_TIMES``,
``RETRY_HTTP_CODES``, ``RETRY_EXCEPTIONS``, ``dont_retry``) and adds:

* a wait before each retry: ``Retry-After`` when the portal sends one (up to
  ``CONGDOAN_RETRY_AFTER_MAX`` seconds; a longer wait is not worth holding the
  crawl for, so the page fails now and is retried next run), otherwise
  ``CONGDOAN_RETRY_BACKOFF * 2**(n-1)`` capped at ``CONGDOAN_RETRY_BACKOFF_MAX``;
* incomplete HTML pages (an empty 200, a page cut before ``</html>``: the
  PHP process died mid-render) are retried like a 503, and when retries run
  out the request fails with ``IncompletePage`` instead of reaching the
  parser, so half an article never reaches the database.

Waiting happens in the middleware coroutine: the download slot is free
meanwhile and other pages keep flowing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import deferred_to_future
from twisted.internet import task

# Requests whose bodies congdoan parses as HTML pages (set by the spider).
HTML_PAGE_KINDS = frozenset({"article", "document", "listing"})
_HTML_END = re.compile(rb"</html\s*>", re.I)


class IncompletePage(IgnoreRequest):
    """An HTML page that arrived incomplete on every try: not parsed, reported as failed."""


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or HTTP-date), else ``None``."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_seconds(retry_number: int, base: float, cap: float) -> float:
    """Wait before retry ``retry_number`` (1, 2, …): ``base * 2**(n-1)``, at most ``cap``."""
    return min(cap, base * 2 ** max(0, retry_number - 1))


def incomplete_page(request: Request, response: Response) -> str | None:
    """Why a 200 HTML page the spider will parse is incomplete, or ``None`` when it is whole."""
    if response.status != 200 or request.meta.get("congdoan_kind") not in HTML_PAGE_KINDS:
        return None
    content_type = response.headers.get(b"Content-Type", b"text/html").lower()
    if b"html" not in content_type:
        return None
    if not response.body.strip():
        return "empty page"
    # Every NukeViet page (and every real page saved in the fixtures) ends with
    # </html>; a page without it was cut off mid-render.
    if not _HTML_END.search(response.body, max(0, len(response.body) - 65536)):
        return "truncated page (no </html>)"
    return None


class BackoffRetryMiddleware(RetryMiddleware):
    """``RetryMiddleware`` with waits, ``Retry-After`` and incomplete-page retries."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("CONGDOAN_RETRY_BACKOFF")
        self.backoff_max = settings.getfloat("CONGDOAN_RETRY_BACKOFF_MAX")
        self.retry_after_max = settings.getfloat("CONGDOAN_RETRY_AFTER_MAX")

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:
            from twisted.internet import reactor

            await deferred_to_future(task.deferLater(reactor, seconds, lambda: None))

    def _retry_wait(self, retry: Request) -> float:
        return backoff_seconds(retry.meta.get("retry_times", 1), self.backoff, self.backoff_max)

    async def process_response(self, request: Request, response: Response,
                               spider: Any = None) -> Request | Response:
        """Retry retryable statuses and incomplete pages, after a wait."""
        if request.meta.get("dont_retry", False):
            return response
        if response.status in self.retry_http_codes:
            asked = retry_after_seconds(response.headers.get(b"Retry-After"))
            if asked is not None and asked > self.retry_after_max:
                self.crawler.stats.inc_value("congdoan/retry/retry_after_too_long")
                return response  # fails now (HttpError), retried by the next run
            retry = self._retry(request, f"HTTP {response.status}")
            if retry is None:
                return response
            await self._wait(asked if asked is not None else self._retry_wait(retry))
            return retry
        problem = incomplete_page(request, response)
        if problem is None:
            return response
        retry = self._retry(request, problem)
        if retry is None:
            raise IncompletePage(f"{problem}, on every try")
        await self._wait(self._retry_wait(retry))
        return retry

    async def process_exception(self, request: Request, exception: Exception,
                                spider: Any = None) -> Request | Response | None:
        """Retry network errors (timeouts, resets, refused connections) after a wait."""
        if isinstance(exception, self.exceptions_to_retry) and not request.meta.get(
            "dont_retry", False
        ):
            retry = self._retry(request, exception)
            if retry is not None:
                await self._wait(self._retry_wait(retry))
            return retry
        return None
