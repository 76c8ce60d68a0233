"""Vietnamese dates as the portals show them -> timezone-aware datetimes with a precision.

``parse_vn_date("Thứ sáu - 15/09/2017 05:22")`` gives 2017-09-15 05:22 in
Asia/Ho_Chi_Minh with precision ``"minute"``. Dates are day-month-year unless
the text itself proves otherwise (see ``order``). Every supported shape, with
an example, is listed in docs/normalisation.md.

How it works, cheapest first:

1. fold to lower-case ASCII (NFD, marks dropped, đ -> d, odd spaces and
   dashes unified, zero-width gone), so ``Thu Sau``, ``THỨ SÁU`` and NFD
   input all read ``thu sau``;
2. a date marked lunar (``10/3 âm lịch``, ``(ÂL)``) is blanked out: a lunar
   date read as Gregorian is a wrong date. Only a full Gregorian date of the
   same text (``tức ngày 19/4/2024``) may then answer;
3. the hot path: one anchored regex for "[label/weekday] D/M/Y [H:M[:S]]",
   the shape of nearly every article header and listing line;
4. our own patterns for everything else (docs/normalisation.md): machine
   formats (ISO 8601, RFC 2822, asctime, compact, Unix epoch), numeric,
   written and English dates with their clock times, ranges, month/year,
   day/month without a year, relative forms, year only. Of several dates in a
   sentence the leading one wins, and dates in parentheses only count when
   there is none outside them;
5. dateparser, only for text that names a month in words *and* carries a
   4-digit year that no pattern above read, because on bare numbers, labels
   and sentences it guesses.

A date that matches a pattern but does not exist (``31/02/2023``,
``00/00/0000``, ``25:00``) gives None at once; it never falls through to a
looser guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Final, Literal, NamedTuple

from congdoan.normalize.lunar import CAN_CHI_YEAR, lunar_to_gregorian
from congdoan.normalize.lunar import INVALID as LUNAR_INVALID
from congdoan.normalize.text import clean_line
from congdoan.vntime import VN_TZ_NAME

Precision = Literal["minute", "day", "month", "year"]
Order = Literal["dmy", "mdy"]

DEFAULT_TZ: Final = VN_TZ_NAME
# Outside this window a "year" is a counter, a phone number or a placeholder.
MIN_YEAR: Final = 1800
MAX_YEAR: Final = 2200


@dataclass(frozen=True, slots=True)
class VnDate:
    """A parsed date: ``value`` in the portal's timezone, truncated to ``precision``.

    ``value`` is midnight for day precision, the 1st for month precision and
    1 January for year precision. ``end`` is the end of a range such as
    ``từ ngày 01/3 đến ngày 15/3/2022``, else None, truncated to
    ``end_precision`` (the same as ``precision`` unless the text says otherwise).
    ``raw`` is the text as given. Minute precision keeps seconds (and fractions
    of a second) when the text shows them. ``calendar`` is ``"lunar"`` when the
    text named a lunar day (``Rằm tháng Giêng``) and ``value`` is its Gregorian day.
    """

    value: datetime
    precision: Precision
    raw: str
    end: datetime | None = None
    end_precision: Precision | None = None
    calendar: Literal["gregorian", "lunar"] = "gregorian"

    def iso(self) -> str:
        """ISO text cut to the precision, as the sample file writes it.

        ``2017-09-15T05:22:00+07:00``, ``2017-09-15``, ``2022-03`` or ``2021``.
        """
        return _iso(self.value, self.precision)

    def end_iso(self) -> str | None:
        """``iso()`` of ``end``, or None when this is not a range."""
        if self.end is None:
            return None
        return _iso(self.end, self.end_precision or self.precision)


@dataclass(frozen=True, slots=True)
class VnDateRange:
    """Start and end of what a text dates, each with its own precision.

    A single date is a range of one: ``start`` and ``end`` are the same value.
    """

    start: VnDate
    end: VnDate

    @property
    def is_range(self) -> bool:
        """True when the text gave two ends (``từ … đến …``, ``07h30 - 11h30``)."""
        return self.start is not self.end


def to_utc(dt: datetime) -> datetime:
    """The same instant in UTC, for storage. Naive datetimes are refused, not guessed."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("to_utc needs a timezone-aware datetime")
    return dt.astimezone(UTC)


