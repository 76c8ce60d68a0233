"""What a search query asks for: the words that must match, the ones that rank, a reference.

A query is read once, here, for every surface (``storage/search.py``):

* **phrases** (folded, all must match): each whitespace-separated word is a
  phrase of its letter/digit tokens (``17-CT/TW`` → ``17 ct tw``), text in double
  quotes is one phrase. Folding (``records.search_fold``) makes ``chi thi`` find
  every spelling: a phone user's query matches ``chỉ thị``, ``chi thì`` …
* **bigrams** (folded, rank only): each pair of adjacent query syllables. An item
  where they stand together (the compound ``chỉ thị``, ``thỏa ước``) scores far
  above one with the same syllables scattered (``chi tiêu`` … ``thi hành``).
* **exact** words and bigrams (rank only), when the query was typed with
  diacritics: lower-cased as typed, so ``thị`` ranks items with ``thị`` above
  those with ``thi``. A query without diacritics has none: every spelling ranks
  alike.
* **kind words** (folded, rank only): a document type that leads a query with a
  topic after it (``kế hoạch tháng công nhân``, ``thông báo nghỉ tết``) names
  the kind of item wanted, not a word the item must contain: the topic must
  match, the type ranks (a document of that type holds it in its indexed title,
  migration 0008), so an article about the topic is found below the plan itself.
* **reference**: a document type word and a number (``chỉ thị 17``, ``quyết
  định 5440``, ``luật công đoàn 2024``) or a code (``17-CT/TW``,
  ``nghị định 12/2022``): the documents it names come first.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from congdoan.normalize.doccodes import parse_doc_code, type_words
from congdoan.normalize.text import fold, nfc
from congdoan.storage.records import search_fold

_QUOTED_OR_WORD = re.compile(r'"([^"]*)"|(\S+)')
_EXACT_TOKEN = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"^\d{1,6}$")
_TYPES = type_words()
_LONGEST_TYPE_FIRST = sorted(_TYPES, key=len, reverse=True)
YEARS = range(1945, 2101)  # a four-digit number in this range after a law's name is its year


@dataclass(frozen=True)
class Reference:
    """A document the query names: a code, or a type with a number and/or a year."""

    type_abbr: str | None  # CT, QĐ, NĐ …; None for laws (Luật) and codes without a type
    type_name: str | None  # Chỉ thị, Luật …
    number: int | None
    year: int | None
    code: str | None = None  # the normalised code when the query held a whole one

    def label(self) -> str:
        """How the page names what it understood: ``17-CT/TW``, ``Chỉ thị 17``."""
        if self.code:
            return self.code
        parts = [self.type_name or "", str(self.number or ""), str(self.year or "")]
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class SearchQuery:
    """A user query read for matching and ranking (see the module doc)."""

    text: str
    phrases: list[str]  # folded, every one must match
    kind_words: list[str] = field(default_factory=list)  # folded leading type, rank only
    bigrams: list[str] = field(default_factory=list)
    exact: list[str] = field(default_factory=list)  # exact words, then exact bigrams
    reference: Reference | None = None

    @property
    def syllables(self) -> list[str]:
        """Every folded token of the phrases that must match, in order."""
        return [token for phrase in self.phrases for token in phrase.split()]

    @property
    def words(self) -> list[str]:
        """Every folded token of the query, the kind words included, in order."""
        return [token for phrase in self.kind_words for token in phrase.split()] + \
            self.syllables

    @property
    def highlighted(self) -> list[str]:
        """The folded phrases a hit's title and snippet mark: the kind words too."""
        return self.kind_words + self.phrases

    @property
    def has_diacritics(self) -> bool:
        """Whether the user typed any diacritic (then exact spellings rank higher)."""
        return bool(self.exact)


def query_phrases(query: str) -> list[str]:
    """The folded phrases an item must hold to match ``query`` (the kind words of the
    module doc need not); empty when nothing searchable is left."""
    return read_query(query).phrases


def _all_phrases(query: str) -> list[tuple[str, bool]]:
    """(folded phrase, was quoted) for each phrase of ``query``: a word is a phrase of its
    tokens; text in balanced double quotes is one phrase."""
    phrases = ((search_fold(quoted or word), bool(quoted))
               for quoted, word in _QUOTED_OR_WORD.findall(_balanced(query)))
    return [(p, quoted) for p, quoted in phrases if p]


def _kind_words(phrases: list[tuple[str, bool]]) -> int:
    """How many leading phrases are a document type followed by a topic (module doc)."""
    for kind in _LONGEST_TYPE_FIRST:
        size = len(kind.split())
        lead = phrases[:size]
        if len(lead) == size and not any(quoted for _, quoted in lead) \
                and " ".join(p for p, _ in lead) == kind:
            # A topic has a word that is not a number ("chỉ thị 17" names a document).
            rest = [p for p, _ in phrases[size:]]
            return size if any(not _NUMBER.match(t) for p in rest for t in p.split()) else 0
    return 0


def read_query(query: str) -> SearchQuery:
    """``query`` read into what must match and what ranks (the module doc)."""
    query = nfc(query or "")
    every = _all_phrases(query)
    reference = read_reference(query)
    lead = 0 if reference is not None else _kind_words(every)
    kind_words = [" ".join(p for p, _ in every[:lead])] if lead else []
    phrases = [p for p, _ in every[lead:]]
    words = query_words(query)
    folded = [fold(w) for w in words]
    bigrams = _pairs(folded)
    exact: list[str] = []
    if any(f != w for f, w in zip(folded, words, strict=True)):
        # Only words that carry a mark: "chỉ thi" ranks "chỉ" exactly, "thi" as any spelling.
        exact = [w for w, f in zip(words, folded, strict=True) if w != f]
        exact += [pair for pair, plain in zip(_pairs(words), bigrams, strict=True)
                  if pair != plain]
    return SearchQuery(query, phrases, kind_words, bigrams, _unique(exact), reference)


def query_words(query: str) -> list[str]:
    """The query's letter/digit tokens as typed, lower-cased (diacritics kept)."""
    return _EXACT_TOKEN.findall(nfc(_balanced(query)).lower().replace('"', " "))


def read_reference(query: str) -> Reference | None:
    """The document ``query`` names, if it names one (the module doc)."""
    code = parse_doc_code(query)
    if code is not None:
        whole = code.issuer_abbr is not None and code.style != "law"
        return Reference(code.type_abbr, code.type_name, code.number, code.year,
                         code.normalised if whole else None)
    folded = " ".join(_EXACT_TOKEN.findall(fold(query)))
    kind = next((t for t in _LONGEST_TYPE_FIRST
                 if folded == t or folded.startswith(t + " ")), None)
    if kind is None:
        return None
    abbr, name = _TYPES[kind]
    numbers = [int(t) for t in folded[len(kind):].split() if _NUMBER.match(t)]
    if not numbers:
        return None
    if abbr is None:  # "luật công đoàn 2024": a law is named by its year
        years = [n for n in numbers if n in YEARS]
        return Reference(None, name, None, years[-1]) if years else None
    number = numbers[0]
    year = next((n for n in numbers[1:] if n in YEARS), None)
    return Reference(abbr, name, number, year)


def _pairs(tokens: list[str]) -> list[str]:
    return [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _balanced(query: str) -> str:
    # An unmatched quote is a plain character (it folds away), not an open phrase.
    if query.count('"') % 2:
        head, _, tail = query.rpartition('"')
        return head + " " + tail
    return query
