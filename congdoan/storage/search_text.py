"""The folded text an item is found by: its own fields, its references, its files' text.

Pure: values in, text out. The store (``repository``, ``documents``) writes it when an
item is stored, ``file_texts`` again when a file's text arrives later; both ask here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from congdoan.storage.models import Document, DocumentPosting
from congdoan.storage.records import search_fold


def files_text(attachments: Iterable[Any]) -> list[str]:
    """The texts of ``attachments`` (rows or dicts), each distinct file once, for the index."""
    seen: set[str] = set()
    texts = []
    for attachment in attachments:
        if isinstance(attachment, dict):
            key, text = attachment.get("sha256") or attachment.get("url"), attachment.get("text")
        else:
            key, text = attachment.sha256 or attachment.url, attachment.text
        if text and key not in seen:
            seen.add(key)
            texts.append(text)
    return texts


def article_search_text(title: str, summary: str | None, body_text: str | None,
                        references: Sequence[str], attachments: Sequence[Any]) -> str:
    """The folded text an article is found by: its own, its references', its files'."""
    return search_fold(title, summary, body_text, " ".join(references),
                       *files_text(attachments))


def document_search_text(document: Document,
                         postings: list[DocumentPosting] | None = None) -> str:
    """The folded text a document is found by: its fields and its postings' attached files."""
    files = [a for p in (postings if postings is not None else document.postings)
             for a in p.attachments]
    return fields_search_text({name: getattr(document, name) for name in _SEARCHED}, files)


_SEARCHED = ("code", "title", "intro", "body_text", "issuer", "signer", "category")


def fields_search_text(columns: Mapping[str, Any], files: Sequence[Any]) -> str:
    """The folded text of a document's searched ``columns`` and its ``files``."""
    return search_fold(*(columns[name] for name in _SEARCHED), *files_text(files))
