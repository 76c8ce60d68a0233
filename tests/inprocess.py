"""Scrapy components built in this process with the project's settings (``get_crawler``).

For tests of a spider callback, a pipeline or an extension where a whole crawl
is not the point: no child process, no reactor; the settings are those of a
real crawl (``congdoan.settings``, which components read without fallbacks).
"""

from __future__ import annotations

from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from congdoan import settings as project

# get_crawler decides the reactor for a test process (none is running here).
_REACTOR = ("TWISTED_REACTOR",)


def project_crawler(spidercls: type[scrapy.Spider] | None = None, **overrides: Any) -> Crawler:
    """A crawler with the project's settings plus ``overrides`` (``CONGDOAN_STORE=False``…)."""
    declared = {name: value for name, value in vars(project).items()
                if name.isupper() and name not in _REACTOR}
    return get_crawler(spidercls, settings_dict={**declared, **overrides})
