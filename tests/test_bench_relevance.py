"""The relevance benchmark: its judged query set is well formed and names real items."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest

from bench import relevance
from bench.relevance import FoldedBM25, StrongBM25, ndcg_at, precision_at_1, recall_at
from bench.relevance_corpus import corpus, load_judged
from tests.conftest import PG_URL

CLASSES = {"topical", "topical_no_diacritics", "type_topic", "code", "name", "short"}


def test_judged_set_is_well_formed_and_every_key_is_a_corpus_item() -> None:
    """At least 40 queries over every class, each with a note and a grade-2 or grade-1 item;
    grades are 1 or 2 (unjudged = 0); every judged key names an item of the corpus."""
    queries = load_judged()
    keys = {item.key for item in corpus()}
    assert len(queries) >= 40
    assert set(Counter(q["class"] for q in queries)) == CLASSES
    assert len({q["text"] for q in queries}) == len(queries)  # no query twice
    for q in queries:
        assert q["text"].strip() and q["note"].strip(), q
        assert q["judgments"], q["text"]
        assert set(q["judgments"].values()) <= {1, 2}, q["text"]
        assert set(q["judgments"]) <= keys, q["text"]


def test_ndcg_on_hand_computed_cases() -> None:
    """Gain 2^g - 1, discount log2(rank + 1), ideal from the judgments, cut at k."""
    judged = {"a": 2, "b": 1}
    assert ndcg_at(["a", "b"], judged) == pytest.approx(1.0)
    # DCG = 1/log2(2) + 3/log2(3) = 2.89279; ideal = 3 + 1/log2(3) = 3.63093
    assert ndcg_at(["b", "a"], judged) == pytest.approx(2.892789 / 3.630930, abs=1e-6)
    assert ndcg_at(["x", "a"], {"a": 2}) == pytest.approx(1 / math.log2(3))  # 3/log2(3) / 3
    assert ndcg_at(["x", "a", "b"], judged) == pytest.approx(
        (3 / math.log2(3) + 1 / math.log2(4)) / (3 + 1 / math.log2(3)))  # a 2nd, b 3rd
    assert ndcg_at([f"x{i}" for i in range(10)] + ["a"], {"a": 2}) == 0.0  # past the cut
    assert ndcg_at([], judged) == 0.0
    assert ndcg_at(["a"], {}) == 0.0


def test_precision_and_recall_on_hand_computed_cases() -> None:
    """P@1: the first hit has the query's best grade; R@10 over min(10, judged items)."""
    assert precision_at_1(["a", "b"], {"a": 2, "b": 1}) == 1.0
    assert precision_at_1(["b", "a"], {"a": 2, "b": 1}) == 0.0
    assert precision_at_1(["b"], {"b": 1}) == 1.0  # no grade 2 in this query: 1 is the best
    assert precision_at_1([], {"a": 2}) == 0.0
    assert recall_at(["a", "x"], {"a": 1, "b": 2}) == 0.5
    many = {f"r{i}": 1 for i in range(12)}
    assert recall_at([f"r{i}" for i in range(5)] + ["x"] * 5, many) == 0.5  # 5 of min(10, 12)


def test_baselines_rank_by_idf_and_the_strong_one_by_the_diacritics_typed() -> None:
    """The folded BM25 puts the rare word's item first and leaves out items without the
    words; bm25s with exact tokens ranks 'thị' above 'thi' for the query 'thị'."""
    folded = FoldedBM25({"rare": ["hoi", "thao"], "common": ["hoi", "nghi"],
                         "also": ["hoi", "nghi"], "none": ["tet"]})
    assert folded.rank("hội thao") == ["rare", "also", "common"]
    strong = StrongBM25({"exam": ("Hội thi cán bộ", ""), "town": ("thị xã Quảng Trị", "")})
    assert strong.rank("thị")[0] == "town"
    assert strong.rank("thi")[0] == "exam"


def test_relevance_bench_ranks_corpus_items_on_both_databases(pg_schemas: Any) -> None:
    """The whole benchmark on SQLite and PostgreSQL: every item stored, every class measured
    for the three systems, and every hit of congdoan's search maps to a corpus item."""
    del pg_schemas  # requested for its verdict: PostgreSQL is reachable (or skip; fail in CI)
    report = relevance.run(pg_url=PG_URL)
    keys = {item.key for item in corpus()}
    assert report["items"] == len(keys) and report["queries"] == len(load_judged())
    for backend in ("sqlite", "postgresql"):
        figures = report[backend]
        assert figures["database"] == {**figures["database"], "records": len(keys), "failed": 0}
        for system in relevance.SYSTEMS:
            classes = figures[system]["classes"]
            assert set(classes) == CLASSES | {"overall"}
            assert 0.0 < classes["overall"]["ndcg10"] <= 1.0
        for row in figures["congdoan"]["queries"]:
            assert set(row["top"]) <= keys, row
    assert "| relevance, postgresql: class |" in "\n".join(relevance.render(report))
