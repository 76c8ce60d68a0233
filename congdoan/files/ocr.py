"""OCR of one page image with Tesseract and its Vietnamese model (through pytesseract).

The page is straightened first (Tesseract reads a 1-2 degree skewed scan
noticeably worse), then read once with ``image_to_data``, which gives the
words, their layout (to rebuild lines) and a confidence per word.
"""

from __future__ import annotations

import shutil
from functools import lru_cache
from typing import TYPE_CHECKING

from congdoan.files.reading import PageText
from congdoan.normalize.text import clean_text

if TYPE_CHECKING:
    from PIL.Image import Image

LANGUAGE = "vie"
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie (scripts/install-system-deps.sh)"
_MAX_SKEW = 5.0  # degrees searched either way; scans beyond that are rotated, not skewed


class OcrUnavailable(RuntimeError):
    """Tesseract or its Vietnamese model is not installed."""


@lru_cache(maxsize=1)
def tesseract_engine() -> str:
    """``tesseract <version> vie``; raises ``OcrUnavailable`` with the fix when missing."""
    import pytesseract

    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise OcrUnavailable(f"tesseract is not installed: {INSTALL_HINT}")
    if LANGUAGE not in pytesseract.get_languages(config=""):
        raise OcrUnavailable(f"tesseract has no Vietnamese model: {INSTALL_HINT}")
    return f"tesseract {pytesseract.get_tesseract_version()} {LANGUAGE}"


def ocr_available() -> str | None:
    """``None`` when OCR can run, else the one line that says what to install."""
    try:
        tesseract_engine()
    except OcrUnavailable as exc:
        return str(exc)
    return None


def ocr_page(image: Image, number: int, *, timeout: float, dpi: int = 300) -> PageText:
    """Text of one page image: deskewed, read by Tesseract, NFC; confidence 0-100."""
    import pytesseract

    engine = tesseract_engine()
    gray = ink_only(image)
    if _is_blank(gray):
        return PageText(number, "", "ocr", engine, None)
    angle = estimate_skew(gray)
    if abs(angle) >= 0.1:
        gray = gray.rotate(angle, resample=_bicubic(), expand=True, fillcolor=255)
    data = pytesseract.image_to_data(
        gray, lang=LANGUAGE, config=f"--dpi {dpi}", timeout=timeout,
        output_type=pytesseract.Output.DICT,
    )
    text, confidence = _lines_and_confidence(data)
    return PageText(number, clean_text(text) or "", "ocr", engine, confidence)


def _lines_and_confidence(data: dict[str, list]) -> tuple[str, float | None]:
    """Rebuild lines from Tesseract's word boxes; confidence is the length-weighted mean."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    weighted = total = 0.0
    for word, conf, block, par, line in zip(
        data["text"], data["conf"], data["block_num"], data["par_num"], data["line_num"],
        strict=False,
    ):
        word = (word or "").strip()
        if not word:
            continue
        lines.setdefault((block, par, line), []).append(word)
        conf = float(conf)
        if conf >= 0:
            weighted += conf * len(word)
            total += len(word)
    text = "\n".join(" ".join(words) for _, words in sorted(lines.items()))
    return text, (round(weighted / total, 1) if total else None)


def ink_only(image: Image) -> Image:
    """The page in grey with coloured marks faded out: the text is black, stamps are not.

    A red seal over the signature block (on every signed Vietnamese document)
    reads as dark in an ordinary grey conversion and garbles the words under
    it; in the lightest of the three channels, red and blue ink are light and
    black print stays black.
    """
    from PIL import ImageChops

    if image.mode not in ("RGB", "RGBA", "P", "CMYK"):
        return image.convert("L")
    red, green, blue = image.convert("RGB").split()
    return ImageChops.lighter(red, ImageChops.lighter(green, blue))


def _is_blank(gray: Image) -> bool:
    """A page with no ink at all (blank backs of scanned sheets): nothing to read."""
    low, high = gray.getextrema()
    return high - low < 32


def estimate_skew(gray: Image) -> float:
    """The rotation (degrees, counter-clockwise) that makes text lines horizontal.

    Projection profile: rotated to the right angle, the rows of ink form sharp
    peaks (lines) and valleys (gaps), so the squared differences between
    successive row sums are largest. Searched on a thumbnail, coarse then fine.
    """
    import numpy as np
    from PIL import Image as PILImage

    small = gray.copy()
    small.thumbnail((1200, 1200))
    ink = PILImage.fromarray(((np.asarray(small) < 128) * 255).astype("uint8"))
    if not ink.getbbox():
        return 0.0

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=PILImage.Resampling.NEAREST),
                          dtype=np.float64).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    coarse = max(np.arange(-_MAX_SKEW, _MAX_SKEW + 0.01, 0.5), key=sharpness)
    fine = max(np.arange(coarse - 0.5, coarse + 0.51, 0.1), key=sharpness)
    return round(float(fine), 2)


def _bicubic() -> int:
    from PIL import Image as PILImage

    return PILImage.Resampling.BICUBIC
