"""Where a search matched, in the stored text as people read it (diacritics kept).

The index holds folded text (``chi thi 17``); people read ``Chỉ thị 17``. Each
character of the original is folded on its own and the folded text keeps a map
back to the original, so a match found in folded text is highlighted where it
stands in the original, whatever its accents or punctuation (``17-CT/TW``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SNIPPET_CHARS = 180  # about two lines of a terminal
Span = tuple[int, int]


@dataclass(frozen=True)
class Snippet:
    """A short excerpt of a text and the ``[start, end)`` spans of the matches within it."""

    text: str
    spans: tuple[Span, ...]


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return base.replace("đ", "d")


class _FoldTable(dict[int, str]):
    """``str.translate`` table folding one character at a time, filled as characters come.

    A body of a few thousand characters is folded for every hit shown; folding it
    character by character in Python was a third of a search's time."""

    LIMIT = 1 << 16  # distinct characters kept; untrusted text may hold many

    def __missing__(self, code: int) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD = _FoldTable()


def _phrase_pattern(phrases: list[str]) -> re.Pattern[str] | None:
    # A phrase is folded tokens separated by spaces; in the text they may be
    # separated by any run of non-word characters (17-CT/TW matches "17 ct tw").
    parts = [r"[\W_]+".join(re.escape(token) for token in phrase.split())
             for phrase in phrases if phrase.split()]
    if not parts:
        return None
    return re.compile(r"(?<![^\W_])(?:" + "|".join(parts) + r")(?![^\W_])")


def match_spans(text: str, phrases: list[str]) -> list[Span]:
    """The spans of ``text`` (original characters) where any of the folded ``phrases`` occurs."""
    pattern = _phrase_pattern(phrases)
    if pattern is None or not text:
        return []
    flat = text.translate(_FOLD)
    owner = _owners(text)
    if owner is None:  # every character folded to exactly one: positions are the same
        return [m.span() for m in pattern.finditer(flat) if m.end() > m.start()]
    return [(owner[m.start()], owner[m.end() - 1] + 1) for m in pattern.finditer(flat)
            if m.end() > m.start()]


def _owners(text: str) -> list[int] | None:
    """For each folded character, the index of the original it came from; ``None`` when
    folding kept one character for one (the usual case, Vietnamese included)."""
    if all(len(_FOLD[ord(char)]) == 1 for char in set(text)):
        return None
    owner: list[int] = []
    for index, char in enumerate(text):
        owner.extend([index] * len(_FOLD[ord(char)]))
    return owner


def make_snippet(text: str | None, phrases: list[str], width: int = SNIPPET_CHARS) -> Snippet:
    """About ``width`` characters of ``text`` around its first match, matches marked.

    Without a match (the hit matched in the title only) it is the start of the text.
    """
    if not text:
        return Snippet("", ())
    text = " ".join(text.split())  # one line: newlines and runs of spaces folded
    spans = match_spans(text, phrases)
    start = 0
    if spans:
        start = max(0, spans[0][0] - width // 3)
        if start:
            space = text.rfind(" ", 0, start)
            start = space + 1 if space >= 0 and start - space < 20 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    inside = tuple((a + shift, b + shift) for a, b in spans if a >= start and b <= end)
    return Snippet(prefix + text[start:end] + suffix, inside)
