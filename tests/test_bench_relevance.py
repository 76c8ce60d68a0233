"""The relevance benchmark: its judged query set is well formed and names real items."""

from __future__ import annotations

from collections import Counter

from bench.relevance_corpus import corpus, load_judged

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
