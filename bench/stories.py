"""``python -m bench.stories``: stories on the simulator's national news and provincial reposts.

Stores the scenario's articles through the real store code into SQLite (shuffled,
100 a transaction), then scores the stories pairwise against the scenario's
truth, and times the same store with story assignment switched off, side by
side, for the cost ratio. Prints one markdown table.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from congdoan.sim.stories import StoryScenario
from congdoan.storage import repository
from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.models import Article, StoryMember
from congdoan.storage.store import write_batch
from congdoan.stories.evaluate import PairScores, pair_scores


def records(scenario: StoryScenario) -> list[dict[str, Any]]:
    """The scenario's articles as the pipelines hand them to the store, shuffled."""
    out = scenario.records()
    random.Random(5).shuffle(out)  # a crawl meets reposts before their original
    return out


def store(items: list[dict[str, Any]], folder: Path, stories: bool) -> tuple[float, Any]:
    """Seconds to store ``items``; the session factory of the database."""
    engine = make_engine(f"sqlite:///{folder / ('on' if stories else 'off')}.sqlite3")
    sessions = session_factory(engine)
    saved = repository.assign_story
    if not stories:
        repository.assign_story = lambda *args, **kwargs: 0  # type: ignore[assignment]
    try:
        start = time.perf_counter()
        for i in range(0, len(items), 100):
            with sessions.begin() as session:
                write_batch(session, [("article", r) for r in items[i:i + 100]])
        return time.perf_counter() - start, sessions
    finally:
        repository.assign_story = saved


def scores(sessions: Any, scenario: StoryScenario) -> PairScores:
    """Pairwise scores of the stored stories against the truth."""
    with sessions() as session:
        rows = session.execute(select(Article.site, Article.source_id, StoryMember.story_id)
                               .join(StoryMember, StoryMember.article_id == Article.id)).all()
    return pair_scores({(a, b): c for a, b, c in rows}, scenario.truth())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--national", type=int, default=150)
    parser.add_argument("--provinces", type=int, default=10)
    args = parser.parse_args()
    print("| seed | articles | true pairs | precision | recall | F1 | store with / without |")
    print("|---|---|---|---|---|---|---|")
    for seed in range(1, args.seeds + 1):
        scenario = StoryScenario(seed=seed, national=args.national, provinces=args.provinces,
                                 own_per_province=20, shared_titles=8)
        items = records(scenario)
        with tempfile.TemporaryDirectory() as folder:
            off, _ = store(items, Path(folder), stories=False)
            on, sessions = store(items, Path(folder), stories=True)
            s = scores(sessions, scenario)
        print(f"| {seed} | {len(items)} | {s.true_pairs} | {s.precision:.4f} | {s.recall:.4f} "
              f"| {s.f1:.4f} | {on:.2f} s / {off:.2f} s = {on / off:.2f}x |")


if __name__ == "__main__":
    main()
