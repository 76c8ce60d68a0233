"""parse_vn_date: every case of the labelled sample, then each shape family on its own."""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from congdoan.normalize.dates import VnDate, parse_vn_date, parse_vn_date_range, to_utc

SAMPLE = Path(__file__).parent.parent / "fixtures" / "normalize" / "vi_dates_sample.jsonl"
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=HCM)  # the reference time the sample uses


def _cases() -> list[dict[str, Any]]:
    with SAMPLE.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _precision_of(expected: str) -> str:
    """The sample writes each value at its precision: full ISO, date, year-month or year."""
    if "T" in expected:
        return "minute"
    return {10: "day", 7: "month", 4: "year"}[len(expected)]


def _instant(expected: str) -> datetime:
    """The instant an expected value stands for: local midnight / 1st / 1 January."""
    if "T" in expected:
        return datetime.fromisoformat(expected)
    parts = [int(p) for p in expected.split("-")] + [1, 1]
    return datetime(parts[0], parts[1], parts[2], tzinfo=HCM)


def _check(value: datetime, expected: str, precision: str) -> None:
    assert value.tzinfo is not None
    assert value == _instant(expected)  # same instant
    assert value.utcoffset() == timedelta(hours=7)  # shown in portal-local time
    assert precision == _precision_of(expected)
    if precision == "minute":
        assert value.isoformat(timespec="seconds") == expected  # same wall clock
    else:
        assert value.isoformat().startswith(expected)


def iso(text: str | None, **kwargs: Any) -> str | None:
    """``parse_vn_date(...).iso()``, or None: keeps the shape tests one line each."""
    result = parse_vn_date(text, now=kwargs.pop("now", NOW), **kwargs)
    return None if result is None else result.iso()


# --------------------------------------------------------------------------- the sample


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["id"])
def test_sample_case(case: dict[str, Any]) -> None:
    now = datetime.fromisoformat(case["reference"]) if "reference" in case else None
    result = parse_vn_date(case["text"], now=now)
    expected = case["expected"]
    if expected is None:
        assert result is None, case["note"]
        return
    assert result is not None, case["note"]
    assert result.raw == case["text"]
    if isinstance(expected, dict):
        assert result.end is not None
        _check(result.value, expected["start"], result.precision)
        _check(result.end, expected["end"], result.precision)
    else:
        assert result.end is None
        _check(result.value, expected, result.precision)


def test_sample_is_complete() -> None:
    cases = _cases()
    assert len(cases) == 74
    assert {c["kind"] for c in cases} >= {"datetime", "date", "month", "year", "relative"}


# --------------------------------------------------------------------------- the value type


def test_vndate_is_a_frozen_value() -> None:
    result = parse_vn_date("Thứ sáu - 15/09/2017 05:22")
    assert result == VnDate(datetime(2017, 9, 15, 5, 22, tzinfo=HCM), "minute", result.raw)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.precision = "day"  # type: ignore[misc]


def test_raw_is_the_input_untouched() -> None:
    text = "Thu\u0309 sa\u0301u\u00a0- 15/09/2017"
    assert parse_vn_date(text).raw == text


def test_to_utc() -> None:
    value = parse_vn_date("15/09/2017 05:22").value
    assert to_utc(value) == datetime(2017, 9, 14, 22, 22, tzinfo=UTC)
    assert to_utc(value).tzinfo is UTC
    with pytest.raises(ValueError):
        to_utc(datetime(2017, 9, 15))


def test_other_portal_timezone() -> None:
    result = parse_vn_date("15/09/2017 05:22", tz="Asia/Bangkok")
    assert result.value.tzinfo == ZoneInfo("Asia/Bangkok")
    assert parse_vn_date("2017-09-15T05:22:00+07:00", tz="UTC").iso() == (
        "2017-09-14T22:22:00+00:00"
    )


# --------------------------------------------------------------------------- shapes


