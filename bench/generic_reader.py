"""The generic reader (``parsers/generic.py``) against ``trafilatura.bare_extraction``.

Both read the same pages, none of which the generic reader has a parser for:
article pages of simulated NukeViet portals (the simulator's own templates,
written from the real CMS), the published posts of the captured real
WordPress 6.1.9 install (``tests/fixtures/wordpress``, block and classic
theme, pretty permalinks) and those of the captured Hugo, Jekyll and Hexo
sites (``tests/fixtures/{hugo,jekyll,hexo}``, ``tools/cmslab``), served from
memory. Ours is ``parse_generic_article`` plus ``parse_vn_date`` on its date;
trafilatura runs as in ``bench/extraction.py``. Fields and scores are those of
``bench/extraction.py`` (title, day of publication, author by display name —
every author, ``", "``-joined —, body token F1), plus ``category`` (the post's
section or first category, exact) on the pages whose truth names one (the
captures); trafilatura's is its first category. pages/s is the median over
repetitions.
"""

from __future__ import annotations

import ast
import gzip
import json
import statistics
import time
from pathlib import Path
from typing import Any

from bench.extraction import FIELDS, _clean, load_pages, token_f1
from congdoan.normalize.dates import parse_vn_date
from congdoan.parsers.generic import parse_generic_article

TARGET_SPEEDUP = 5.0
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
CAPTURES = FIXTURES / "wordpress"
WORDPRESS_VARIANTS = ("twentytwentythree-pretty", "twentytwentyone-pretty")
STATIC_CAPTURES = ("hugo/lab-news", "jekyll/lab-news", "hexo/landscape")
SCORED = (*FIELDS, "category")

Page = tuple[str, str, bytes, dict[str, Any]]  # source, url, body, truth fields


def _value(raw: Any) -> Any:
    """truth.json keeps some lists and records as their Python text."""
    if isinstance(raw, str) and raw[:1] in "[{":
        return ast.literal_eval(raw)
    return raw


def _bodies(folder: Path) -> dict[str, bytes]:
    """A capture's bodies by URL (``tools/wordpress``, ``tools/cmslab`` format)."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    bodies = {}
    for page in manifest["pages"]:
        data = (folder / page["file"]).read_bytes()
        bodies[page["url"]] = gzip.decompress(data) if page["file"].endswith(".gz") else data
    return bodies


def static_cms_pages(capture: str) -> list[Page]:
    """The published posts of a Hugo/Jekyll/Hexo capture, truth from the CMS's content files."""
    folder = FIXTURES / capture
    bodies = _bodies(folder)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return [(capture.split("/")[0], post["link"], bodies[post["link"]], {
        "title": post["title"], "date": post["date"][:10],
        "author": ", ".join(post["authors"]), "category": post["category"],
        "body": "\n".join(post["body_lines"])}) for post in truth["posts"] if post["public"]]


def wordpress_pages(variant: str) -> list[Page]:
    """The published posts of one capture, with the truth read from WordPress's database."""
    folder = CAPTURES / variant
    bodies = _bodies(folder)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    pages: list[Page] = []
    for post in truth["posts"]:
        if post["status"] != "publish" or str(post["public"]) != "True":
            continue
        if post["link"] not in bodies:
            continue
        categories = _value(post["categories_displayed" if variant.startswith(
            "twentytwentythree") else "categories"])
        pages.append((f"wordpress:{variant}", post["link"], bodies[post["link"]], {
            "title": post["title"], "date": post["date"][:10],
            "author": _value(post["author"])["display_name"],
            "category": categories[0] if categories else None,
            "body": "\n".join(_value(post["body_lines"])),
        }))
    return pages


def nukeviet_pages(sites: int, articles: int) -> list[Page]:
    """Article pages of simulated NukeViet portals with the simulator's truth."""
    return [("nukeviet-sim", url, body, {"title": t["title"], "date": t["published_at"][:10],
                                         "author": t["author"], "body": t["body_text"]})
            for _kind, url, body, t in load_pages(sites, articles, 0)]


def ours(url: str, body: bytes) -> dict[str, Any]:
    """The generic reader's answer in the compared fields."""
    parsed = parse_generic_article(body, url)
    date = parse_vn_date(parsed["published_text"]) if parsed["published_text"] else None
    return {"title": parsed["title"], "date": date.value.date().isoformat() if date else None,
            "author": parsed["author"], "category": parsed["category"],
            "body": parsed["body_text"]}


def theirs_generic(url: str, body: bytes) -> dict[str, Any]:
    """trafilatura's answer (as ``bench/extraction.py`` asks it), with its first category."""
    import trafilatura

    doc = trafilatura.bare_extraction(body, url=url, with_metadata=True,
                                      include_comments=False)
    if doc is None:
        return {"title": None, "date": None, "author": None, "category": None, "body": None}
    return {"title": doc.title, "date": doc.date, "author": doc.author, "body": doc.text,
            "category": (doc.categories or [None])[0]}


def _score(pages: list[Page], answers: list[dict[str, Any]]) -> dict[str, float]:
    scores: dict[str, list[float]] = {f: [] for f in SCORED}
    for (_src, _url, _body, want), got in zip(pages, answers, strict=True):
        scores["title"].append(float(_clean(got["title"]) == _clean(want["title"])))
        scores["date"].append(float((got["date"] or "")[:10] == want["date"]))
        scores["author"].append(float(_clean(got["author"]) == _clean(want["author"])))
        scores["body"].append(token_f1(got["body"], want["body"]))
        if want.get("category"):
            scores["category"].append(float(_clean(got.get("category")) ==
                                             _clean(want["category"])))
    return {f: statistics.fmean(v) for f, v in scores.items() if v}


def run(*, sites: int = 3, articles: int = 20, repeats: int = 5) -> dict[str, Any]:
    """Pages/s and per-field accuracy of both readers, overall and per source."""
    pages = nukeviet_pages(sites, articles)
    for variant in WORDPRESS_VARIANTS:
        pages += wordpress_pages(variant)
    for capture in STATIC_CAPTURES:
        pages += static_cms_pages(capture)
    our_answers = [ours(u, b) for _s, u, b, _t in pages]  # warm-up, and the answers
    their_answers = [theirs_generic(u, b) for _s, u, b, _t in pages]
    our_times, their_times = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        for _s, url, body, _t in pages:
            ours(url, body)
        our_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        for _s, url, body, _t in pages:
            theirs_generic(url, body)
        their_times.append(time.perf_counter() - start)
    ours_rate = len(pages) / statistics.median(our_times)
    theirs_rate = len(pages) / statistics.median(their_times)
    acc_ours, acc_theirs = _score(pages, our_answers), _score(pages, their_answers)
    by_source = {}
    for source in sorted({p[0] for p in pages}):
        index = [i for i, p in enumerate(pages) if p[0] == source]
        subset = [pages[i] for i in index]
        by_source[source] = {
            "pages": len(subset),
            "ours": _score(subset, [our_answers[i] for i in index]),
            "trafilatura": _score(subset, [their_answers[i] for i in index]),
        }
    return {
        "ours_pages_per_s": ours_rate, "trafilatura_pages_per_s": theirs_rate,
        "speedup": ours_rate / theirs_rate, "target_speedup": TARGET_SPEEDUP,
        "accuracy": {"ours": acc_ours, "trafilatura": acc_theirs},
        "beats_on_every_field": all(acc_ours[f] >= acc_theirs[f] for f in acc_ours),
        "by_source": by_source, "pages": len(pages), "repeats": repeats,
    }
