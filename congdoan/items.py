"""Scrapy items: the records a spider yields, declared once.

Fields fall in three groups: provenance (where and when the page was fetched),
raw fields as the parser read them from the page (``*_text`` keep what was
displayed), and normalised fields that the pipelines fill in.
"""

from __future__ import annotations

import scrapy

PROVENANCE_FIELDS = (
    "site",  # registry id of the portal
    "url",  # URL as fetched (after redirects)
    "canonical_url",  # <link rel=canonical> or the URL rebuilt in the site's style
    "source_id",  # the CMS's own numeric id, when the URL carries one
    "fetched_at",  # ISO 8601 UTC time of the fetch
    "http_status",
    "body_sha256",  # sha256 hex of the raw response body
    "raw_body",  # the exact bytes fetched; archived then removed by the store pipeline
    "discovered_via",  # "listing", "sitemap", "rss", "rest" (WordPress API)
    "listed_text",  # date as shown where the item was discovered (listing/RSS/sitemap)
)


class _CrawledItem(scrapy.Item):
    """What every crawled item carries: its kind and its provenance (``PROVENANCE_FIELDS``)."""

    kind = scrapy.Field()  # "article" or "document"
    site = scrapy.Field()
    url = scrapy.Field()
    canonical_url = scrapy.Field()
    source_id = scrapy.Field()
    fetched_at = scrapy.Field()
    http_status = scrapy.Field()
    body_sha256 = scrapy.Field()
    raw_body = scrapy.Field()
    discovered_via = scrapy.Field()
    listed_text = scrapy.Field()


class ArticleItem(_CrawledItem):
    """A news article (tin bài)."""

    # as parsed
    title = scrapy.Field()
    published_text = scrapy.Field()
    author = scrapy.Field()
    source = scrapy.Field()
    category = scrapy.Field()
    category_path = scrapy.Field()
    summary = scrapy.Field()
    body_html = scrapy.Field()
    body_text = scrapy.Field()
    images = scrapy.Field()
    attachments = scrapy.Field()
    tags = scrapy.Field()
    modified_text = scrapy.Field()  # last change as the CMS gives it (WordPress), else absent
    # normalised by pipelines
    published_at = scrapy.Field()
    published_precision = scrapy.Field()
    references = scrapy.Field()
    content_hash = scrapy.Field()


class DocumentItem(_CrawledItem):
    """A legal document (văn bản) from the laws module."""

    # as parsed
    code = scrapy.Field()
    title = scrapy.Field()
    intro = scrapy.Field()
    body_text = scrapy.Field()
    issued_text = scrapy.Field()
    effective_text = scrapy.Field()
    expires_text = scrapy.Field()
    signer = scrapy.Field()
    issuer = scrapy.Field()
    category = scrapy.Field()
    field = scrapy.Field()
    views = scrapy.Field()
    downloads = scrapy.Field()
    attachments = scrapy.Field()
    # normalised by pipelines
    code_parsed = scrapy.Field()
    issued_on = scrapy.Field()
    effective_on = scrapy.Field()
    expires_on = scrapy.Field()
    content_hash = scrapy.Field()