@pytest.mark.parametrize(
    "text",
    [
        "Thứ sáu - 15/09/2017 05:22",
        "Thứ Sáu, 15/09/2017 05:22",
        "Thứ 6, 15/09/2017 05:22",
        "T6, 15/09/2017 05:22",
        "T6 - 15/09/2017 05:22",
        "Thứ năm, 15/09/2017 05:22",  # wrong weekday: the numeric date wins
    ],
)
def test_weekday_prefixes_are_ignored(text: str) -> None:
    assert iso(text) == "2017-09-15T05:22:00+07:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chủ nhật, 10/3/2024", "2024-03-10"),
        ("CN, 10/3/2024", "2024-03-10"),
        ("Thứ Bẩy - 16/09/2017", "2017-09-16"),
        ("Thứ 2 - 03/04/2023", "2023-04-03"),  # not the range 2-3 April
        ("T2 - 03/04/2023", "2023-04-03"),
    ],
)
def test_weekday_names(text: str, expected: str) -> None:
    assert iso(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thời gian đăng: 29/03/2023", "2023-03-29"),
        ("Ngày ban hành: 12/12/2013", "2013-12-12"),
        ("Cập nhật lúc 14:30, Thứ Hai, 03/04/2023", "2023-04-03T14:30:00+07:00"),
        ("(Ngày đăng: 15/09/2017 05:22) - Lượt xem: 2.345", "2017-09-15T05:22:00+07:00"),
    ],
)
def test_labels(text: str, expected: str) -> None:
    assert iso(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ngày 01 tháng 3 năm 2022", "2022-03-01"),
        ("Điện Biên, ngày 01 tháng 3 năm 2022", "2022-03-01"),
        ("TP. Hồ Chí Minh, ngày 5 tháng 12 năm 2023", "2023-12-05"),
        ("8 giờ 30 phút, ngày 01 tháng 3 năm 2022", "2022-03-01T08:30:00+07:00"),
    ],
)
def test_long_form(text: str, expected: str) -> None:
    assert iso(text) == expected


def test_month_and_year_precision() -> None:
    month = parse_vn_date("Tháng 3/2022")
    assert (month.value, month.precision) == (datetime(2022, 3, 1, tzinfo=HCM), "month")
    assert iso("tháng 03 năm 2022") == "2022-03"
    year = parse_vn_date("năm 2021")
    assert (year.value, year.precision) == (datetime(2021, 1, 1, tzinfo=HCM), "year")
    assert iso("2021") == "2021"


def test_nam_is_not_a_year_word_when_diacritics_say_it_is_the_country() -> None:
    assert iso("Công đoàn Việt Nam 2023") is None
    assert iso("Cong doan nam 2023") == "2023"  # written without marks: read as năm


@pytest.mark.parametrize(
    "text", ["15/09/2017", "15-09-2017", "15.09.2017", "15/9/2017", "15/09/17"]
)
def test_separators_and_short_forms(text: str) -> None:
    assert iso(text) == "2017-09-15"


@pytest.mark.parametrize(
    "text",
    [
        "15/09/2017 05:22",
        "05:22 15/09/2017",
        "05:22 - 15/09/2017",
        "15/09/2017, 05:22",
        "15/09/2017 lúc 05:22",
        "15/09/2017 05h22",
        "5 giờ 22 phút, ngày 15/9/2017",
        "05:22 SA 15/09/2017",
        "15/09/2017 5:22 AM",
    ],
)
def test_time_before_or_after_the_date(text: str) -> None:
    assert iso(text) == "2017-09-15T05:22:00+07:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8 giờ sáng ngày 15/9/2017", "08:00"),
        ("8 giờ tối ngày 15/9/2017", "20:00"),
        ("2 giờ chiều ngày 15/9/2017", "14:00"),
        ("15/09/2017 02:30 CH", "14:30"),
        ("15/09/2017 02:30 PM", "14:30"),
        ("15/09/2017 12:10 SA", "00:10"),
        ("15/09/2017 12:10 CH", "12:10"),
        ("15/09/2017 05:22:31", "05:22:31"),
    ],
)
def test_clock_words_and_half_days(text: str, expected: str) -> None:
    result = parse_vn_date(text)
    assert result.precision == "minute"
    assert result.value.isoformat().startswith("2017-09-15T" + expected)


