"""Parquet: one kind per file, typed columns, written in row groups as records stream in.

Types: ``int64`` ids and counters, ``timestamp[us, UTC]`` instants, ``date32``
dates, ``list<string>`` lists, ``string`` text (``body_html`` included).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from congdoan.exports.rows import COLUMNS, ColumnType, Kind, row_of

ROW_GROUP = 1000  # rows held in memory before a row group is written

_ARROW: dict[ColumnType, pa.DataType] = {
    "str": pa.string(),
    "int": pa.int64(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "date": pa.date32(),
    "list": pa.list_(pa.string()),
}


def schema(kind: Kind) -> pa.Schema:
    """The Arrow schema of a ``kind`` export."""
    return pa.schema(
        [pa.field(c.name, _ARROW[c.type]) for c in COLUMNS[kind]],
        metadata={"congdoan.kind": kind},
    )


class ParquetWriter:
    """Buffers flat rows of one kind and writes them ``row_group`` at a time."""

    def __init__(self, sink: BinaryIO, kind: Kind, row_group: int = ROW_GROUP) -> None:
        self.kind = kind
        self._schema = schema(kind)
        self._row_group = row_group
        self._rows: list[dict[str, Any]] = []
        self._writer = pq.ParquetWriter(sink, self._schema, compression="zstd")

    def write(self, kind: Kind, data: Mapping[str, Any]) -> None:
        """Add the stored record ``data`` (``kind`` must be this file's kind)."""
        if kind != self.kind:
            raise ValueError(f"a {self.kind} Parquet file cannot hold a {kind}")
        self._rows.append(row_of(kind, data))
        if len(self._rows) >= self._row_group:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=self._schema))
            self._rows = []

    def close(self) -> None:
        """Write what is buffered and the file footer; the stream stays open."""
        self._flush()
        self._writer.close()
