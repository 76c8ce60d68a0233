"""Vietnamese dates as the portals show them -> timezone-aware datetimes with a precision.

``parse_vn_date("Thứ sáu - 15/09/2017 05:22")`` gives 2017-09-15 05:22 in
Asia/Ho_Chi_Minh with precision ``"minute"``. Dates are always day-month-year.

How it works, cheapest first:

1. fold to lower-case ASCII (NFD, marks dropped, đ -> d, odd spaces and
   dashes unified, zero-width gone), so ``Thu Sau``, ``THỨ SÁU`` and NFD
   input all read ``thu sau``;
2. refuse anything marked lunar (``âm lịch``): a lunar date read as
   Gregorian is a wrong date, and None is better than a wrong date;
3. the hot path: one anchored regex for "[label/weekday] D/M/Y [H:M[:S]]",
   the shape of nearly every article header and listing line;
4. our own patterns for everything else in DOMAIN.md: ISO/RSS/compact machine
   formats, ranges, dates with clock words or offsets, long forms,
   month/year only, relative forms against ``now``;
5. dateparser, only for text that names a month in words *and* carries a
   4-digit year (``15 September 2017``, ``tháng Mười hai 2022``), because on
   bare numbers, labels and sentences it guesses.

A date that matches a pattern but does not exist (``31/02/2023``,
``00/00/0000``) gives None at once; it never falls through to a looser guess.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Final, Literal

from congdoan.normalize.text import clean_line
from congdoan.vntime import VN_TZ_NAME

Precision = Literal["minute", "day", "month", "year"]

DEFAULT_TZ: Final = VN_TZ_NAME
# Outside this window a "year" is a counter, a phone number or a placeholder.
MIN_YEAR: Final = 1800
MAX_YEAR: Final = 2200


@dataclass(frozen=True, slots=True)
class VnDate:
    """A parsed date: ``value`` in the portal's timezone, truncated to ``precision``.

    ``value`` is midnight for day precision, the 1st for month precision and
    1 January for year precision. ``end`` is the (same-precision) end of a
    range such as ``từ ngày 01/3 đến ngày 15/3/2022``, else None. ``raw`` is
    the text as given. Minute precision keeps seconds when the page shows them.
    """

    value: datetime
    precision: Precision
    raw: str
    end: datetime | None = None

    def iso(self) -> str:
        """ISO text cut to the precision, as the sample file writes it.

        ``2017-09-15T05:22:00+07:00``, ``2017-09-15``, ``2022-03`` or ``2021``.
        """
        return _iso(self.value, self.precision)

    def end_iso(self) -> str | None:
        """``iso()`` of ``end``, or None when this is not a range."""
        return None if self.end is None else _iso(self.end, self.precision)


def to_utc(dt: datetime) -> datetime:
    """The same instant in UTC, for storage. Naive datetimes are refused, not guessed."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("to_utc needs a timezone-aware datetime")
    return dt.astimezone(UTC)


def _iso(value: datetime, precision: Precision) -> str:
    if precision == "minute":
        return value.isoformat(timespec="seconds")
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


def _blank(match: re.Match[str]) -> str:
    # Same length, so that the spans of later matches stay where they were.
    return " " * (match.end() - match.start())


# --------------------------------------------------------------------------- patterns
# All patterns run on the folded text (lower case, ASCII, đ -> d).

# Lunar markers: "âm lịch", "(ÂL)". Anything carrying them is never Gregorian.
_LUNAR: Final = re.compile(r"\bam\s*lich\b|\(\s*al\s*\)")
# Softer lunar hints (rằm, Tết, mùng 1, tháng Giêng/Chạp): they stop every guess
# except a full numeric D/M/Y or a machine format.
_LUNAR_HINT: Final = re.compile(r"\b(?:ram|tet|(?:mung|mong)\s*\d{1,2}|thang\s+(?:gieng|chap))\b")

# Weekdays are ignored (the numeric date wins, sample d085) but blanked first, so
# that "Thứ 2 - 03/04/2023" is not read as the range 2-3 April.
_WEEKDAY: Final = re.compile(r"\b(?:thu\s*(?:[2-7]|hai|ba|tu|nam|sau|bay)|chu\s*nhat|t[2-7]|cn)\b")

