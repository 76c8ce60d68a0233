"""``congdoan export``: stream the stored records to JSON Lines, CSV or Parquet
(``--package``: a data package; ``congdoan package-diff`` compares two)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, BinaryIO, cast

import typer
from sqlalchemy.orm import Session

from congdoan.commands.common import (
    EXIT_FAILED,
    EXIT_USAGE,
    DbOpt,
    KindOpt,
    SiteOpt,
    app,
    db_url,
    die,
    err_console,
    parse_kind,
    parse_since,
)
from congdoan.commands.database import check_site, read_session
from congdoan.exports.rows import KINDS, Kind
from congdoan.exports.stream import (
    FORMATS,
    ONE_KIND_PER_FILE,
    SUFFIX,
    Format,
    open_writer,
    write_records,
)
from congdoan.storage.iterate import Since
from congdoan.storage.records import as_moment
from congdoan.vntime import shown_time


@app.command()
def export(
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f",
        help="jsonl, csv or parquet (default: from the --output suffix, else jsonl).")] = None,
    site: SiteOpt = None,
    kind: KindOpt = None,
    since: Annotated[str | None, typer.Option(
        metavar="WHEN",
        help="Only records new or changed since WHEN: a date or time (2024-01-15, "
             "2026-11-27T12:59, 15/01/2024 12:59; Vietnam time unless it carries a zone: "
             "2026-11-27T05:59Z, …+07:00), or last-run (since each site's latest crawl "
             "started) or last-export (since the previous complete export from this database: "
             "one without --site, --kind or a --since other than last-export).")
    ] = None,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="File to write, or - for stdout (default).")] = None,
    package: Annotated[Path | None, typer.Option(
        "--package", help="Write a Frictionless Data Package (CSV + Parquet + "
                          "datapackage.json + README datasheet) into DIR instead.")] = None,
    duplicates: Annotated[bool, typer.Option(
        "--duplicates/--drop-duplicates",
        help="Keep every posting of a story (default), or only its first posting: an "
             "article reposted from an earlier one on another portal is left out.")] = True,
    relations: Annotated[Path | None, typer.Option(
        "--relations", metavar="DIR",
        help="Write the relations between documents (relations.csv) and each document's "
             "status (document_status.csv) into DIR instead.")] = None,
    db: DbOpt = None,
) -> None:
    """Export stored articles and documents to JSON Lines, CSV or Parquet, streaming.

    \b
    JSONL: one JSON object per line, nested, with "kind", body_html, attachment
      details and, for documents, every posting (portal) with what it displayed.
    CSV: UTF-8 with BOM (Excel shows Vietnamese), header row, lists joined with
      " | ", newlines kept in quoted cells, no HTML (body_html is left out), and
      cells starting with = + - @ prefixed with ' (no formula injection).
    Parquet: typed columns (int64 ids and counters, UTC timestamps, date32
      dates, list<string> lists), written in row groups.
    CSV and Parquet hold one kind per file: without --kind, -o out.csv writes
    out-articles.csv and out-documents.csv. A document posted on several portals
    is one record (sites/urls list its postings). Times are UTC, ISO 8601.
    The format comes from --format, else from the suffix of --output (.jsonl
    .ndjson .csv .parquet .pq; no suffix: jsonl); any other suffix is refused.
    A one-line summary goes to stderr, with the --since moment it used.
    Exit status: 0 written, 2 bad usage or no database.

    \b
    Examples:
      congdoan export -o all.jsonl
      congdoan export -f csv --kind document --site dienbien -o vanban.csv
      congdoan export -o dataset.parquet --since 01/03/2024
      congdoan export -o new.jsonl --since last-export     (run it nightly)
      congdoan export --kind article --drop-duplicates -o news.csv   (one row per story)
      congdoan export --relations relations/     (relations.csv, document_status.csv)
    """
    if relations is not None:
        if package or fmt or output or site or kind or since:
            die("--relations writes the two relation tables: it takes no other option")
        _relation_tables(relations, db)
        return
    if package is not None:
        if fmt or output or site or kind or since or not duplicates:
            die("--package writes everything: it takes no --format, --output, --site, "
                "--kind, --since or --drop-duplicates")
        _package(package, db)
        return
    _export(_request(fmt, site, kind, since, output, duplicates), db)


@dataclass(frozen=True)
class _Request:
    """What ``congdoan export`` was asked for, its options read and checked."""

    fmt: Format
    target: Path | None  # None: stdout
    wanted: Kind | None  # --kind
    site: str | None
    word: str | None  # --since last-run or last-export, resolved against the database
    moment: Since | None  # --since as a date or time
    complete: bool  # moves the last-export mark
    first_postings: bool = False  # --drop-duplicates

    @property
    def kinds(self) -> tuple[Kind, ...]:
        return (self.wanted,) if self.wanted else KINDS


def _request(fmt: str | None, site: str | None, kind: str | None, since: str | None,
             output: str | None, duplicates: bool = True) -> _Request:
    """Read the options; dies (one line) on a bad one or on output stdout cannot take."""
    from congdoan.exports.marks import LAST_EXPORT, SINCE_WORDS

    target = None if output in (None, "-") else Path(cast(str, output))
    chosen = _format(fmt, target)
    wanted = parse_kind(kind)
    word = since.strip().lower() if since and since.strip().lower() in SINCE_WORDS else None
    moment: Since | None = None if word else parse_since(since)
    if target is None:
        if chosen in ONE_KIND_PER_FILE and wanted is None:
            die(f"{chosen} holds one kind per file: give --kind, or --output FILE for two files")
        if chosen == "parquet" and sys.stdout.isatty():
            die("Parquet is binary: give --output FILE (or redirect stdout)")
    # Only an export of everything new since the previous one (or of everything)
    # moves the last-export mark: an ad-hoc export of one site or one kind, or of
    # one crawl's items, must not make the next `--since last-export` skip records.
    complete = (site is None and wanted is None and duplicates
                and (since is None or word == LAST_EXPORT))
    return _Request(chosen, target, wanted, site, word, moment, complete, not duplicates)


def _export(request: _Request, db: str | None) -> None:
    """Write the records, print the summary line, and move the last-export mark if complete."""
    from congdoan.exports.marks import export_mark
    from congdoan.storage.db import database_url

    started = datetime.now(UTC)
    url = database_url(db_url(db))
    with read_session(db) as session:
        check_site(session, request.site)
        mark = export_mark(session, started)
        moment = (_named_since(session, request.word, url, request.site) if request.word
                  else request.moment)
        done = _write(session, request, moment)
        _summary(done, _since_note(moment, request.word))
        if request.complete:
            _remember(session, mark)


def _write(session: Session, request: _Request, moment: Since | None,
           ) -> list[tuple[tuple[Kind, ...], dict[Kind, int], str]]:
    """Write to stdout or to the file(s); what went where, for the summary."""
    fmt, site = request.fmt, request.site
    if request.target is None:
        return [(request.kinds, _to_stdout(session, fmt, request.kinds, site, moment,
                                           request.first_postings), "stdout")]
    return [(kinds, _to_file(session, fmt, kinds, site, moment, path, request.first_postings),
             str(path))
            for kinds, path in _files(request, request.target)]


def _files(request: _Request, target: Path) -> list[tuple[tuple[Kind, ...], Path]]:
    """The files an export to ``target`` writes: one per kind for CSV and Parquet."""
    if request.fmt not in ONE_KIND_PER_FILE:
        return [(request.kinds, target)]
    return [((k,), _kind_path(target, k, request.fmt) if request.wanted is None else target)
            for k in request.kinds]


_BY_SUFFIX: dict[str, Format] = {"": "jsonl", ".jsonl": "jsonl", ".ndjson": "jsonl",
                                  ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def _package(directory: Path, db: str | None) -> None:
    from congdoan.exports.package import write_package

    release = _into(directory, db, write_package)
    _said(f"data package written to {directory}: "
          f"{_count(release.rows['article'], 'article')}, "
          f"{_count(release.rows['document'], 'document')}")


def _relation_tables(directory: Path, db: str | None) -> None:
    from congdoan.exports.relations import write_tables

    counts = _into(directory, db, write_tables)
    _said(f"relation tables written to {directory}: "
          f"{_count(counts['relations'], 'relation')}, "
          f"{_count(counts['document_status'], 'status row')}")


def _into(directory: Path, db: str | None, write: Any) -> Any:
    """``write(session, directory)`` on the database; a directory it cannot write dies."""
    with read_session(db) as session:
        try:
            return write(session, directory)
        except OSError as exc:
            die(f"{directory}: cannot write: {exc.strerror or exc}", EXIT_USAGE)


def _said(line: str) -> None:
    err_console.print(line, markup=False, highlight=False, soft_wrap=True)


@app.command("package-diff")
def package_diff(
    old: Annotated[Path, typer.Argument(help="The earlier release (a --package directory).")],
    new: Annotated[Path, typer.Argument(help="The later release.")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """What was added, changed and removed between two releases of `export --package`."""
    import json

    from congdoan.exports.package import compare_packages

    for directory in (old, new):
        if not (directory / "items.csv").is_file():
            die(f"{directory}: not a congdoan data package (no items.csv)")
    diff = compare_packages(old, new)
    if as_json:
        print(json.dumps({"added": diff.added, "changed": diff.changed,
                          "removed": diff.removed}, ensure_ascii=False, indent=2))
        return
    for label, keys in (("added", diff.added), ("changed", diff.changed),
                        ("removed", diff.removed)):
        print(f"{label}: {len(keys)}")
        for kind, key in keys[:20]:
            print(f"  {kind} {key}")


def _format(fmt: str | None, target: Path | None) -> Format:
    if fmt is None:
        suffix = target.suffix.lower() if target else ""
        if suffix not in _BY_SUFFIX:
            # Never the wrong format under a name that promises another (x.xlsx).
            die(f"{target}: cannot tell the format from {suffix!r}; name the file .jsonl, "
                ".csv or .parquet, or give --format (CSV opens in Excel, Vietnamese intact)")
        return _BY_SUFFIX[suffix]
    value = fmt.strip().lower()
    if value not in FORMATS:
        die(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    return cast(Format, value)


def _kind_path(target: Path, kind: Kind, fmt: Format) -> Path:
    suffix = target.suffix or SUFFIX[fmt]
    return target.with_name(f"{target.stem}-{kind}s{suffix}")


def _to_file(session: Session, fmt: Format, kinds: tuple[Kind, ...], site: str | None,
             since: Since | None, path: Path, first_postings: bool = False) -> dict[Kind, int]:
    # Write beside the target and rename at the end, so a failed export never
    # leaves a truncated file that looks like a finished one.
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("wb") as sink:
            counts = write_records(session, open_writer(fmt, sink, kinds[0] if fmt in
                                   ONE_KIND_PER_FILE else None), kinds, site=site, since=since,
                                   first_postings=first_postings)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        die(f"{path}: cannot write: {exc.strerror or exc}", EXIT_USAGE)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return counts


def _to_stdout(session: Session, fmt: Format, kinds: tuple[Kind, ...], site: str | None,
               since: Since | None, first_postings: bool = False) -> dict[Kind, int]:
    sink = cast(BinaryIO, sys.stdout.buffer)
    sys.stdout.flush()
    try:
        counts = write_records(session, open_writer(fmt, sink, kinds[0] if fmt in
                               ONE_KIND_PER_FILE else None), kinds, site=site, since=since,
                                   first_postings=first_postings)
        sink.flush()
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from
        # complaining again when it flushes stdout at exit.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        raise typer.Exit(EXIT_FAILED) from None
    return counts


def _remember(session: Session, mark: datetime) -> None:
    """Keep the last-export mark in the database; a database that cannot be written (a
    read-only copy) keeps none, and the export still succeeded."""
    from sqlalchemy.exc import SQLAlchemyError

    from congdoan.exports.marks import record_export
    from congdoan.storage.check import cause_of

    try:
        session.rollback()  # the export's reads end here; the mark is a transaction of its own
        record_export(session, mark)
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        err_console.print(f"warning: the last-export mark was not kept: "
                          f"{cause_of(exc)}", markup=False, highlight=False,
                          soft_wrap=True)


def _named_since(session: Session, word: str, url: str, site: str | None) -> Since | None:
    """The moment(s) ``last-run`` or ``last-export`` stands for; dies when there is none."""
    from congdoan.exports.marks import LAST_RUN, last_export, last_run_starts

    if word == LAST_RUN:
        starts = last_run_starts(session, site)
        if not starts:
            die("--since last-run: no crawl recorded in this database yet")
        return starts
    return last_export(session, url)  # None: no earlier export, so everything is new


def _since_note(moment: Since | None, word: str | None) -> str:
    """What ``--since`` meant, for the summary line (people read the moment, not the word)."""
    if isinstance(moment, Mapping):
        return "since each site's last crawl: " + ", ".join(
            f"{name} {shown_time(start)}" for name, start in sorted(moment.items()))
    if moment is None:
        return "no earlier export: everything" if word else ""
    label = f" ({word})" if word else ""
    return f"since {shown_time(as_moment(moment))}{label}"


def _summary(done: list[tuple[tuple[Kind, ...], dict[Kind, int], str]], note: str = "") -> None:
    parts = []
    for kinds, counts, where in done:
        if len(kinds) == 1:
            parts.append(f"{_count(counts[kinds[0]], kinds[0])} written to {where}")
        else:
            detail = ", ".join(_count(counts[k], k) for k in kinds)
            parts.append(f"{_count(sum(counts.values()), 'record')} written to {where} ({detail})")
    err_console.print("; ".join(parts) + (f"; {note}" if note else ""), markup=False,
                      highlight=False, soft_wrap=True)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
