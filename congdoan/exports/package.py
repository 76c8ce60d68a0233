"""A citable dataset release: a Frictionless Data Package (https://datapackage.org/).

``write_package(session, directory)`` writes, through the ordinary export writers:

- ``articles.csv``, ``documents.csv``: the flat rows, every field typed and described
  in ``datapackage.json``, with row counts, byte sizes and sha256 hashes;
- ``articles.parquet``, ``documents.parquet``: the same rows, typed, listed in
  ``datapackage.json`` with size and hash (``congdoan:rows`` gives the count);
- ``items.csv``: one line per item (kind, id, stable key, content hash), so two
  releases of the same database can be compared (``compare_packages``);
- ``relations.csv``, ``document_status.csv``: the relations between documents and
  each document's status (``exports/relations.py``);
- ``README.md``: a datasheet: how the data was collected, what it covers, what it
  does not contain;
- in ``datapackage.json``: the portals (``sources``), the crawl runs, the time span.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from congdoan.exports.csv import LIST_SEPARATOR, CsvWriter
from congdoan.exports.parquet import ParquetWriter
from congdoan.exports.rows import COLUMNS, KINDS, Kind
from congdoan.exports.stream import write_records
from congdoan.storage.iterate import BATCH
from congdoan.storage.models import Article, CrawlRun, Document, DocumentPosting, Site
from congdoan.vntime import item_day, shown_date

FRICTIONLESS_TYPES = {"str": "string", "int": "integer", "timestamp": "datetime",
                      "date": "date", "list": "string"}
PLURAL = {"article": "articles", "document": "documents"}

DESCRIPTIONS = {
    "id": "Row id in the congdoan database (stable within one database)",
    "site": "Registry id of the portal the article was read from",
    "url": "URL the page was fetched from",
    "canonical_url": "Canonical URL of the page (the item's identity with the site)",
    "source_id": "The portal's own numeric id of the item, when its URL shows one",
    "title": "Title as published",
    "summary": "Lead paragraph (sapo) as published",
    "body_html": "Body HTML as published (JSON Lines and Parquet only)",
    "body_text": "Body as plain text",
    "author": "Author line as published",
    "source": "Source line (Nguồn) as published",
    "category": "The portal's category of the item",
    "category_path": "Category path, outermost first (joined with ' | ')",
    "tags": "Tags / keywords (joined with ' | ')",
    "published_at": "Publication time, UTC with its offset (read from the page's Vietnamese "
                    "date, UTC+7: 10/04 00:43 there is 2026-04-09T17:43:00+00:00)",
    "published_text": "Publication date exactly as the page showed it",
    "published_precision": "Precision of published_at: day, minute or second",
    "modified_text": "The portal's own last-change time as it gave it (WordPress), if any",
    "image_urls": "URLs of the body's images (joined with ' | ')",
    "attachment_names": "Names of attached files (joined with ' | ')",
    "attachment_urls": "URLs of attached files (joined with ' | ')",
    "references": "Document codes cited in the article (joined with ' | ')",
    "first_seen_at": "When congdoan first stored the item, UTC",
    "last_seen_at": "When congdoan last saw the item on its portal, UTC",
    "changed_at": "When the current content was first seen (start of this version), UTC",
    "fetched_at": "When the page was fetched, UTC",
    "http_status": "HTTP status of that fetch",
    "content_hash": "sha256 of the item's meaningful content: changes exactly when it does",
    "raw_sha256": "sha256 of the archived raw page (in the database's raw archive)",
    "code": "Document code (số ký hiệu) as displayed, e.g. 17-CT/TW",
    "code_normalized": "The code normalised (spacing, dashes, Đ)",
    "code_number": "Number part of the code",
    "code_year": "Year part of the code, when it has one",
    "type_abbr": "Document type abbreviation from the code (QĐ, CT, HD, NĐ …)",
    "type_name": "Document type in words (Quyết định, Chỉ thị …)",
    "issuer_abbr": "Issuer part of the code (TLĐ, TW, CP …)",
    "intro": "Trích yếu: what the document is about",
    "issued_on": "Date of issue (ngày ban hành)",
    "effective_on": "Date it takes effect (ngày hiệu lực)",
    "expires_on": "Date it expires (ngày hết hiệu lực)",
    "signer": "Signer (người ký)",
    "issuer": "Issuing body (cơ quan ban hành)",
    "field": "Fields (lĩnh vực), joined with ' | '",
    "views": "View counter as last displayed (summed over portals)",
    "downloads": "Download counter as last displayed (summed over portals)",
    "sites": "Portals that posted the document (joined with ' | ')",
    "urls": "Each portal's page of the document (joined with ' | ')",
}
ITEM_FIELDS = [
    {"name": "kind", "type": "string", "description": "article or document"},
    {"name": "id", "type": "integer", "description": "Row id in the database"},
    {"name": "key", "type": "string",
     "description": "Stable identity: site and canonical URL (articles), identity key "
                    "(documents)"},
    {"name": "content_hash", "type": "string",
     "description": "sha256 of the meaningful content; differs exactly when it changed"},
]


@dataclass(frozen=True)
class Release:
    """What a package holds, for the summary line."""

    directory: Path
    rows: dict[Kind, int]


def _digest(path: Path) -> tuple[str, int]:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest(), path.stat().st_size


def _schema(kind: Kind) -> dict[str, Any]:
    fields = []
    for column in COLUMNS[kind]:
        if column.html:
            continue  # CSV never carries HTML
        field: dict[str, Any] = {"name": column.name, "type": FRICTIONLESS_TYPES[column.type],
                                 "description": DESCRIPTIONS.get(column.name, column.name)}
        if column.type == "timestamp":
            field["format"] = "any"  # ISO 8601 with offset and microseconds
        fields.append(field)
    return {"fields": fields, "primaryKey": ["id"], "missingValues": [""]}


def _items(session: Session) -> Iterator[tuple[str, int, str, str]]:
    # Streamed in batches (yield_per): a client-side result of 1.3 million rows held
    # ~800 MB (docs/benchmarks.md, "Ten years of a nation").
    for a in session.execute(select(Article.id, Article.site, Article.canonical_url,
                                    Article.content_hash).order_by(Article.id)
                             .execution_options(yield_per=BATCH)):
        yield "article", a.id, f"{a.site} {a.canonical_url}", a.content_hash
    for d in session.execute(select(Document.id, Document.identity_key,
                                    Document.content_hash).order_by(Document.id)
                             .execution_options(yield_per=BATCH)):
        yield "document", d.id, d.identity_key, d.content_hash


def _write_items(session: Session, path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([f["name"] for f in ITEM_FIELDS])
        for row in _items(session):
            writer.writerow(row)
            count += 1
    return count


def _coverage(session: Session) -> dict[str, Any]:
    first, last = session.execute(select(func.min(Article.published_at),
                                         func.max(Article.published_at))).one()
    issued = session.execute(select(func.min(Document.issued_on),
                                    func.max(Document.issued_on))).one()
    runs = session.execute(
        select(CrawlRun.site, func.count(), func.min(CrawlRun.started_at),
               func.max(CrawlRun.finished_at)).group_by(CrawlRun.site).order_by(CrawlRun.site)
    ).all()
    sources = [{"title": s.name or s.id, "path": s.base_url or "", "congdoan:site": s.id}
               for s in session.scalars(select(Site).order_by(Site.id))]
    postings = dict(session.execute(select(DocumentPosting.site, func.count())
                                    .group_by(DocumentPosting.site)).all())
    return {
        "sources": sources,
        "congdoan:runs": [{"site": site, "runs": n, "first_started": _iso(a),
                           "last_finished": _iso(b), "postings": postings.get(site, 0)}
                          for site, n, a, b in runs],
        "congdoan:temporal": {"articles_published": [_iso(first), _iso(last)],
                              "documents_issued": [_iso(issued[0]), _iso(issued[1])]},
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def write_package(session: Session, directory: Path, name: str = "congdoan") -> Release:
    """Write the data package into ``directory`` (created; existing files replaced)."""
    directory.mkdir(parents=True, exist_ok=True)
    rows = {kind: _write_kind(session, directory, kind) for kind in KINDS}
    resources = [*(_csv_resource(directory, kind, rows[kind]) for kind in KINDS),
                 *(_parquet_resource(directory, kind, rows[kind]) for kind in KINDS),
                 _items_resource(session, directory),
                 *_relation_resources(session, directory)]
    descriptor = _descriptor(name, resources, _coverage(session))
    (directory / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (directory / "README.md").write_text(datasheet(descriptor, rows), encoding="utf-8")
    return Release(directory, rows)


def _write_kind(session: Session, directory: Path, kind: Kind) -> int:
    """Write every stored ``kind`` as CSV and as Parquet; return the row count."""
    plural = PLURAL[kind]
    with (directory / f"{plural}.csv").open("wb") as sink:
        rows = write_records(session, CsvWriter(sink, kind), (kind,))[kind]
    with (directory / f"{plural}.parquet").open("wb") as sink:
        write_records(session, ParquetWriter(sink, kind), (kind,))
    return rows


def _csv_resource(directory: Path, kind: Kind, rows: int) -> dict[str, Any]:
    """The tabular resource of a kind's CSV file: dialect, typed schema, hash and size."""
    plural = PLURAL[kind]
    digest, size = _digest(directory / f"{plural}.csv")
    return {
        "name": plural, "path": f"{plural}.csv", "format": "csv", "mediatype": "text/csv",
        "encoding": "utf-8-sig", "profile": "tabular-data-resource",
        "description": f"Every stored {kind}, one row each; lists joined with "
                       f"{LIST_SEPARATOR!r}",
        "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
        "schema": _schema(kind), "hash": f"sha256:{digest}", "bytes": size,
        "congdoan:rows": rows,
    }


