"""What a document says it does to other documents, and when it takes effect.

``find_relations(text)`` reads the closing articles and the basis of a
document (its trích yếu, body or attached files' text) and returns one
``Relation`` per target document:

- **replaces**: ``thay thế``;
- **repeals**: ``bãi bỏ``, ``hủy bỏ``, ``chấm dứt hiệu lực``, ``hết hiệu lực``;
- **amends**: ``sửa đổi``, ``bổ sung``, ``đính chính``;
- **based_on**: a ``Căn cứ …`` line of the head.

Each carries the target's code (normalised by ``doccodes``), kind, date and
scope (``whole``, ``Điều 3``, ``khoản 2 Điều 5``) and the sentence that says
so. Only a target with a code is a relation: ``Căn cứ Điều lệ Công đoàn Việt
Nam`` names no document that could be linked. Verbs that only cite
(``Thực hiện``, ``Triển khai``, ``theo Hướng dẫn số …``), a ``Số: …`` header,
a draft (``Dự thảo Luật … (sửa đổi)``) and a verb that describes another
cited document (``Quyết định số 5 về việc sửa đổi …``) give nothing.

``find_effective(text)`` reads the document's own effective statement: on
signing (``có hiệu lực kể từ ngày ký``), from a date (``… từ ngày 01/7/2024``)
or N days after signing (``… sau 45 ngày kể từ ngày ký``).

Pure functions: text in, values out. The rules are in DOMAIN.md
("Relations between documents") and docs/relations.md.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Final, Literal

from congdoan.normalize.dates import fold_aligned, parse_vn_date
from congdoan.normalize.doccodes import DocCode, find_doc_codes

RelationType = Literal["replaces", "repeals", "amends", "based_on"]
EffectiveKind = Literal["on_signing", "on_date", "after_days"]
RELATION_TYPES: Final = ("replaces", "repeals", "amends", "based_on")
# Bumped whenever the rules below change, so that stored relations are read again
# (``storage/relations.py`` keeps a fingerprint of the texts and this version).
RULES_VERSION: Final = 3


@dataclass(frozen=True, slots=True)
class Relation:
    """One thing a document does to another, as its text states it."""

    type: RelationType
    target_code: str  # normalised: 1190/QĐ-TLĐ
    target_kind: str | None  # Quyết định, Hướng dẫn … (None when nothing names it)
    target_date: str | None  # ISO day of the target, when the text gives it
    scope: str  # "whole", "Điều 3", "khoản 2 Điều 5"
    sentence: str  # the clause that says so, as written

    def as_dict(self) -> dict[str, str | None]:
        """The JSON shape of ``congdoan extract --text``."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Effective:
    """When the document itself takes effect."""

    kind: EffectiveKind
    date: str | None  # ISO day, for on_date
    days: int | None  # for after_days
    sentence: str

    def as_dict(self) -> dict[str, str | int | None]:
        """The JSON shape of ``congdoan extract --text``."""
        return asdict(self)


# --------------------------------------------------------------------------- patterns
# All run on text folded by ``dates.fold_aligned`` (lower-case ASCII, one character
# per input character), so spans map back one to one.