def _iso(value: datetime, precision: Precision) -> str:
    if precision == "minute":
        return value.isoformat(timespec="microseconds" if value.microsecond else "seconds")
    return value.strftime({"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[precision])


# --------------------------------------------------------------------------- folding


# Characters the ASCII fold would drop but that carry meaning: odd spaces
# (non-breaking, thin, ideographic) separate words, dashes link ranges, ð is
# the look-alike of đ.
_ODD_CHARS: Final = {
    **dict.fromkeys("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007", " "),
    **dict.fromkeys("\u2008\u2009\u200a\u202f\u205f\u3000", " "),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "ð": "d",
}
_ODD: Final = re.compile("[" + "".join(_ODD_CHARS) + "]")
_VI_MARK: Final = re.compile(r"[\u00e0-\u024f\u1e00-\u1ef9]")


def _fold(text: str) -> str:
    """Lower case, ASCII only: no diacritics, đ -> d, odd spaces and dashes unified.

    Accepts NFC and NFD alike. Zero-width characters vanish. Done with C-level
    string methods rather than ``text.fold`` (a Python loop per character),
    because every parse starts here.
    """
    folded = text.lower()
    if folded.isascii():
        return folded
    if _ODD.search(folded):
        folded = _ODD.sub(lambda m: _ODD_CHARS[m[0]], folded)
    folded = unicodedata.normalize("NFD", folded.replace("đ", "d"))
    return folded.encode("ascii", "ignore").decode("ascii")


def fold_aligned(text: str) -> str:
    """``_fold`` keeping one character per input character, so that spans line up.

    NFC Vietnamese folds one to one; NFD input (letter + combining marks) would
    shrink, so it is folded per character, a mark becoming a space.
    """
    folded = _fold(text)
    if len(folded) == len(text):
        return folded
    return "".join((_fold(ch) or " ")[:1] for ch in text)


def _blank(match: re.Match[str]) -> str:
    # Same length, so that the spans of later matches stay where they were.
    return " " * (match.end() - match.start())


def _blank_span(s: str, start: int, end: int) -> str:
    return s[:start] + " " * (end - start) + s[end:]


# --------------------------------------------------------------------------- patterns
# All patterns run on the folded text (lower case, ASCII, đ -> d).

# Vietnamese month names (folded). Giêng and Chạp are the everyday names of
# January and December too; a lunar month is marked by âm lịch, rằm, mùng, Tết.
_VI_MONTHS: Final = {
    "gieng": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6, "bay": 7,
    "tam": 8, "chin": 9, "muoi": 10, "muoi mot": 11, "muoi hai": 12, "chap": 12,
}  # fmt: skip
_VI_MONTH_ALT: Final = (
    r"muoi\s+mot|muoi\s+hai|muoi|gieng|chap|mot|hai|bay|ba|tu|bon|nam|sau|tam|chin"
)
_VI_MONTH_WORD: Final = r"(?:" + _VI_MONTH_ALT + r")(?!\w)"
_EN_MONTHS: Final = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_EN_MONTH_WORDS: Final = frozenset(
    (
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "sept", "october", "november", "december",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    )
)  # fmt: skip
_EN_MONTH: Final = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"

# Lunar markers: "âm lịch", "(ÂL)". The date they mark is never Gregorian.
_LUNAR: Final = re.compile(r"\bam\s*lich\b|\(\s*al\s*\)")
# The date a marker follows ("10/3 âm lịch", "ngày 15 tháng 8 âm lịch", "rằm tháng Giêng").
_LUNAR_BEFORE: Final = re.compile(
    r"(?:(?:ngay|mung|mong|ram)\s+)?(?:\d{1,2}\s*(?:[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{2,4})?)?)?"
    r"(?:\s*thang\s+(?:\d{1,2}|" + _VI_MONTH_WORD + r"))?(?:\s+nam\s+\w+(?:\s+\w+)?)?"
    r"[\s,(]*$"
)
# The date a marker precedes ("âm lịch: 10/3", "theo âm lịch ngày 10 tháng 3").
_LUNAR_AFTER: Final = re.compile(
    r"[\s:,)]*(?:(?:la|ngay|mung|ram)\s+)*\d{1,2}"
    r"(?:\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{2,4})?|\s+thang\s+(?:\d{1,2}|" + _VI_MONTH_WORD + r"))?"
)
# A marker that introduces its date: "âm lịch: 11/9", "âm lịch là ngày 10/3".
_LUNAR_INTRO: Final = re.compile(r"\s*(?::|,?\s*(?:la|ngay|mung)\b)")
# Softer lunar hints (rằm, Tết, mùng 1): they stop every guess except a full
# date with its year.
_LUNAR_HINT: Final = re.compile(r"\b(?:ram|tet|(?:mung|mong)\s*\d{1,2})\b")

# Weekdays are ignored (the numeric date wins, sample d085) but blanked first, so
# that "Thứ 2 - 03/04/2023" is not read as the range 2-3 April.
_WEEKDAY_NUMBERS: Final = {
    "2": 0, "hai": 0, "3": 1, "ba": 1, "4": 2, "tu": 2, "5": 3, "nam": 3, "6": 4, "sau": 4,
    "7": 5, "bay": 5, "chu nhat": 6, "chunhat": 6, "cn": 6,
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
_WEEKDAY_NAMED: Final = re.compile(
    r"\b(?:thu\s*([2-7]|hai|ba|tu|nam|sau|bay)|t([2-7])(?!\s*[/.]\s*\d)|(chu\s*nhat|cn)"
    r"|(mon|tue|wed|thu|fri|sat|sun)[a-z]*day)\b"
)
_WEEKDAY: Final = re.compile(
    r"\b(?:thu\s*(?:[2-7]|hai|ba|tu|nam|sau|bay)|chu\s*nhat|t[2-7](?!\s*[/.]\s*\d)|cn"
    r"|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*day|(?:mon|tue|wed|thu|fri|sat|sun)\.?(?=,))\b"
)

# The hot paths. The first: optional prefix without digits (label, weekday;
# "Thứ 2" allowed), an optional clock time before the date ("05:22 15/09/2017",
# "Cập nhật lúc 14:30, Thứ Hai, 03/04/2023"), D/M/Y, optional time, optional
# "(GMT+7)" (the default zone's own offset).
_HOT: Final = re.compile(
    r"(?:[^\d]{0,40}?(?P<bh>\d{1,2}):(?P<bm>\d{2})(?::(?P<bs>\d{2}))?[\s,|\-]+)?"
    r"(?:[^\d]{0,24}?\b(?:thu\s*|t)[2-7]\b)?"
    r"[^\d]{0,48}?(?<![\d/.:])(?P<d>\d{1,2})(?P<sep>[/.-])(?P<mo>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    r"(?:[\s,\-]*(?:luc\s*)?(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?)?[\s)]*"
    r"(?P<gmt7>\(?gmt\s*\+\s*0?7(?::?00)?\)?)?\s*"
)
# Its commonest case first: no clock time before the date, no digit in the prefix.
_HOT_SIMPLE: Final = re.compile(
    r"[^\d]{0,48}?(?<![\d/.:])(?P<d>\d{1,2})(?P<sep>[/.-])(?P<mo>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    r"(?:[\s,\-]*(?:luc\s*)?(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?)?[\s)]*"
    r"(?P<gmt7>\(?gmt\s*\+\s*0?7(?::?00)?\)?)?\s*"
)
# Month and year alone ("Tháng 3/2022", "tháng 3 năm 2022") and the long form
# alone ("Hà Nội, ngày 28 tháng 8 năm 2012"): frequent enough for their own path.
_MONTH_HOT: Final = re.compile(r"[^\d]{0,24}?\bthang\s*(\d{1,2})\s*(?:[/.-]|nam)\s*(\d{4})\s*")
_LONG_HOT: Final = re.compile(
    r"[^\d]{0,48}?(?<![\d/.])(\d{1,2})\s+thang\s+(\d{1,2})\s*(?:,\s*|\s)(?:nam\s+)?(\d{4})\s*"
)

# Numeric D/M/Y: the same separator twice; spaces allowed around slashes
# ("22/ 9/2014", "Ngày 22 / 9 / 2014"), not around dots and dashes (ranges).
_DMY: Final = re.compile(
    r"(?<![\d/.:])(\d{1,2})(?:\s*(/)\s*|([.-]))(\d{1,2})(?(2)\s*/\s*|\3)(\d{4}|\d{2})"
    r"(?!\d|\s*/\s*\d|[.-]\d)"
)
# Year first: 2017/09/15, 2017.09.15 (ISO dashes are a machine format).
_YMD: Final = re.compile(r"(?<![\d/.:-])(\d{4})\s*([/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?![\d/.])")
_YMD_GATE: Final = re.compile(r"\d{4}\s*[/.]\s*\d")
# Day and month without a year: only believed next to a day word (below).
_DM: Final = re.compile(r"(?<![\d/.:,])(\d{1,2})\s*([/.])\s*(\d{1,2})(?!\s*[/.]?\s*\d|[.,]\d)")
_DM_WORD_BEFORE: Final = re.compile(
    r"\b(?:ngay|sang|chieu|trua|toi|dem|hom|luc|vao|tu|den|toi|khuya)\s*(?:ngay\s*)?[:,]?\s*$"
)
# A clock time: 05:22[:31], 05h22, 5 giờ 22 phút, 8 giờ sáng, 2:30 CH, 9h PM.
_TIME_SRC: Final = (
    r"(?<![\d:])(?P<h>\d{1,2})"
    r"(?::(?P<m>\d{2})(?::(?P<s>\d{2})(?P<f>[.,]\d{1,6})?)?"
    r"|\s*(?:h|g|gio)(?:\s*(?P<m2>\d{1,2})(?:\s*(?:phut|p|'))?)?)"
    r"(?:\s*(?P<ap>sa|ch|am|pm|a\.m\.|p\.m\.|sang|chieu|toi|trua|dem))?"
    r"(?![\w:])"
)
_TIME: Final = re.compile(_TIME_SRC)
# Between a date and a following time: "15/09/2017, 05:22", "03/04/2023 - 14:30", "lúc", "at".
_TIME_AFTER: Final = re.compile(
    r"[\s,;|()\-]*(?:(?:vao\s+)?(?:luc|hoi)\s*|at\s+|@\s*)?" + _TIME_SRC
)
# A time right before a date: "05:22 15/09/2017", "5 giờ 22 phút, ngày 15/9/2017".
_TIME_BEFORE: Final = re.compile(_TIME_SRC + r"[\s,;|()\-]*(?:ngay\s*)?$")
# Two times on one day, before or after it: "07h30 - 11h30, ngày 15/3/2022".
_TIME_RANGE_SRC: Final = (
    _TIME_SRC + r"\s*(?:-|den|toi)\s*" + _TIME_SRC.replace("?P<", "?P<e")
)
_TIME_RANGE_BEFORE: Final = re.compile(
    r"(?:\btu\s+)?" + _TIME_RANGE_SRC + r"[\s,;|()\-]*(?:(?:sang|chieu|toi)\s+)?(?:ngay\s*)?$"
)
_TIME_RANGE_AFTER: Final = re.compile(
    r"[\s,;|(\-]*(?:\btu\s+|luc\s+)?" + _TIME_RANGE_SRC
)
# An explicit UTC offset after the time: "(GMT+7)", "GMT+07:00", "+0700", "UTC".
_OFFSET: Final = re.compile(
    r"\s*\(?\s*(?:(?:gmt|utc)\s*(?:(?P<sign>[+-])\s*(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?)?"
    r"|(?P<bsign>[+-])(?P<boh>\d{2}):?(?P<bom>\d{2}))"
)
# US order signals: English AM/PM after a numeric date; with seconds it is the
# en-US CMS signature "M/D/YYYY h:mm:ss AM".
_EN_AMPM: Final = re.compile(r"\d\s*(?:am|pm|a\.m\.|p\.m\.)(?!\w)")
_US_CLOCK: Final = re.compile(r"\d{1,2}:\d{2}:\d{2}\s*(?:am|pm)(?!\w)")

# Machine formats.
_ISO: Final = re.compile(
    r"(?<![\d/.-])(\d{4})-(\d{2})-(\d{2})"
    r"(?:[t\s](\d{2}):(\d{2})(?::(\d{2})([.,]\d+)?)?\s*(z|[+-]\d{2}(?::?\d{2})?)?)?(?![\d/.-])"
)
_ISO_MONTH: Final = re.compile(r"(?<![\d/.-])((?:19|20)\d\d)-(\d{2})(?![\d/.-])")
_RSS: Final = re.compile(
    r"(?:[a-z]{3},?\s+)?(\d{1,2})\s+([a-z]{3})[a-z]*\.?\s+(\d{4})\s+"
    r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([a-z]{1,4}|[+-]\d{4})?"
)
_ASCTIME: Final = re.compile(
    r"(?:[a-z]{3}\s+)?([a-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(?:([a-z]{1,4})\s+)?(\d{4})"
)
_COMPACT: Final = re.compile(r"(\d{4})(\d{2})(\d{2})(?:t?(\d{2})(\d{2})(\d{2})?(z)?)?")
# Unix epoch seconds (or milliseconds) of this century: 10 digits from 1 or 13 digits.
_EPOCH: Final = re.compile(r"([12]\d{9})(?:[.,](\d{1,6})|(\d{3}))?")
_NAMED_ZONES: Final = {
    "gmt": 0, "ut": 0, "utc": 0, "z": 0, "ict": 7,
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
}  # fmt: skip

# Written forms: "ngày 15 tháng 9 năm 2017", "15 tháng 9, 2017", "ngày 5 tháng Chín năm 2017".
_LONG: Final = re.compile(
    r"(?<![\d/.])(\d{1,2})\s+thang\s+(\d{1,2}|" + _VI_MONTH_WORD + r")"
    r"\s*(?:,\s*|\s)(?:nam\s+)?(\d{4})(?!\d)|"
    r"(?<![\d/.])(\d{1,2})\s+thang\s+(\d{1,2})\s*[/.-]\s*(\d{4})(?![\d/.])"
)
# Month and year: "tháng 3/2022", "Tháng 3 năm 2022", "tháng Chín 2017"; "03/2022", "T3/2022".
_MONTH: Final = re.compile(
    r"\bthang\s*(\d{1,2})\s*(?:[/.-]|nam|,)\s*(\d{4})(?!\d)"
    r"|\bthang\s+(" + _VI_MONTH_ALT + r")(?!\w)\s*(?:nam\s+|,\s*)?(\d{4})(?!\d)"
)
_NUMBER_WORD: Final = re.compile(r"\bso\s*:?\s*$")  # "số 12/2022" is numbered, not dated
_MONTH_NUMERIC: Final = re.compile(r"(?:\bt|(?<![\d/.:-]))(\d{1,2})\s*/\s*(\d{4})(?![\d/.-]|\s*/)")
# English: "November 27, 2026", "27 Nov 2026", "Nov. 27th 2026", "November 2026".
_EN_MDY: Final = re.compile(
    r"\b(" + _EN_MONTH + r")\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)"
)
_EN_DMY: Final = re.compile(
    r"(?<![\d/.])(\d{1,2})(?:st|nd|rd|th|\.)?\s+(?:of\s+)?(" + _EN_MONTH + r"),?\s+(\d{4})(?!\d)"
)
_EN_MY: Final = re.compile(r"\b(" + _EN_MONTH + r"),?\s+(\d{4})(?!\d)")

# Ranges: a start half, a link, then a full date (the end). The start takes its
# missing month and year from the end.
_LINK: Final = r"\s*(?:-|den|toi|cho\s+den)\s+(?:het\s+)?(?:ngay\s+)?|\s*-\s*(?:ngay\s+)?"
_START_DAY: Final = re.compile(
    r"(?<![\d/.:])(\d{1,2})"
    r"(?:\s*([/.])\s*(\d{1,2})(?:\s*\2\s*(\d{4}|\d{2}))?"
    r"|\s+thang\s+(\d{1,2}|" + _VI_MONTH_WORD + r")(?:\s*(?:,\s*|\s)(?:nam\s+)?(\d{4}))?)?"
    r"(?:" + _LINK + r")$"
)
_START_MONTH: Final = re.compile(
    r"(?:\bthang\s+)?(?<![\d/.:])(\d{1,2})(?:\s*(?:/|nam)\s*(\d{4}))?"
    r"(?:" + _LINK + r")(?:thang\s+)?$"
)
_YEAR_RANGE: Final = re.compile(r"(?<![\d/.:-])(\d{4})\s*-\s*(\d{4})(?![\d/.-])")

# "năm 2021" must not match "Việt Nam 2021": when the text has diacritics the
# year word is matched with them, on the unfolded text.
_YEAR_VI: Final = re.compile(r"(?<!\w)năm\s+(\d{4})(?!\d)")
_YEAR_ASCII: Final = re.compile(r"(?<!\w)nam\s+(\d{4})(?!\d)")
_YEAR_ONLY: Final = re.compile(r"\d{4}")

# Relative forms.
_UNITS: Final = r"(giay|phut|gio|ngay|tuan|thang|nam)"
_AGO: Final = re.compile(
    r"(?:(\d{1,3})|\bmot)\s*" + _UNITS + r"\s+truoc\b|\bcach\s+day\s+(\d{1,3})\s*" + _UNITS + r"\b"
)
_RELATIVE_HINT: Final = re.compile(r"truoc|hom|ngay|vua|cach|ngoai|now")
_DAY_WORD: Final = re.compile(r"\bhom\s+(nay|qua|kia)\b|\bngay\s+(mai|kia)\b")
_DAY_OFFSETS: Final = {"nay": 0, "qua": -1, "kia": -2, "mai": 1}
_JUST_NOW: Final = re.compile(r"\bvua\s+(?:xong|moi)\b|\bjust\s+now\b")
_LAST_PERIOD: Final = re.compile(r"\b(tuan|thang|nam)\s+(?:truoc|ngoai)\b")

# Parenthesised asides that hold a date: "(20/10/1930 - 20/10/2023)".
_PAREN: Final = re.compile(r"\([^()]*(?:\d\s*[/.]\s*\d|\b\d{4}\b)[^()]*\)")

# The dateparser fallback needs a month written as a word and a 4-digit year.
_FALLBACK_VI: Final = re.compile(r"\bthang\s+" + _VI_MONTH_WORD + r".*\b\d{4}\b")
_FALLBACK_EN: Final = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b.*\b\d{4}\b"
    r"|\b\d{4}\b.*\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
)
_FALLBACK_MAX_LEN: Final = 60

# --------------------------------------------------------------------------- building values

# (value, precision, end, end precision); end and its precision are None for one date.
_Hit = tuple[datetime, Precision, datetime | None, Precision | None]
_INVALID: Final = object()  # a pattern matched but the date does not exist: answer None


@lru_cache(maxsize=16)
def _zone(name: str) -> tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _one(value: datetime | None, precision: Precision):
    """A single-date ``_Hit``, or ``_INVALID`` when the calendar refused the value."""
    return _INVALID if value is None else (value, precision, None, None)


def _year(text: str) -> int:
    value = int(text)
    if len(text) == 2:  # 15/09/17: portals only abbreviate recent years
        value += 2000 if value < 70 else 1900
    return value


def _month_number(token: str) -> int:
    """A month given as digits or as a folded Vietnamese word (``chin``, ``muoi hai``)."""
    if token.isdigit():
        return int(token)
    return _VI_MONTHS[" ".join(token.split())]


def _make(zone: tzinfo, y: int, mo: int = 1, d: int = 1, h: int = 0, mi: int = 0, s: int = 0):
    """An aware datetime, or None when the calendar says no (31/02, 00/00/0000, 24:00)."""
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=zone)
    except ValueError:
        return None


def _fraction(text: str | None) -> int:
    """Microseconds of a ``.123`` / ``,5`` fraction (at most six digits kept)."""
    return int((text[1:] + "000000")[:6]) if text else 0


def _clock(m: re.Match[str], prefix: str = "") -> tuple[int, int, int, int] | None:
    """(hour, minute, second, µs) of a ``_TIME`` match, with sáng/chiều/SA/CH applied."""
    h = int(m[prefix + "h"])
    minute = m[prefix + "m"] or m[prefix + "m2"]
    mi = int(minute) if minute else 0
    s = int(m[prefix + "s"]) if m[prefix + "s"] else 0
    ap = m[prefix + "ap"]
    if ap in ("ch", "pm", "p.m.", "chieu", "toi"):
        if h > 12 and ap in ("pm", "p.m.", "ch"):
            return None  # "13:00 PM" is no clock time
        h = h + 12 if h < 12 else h
    elif ap in ("sa", "am", "a.m.", "sang"):
        if h > 12:
            return None
        h = 0 if h == 12 else h
    elif ap == "trua":  # noon: 11-12 as is, 1-2 trưa is early afternoon
        h = h + 12 if h < 6 else h
    elif ap == "dem":  # night: 9-11 đêm is evening, 12 đêm is midnight, 1-4 as is
        h = 0 if h == 12 else h + 12 if 6 <= h < 12 else h
    if h > 23 or mi > 59 or s > 59:
        return None
    return h, mi, s, _fraction(m[prefix + "f"])


def _offset(s: str, pos: int) -> timezone | None:
    m = _OFFSET.match(s, pos)
    if not m:
        return None
    sign, hours, minutes = (
        (m["sign"], m["oh"], m["om"]) if m["bsign"] is None else (m["bsign"], m["boh"], m["bom"])
    )
    if sign is None:
        return UTC  # a bare "GMT"
    return _fixed_zone(sign, int(hours), int(minutes or 0))


@lru_cache(maxsize=64)
def _fixed_zone(sign: str, hours: int, minutes: int) -> timezone | None:
    delta = timedelta(hours=hours, minutes=minutes)
    if delta >= timedelta(hours=15):
        return None
    return timezone(-delta if sign == "-" else delta)


def _in_zone(value: datetime, offset: tzinfo, zone: tzinfo) -> datetime:
    """``value``'s wall clock read at ``offset``, shown in ``zone``."""
    if offset.utcoffset(value) == value.utcoffset():
        return value  # "(GMT+7)" on a UTC+7 portal: nothing to convert
    return value.replace(tzinfo=offset).astimezone(zone)


def _at(day: datetime, clock: tuple[int, int, int, int]) -> datetime:
    return day.replace(hour=clock[0], minute=clock[1], second=clock[2], microsecond=clock[3])


def _dated(zone: tzinfo, s: str, span: tuple[int, int], day: datetime | None):
    """The date at ``span`` of ``s`` with the clock time (or time range) next to it, if any.

    Returns a ``_Hit``, or ``_INVALID`` when the date or the time does not exist.
    """
    if day is None:
        return _INVALID
    start, end = span
    window = max(0, start - 48)  # a time before the date sits right next to it
    r = None
    before = _ends_with_time(s, window, start)
    if _has_link(s, end, end + 40):
        r = _TIME_RANGE_AFTER.match(s, end)
    if r is None and before and _has_link(s, window, start):
        r = _TIME_RANGE_BEFORE.search(s, window, start)
    if r is not None:
        first, last = _clock(r), _clock(r, "e")
        if first is None or last is None or last < first:
            return _INVALID
        return _at(day, first), "minute", _at(day, last), "minute"
    t = _TIME_AFTER.match(s, end)
    if t is None and before:
        t = _TIME_BEFORE.search(s, window, start)
    if t is None:
        return day, "day", None, None
    clock = _clock(t)
    if clock is None:
        return _INVALID
    value = _at(day, clock)
    offset = _offset(s, t.end()) if t.start() >= end else _offset(s, end)
    if offset is not None:
        value = _in_zone(value, offset, zone)
    return value, "minute", None, None


_TIME_TAILS: Final = ("h", "g", "gio", "phut", "p", "'", "sa", "ch", "am", "pm", ".m.", "sang",
                      "chieu", "toi", "trua", "dem")


def _ends_with_time(s: str, start: int, end: int) -> bool:
    """Whether ``s[start:end]`` may end with a clock time: a cheap gate for ``_TIME_BEFORE``."""
    head = s[start:end].rstrip(" ,;|()-")
    if head.endswith("ngay"):
        head = head[:-4].rstrip(" ,;|()-")
    return head[-1:].isdigit() or head.endswith(_TIME_TAILS)


def _has_link(s: str, start: int, end: int) -> bool:
    """Whether ``s[start:end]`` holds a range link (a dash, đến, tới): a cheap gate."""
    part = s[max(0, start) : end]
    return "-" in part or "den" in part or "toi" in part


def _linked(s: str, start: int) -> bool:
    """Whether a range link ends right before ``start`` ("… đến ngày ", "… - "): a cheap gate."""
    tail = s[max(0, start - 24) : start].rstrip()
    if tail.endswith("ngay"):
        tail = tail[:-4].rstrip()
    if tail.endswith("thang"):
        tail = tail[:-5].rstrip()
    return tail.endswith(("-", "den", "toi", "het"))


def _reference(now: datetime | None, zone: tzinfo) -> datetime:
    if now is None:
        return datetime.now(zone)
    if now.tzinfo is None:
        return now.replace(tzinfo=zone)  # a naive "now" is read as portal-local time
    return now.astimezone(zone)


def _midnight(dt: datetime) -> datetime:
    return dt.replace(hour=0, minute=0, second=0, microsecond=0)


def _nearest_year(
    zone: tzinfo, mo: int, d: int, ref: datetime, weekday: int | None = None
) -> datetime | None:
    """D/M without a year: the nearest such day not after the reference (news reports the past).

    With a ``weekday`` (0 = Monday) the latest such day that falls on it wins,
    when one of the last eight years has it. 29/2 reaches back to a leap year.
    """
    anchor = _midnight(ref)
    days = [
        day
        for y in range(ref.year, ref.year - 9, -1)
        if (day := _make(zone, y, mo, d)) is not None and day <= anchor
    ]
    if not days:
        return None
    if weekday is not None:
        agreeing = [day for day in days if day.weekday() == weekday]
        if agreeing:
            return agreeing[0]
    return days[0]


def _months_back(ref: datetime, months: int) -> datetime:
    """The same day ``months`` earlier, at midnight (31 March - 1 month = 28/29 February)."""
    index = ref.year * 12 + ref.month - 1 - months
    year, month = index // 12, index % 12 + 1
    for day in range(ref.day, 27, -1):
        try:
            return _midnight(ref.replace(year=year, month=month, day=day))
        except ValueError:
            continue
    return _midnight(ref.replace(year=year, month=month, day=min(ref.day, 28)))


# --------------------------------------------------------------------------- order (D/M or M/D)


def _order_votes(texts: Iterable[str]) -> Order | None:
    """The order the page's other dates prove: a part above 12 cannot be the month."""
    dmy = mdy = 0
    for text in texts:
        for m in _DMY.finditer(_fold(text or "")):
            a, b = int(m[1]), int(m[4])
            dmy += a > 12 >= b
            mdy += b > 12 >= a
    if dmy == mdy:
        return None
    return "dmy" if dmy > mdy else "mdy"


class _Reading(NamedTuple):
    """How to read one text: zone, reference time, numeric order, lunar strictness."""

    zone: tzinfo
    tz: str
    now: datetime | None
    order: Order | None
    us_signal: bool  # English AM/PM, an order hint or the page's other dates say M/D
    us_clock: bool  # "h:mm:ss AM": the en-US CMS format, month first when both fit
    strict: bool  # a lunar date was blanked or hinted: only full Gregorian dates answer
    vietnamese: bool  # Vietnamese text: English month words are not read in it

    def day_month(self, a: int, b: int, s: str) -> tuple[int, int]:
        """(day, month) of a numeric ``a/b`` in ``s``: D/M unless the text shows M/D.

        The part that cannot be a month decides first (when the text is a bare
        numeric date or carries a US signal); then the caller's order or the
        page's other dates; then the en-US CMS signature (``h:mm:ss AM``).
        Vietnamese D/M text is never swapped: a valid D/M stays D/M without a signal.
        """
        if b <= 12:
            if a > 12 or self.order == "dmy":
                return a, b
            if self.order == "mdy" or self.us_clock:
                return b, a
            return a, b
        if a <= 12 and (self.us_signal or self.order == "mdy" or _bare_numeric(s)):
            return b, a
        return a, b  # month 13 or more: the calendar refuses it


def _bare_numeric(s: str) -> bool:
    """No word at all beside the numbers (``10/25/2023 14:30``): nothing says D/M."""
    return not re.search(r"[a-z]", _EN_AMPM.sub("", s))


# --------------------------------------------------------------------------- shape families


def _machine(s: str, r: _Reading):
    """ISO 8601 (offset converted to local), RSS pubDate, asctime, 20170915, Unix epoch."""
    zone = r.zone
    if _has_iso_date(s) and (m := _ISO.search(s)):
        y, mo, d, h, mi, sec, frac, off = m.groups()
        if h is None:
            return _one(_make(zone, int(y), int(mo), int(d)), "day")
        local = _make(zone, int(y), int(mo), int(d), int(h), int(mi), int(sec or 0))
        if local is None:
            return _INVALID
        local = local.replace(microsecond=_fraction(frac))
        if off:
            if off == "z":
                tz_off = UTC
            else:
                sign, digits = off[0], off[1:].replace(":", "")
                delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
                tz_off = timezone(-delta if sign == "-" else delta)
            local = local.replace(tzinfo=tz_off).astimezone(zone)
        elif (named := _offset(s, m.end())) is not None:
            local = local.replace(tzinfo=named).astimezone(zone)
        return local, "minute", None, None
    if r.vietnamese or ":" not in s:
        pass  # RFC 2822 and asctime are English with a clock
    elif (m := _RSS.fullmatch(s)) and m[2] in _EN_MONTHS:
        d, mon, y, h, mi, sec, zname = m.groups()
        value = _make(zone, int(y), _EN_MONTHS[mon], int(d), int(h), int(mi), int(sec or 0))
        return _zoned(value, zname, zone)
    elif (m := _ASCTIME.fullmatch(s)) and m[1] in _EN_MONTHS:
        mon, d, h, mi, sec, zname, y = m.groups()
        value = _make(zone, int(y), _EN_MONTHS[mon], int(d), int(h), int(mi), int(sec))
        return _zoned(value, zname, zone)
    if s[:1].isdigit():
        if m := _COMPACT.fullmatch(s):
            y, mo, d, h, mi, sec, z = m.groups()
            if h is None:
                return _one(_make(zone, int(y), int(mo), int(d)), "day")
            value = _make(zone, int(y), int(mo), int(d), int(h), int(mi), int(sec or 0))
            return _zoned(value, z, zone)
        if m := _EPOCH.fullmatch(s):
            seconds = int(m[1])
            micros = _fraction("." + m[2]) if m[2] else int(m[3] or 0) * 1000
            value = datetime.fromtimestamp(seconds, UTC).astimezone(zone)
            return value.replace(microsecond=micros), "minute", None, None
    return None


def _has_iso_date(s: str) -> bool:
    """Cheap gate for ``_ISO``: four digits, a dash, two characters, a dash."""
    i = s.find("-")
    while i != -1:
        if s[i + 3 : i + 4] == "-" and s[max(0, i - 4) : i].isdigit():
            return True
        i = s.find("-", i + 1)
    return False


def _has_slash_year(s: str) -> bool:
    """Cheap gate for ``_MONTH_NUMERIC``: a slash followed by four digits."""
    i = s.find("/")
    while i != -1:
        if s[i + 1 : i + 6].strip()[:4].isdigit():
            return True
        i = s.find("/", i + 1)
    return False


def _zoned(value: datetime | None, zname: str | None, zone: tzinfo):
    """A wall-clock value read in a named zone or ±hhmm, converted to the portal's zone."""
    if value is None:
        return _INVALID
    if zname:
        if zname[0] in "+-":
            delta = timedelta(hours=int(zname[1:3]), minutes=int(zname[3:]))
            value = value.replace(tzinfo=timezone(-delta if zname[0] == "-" else delta))
        elif zname in _NAMED_ZONES:
            value = value.replace(tzinfo=timezone(timedelta(hours=_NAMED_ZONES[zname])))
        value = value.astimezone(zone)
    return value, "minute", None, None


# A candidate: (start in the text, -length, builder, its arguments): the leading one wins,
# then the longest, and only the winner is built.
_Candidate = tuple[int, int, Callable[..., object], tuple]


def _full_dates(s: str, r: _Reading) -> list[tuple[int, int, int, int, int]]:
    """Every full date (day, month and year given) in ``s``: (start, end, year, month, day).

    The calendar is not asked yet: only the date that wins is built (``_day_candidates``).
    """
    found: list[tuple[int, int, int, int, int]] = []
    plain = r.order != "mdy" and not r.us_clock  # D/M whenever the month part fits
    for m in _DMY.finditer(s):
        a, b = int(m[1]), int(m[4])
        d, mo = (a, b) if plain and b <= 12 else r.day_month(a, b, s)
        found.append((m.start(), m.end(), _year(m[5]), mo, d))
    if _YMD_GATE.search(s):
        for m in _YMD.finditer(s):
            found.append((m.start(), m.end(), int(m[1]), int(m[3]), int(m[4])))
    if "thang" in s:
        for m in _LONG.finditer(s):
            if m[1] is not None:
                d, mo, y = m[1], _month_number(m[2]), m[3]
            else:
                d, mo, y = m[4], int(m[5]), m[6]
            found.append((m.start(), m.end(), int(y), mo, int(d)))
    if not r.vietnamese and _FALLBACK_EN.search(s):
        for m in _EN_MDY.finditer(s):
            if (mo := _en_month(m[1])) is not None:
                found.append((m.start(), m.end(), int(m[3]), mo, int(m[2])))
        for m in _EN_DMY.finditer(s):
            if (mo := _en_month(m[2])) is not None:
                found.append((m.start(), m.end(), int(m[3]), mo, int(m[1])))
    return found


def _en_month(word: str) -> int | None:
    """The month of an English month word, or None for a word that only starts like one."""
    word = word.rstrip(".")
    return _EN_MONTHS[word[:3]] if word in _EN_MONTH_WORDS else None


def _day_candidates(s: str, r: _Reading) -> list[_Candidate]:
    """Full dates, alone or ending a range; each built (with its clock time) only if it wins."""
    out: list[_Candidate] = []
    for start, end, y, mo, d in _full_dates(s, r):
        prefix = _START_DAY.search(s, max(0, start - 40), start) if _linked(s, start) else None
        if prefix is not None:
            out.append((prefix.start(), prefix.start() - end, _range_hit, (prefix, y, mo, d, r)))
        else:
            out.append((start, start - end, _single_hit, (s, start, end, y, mo, d, r)))
    return out


def _single_hit(s: str, start: int, end: int, y: int, mo: int, d: int, r: _Reading):
    return _dated(r.zone, s, (start, end), _make(r.zone, y, mo, d))


def _range_hit(prefix: re.Match[str], y: int, mo: int, d: int, r: _Reading):
    end = _make(r.zone, y, mo, d)
    return _INVALID if end is None else _range_from(prefix, end, r)


def _ready(hit: object):
    """A candidate whose hit is already built."""
    return hit


def _range_from(m: re.Match[str], end: datetime, r: _Reading):
    """A day range from its start half (``_START_DAY`` match) and its full end date."""
    d, _, num_month, num_year, word_month, word_year = m.groups()
    month_text = num_month or word_month
    year_text = num_year or word_year
    if month_text is not None and num_month is not None and year_text is None:
        day, month = int(d), int(num_month)
    else:
        day, month = int(d), (_month_number(month_text) if month_text else end.month)
    year = _year(year_text) if year_text else end.year
    start = _make(r.zone, year, month, day)
    if start is not None and start > end and year_text is None and month_text is not None:
        # "28/12 - 05/01/2022": the first half belongs to the year before.
        start = _make(r.zone, end.year - 1, month, day)
    if start is None or start > end:
        return _INVALID
    return start, "day", end, "day"


def _month_candidates(s: str, stop: int, r: _Reading) -> list[_Candidate]:
    """Month and year (``tháng 3/2022``, ``03/2022``), alone or ending a month range.

    Only those starting before ``stop`` (the first full date) are looked for.
    """
    out: list[_Candidate] = []
    if stop == 0:
        return out
    head = s[:stop]
    matches: list[re.Match[str]] = []
    endpos = min(len(s), stop + 24)
    if "thang" in head:
        matches += _MONTH.finditer(s, 0, endpos)
    if "/" in head and _has_slash_year(s[:endpos]):
        matches += _MONTH_NUMERIC.finditer(s, 0, endpos)
    covered = [m.span() for m in matches if m.re is _MONTH]
    for m in matches:
        if m.start() >= stop:
            continue
        if m.re is not _MONTH and any(a <= m.start() < b for a, b in covered):
            continue  # the "3/2022" of "tháng 3/2022": already read
        if m.re is _MONTH:
            mo = int(m[1]) if m[1] is not None else _month_number(m[3])
            y = int(m[2] or m[4])
        else:
            mo, y = int(m[1]), int(m[2])
            if not 1 <= mo <= 12 or _NUMBER_WORD.search(s, max(0, m.start() - 8), m.start()):
                continue  # "30/2020", "số 12/2022": a number and a year, not a month
        value = _make(r.zone, y, mo)
        start, end = m.start(), m.end()
        if value is None:
            out.append((start, start - end, _ready, (_INVALID,)))
            continue
        prefix = None
        if _linked(s, start):
            prefix = _START_MONTH.search(s, max(0, start - 30), start)
        if prefix is not None and ("thang" in prefix[0] or m[0].startswith("thang")):
            first_year = int(prefix[2]) if prefix[2] else y
            first = _make(r.zone, first_year, int(prefix[1]))
            if first is not None and first > value and prefix[2] is None:
                first = _make(r.zone, y - 1, int(prefix[1]))
            hit = _INVALID if first is None or first > value else (first, "month", value, "month")
            out.append((prefix.start(), prefix.start() - end, _ready, (hit,)))
            continue
        out.append((start, start - end, _ready, ((value, "month", None, None),)))
    if not r.vietnamese and _FALLBACK_EN.search(s, 0, stop + 40):
        for m in _EN_MY.finditer(s):
            if (mo := _en_month(m[1])) is not None:
                value = _make(r.zone, int(m[2]), mo)
                out.append((m.start(), m.start() - m.end(), _ready, (_one(value, "month"),)))
    if "-" in s and s.lstrip()[:1].isdigit():  # "2026-11": a machine format, alone
        for m in _ISO_MONTH.finditer(s):
            if 1 <= int(m[2]) <= 12:
                value = _make(r.zone, int(m[1]), int(m[2]))
                out.append((m.start(), m.start() - m.end(), _ready, (_one(value, "month"),)))
    return out


# Substrings every Vietnamese weekday name has (thu 2, thu hai, t2, chu nhat, cn): a
# gate cheaper than ``_WEEKDAY`` itself. English text always goes through ``_WEEKDAY``.
_WEEKDAY_GATE: Final = re.compile(r"t(?:hu[ 2-7]|[2-7])|chu ?nhat|cn|day")


def _may_name_a_weekday(s: str) -> bool:
    """Cheap gate for ``_WEEKDAY`` in Vietnamese text."""
    return _WEEKDAY_GATE.search(s) is not None


def _weekday_number(s: str) -> int | None:
    """The weekday a text names (0 = Monday), or None."""
    m = _WEEKDAY_NAMED.search(s)
    if m is None:
        return None
    word = next(g for g in m.groups() if g is not None)
    return _WEEKDAY_NUMBERS[" ".join(word.split())]


def _yearless(s: str, named: str, r: _Reading):
    """``Sáng 25/11``, ``Chiều 03/4, …``: D/M after a day word, in the nearest year.

    A weekday in the text (``named``: before weekdays were blanked) picks the
    year whose calendar agrees with it, when exactly one of the three does.
    """
    if "/" not in s and "." not in s:
        return None
    ref = _reference(r.now, r.zone)
    weekday = _weekday_number(named)
    for m in _DM.finditer(s):
        before = s[max(0, m.start() - 16) : m.start()]
        # Weekdays are blanked by now: "Thứ Tư, 18/3" counts as a date alone.
        alone = not s[: m.start()].strip(" ,.;:-(") and not s[m.end() :].strip(" ,.;)")
        if not (alone or _DM_WORD_BEFORE.search(before) or _TIME_AFTER.match(s, m.end())):
            continue
        end_day = _nearest_year(r.zone, int(m[3]), int(m[1]), ref, weekday)
        prefix = None
        if _linked(s, m.start()):
            prefix = _START_DAY.search(s, max(0, m.start() - 40), m.start())
        if end_day is not None and prefix is not None:
            return _range_from(prefix, end_day, r)
        return _dated(r.zone, s, m.span(), end_day)
    return None


def _year_range(s: str, zone: tzinfo):
    """``nhiệm kỳ 2023 - 2028``: a year-precision range."""
    if "-" not in s or not (m := _YEAR_RANGE.search(s)):
        return None
    start, end = _make(zone, int(m[1])), _make(zone, int(m[2]))
    if start is None or end is None or start >= end:
        return None  # "0236-3821" is a phone number, not a range: keep looking
    return start, "year", end, "year"


def _relative(s: str, zone: tzinfo, now: datetime | None):
    """``2 giờ trước``, ``Hôm qua lúc 10:15``, ``1 tháng trước`` against ``now``.

    Counted units resolve to what a reader of the page would write down: a
    minute for seconds, minutes and hours, a day for days, weeks, months and
    years ("1 năm trước" on 26/11/2026 is 26/11/2025). "tháng trước" and
    "năm ngoái" name a whole month or year.
    """
    if not _RELATIVE_HINT.search(s):
        return None
    ref = _reference(now, zone)
    if m := _AGO.search(s):
        n = int(m[1] or m[3] or 1)
        unit = m[2] or m[4]
        if unit in ("giay", "phut", "gio"):
            seconds = {"giay": 1, "phut": 60, "gio": 3600}[unit] * n
            value = (ref - timedelta(seconds=seconds)).replace(second=0, microsecond=0)
            return value, "minute", None, None
        if unit in ("ngay", "tuan"):
            days = n * (7 if unit == "tuan" else 1)
            return _midnight(ref - timedelta(days=days)), "day", None, None
        return _months_back(ref, n * (12 if unit == "nam" else 1)), "day", None, None
    if m := _DAY_WORD.search(s):
        day = _midnight(ref + timedelta(days=_DAY_OFFSETS[m[1] or m[2]]))
        t = _TIME.search(s)
        clock = _clock(t) if t else None
        if clock is None:
            return day, "day", None, None
        return _at(day, clock), "minute", None, None
    if _JUST_NOW.search(s):
        return ref.replace(second=0, microsecond=0), "minute", None, None
    if m := _LAST_PERIOD.search(s):
        if m[1] == "tuan":
            return _midnight(ref - timedelta(days=7)), "day", None, None
        first = _months_back(ref.replace(day=1), 12 if m[1] == "nam" else 1)
        if m[1] == "nam":
            return first.replace(month=1), "year", None, None
        return first, "month", None, None
    return None


def _dateparser(text: str, zone: tzinfo, tz: str):
    """Last resort, guarded: dateparser on text with a month word and a year."""
    try:
        data = _date_data_parser(tz).get_date_data(text)
    except (ValueError, OverflowError):
        return None
    value = data.date_obj
    if value is None or not MIN_YEAR <= value.year <= MAX_YEAR:
        return None
    value = value.astimezone(zone)
    period = data.period
    if period == "time":
        return value.replace(microsecond=0), "minute", None, None
    value = _midnight(value)
    if period == "month":
        return value.replace(day=1), "month", None, None
    if period == "year":
        return value.replace(month=1, day=1), "year", None, None
    return value, "day", None, None


@lru_cache(maxsize=4)
def _date_data_parser(tz: str):
    # Imported lazily: dateparser takes a while to import and is rarely needed.
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["vi", "en"],
        settings={
            "DATE_ORDER": "DMY",
            "TIMEZONE": tz,
            "TO_TIMEZONE": tz,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "RETURN_TIME_AS_PERIOD": True,
            "PREFER_DAY_OF_MONTH": "first",
            "PREFER_DATES_FROM": "past",
        },
    )


