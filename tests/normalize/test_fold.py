"""``fold`` against its plain definition: character by character, every code point."""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from congdoan.normalize.text import _SPACES, fold, nfc

_D = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d", "ð": "d"})


def reference_fold(text: str) -> str:
    """``fold`` as first written: a per-character ``unicodedata.combining`` test."""
    text = nfc(text).translate(_D)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower().translate(_D)).strip()


def test_every_code_point_folds_as_the_definition() -> None:
    # Each code point alone and after a base letter (where a mark would combine).
    chars = [chr(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF]
    for start in range(0, len(chars), 4096):
        chunk = chars[start:start + 4096]
        assert [fold(ch) for ch in chunk] == [reference_fold(ch) for ch in chunk]
        assert [fold("a" + ch + "b") for ch in chunk] == [
            reference_fold("a" + ch + "b") for ch in chunk]


VIETNAMESE = st.sampled_from(list("aăâeêioôơuưyđĐÐð AĂÂEÊIOÔƠUƯY\u0300\u0301\u0303\u0309\u0323"
                                  "\u00a0\t\n\u200b"))


@settings(max_examples=300, deadline=None)
@given(st.text(st.one_of(VIETNAMESE, st.characters()), max_size=60))
def test_generated_text_folds_as_the_definition(text: str) -> None:
    assert fold(text) == reference_fold(text)
