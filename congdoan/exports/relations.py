"""The relations between documents and each document's status, as two flat CSV tables.

``relations.csv``: one row per relation a document's text states (replaces,
repeals, amends, based_on), with the target as written and the stored document
it resolves to. ``document_status.csv``: one row per document, its status (in
force, replaced, repealed, amended), by which document, and its own effective
statement. Written by ``congdoan export --relations DIR`` and into the data
package (``export --package``), where ``datapackage.json`` describes both.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from congdoan.exports.csv import cell
from congdoan.storage.iterate import BATCH
from congdoan.storage.models import Document, DocumentRelation, DocumentStatus

# (name, frictionless type, description) of each table's columns, in order.
TABLES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "relations": (
        ("document_id", "integer", "The document whose text states the relation"),
        ("document_code", "string", "Its normalised code"),
        ("type", "string", "replaces, repeals, amends or based_on"),
        ("target_code", "string", "The target's code as cited, normalised"),
        ("target_kind", "string", "The target's kind (Quyết định, Hướng dẫn …)"),
        ("target_date", "date", "The target's date as cited"),
        ("scope", "string", "whole, or the part touched (Điều 3, khoản 2 Điều 5 …)"),
        ("target_document_id", "integer",
         "The stored document the target code resolves to (any portal); empty if none"),
        ("sentence", "string", "The sentence that states the relation"),
        ("source", "string", "Where it was read: title, intro, body or file:NAME"),
    ),
    "document_status": (
        ("document_id", "integer", "The document"),
        ("code", "string", "Its normalised code"),
        ("status", "string", "in_force, replaced, repealed or amended"),
        ("by_document_id", "integer", "The document that replaced, repealed or amended it"),
        ("by_code", "string", "That document's code"),
        ("sentence", "string", "The sentence of that document that says so"),
        ("effective_kind", "string",
         "Its own effective statement: on_signing, on_date or after_days"),
        ("effective_date", "date", "For on_date: the day it takes effect"),
        ("effective_days", "integer", "For after_days: days after signing"),
    ),
}


def _relations(session: Session) -> Iterator[dict[str, Any]]:
    rows = session.execute(
        select(DocumentRelation, Document.code_normalized)
        .join(Document, Document.id == DocumentRelation.document_id)
        .order_by(DocumentRelation.document_id, DocumentRelation.id)
        .execution_options(yield_per=BATCH)  # streamed: a nation has millions
    )
    for rel, code in rows:
        yield {"document_id": rel.document_id, "document_code": code, "type": rel.type,
               "target_code": rel.target_code, "target_kind": rel.target_kind,
               "target_date": rel.target_date, "scope": rel.scope,
               "target_document_id": rel.target_document_id, "sentence": rel.sentence,
               "source": rel.source}


def _statuses(session: Session) -> Iterator[dict[str, Any]]:
    rows = session.execute(
        select(DocumentStatus, Document.code_normalized)
        .join(Document, Document.id == DocumentStatus.document_id)
        .order_by(DocumentStatus.document_id)
        .execution_options(yield_per=BATCH)
    )
    for state, code in rows:
        yield {"document_id": state.document_id, "code": code, "status": state.status,
               "by_document_id": state.by_document_id, "by_code": state.by_code,
               "sentence": state.sentence, "effective_kind": state.effective_kind,
               "effective_date": state.effective_date, "effective_days": state.effective_days}


_ROWS = {"relations": _relations, "document_status": _statuses}


def write_tables(session: Session, directory: Path) -> dict[str, int]:
    """Write ``relations.csv`` and ``document_status.csv`` into ``directory``; rows of each."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, columns in TABLES.items():
        with (directory / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([c[0] for c in columns])
            count = 0
            for row in _ROWS[name](session):
                writer.writerow([cell(row[c[0]]) for c in columns])
                count += 1
        counts[name] = count
    return counts


def schema(name: str) -> dict[str, Any]:
    """The Frictionless table schema of one of the two tables."""
    return {"fields": [{"name": n, "type": t, "description": d} for n, t, d in TABLES[name]],
            "missingValues": [""]}
