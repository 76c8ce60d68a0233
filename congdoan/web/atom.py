"""Atom 1.0 feeds (RFC 4287) of a search: newest first, bounded, with stable entry ids.

An entry's id is a ``tag:`` URI (RFC 4151) built from the item's kind and
database id, so a feed reader sees the same entry across refreshes; ``updated``
is when the item's current content was first seen, so a changed item rises.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from xml.etree import ElementTree as ET

from congdoan.vntime import day_start, vn_moment

ATOM_NS = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 200
TAG_AUTHORITY = "congdoan,2026"


@dataclass(frozen=True)
class Entry:
    """One feed entry: an article or a document of the search."""

    kind: str
    id: int
    title: str
    summary: str | None
    portal_url: str
    record_url: str
    site: str
    updated: datetime
    published: date | datetime | None
    code: str | None = None


def entry_id(kind: str, item_id: int) -> str:
    """The stable Atom id of a stored item."""
    return f"tag:{TAG_AUTHORITY}:{kind}:{item_id}"


def _stamp(moment: date | datetime) -> str:
    # A day (an item's date) is Vietnam's: it starts at 00:00 in Hà Nội, and says so
    # with its offset; an instant is written in UTC.
    if not isinstance(moment, datetime):
        return vn_moment(day_start(moment)).isoformat(timespec="seconds")
    return vn_moment(moment, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = _xml_safe(text)
    return element


def _xml_safe(text: str) -> str:
    # Portal text may carry control characters XML 1.0 cannot hold.
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20)


def build_feed(title: str, feed_id: str, self_url: str, html_url: str,
               entries: Iterable[Entry], max_entries: int = MAX_ENTRIES) -> bytes:
    """The feed document as UTF-8 bytes; entries newest first, at most ``max_entries``."""
    ET.register_namespace("", ATOM_NS)
    chosen = sorted(entries, key=lambda e: (e.updated, e.kind, e.id), reverse=True)[:max_entries]
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": "vi"})
    _add(feed, "id", feed_id)
    _add(feed, "title", title)
    newest = chosen[0].updated if chosen else datetime(2000, 1, 1, tzinfo=UTC)
    _add(feed, "updated", _stamp(newest))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=html_url)
    author = _add(feed, "author")
    _add(author, "name", "congdoan")
    _add(feed, "generator", "congdoan")
    for item in chosen:
        entry = _add(feed, "entry")
        _add(entry, "id", entry_id(item.kind, item.id))
        title = f"[{item.code}] {item.title}" if item.code else item.title
        _add(entry, "title", title)
        _add(entry, "updated", _stamp(item.updated))
        if item.published:
            _add(entry, "published", _stamp(item.published))
        _add(entry, "link", rel="alternate", type="text/html", href=item.portal_url)
        _add(entry, "link", rel="related", type="text/html", href=item.record_url)
        _add(entry, "category", term=item.kind)
        _add(entry, "category", term=item.site, label=item.site)
        if item.summary:
            _add(entry, "summary", item.summary)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
