"""Scrapy commands congdoan overrides (``COMMANDS_MODULE``): ``scrapy crawl`` exit codes."""
