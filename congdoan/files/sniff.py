"""Media type of a file from its first bytes: portals mislabel downloads as octet-stream."""

from __future__ import annotations

import mimetypes
import re
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
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXCEL_STREAM = "Workbook".encode("utf-16-le")  # .xls keeps its sheets in this OLE2 stream
# A page where a file was expected (a login wall, an error page): named .pdf, HTML inside.
_HTML = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)[\s>]",
                   re.IGNORECASE | re.DOTALL)
_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


_ODF_MIMETYPE = "mimetype"  # OpenDocument names its type in this first, stored member
_ODF_PREFIX = "application/vnd.oasis.opendocument."


def _odf_media_type(data: bytes) -> str | None:
    """The type an OpenDocument package declares (``…opendocument.text`` for .odt)."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        info = archive.getinfo(_ODF_MIMETYPE)
        if info.file_size > 100:  # a type name, never a payload
            return None
        declared = archive.read(info).decode("ascii", "replace").strip()
    return declared if declared.startswith(_ODF_PREFIX) else None


def sniff_media_type(data: bytes, name: str | None = None) -> str:
    """The media type of ``data``: magic bytes first, then the name's extension."""
    if data.startswith(_OLE2) and data.find(_EXCEL_STREAM) >= 0:
        return "application/vnd.ms-excel"
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    if _HTML.match(data[:1024].lstrip(b"\xef\xbb\xbf")):
        return "text/html"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            names = []
        for prefix, media_type in _OOXML.items():
            if any(n.startswith(prefix) for n in names):
                return media_type
        if _ODF_MIMETYPE in names:
            return _odf_media_type(data) or "application/zip"
        guessed, _ = mimetypes.guess_type(name or "")
        if not names and guessed in _OOXML.values():
            return guessed  # a broken DOCX/XLSX: let its own reader say what is wrong
        return "application/zip"
    guessed, _ = mimetypes.guess_type(name or "")
    return guessed or "application/octet-stream"
