"""Custom Scrapy signals congdoan components send to each other."""

# Sent by a spider when a page could not be turned into an item: arguments
# ``site`` (registry id), ``url``, ``reason`` (one readable line), ``kind``
# ("article", "document", "listing", "feed").
page_failed = object()

# Sent by a spider when a listing page or feed was read: ``site``, ``url``.
# A listing that failed on an earlier run is then resolved in the ledger.
page_read = object()
