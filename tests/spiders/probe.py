"""A spider of "another CMS family": navigation only, everything else from the crawl runtime.

It declares ``site_id`` and nothing else; the runtime extension gives it the
lock, the resume folder, what storage holds and the reconciliation decision.
It writes what it was given to ``out`` (JSON) for the test to read.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.http import Response

from congdoan import paths
from congdoan.runtime.locks import holder_of


class ProbeSpider(scrapy.Spider):
    """``scrapy runspider tests/spiders/probe.py -a site=sim1 -a base_url=… -a out=…``."""

    name = "probe"

    def __init__(self, site: str, base_url: str, out: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.site_id = site
        self.base_url = base_url
        self.out = out
        self.known: Any = None
        self.policy: Any = None

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """One page of the portal: enough to look at what the runtime handed over."""
        yield scrapy.Request(self.base_url + "/", callback=self.parse)

    def parse(self, response: Response) -> None:
        """Record the state the runtime gave this spider."""
        holder = holder_of(paths.data_dir(self.settings), self.site_id)
        with open(self.out, "w", encoding="utf-8") as handle:
            json.dump({"known": len(self.known) if self.known is not None else None,
                       "reconcile": self.policy.reconcile, "full": self.policy.full,
                       "lock_pid": holder.pid if holder else None, "pid": os.getpid(),
                       "jobdir": self.settings.get("JOBDIR")}, handle)