def _parquet_resource(directory: Path, kind: Kind, rows: int) -> dict[str, Any]:
    """The file resource of a kind's Parquet file: its bytes and hash are checked;
    its rows are read with pyarrow."""
    plural = PLURAL[kind]
    digest, size = _digest(directory / f"{plural}.parquet")
    return {
        "name": f"{plural}-parquet", "type": "file", "path": f"{plural}.parquet",
        "format": "parquet",
        "mediatype": "application/vnd.apache.parquet",
        "description": f"The {plural} as typed Parquet ({_parquet_notes(kind)})",
        "hash": f"sha256:{digest}", "bytes": size,
        "congdoan:rows": rows,
    }


def _parquet_notes(kind: Kind) -> str:
    """What a kind's Parquet file holds beyond its CSV, read from its declared columns."""
    html = [c.name for c in COLUMNS[kind] if c.html]
    return "lists as list<string>" + "".join(f", {name} kept" for name in html)


def _items_resource(session: Session, directory: Path) -> dict[str, Any]:
    """Write ``items.csv`` (one line per item and its content hash); its resource."""
    items_path = directory / "items.csv"
    item_rows = _write_items(session, items_path)
    digest, size = _digest(items_path)
    return {
        "name": "items", "path": "items.csv", "format": "csv", "mediatype": "text/csv",
        "encoding": "utf-8", "profile": "tabular-data-resource",
        "description": "One line per item and its content hash: compare two releases with "
                       "`congdoan package-diff`",
        "schema": {"fields": ITEM_FIELDS, "primaryKey": ["kind", "id"]},
        "hash": f"sha256:{digest}", "bytes": size, "congdoan:rows": item_rows,
    }


