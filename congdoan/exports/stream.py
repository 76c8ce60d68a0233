"""Storage -> writer, one record at a time: what ``congdoan export`` runs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO, Literal, Protocol

from sqlalchemy.orm import Session

from congdoan.exports.csv import CsvWriter
from congdoan.exports.jsonl import JsonlWriter
from congdoan.exports.parquet import ParquetWriter
from congdoan.exports.rows import Kind
from congdoan.storage.iterate import Since, iter_articles, iter_documents

Format = Literal["jsonl", "csv", "parquet"]
FORMATS: tuple[Format, ...] = ("jsonl", "csv", "parquet")
SUFFIX: dict[Format, str] = {"jsonl": ".jsonl", "csv": ".csv", "parquet": ".parquet"}
# Formats with one schema per file: articles and documents go to separate files.
ONE_KIND_PER_FILE: frozenset[Format] = frozenset({"csv", "parquet"})


class Writer(Protocol):
    """What every export writer does."""

    def write(self, kind: Kind, data: Mapping[str, Any]) -> None: ...

    def close(self) -> None: ...


def open_writer(fmt: Format, sink: BinaryIO, kind: Kind | None) -> Writer:
    """A writer of ``fmt`` on the binary stream ``sink``; CSV and Parquet need ``kind``."""
    if fmt == "jsonl":
        return JsonlWriter(sink)
    if kind is None:
        raise ValueError(f"{fmt} holds one kind per file")
    return CsvWriter(sink, kind) if fmt == "csv" else ParquetWriter(sink, kind)


def stored(
    session: Session, kind: Kind, site: str | None, since: Since | None,
    first_postings: bool = False,
) -> Iterator[dict[str, Any]]:
    """The stored records of ``kind`` (see ``storage.iterate`` for ``site``, ``since`` and
    ``first_postings``, which only articles have)."""
    if kind == "article":
        return iter_articles(session, site=site, since=since, first_postings=first_postings)
    return iter_documents(session, site=site, since=since)


def write_records(
    session: Session,
    writer: Writer,
    kinds: tuple[Kind, ...],
    *,
    site: str | None = None,
    since: Since | None = None,
    first_postings: bool = False,
) -> dict[Kind, int]:
    """Stream the records of ``kinds`` into ``writer``; return how many of each were written.

    The writer is closed at the end (its stream is not).
    """
    counts: dict[Kind, int] = {}
    try:
        for kind in kinds:
            counts[kind] = 0
            for data in stored(session, kind, site, since, first_postings):
                writer.write(kind, data)
                counts[kind] += 1
    finally:
        writer.close()
    return counts
