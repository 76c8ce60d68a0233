"""Second pipeline: displayed dates, codes and references become typed values.

The raw ``*_text`` fields stay as displayed; the normalised ones are added
beside them, so a better normaliser can redo this from stored records.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from congdoan.normalize.dates import parse_vn_date, to_utc
from congdoan.normalize.doccodes import find_doc_codes, parse_doc_code

DOCUMENT_DATES = (("issued_text", "issued_on"), ("effective_text", "effective_on"),
                  ("expires_text", "expires_on"))


def _others(item: Any, fields: tuple[str, ...], source: str) -> list[str]:
    """The item's other date strings: they decide D/M or M/D when one is ambiguous."""
    return [text for field in fields if field != source and (text := item.get(field))]


def fetch_time(item: Any) -> datetime | None:
    """When the page was fetched: the reference of dates shown without a year (``Sáng 25/11``
    is the nearest such day not after it), so that a reparse reads them as the crawl did."""
    value = item.get("fetched_at")
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, datetime) else None


def article_dates(item: Any, timezone: str) -> None:
    """``published_at`` (UTC) and its precision from the visible date, else the listing's."""
    sources = ("published_text", "listed_text")
    fetched = fetch_time(item)
    for source in sources:
        context = _others(item, sources, source)
        parsed = parse_vn_date(item.get(source), tz=timezone, context=context, now=fetched)
        if parsed is not None:
            item["published_at"] = to_utc(parsed.value)
            item["published_precision"] = parsed.precision
            return
    item["published_at"] = None
    item["published_precision"] = None


def document_dates(item: Any, timezone: str) -> None:
    """Issue, effective and expiry dates (calendar dates, as displayed: dd/mm/yyyy)."""
    fields = tuple(text_field for text_field, _ in DOCUMENT_DATES)
    for text_field, date_field in DOCUMENT_DATES:
        context = _others(item, fields, text_field)
        parsed = parse_vn_date(item.get(text_field), tz=timezone, context=context)
        item[date_field] = parsed.value.date() if parsed is not None else None


def document_code(item: Any) -> None:
    """The parsed code beside the code as displayed."""
    parsed = parse_doc_code(item.get("code"))
    item["code_parsed"] = None if parsed is None else {
        "normalized": parsed.normalised,
        "number": parsed.number,
        "year": parsed.year,
        "type_abbr": parsed.type_abbr,
        "type_name": parsed.type_name,
        "issuer_abbr": parsed.issuer_abbr,
        "unit_abbr": parsed.unit_abbr,
    }


def article_references(item: Any) -> None:
    """Every document code the article cites (title, summary, body), normalised, in order."""
    seen: dict[str, None] = {}
    for text in (item.get("title"), item.get("summary"), item.get("body_text")):
        for found in find_doc_codes(text or ""):
            seen.setdefault(found.normalised, None)
    item["references"] = list(seen)


class NormalizePipeline:
    """Fills published date and precision, document dates, ``code_parsed``, references."""

    def __init__(self, timezone: str) -> None:
        self.timezone = timezone

    @classmethod
    def from_crawler(cls, crawler: Any) -> NormalizePipeline:
        """Timezone from ``CONGDOAN_TIMEZONE`` (portals show local time, UTC+7)."""
        return cls(crawler.settings["CONGDOAN_TIMEZONE"])

    def process_item(self, item: Any) -> Any:
        """Normalise one item in place."""
        if item.get("kind") == "article":
            article_dates(item, self.timezone)
            article_references(item)
        else:
            document_dates(item, self.timezone)
            document_code(item)
        return item