def test_a_clock_time_alone_is_not_a_date() -> None:
    assert iso("8 giờ sáng") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/09/2017 05:22 (GMT+7)", "2017-09-15T05:22:00+07:00"),
        ("15/09/2017 05:22 (GMT+07:00)", "2017-09-15T05:22:00+07:00"),
        ("15/09/2017 05:22 GMT", "2017-09-15T12:22:00+07:00"),
        ("15/09/2017 05:22 (GMT+9)", "2017-09-15T03:22:00+07:00"),
    ],
)
def test_explicit_offsets_are_converted_to_local_time(text: str, expected: str) -> None:
    assert iso(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017-09-15T05:22:00+07:00", "2017-09-15T05:22:00+07:00"),
        ("2017-09-14T22:22:00Z", "2017-09-15T05:22:00+07:00"),
        ("2017-09-14T22:22:00.123+00:00", "2017-09-15T05:22:00.123000+07:00"),
        ("2017-09-15T07:22:00+09:00", "2017-09-15T05:22:00+07:00"),
        ("2017-09-15T05:22:00", "2017-09-15T05:22:00+07:00"),  # no offset: portal-local
        ("2017-09-15 05:22:00", "2017-09-15T05:22:00+07:00"),
        ("2017-09-15", "2017-09-15"),
        ("Thu, 14 Sep 2017 22:22:00 GMT", "2017-09-15T05:22:00+07:00"),
        ("Fri, 15 Sep 2017 05:22:00 +0700", "2017-09-15T05:22:00+07:00"),
        ("Thu, 14 Sep 2017 18:22:00 -0400", "2017-09-15T05:22:00+07:00"),
        ("20170915", "2017-09-15"),
    ],
)
def test_machine_formats(text: str, expected: str) -> None:
    assert iso(text) == expected


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("2 giờ trước", "2026-11-26T07:00:00+07:00", "minute"),
        ("30 phút trước", "2026-11-26T08:30:00+07:00", "minute"),
        ("cách đây 3 giờ", "2026-11-26T06:00:00+07:00", "minute"),
        ("Vừa xong", "2026-11-26T09:00:00+07:00", "minute"),
        ("Hôm nay", "2026-11-26", "day"),
        ("Hôm qua lúc 10:15", "2026-11-25T10:15:00+07:00", "minute"),
        ("Hôm kia", "2026-11-24", "day"),
        ("3 ngày trước", "2026-11-23", "day"),
        ("1 tuần trước", "2026-11-19", "day"),
        ("2 tháng trước", "2026-09-26", "day"),
        ("năm ngoái", "2025", "year"),
    ],
)
def test_relative_forms_use_now(text: str, expected: str, precision: str) -> None:
    result = parse_vn_date(text, now=NOW)
    assert (result.iso(), result.precision) == (expected, precision)


def test_relative_forms_accept_a_naive_or_foreign_now() -> None:
    assert iso("2 giờ trước", now=datetime(2026, 11, 26, 9, 0)) == "2026-11-26T07:00:00+07:00"
    utc_now = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
    assert iso("2 giờ trước", now=utc_now) == "2026-11-26T07:00:00+07:00"


def test_relative_without_now_is_relative_to_the_present() -> None:
    result = parse_vn_date("Hôm nay")
    assert result.value.date() == datetime.now(HCM).date()


@pytest.mark.parametrize(
    "text",
    [
        "CHỦ NHẬT, 10/03/2024",  # capitals
        "Chu nhat, 10/3/2024",  # no diacritics
        unicodedata.normalize("NFD", "Chủ nhật, 10/3/2024"),  # decomposed
        "Chủ\u00a0nhật,\u00a010/3/2024",  # non-breaking spaces
        "Chủ nhật,\u200b 10/3/2024\u200b",  # zero-width spaces
        "  Chủ nhật,\n 10/3/2024  ",
    ],
)
def test_text_variants(text: str) -> None:
    assert iso(text) == "2024-03-10"


