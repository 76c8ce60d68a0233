"""Jinja2 filters for the pages: Vietnamese dates in Vietnam's time zone, safe bodies, sizes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from congdoan.vntime import vi_date, vi_time
from congdoan.web.sanitize import clean_html

TZ_LABEL = "giờ Việt Nam"


def vn_time(value: datetime | date | None) -> str:
    """``27/11/2026 21:30 (giờ Việt Nam)`` for a moment; ``27/11/2026`` for a date."""
    if isinstance(value, datetime):
        return f"{vi_time(value)} ({TZ_LABEL})"
    return vi_date(value)


def vn_date(value: datetime | date | None) -> str:
    """The day of ``value`` in Vietnam: ``27/11/2026`` (``vntime`` decides the day)."""
    return vi_date(value)


def safe_body(html: str | None) -> Markup:
    """Portal HTML through the sanitiser, then trusted by the template."""
    return Markup(clean_html(html))  # sanitised just above


def filesize(size: Any) -> str:
    """``1,2 MB`` style sizes."""
    if not isinstance(size, int):
        return ""
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}".replace(".", ",")
        size /= 1024  # type: ignore[assignment]
    return ""


def vn_number(value: Any) -> str:
    """``321.900``: thousands grouped with dots, as Vietnamese writes them."""
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value)


def install_filters(env: Environment) -> None:
    """Register the filters on a Jinja environment."""
    env.filters.update(vn_time=vn_time, vn_date=vn_date, safe_body=safe_body, filesize=filesize,
                       vn_number=vn_number)