# Verbs by relation, longest first so that "cham dut hieu luc" wins over parts of it.
_VERBS: Final = (
    ("repeals", r"cham\s+dut\s+(?:hieu\s+luc|viec\s+thuc\s+hien)|het\s+hieu\s+luc"
                r"|bai\s+bo|huy\s+bo"),
    ("replaces", r"thay\s+the"),
    ("amends", r"sua\s+doi|bo\s+sung|dinh\s+chinh"),
)  # fmt: skip
_VERB: Final = re.compile(
    r"\b(?:" + "|".join(f"(?P<{name}>{src})" for name, src in _VERBS) + r")\b"
)
# A clause that only cites: what it names is not changed by this document.
_CITE_ONLY: Final = re.compile(
    r"^\W*(?:thuc\s+hien|trien\s+khai|quan\s+triet|theo|xet|tiep\s+theo|huong\s+ung"
    r"|tiep\s+tuc\s+thuc\s+hien|de\s+thuc\s+hien|nham\s+thuc\s+hien|so\s*:)\b"
)
_BASIS: Final = re.compile(r"^\W*(?:\d+[.)]\s*)?can\s+cu\b")
# A verb right after "về việc" / "về" / "V/v" describes the document named before it.
_DESCRIBES: Final = re.compile(r"\b(?:ve\s+viec|ve|v/v|nhu\s+sau\s*:?)\s*(?:\S+\s+){0,3}$")
# Drafts and mere wishes name documents that do not yet act.
_DRAFT: Final = re.compile(r"\bdu\s+thao\b|\bde\s+nghi\b|\bkien\s+nghi\b|\bdu\s+kien\b")
# A scope: "điểm a khoản 2 Điều 5", "khoản 2 Điều 5", "Điều 3", "Điều 3 và Điều 4", "Mục II".
# "Điều 3." is the heading of this document's own article, never a scope.
_SCOPE: Final = re.compile(
    r"(?:\bcac\s+)?\b(?:(?:diem\s+[a-z]\s*,?\s*)?(?:khoan\s+\d+\s*(?:,|va)?\s*)*dieu\s+\d+[a-z]?"
    r"(?!\s*\.)"
    r"(?:\s*(?:,|va)\s*(?:dieu\s+)?\d+[a-z]?\b)*|muc\s+[ivx\d]+|phu\s+luc\s+[ivx\d]+)\b"
)
# "ngày 22/7/2019", "ngày 22 tháng 7 năm 2019" right after a code.
_TARGET_DATE: Final = re.compile(
    r"^[\s,]*(?:\(\s*)?(?:ban\s+hanh\s+|ky\s+)?ngay\s+"
    r"(\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|\d{1,2}\s+thang\s+\d{1,2}\s*,?\s+nam\s+\d{4})"
)
# The document's own effect. "kể từ ngày Quyết định này có hiệu lực" is about a
# repeal, not a statement of effect: the subject must be this document or none.
_EFFECT: Final = re.compile(r"\bco\s+hieu\s+luc(?:\s+thi\s+hanh)?\b")
_AFTER_THIS: Final = re.compile(r"\bngay\s+(?:\w+\s+){1,3}nay\s*$")
_ON_SIGNING: Final = re.compile(
    r"^[\s,:]*(?:ke\s+)?(?:tu\s+)?ngay\s+(?:ky|ban\s+hanh)\b"
)
_AFTER_DAYS: Final = re.compile(
    r"^[\s,:]*(?:ke\s+)?sau\s+(?:[a-z]+\s+){0,3}\(?\s*(\d{1,3})\s*\)?\s*(?:\([a-z\s]+\)\s*)?ngay\b"
)
_ON_DATE: Final = re.compile(r"^[\s,:]*(?:ke\s+)?(?:tu|vao|bat\s+dau\s+tu)\s+(?:ngay\s+)?")

# Sentence breaks: a line, a semicolon, or a full stop before a capital or a number.
# "1. Quyết định …", "Điều 3. …": a list number or an article number is no sentence end.
_CLAUSE_BREAK: Final = re.compile(
    r"\n+|;|(?<!\b\d)(?<!\b\d\d)(?<!\b[a-zđ])\.\s+(?=[A-ZĐÀ-Ỹ\d\"“])|\./\."
)


def _clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of ``text``."""
    out, start = [], 0
    for m in _CLAUSE_BREAK.finditer(text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def _kind(code: DocCode) -> str | None:
    """The target's kind: doccodes reads it from the code and the word before it."""
    return code.type_name


def _scope(lead: str) -> str:
    """The part of the target a relation touches, from the text before the target's code."""
    found = [m for m in _SCOPE.finditer(lead)]
    if not found:
        return "whole"
    m = found[-1]
    # The scope written as the text writes it, with the article word capitalised.
    words = re.sub(r"\s+", " ", m[0].strip(" ,"))
    words = re.sub(r"\b[ivx]+\b", lambda r: r[0].upper(), words)  # Mục III, Phụ lục II
    return re.sub(r"\bdieu\b", "Điều", _restore(words))


_RESTORE: Final = {"khoan": "khoản", "diem": "điểm", "cac": "các", "va": "và", "muc": "Mục",
                   "phu luc": "Phụ lục"}


def _restore(folded_words: str) -> str:
    """Folded scope words back in Vietnamese (the only words a scope holds)."""
    for ascii_word, word in _RESTORE.items():
        folded_words = re.sub(rf"\b{ascii_word}\b", word, folded_words)
    return folded_words


def _target_date(folded: str, end: int, stop: int) -> str | None:
    m = _TARGET_DATE.match(folded[end:stop])
    if m is None:
        return None
    parsed = parse_vn_date(m[1])
    return parsed.value.date().isoformat() if parsed and parsed.precision == "day" else None


