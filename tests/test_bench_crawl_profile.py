"""bench.crawl_profile sums callgrind's per-thread, per-part files as documented."""

from __future__ import annotations

from pathlib import Path

from bench.crawl_profile import thread_counts


def _write(path: Path, total: int) -> None:
    path.write_text(f"version: 1\ncreator: callgrind-3.19.0\nsummary: {total}\n"
                    f"totals: {total}\n", encoding="utf-8")


def test_the_reactor_span_is_the_second_part_of_thread_one(tmp_path: Path) -> None:
    out = tmp_path / "full.callgrind"
    for name, total in (("full.callgrind.1-01", 700), ("full.callgrind.2-01", 300),
                        ("full.callgrind-01", 50), ("full.callgrind-02", 400),
                        ("full.callgrind-03", 5), ("bare.callgrind-01", 9999)):
        _write(tmp_path / name, total)
    assert thread_counts(out) == {"all_threads": 1455, "reactor": 1050, "reactor_span": 300}
    for name in ("full.callgrind.1-01", "full.callgrind.2-01"):
        (tmp_path / name).unlink()
    assert thread_counts(out) == {"all_threads": 455, "reactor": 50}  # no span marks
