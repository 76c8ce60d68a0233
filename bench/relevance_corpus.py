"""The items the judged query set is about: real CMS captures plus a small simulated country.

Three sources, every record as a crawl would store it (parser output, then the
spider's fields and the normalise step, ``country_db.crawled``):

- the real NukeViet 4.5 pages kept in ``tests/fixtures/nukeviet-real`` (the
  rewrite-style article and document pages named by ``tests/fixtures/nukeviet/real``)
  and the hand-made NukeViet variants derived from them, through ``parsers.nukeviet``;
- the published posts of the captured WordPress 6.1.9 install
  (``tests/fixtures/wordpress/twentytwentyone-pretty``) through ``parsers.wordpress_html``;
- the simulator's country at a size small enough to judge by reading: ``SIM_PORTALS``
  portals x ``SIM_ARTICLES`` articles + ``SIM_DOCUMENTS`` documents, seed ``SIM_SEED``.

An item is named by ``item_key``: its kind and canonical URL, so the judgments do
not depend on database ids. The text the baselines index (``item_fields``) is the
text the store folds into its search columns (``storage/repository.py``,
``storage/documents.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.country_db import crawled, portal_records
from bench.generic_reader import wordpress_pages
from congdoan.items.kinds import Kind
from congdoan.parsers.nukeviet import extract
from congdoan.parsers.wordpress_html import parse_wp_article
from congdoan.sim import default_portals

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
JUDGED = FIXTURES / "search" / "judged_queries.json"
SIM_PORTALS, SIM_ARTICLES, SIM_DOCUMENTS, SIM_SEED = 3, 50, 20, 13
SIM_PORT = 18100  # portal i is served at 127.0.0.1:SIM_PORT+i: fixed, so its URLs are keys
# The NukeViet fixture pages that are articles or documents of their own (the
# no-rewrite copies and the re-labelled layouts of the same item are left out:
# one item, one key).
NUKEVIET_PAGES = (
    "real/article-18", "real/article-19", "real/article-20", "real/article-23",
    "real/article-27", "real/article-59", "real/document-1", "real/document-4",
    "real/document-5", "real/document-7", "real/document-9",
    "variants/egov-article", "variants/law-detail-tabs", "variants/nv3-article",
    "variants/van-ban-detail", "variants/vi-news-article",
)
WORDPRESS_VARIANT = "twentytwentyone-pretty"


@dataclass(frozen=True)
class Item:
    """One record of the corpus: its key, kind and the record the store is given."""

    key: str
    kind: Kind
    record: dict[str, Any]


def item_key(kind: str, url: str) -> str:
    """The stable name of an item in the judgments: ``"<kind> <canonical url>"``."""
    return f"{kind} {url}"


def item_fields(item: Item) -> dict[str, str]:
    """The item's searchable text by field (title; body = everything else the store indexes)."""
    r = item.record
    if item.kind == "article":
        title, rest = r.get("title"), (r.get("summary"), r.get("body_text"))
        code = ""
    else:
        title, code = r.get("title"), r.get("code") or ""
        rest = (r.get("intro"), r.get("body_text"), r.get("issuer"), r.get("signer"),
                r.get("category"))
    return {"title": title or "", "code": code,
            "body": "\n".join(part for part in rest if part)}


def _nukeviet_items() -> Iterator[Item]:
    for name in NUKEVIET_PAGES:
        spec = json.loads((FIXTURES / "nukeviet" / f"{name}.json").read_text(encoding="utf-8"))
        folder = (FIXTURES / "nukeviet" / name).parent
        page = folder / spec["page"] if "page" in spec else folder / f"{Path(name).name}.html"
        record = extract(spec["kind"], page.read_bytes(), spec["url"])
        record.setdefault("url", spec["url"])
        site = "nv-" + spec["url"].split("/")[2].split(":")[0].replace(".", "-")
        yield _item(spec["kind"], crawled(site, record, spec["kind"], 0))


def _wordpress_items() -> Iterator[Item]:
    for _source, url, body, _truth in wordpress_pages(WORDPRESS_VARIANT):
        record = parse_wp_article(body, url)
        record.setdefault("url", url)
        yield _item("article", crawled("wp-lab", record, "article", 0))


def _sim_items() -> Iterator[Item]:
    specs = default_portals(SIM_PORTALS, SIM_ARTICLES, SIM_DOCUMENTS, seed=SIM_SEED)
    for index, spec in enumerate(specs):
        for kind, record in portal_records(spec, f"http://127.0.0.1:{SIM_PORT + index}"):
            yield _item(kind, record)


def _item(kind: Kind, record: dict[str, Any]) -> Item:
    url = record.get("canonical_url") or record["url"]
    return Item(item_key(kind, url), kind, record)


def corpus() -> list[Item]:
    """Every item of the judged corpus, in a fixed order; keys are unique."""
    items = [*_nukeviet_items(), *_wordpress_items(), *_sim_items()]
    keys = [i.key for i in items]
    if len(set(keys)) != len(keys):
        raise ValueError("two corpus items share a key")
    return items


def load_judged(path: Path = JUDGED) -> list[dict[str, Any]]:
    """The judged queries: text, class, note and judgments {item key: grade}."""
    return json.loads(path.read_text(encoding="utf-8"))["queries"]