# The hot path: optional digit-free prefix (label, weekday), D/M/Y, optional time.
_HOT: Final = re.compile(
    r"[^\d]{0,48}?(?<![\d/.:])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})"
    r"(?:[\s,\-]*(?:luc\s*)?(\d{1,2}):(\d{2})(?::(\d{2}))?)?[\s)]*"
)

_DMY: Final = re.compile(r"(?<![\d/.:])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?!\d|[/.-]\d)")

# A clock time: 05:22[:31], 05h22, 5 giờ 22 phút, 8 giờ sáng, 2:30 CH, 9h PM.
_TIME_SRC: Final = (
    r"(?<![\d:])(?P<h>\d{1,2})"
    r"(?::(?P<m>\d{2})(?::(?P<s>\d{2}))?"
    r"|\s*(?:h|g|gio)(?:\s*(?P<m2>\d{1,2})(?:\s*(?:phut|p|'))?)?)"
    r"(?:\s*(?P<ap>sa|ch|am|pm|a\.m\.|p\.m\.|sang|chieu|toi|trua|dem))?"
    r"(?![\w:])"
)
_TIME: Final = re.compile(_TIME_SRC)
# Between a date and a following time: "15/09/2017, 05:22", "03/04/2023 - 14:30", "lúc".
_TIME_AFTER: Final = re.compile(r"[\s,;|()\-]*(?:(?:vao\s+)?(?:luc|hoi)\s*)?" + _TIME_SRC)
# A time right before a date: "05:22 15/09/2017", "5 giờ 22 phút, ngày 15/9/2017".
_TIME_BEFORE: Final = re.compile(_TIME_SRC + r"[\s,;|()\-]*(?:ngay\s*)?$")
# An explicit UTC offset after the time: "(GMT+7)", "GMT+07:00", "+0700".
_OFFSET: Final = re.compile(
    r"\s*\(?\s*(?:(?:gmt|utc)\s*(?:(?P<sign>[+-])\s*(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?)?"
    r"|(?P<bsign>[+-])(?P<boh>\d{2}):?(?P<bom>\d{2}))"
)

# Machine formats.
_ISO: Final = re.compile(
    r"(?<![\d/.-])(\d{4})-(\d{2})-(\d{2})"
    r"(?:[t\s](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(z|[+-]\d{2}(?::?\d{2})?)?)?(?![\d/.-])"
)
_RSS: Final = re.compile(
    r"(?:[a-z]{3},?\s+)?(\d{1,2})\s+([a-z]{3})[a-z]*\.?\s+(\d{4})\s+"
    r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([a-z]{1,4}|[+-]\d{4})?"
)
_COMPACT: Final = re.compile(r"(\d{4})(\d{2})(\d{2})(?:t?(\d{2})(\d{2})(\d{2})?)?")
_EN_MONTHS: Final = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_NAMED_ZONES: Final = {
    "gmt": 0, "ut": 0, "utc": 0, "z": 0, "ict": 7,
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
}  # fmt: skip

# Ranges. The first half may lack its year or month: they come from the second.
_HALF: Final = r"(\d{1,2})(?:([/.-])(\d{1,2})(?:\2(\d{4}|\d{2}))?)?"
_END: Final = r"(\d{1,2})([/.-])(\d{1,2})\6(\d{4}|\d{2})(?!\d|[/.-]\d)"
_RANGE_WORDS: Final = re.compile(
    r"(?<![\d/.:])" + _HALF + r"\s*,?\s*(?:den|toi)\s+(?:het\s+)?(?:ngay\s+)?" + _END
)
# With a dash as the link, the halves must use / or . so "29-03-2023" stays one date.
_RANGE_DASH: Final = re.compile(
    r"(?<![\d/.:])(\d{1,2})(?:([/.])(\d{1,2})(?:\2(\d{4}|\d{2}))?)?\s*-\s*(?:ngay\s+)?"
    r"(\d{1,2})([/.])(\d{1,2})\6(\d{4}|\d{2})(?!\d|[/.-]\d)"
)
_YEAR_RANGE: Final = re.compile(r"(?<![\d/.:-])(\d{4})\s*-\s*(\d{4})(?![\d/.-])")

