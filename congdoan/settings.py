"""Scrapy settings for congdoan: polite by default, every value overridable.

Per-site politeness from the registry is applied on top by the spider
(``custom_settings`` cannot vary per site, so the spider's
``update_settings`` does it); ``congdoan crawl --set KEY=VALUE`` and
``scrapy crawl -s`` override both.
"""

from __future__ import annotations

from scrapy.settings import default_settings as _scrapy_defaults

from congdoan import __version__
from congdoan.runtime.lazy import with_stand_ins
from congdoan.vntime import VN_TZ_NAME

BOT_NAME = "congdoan"
SPIDER_MODULES = ["congdoan.spiders"]
NEWSPIDER_MODULE = "congdoan.spiders"

# Operators should point this at a page that says who runs the crawl and how
# to reach them; portals block anonymous bots.
CONGDOAN_CONTACT_URL = "https://github.com/congdoan/congdoan#contact"
USER_AGENT = f"congdoan/{__version__} (+{CONGDOAN_CONTACT_URL}; union-portal archive crawler)"

# --- manners -----------------------------------------------------------------
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
# Scrapy starts CONCURRENT_ITEMS asyncio tasks for every response's output; our
# pages yield one item or a few dozen requests. The default 100 made 46,000
# tasks for a 760-page crawl, ~8 % of its CPU (docs/benchmarks.md).
CONCURRENT_ITEMS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Pages downloaded but not yet parsed and stored, per crawler (Scrapy stops taking new
# requests above it; its default is 5 MB). Our parsing threads and the store are
# shared by every crawler of the process, so a bigger backlog only holds memory: at
# 500 kB (a dozen portal pages) the quick crawl peaks at 144 MB instead of 159-161 MB,
# and runs no slower (docs/benchmarks.md, session 10).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 500_000
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# NukeViet GETs need no cookies; every response sets four of them. Skipping the
# cookie middleware also avoids tldextract's public-suffix download offline.
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19 starts, by default, an HTTP server per crawler that runs Python code
# sent to it (token in a file under the user's home): not for an unattended nightly
# crawler, off here.
REMOTE_CONTROL_ENABLED = False
# Scrapy imports every component listed in its *_BASE settings, on or off; the remote
# control, the telnet console and the cookies middleware (aiohttp, twisted.conch,
# tldextract with requests) are imported only when their setting turns them on
# (congdoan/runtime/lazy.py): ~350 ms and ~10 MB less in every crawl process.
EXTENSIONS_BASE = with_stand_ins(_scrapy_defaults.EXTENSIONS_BASE)
DOWNLOADER_MIDDLEWARES_BASE = with_stand_ins(_scrapy_defaults.DOWNLOADER_MIDDLEWARES_BASE)

# --- robustness --------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024  # attachments can be large scans; pages are not
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 5
# Retries wait (exponential backoff, Retry-After honoured up to a limit) and
# incomplete pages (empty, cut before </html>) are retried, then reported
# failed instead of parsed: congdoan/middlewares/retry.py.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "congdoan.middlewares.retry.BackoffRetryMiddleware": 550,
}
CONGDOAN_RETRY_BACKOFF = 0.5  # seconds before the first retry; doubles each time
CONGDOAN_RETRY_BACKOFF_MAX = 30.0
CONGDOAN_RETRY_AFTER_MAX = 120.0  # a longer Retry-After fails the page (retried next run)
# Listing and detail requests handle their own redirects (soft 404s), see the spider.
HTTPERROR_ALLOWED_CODES: list[int] = []

# --- engine ------------------------------------------------------------------
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# Scrapy's downloader, with a portal's concurrency held when there is no download
# delay (Scrapy >= 2.14 on asyncio started the whole queue at once: runtime/downloader.py).
DOWNLOADER = "congdoan.runtime.downloader.SlotBoundDownloader"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"



# Fields written to --output files: everything except the raw bytes (archived separately).
CONGDOAN_EXPORT_EXCLUDE = ("raw_body",)
# Hard stop for a listing walk, in pages per section: a pagination loop on a
# broken portal must not run forever.
CONGDOAN_MAX_LISTING_PAGES = 5000
# Posts per WordPress REST API page (the API's own maximum is 100).
CONGDOAN_WP_PER_PAGE = 100


def _export_fields() -> list[str]:
    # Imported here so that reading settings does not need Scrapy items at import time elsewhere.
    from congdoan.items import ArticleItem, DocumentItem

    names = [*ArticleItem.fields, *(f for f in DocumentItem.fields if f not in ArticleItem.fields)]
    return [name for name in names if name not in CONGDOAN_EXPORT_EXCLUDE]


# `scrapy crawl nukeviet -a site=X -O items.jsonl` writes every field but the raw bytes.
FEED_EXPORT_FIELDS = _export_fields()

# --- crawl runtime -----------------------------------------------------------
# One component runs what every crawl of a site shares, whichever way it was
# started: the site lock, the database check, the resume folder (JOBDIR), what
# storage already holds and whether this crawl reconciles
# (congdoan/extensions/runtime.py, docs/crawl-runtime.md). It runs before
# Scrapy's own extensions (SpiderState reads JOBDIR).
# `scrapy crawl` maps a refused or failed crawl to congdoan's exit codes.
COMMANDS_MODULE = "congdoan.scrapy_commands"

