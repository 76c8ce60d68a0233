"""What every CMS family's spider shares: its registry site and the crawl runtime's hand-over.

A family writes navigation only. The site lock, the database check, the
resume folder, the known items and the reconciliation decision come from the
crawl runtime extension (``congdoan.extensions.runtime``), which sets
``policy``, ``known`` and ``validators`` before the crawl starts; until then a
spider crawls everything.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

import scrapy

from congdoan import incremental
from congdoan.registry import RegistryError, Site, load_registry


class SiteSpider(scrapy.Spider):
    """A spider for one registry site of the CMS family ``cms``: ``-a site=ID``."""

    cms: ClassVar[str]  # the registry ``cms`` this family crawls

    def __init__(self, site: str | None = None, registry: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not site:
            raise ValueError(f"the {self.name} spider needs a site: -a site=<registry id>")
        try:
            self.site: Site = load_registry(registry).get(site)
        except KeyError as exc:
            raise RegistryError(exc.args[0]) from None
        if self.site.cms != self.cms:
            raise RegistryError(f"site {site}: cms is {self.site.cms!r}, not {self.cms!r}: "
                                f"crawl it with the {self.site.cms} spider")
        self.site_id = self.site.id
        self.allowed_domains = list(self.site.domains)
        self.failures: list[dict[str, str]] = []
        self.policy = incremental.CrawlPolicy(full=True, reconcile=True)
        self.known: incremental.KnownSet | None = None
        self.validators: incremental.ValidatorStore | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Self:
        """Build the spider, then apply the site's politeness overrides to the crawl settings."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        apply_politeness(crawler, spider.site)
        return spider


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