# --------------------------------------------------------------------------- entry points


def parse_vn_date(
    text: str | None,
    *,
    now: datetime | None = None,
    tz: str = DEFAULT_TZ,
    order: Order | None = None,
    context: Iterable[str] = (),
) -> VnDate | None:
    """Parse a date as shown on a Vietnamese portal; None when there is none or it is doubtful.

    ``now`` is the reference date: pass the page's own date when known, else
    the current time is used. It anchors relative forms (``2 giờ trước``) and
    gives a year to day/month-only dates (``Sáng 25/11``); a naive ``now`` is
    read in ``tz``. Every value is aware, in ``tz``.

    Numeric dates are day-first. ``order="mdy"`` says the CMS prints month
    first (``M/D/YYYY h:mm:ss AM``); ``context`` takes the page's other date
    strings, whose unambiguous dates (a part above 12) decide the order when
    ``order`` is not given. A part above 12 always decides by itself.
    """
    if not text:
        return None
    s = _fold(text)
    zone = _zone(tz)
    strict = False
    # Substring tests first: they cost far less than a regex miss.
    if ("lich" in s or "al" in s) and _LUNAR.search(s):
        s = _drop_lunar(s)
        strict = True
        if not any(ch.isdigit() for ch in s):
            return _lunar(_fold(text), text, now, zone)  # only the lunar date had numbers
    order = order or (_order_votes(context) if context else None)
    hinted = (
        ("ram" in s or "tet" in s or "mung" in s or "mong" in s) and _LUNAR_HINT.search(s)
    ) or (("nam " in s or "tet " in s) and CAN_CHI_YEAR.search(s))
    if order != "mdy" and not strict:
        hit = _hot_paths(s, zone, tz, bool(hinted))
        if hit is not None:
            return None if hit is _INVALID else VnDate(hit[0], hit[1], text)
    ampm = ("am" in s or "pm" in s or ".m." in s) and _EN_AMPM.search(s) is not None
    reading = _Reading(
        zone=zone,
        tz=tz,
        now=now,
        order=order,
        us_signal=order == "mdy" or ampm,
        us_clock=ampm and _US_CLOCK.search(s) is not None,
        strict=strict or bool(hinted),
        # "Nhà máy 2023", "nha may 2023": máy (machine) folds to "may", not May
        vietnamese=not text.isascii() or ("may" in s and "May" not in text and "MAY" not in text),
    )
    hit = _general(s, text, reading)
    if (hit is None or hit is _INVALID) and (strict or hinted):
        # No Gregorian date with its year: the lunar one, converted (never read as Gregorian).
        return _lunar(_fold(text), text, now, zone)
    if hit is None or hit is _INVALID:
        return None
    value, precision, end, end_precision = hit
    return VnDate(value, precision, text, end, end_precision if end is not None else None)


