"""Highlight spans: the translate-table folding gives the spans that folding each
character on its own gives, for any text (NFD input, marks alone, multi-character
lower cases) and any query."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from congdoan.storage.records import search_fold
from congdoan.storage.snippet import _phrase_pattern, make_snippet, match_spans


def _spans_char_by_char(text: str, phrases: list[str]) -> list[tuple[int, int]]:
    """The definition: fold each character, keep a map back to the original."""
    pattern = _phrase_pattern(phrases)
    if pattern is None or not text:
        return []
    folded, owner = [], []
    for index, char in enumerate(text):
        decomposed = unicodedata.normalize("NFD", char)
        piece = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
        piece = piece.replace("đ", "d")
        folded.append(piece)
        owner.extend([index] * len(piece))
    return [(owner[m.start()], owner[m.end() - 1] + 1)
            for m in pattern.finditer("".join(folded)) if m.end() > m.start()]


VIETNAMESE = ("aăâbcdđeêghiklmnoôơpqrstuưvxy"
              "áàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")
ALPHABET = VIETNAMESE + VIETNAMESE.upper() + " -/.,0123456789\u0301\u0323\u0309İẞﬁ"


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=ALPHABET, max_size=80),
       query=st.text(alphabet=ALPHABET, min_size=1, max_size=12))
def test_spans_equal_the_char_by_char_definition(text: str, query: str) -> None:
    phrases = [p for p in (search_fold(w) for w in query.split()) if p]
    assert match_spans(text, phrases) == _spans_char_by_char(text, phrases)


def test_decomposed_text_is_highlighted_where_it_stands() -> None:
    text = unicodedata.normalize("NFD", "Chỉ thị số 17-CT/TW về thỏa ước")
    spans = match_spans(text, ["thoa uoc"])
    assert [text[a:b] for a, b in spans] == [unicodedata.normalize("NFD", "thỏa ước")]
    snippet = make_snippet(text, ["17 ct tw"])
    assert [snippet.text[a:b] for a, b in snippet.spans] == ["17-CT/TW"]
