"""Benchmark ``parse_vn_date`` against plain ``dateparser.parse`` on the date sample.

Run ``python bench/dates.py [repeats]``; ``run()`` returns the figures for a
later ``python -m bench``. Both parsers see the same 74 labelled cases. Each
repetition times one pass over the sample (many passes for ours, which is too
fast to time in one); the reported rate is the median over repetitions.

dateparser reports no precision, so it is judged generously: its datetime is
compared at the granularity the sample expects (a date-only case passes if
the calendar day is right, whatever time it adds). It cannot express a
range, so range cases count against it.

``run_portal()`` does the same on every date string of a simulated portal
(articles' ``published_text``, documents' ``issued_text``, ``effective_text``
and ``expires_text``, taken from the simulator's truth), each judged against
the truth's ``published_at`` (to the second) or ISO date.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).resolve().parents[1] / "tests/fixtures/normalize/vi_dates_sample.jsonl"
DATEPARSER_SETTINGS = {
    "DATE_ORDER": "DMY",
    "TIMEZONE": "Asia/Ho_Chi_Minh",
    "RETURN_AS_TIMEZONE_AWARE": True,
}
OUR_PASSES = 50  # passes over the sample per timed repetition of our parser


def load_cases(path: Path = SAMPLE) -> list[dict[str, Any]]:
    """The labelled cases, one dict per JSON line."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _reference(case: dict[str, Any]) -> datetime | None:
    return datetime.fromisoformat(case["reference"]) if "reference" in case else None


def _ours_right(result: Any, expected: Any) -> bool:
    if result is None or expected is None:
        return result is expected
    if isinstance(expected, dict):
        return (
            result.end is not None
            and {
                "start": result.iso(),
                "end": result.end_iso(),
            }
            == expected
        )
    return result.end is None and result.iso() == expected


def _dateparser_right(value: datetime | None, expected: Any) -> bool:
    if value is None or expected is None:
        return value is expected
    if isinstance(expected, dict):
        return False
    if "T" in expected:
        return value.isoformat(timespec="seconds") == expected
    return value.isoformat()[: len(expected)] == expected


def _rate(func: Any, count: int, repeats: int) -> float:
    """Median parses per second of ``func()``, which parses ``count`` strings."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        timings.append(time.perf_counter() - start)
    return count / statistics.median(timings)


def run(repeats: int = 5) -> dict[str, float | int]:
    """Accuracy and speed of both parsers on the sample; see the module docstring."""
    return _compare(load_cases(), repeats, OUR_PASSES)


def _compare(cases: list[dict[str, Any]], repeats: int, passes: int) -> dict[str, float | int]:
    """Accuracy and median parses/s of both parsers on ``cases`` (text, expected[, reference])."""
    import dateparser

    from congdoan.normalize.dates import parse_vn_date

    inputs = [(c["text"], _reference(c)) for c in cases]
    # Relative cases get their reference time, as ours do; otherwise the exact settings.
    dp_inputs = [
        (t, DATEPARSER_SETTINGS if ref is None else {**DATEPARSER_SETTINGS, "RELATIVE_BASE": ref})
        for t, ref in inputs
    ]

    def ours() -> list[Any]:
        return [parse_vn_date(text, now=ref) for text, ref in inputs]

    def ours_many() -> None:
        for _ in range(passes):
            for text, ref in inputs:
                parse_vn_date(text, now=ref)

    def theirs() -> list[datetime | None]:
        return [dateparser.parse(t, languages=["vi"], settings=s) for t, s in dp_inputs]

    # The first pass pays for imports and caches; neither parser is timed on it.
    our_results, their_results = ours(), theirs()
    expected = [c["expected"] for c in cases]
    ours_per_s = _rate(ours_many, len(cases) * passes, repeats)
    dateparser_per_s = _rate(theirs, len(cases), repeats)
    return {
        "ours_per_s": ours_per_s,
        "dateparser_per_s": dateparser_per_s,
        "speedup": ours_per_s / dateparser_per_s,
        "accuracy_ours": sum(map(_ours_right, our_results, expected)) / len(cases),
        "accuracy_dateparser": sum(map(_dateparser_right, their_results, expected)) / len(cases),
        "cases": len(cases),
    }


def portal_cases(articles: int, documents: int, sites: int = 3) -> list[dict[str, Any]]:
    """Date strings of simulated portals with their expected values, in the sample's shape."""
    from congdoan.sim import Portal, default_portals

    cases: list[dict[str, Any]] = []
    for spec in default_portals(sites, articles, documents, seed=9):
        truth = Portal(spec, "http://127.0.0.1").truth()
        for article in truth["articles"]:
            expected = datetime.fromisoformat(article["published_at"])
            cases.append({"text": article["published_text"],
                          "expected": expected.isoformat(timespec="seconds")})
        for doc in truth["documents"]:
            for shown, iso in (("issued_text", "issued_on"), ("effective_text", "effective_on"),
                               ("expires_text", "expires_on")):
                if doc[shown]:
                    cases.append({"text": doc[shown], "expected": doc[iso]})
    return cases


def run_portal(articles: int = 300, documents: int = 80, repeats: int = 5
               ) -> dict[str, float | int]:
    """``run()`` on the date strings of three simulated portals instead of the sample."""
    cases = portal_cases(articles, documents)
    return _compare(cases, repeats, passes=max(1, 5000 // len(cases)))


def render(figures: dict[str, float | int]) -> str:
    """The figures as a small markdown table."""
    return "\n".join(
        [
            f"Vietnamese dates, {figures['cases']} sample cases",
            "",
            "| parser | accuracy | parses/s |",
            "| --- | ---: | ---: |",
            f"| congdoan parse_vn_date | {figures['accuracy_ours']:.1%} "
            f"| {figures['ours_per_s']:,.0f} |",
            f"| dateparser.parse (vi, DMY) | {figures['accuracy_dateparser']:.1%} "
            f"| {figures['dateparser_per_s']:,.0f} |",
            "",
            f"speed-up: {figures['speedup']:.0f}x",
        ]
    )


if __name__ == "__main__":
    # Run as a script, the repository root is not on sys.path yet.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    print(render(run(int(sys.argv[1]) if len(sys.argv) > 1 else 5)))
