"""What reading a file yields: text per page with how it was read, or why it could not be.

Every reader returns a ``FileReading``; none raises for a bad file. The limits
bound the time and memory one file may cost, whatever the portal served.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["ok", "partial", "failed", "unsupported"]
# The key of an item's attachment dict that carries a final reading (``as_data``)
# from the crawl's attachments pipeline to the store; not exported.
READING_KEY = "reading"


@dataclass(frozen=True)
class Limits:
    """Bounds on one file's cost; a file past one is truncated or refused, with the reason."""

    max_pages: int = 500  # pages read (text layer or OCR) per PDF
    max_pixels: int = 40_000_000  # one image or rendered page: A3 at 300 dpi is 17.4 M
    ocr_dpi: int = 300
    ocr_page_timeout: float = 120.0  # seconds of Tesseract per page
    tool_timeout: float = 60.0  # seconds for antiword / catdoc / xls2csv
    tool_memory: int = 512 << 20  # address space of such a tool
    max_members: int = 200  # files in one archive
    max_member_bytes: int = 50 << 20  # unpacked size of one archive member
    max_unpacked_bytes: int = 200 << 20  # unpacked size of a whole archive (or DOCX/XLSX)
    max_text_chars: int = 1_000_000  # text kept per file
    file_seconds: float = 1800.0  # reading one file stops at the next page after this


@dataclass(frozen=True)
class PageText:
    """Text of one page (1-based ``number``); ``method`` is ``text`` (a text layer) or ``ocr``."""

    number: int
    text: str
    method: Literal["text", "ocr"]
    engine: str
    confidence: float | None = None  # OCR only: mean word confidence, 0-100
    member: str | None = None  # inside an archive: the member's name


@dataclass
class FileReading:
    """The outcome for one file: its pages, a status, and the reason when not plainly ``ok``."""

    media_type: str
    status: Status = "ok"
    reason: str | None = None
    pages: list[PageText] = field(default_factory=list)
    page_count: int | None = None  # pages the file has (may exceed those read)

    @property
    def text(self) -> str:
        """All pages' text, in order, one blank line between pages."""
        return "\n\n".join(p.text for p in self.pages if p.text)

    @property
    def final(self) -> bool:
        """True when reading the same bytes again, OCR on, would give the same reading.

        ``ok`` leaves nothing unread (a page without a text layer that OCR did not
        read makes a reading ``partial``); ``unsupported`` has no reader at all.
        A ``partial`` or ``failed`` reading is not final: a scan left for OCR, or a
        limit or error the backlog's own process may not meet.
        """
        return self.status in ("ok", "unsupported")

    def as_data(self) -> dict[str, Any]:
        """The reading as plain data (JSON-ready), for an item to carry; ``from_data`` back."""
        return {"media_type": self.media_type, "status": self.status, "reason": self.reason,
                "page_count": self.page_count, "pages": [asdict(p) for p in self.pages]}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> FileReading:
        """The reading ``as_data`` gave."""
        return cls(data["media_type"], status=data["status"], reason=data.get("reason"),
                   pages=[PageText(**p) for p in data.get("pages") or []],
                   page_count=data.get("page_count"))

    def truncate(self, reason: str) -> None:
        """Mark the reading partial (some of the file was left unread) and say why."""
        self.status = "partial"
        self.reason = reason if not self.reason else f"{self.reason}; {reason}"


def failed(media_type: str, reason: str) -> FileReading:
    """A reading that produced nothing, with its reason."""
    return FileReading(media_type, status="failed", reason=reason)
