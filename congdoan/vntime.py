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


def shown_time(value: datetime | None, tz: tzinfo = VN_TZ) -> str:
    """``value`` for people: ``YYYY-MM-DD HH:MM`` in ``tz`` with its UTC offset; ``-`` if None.

    A naive ``value`` is taken as UTC (how the database hands back SQLite timestamps).
    """
    if value is None:
        return "-"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(tz)
    offset = local.strftime("%z")  # +0700
    return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def shown_date(value: datetime | date | None, tz: tzinfo = VN_TZ) -> str:
    """The calendar day of ``value`` in ``tz`` (a date is shown as it is); ``-`` if None."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(tz).date().isoformat()
    return value.isoformat()