def parse_vn_date_range(
    text: str | None,
    *,
    now: datetime | None = None,
    tz: str = DEFAULT_TZ,
    order: Order | None = None,
    context: Iterable[str] = (),
) -> VnDateRange | None:
    """Start and end of a dated span (``từ ngày 20 đến ngày 25 tháng 5 năm 2023``).

    Each end carries its own precision (``07h30 - 11h30, ngày 15/3/2022`` gives
    two minutes, ``từ tháng 3 đến tháng 5/2022`` two months). A single date is
    a range of one. Arguments as for ``parse_vn_date``; None when no date.
    """
    parsed = parse_vn_date(text, now=now, tz=tz, order=order, context=context)
    if parsed is None:
        return None
    if parsed.end is None:
        return VnDateRange(parsed, parsed)
    start = VnDate(parsed.value, parsed.precision, parsed.raw)
    end_precision = parsed.end_precision or parsed.precision
    return VnDateRange(start, VnDate(parsed.end, end_precision, parsed.raw))


# Where dates sit in running text (folded): lunar shapes first, then full dates,
# then a day/month after a day word. Each hit is read by ``parse_vn_date``.
_IN_TEXT: Final = re.compile(
    r"(?:\b(?:ngay\s+)?(?:mung|mong)\s*\d{1,2}\s+(?:tet|thang\s+\w+)|\bram\s+thang\s+\w+)"
    r"(?:\s+(?:nam\s+)?(?:\d{4}|[a-z]+\s+[a-z]+))?"
    r"|(?<![\d/.])\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?\s*\(?\s*(?:am\s*lich|al\s*\))"
    r"|(?<![\d/.])\d{1,2}\s+thang\s+\d{1,2}(?:\s*,?\s*nam\s+\d{4})?\s*\(?\s*am\s*lich"
    r"|(?<![\d/.])\d{1,2}\s*/\s*\d{1,2}\s+nam\s+[a-z]+\s+[a-z]+"
    r"|(?<![\d/.:])\d{1,2}\s*([/.-])\s*\d{1,2}\s*\1\s*\d{4}(?![\d/])"
    r"(?:[\s,]*(?:luc\s+)?\d{1,2}[:h]\d{2})?"
    r"|(?<![\d/.])\d{1,2}\s+thang\s+\d{1,2}\s*,?\s+nam\s+\d{4}"
    r"|\b(?:sang|chieu|trua|toi|dem|ngay)\s+(?:ngay\s+)?\d{1,2}\s*/\s*\d{1,2}(?![\d/])"
    r"(?:\s+nam\s+[a-z]+\s+[a-z]+|\s*\(?\s*(?:am\s*lich|al\s*\)))?"  # a lunar tail
)


