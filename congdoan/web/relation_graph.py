"""The relations of a document as a small diagram: where each box and arrow goes.

Pure layout, no drawing: the document in the middle, the documents that act on
it (replace, repeal, amend it, or take it as a basis) on the left, the ones it
acts on on the right; ``templates/relations.html`` draws it as inline SVG (no
script, CSP-safe presentation attributes), beside the table that says the same
in words for screen readers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

BOX_W, BOX_H, GAP, COL_X = 150, 34, 12, (10, 290, 570)
WIDTH = COL_X[2] + BOX_W + 10
VERBS = {"replaces": "thay thế", "repeals": "bãi bỏ", "amends": "sửa đổi",
         "based_on": "căn cứ"}
MAX_ROWS = 12  # more than a page shows at once: the table lists them all


@dataclass(frozen=True)
class Box:
    """A document's box: top-left corner, its code, and its page when stored."""

    x: int
    y: int
    label: str
    href: str | None
    current: bool = False


@dataclass(frozen=True)
class Arrow:
    """From one box's edge to another's, with the verb written on it."""

    x1: int
    y1: int
    x2: int
    y2: int
    label: str
    lx: int
    ly: int


def layout(code: str | None, relations: dict[str, Any]) -> dict[str, Any] | None:
    """Boxes and arrows for ``relations`` (``storage.relations.relations_of``); None if none."""
    incoming = relations.get("incoming", [])[:MAX_ROWS]
    outgoing = relations.get("outgoing", [])[:MAX_ROWS]
    if not incoming and not outgoing:
        return None
    rows = max(len(incoming), len(outgoing), 1)
    height = rows * (BOX_H + GAP) + GAP
    middle = (height - BOX_H) // 2
    boxes = [Box(COL_X[1], middle, code or "văn bản này", None, current=True)]
    arrows = []
    for column, items, inward in ((0, incoming, True), (2, outgoing, False)):
        top = (height - len(items) * (BOX_H + GAP) + GAP) // 2
        for i, rel in enumerate(items):
            y = top + i * (BOX_H + GAP)
            href = f"/documents/{rel['document_id']}" if rel.get("document_id") else None
            boxes.append(Box(COL_X[column], y, rel.get("code") or "?", href))
            # Arrows point from the acting document to the one acted on.
            if inward:
                x1, y1, x2, y2 = COL_X[0] + BOX_W, y + BOX_H // 2, COL_X[1], middle + BOX_H // 2
            else:
                x1, y1, x2, y2 = COL_X[1] + BOX_W, middle + BOX_H // 2, COL_X[2], y + BOX_H // 2
            arrows.append(Arrow(x1, y1, x2, y2, VERBS[rel["type"]], (x1 + x2) // 2,
                                (y1 + y2) // 2 - 4))
    # Plain dicts: the JSON API carries the same view as the page.
    return {"width": WIDTH, "height": height, "boxes": [asdict(b) for b in boxes],
            "arrows": [asdict(a) for a in arrows], "box_w": BOX_W, "box_h": BOX_H}
