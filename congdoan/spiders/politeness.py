"""A registry site's politeness overrides, applied to its crawl's settings by every spider."""

from __future__ import annotations

from typing import Any

from congdoan.registry import Site


def apply_politeness(crawler: Any, site: Site) -> None:
    """Set the site's delay and concurrency (``[site.politeness]``) at spider priority."""
    manners = site.politeness
    overrides = {
        "DOWNLOAD_DELAY": manners.download_delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": manners.concurrency,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": manners.autothrottle_target,
    }
    for key, value in overrides.items():
        if value is not None:
            crawler.settings.set(key, value, priority="spider")
