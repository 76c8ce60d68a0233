"""Custom Scrapy signals congdoan components send to each other."""

# Sent by a spider when a page could not be turned into an item: arguments
# ``site`` (registry id), ``url``, ``reason`` (one readable line), ``kind``
# ("article", "document", "listing", "feed") and ``cause``: "parse" when the page
# came but the parsers could not read it (spider health counts these), else "fetch".
page_failed = object()

# Sent by a spider when a listing page or feed was read: ``site``, ``url``, and
# for a listing page ``kind`` (of its items) and ``items`` (how many it showed).
# A listing that failed on an earlier run is then resolved in the ledger.
page_read = object()

# Sent by the run ledger (``congdoan.extensions.ledger``) once a finished run is judged
# (``congdoan.runtime.health``): ``site``, ``run_id``, ``verdict`` ("healthy" or
# "degraded"), ``reasons`` (lines).
run_judged = object()

# Sent by the run ledger when a crawl is over, after its record is written:
# ``outcome`` (``congdoan.extensions.ledger.RunOutcome``: status, failures, verdict, …).
# What a crawl did is read from here, never counted again.
run_finished = object()
