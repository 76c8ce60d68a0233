"""Text of a PDF, page by page: its text layer where it has a real one, OCR elsewhere.

pypdfium2 (PDFium, Chrome's PDF engine) both extracts the text layer and
renders a page for OCR, lazily and one page at a time: a 5,000-page file costs
only the pages read. PDFium is not thread-safe: in one process, one thread at a
time uses it (the crawl reads attachments in worker threads; the OCR backlog
uses processes, one thread each, so it never waits).
"""

from __future__ import annotations

import math
import threading
import time

from congdoan.files.ocr import ocr_available, ocr_page
from congdoan.files.reading import FileReading, Limits, PageText, failed
from congdoan.files.textlayer import needs_ocr
from congdoan.normalize.text import clean_text

PDF = "application/pdf"
_PDFIUM = threading.Lock()  # PDFium's global state corrupts the heap under concurrent use


def pdfium_engine() -> str:
    """``pdfium <build>``: the engine of text-layer pages."""
    import pypdfium2

    return f"pdfium {pypdfium2.PDFIUM_INFO.build} (pypdfium2 {pypdfium2.PYPDFIUM_INFO.version})"


def read_pdf(data: bytes, limits: Limits, *, ocr: bool = True) -> FileReading:
    """Pages of the PDF in ``data`` (at most ``limits.max_pages``); OCR where needed if ``ocr``."""
    with _PDFIUM:
        return _read_pdf(data, limits, ocr)


def _read_pdf(data: bytes, limits: Limits, ocr: bool) -> FileReading:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            return failed(PDF, "password-protected PDF: it cannot be read without its password")
        return failed(PDF, f"unreadable PDF: {exc}")
    try:
        return _read_pages(document, limits, ocr)
    finally:
        document.close()


def _read_pages(document: object, limits: Limits, ocr: bool) -> FileReading:
    count = len(document)  # type: ignore[arg-type]
    reading = FileReading(PDF, page_count=count)
    if count > limits.max_pages:
        reading.truncate(f"{count} pages: only the first {limits.max_pages} were read")
    engine = pdfium_engine()
    deadline = time.monotonic() + limits.file_seconds
    ocr_problem = None if ocr else "OCR is off"
    unread = 0  # pages that needed OCR and did not get it
    chars = 0
    for index in range(min(count, limits.max_pages)):
        if index and time.monotonic() > deadline:
            reading.truncate(f"time limit of {limits.file_seconds:g} s reached: pages "
                             f"{index + 1}-{min(count, limits.max_pages)} were not read")
            break
        page = document[index]  # type: ignore[index]
        try:
            textpage = page.get_textpage()
            text = clean_text(textpage.get_text_bounded()) or ""
            textpage.close()
            result = PageText(index + 1, text, "text", engine)
            if needs_ocr(text):
                ocr_problem = ocr_problem or ocr_available()
                if ocr_problem is None:
                    image, dpi = render_page(page, limits)
                    result = ocr_page(image, index + 1, timeout=limits.ocr_page_timeout, dpi=dpi)
                else:
                    unread += 1
        finally:
            page.close()
        reading.pages.append(result)
        chars += len(result.text)
        if chars > limits.max_text_chars:
            reading.truncate(f"text beyond {limits.max_text_chars} characters was left out")
            break
    if unread:
        reading.truncate(f"{unread} page(s) without a text layer were not read: {ocr_problem}")
    return reading


def render_page(page: object, limits: Limits) -> tuple[object, int]:
    """The page as an RGB image at ``limits.ocr_dpi``, or less if that exceeds the pixel cap.

    In colour, so that OCR can fade stamps and signatures out (``ocr.ink_only``).

    Returns the image and the resolution used (Tesseract is told it: it scales
    its notion of character size by it).
    """
    width, height = page.get_size()  # type: ignore[attr-defined]  # points, 1/72 inch
    scale = limits.ocr_dpi / 72
    area = max(width * height, 1.0)
    if area * scale * scale > limits.max_pixels:
        scale = math.sqrt(limits.max_pixels / area)  # a poster-sized page: fewer dpi, same cap
    bitmap = page.render(scale=scale)  # type: ignore[attr-defined]
    return bitmap.to_pil(), max(int(scale * 72), 1)
