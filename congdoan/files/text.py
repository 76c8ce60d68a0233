"""Text of attached PDF and DOCX files, so documents are searchable by their content."""

from __future__ import annotations

import logging
from io import BytesIO

from congdoan.normalize.text import clean_text

logger = logging.getLogger(__name__)
MAX_TEXT_CHARS = 1_000_000  # a scanned 500-page annex is not worth more than this
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def extract_text(data: bytes, media_type: str) -> str | None:
    """Text of a PDF (pypdf) or DOCX (python-docx); ``None`` for other types or unreadable files."""
    try:
        if media_type == PDF:
            text = _pdf_text(data)
        elif media_type == DOCX:
            text = _docx_text(data)
        else:
            return None
    except Exception as exc:  # a broken file must not stop the crawl: keep it without text
        logger.warning("could not extract text (%s): %s", media_type, exc)
        return None
    return clean_text(text[:MAX_TEXT_CHARS])


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(data))
    parts: list[str] = []
    size = 0
    for page in reader.pages:
        page_text = page.extract_text() or ""
        parts.append(page_text)
        size += len(page_text)
        if size > MAX_TEXT_CHARS:
            break
    return "\n".join(parts)


def _docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(lines)
