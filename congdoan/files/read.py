"""Read any attached file into a ``FileReading``: the one entry point of ``congdoan.files``.

The media type is sniffed from the bytes (portals mislabel files), then the
file goes to its reader. Whatever happens inside, the caller gets a reading
with a status and a reason: a bad file never raises out of here.
"""

from __future__ import annotations

import logging

from congdoan.files.archives import ARCHIVES, read_archive
from congdoan.files.images import read_image
from congdoan.files.office import OFFICE, read_office
from congdoan.files.pdf import PDF, read_pdf
from congdoan.files.reading import FileReading, Limits, failed
from congdoan.files.sniff import sniff_media_type

logger = logging.getLogger(__name__)
_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/tiff"})


def read_file(data: bytes, name: str | None = None, limits: Limits | None = None, *,
              ocr: bool = True, _depth: int = 0) -> FileReading:
    """Text of the file in ``data`` (called ``name`` by its portal), page by page."""
    limits = limits or Limits()
    media_type = sniff_media_type(data, name)
    try:
        return _dispatch(data, media_type, name, limits, ocr, _depth)
    except Exception as exc:  # one odd file must never stop a crawl or a worker
        logger.debug("reading %s failed", name, exc_info=True)
        return failed(media_type, f"reader error: {type(exc).__name__}: {exc}")


def _dispatch(data: bytes, media_type: str, name: str | None, limits: Limits, ocr: bool,
              depth: int) -> FileReading:
    if media_type == "text/html":
        claimed = f" (named {name})" if name else ""
        return failed(media_type, f"an HTML page, not a document{claimed}")
    if media_type == PDF:
        return read_pdf(data, limits, ocr=ocr)
    if media_type in OFFICE:
        return read_office(data, media_type, limits)
    if media_type in _IMAGES:
        if not ocr:
            return FileReading(media_type, status="partial", reason="image not read: OCR is off")
        return read_image(data, media_type, limits)
    if media_type in ARCHIVES:
        if depth > 0:
            return failed(media_type, "an archive inside an archive: not opened")

        def member(body: bytes, member_name: str, bounds: Limits) -> FileReading:
            return read_file(body, member_name, bounds, ocr=ocr, _depth=depth + 1)

        return read_archive(data, media_type, limits, member)
    return FileReading(media_type, status="unsupported", reason=f"no reader for {media_type}")
