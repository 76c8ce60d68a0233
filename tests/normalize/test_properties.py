"""Property tests: random values formatted the Vietnamese ways parse back to themselves.

Bounded (``max_examples``, no deadline) so the suite stays quick.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from congdoan.normalize.dates import parse_vn_date
from congdoan.normalize.doccodes import parse_doc_code

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
BOUNDED = settings(max_examples=150, deadline=None)
WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]
MONTH_WORDS = ["Giêng", "Hai", "Ba", "Tư", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười",
               "Mười một", "Chạp"]  # fmt: skip

moments = st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda dt: dt.replace(second=0, microsecond=0, tzinfo=HCM)
)


def _minute_shapes(v: datetime) -> list[str]:
    h12 = v.hour % 12 or 12
    ap = "AM" if v.hour < 12 else "PM"
    wd = WEEKDAYS[v.weekday()]
    return [
        f"{wd} - {v:%d/%m/%Y %H:%M}",
        f"{v:%d/%m/%Y %H:%M:%S}",
        f"{v.day}/{v.month}/{v.year} {v.hour}:{v.minute:02d}",
        f"{v:%H:%M} {v:%d/%m/%Y}",
        f"{wd}, {v.day} tháng {v.month}, {v.year} {v:%H:%M}",
        f"{v.hour} giờ {v.minute} phút, ngày {v.day}/{v.month}/{v.year}",
        f"{v:%Y/%m/%d %H:%M}",
        f"{v.month}/{v.day}/{v.year} {h12}:{v.minute:02d}:00 {ap}",
        v.isoformat(),
    ]


def _day_shapes(v: datetime) -> list[str]:
    return [
        f"{v:%d/%m/%Y}",
        f"Ngày {v.day} / {v.month} / {v.year}",
        f"{v:%d.%m.%Y}",
        f"{v:%d-%m-%Y}",
        f"ngày {v.day:02d} tháng {v.month:02d} năm {v.year}",
        f"Hà Nội, ngày {v.day} tháng {MONTH_WORDS[v.month - 1]} năm {v.year}",
        f"{WEEKDAYS[v.weekday()]}, {v.day}/{v.month}/{v.year}",
        f"{v:%Y/%m/%d}",
        f"{v:%Y-%m-%d}",
    ]


@BOUNDED
@given(moments)
def test_minute_shapes_round_trip(value: datetime) -> None:
    for text in _minute_shapes(value):
        parsed = parse_vn_date(text)
        assert parsed is not None, text
        assert (parsed.value, parsed.precision) == (value, "minute"), text


@BOUNDED
@given(moments)
def test_day_shapes_round_trip(value: datetime) -> None:
    day = value.replace(hour=0, minute=0)
    for text in _day_shapes(day):
        parsed = parse_vn_date(text)
        assert parsed is not None, text
        assert (parsed.value, parsed.precision) == (day, "day"), text


@BOUNDED
@given(moments)
def test_month_shapes_round_trip(value: datetime) -> None:
    first = value.replace(day=1, hour=0, minute=0)
    for text in (f"Tháng {value.month}/{value.year}", f"{value.month:02d}/{value.year}",
                 f"tháng {MONTH_WORDS[value.month - 1]} năm {value.year}"):  # fmt: skip
        parsed = parse_vn_date(text)
        assert parsed is not None, text
        assert (parsed.value, parsed.precision) == (first, "month"), text


@BOUNDED
@given(st.integers(1990, 2060), st.integers(1, 12), st.integers(29, 35))
def test_days_past_the_month_end_are_never_returned(year: int, month: int, day: int) -> None:
    if day <= calendar.monthrange(year, month)[1]:
        return  # a real date: not this property's business
    for text in (f"{day}/{month}/{year}", f"ngày {day} tháng {month} năm {year}",
                 f"{year}/{month:02d}/{day:02d}"):  # fmt: skip
        assert parse_vn_date(text) is None, text


@BOUNDED
@given(moments, st.integers(24, 99), st.integers(60, 99))
def test_impossible_clock_times_are_never_returned(value: datetime, hour: int, minute: int) -> None:
    assert parse_vn_date(f"{value:%d/%m/%Y} {hour}:{value.minute:02d}") is None
    assert parse_vn_date(f"{value:%d/%m/%Y} {value.hour:02d}:{minute}") is None


@BOUNDED
@given(st.integers(13, 99), st.integers(13, 31), st.integers(1990, 2060))
def test_month_13_is_never_returned(month: int, day: int, year: int) -> None:
    for text in (f"Tháng {month}/{year}", f"{day}/{month}/{year}",
                 f"ngày {day} tháng {month} năm {year}"):  # fmt: skip
        assert parse_vn_date(text) is None, text


@BOUNDED
@given(moments, st.integers(1, 400))
def test_relative_days_count_back_from_the_reference(now: datetime, days: int) -> None:
    parsed = parse_vn_date(f"{days} ngày trước", now=now)
    assert parsed is not None and parsed.precision == "day"
    assert parsed.value == (now - timedelta(days=days)).replace(hour=0, minute=0)


# --------------------------------------------------------------------------- codes

STATE_TYPES = ["QĐ", "CT", "HD", "NQ", "TB", "KH", "BC", "TTr", "CTr", "QC", "PA", "BB", "GM"]
PARTY_TYPES = ["NQ", "QĐ", "CT", "KL", "QĐi", "HD", "BC", "KH", "CTr", "TB", "CV"]
STATE_ISSUERS = ["UBND", "HĐND", "TLĐ", "LĐLĐ", "CĐN", "BHXH", "TTg", "BLĐTBXH"]
PARTY_ISSUERS = ["TW", "TU", "HU", "VPTW", "ĐU", "QU"]
numbers = st.integers(1, 99999)


@BOUNDED
@given(numbers, st.sampled_from(STATE_TYPES), st.sampled_from(STATE_ISSUERS))
def test_state_codes_round_trip(number: int, abbr: str, issuer: str) -> None:
    code = parse_doc_code(f"{number}/{abbr}-{issuer}")
    assert code is not None
    assert (code.number, code.type_abbr, code.issuer_abbr) == (number, abbr, issuer)
    again = parse_doc_code(code.normalised)
    assert again is not None and again.as_dict() | {"raw": None} == code.as_dict() | {"raw": None}
    assert code.normalised.startswith(f"{number:02d}/")


@BOUNDED
@given(numbers, st.sampled_from(PARTY_TYPES), st.sampled_from(PARTY_ISSUERS), st.booleans())
def test_party_codes_round_trip(number: int, abbr: str, issuer: str, state_style: bool) -> None:
    text = f"{number}/{abbr}-{issuer}" if state_style else f"{number}-{abbr}/{issuer}"
    code = parse_doc_code(text)
    assert code is not None
    assert code.normalised == f"{number:02d}-{abbr}/{issuer}"
    again = parse_doc_code(code.normalised)
    assert again is not None and again.normalised == code.normalised
    assert (again.style, again.issuer_abbr, again.type_abbr) == ("party", issuer, abbr)


@BOUNDED
@given(numbers, st.integers(1990, 2030), st.sampled_from(["NĐ-CP", "TT-BNV", "QĐ-TTg"]))
def test_normative_codes_round_trip(number: int, year: int, tail: str) -> None:
    code = parse_doc_code(f"{number}/{year}/{tail}")
    assert code is not None and code.year == year
    again = parse_doc_code(code.normalised)
    assert again is not None and again.as_dict() | {"raw": None} == code.as_dict() | {"raw": None}
