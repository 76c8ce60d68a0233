"""How NukeViet transforms text when an editor saves it: entity-encoded titles, aliases.

The simulator stores titles the way the CMS does and renders the stored form
verbatim, so crawlers meet the same ``01&#x002F;7&#x002F;2025`` as on real portals.
"""

from __future__ import annotations

import re
import unicodedata

_TAGS = re.compile(r"<[^>]*>")
# Characters NukeViet's nv_htmlspecialchars/filter rewrites in titles and codes.
_ENTITIES = {
    "&": "&amp;", '"': "&quot;", "'": "&#039;", "<": "&lt;", ">": "&gt;",
    "/": "&#x002F;", ":": "&#x3A;", "(": "&#40;", ")": "&#41;", "[": "&#91;", "]": "&#93;",
}
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]+")


def store_title(text: str) -> str:
    """Return ``text`` as NukeViet stores it: ``<…>`` sequences dropped, then entity-encoded."""
    stripped = _TAGS.sub("", text)
    return "".join(_ENTITIES.get(ch, ch) for ch in stripped)


def display_title(text: str) -> str:
    """The title a reader sees (and truth records): tags dropped, spaces collapsed."""
    return " ".join(_TAGS.sub("", text).split())


def ascii_fold(text: str) -> str:
    """Drop Vietnamese diacritics and map đ/Đ to d/D."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def news_alias(title: str, limit: int = 120) -> str:
    """News module alias: lower-case ASCII words joined by hyphens."""
    return laws_alias(title, limit).lower()


def laws_alias(text: str, limit: int = 150) -> str:
    """Laws module alias: like the news alias but capitals are kept (``Chi-thi``)."""
    return _NON_ALNUM.sub("-", ascii_fold(display_title(text))).strip("-")[:limit].strip("-")


def tag_alias(tag: str) -> str:
    """Tag URLs keep diacritics, lower-case, spaces become hyphens (``tết-sum-vầy``)."""
    return "-".join(tag.lower().split())