def find_vn_dates(text: str | None, *, now: datetime | None = None,
                  tz: str = DEFAULT_TZ) -> list[VnDate]:
    """Every date written in running text, in order (``raw`` is each one's own words).

    ``now`` is the page's own date: it gives a year to ``Chiều 03/4`` and to
    lunar dates without one. Lunar dates come back converted (``calendar="lunar"``).
    """
    if not text or not any(ch.isdigit() for ch in text):
        return []
    folded = fold_aligned(text)
    found = []
    for m in _IN_TEXT.finditer(folded):
        parsed = parse_vn_date(text[m.start() : m.end()], now=now, tz=tz)
        if parsed is not None:
            found.append(parsed)
    return found


def _lunar(folded: str, text: str, now: datetime | None, zone: tzinfo) -> VnDate | None:
    """The Gregorian day of the lunar date in ``text``, or None (none, or it does not exist)."""
    ref = _reference(now, zone)
    value = lunar_to_gregorian(folded, ref.date())
    if value is None or value is LUNAR_INVALID:
        return None
    day = _make(zone, value.year, value.month, value.day)
    return None if day is None else VnDate(day, "day", text, calendar="lunar")


def _drop_lunar(s: str) -> str:
    """Blank every lunar-marked date with its marker, so only Gregorian dates remain.

    The marker follows its date (``10/3 âm lịch``) unless it introduces it
    (``06/10/2022 (âm lịch: 11/9 Nhâm Dần)``, ``âm lịch ngày 10/3``).
    """
    for m in reversed(list(_LUNAR.finditer(s))):
        start, end = m.span()
        after = _LUNAR_AFTER.match(s, end)
        introduces = after is not None and _LUNAR_INTRO.match(s, end) is not None
        before = None if introduces else _LUNAR_BEFORE.search(s, max(0, start - 40), start)
        if before is not None and any(c.isdigit() or c == "g" for c in before[0]):
            start = before.start()
        elif after is not None:
            end = after.end()
        s = _blank_span(s, start, end)
    return s


