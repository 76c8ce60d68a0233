"""The normalise pipeline reads each item's dates in the light of its other dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

from congdoan.pipelines.normalize import article_dates, document_code, document_dates

TZ = "Asia/Ho_Chi_Minh"


def test_a_page_printing_month_first_is_read_month_first() -> None:
    # The listing's 10/25/2023 can only be month-first, so the page's 03/04 is 4 March.
    item = {"published_text": "03/04/2023 14:30", "listed_text": "10/25/2023 14:30"}
    article_dates(item, TZ)
    assert item["published_at"] == datetime(2023, 3, 4, 7, 30, tzinfo=UTC)
    assert item["published_precision"] == "minute"


def test_vietnamese_pages_stay_day_first() -> None:
    item = {"published_text": "03/04/2023 14:30", "listed_text": "25/10/2023"}
    article_dates(item, TZ)
    assert item["published_at"] == datetime(2023, 4, 3, 7, 30, tzinfo=UTC)


def test_document_dates_share_their_order() -> None:
    item = {"issued_text": "05/13/2023", "effective_text": "05/06/2023", "expires_text": None}
    document_dates(item, TZ)
    assert (item["issued_on"], item["effective_on"]) == (date(2023, 5, 13), date(2023, 5, 6))
    assert item["expires_on"] is None


def test_code_parsed_keeps_its_keys() -> None:
    item = {"code": "36/HD-VPTW"}
    document_code(item)
    assert item["code_parsed"]["normalized"] == "36-HD/VPTW"
    assert set(item["code_parsed"]) == {
        "normalized", "number", "year", "type_abbr", "type_name", "issuer_abbr", "unit_abbr",
    }  # fmt: skip


def test_a_day_without_a_year_is_read_against_the_fetch_time() -> None:
    # Fetched on 2 January 2027: "Chiều 28/12" is last December, never a future one.
    item = {"published_text": "Chiều 28/12", "fetched_at": "2027-01-02T03:00:00+00:00"}
    article_dates(item, TZ)
    assert item["published_at"] == datetime(2026, 12, 27, 17, 0, tzinfo=UTC)
    assert item["published_precision"] == "day"
