"""congdoan.spiders: one spider per CMS family, chosen by the registry's ``cms``."""

from __future__ import annotations

import scrapy


def spider_for(cms: str) -> type[scrapy.Spider]:
    """The spider class that crawls sites of ``cms`` (a ``CRAWLABLE_CMS`` value)."""
    if cms == "wordpress":
        from congdoan.spiders.wordpress import WordPressSpider

        return WordPressSpider
    if cms == "generic":
        from congdoan.spiders.generic import GenericSpider

        return GenericSpider
    from congdoan.spiders.nukeviet import NukeVietSpider

    return NukeVietSpider
