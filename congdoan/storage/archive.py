"""Raw page archive: every fetched body kept once, compressed, addressed by its sha256."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from congdoan.storage.dialect import insert_ignore
from congdoan.storage.models import RawPage

COMPRESSION = "zlib"
_DECOMPRESS = {"zlib": zlib.decompress}
# A record may carry its body already packed (``PACKED_KEY``: a ``PackedBody`` or a
# future of one), so that compressing, the costliest step of storing a page, can
# run in a worker thread while the crawl goes on (zlib and hashlib release the GIL).
PACKED_KEY = "_raw_packed"


@dataclass(frozen=True)
class PackedBody:
    """A raw body as the archive stores it: its sha256 hex, compressed bytes and size."""

    sha256: str
    data: bytes
    size: int


def pack(body: bytes, sha256: str | None = None) -> PackedBody:
    """Hash and compress ``body`` (pure: safe in any thread).

    ``sha256``: the body's hex digest when the caller computed it from these very
    bytes (the spider hashes every page in its parsing thread), so it is not hashed twice.
    """
    digest = sha256 or hashlib.sha256(body).hexdigest()
    return PackedBody(digest, zlib.compress(body, 6), len(body))


def packed_body(record: Mapping[str, Any]) -> PackedBody | None:
    """The record's body packed: from its ``PACKED_KEY`` if there, else packed now."""
    packed = record.get(PACKED_KEY)
    if isinstance(packed, Future):
        packed = packed.result()
    if packed is not None:
        return packed  # type: ignore[no-any-return]
    raw = record.get("raw_body")
    return pack(raw) if raw is not None else None


def archive_raw(session: Session, body: bytes | PackedBody,
                content_type: str | None = None) -> str:
    """Store ``body`` unless already archived; return its sha256 hex.

    Content addressing makes re-fetching an unchanged page cost nothing, and
    ``ON CONFLICT DO NOTHING`` keeps two writers archiving the same body at once
    from failing.
    """
    packed = body if isinstance(body, PackedBody) else pack(body)
    # No lookup first: it would load the stored blob and flush the session, and
    # callers archive only new or changed pages, so the insert rarely conflicts.
    insert_ignore(
        session,
        RawPage.__table__,  # type: ignore[arg-type]
        {
            "sha256": packed.sha256,
            "compression": COMPRESSION,
            "data": packed.data,
            "size": packed.size,
            "content_type": content_type,
            "stored_at": datetime.now(UTC),
        },
    )
    return packed.sha256


def load_raw(session: Session, sha: str) -> bytes:
    """The exact bytes archived under ``sha``; ``KeyError`` when not archived."""
    page = session.get(RawPage, sha)
    if page is None:
        raise KeyError(sha)
    body = _DECOMPRESS[page.compression](page.data)
    # A corrupt archive must fail loudly rather than feed a re-parse wrong bytes.
    if hashlib.sha256(body).hexdigest() != sha:
        raise ValueError(f"raw page {sha} does not match its hash")
    return body
