"""The memory extension: free heap pages go back to the OS, one timer per process."""

from __future__ import annotations

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from congdoan.extensions import memory
from congdoan.extensions.memory import MemoryTrim, release_free_memory
from tests.inprocess import project_crawler


def _rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))


def test_trimming_returns_freed_memory_to_the_os() -> None:
    # Many small blocks freed out of order leave holes glibc keeps; trimming returns them.
    blocks = [bytearray(4000) for _ in range(40_000)]  # ~160 MB below the mmap threshold
    del blocks[::2]
    before = _rss_kb()
    del blocks
    assert release_free_memory() is True
    assert _rss_kb() < before - 50_000


def test_one_timer_for_every_crawler_of_the_process() -> None:
    crawlers = [get_crawler(settings_dict={"CONGDOAN_MEMORY_TRIM_INTERVAL": 60})
                for _ in range(2)]
    first, second = (MemoryTrim.from_crawler(c) for c in crawlers)
    first.spider_opened()
    timer = MemoryTrim._timer
    second.spider_opened()
    assert timer is not None and timer.running and MemoryTrim._timer is timer
    first.spider_closed()
    assert MemoryTrim._timer is timer and timer.running  # one crawler still open
    second.spider_closed()
    assert MemoryTrim._timer is None and not timer.running


def test_interval_zero_turns_it_off() -> None:
    with pytest.raises(NotConfigured):
        MemoryTrim.from_crawler(get_crawler(settings_dict={"CONGDOAN_MEMORY_TRIM_INTERVAL": 0}))


def test_without_malloc_trim_it_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_MALLOC_TRIM", None)
    assert release_free_memory() is False
    with pytest.raises(NotConfigured):
        MemoryTrim.from_crawler(project_crawler())
