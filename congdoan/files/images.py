"""OCR of a scanned image (JPEG, PNG, GIF, multi-page TIFF), refused past the pixel cap.

The size is read from the header before any pixel is decoded, so a 30,000 x
30,000 image (900 M pixels, 2.7 GB decoded) costs a few bytes of reading.
"""

from __future__ import annotations

import time
import warnings
from io import BytesIO

from congdoan.files.ocr import ocr_available, ocr_page
from congdoan.files.reading import FileReading, Limits, failed


def read_image(data: bytes, media_type: str, limits: Limits) -> FileReading:
    """OCR text of each frame of the image in ``data`` (a TIFF may hold many pages)."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    problem = ocr_available()
    if problem:
        return FileReading(media_type, status="partial", reason=f"image not read: {problem}")
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb check warns (or raises) past 89 M pixels; ours is stricter.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data))
    except Image.DecompressionBombError as exc:  # past twice Pillow's own limit
        return failed(media_type, f"image over the limit of {limits.max_pixels:,} pixels: "
                                  f"not read ({exc})")
    except (UnidentifiedImageError, OSError) as exc:
        return failed(media_type, f"unreadable image: {exc}")
    width, height = image.size
    if width * height > limits.max_pixels:
        return failed(media_type, f"image of {width} x {height} pixels is over the limit of "
                                  f"{limits.max_pixels:,} pixels: not read")
    reading = FileReading(media_type, page_count=getattr(image, "n_frames", 1))
    dpi = int((image.info.get("dpi") or (limits.ocr_dpi,))[0]) or limits.ocr_dpi
    deadline = time.monotonic() + limits.file_seconds
    try:
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            if index and time.monotonic() > deadline:
                reading.truncate(f"time limit of {limits.file_seconds:g} s reached: pages "
                                 f"from {index + 1} on were not read")
                break
            if index >= limits.max_pages:
                reading.truncate(f"{reading.page_count} pages: only the first "
                                 f"{limits.max_pages} were read")
                break
            if frame.size[0] * frame.size[1] > limits.max_pixels:
                reading.truncate(f"page {index + 1} is over the pixel limit: skipped")
                continue
            reading.pages.append(ocr_page(frame, index + 1, timeout=limits.ocr_page_timeout,
                                          dpi=dpi))
    except OSError as exc:  # truncated or corrupt image data
        if not reading.pages:
            return failed(media_type, f"unreadable image: {exc}")
        reading.truncate(f"image data broken after page {len(reading.pages)}: {exc}")
    return reading
