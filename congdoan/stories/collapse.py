"""Collapse a list of search hits so that one story shows once ("5 cổng đăng").

A pure function over the hits and the story of each article hit: the search
itself (``storage/search.py``, ``storage/facets.py``) is not touched. The best
ranked hit of a story stands for it, in its place; the story's other hits of
the list go under it. Documents and articles without a story pass through.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Group:
    """A hit standing for its story, the story's other hits in the list, and the story."""

    hit: Any
    story_id: int | None = None
    others: list[Any] = field(default_factory=list)


def collapse(hits: Sequence[Any], story_of: Mapping[int, int]) -> list[Group]:
    """Group ``hits`` (objects with ``kind`` and ``id``) by story, keeping the order of first hits.

    ``story_of``: article id -> story id (``storage.stories.stories_of``).
    """
    groups: list[Group] = []
    by_story: dict[int, Group] = {}
    for hit in hits:
        story = story_of.get(hit.id) if hit.kind == "article" else None
        if story is None:
            groups.append(Group(hit))
        elif story in by_story:
            by_story[story].others.append(hit)
        else:
            by_story[story] = Group(hit, story)
            groups.append(by_story[story])
    return groups
