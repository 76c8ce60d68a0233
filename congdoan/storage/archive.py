"""Raw page archive: every fetched body kept once, compressed, addressed by its sha256."""

from __future__ import annotations

import hashlib
import zlib
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from congdoan.storage.dialect import insert_ignore
from congdoan.storage.models import RawPage

COMPRESSION = "zlib"
_DECOMPRESS = {"zlib": zlib.decompress}


def archive_raw(session: Session, body: bytes, content_type: str | None = None) -> str:
    """Store ``body`` unless already archived; return its sha256 hex.

    Content addressing makes re-fetching an unchanged page cost nothing, and
    ``ON CONFLICT DO NOTHING`` keeps two writers archiving the same body at once
    from failing.
    """
    sha = hashlib.sha256(body).hexdigest()
    # No lookup first: it would load the stored blob and flush the session, and
    # callers archive only new or changed pages, so the insert rarely conflicts.
    insert_ignore(
        session,
        RawPage.__table__,  # type: ignore[arg-type]
        {
            "sha256": sha,
            "compression": COMPRESSION,
            "data": zlib.compress(body, 6),
            "size": len(body),
            "content_type": content_type,
            "stored_at": datetime.now(UTC),
        },
    )
    return sha


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
