"""Lunar (âm lịch) dates in Vietnamese text -> the Gregorian day they stand for.

``ngày 15/8 năm Nhâm Dần``, ``mùng 1 Tết Giáp Thìn``, ``Rằm tháng Giêng``,
``10/3 âm lịch`` name a day of Vietnam's lunar calendar, never that Gregorian
day. The conversion is lunar-vn's (Hồ Ngọc Đức's algorithm at UTC+7), because
Vietnam's calendar is computed at UTC+7 and differs from China's (UTC+8) in
some years: Tết 1985 fell on 21 January in Vietnam, 20 February in China.

A lunar date without a year is the nearest such day not after the reference
(the page's own date): news reports the past. A year named by its can-chi
(``Nhâm Dần``) is the one of that name nearest the reference's lunar year.

Everything here runs on text folded by ``dates._fold`` (lower-case ASCII).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from lunar_vn import LunarDate, lunar_to_solar, solar_to_lunar

# Folded stems and branches; "ty" is both Tý (rat) and Tỵ (snake): the stem's
# parity decides, since a stem and its branch always share parity.
_STEMS: Final = ("giap", "at", "binh", "dinh", "mau", "ky", "canh", "tan", "nham", "quy")
_BRANCHES: Final = {
    "ty": (0, 5), "ti": (5,), "suu": (1,), "dan": (2,), "mao": (3,), "meo": (3,),
    "thin": (4,), "ngo": (6,), "mui": (7,), "than": (8,), "dau": (9,), "tuat": (10,),
    "hoi": (11,),
}  # fmt: skip
_CAN_CHI: Final = (
    r"(?P<stem>" + "|".join(_STEMS) + r")\s+(?P<branch>" + "|".join(_BRANCHES) + r")\b"
)
_MONTH_WORDS: Final = {
    "gieng": 1, "hai": 2, "ba": 3, "tu": 4, "nam": 5, "sau": 6, "bay": 7,
    "tam": 8, "chin": 9, "muoi": 10, "muoi mot": 11, "mot": 11, "muoi hai": 12, "chap": 12,
}  # fmt: skip
# Lunar months by name: tháng Một is the 11th (after tháng Mười), tháng Chạp the 12th.
_MONTH_ALT: Final = r"muoi\s+mot|muoi\s+hai|muoi|gieng|chap|mot|hai|ba|tu|nam|sau|bay|tam|chin"
_MONTH: Final = r"(?P<m>\d{1,2}|" + _MONTH_ALT + ")"
_YEAR_TAIL: Final = (
    r"(?:\s*(?:\(\s*)?(?:am\s*lich|al)\b\s*\)?)?"  # a marker may sit before the year
    r"(?:\s*,?\s*(?:nam\s+)?(?:(?P<y>\d{4})|" + _CAN_CHI + r"))?"
)
_NHUAN: Final = r"(?P<leap>\s+nhuan)?"

# The shapes, each with what makes it lunar. Order: most specific first.
_RAM: Final = re.compile(r"\bram\s+thang\s+" + _MONTH + r"(?!\w)" + _NHUAN + _YEAR_TAIL)
_TET: Final = re.compile(
    r"\b(?:ngay\s+)?(?:mung|mong)\s*(?P<d>\d{1,2})\s+(?:tet|thang\s+gieng)\b"
    r"(?:\s+nguyen\s+dan)?" + _YEAR_TAIL
)
_MUNG: Final = re.compile(
    r"\b(?:mung|mong)\s*(?P<d>\d{1,2})\s+thang\s+" + _MONTH + r"(?!\w)" + _NHUAN + _YEAR_TAIL
)
# A plain day and month that only a marker or a can-chi year makes lunar.
_PLAIN: Final = re.compile(
    r"(?<![\d/.])(?P<d>\d{1,2})\s*(?:/\s*(?P<m1>\d{1,2})(?:\s*/\s*(?P<y1>\d{4}))?"
    r"|\s+thang\s+(?P<m2>\d{1,2}|" + _MONTH_ALT + r")(?!\w)(?P<leap>\s+nhuan)?"
    r"(?:\s*[/,]?\s*(?:nam\s+)?(?P<y2>\d{4}))?)(?![\d/])"
)
_MARK_AFTER: Final = re.compile(r"\s*\(?\s*(?:am\s*lich|al\s*\))")
_MARK_BEFORE: Final = re.compile(r"(?:am\s*lich|\(\s*al\s*\))\s*(?::|,|la|ngay|mung|\s)*$")
_CAN_CHI_AFTER: Final = re.compile(r"\s*,?\s*(?:\(\s*)?(?:nam\s+)?" + _CAN_CHI)

_LUNAR_WORDS: Final = re.compile(r"am\s*lich|\(\s*al\s*\)|\bram\b|\btet\b|\bmung\b|\bmong\b")
CAN_CHI_YEAR: Final = re.compile(r"\b(?:nam|tet)\s+" + _CAN_CHI)


def may_be_lunar(folded: str) -> bool:
    """Whether folded text shows a sign of a lunar date (marker, rằm, Tết, mùng, can-chi year)."""
    return _LUNAR_WORDS.search(folded) is not None or CAN_CHI_YEAR.search(folded) is not None


def can_chi_years(stem: str, branch: str) -> int | None:
    """The year offset (0-59) of a stem and branch in the 60-year cycle; None if they never pair."""
    s = _STEMS.index(stem)
    for b in _BRANCHES[branch]:
        if b % 2 == s % 2:
            # The year y has stem (y + 6) % 10 and branch (y + 8) % 12: solve mod 60.
            return next(y for y in range(60) if (y + 6) % 10 == s and (y + 8) % 12 == b)
    return None


def _month(token: str | None) -> int | None:
    if token is None:
        return None
    token = " ".join(token.split())
    return int(token) if token.isdigit() else _MONTH_WORDS.get(token)


def _solar(day: int, month: int, year: int, leap: bool) -> date | None:
    """The Gregorian day of a lunar one, or None when that lunar day does not exist."""
    try:
        value = lunar_to_solar(LunarDate(day, month, year, leap))
        # A 29-day month has no 30th: lunar-vn would roll it over, the round trip tells.
        if solar_to_lunar(value) != LunarDate(day, month, year, leap):
            return None
    except ValueError:
        return None
    return value


def _lunar_year_of(ref: date) -> int:
    try:
        return solar_to_lunar(ref).year
    except ValueError:
        return ref.year


def _resolve(day: int, month: int, leap: bool, m: re.Match[str], ref: date,
             year: int | None = None) -> date | None:
    """The Gregorian day, taking the year from the match, else the nearest past one."""
    year = year or (int(m["y"]) if m.groupdict().get("y") else None)
    ly = _lunar_year_of(ref)
    if year is None and m.groupdict().get("stem"):
        offset = can_chi_years(m["stem"], m["branch"])
        if offset is None:
            return None
        # The year of that name nearest the reference's lunar year (a cycle is 60 years).
        year = ly - 30 + (offset - (ly - 30)) % 60
    if year is not None:
        return _solar(day, month, year, leap)
    for y in (ly, ly - 1, ly - 2):
        value = _solar(day, month, y, leap)
        if value is not None and value <= ref:
            return value
    return None


class _Invalid:
    """A lunar date that was found but does not exist (``30 tháng Chạp`` of a short year)."""


INVALID: Final = _Invalid()


def lunar_to_gregorian(folded: str, ref: date) -> date | _Invalid | None:
    """The Gregorian day of the first lunar date in ``folded`` text, read against ``ref``.

    Returns None when the text names no lunar date, ``INVALID`` when it names one
    that does not exist (or lies outside 1900-2100).
    """
    found: list[tuple[int, date | _Invalid]] = []
    for pattern, fixed_day, fixed_month in ((_RAM, 15, None), (_TET, None, 1), (_MUNG, None, None)):
        for m in pattern.finditer(folded):
            day = fixed_day or int(m["d"])
            month = fixed_month or _month(m["m"])
            if month is None:
                continue
            leap = bool(m.groupdict().get("leap"))
            found.append((m.start(), _resolve(day, month, leap, m, ref) or INVALID))
    for m in _PLAIN.finditer(folded):
        marked = _MARK_AFTER.match(folded, m.end()) or _MARK_BEFORE.search(
            folded, max(0, m.start() - 24), m.start()
        )
        cc = _CAN_CHI_AFTER.match(folded, m.end())
        if marked is None and cc is None:
            continue
        if cc is None and marked is not None and marked.start() >= m.end():
            cc = _CAN_CHI_AFTER.match(folded, marked.end())
        day, month = int(m["d"]), _month(m["m1"] or m["m2"])
        year = m["y1"] or m["y2"]
        if month is None:
            continue
        leap = bool(m["leap"])
        value = _resolve(day, month, leap, cc or m, ref, int(year) if year else None)
        found.append((m.start(), value or INVALID))
    if not found:
        return None
    return min(found, key=lambda f: f[0])[1]
