"""A pipeline for the health tests: it loses every third item of a kind without a word,
as a buggy pipeline or spider would (``DropItem``, no failure reported)."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

LOSE_KIND_SETTING = "TEST_LOSE_KIND"


class LoseEveryThird:
    """Drops the 3rd, 6th … item of ``TEST_LOSE_KIND`` silently."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.seen = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> LoseEveryThird:
        return cls(crawler.settings.get(LOSE_KIND_SETTING, "document"))

    def process_item(self, item: Any) -> Any:
        if item.get("kind") != self.kind:
            return item
        self.seen += 1
        if self.seen % 3 == 0:
            raise DropItem("lost on purpose by the test")
        return item