@pytest.mark.parametrize(
    "text",
    [
        "THU SAU - 15/09/2017 05:22",
        "Thu sau - 15/09/2017 05:22",
        unicodedata.normalize("NFD", "THỨ SÁU - 15/09/2017 05:22"),
    ],
)
def test_text_variants_with_time(text: str) -> None:
    assert iso(text) == "2017-09-15T05:22:00+07:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sáng ngày 22/9/2014, tại Hội trường LĐLĐ tỉnh đã tổ chức hội nghị.", "2014-09-22"),
        ("Quyết định số 4290/QĐ-TLĐ ngày 01/3/2022 của Đoàn Chủ tịch", "2022-03-01"),
        ("Nghị định 145/2020/NĐ-CP ngày 14/12/2020 của Chính phủ", "2020-12-14"),
        ("ĐT: 0236-3821234, cập nhật ngày 15/09/2017", "2017-09-15"),
    ],
)
def test_dates_inside_sentences(text: str, expected: str) -> None:
    assert iso(text) == expected


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("từ ngày 01/3 đến ngày 15/3/2022", "2022-03-01", "2022-03-15"),
        ("Từ ngày 01/3/2022 đến ngày 15/3/2022", "2022-03-01", "2022-03-15"),
        ("từ ngày 28/12/2021 đến ngày 05/01/2022", "2021-12-28", "2022-01-05"),
        ("28/12 - 05/01/2022", "2021-12-28", "2022-01-05"),  # year taken from the end, less one
        ("20 - 21/5/2023", "2023-05-20", "2023-05-21"),
        ("20–21/5/2023", "2023-05-20", "2023-05-21"),
        ("nhiệm kỳ 2023 - 2028", "2023", "2028"),
        ("giai đoạn 2021–2025", "2021", "2025"),
    ],
)
def test_ranges(text: str, start: str, end: str) -> None:
    result = parse_vn_date(text)
    assert (result.iso(), result.end_iso()) == (start, end)


def test_hyphenated_date_is_not_a_range() -> None:
    result = parse_vn_date("29-03-2023")
    assert (result.iso(), result.end) == ("2023-03-29", None)


def test_range_ending_before_it_starts_is_refused() -> None:
    assert iso("từ ngày 15/3/2022 đến ngày 01/3/2022") is None


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2023",
        "29/02/2023",
        "00/00/0000",
        "0000-00-00 00:00:00",
        "32/01/2023",
        "ngày 32 tháng 1 năm 2023",
        "15/09/2017 25:00",
        "Tháng 13/2022",
        "2023-02-30T10:00:00+07:00",
    ],
)
def test_impossible_dates_give_none(text: str) -> None:
    assert iso(text) is None


def test_leap_day_exists_in_leap_years() -> None:
    assert iso("29/02/2024") == "2024-02-29"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ngày 15 tháng 8 âm lịch", "2026-09-25"),  # Mid-Autumn 2026, never 15 August
        ("15/8 Âm lịch", "2026-09-25"),
        ("15/08/2023 (âm lịch)", "2023-09-29"),  # the year is the lunar year
        ("15/8 (ÂL)", "2026-09-25"),
        ("Rằm tháng Giêng", "2026-03-03"),
        ("Mùng 1 Tết Giáp Thìn", "2024-02-10"),
        ("ngay 15 thang 8 am lich", "2026-09-25"),
        ("ngày 15/8 năm Nhâm Dần", "2022-09-10"),  # a can-chi year marks it lunar
        ("mùng 1 Tết", "2026-02-17"),
        ("Mùng 3 tháng Giêng năm Ất Tỵ", "2025-01-31"),
    ],
)
def test_lunar_dates_are_converted(text: str, expected: str) -> None:
    result = parse_vn_date(text, now=NOW)
    assert result is not None
    assert (result.iso(), result.precision, result.calendar) == (expected, "day", "lunar")


def test_vietnams_lunar_calendar_not_chinas() -> None:
    # Tết 1985 and 2007 fell a day or a month apart in Vietnam (UTC+7) and China (UTC+8).
    assert iso("Mùng 1 Tết Ất Sửu", now=datetime(1985, 6, 1, tzinfo=HCM)) == "1985-01-21"
    assert iso("Mùng 1 Tết Đinh Hợi", now=datetime(2007, 6, 1, tzinfo=HCM)) == "2007-02-17"


def test_a_lunar_day_that_does_not_exist_gives_none() -> None:
    # Lunar month 12 of Giáp Thìn (2024) has 29 days: no 30th.
    assert iso("ngày 30 tháng Chạp năm Giáp Thìn") is None


