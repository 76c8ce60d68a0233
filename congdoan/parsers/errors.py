"""The one exception every parser raises for a page that is not what it expects."""

from __future__ import annotations


class ParseError(ValueError):
    """A page is not the kind the parser was asked to read.

    ``str(err)`` is one line, ``<url>: <what>``, so that a crawl log or a CLI
    message says both which page failed and which landmark was missing.
    """

    def __init__(self, url: str, what: str) -> None:
        self.url = url
        self.what = " ".join(what.split())
        super().__init__(f"{url}: {self.what}")


class NotAnArticle(ParseError):
    """A page that says it is no article (an about page, a listing): skipped, not failed."""
