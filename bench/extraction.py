"""Extraction: our NukeViet parsers against ``trafilatura.bare_extraction`` on the same pages.

Article and document pages are fetched once over HTTP from simulated portals
(one per URL style) and held in memory as bytes; both extractors then see
the same bytes. Each repetition times one pass of ours, then one pass of
trafilatura's, over every page; pages/s is the median over repetitions.

Ours is ``parse_article`` / ``parse_document`` plus ``parse_vn_date`` on the
displayed date (trafilatura's pass includes its date extraction too).
trafilatura runs with ``with_metadata=True`` and ``include_comments=False``
(reader comments are page chrome here), everything else default.

Accuracy against the simulator's truth, per field:

- ``title``: exact match after whitespace is collapsed (NFC);
- ``date``: the calendar day matches the article's ``published_at`` or the
  document's ``issued_on``;
- ``author``: articles only; exact match, where "no author" is right only
  when the truth has none;
- ``body``: mean token F1 between the extracted text and the truth
  (``body_text`` for articles, ``intro`` + ``body_text`` for documents);
  tokens are lower-cased ``\\w+`` runs counted as a multiset, so F1 is 1.0
  for the exact words in any layout, and chrome or lost paragraphs cost
  precision or recall.
"""

from __future__ import annotations

import re
import statistics
import time
import unicodedata
import urllib.request
from collections import Counter
from collections.abc import Callable
from typing import Any

from congdoan.normalize.dates import parse_vn_date
from congdoan.parsers.nukeviet import parse_article, parse_document
from congdoan.sim import SimServer, default_portals

FIELDS = ("title", "date", "author", "body")
TARGET_SPEEDUP = 10.0
_TOKEN = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")

Page = tuple[str, str, bytes, dict[str, Any]]  # kind, url, body, truth


def load_pages(sites: int, articles: int, documents: int) -> list[Page]:
    """Fetch every article and document page of fresh simulated portals, once."""
    pages: list[Page] = []
    with SimServer(default_portals(sites, articles, documents, seed=3)) as server:
        for site in server.site_ids():
            truth = server.truth(site)
            for kind, key in (("article", "articles"), ("document", "documents")):
                for record in truth[key]:
                    with urllib.request.urlopen(record["url"], timeout=30) as response:
                        pages.append((kind, record["url"], response.read(), record))
    return pages


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return cleaned or None


def token_f1(found: str | None, expected: str | None) -> float:
    """F1 of the lower-cased word multisets of two texts (1.0 when both are empty)."""
    got = Counter(_TOKEN.findall((found or "").lower()))
    want = Counter(_TOKEN.findall((expected or "").lower()))
    if not got and not want:
        return 1.0
    common = sum((got & want).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def _truth_fields(kind: str, truth: dict[str, Any]) -> dict[str, Any]:
    if kind == "article":
        return {"title": truth["title"], "date": truth["published_at"][:10],
                "author": truth["author"], "body": truth["body_text"]}
    body = "\n".join(t for t in (truth["intro"], truth["body_text"]) if t)
    return {"title": truth["title"], "date": truth["issued_on"], "author": None, "body": body}


def ours(kind: str, url: str, body: bytes) -> dict[str, Any]:
    """Our parser's answer in the compared fields."""
    if kind == "article":
        parsed = parse_article(body, url)
        shown, text = parsed["published_text"], parsed["body_text"]
    else:
        parsed = parse_document(body, url)
        shown = parsed["issued_text"]
        text = "\n".join(t for t in (parsed["intro"], parsed["body_text"]) if t)
    date = parse_vn_date(shown)
    return {"title": parsed["title"], "date": date.value.date().isoformat() if date else None,
            "author": parsed.get("author"), "body": text}


def theirs(kind: str, url: str, body: bytes) -> dict[str, Any]:
    """trafilatura's answer in the compared fields."""
    import trafilatura

    doc = trafilatura.bare_extraction(body, url=url, with_metadata=True,
                                      include_comments=False)
    if doc is None:
        return {"title": None, "date": None, "author": None, "body": None}
    return {"title": doc.title, "date": doc.date, "author": doc.author, "body": doc.text}


def accuracy(pages: list[Page], answers: list[dict[str, Any]]) -> dict[str, float]:
    """Per-field score (fraction right; mean token F1 for the body) over ``pages``."""
    scores: dict[str, list[float]] = {f: [] for f in FIELDS}
    for (kind, _, _, truth), got in zip(pages, answers, strict=True):
        want = _truth_fields(kind, truth)
        scores["title"].append(float(_clean(got["title"]) == _clean(want["title"])))
        scores["date"].append(float((got["date"] or "")[:10] == want["date"]))
        if kind == "article":
            scores["author"].append(float(_clean(got["author"]) == _clean(want["author"])))
        scores["body"].append(token_f1(got["body"], want["body"]))
    return {f: statistics.fmean(v) for f, v in scores.items() if v}


def _timed_pass(extract: Callable[[str, str, bytes], dict[str, Any]], pages: list[Page]
                ) -> float:
    start = time.perf_counter()
    for kind, url, body, _ in pages:
        extract(kind, url, body)
    return time.perf_counter() - start


def run(*, sites: int = 3, articles: int = 40, documents: int = 12, repeats: int = 5
        ) -> dict[str, Any]:
    """Pages/s and field accuracy of both extractors; see the module docstring."""
    pages = load_pages(sites, articles, documents)
    # The first pass pays for imports and caches and gives the answers; it is not timed.
    our_answers = [ours(k, u, b) for k, u, b, _ in pages]
    their_answers = [theirs(k, u, b) for k, u, b, _ in pages]
    our_times, their_times = [], []
    for _ in range(repeats):
        our_times.append(_timed_pass(ours, pages))
        their_times.append(_timed_pass(theirs, pages))
    ours_rate = len(pages) / statistics.median(our_times)
    theirs_rate = len(pages) / statistics.median(their_times)
    acc_ours, acc_theirs = accuracy(pages, our_answers), accuracy(pages, their_answers)
    return {
        "ours_pages_per_s": ours_rate,
        "trafilatura_pages_per_s": theirs_rate,
        "speedup": ours_rate / theirs_rate,
        "target_speedup": TARGET_SPEEDUP,
        "accuracy": {"ours": acc_ours, "trafilatura": acc_theirs},
        "accuracy_not_worse": all(acc_ours[f] >= acc_theirs[f] for f in acc_ours),
        "pages": len(pages),
        "articles": sum(1 for p in pages if p[0] == "article"),
        "documents": sum(1 for p in pages if p[0] == "document"),
        "repeats": repeats,
    }