@pytest.mark.parametrize(
    "text", [None, "", "   ", "\u200b", "abc", "xyz 12", "Lượt xem: 2.345", "Nhà máy 2023"]
)
def test_nothing_to_parse_gives_none(text: str | None) -> None:
    assert iso(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 September 2017", "2017-09-15"),
        ("Sep 15, 2017", "2017-09-15"),
        ("tháng Mười hai 2022", "2022-12"),
    ],
)
def test_month_names_go_to_dateparser(text: str, expected: str) -> None:
    assert iso(text) == expected


def test_fallback_result_is_in_portal_time() -> None:
    value = parse_vn_date("15 September 2017").value
    assert value.utcoffset() == timezone(timedelta(hours=7)).utcoffset(None)


# --------------------------------------------------------------------------- issue 11 shapes


def test_dateparser_is_the_fallback_and_is_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    # "2017 September 15" matches none of our patterns: only dateparser reads it.
    assert iso("2017 September 15") == "2017-09-15"
    import congdoan.normalize.dates as dates

    calls: list[str] = []
    real = dates._dateparser

    def spy(text: str, zone: Any, tz: str) -> Any:
        calls.append(text)
        return real(text, zone, tz)

    monkeypatch.setattr(dates, "_dateparser", spy)
    assert iso("15-Sep-2017") == "2017-09-15"
    assert calls == ["15-Sep-2017"]
    monkeypatch.setattr(dates, "_dateparser", lambda *args: None)
    assert iso("2017 September 15") is None  # without it nobody answers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9/15/2017 5:22:31 AM", "2017-09-15T05:22:31+07:00"),  # 15 cannot be a month
        ("15/9/2017 5:22:31 PM", "2017-09-15T17:22:31+07:00"),
        ("3/4/2023 2:30:00 PM", "2023-03-04T14:30:00+07:00"),  # en-US CMS signature h:mm:ss AM
        ("03/04/2023 14:30", "2023-04-03T14:30:00+07:00"),  # Vietnamese D/M: never swapped
        ("Thứ Hai, 03/04/2023", "2023-04-03"),
    ],
)
def test_us_month_first_only_when_the_text_shows_it(text: str, expected: str) -> None:
    assert iso(text) == expected


def test_order_hint_and_page_context_decide_ambiguous_numbers() -> None:
    assert iso("03/04/2023", order="mdy") == "2023-03-04"
    assert iso("03/04/2023", order="dmy") == "2023-04-03"
    assert iso("15/04/2023", order="mdy") == "2023-04-15"  # the impossible part still wins
    assert iso("03/04/2023", context=["10/25/2023", "12/31/2022"]) == "2023-03-04"
    assert iso("03/04/2023", context=["25/10/2023"]) == "2023-04-03"


def test_fractions_and_epochs_are_kept() -> None:
    parsed = parse_vn_date("2017-09-15T05:22:31.250+07:00")
    assert parsed is not None and parsed.value.microsecond == 250000
    assert iso("1505452951") == "2017-09-15T12:22:31+07:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sáng 25/11", "2026-11-25"),
        ("Chiều 03/4, đồng chí Chủ tịch dự hội nghị", "2026-04-03"),
        ("Tối 28/12", "2025-12-28"),  # the last one before the reference
    ],
)
def test_day_month_without_year_is_the_nearest_day_not_after_the_page(
    text: str, expected: str
) -> None:
    reference = datetime(2026, 6, 1, 9, 0, tzinfo=HCM) if "03/4" in text else NOW
    if "28/12" in text:
        reference = datetime(2026, 1, 5, tzinfo=HCM)
    result = parse_vn_date(text, now=reference)
    assert (result.iso(), result.precision) == (expected, "day")


def test_a_fraction_is_not_a_day_month() -> None:
    assert iso("chiếm 3/4 số đoàn viên") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 tháng trước", "2026-10-26"),
        ("1 năm trước", "2025-11-26"),
    ],
)
def test_months_and_years_ago_resolve_to_a_day(text: str, expected: str) -> None:
    result = parse_vn_date(text, now=NOW)
    assert (result.iso(), result.precision) == (expected, "day")


