"""Vietnamese document codes (số ký hiệu): find them in text and normalise them.

Three shapes share the portals (see DOMAIN.md):

* state administrative ``92/CT-UBND``, ``5973/UBND-KT`` (công văn: no type),
* state legal normative ``30/2020/NĐ-CP``; laws ``45/2019/QH14``,
* Communist Party / Youth Union ``17-CT/TW``, ``367-QĐ/TWĐTN-VP``;
* citations by number and year only, the type from the word before or glued
  on: ``Nghị định 30/2020``, ``TT36/2017``.

Normalised forms zero-pad numbers below 10 (``05/QĐ-UBND``, as the decree
writes them) and put Party documents in the Party order (``36-HD/VPTW``)
however they were written. Every shape is listed in docs/normalisation.md.

``find_doc_codes`` scans running text (article bodies: it must stay cheap and
quiet), ``parse_doc_code`` returns the first code of a short line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from congdoan.normalize.text import fold

# Document types by upper-cased abbreviation -> (conventional spelling, name).
# QD/ND/QDI are the only stroke-less spellings accepted for types: they mean
# nothing else, whereas HD (Hướng dẫn) ≠ HĐ (Hợp đồng) and DA ≠ ĐA.
_TYPES: dict[str, tuple[str, str]] = {
    "QĐ": ("QĐ", "Quyết định"),
    "QD": ("QĐ", "Quyết định"),
    "CT": ("CT", "Chỉ thị"),
    "HD": ("HD", "Hướng dẫn"),
    "KL": ("KL", "Kết luận"),
    "NQ": ("NQ", "Nghị quyết"),
    "TB": ("TB", "Thông báo"),
    "KH": ("KH", "Kế hoạch"),
    "BC": ("BC", "Báo cáo"),
    "TTR": ("TTr", "Tờ trình"),
    "CTR": ("CTr", "Chương trình"),
    "QC": ("QC", "Quy chế"),
    "QYĐ": ("QyĐ", "Quy định"),
    "QĐI": ("QĐi", "Quy định"),
    "QDI": ("QĐi", "Quy định"),
    "ĐA": ("ĐA", "Đề án"),
    "DA": ("DA", "Dự án"),
    "PA": ("PA", "Phương án"),
    "BB": ("BB", "Biên bản"),
    "TC": ("TC", "Thông cáo"),
    "CĐ": ("CĐ", "Công điện"),
    "HĐ": ("HĐ", "Hợp đồng"),
    "GM": ("GM", "Giấy mời"),
    "CV": ("CV", "Công văn"),
    "NĐ": ("NĐ", "Nghị định"),
    "ND": ("NĐ", "Nghị định"),
    "TT": ("TT", "Thông tư"),  # Thông tri in Party/Front documents: see _type_name
    "TTLT": ("TTLT", "Thông tư liên tịch"),
    "NQLT": ("NQLT", "Nghị quyết liên tịch"),
    "VBHN": ("VBHN", "Văn bản hợp nhất"),
    "QYD": ("QyĐ", "Quy định"),
    # The rest of the decree's table (Phụ lục III) and of Hướng dẫn 36-HD/VPTW.
    "GN": ("GN", "Bản ghi nhớ"),
    "TTH": ("TTh", "Bản thỏa thuận"),
    "GUQ": ("GUQ", "Giấy ủy quyền"),
    "GGT": ("GGT", "Giấy giới thiệu"),
    "GNP": ("GNP", "Giấy nghỉ phép"),
    "GCN": ("GCN", "Giấy chứng nhận"),
    "PG": ("PG", "Phiếu gửi"),
    "PC": ("PC", "Phiếu chuyển"),
    "PB": ("PB", "Phiếu báo"),
    # Copies: "BS" is written for a copy (bản sao) beside the table's SY/TS/SL.
    "BS": ("BS", "Bản sao"),
    "SY": ("SY", "Bản sao y"),
    "TS": ("TS", "Bản trích sao"),
    "SL": ("SL", "Bản sao lục"),
}

# Issuers we know; a lower-case or stroke-less token is trusted only if listed.
# fmt: off
_ISSUERS = frozenset({
    "CP", "TTg", "QH", "UBND", "HĐND", "VPCP", "NHNN", "BHXH",  # state
    "BNV", "BLĐTBXH", "BTC", "BYT", "BGDĐT", "BCA", "BQP", "BTP", "BCT", "BKHĐT",  # ministries
    "BXD", "BTTTT", "BVHTTDL", "BNNPTNT", "BTNMT", "BGTVT",
    "TW", "BCHTW", "VPTW", "TU", "HU", "QU", "ĐU", "ĐUK", "BTG", "BDV", "BCĐ",  # Party
    "BTGTW", "BDVTW", "BTCTW", "UBKTTW", "BTT", "ĐCT", "BBT",
    "TLĐ", "LĐLĐ", "CĐN", "CĐCS", "CĐVC", "BCH", "BTV", "UBKT", "VP",  # union bodies
    "MTTW", "MTTQ", "UBMTTQ", "TWĐTN", "ĐTN",  # Front, Youth Union
})
# fmt: on
_UNION_ISSUERS = frozenset(["TLĐ", "LĐLĐ", "CĐN", "CĐCS", "CĐVC", "BCH", "BTV", "UBKT"])
# Party bodies (and the Youth Union, which numbers the Party way): their codes
# are normalised number-TYPE/ISSUER (Hướng dẫn 36-HD/VPTW) however they are written.
_PARTY_ISSUERS = frozenset(
    ["TW", "BCHTW", "VPTW", "TU", "HU", "QU", "ĐU", "ĐUK", "BTGTW", "BDVTW", "BTCTW",
     "UBKTTW", "TWĐTN", "ĐTN"]
)  # fmt: skip
# Leading organs that belong to the issuer rather than being a drafting unit:
# MTTW-BTT is the Front's Ban Thường trực, LĐLĐ-BTV a Ban Thường vụ.
_ORGANS = frozenset(["BTT", "BTV", "BCH", "ĐCT", "BBT"])
# A citation by number and year only ("Nghị định 30/2020"): the word gives the type,
# and for a nghị định the issuer too (only the Government issues them).
_CITED_TYPES = {
    "Nghị định": ("NĐ", "CP"),
    "Thông tư": ("TT", None),
    "Thông tư liên tịch": ("TTLT", None),
    "Nghị quyết": ("NQ", None),
    "Nghị quyết liên tịch": ("NQLT", None),
    "Quyết định": ("QĐ", None),
    "Chỉ thị": ("CT", None),
    "Văn bản hợp nhất": ("VBHN", None),
    "Luật": (None, None),
    "Bộ luật": (None, None),
    "Pháp lệnh": (None, None),
}
# Upper-cased spelling -> canonical issuer: TTg keeps its conventional case, and
# known issuers typed without the stroke (LDLD, HDND) get their Đ back; only these.
_ISSUER_CANON = {k.replace("Đ", "D"): k for k in _ISSUERS if "Đ" in k} | {
    k.upper(): k for k in _ISSUERS
}

# Type words that may precede a code; longest first so "bộ luật" beats "luật".
_NAMES = sorted(
    {name for _, name in _TYPES.values()}
    | {"Thông tri", "Luật", "Bộ luật", "Hiến pháp", "Pháp lệnh"},
    key=len,
    reverse=True,
)
_NAME_BY_FOLD = {fold(name): name for name in _NAMES}
_TYPE_WORD = re.compile(r"\b(?:" + "|".join(map(re.escape, _NAME_BY_FOLD)) + r")\b")
_ENDS_WITH_SO = re.compile(r"\bso\s*:?\s*$")
_ADJACENT_WORD = re.compile(
    r"\b("
    + "|".join(map(re.escape, sorted((fold(n) for n in _CITED_TYPES), key=len, reverse=True)))
    + r")\s*(?:so\s*)?:?\s*$"
)
# The type word decides between the names an abbreviation is used for.
_CHOICES = {"QĐ": {"Quyết định", "Quy định"}, "TT": {"Thông tư", "Thông tri"}}
# The abbreviation each type word has in the tables (first spelling wins: QĐ, not QD).
_ABBR_BY_NAME: dict[str, str] = {}
for _abbr_key, (_conventional, _name) in _TYPES.items():
    _ABBR_BY_NAME.setdefault(_name, _conventional)
_ABBR_BY_NAME["Quy định"] = "QĐi"  # Party; the state's QyĐ is written with its y
_LAW_NAMES = {"Luật", "Bộ luật", "Nghị quyết", "Hiến pháp", "Pháp lệnh"}
_CONTEXT_CHARS = 60

_L = "A-Za-zĐđÐð"  # code letters: ASCII plus Đ and its look-alike Ð
_TOKEN = rf"[{_L}]+\d*"
_SP = r"[^\S\r\n]{0,3}"  # stray spaces (non-breaking included), never a line break
_DASH = "[-‐‑–—−]"
_SLASH = "[/∕／]"
_CODE = re.compile(
    rf"""
    (?<![\w/∕／.,\-‐‑–—−])                 # not inside a path, number or longer code
    (?P<number>\d{{1,5}})
    (?:
        (?:{_SP}{_DASH}{_SP}|[^\S\r\n]{{1,2}}|)(?P<ptype>{_TOKEN}){_SP}{_SLASH}{_SP}
        (?P<pissuer>{_TOKEN}(?:{_DASH}{_TOKEN})*)              # Party: 17-CT/TW, 84 QĐ/TWĐTN
    |
        {_SP}{_SLASH}(?P<gap>{_SP})
        (?:(?P<year>(?:19|20)\d\d){_SP}{_SLASH}{_SP})?
        (?P<body>{_TOKEN}(?:(?P<sep1>{_SP}{_DASH}{_SP}|[^\S\r\n]){_TOKEN})?    # 92/CT-UBND
            (?:(?:{_DASH}|\.(?=[A-ZĐÐ]{{2}})){_TOKEN})*)                       # 1234/UBND.VP
    )
    (?![\w/∕／])(?!\.\w)                    # not followed by more path or a file suffix
    """,
    re.VERBOSE,
)
# A citation by number and year only: "Nghị định 30/2020", "TT36/2017" (type glued on).
_GLUED_TYPES = ("TTLT", "NQLT", "VBHN", "TT", "NĐ", "ND", "NÐ", "QĐ", "QD", "QÐ", "NQ", "CT")
_CITATION = re.compile(
    rf"(?<![\w/∕／.,\-‐‑–—−])(?:(?P<gtype>{'|'.join(_GLUED_TYPES)})[^\S\r\n]?)?"
    rf"(?P<number>\d{{1,5}}){_SP}{_SLASH}{_SP}(?P<year>(?:19|20)\d\d)(?![\w/∕／])(?![.,]\d)"
)
_TOKEN_RE = re.compile(_TOKEN)
_LAW = re.compile(r"(?:UBTV)?QH\d+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ESCAPES = re.compile(
    rf"&(?:#\d{{1,7}}|#[xX][0-9a-fA-F]{{1,6}}|[A-Za-z][A-Za-z0-9]{{1,31}});|[{_INVISIBLE}]"
)
_DROP_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE), None)


@dataclass(frozen=True)
class DocCode:
    """One document code as cited, with its parts normalised."""

    raw: str  # exactly ``text[span[0]:span[1]]`` of the input
    normalised: str  # canonical: 1076/LĐLĐ, 100-KL/TW, 92/CT-UBND
    number: int
    year: int | None
    type_abbr: str | None  # None for công văn and laws
    type_name: str | None
    issuer_abbr: str | None  # None for a citation by number and year ("Thông tư 36/2017")
    unit_abbr: str | None
    style: str  # "admin", "law" or "party": the separators of ``normalised``
    span: tuple[int, int]

    @property
    def normalized(self) -> str:
        """Alias of ``normalised`` for callers spelling it the US way."""
        return self.normalised

    @property
    def system(self) -> str:
        """Who issues it: "state", "party", "union", "youth" or "front" (Mặt trận)."""
        issuers = (self.issuer_abbr or "").split("-")
        if any(i.startswith("MT") or "MTTQ" in i for i in issuers):
            return "front"
        if self.style == "party":
            return "youth" if any("ĐTN" in i for i in issuers) else "party"
        if issuers[0] in _UNION_ISSUERS or issuers[0].startswith("CĐ"):
            return "union"
        return "state"

    def as_dict(self) -> dict[str, object]:
        """The labelled fields, keyed as in ``vi_doc_codes_sample.jsonl``."""
        return {
            "number": self.number,
            "year": self.year,
            "type_abbr": self.type_abbr,
            "type_name": self.type_name,
            "issuer_abbr": self.issuer_abbr,
            "unit_abbr": self.unit_abbr,
            "style": self.style,
            "raw": self.raw,
            "normalised": self.normalised,
        }


def parse_doc_code(text: str | None) -> DocCode | None:
    """Parse a bare code or a short line holding one (``Số: 92/CT-UBND``); first code wins."""
    if not text:
        return None
    codes = find_doc_codes(text)
    return codes[0] if codes else None


def find_doc_codes(text: str) -> list[DocCode]:
    """Every document code cited in ``text``, in order, with spans into ``text``.

    Dates, fractions, magazine issues (``số 2/2024``), phone numbers and URLs
    are not codes and yield nothing.
    """
    if not text or not any(s in text for s in "/∕／&"):
        return []  # most article paragraphs stop here
    clean, starts, ends = _unescape(text)
    urls = [m.span() for m in _URL.finditer(clean)] if ("://" in clean or "www." in clean) else []
    found: list[tuple[int, int, dict]] = []
    floor = 0  # context for a code never reaches back into the previous one
    for m in _CODE.finditer(clean):
        if any(a <= m.start() < b for a, b in urls):
            continue
        parts = _split(m, clean, floor)
        if parts is None:
            continue
        end, fields = parts
        found.append((m.start(), end, fields))
        floor = end
    if any(ch.isdigit() for ch in clean):
        found = _with_citations(clean, found, urls)
    codes = []
    for a, b, fields in found:
        span = (starts[a], ends[b - 1]) if starts else (a, b)
        codes.append(DocCode(raw=text[span[0] : span[1]], span=span, **fields))
    return codes


def _with_citations(
    clean: str, found: list[tuple[int, int, dict]], urls: list[tuple[int, int]]
) -> list[tuple[int, int, dict]]:
    """Add citations by number and year (``Nghị định 30/2020``, ``TT36/2017``) to ``found``."""
    taken = [(a, b) for a, b, _ in found]
    extra = []
    for m in _CITATION.finditer(clean):
        a, b = m.span()
        if any(x < b and a < y for x, y in taken) or any(x <= a < y for x, y in urls):
            continue
        floor = max((y for x, y in taken if y <= a), default=0)
        fields = _citation(m, clean, floor)
        if fields is not None:
            extra.append((a, b, fields))
    return sorted(found + extra, key=lambda item: item[0]) if extra else found


def _citation(m: re.Match[str], clean: str, floor: int) -> dict | None:
    """Fields of a number/year citation, or None when no type word or glued type names it."""
    number, year = m["number"], int(m["year"])
    context, _ = _context(clean, m.start(), floor)
    if m["gtype"]:
        abbr = _TYPES[_upper(m["gtype"])][0]
        issuer = "CP" if abbr == "NĐ" else None
    else:
        window = fold(clean[max(floor, m.start() - _CONTEXT_CHARS) : m.start()])
        word = _ADJACENT_WORD.search(window)
        if word is None:
            return None  # "tháng 3/2022", "số 2/2024": a date or an issue, not a document
        context = _NAME_BY_FOLD[word[1]]
        abbr, issuer = _CITED_TYPES[context]
    style = "admin" if abbr else "law"
    fields = _fields(number, year, abbr, context, issuer, None, style)
    groups = "-".join(g for g in (abbr, issuer) if g)
    fields["normalised"] = f"{int(number):02d}/{year}" + (f"/{groups}" if groups else "")
    return fields


def _unescape(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """Resolve entities and drop invisible characters, keeping a map back to ``text``.

    Returns the cleaned text and, when it differs from ``text``, the start and
    end offset in ``text`` of each cleaned character.
    """
    if not _ESCAPES.search(text):
        return text, None, None
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _ESCAPES.finditer(text):
        parts.append(text[pos : m.start()])
        starts.extend(range(pos, m.start()))
        ends.extend(range(pos + 1, m.start() + 1))
        # An entity may itself encode an invisible character (&shy;, &#8203;).
        rep = html.unescape(m.group()).translate(_DROP_INVISIBLE)
        parts.append(rep)
        starts.extend([m.start()] * len(rep))
        ends.extend([m.end()] * len(rep))
        pos = m.end()
    parts.append(text[pos:])
    starts.extend(range(pos, len(text)))
    ends.extend(range(pos + 1, len(text) + 1))
    return "".join(parts), starts, ends


def _split(m: re.Match[str], clean: str, floor: int) -> tuple[int, dict] | None:
    """Validate a regex candidate and split it into fields; None if it is not a code.

    Returns the (possibly shortened) end of the code in ``clean`` and the fields.
    """
    context, after_so = _context(clean, m.start(), floor)
    confirmed = after_so and context is not None  # "Công văn số …" right before
    number = m["number"]
    if m["ptype"] is not None:
        ttype = _TYPES.get(_upper(m["ptype"]))
        tokens = _tokens(m, "pissuer")
        kept = _trusted(tokens, confirmed)
        if ttype is None or not kept:
            return None
        issuer = "-".join(_issuer(t) for t, _ in kept)
        return kept[-1][1], _party(number, _abbr(ttype, m["ptype"], context), context, issuer)

    tokens = _tokens(m, "body")
    year = int(m["year"]) if m["year"] else None
    first = _upper(tokens[0][0])
    ttype = _TYPES.get(first)
    if m["gap"] and ttype is None and _issuer(first) not in _ISSUERS:
        return None  # "1/ THAM GIA": a numbered heading, not a code
    if m["sep1"] is not None and not m["sep1"].strip() and ttype is None:
        tokens = tokens[:1]  # "12/TP HCM": a space only parts a type from its issuer
    if year is not None and ttype is None and _LAW.fullmatch(first):
        law = first
        fields = _fields(number, year, None, context, law, None, "law")
        fields["normalised"] = f"{int(number):02d}/{year}/{law}"
        return tokens[0][1], fields
    rest = tokens[1:] if ttype else tokens
    kept = _trusted(rest, confirmed)
    if not kept:
        return None
    issuers = [_issuer(t) for t, _ in kept]
    if ttype is None and issuers[0] not in _ISSUERS and len(kept) == 1 and not after_so:
        return None  # a lone unknown group ("Quận 3/TP") needs "số" to be believed
    abbr = _abbr(ttype, tokens[0][0], context) if ttype else None
    end = kept[-1][1]
    if abbr is not None and year is None and issuers[0] in _PARTY_ISSUERS:
        # A Party document written the State way (36/HD-VPTW): normalised as 36-HD/VPTW.
        return end, _party(number, abbr, context, "-".join(issuers))
    if year is not None:  # normative: joint issuers, no drafting unit
        issuer, unit = "-".join(issuers), None
    else:
        # The issuer's own organ (MTTW-BTT, LĐLĐ-BTV) belongs to it; what follows is the unit.
        organs = 1
        while organs < len(issuers) and issuers[organs] in _ORGANS:
            organs += 1
        issuer, unit = "-".join(issuers[:organs]), "-".join(issuers[organs:]) or None
    fields = _fields(number, year, abbr, context, issuer, unit, "admin")
    groups = [abbr] if abbr else []
    groups += issuers
    prefix = f"{int(number):02d}/{year}/" if year is not None else f"{int(number):02d}/"
    fields["normalised"] = prefix + "-".join(groups)
    return end, fields


def _abbr(ttype: tuple[str, str], written: str, context: str | None) -> str:
    """The type's conventional abbreviation; the word before restores a missing stroke.

    ``Đề án số 12/DA-UBND`` is an ĐA (the decree's Dự án is DA), ``Hợp đồng số
    5/HD-…`` an HĐ: only when the word names the type with the stroke.
    """
    if context is not None:
        named = _ABBR_BY_NAME.get(context)
        if named is not None and named != ttype[0] and _strokeless(named) == _strokeless(written):
            return named
    return ttype[0]


def _strokeless(abbr: str) -> str:
    return _upper(abbr).replace("Đ", "D")


def _party(number: str, abbr: str, context: str | None, issuer: str) -> dict:
    """Fields of a Party-numbered document: number-TYPE/ISSUER."""
    fields = _fields(number, None, abbr, context, issuer, None, "party")
    fields["normalised"] = f"{int(number):02d}-{abbr}/{issuer}"
    return fields


def _fields(
    number: str,
    year: int | None,
    abbr: str | None,
    context: str | None,
    issuer: str | None,
    unit: str | None,
    style: str,
) -> dict:
    """Assemble the DocCode keyword arguments shared by every shape."""
    return {
        "number": int(number),
        "year": year,
        "type_abbr": abbr,
        "type_name": _type_name(abbr, style, issuer, year, context),
        "issuer_abbr": issuer,
        "unit_abbr": unit,
        "style": style,
    }


def _type_name(
    abbr: str | None, style: str, issuer: str | None, year: int | None, context: str | None
) -> str | None:
    """Name the type from its abbreviation, letting the preceding type word choose."""
    if style == "law":  # QH codes name laws and resolutions alike: only words tell
        return context if context in _LAW_NAMES else None
    if abbr is None:  # công văn carry no year; a year without type is unknown
        return "Công văn" if year is None else context
    front = issuer is not None and (issuer.startswith("MT") or "MTTQ" in issuer)
    thong_tri = abbr == "TT" and (style == "party" or front)
    name = "Thông tri" if thong_tri else _TYPES[_upper(abbr)][1]
    return context if context in _CHOICES.get(abbr, ()) else name


def _context(clean: str, start: int, floor: int) -> tuple[str | None, bool]:
    """The last type word just before ``start`` and whether "số" directly precedes it."""
    window = clean[max(floor, start - _CONTEXT_CHARS) : start]
    window = window[window.rfind(";") + 1 :].rsplit("\n", 1)[-1]
    if not window.strip():
        return None, False
    folded = fold(window)
    words = _TYPE_WORD.findall(folded)
    return (_NAME_BY_FOLD[words[-1]] if words else None), bool(_ENDS_WITH_SO.search(folded))


def _tokens(m: re.Match[str], group: str) -> list[tuple[str, int]]:
    """Letter groups of a match group, each with its end offset in the text."""
    base = m.start(group)
    return [(t.group(), base + t.end()) for t in _TOKEN_RE.finditer(m[group])]


def _trusted(tokens: list[tuple[str, int]], confirmed: bool) -> list[tuple[str, int]]:
    """Leading issuer/unit groups that look like abbreviations; stop at the first that doesn't.

    Upper-case groups of two letters or more pass; lower-case ones only if we
    know them or the text names the type right before ("Công văn số 12/snv");
    mixed case ("Fax") never does unless known ("TTg", "Ctr").
    """
    kept = []
    for token, end in tokens:
        letters = token.rstrip("0123456789")
        known = _issuer(token) in _ISSUERS or _upper(token) in _TYPES
        shaped = len(letters) >= 2 and (letters.isupper() or (confirmed and letters.islower()))
        if not (known or shaped):
            break
        kept.append((token, end))
    return kept


def _upper(token: str) -> str:
    """Upper case with the look-alike Ð (U+00D0) turned into Đ."""
    return token.upper().replace("Ð", "Đ")


def _issuer(token: str) -> str:
    """Canonical issuer group: upper case, known stroke-less forms restored, TTg kept."""
    up = _upper(token)
    return _ISSUER_CANON.get(up, up)


def type_words() -> dict[str, tuple[str | None, str]]:
    """Each document-type word, folded (``chi thi``), with its abbreviation and name.

    ``{"chi thi": ("CT", "Chỉ thị"), "luat": (None, "Luật"), ...}``: search reads a
    query such as ``chi thi 17`` as a reference with these (laws have no abbreviation).
    """
    return {folded: (_ABBR_BY_NAME.get(name), name) for folded, name in _NAME_BY_FOLD.items()}