def _hot_paths(s: str, zone: tzinfo, tz: str, hinted: bool):
    """The commonest whole-text shapes, read at once; None to go the general way."""
    last = s.rstrip()[-1:]
    if not (last.isdigit() or last == ")"):
        return None  # each of them ends with a number (or "(GMT+7)"): a sentence does not
    m = _HOT_SIMPLE.fullmatch(s)
    if m is None and (":" in s or _may_name_a_weekday(s)):
        m = _HOT.fullmatch(s)  # a clock time before the date, or "Thứ 2"
    if m is not None:
        if (m["gmt7"] is not None and tz != DEFAULT_TZ) or (m.re is _HOT and m["bh"] and m["h"]):
            return None  # another zone, or two clock times: the general path decides
        d, mo, y = int(m["d"]), int(m["mo"]), _year(m["y"])
        if m["h"] or m.re is _HOT_SIMPLE:
            h, mi, sec = m["h"], m["mi"], m["s"]
        else:
            h, mi, sec = m["bh"], m["bm"], m["bs"]
        if h is None:
            value = _make(zone, y, mo, d)
            precision: Precision = "day"
        else:
            value = _make(zone, y, mo, d, int(h), int(mi), int(sec or 0))
            precision = "minute"
        if value is not None:
            return value, precision, None, None
        if mo <= 12 or d > 12:
            return _INVALID  # not M/D either: the date does not exist
        return None  # "05/13/2023": perhaps month first, as the general path decides
    if hinted or "thang" not in s:
        return None
    if m := _MONTH_HOT.fullmatch(s):
        return _one(_make(zone, int(m[2]), int(m[1])), "month")
    if m := _LONG_HOT.fullmatch(s):
        return _one(_make(zone, int(m[3]), int(m[2]), int(m[1])), "day")
    return None


