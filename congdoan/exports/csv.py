"""CSV for spreadsheets: one kind per file, UTF-8 with BOM, lists joined with `` | ``.

- The BOM makes Excel read the file as UTF-8, so Vietnamese shows intact.
- List cells (tags, category path, fields, sites, URLs, attachment names and
  URLs, referenced codes) are joined with ``LIST_SEPARATOR``; an item that itself
  contains the separator cannot be told apart (use JSONL or Parquet for that).
- Newlines inside text are kept, inside quoted cells.
- Stored HTML (``body_html``) is never written: a spreadsheet is no place for markup.
- A text cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return)
  gets a leading ``'`` so spreadsheets show it instead of running it as a formula
  (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, BinaryIO

from congdoan.exports.rows import COLUMNS, Kind, row_of
from congdoan.storage.records import as_datetime

LIST_SEPARATOR = " | "
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(text: str) -> str:
    """``text`` with a ``'`` in front when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def cell(value: Any) -> str:
    """The CSV text of one flat-row value; empty for missing values."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, datetime):
        return as_datetime(value).isoformat()  # type: ignore[union-attr]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return defuse(LIST_SEPARATOR.join(str(v) for v in value))
    return defuse(str(value))


class CsvWriter:
    """Writes flat rows of one kind, header first, to one stream."""

    def __init__(self, sink: BinaryIO, kind: Kind) -> None:
        self.kind = kind
        self._columns = [c.name for c in COLUMNS[kind] if not c.html]
        # newline="" lets the csv module write \r\n row ends and keep \n inside cells.
        self._out = io.TextIOWrapper(sink, encoding="utf-8-sig", newline="")
        self._csv = csv.writer(self._out)
        self._csv.writerow(self._columns)

    def write(self, kind: Kind, data: Mapping[str, Any]) -> None:
        """Write the stored record ``data`` as one row (``kind`` must be this file's kind)."""
        if kind != self.kind:
            raise ValueError(f"a {self.kind} CSV cannot hold a {kind}")
        row = row_of(kind, data)
        self._csv.writerow([cell(row[name]) for name in self._columns])

    def close(self) -> None:
        """Flush, and hand the stream back to its owner open."""
        self._out.flush()
        self._out.detach()
