"""Scrapy extensions: crawl-wide concerns wired by settings."""
