"""Text normalisation shared by every layer: NFC, spaces, and a search fold.

Portal text arrives in NFD as well as NFC, with non-breaking and zero-width
spaces and stray entities; everything we store goes through ``clean_text``.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata

# Zero-width space/joiners, word joiner, BOM, soft hyphen: invisible, never meaningful here.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_FOLD_EXTRA = (("đ", "d"), ("Đ", "d"), ("Ð", "d"), ("ð", "d"))


@functools.cache
def _marks_class(low: int, high: int) -> re.Pattern[str]:
    """A character class of the code points in [low, high) with a non-zero combining class."""
    marks = [cp for cp in range(low, high) if unicodedata.combining(chr(cp))]
    return re.compile("[" + "".join(re.escape(chr(cp)) for cp in marks) + "]+")


# ``fold`` drops combining marks with these instead of testing each character in
# Python (0.3 ms an item). A class of BMP characters compiles to a bitmap and is
# fast; astral marks (rare: musical, historic scripts) are in a second, slow class
# used only when the text has an astral character at all, and built only then
# (scanning the 1.05 million astral code points would add ~40 ms to every start).
_MARKS_BMP = _marks_class(0, 0x10000)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC with invisible characters removed."""
    text = unicodedata.normalize("NFC", text)
    # search-then-sub: on the hot path almost no text has any, and search is cheap
    return _INVISIBLE.sub("", text) if _INVISIBLE.search(text) else text


def clean_text(text: str | None, *, unescape: bool = False) -> str | None:
    """NFC, collapse runs of spaces (non-breaking included), trim; keep single newlines.

    Returns ``None`` for ``None`` or for text that is empty once cleaned, so that
    "field shown but blank" and "field absent" read the same downstream.
    """
    if text is None:
        return None
    if unescape:
        text = html.unescape(text)
    text = _SPACES.sub(" ", nfc(text))
    text = _NEWLINES.sub("\n", text).strip()
    return text or None


def clean_line(text: str | None, *, unescape: bool = False) -> str | None:
    """Like ``clean_text`` but folds newlines too: for titles, names, codes."""
    cleaned = clean_text(text, unescape=unescape)
    return cleaned.replace("\n", " ") if cleaned else cleaned


def _fold_d(text: str) -> str:
    # Four str.replace scans in C: str.translate with a mapping looks up every character.
    for old, new in _FOLD_EXTRA:
        text = text.replace(old, new)
    return text


def fold(text: str) -> str:
    """Fold for search: lower case, no diacritics, đ→d, spaces collapsed.

    ``fold("CHỈ THỊ 17") == fold("chỉ thị 17") == fold("chi thi 17") == "chi thi 17"``.
    """
    text = _fold_d(nfc(text))
    decomposed = unicodedata.normalize("NFD", text)
    stripped = _MARKS_BMP.sub("", decomposed)
    if _ASTRAL.search(stripped):
        stripped = _marks_class(0x10000, 0x110000).sub("", stripped)
    return _SPACES.sub(" ", _fold_d(stripped.lower())).strip()
