"""Pairwise precision and recall of a clustering against the truth (the measure of issue #23).

Every pair of postings is a decision: same story or not. Precision is the share
of pairs put together that belong together; recall the share of pairs that
belong together that were put together. Postings alone in their story make no
pair; they count only through the pairs they are (wrongly) part of.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class PairScores:
    """Pair counts and the figures drawn from them."""

    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        """Share of predicted pairs that are right (1.0 when nothing was paired)."""
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        """Share of true pairs found (1.0 when there were none)."""
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(clusters: Mapping[Hashable, Hashable]) -> set[frozenset[Hashable]]:
    groups: dict[Hashable, list[Hashable]] = defaultdict(list)
    for item, cluster in clusters.items():
        groups[cluster].append(item)
    return {frozenset(pair) for members in groups.values()
            for pair in combinations(members, 2)}


def pair_scores(predicted: Mapping[Hashable, Hashable],
                truth: Mapping[Hashable, Hashable]) -> PairScores:
    """Score ``predicted`` (item -> story) against ``truth`` over the items both know."""
    common = predicted.keys() & truth.keys()
    want = _pairs({k: truth[k] for k in common})
    got = _pairs({k: predicted[k] for k in common})
    return PairScores(len(want), len(got), len(want & got))
