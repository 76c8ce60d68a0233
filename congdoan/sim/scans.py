"""Scanned pages for the simulator, the tests and the OCR benchmark: Vietnamese text as pixels.

A page is the text rendered at 300 dpi in DejaVu Serif (Debian's fonts-dejavu,
which covers every Vietnamese letter), saved as an image-only PDF: a PDF with
no text layer at all, like a scan of a signed, stamped paper. ``noisy`` adds
what real scans have: a slight skew, a red stamp over the text, JPEG artefacts.
"""

from __future__ import annotations

import io
import random
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

DPI = 300
FONT_PT = 12
MARGIN_PX = 150
SCAN_MEDIA_TYPE = "application/pdf"


def _font(points: float = FONT_PT) -> object:
    from PIL import ImageFont

    # Pillow finds the font by file name in the system's font directories.
    return ImageFont.truetype("DejaVuSerif.ttf", round(points * DPI / 72))


def render_page(lines: tuple[str, ...], *, width_px: int = 2480, noisy: bool = False,
                seed: int = 0) -> Image:
    """One page holding ``lines`` (at most one line of text each) at 300 dpi, RGB."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    font = _font()
    line_px = round(FONT_PT * 1.6 * DPI / 72)
    height = MARGIN_PX * 2 + line_px * max(len(lines), 1)
    page = PILImage.new("RGB", (width_px, height), "white")
    draw = ImageDraw.Draw(page)
    for index, line in enumerate(lines):
        draw.text((MARGIN_PX, MARGIN_PX + index * line_px), line, font=font, fill="black")
    if noisy:
        page = _add_noise(page, random.Random(seed))
    return page


def _add_noise(page: Image, rng: random.Random) -> Image:
    """A red round stamp over part of the text, a 1-2 degree skew, JPEG at quality 60."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    stamp = PILImage.new("RGBA", page.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(stamp)
    radius = min(page.size) // 4
    cx = page.size[0] - radius - MARGIN_PX
    cy = page.size[1] // 2
    red = (200, 30, 30, 150)
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=red, width=12)
    draw.text((cx - radius // 2, cy - 30), "CÔNG ĐOÀN", font=_font(10), fill=red)
    page = PILImage.alpha_composite(page.convert("RGBA"), stamp).convert("RGB")
    angle = rng.choice((-1, 1)) * rng.uniform(1.0, 2.0)
    page = page.rotate(angle, resample=PILImage.Resampling.BICUBIC, expand=True,
                       fillcolor="white")
    buffer = io.BytesIO()
    page.save(buffer, "JPEG", quality=60)
    return PILImage.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def pages_to_pdf(pages: list[Image]) -> bytes:
    """An image-only PDF of ``pages`` (no text layer), 300 dpi."""
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=DPI, save_all=True, append_images=pages[1:])
    return buffer.getvalue()


@lru_cache(maxsize=64)
def build_scanned_pdf(lines: tuple[str, ...], *, width_px: int = 1800) -> bytes:
    """A one-page image-only PDF of ``lines``: what a portal serves for a scanned decision."""
    return pages_to_pdf([render_page(lines, width_px=width_px)])
