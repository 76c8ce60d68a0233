"""Is a page's text layer worth keeping, or must the page be read by OCR?

Scanned documents have no text layer, or a few stray characters (a page
number stamped by the scanner). Old Vietnamese documents typed in TCVN3 or
VNI fonts have a layer in the font's private encoding: "Céng hoµ x· héi chñ
nghÜa" for "Cộng hoà xã hội chủ nghĩa". Both are read again by OCR.
"""

from __future__ import annotations

import unicodedata

MIN_LETTERS = 20  # fewer letters than this on a page: no real text layer
MAX_FOREIGN_SHARE = 0.1  # letters that are not Vietnamese/ASCII, beyond this: garbage

# Every letter Vietnamese writes, lower case (upper case is checked folded to lower).
_VIETNAMESE = set(
    "abcdefghijklmnopqrstuvwxyz"
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
)


def needs_ocr(text: str) -> bool:
    """True when ``text`` (one page's layer, NFC) is missing, too thin, or mis-encoded."""
    letters = [ch.lower() for ch in unicodedata.normalize("NFC", text) if ch.isalpha()]
    if len(letters) < MIN_LETTERS:
        return True
    foreign = sum(1 for ch in letters if ch not in _VIETNAMESE)
    punctuation = sum(1 for ch in text if ch in "µ¸¶·¹¨©ª«¬®¯°±²³´½¾¼¿×÷")
    return (foreign + punctuation) / len(letters) > MAX_FOREIGN_SHARE
