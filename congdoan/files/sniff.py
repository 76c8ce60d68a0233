"""Media type of a file from its first bytes: portals mislabel downloads as octet-stream."""

from __future__ import annotations

import mimetypes
import zipfile
from io import BytesIO

_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword"),  # OLE2: .doc/.xls
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"Rar!", "application/vnd.rar"),
    (b"{\\rtf", "application/rtf"),
)
_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def sniff_media_type(data: bytes, name: str | None = None) -> str:
    """The media type of ``data``: magic bytes first, then the name's extension."""
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            names = []
        for prefix, media_type in _OOXML.items():
            if any(n.startswith(prefix) for n in names):
                return media_type
        return "application/zip"
    guessed, _ = mimetypes.guess_type(name or "")
    return guessed or "application/octet-stream"