def _general(s: str, text: str, r: _Reading):
    """Every shape but the hot one: the leading explicit date, then weaker readings."""
    if hit := _machine(s.strip(), r):
        return hit
    named = s
    if not r.vietnamese or _may_name_a_weekday(s):
        s = _WEEKDAY.sub(_blank, s)
    # Explicit dates need a separator, the word "tháng" or (English) a month name.
    explicit = not r.vietnamese or "/" in s or "." in s or "-" in s or "thang" in s
    candidates = _day_candidates(s, r) if explicit else []
    # A month/year only wins when it comes first: look for it before the first day.
    first = min(candidates, default=(len(s),))[0]
    if explicit and not r.strict:  # under a lunar mark only a full Gregorian date answers
        candidates += _month_candidates(s, first, r)
    if len(candidates) > 1 and "(" in s:
        # The subject date is outside parentheses: "(20/10/1930 - 20/10/2023)" is an aside.
        asides = [m.span() for m in _PAREN.finditer(s)]
        outside = [c for c in candidates if not any(a <= c[0] < b for a, b in asides)]
        candidates = outside or candidates
    if candidates:
        _, _, build, args = min(candidates, key=lambda c: (c[0], c[1]))
        return build(*args)
    if r.strict:
        return None  # a lunar date or hint: nothing looser than a full Gregorian date
    if hit := _year_range(s, r.zone):
        return hit
    if hit := _yearless(s, named, r):
        return hit
    if hit := _relative(s, r.zone, r.now):
        return hit
    cleaned = clean_line(text) or ""
    lowered = cleaned.lower()
    has_marks = _VI_MARK.search(lowered) is not None
    if m := (_YEAR_VI.search(lowered) if has_marks else _YEAR_ASCII.search(s)):
        return _one(_make(r.zone, int(m[1])), "year")
    if _YEAR_ONLY.fullmatch(s.strip()):
        return _one(_make(r.zone, int(s)), "year")
    if len(s) <= _FALLBACK_MAX_LEN and (
        _FALLBACK_VI.search(s) or (not has_marks and _FALLBACK_EN.search(s))
    ):
        return _dateparser(cleaned, r.zone, r.tz)
    return None
