"""The failure ledger's stand-in when the database is gone: ``<data>/retry/<site>.jsonl``.

When the database fails in the middle of a crawl, the pages already read but
not stored, and the pages that failed, cannot go into the ``failures`` table.
They are appended here instead, one JSON object per line (``url``, ``reason``).
The next crawl of the site fetches them again (with the ledger's open
failures); once that crawl reaches the database, whatever it did not store is
moved into the ledger and the file is removed.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from pathlib import Path


def append(path: Path, entries: Mapping[str, str]) -> None:
    """Add ``{url: reason}`` lines to the file (created with its directory), synced to disk."""
    if not entries:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        for url, reason in entries.items():
            handle.write(json.dumps({"url": url, "reason": reason}, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def read(path: Path) -> dict[str, str]:
    """``{url: reason}`` from the file, the latest reason per URL; empty when there is none."""
    entries: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return entries
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut by a crash: the rest still counts
        if isinstance(entry, dict) and isinstance(entry.get("url"), str):
            entries[entry["url"]] = str(entry.get("reason") or "not stored")
    return entries


def remove(path: Path) -> None:
    """Delete the file (its entries are in the database now)."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