def _relation_resources(session: Session, directory: Path) -> list[dict[str, Any]]:
    """Write ``relations.csv`` and ``document_status.csv``; their tabular resources."""
    from congdoan.exports.relations import schema, write_tables

    counts = write_tables(session, directory)
    descriptions = {
        "relations": "What each document's text says it does to another (replaces, repeals, "
                     "amends, based_on), with the stored document the target resolves to",
        "document_status": "Each document's status (in force, replaced, repealed, amended), "
                           "by which document, and its own effective statement",
    }
    resources = []
    for name, rows in counts.items():
        digest, size = _digest(directory / f"{name}.csv")
        resources.append({
            "name": name.replace("_", "-"), "path": f"{name}.csv", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "profile": "tabular-data-resource",
            "description": descriptions[name], "schema": schema(name),
            "hash": f"sha256:{digest}", "bytes": size, "congdoan:rows": rows,
        })
    return resources


def _descriptor(name: str, resources: list[dict[str, Any]],
                coverage: dict[str, Any]) -> dict[str, Any]:
    """``datapackage.json``: the package's identity, licence, resources and coverage."""
    created = datetime.now(UTC).replace(microsecond=0).isoformat()
    return {
        "profile": "data-package", "name": name,
        "title": "congdoan: articles and legal documents of Vietnamese trade-union portals",
        "description": "News articles and legal documents (văn bản) crawled from the portals "
                       "listed in sources, normalised and de-duplicated. See README.md.",
        "created": created, "version": created[:10],
        "licenses": [{"name": "other-at", "title": "Portal content: rights remain with each "
                      "portal; this package is for research"}],
        "resources": resources, **coverage,
    }