# Long, month-only and year-only forms.
_LONG: Final = re.compile(
    r"\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s*(?:,\s*)?(?:nam\s+|[/.-]\s*)(\d{4})(?!\d)"
)
_MONTH: Final = re.compile(r"\bthang\s+(\d{1,2})\s*(?:[/.-]|nam)\s*(\d{4})(?!\d)")
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

# The dateparser fallback needs a month written as a word and a 4-digit year.
_FALLBACK_VI: Final = re.compile(
    r"\bthang\s+(?:mot|hai|ba|tu|nam|sau|bay|tam|chin|muoi)\b.*\b\d{4}\b"
)
_FALLBACK_EN: Final = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b.*\b\d{4}\b"
    r"|\b\d{4}\b.*\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
)
_FALLBACK_MAX_LEN: Final = 60

# --------------------------------------------------------------------------- building values

_Hit = tuple[datetime, Precision, datetime | None]
_INVALID: Final = object()  # a pattern matched but the date does not exist: answer None


@lru_cache(maxsize=16)
def _zone(name: str) -> tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _hit(value: datetime | None, precision: Precision, end: datetime | None = None):
    """A ``_Hit``, or ``_INVALID`` when the calendar refused the value."""
    return _INVALID if value is None else (value, precision, end)


def _year(text: str) -> int:
    value = int(text)
    if len(text) == 2:  # 15/09/17: portals only abbreviate recent years
        value += 2000 if value < 70 else 1900
    return value


def _make(zone: tzinfo, y: int, mo: int = 1, d: int = 1, h: int = 0, mi: int = 0, s: int = 0):
    """An aware datetime, or None when the calendar says no (31/02, 00/00/0000, 24:00)."""
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=zone)
    except ValueError:
        return None


def _clock(m: re.Match[str]) -> tuple[int, int, int] | None:
    """(hour, minute, second) of a ``_TIME`` match, with sáng/chiều/SA/CH applied."""
    h = int(m["h"])
    minute = m["m"] or m["m2"]
    mi = int(minute) if minute else 0
    s = int(m["s"]) if m["s"] else 0
    ap = m["ap"]
    if ap in ("ch", "pm", "p.m.", "chieu", "toi"):
        h = h + 12 if h < 12 else h
    elif ap in ("sa", "am", "a.m.", "sang"):
        h = 0 if h == 12 else h
    elif ap == "trua":  # noon: 11-12 as is, 1-2 trưa is early afternoon
        h = h + 12 if h < 6 else h
    elif ap == "dem":  # night: 9-11 đêm is evening, 12 đêm is midnight, 1-4 as is
        h = 0 if h == 12 else h + 12 if 6 <= h < 12 else h
    if h > 23 or mi > 59 or s > 59:
        return None
    return h, mi, s


def _offset(s: str, pos: int) -> timezone | None:
    m = _OFFSET.match(s, pos)
    if not m:
        return None
    sign, hours, minutes = (
        (m["sign"], m["oh"], m["om"]) if m["bsign"] is None else (m["bsign"], m["boh"], m["bom"])
    )
    if sign is None:
        return UTC  # a bare "GMT"
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta >= timedelta(hours=15):
        return None
    return timezone(-delta if sign == "-" else delta)


def _dated(zone: tzinfo, s: str, span: tuple[int, int], y: int, mo: int, d: int):
    """The date at ``span`` of ``s`` with the clock time next to it, if any.

    Returns a ``_Hit``, or ``_INVALID`` when the date or the time does not exist.
    """
    day = _make(zone, y, mo, d)
    if day is None:
        return _INVALID
    start, end = span
    # A time before the date sits right next to it; a window keeps long sentences cheap.
    t = _TIME_AFTER.match(s, end) or _TIME_BEFORE.search(s, max(0, start - 40), start)
    if t is None:
        return day, "day", None
    clock = _clock(t)
    if clock is None:
        return _INVALID
    value = day.replace(hour=clock[0], minute=clock[1], second=clock[2])
    offset = _offset(s, t.end()) if t.start() >= end else _offset(s, end)
    if offset is not None:
        value = value.replace(tzinfo=offset).astimezone(zone)
    return value, "minute", None


# --------------------------------------------------------------------------- shape families


