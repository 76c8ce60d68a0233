"""Orchestration: what runs crawls and other work, above the crawl layer.

``runner`` runs one or many sites' crawls in one process, ``queue`` turns due sites
into jobs on Redis and runs them, ``worker`` is the process that takes queued jobs,
``reparse`` re-reads archived pages. They import spiders, storage and the scheduler's
configuration; nothing in ``runtime/`` or ``storage/`` imports them.
"""
