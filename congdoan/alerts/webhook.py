"""Alert webhooks: a JSON POST signed with HMAC-SHA256, with timeouts and retries.

Headers: ``X-Congdoan-Signature: sha256=<hex HMAC-SHA256 of the raw body with
the watch's secret>``, ``X-Congdoan-Delivery: <delivery ids>`` (the same ids on
a resend: receivers can drop duplicates). A 2xx answer is success.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from congdoan.storage.models import Delivery, Watch
from congdoan.storage.watches import shown_day

SIGNATURE_HEADER = "X-Congdoan-Signature"
DELIVERY_HEADER = "X-Congdoan-Delivery"
TIMEOUT = 10.0  # seconds for one request; CONGDOAN_WEBHOOK_TIMEOUT overrides it
ATTEMPTS = 3
BACKOFF = 0.5  # seconds, doubled after each failed attempt


def sign(secret: str, body: bytes) -> str:
    """The signature header value for ``body``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def payload(watch: Watch, items: Sequence[Delivery]) -> dict[str, Any]:
    """The JSON document a webhook receives."""
    return {
        "watch": watch.name,
        "sent_at": datetime.now(UTC).isoformat(),
        "items": [{"delivery_id": d.id, "kind": d.kind, "id": d.item_id, "change": d.change,
                   "title": d.title, "url": d.url, "site": d.site, "date": shown_day(d.item_date),
                   "content_hash": d.content_hash} for d in items],
    }


def request_timeout() -> float:
    """Seconds one request may take: ``CONGDOAN_WEBHOOK_TIMEOUT``, else ``TIMEOUT``."""
    text = os.environ.get("CONGDOAN_WEBHOOK_TIMEOUT", "").strip()
    if not text:
        return TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:
        raise ValueError(f"CONGDOAN_WEBHOOK_TIMEOUT must be seconds from 0 to 3600, got {text!r}")
    return seconds


def post(watch: Watch, items: Sequence[Delivery], *, attempts: int = ATTEMPTS,
         backoff: float = BACKOFF, timeout: float | None = None) -> None:
    """POST the items to the watch's URL; retries with backoff, raises after the last try.

    ``timeout``: seconds for one request (default ``request_timeout()``).
    """
    timeout = request_timeout() if timeout is None else timeout
    if not watch.webhook_url or not watch.webhook_url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {watch.webhook_url!r}")
    body = json.dumps(payload(watch, items), ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8",
               SIGNATURE_HEADER: sign(watch.secret or "", body),
               DELIVERY_HEADER: ",".join(str(d.id) for d in items),
               "User-Agent": "congdoan-alerts"}
    error: Exception | None = None
    for attempt in range(attempts):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        request = urllib.request.Request(watch.webhook_url, data=body, headers=headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                if 200 <= response.status < 300:
                    return
                error = RuntimeError(f"HTTP {response.status}")
        except urllib.error.HTTPError as exc:
            error = RuntimeError(f"HTTP {exc.code}")
        except (urllib.error.URLError, OSError) as exc:
            error = exc
    raise RuntimeError(f"webhook {watch.webhook_url}: {error}")