@pytest.mark.parametrize(
    ("text", "start", "end", "precisions"),
    [
        ("từ ngày 20 đến ngày 25 tháng 5 năm 2023", "2023-05-20", "2023-05-25", ("day", "day")),
        ("từ tháng 3 đến tháng 5/2022", "2022-03", "2022-05", ("month", "month")),
        ("07h30 - 11h30, ngày 15/3/2022", "2022-03-15T07:30:00+07:00",
         "2022-03-15T11:30:00+07:00", ("minute", "minute")),
    ],
)  # fmt: skip
def test_parse_vn_date_range(text: str, start: str, end: str, precisions: tuple) -> None:
    span = parse_vn_date_range(text)
    assert span is not None and span.is_range
    assert (span.start.iso(), span.end.iso()) == (start, end)
    assert (span.start.precision, span.end.precision) == precisions


def test_a_single_date_is_a_range_of_one() -> None:
    span = parse_vn_date_range("15/3/2022")
    assert span is not None and not span.is_range and span.start == span.end


def test_leading_subject_date_wins_over_asides() -> None:
    text = "Ngày 20/10/2023, nhân kỷ niệm 93 năm ngày thành lập Hội (20/10/1930 - 20/10/2023)"
    result = parse_vn_date(text)
    assert (result.iso(), result.end) == ("2023-10-20", None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ngày 10/3 âm lịch (tức ngày 19/4/2024), Giỗ Tổ Hùng Vương", "2024-04-19"),
        ("Giỗ Tổ Hùng Vương 10/3 âm lịch", "2026-04-26"),
        ("ngày 5 tháng Giêng năm 2024", "2024-01-05"),  # Giêng names January without lunar marks
        ("Rằm tháng Giêng năm 2024", "2024-02-24"),  # rằm: lunar
    ],
)
def test_lunar_dates_are_never_gregorian(text: str, expected: str | None) -> None:
    assert iso(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017/09/15 05:22", "2017-09-15T05:22:00+07:00"),
        ("22/ 9/2014", "2014-09-22"),
        ("Ngày 22 / 9 / 2014", "2014-09-22"),
        ("03/2022", "2022-03"),
        ("Thứ Sáu, 15 tháng 9, 2017 17:22", "2017-09-15T17:22:00+07:00"),
        ("ngày 5 tháng Chín năm 2017", "2017-09-05"),
        ("tháng Chạp năm 2017", "2017-12"),
        ("November 27, 2026", "2026-11-27"),
        ("27 Nov 2026", "2026-11-27"),
        ("Friday, November 27, 2026 at 10:30 am", "2026-11-27T10:30:00+07:00"),
        ("Fri Nov 27 10:30:00 2026", "2026-11-27T10:30:00+07:00"),
        ("2026-11-27 10:30:00 UTC", "2026-11-27T17:30:00+07:00"),
        ("Nhà máy 2023", None),  # máy (machine) is not May
    ],
)
def test_issue_11_shapes(text: str, expected: str | None) -> None:
    assert iso(text) == expected


def test_a_weekday_picks_the_year_of_a_day_month() -> None:
    # 18/3 is a Wednesday in 2026 only (of 2025-2027): the weekday beats nearness.
    assert iso("Sáng 18/3 (thứ Tư)") == "2026-03-18"
    assert iso("Thứ Tư, 18/3") == "2026-03-18"
    assert iso("Sáng 18/3") == "2026-03-18"  # no weekday: the nearest past one
    assert iso("Sáng 18/3 (thứ Hai)") == "2024-03-18"  # the latest past Monday 18/3


def test_a_lunar_marker_may_introduce_its_date() -> None:
    assert iso("06/10/2022 (âm lịch: 11/9 Nhâm Dần)") == "2022-10-06"


def test_a_numbered_issue_is_not_a_month() -> None:
    assert iso("Số 12/2022") is None
    assert iso("Tháng 12/2022") == "2022-12"


def test_range_to_the_end_of_a_day() -> None:
    result = parse_vn_date("từ ngày 01/3 đến hết ngày 15/3/2022")
    assert (result.iso(), result.end_iso()) == ("2022-03-01", "2022-03-15")
