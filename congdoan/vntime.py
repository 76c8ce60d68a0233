"""Vietnam time: the one time-zone constant, and how times are shown to people.

The portals publish in Vietnam time, the schedule runs in it and every time a
person reads is shown in it, labelled: ``2026-11-27 20:01 +07:00``. Machines
(JSON, exports) get ISO 8601 with the offset instead.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Final
from zoneinfo import ZoneInfo

VN_TZ_NAME: Final = "Asia/Ho_Chi_Minh"
VN_TZ: Final = ZoneInfo(VN_TZ_NAME)


def utc_aware(value: datetime) -> datetime:
    """``value`` with a time zone: a naive one is UTC (how SQLite hands timestamps back)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def vn_moment(value: datetime, tz: tzinfo = VN_TZ) -> datetime:
    """The instant ``value`` on Vietnam's clock (or ``tz``'s), aware.

    A naive ``value`` is taken as UTC (how the database hands back SQLite timestamps);
    never as the machine's local time, which is what ``astimezone`` alone would assume.
    """
    return utc_aware(value).astimezone(tz)


def shown_time(value: datetime | None, tz: tzinfo = VN_TZ) -> str:
    """``value`` for people: ``YYYY-MM-DD HH:MM`` in ``tz`` with its UTC offset; ``-`` if None.

    A naive ``value`` is taken as UTC (how the database hands back SQLite timestamps).
    """
    if value is None:
        return "-"
    local = vn_moment(value, tz)
    offset = local.strftime("%z")  # +0700
    return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def shown_date(value: datetime | date | None, tz: tzinfo = VN_TZ) -> str:
    """The calendar day of ``value`` in ``tz`` (a date is shown as it is); ``-`` if None."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return vn_moment(value, tz).date().isoformat()
    return value.isoformat()


def vi_date(value: datetime | date | None) -> str:
    """The Vietnam day of ``value`` as Vietnamese pages write it, ``10/04/2026``; ``""`` if None.

    A date is a day already (a document's issue date) and is shown as it is.
    """
    if value is None:
        return ""
    day = vn_day(value) if isinstance(value, datetime) else value
    return f"{day:%d/%m/%Y}"


def vi_time(value: datetime | None) -> str:
    """The instant ``value`` on Vietnam's clock as Vietnamese pages write it,
    ``10/04/2026 00:43``; ``""`` if None."""
    if value is None:
        return ""
    return f"{vn_moment(value):%d/%m/%Y %H:%M}"


def item_day(value: datetime | date | str | None) -> date | None:
    """The day a person gives an item: its date as it is, or the Vietnam day of its instant.

    Text is read as ISO 8601: ``2024-01-30`` is that day, ``2024-01-29T17:57:00+00:00``
    is the Vietnam day of that instant (30/01). Unreadable text is ``None``.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = (date.fromisoformat(value) if len(value) == 10
                     else datetime.fromisoformat(value))
        except ValueError:
            return None
    return vn_day(value) if isinstance(value, datetime) else value


def vn_day(value: datetime) -> date:
    """The Vietnam calendar day of the instant ``value`` (naive = UTC, as SQLite hands it back).

    The one conversion from an instant to the day a person in Vietnam calls it: an article
    published 10/04 00:43 in Hà Nội is stored as 09/04 17:43 UTC and belongs to 10/04.
    """
    return vn_moment(value).date()


def day_start(day: date) -> datetime:
    """The first instant (UTC-aware) of the Vietnam day ``day``: 00:00 in Hà Nội.

    Filters by day (``from``/``to``) compare stored instants with these bounds, so a day
    means Vietnam's day on every surface.
    """
    day = min(day, date.max.replace(day=30))  # the day after stays representable
    return datetime(day.year, day.month, day.day, tzinfo=VN_TZ).astimezone(UTC)


def day_bounds(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """Instants ``[start, end)`` covering the Vietnam days ``first`` to ``last``, inclusive.

    ``None`` leaves that side open.
    """
    start = day_start(first) if first is not None else None
    end = None
    if last is not None:
        end = day_start(date.fromordinal(min(last.toordinal() + 1, date.max.toordinal())))
    return start, end
