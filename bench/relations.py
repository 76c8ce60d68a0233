"""``python -m bench.relations``: the relation reader against the judged set.

The judged set (``tests/fixtures/relations/judged.jsonl``) holds texts in the
patterns of real union and state documents, written by hand with their
expected relations and effective statement. The figures, as issue 23 asks:

- relation precision, recall and F1 over (type, target code, kind, date, scope);
- the share of texts that state no relation on which none is read;
- the share of texts whose effective statement (or its absence) is read right.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from congdoan.normalize.relations import find_effective, find_relations

JUDGED = Path(__file__).resolve().parent.parent / "tests/fixtures/relations/judged.jsonl"
FIELDS = ("type", "target_code", "target_kind", "target_date", "scope")


def load(path: Path = JUDGED) -> list[dict[str, Any]]:
    """The judged cases, one dict a line."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def score(cases: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of the reader on ``cases``, with every miss listed under ``wrong``."""
    tp = fp = fn = 0
    none_total = none_right = 0
    effective_stated = effective_stated_right = effective_right = 0
    wrong: list[dict[str, Any]] = []
    for case in cases:
        expected = {tuple(r[f] for f in FIELDS) for r in case["relations"]}
        got = {tuple(r.as_dict()[f] for f in FIELDS) for r in find_relations(case["text"])}
        tp += len(expected & got)
        fp += len(got - expected)
        fn += len(expected - got)
        if not expected:
            none_total += 1
            none_right += not got
        found = find_effective(case["text"])
        effect = None if found is None else {"kind": found.kind, "date": found.date,
                                             "days": found.days}
        effective_right += effect == case["effective"]
        if case["effective"] is not None:
            effective_stated += 1
            effective_stated_right += effect == case["effective"]
        if expected != got or effect != case["effective"]:
            wrong.append({"id": case["id"], "missed": sorted(expected - got),
                          "extra": sorted(got - expected), "effective": effect,
                          "expected_effective": case["effective"]})
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "texts": len(cases),
        "relations": tp + fn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "texts_without_relation": none_total,
        "none_right": none_right / none_total if none_total else 1.0,
        "texts_with_effective": effective_stated,
        "effective_right": effective_right / len(cases) if cases else 1.0,
        "effective_stated_right": (effective_stated_right / effective_stated
                                   if effective_stated else 1.0),
        "wrong": wrong,
    }


def report(figures: dict[str, Any]) -> str:
    """One line per figure, as the test and the bench print them."""
    return (
        f"relations on {figures['texts']} judged texts ({figures['relations']} relations): "
        f"P {figures['precision']:.3f} R {figures['recall']:.3f} F1 {figures['f1']:.3f}; "
        f"no relation read on {figures['none_right']:.1%} of the "
        f"{figures['texts_without_relation']} texts that state none; "
        f"effective statement right on {figures['effective_right']:.1%} of all texts "
        f"({figures['effective_stated_right']:.1%} of the {figures['texts_with_effective']} "
        f"that state one)"
    )


def main() -> int:
    figures = score(load())
    print(report(figures))
    for miss in figures["wrong"]:
        print(" ", json.dumps(miss, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
