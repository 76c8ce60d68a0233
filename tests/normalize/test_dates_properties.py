"""Property tests for the two date classes of issue 22, generated from the rules.

- A day and month without a year ("Chiều 03/4, …") is the nearest such day not
  after the page's own date: news reports the past.
- A lunar date is never read as that Gregorian day: it comes back as the
  Gregorian day Vietnam's lunar calendar (UTC+7) gives it, marked ``lunar``.

The expected values are computed here from the rules (calendar arithmetic,
lunar-vn's calendar for lunar days), never from the normaliser.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from lunar_vn import solar_to_lunar

from congdoan.normalize.dates import parse_vn_date

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
BOUNDED = settings(max_examples=150, deadline=None)
STEMS = ["Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý"]
BRANCHES = ["Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi"]
LUNAR_MONTHS = ["Giêng", "Hai", "Ba", "Tư", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười",
                "Một", "Chạp"]  # fmt: skip
WORDS = ["Sáng", "Chiều", "Tối", "Ngày", "Sáng ngày", "Trưa"]

pages = st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2095, 12, 31)).map(
    lambda dt: dt.replace(tzinfo=HCM)
)
days = st.dates(min_value=date(1950, 3, 1), max_value=date(2095, 12, 31))


def can_chi(year: int) -> str:
    """The sexagenary name of a lunar year: 2024 is Giáp Thìn."""
    return f"{STEMS[(year + 6) % 10]} {BRANCHES[(year + 8) % 12]}"


def _exists(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


@BOUNDED
@given(pages, st.integers(1, 12), st.integers(1, 31), st.sampled_from(WORDS))
def test_a_day_without_a_year_is_the_nearest_not_after_the_page(
    page: datetime, month: int, day: int, word: str
) -> None:
    assume(any(_exists(y, month, day) for y in range(page.year - 8, page.year + 1)))
    result = parse_vn_date(f"{word} {day:02d}/{month}, LĐLĐ tỉnh tổ chức hội nghị", now=page)
    assert result is not None and result.precision == "day"
    value = result.value.date()
    assert (value.month, value.day) == (month, day)
    assert value <= page.date()  # never after the page
    # and no later such day fits before the page
    later = [y for y in range(value.year + 1, page.year + 1) if _exists(y, month, day)]
    assert all(date(y, month, day) > page.date() for y in later)


@BOUNDED
@given(days, st.booleans())
def test_a_lunar_date_with_its_year_is_its_gregorian_day(day: date, can_chi_name: bool) -> None:
    lunar = solar_to_lunar(day)
    month = f"{lunar.month} nhuận" if lunar.leap else str(lunar.month)
    if can_chi_name:
        text = f"ngày {lunar.day} tháng {month} năm {can_chi(lunar.year)}"
    else:
        text = f"ngày {lunar.day} tháng {month} năm {lunar.year} âm lịch"
    # the page is dated within a few years of the day, as a page about it would be
    page = datetime(day.year, day.month, day.day, tzinfo=HCM) + timedelta(days=400)
    result = parse_vn_date(text, now=page)
    assert result is not None, text
    assert (result.value.date(), result.calendar, result.precision) == (day, "lunar", "day")


@BOUNDED
@given(days, st.integers(0, 340), st.sampled_from(
    ["{d}/{m} âm lịch", "ngày {d} tháng {m} âm lịch", "{d}/{m} (ÂL)", "mùng {d} tháng {w}"]
))
def test_a_lunar_date_without_a_year_is_the_nearest_past_one(
    day: date, after: int, shape: str
) -> None:
    lunar = solar_to_lunar(day)
    assume(not lunar.leap and (lunar.day <= 10 or "mùng" not in shape))
    page = datetime(day.year, day.month, day.day, 20, tzinfo=HCM) + timedelta(days=after)
    text = shape.format(d=lunar.day, m=lunar.month, w=LUNAR_MONTHS[lunar.month - 1])
    result = parse_vn_date(text, now=page)
    # a lunar year is 354-384 days: within 340 days after it, the day itself is the latest
    assert result is not None, text
    assert (result.value.date(), result.calendar) == (day, "lunar")
    assert result.value.date() <= page.date()


@BOUNDED
@given(st.integers(1960, 2090), st.sampled_from(["Mùng 1 Tết {cc}", "Tết: mùng 1 Tết {cc}"]))
def test_tet_is_the_first_day_of_the_lunar_year(year: int, shape: str) -> None:
    page = datetime(year, 6, 1, tzinfo=HCM)
    result = parse_vn_date(shape.format(cc=can_chi(year)), now=page)
    assert result is not None
    lunar = solar_to_lunar(result.value.date())
    assert (lunar.day, lunar.month, lunar.year, lunar.leap) == (1, 1, year, False)
    assert result.value.month in (1, 2)  # Tết falls between 21 January and 20 February