def find_relations(text: str | None, own_code: str | None = None) -> list[Relation]:
    """Every relation ``text`` states to another document, in order, one per (type, target).

    ``own_code`` (the document's normalised code) is never its own target: a
    trích yếu may name the document itself.
    """
    if not text or not any(ch.isdigit() for ch in text):
        return []
    folded = fold_aligned(text)
    out: dict[tuple[str, str], Relation] = {}
    listed: str | None = None  # "Bãi bỏ các văn bản sau:" then a list, one target a line
    in_basis = False  # "Căn cứ Luật A; Luật sửa đổi … Luật A số …;": the basis goes on
    going_on: str | None = None  # the relation of the previous clause's last target
    for start, end in _clauses(text):
        clause, low = text[start:end], folded[start:end]
        codes = [c for c in find_doc_codes(clause) if c.normalised != own_code]
        sentence = " ".join(clause.split())
        # More targets of the previous clause's verb: a list after "Bãi bỏ các văn bản
        # sau:", or "thay thế các Quyết định: số 100 …; số 101 …".
        more = listed if listed and _LIST_ITEM.match(low) else None
        if (more is None and going_on and codes and _GOES_ON.match(low)
                and not _VERB.search(low) and not _BASIS.match(low)
                and not _CITE_ONLY.match(low)):
            more = going_on
        if more is not None:
            for i in range(len(codes)):
                rel = _relation(more, low, codes, i, 0, sentence)
                out.setdefault((rel.type, rel.target_code), rel)
            continue
        listed = going_on = None
        if not codes:
            in_basis = bool(_BASIS.match(low) or (in_basis and _KIND_FIRST.match(low)))
            if low.rstrip().endswith(":") and not _CITE_ONLY.match(low) and not _DRAFT.search(low):
                verb = _VERB.search(low)
                listed = verb.lastgroup if verb else None
            continue
        basis = _BASIS.match(low) or (in_basis and _KIND_FIRST.match(low)
                                      and not _THIS_OR_EFFECT.search(low))
        in_basis = bool(basis)
        if basis:
            for rel in _basis(low, codes, sentence):
                out.setdefault((rel.type, rel.target_code), rel)
            continue
        if _CITE_ONLY.match(low) or _DRAFT.search(low):
            continue
        acts = _acts(low, codes, sentence)
        for rel in acts:
            out.setdefault((rel.type, rel.target_code), rel)
        # A clause that ends on its last target may go on after a semicolon.
        if acts and len(low) - codes[-1].span[1] < 40:
            going_on = acts[-1].type
    return list(out.values())


# A clause that opens with a document's kind: in a head, the next basis.
_KIND_FIRST: Final = re.compile(
    r"^\W*(?:bo\s+luat|luat|phap\s+lenh|nghi\s+dinh|thong\s+tu|quyet\s+dinh|nghi\s+quyet"
    r"|chi\s+thi|huong\s+dan|ket\s+luan|quy\s+che|quy\s+dinh|dieu\s+le|cong\s+van)\b"
)
# "Quyết định này …", "… có hiệu lực …": the document speaking of itself, not a basis.
_THIS_OR_EFFECT: Final = re.compile(r"^\W*\w+(?:\s+\w+)?\s+nay\b|\bco\s+hieu\s+luc\b")
# A clause that is only more targets: "số 101/QĐ-LĐLĐ …", "Hướng dẫn số 7 …", "- Quyết định …".
_GOES_ON: Final = re.compile(
    r"^\W*(?:(?:[-+•*]|\d{1,2}[.)]|[a-z][.)])\s*)?(?:(?:\w+\s+){0,2}so\b|(?:quyet\s+dinh"
    r"|huong\s+dan|ke\s+hoach|cong\s+van|thong\s+bao|chi\s+thi|nghi\s+quyet|quy\s+che"
    r"|quy\s+dinh)\b)"
)
_LIST_ITEM: Final = re.compile(r"^\s*(?:[-+•*]|\d{1,2}[.)]|[a-z][.)])\s")


def _relation(rtype: str, low: str, codes: list[DocCode], i: int, lead_start: int,
              sentence: str, lead: str | None = None) -> Relation:
    code = codes[i]
    stop = codes[i + 1].span[0] if i + 1 < len(codes) else len(low)
    if lead is None:
        prior_end = max((c.span[1] for c in codes[:i] if c.span[1] > lead_start),
                        default=lead_start)
        lead = low[prior_end : code.span[0]]
    return Relation(rtype, code.normalised, _kind(code),  # type: ignore[arg-type]
                    _target_date(low, code.span[1], stop), _scope(lead), sentence)


def _basis(low: str, codes: list[DocCode], sentence: str) -> list[Relation]:
    """``Căn cứ …``: each code not inside another target's title (``… sửa đổi, bổ sung …``)."""
    out = []
    previous_end = 0
    for i, code in enumerate(codes):
        lead = low[previous_end : code.span[0]]
        previous_end = code.span[1]
        if i and (_VERB.search(lead) or _TITLE_LINK.search(lead)):
            continue  # "Căn cứ Nghị định A sửa đổi Nghị định B": B belongs to A's title
        out.append(_relation("based_on", low, codes, i, 0, sentence, lead=""))  # always whole
    return out