# --- memory ------------------------------------------------------------------
# Freed heap pages go back to the OS every few seconds: without it a long
# crawl's RSS grows with the pages read (congdoan/extensions/memory.py).
EXTENSIONS = {
    # The crawl runtime first: lock, database check, job folder, known items.
    "congdoan.extensions.runtime.CrawlRuntime": -100,
    # The run ledger next: what the crawl did, counted once, its run record written once.
    "congdoan.extensions.ledger.RunLedger": -90,
    # Tracebacks only at LOG_LEVEL DEBUG (congdoan/extensions/quietlog.py).
    "congdoan.extensions.quietlog.QuietLogs": 10,
    "congdoan.extensions.memory.MemoryTrim": 600,
    "congdoan.extensions.health.FieldFillRates": 610,
}
CONGDOAN_MEMORY_TRIM_INTERVAL = 5.0  # seconds; 0 turns it off
# Errors as one line each (tracebacks only at LOG_LEVEL DEBUG); False shows them all.
CONGDOAN_QUIET_LOGS = True

# --- spider health (congdoan/runtime/health.py; README "Spider health") ---------------
CONGDOAN_HEALTH = True  # count fill rates, listed items and parse errors per kind
CONGDOAN_HEALTH_FILL_MARGIN = 0.25  # a field's fill rate may drop 25 points …
CONGDOAN_HEALTH_ERROR_MARGIN = 0.2  # … the parse-error share rise 20 points
CONGDOAN_HEALTH_MIN_ERRORS = 3  # fewer parse errors are never a trend
CONGDOAN_HEALTH_MIN_ITEMS = 5  # runs with fewer items of a kind give no fill rates
CONGDOAN_HEALTH_HISTORY = 10  # earlier runs a run is compared with
CONGDOAN_HEALTH_MIN_MISSING = 1  # listed items lost silently (not stored, not failed)

# --- pipelines (one concern each, in order) ----------------------------------
ITEM_PIPELINES = {
    "congdoan.pipelines.validate.ValidatePipeline": 100,
    "congdoan.pipelines.normalize.NormalizePipeline": 200,
    "congdoan.pipelines.attachments.AttachmentsPipeline": 300,
    "congdoan.pipelines.store.StorePipeline": 900,
}
# Database: None = $CONGDOAN_DATABASE_URL, else SQLite in the data directory.
CONGDOAN_DATABASE_URL: str | None = None
CONGDOAN_STORE = True
# One crawl per site: "auto" locks it in PostgreSQL (an advisory lock every machine
# sharing the database sees) and in <data>/locks on SQLite; "file" always the file.
CONGDOAN_SITE_LOCK = "auto"
CONGDOAN_STORE_BATCH = 100  # items per transaction …
CONGDOAN_STORE_BATCH_BYTES = 2 * 1024 * 1024  # … or fewer, once their raw pages reach this

# Data directory: None = $CONGDOAN_DATA_DIR, else ./data. The database, attachment
# files (FILES_STORE unless set), job queues, validators, locks and logs all live
# under it, resolved when a crawl starts (congdoan/paths.py).
CONGDOAN_DATA_DIR: str | None = None
CONGDOAN_ATTACHMENTS = True
CONGDOAN_ATTACHMENT_MAXSIZE = 50 * 1024 * 1024
CONGDOAN_TIMEZONE = VN_TZ_NAME
# After `congdoan crawl`, read the new attached files (OCR where needed); False
# leaves them to `congdoan ocr --pending`.
CONGDOAN_READ_FILES = True

# --- incremental crawling (see congdoan/runtime/incremental.py) ------------------------
# "incremental": skip stored detail pages and stop a listing after a page of stored
# items; "full": walk and fetch everything (a backfill). Without a database
# (CONGDOAN_STORE = False) every crawl is full.
CONGDOAN_CRAWL_MODE = "incremental"
# ISO date: ignore listed/sitemap/RSS items dated before it, stop listings there.
CONGDOAN_SINCE: str | None = None
# Fetch a stored detail page again once it was last seen this many days ago.
CONGDOAN_REFRESH_DAYS: float | None = None
# Sitemaps and RSS in incremental crawls: "auto" only for sites without known
# sections, "always", or "never". Full crawls always read them (unless "never").
CONGDOAN_FEEDS = "auto"
# Reconciliation: compare the portal's complete item lists (sitemaps, the whole laws
# list) with storage and fetch what is missing. "auto": when the last one is older
# than CONGDOAN_RECONCILE_DAYS; "always" (congdoan crawl --reconcile); "never".
CONGDOAN_RECONCILE = "auto"
CONGDOAN_RECONCILE_DAYS = 7.0
# Revalidate detail pages that sent an ETag (or a cacheable Last-Modified).
CONGDOAN_CONDITIONAL = True
# Keep Scrapy's JOBDIR under <data>/jobs/<site>: a killed crawl resumes.
CONGDOAN_RESUME = True