def datasheet(descriptor: dict[str, Any], rows: dict[Kind, int]) -> str:
    """The README of a release: collection, coverage, and what the data does not contain."""
    out = io.StringIO()
    temporal = descriptor["congdoan:temporal"]
    out.write(f"# {descriptor['title']}\n\nRelease {descriptor['created']} (UTC).\n\n")
    published = [shown_date(item_day(v)) for v in temporal["articles_published"]]
    issued = [shown_date(item_day(v)) for v in temporal["documents_issued"]]
    out.write(f"- {rows['article']} articles, published {published[0]} to {published[1]} "
              "(days in Vietnam)\n")
    out.write(f"- {rows['document']} documents, issued {issued[0]} to {issued[1]}\n")
    out.write(f"- {len(descriptor['sources'])} portals:\n")
    for source in descriptor["sources"]:
        out.write(f"  - {source['congdoan:site']}: {source['title']} {source['path']}\n")
    out.write(
        "\n## How it was collected\n\n"
        "congdoan crawled each portal politely (robots.txt obeyed, at most two requests at a "
        "time, identifying User-Agent), walked its news categories and its laws module, read "
        "its sitemaps and RSS feeds, and parsed each article and document page. Dates were "
        "read from Vietnamese text (UTC+7) and are given in UTC; document codes were parsed "
        "and normalised; a document posted on several portals is one row (`sites`, `urls`). "
        "Every crawl run is listed in `datapackage.json` (`congdoan:runs`).\n\n"
        "## What it does not contain\n\n"
        "- Pages the portals did not link from their listings, sitemaps or feeds.\n"
        "- Items that failed to download or parse (the crawl's failure ledger lists them).\n"
        "- Article HTML in CSV (it is in the Parquet files), attachment bytes (only names "
        "and URLs), the raw pages, and earlier versions of changed items.\n"
        "- Comments, images' content, or anything behind a login.\n"
        "- Items removed from a portal after they were stored are kept, not deleted.\n\n"
        "## Files\n\n")
    for resource in descriptor["resources"]:
        out.write(f"- `{resource['path']}`: {resource['description']} "
                  f"({resource['congdoan:rows']} rows, sha256 "
                  f"{resource['hash'].split(':')[1][:12]}…)\n")
    return out.getvalue()


@dataclass(frozen=True)
class Comparison:
    """What changed from one release to the next, as (kind, key) lists."""

    added: list[tuple[str, str]]
    changed: list[tuple[str, str]]
    removed: list[tuple[str, str]]


def _read_items(directory: Path) -> dict[tuple[str, str], str]:
    with (directory / "items.csv").open(encoding="utf-8", newline="") as handle:
        return {(r["kind"], r["key"]): r["content_hash"] for r in csv.DictReader(handle)}


def compare_packages(old: Path, new: Path) -> Comparison:
    """Items added, changed (new content hash) and removed between two releases."""
    before, after = _read_items(old), _read_items(new)
    return Comparison(
        added=sorted(k for k in after if k not in before),
        changed=sorted(k for k in after if k in before and before[k] != after[k]),
        removed=sorted(k for k in before if k not in after),
    )
