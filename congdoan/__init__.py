"""congdoan: crawl Vietnamese trade-union portals for articles and legal documents."""

__version__ = "0.1.0"