def _machine(s: str, zone: tzinfo):
    """ISO 8601 (offset converted to local), RSS pubDate, 20170915."""
    if "-" in s and (m := _ISO.search(s)):
        y, mo, d, h, mi, sec, off = m.groups()
        if h is None:
            return _hit(_make(zone, int(y), int(mo), int(d)), "day")
        local = _make(zone, int(y), int(mo), int(d), int(h), int(mi), int(sec or 0))
        if local is None:
            return _INVALID
        if off:
            if off == "z":
                tz_off = UTC
            else:
                sign, digits = off[0], off[1:].replace(":", "")
                delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
                tz_off = timezone(-delta if sign == "-" else delta)
            local = local.replace(tzinfo=tz_off).astimezone(zone)
        return local, "minute", None
    if (m := _RSS.fullmatch(s)) and m[2] in _EN_MONTHS:
        d, mon, y, h, mi, sec, zname = m.groups()
        value = _make(zone, int(y), _EN_MONTHS[mon], int(d), int(h), int(mi), int(sec or 0))
        if value is None:
            return _INVALID
        if zname:
            if zname[0] in "+-":
                delta = timedelta(hours=int(zname[1:3]), minutes=int(zname[3:]))
                value = value.replace(tzinfo=timezone(-delta if zname[0] == "-" else delta))
            elif zname in _NAMED_ZONES:
                value = value.replace(tzinfo=timezone(timedelta(hours=_NAMED_ZONES[zname])))
            value = value.astimezone(zone)
        return value, "minute", None
    if s[:1].isdigit() and (m := _COMPACT.fullmatch(s)):
        y, mo, d, h, mi, sec = m.groups()
        if h is None:
            return _hit(_make(zone, int(y), int(mo), int(d)), "day")
        value = _make(zone, int(y), int(mo), int(d), int(h), int(mi), int(sec or 0))
        return (value, "minute", None) if value else _INVALID
    return None


def _date_range(s: str, zone: tzinfo):
    """``từ ngày 01/3 đến ngày 15/3/2022``, ``20 - 21/5/2023``: day-precision ranges."""
    m = None
    if "den" in s or "toi" in s:
        m = _RANGE_WORDS.search(s)
    if m is None and "-" in s:
        m = _RANGE_DASH.search(s)
    if m is None:
        return None
    d1, _, m1, y1, d2, _, m2, y2 = m.groups()
    end = _make(zone, _year(y2), int(m2), int(d2))
    if end is None:
        return _INVALID
    start = _make(zone, _year(y1) if y1 else end.year, int(m1) if m1 else end.month, int(d1))
    if start is not None and start > end and y1 is None and m1 is not None:
        # "28/12 - 05/01/2022": the first half belongs to the year before.
        start = _make(zone, end.year - 1, int(m1), int(d1))
    if start is None or start > end:
        return _INVALID
    return start, "day", end


def _year_range(s: str, zone: tzinfo):
    """``nhiệm kỳ 2023 - 2028``: a year-precision range."""
    if "-" not in s or not (m := _YEAR_RANGE.search(s)):
        return None
    start, end = _make(zone, int(m[1])), _make(zone, int(m[2]))
    if start is None or end is None or start >= end:
        return None  # "0236-3821" is a phone number, not a range: keep looking
    return start, "year", end


def _relative(s: str, zone: tzinfo, now: datetime | None):
    """``2 giờ trước``, ``Hôm qua lúc 10:15``, ``Vừa xong``, ``1 tuần trước`` against ``now``."""
    if not _RELATIVE_HINT.search(s):
        return None
    ref = _reference(now, zone)
    if m := _AGO.search(s):
        n = int(m[1] or m[3] or 1)
        unit = m[2] or m[4]
        if unit in ("giay", "phut", "gio"):
            seconds = {"giay": 1, "phut": 60, "gio": 3600}[unit] * n
            value = (ref - timedelta(seconds=seconds)).replace(second=0, microsecond=0)
            return value, "minute", None
        if unit in ("ngay", "tuan"):
            days = n * (7 if unit == "tuan" else 1)
            return _midnight(ref - timedelta(days=days)), "day", None
        return _months_back(ref, n * (12 if unit == "nam" else 1), unit)
    if m := _DAY_WORD.search(s):
        day = _midnight(ref + timedelta(days=_DAY_OFFSETS[m[1] or m[2]]))
        t = _TIME.search(s)
        clock = _clock(t) if t else None
        if clock is None:
            return day, "day", None
        return day.replace(hour=clock[0], minute=clock[1], second=clock[2]), "minute", None
    if _JUST_NOW.search(s):
        return ref.replace(second=0, microsecond=0), "minute", None
    if m := _LAST_PERIOD.search(s):
        if m[1] == "tuan":
            return _midnight(ref - timedelta(days=7)), "day", None
        return _months_back(ref, 12 if m[1] == "nam" else 1, m[1])
    return None


