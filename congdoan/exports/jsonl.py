"""JSON Lines: one nested record per line, UTF-8 as is (no ``\\u`` escapes), ISO dates."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO

from congdoan.exports.rows import Kind, record_of

# json.dumps leaves these unescaped with ensure_ascii=False, but str.splitlines()
# and many JSONL readers break lines on them; escaping keeps one record per line.
_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def dumps_line(record: Mapping[str, Any],
               default: Callable[[Any], Any] | None = None) -> str:
    """One JSON Lines line (without the newline) for a record; UTF-8 kept, line breaks escaped.

    ``default`` turns values JSON has no type for into ones it has (as ``json.dumps``).
    Every JSON Lines file congdoan writes (export, ``crawl -o``) goes through here.
    """
    line = json.dumps(record, ensure_ascii=False, default=default)
    for char, escaped in _LINE_BREAKS.items():
        if char in line:
            line = line.replace(char, escaped)
    return line


class JsonlWriter:
    """Writes nested records of any kind, each with its ``kind``, to one stream."""

    def __init__(self, sink: BinaryIO) -> None:
        self._out = io.TextIOWrapper(sink, encoding="utf-8", newline="\n", write_through=False)

    def write(self, kind: Kind, data: Mapping[str, Any]) -> None:
        """Write the stored record ``data`` of ``kind`` as one line."""
        self._out.write(dumps_line(record_of(kind, data)))
        self._out.write("\n")

    def close(self) -> None:
        """Flush, and hand the stream back to its owner open."""
        self._out.flush()
        self._out.detach()