# Between a subject code and its verb: the verb is passive, the code its target.
_PASSIVE: Final = re.compile(r"\b(?:duoc|bi|se|nay|deu|cung)\b")
# Between a verb and a code: the code is cited, not acted on ("bổ sung kinh phí theo QĐ 5").
_CITED: Final = re.compile(
    r"(?<!kem )\btheo\b|\bthuc\s+hien\b|\bcan\s+cu\b|\bphu\s+hop\s+voi\b|^\s*bang\b"
    r"|\bthay\s+the\s+bang\b"
)


def _acts(low: str, codes: list[DocCode], sentence: str) -> list[Relation]:
    """replaces / repeals / amends: each code goes to the verb before it (or, passive, after it)."""
    verbs = [(m, m.lastgroup) for m in _VERB.finditer(low)]
    if not verbs:
        return []
    first = verbs[0][0]
    subject = [c for c in codes if c.span[1] <= first.start()]
    if subject:
        between = low[subject[-1].span[1] : first.start()]
        intransitive = first["repeals"] and first[0].startswith(("het", "cham"))
        if not (_PASSIVE.search(between) or intransitive):
            return []  # "Quyết định số 20 thay thế …": what another document does
        if _DESCRIBES.search(between):
            return []  # "Quyết định số 5 về việc sửa đổi …": its title
    out = []
    for i, code in enumerate(codes):
        preceding = [(m, t) for m, t in verbs if m.end() <= code.span[0]]
        if not preceding:
            # Passive: "Quyết định số 12 … hết hiệu lực", "Điều 3 Quyết định số 5 được sửa đổi";
            # every code before the verb is its subject ("Các Quyết định số 101, 102 …").
            floor = codes[i - 1].span[1] if i else 0
            lead = low[max(floor, code.span[0] - 40) : code.span[0]]
            out.append(_relation(first.lastgroup, low, codes, i, 0, sentence, lead=lead))
            continue
        verb, rtype = preceding[-1]
        lead_all = low[verb.end() : code.span[0]]
        if _CITED.search(lead_all) and not _another_target_between(codes, verb, code):
            continue
        if _another_title(low, codes, code, verb.end()):
            continue  # "bãi bỏ Quyết định A ban hành theo Hướng dẫn B": B is not repealed
        out.append(_relation(rtype, low, codes, i, verb.end(), sentence))
    return out


def _another_target_between(codes: list[DocCode], verb: re.Match[str], code: DocCode) -> bool:
    """A code between the verb and ``code``: the cite word may belong to that one's title."""
    return any(verb.end() <= c.span[0] and c.span[1] <= code.span[0] for c in codes)


# Words that put a later code inside the previous target's own description.
_TITLE_LINK: Final = re.compile(
    r"(?<!kem )\btheo\b|\bthuc\s+hien\b|\bhuong\s+dan\s+thi\s+hanh\b|\bquy\s+dinh\s+chi\s+tiet\b"
)


def _another_title(low: str, codes: list[DocCode], code: DocCode, verb_end: int) -> bool:
    """Whether ``code`` sits in the description of an earlier target, not as a target itself."""
    earlier = [c for c in codes if verb_end <= c.span[0] and c.span[1] <= code.span[0]]
    if not earlier:
        return False
    between = low[earlier[-1].span[1] : code.span[0]]
    return _TITLE_LINK.search(between) is not None


def find_effective(text: str | None) -> Effective | None:
    """The document's own effective statement, or None when it states none."""
    if not text or "hi" not in text.lower():
        return None
    folded = fold_aligned(text)
    for start, end in _clauses(text):
        low = folded[start:end]
        for m in _EFFECT.finditer(low):
            before = low[: m.start()]
            if _AFTER_THIS.search(before) or re.search(r"\bhet\s*$", before):
                continue  # "kể từ ngày Quyết định này có hiệu lực": another's end
            codes = find_doc_codes(text[start : start + m.start()])
            if codes and not re.search(r"\bnay\b", before[codes[-1].span[1] :]):
                continue  # "Quyết định số 12 … có hiệu lực từ …": about another document
            found = _effect_after(low, m.end(), text[start:end])
            if found is not None:
                return found
    return None


def _effect_after(low: str, pos: int, clause: str) -> Effective | None:
    tail = low[pos:]
    sentence = " ".join(clause.split())
    if m := _AFTER_DAYS.match(tail):
        return Effective("after_days", None, int(m[1]), sentence)
    if _ON_SIGNING.match(tail):
        return Effective("on_signing", None, None, sentence)
    if m := _ON_DATE.match(tail):
        parsed = parse_vn_date(clause[pos + m.end() : pos + m.end() + 40])
        if parsed is not None and parsed.precision == "day":
            return Effective("on_date", parsed.value.date().isoformat(), None, sentence)
    return None
