"""The crawl runtime: running crawls, incremental rules, locks, signals, outcomes, health."""
