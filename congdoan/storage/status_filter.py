"""A document's legal status as a search condition (``status=replaced`` …).

Kept apart from ``storage/relations.py``, which reads and stores the statuses: the
search filters only ask which documents have one, and must not import the reading
(and its alerts) to do so.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_

from congdoan.storage.models import Document, DocumentStatus


def status_condition(status: str) -> ColumnElement[bool]:
    """Documents of ``status`` (a search filter); one not yet read for relations is in force."""
    stated = exists().where(DocumentStatus.document_id == Document.id,
                            DocumentStatus.status == status)
    if status != "in_force":
        return stated
    unread = ~exists().where(DocumentStatus.document_id == Document.id)
    return or_(stated, unread)
