"""Which attached file, and which page of it, holds a search's words.

Search ranks articles and documents, whose index includes their files' text;
this says where inside the files the words are, so a hit on a 40-page scan
points at its page. Phrases are folded like the index (``query_phrases``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from congdoan.storage.models import Attachment, DocumentPosting, FilePage
from congdoan.storage.records import search_fold

MAX_PAGES_SHOWN = 5
SNIPPET_CHARS = 80


@dataclass(frozen=True)
class FileMatch:
    """A page of an attached file that holds the query: file name, page number, a snippet."""

    name: str
    page: int
    member: str | None
    method: str  # text | ocr
    snippet: str


def file_matches(session: Session, kind: str, item_id: int, phrases: list[str]
                 ) -> list[FileMatch]:
    """Pages of the item's files holding every phrase (failing that, any), first ones first."""
    owner = (Attachment.article_id == item_id if kind == "article" else
             Attachment.posting_id.in_(select(DocumentPosting.id)
                                       .where(DocumentPosting.document_id == item_id)))
    files = session.execute(
        select(Attachment.sha256, Attachment.name)
        .where(owner, Attachment.sha256.is_not(None)).order_by(Attachment.id)
    ).all()
    names: dict[str, str] = {}
    for sha256, name in files:
        names.setdefault(sha256, name or sha256[:12])
    if not names or not phrases:
        return []
    pages = session.scalars(
        select(FilePage).where(FilePage.sha256.in_(names)).order_by(FilePage.sha256, FilePage.seq)
    ).all()
    every: list[FileMatch] = []
    some: list[FileMatch] = []
    for page in pages:
        folded = f" {search_fold(page.text)} "
        found = [p for p in phrases if f" {p} " in folded]
        if found:
            match = FileMatch(names[page.sha256], page.number, page.member, page.method,
                              _snippet(page.text, found[0]))
            (every if len(found) == len(phrases) else some).append(match)
    order = {sha: i for i, sha in enumerate(names)}
    chosen = every or some
    chosen.sort(key=lambda m: (order.get(_sha_of(names, m.name), 0), m.page))
    return chosen[:MAX_PAGES_SHOWN]


def _sha_of(names: dict[str, str], name: str) -> str:
    return next((sha for sha, n in names.items() if n == name), "")


def _snippet(text: str, phrase: str) -> str:
    """About ``SNIPPET_CHARS`` of the page's line around the first word of ``phrase``."""
    first = phrase.split()[0]
    for line in text.splitlines():
        if f" {first} " in f" {search_fold(line)} ":
            return line if len(line) <= SNIPPET_CHARS else line[:SNIPPET_CHARS - 1] + "…"
    return text[:SNIPPET_CHARS]