def _reference(now: datetime | None, zone: tzinfo) -> datetime:
    if now is None:
        return datetime.now(zone)
    if now.tzinfo is None:
        return now.replace(tzinfo=zone)  # a naive "now" is read as portal-local time
    return now.astimezone(zone)


def _midnight(dt: datetime) -> datetime:
    return dt.replace(hour=0, minute=0, second=0, microsecond=0)


def _months_back(ref: datetime, months: int, unit: str) -> _Hit:
    index = ref.year * 12 + ref.month - 1 - months
    value = _midnight(ref.replace(year=index // 12, month=index % 12 + 1, day=1))
    if unit == "nam":
        return value.replace(month=1), "year", None
    return value, "month", None


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
        return value.replace(microsecond=0), "minute", None
    value = _midnight(value)
    if period == "month":
        return value.replace(day=1), "month", None
    if period == "year":
        return value.replace(month=1, day=1), "year", None
    return value, "day", None


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


# --------------------------------------------------------------------------- entry point


def parse_vn_date(
    text: str | None, *, now: datetime | None = None, tz: str = DEFAULT_TZ
) -> VnDate | None:
    """Parse a date as shown on a Vietnamese portal; None when there is none or it is doubtful.

    ``now`` anchors relative forms (``2 giờ trước``); it defaults to the current
    time, and a naive ``now`` is read in ``tz``. Every value is aware, in ``tz``.
    """
    if not text:
        return None
    s = _fold(text)
    # Substring tests first: they cost far less than a regex miss.
    if ("lich" in s or "al" in s) and _LUNAR.search(s):
        return None
    zone = _zone(tz)

    m = _HOT.fullmatch(s)
    hit = _hot(m, zone) if m else _general(s, text, zone, tz, now)
    if hit is None or hit is _INVALID:
        return None
    value, precision, end = hit
    return VnDate(value, precision, text, end)


def _hot(m: re.Match[str], zone: tzinfo):
    d, _, mo, y, h, mi, sec = m.groups()
    if h is None:
        return _hit(_make(zone, int(y), int(mo), int(d)), "day")
    value = _make(zone, int(y), int(mo), int(d), int(h), int(mi), int(sec or 0))
    return (value, "minute", None) if value else _INVALID


def _general(s: str, text: str, zone: tzinfo, tz: str, now: datetime | None):
    """Every shape but the hot one, most specific first."""
    s = _WEEKDAY.sub(_blank, s)
    if hit := _machine(s, zone):
        return hit
    if hit := _date_range(s, zone):
        return hit
    if m := _DMY.search(s):
        return _dated(zone, s, m.span(), _year(m[4]), int(m[3]), int(m[1]))
    if _LUNAR_HINT.search(s):
        return None
    if m := _LONG.search(s):
        return _dated(zone, s, m.span(), int(m[3]), int(m[2]), int(m[1]))
    if hit := _year_range(s, zone):
        return hit
    if hit := _relative(s, zone, now):
        return hit
    if m := _MONTH.search(s):
        return _hit(_make(zone, int(m[2]), int(m[1])), "month")
    cleaned = clean_line(text) or ""
    lowered = cleaned.lower()
    has_marks = _VI_MARK.search(lowered) is not None
    if m := (_YEAR_VI.search(lowered) if has_marks else _YEAR_ASCII.search(s)):
        return _hit(_make(zone, int(m[1])), "year")
    if _YEAR_ONLY.fullmatch(s):
        return _hit(_make(zone, int(s)), "year")
    if len(s) <= _FALLBACK_MAX_LEN and (
        _FALLBACK_VI.search(s) or (not has_marks and _FALLBACK_EN.search(s))
    ):
        return _dateparser(cleaned, zone, tz)
    return None
