"""A search as a file: its Atom feed and its CSV or JSON Lines export."""

# No `from __future__ import annotations`: FastAPI reads the Depends aliases at runtime.

from dataclasses import replace
from typing import Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from congdoan.storage.facets import MAX_PER_PAGE, Filters, find
from congdoan.web.atom import MAX_ENTRIES, Entry, build_feed
from congdoan.web.exporting import export_bytes
from congdoan.web.params import Db, Search

router = APIRouter()


@router.get("/feed.atom", include_in_schema=False)
def feed(request: Request, db: Db, params: Search) -> Response:
    """The search's newest items as an Atom feed."""
    base = str(request.base_url).rstrip("/")
    body = feed_bytes(db, params.filters, base, base + params.url("/feed.atom"),
                      base + params.url("/"))
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/export.{fmt}", include_in_schema=False)
def export(db: Db, params: Search, fmt: Literal["csv", "jsonl"]) -> Response:
    """The search's items as a CSV (one kind) or JSON Lines download."""
    if fmt == "csv" and params.filters.kind is None:
        raise HTTPException(400, "CSV cần chọn một loại (kind=article hoặc kind=document)")
    body = export_bytes(db, params.filters, fmt)
    kind = params.filters.kind or "all"
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson"
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="congdoan-{kind}.{fmt}"'})


def feed_bytes(session: Session, filters: Filters, base_url: str, self_url: str,
               html_url: str) -> bytes:
    """The Atom feed of a search: its newest items, linking to the portal and to the record
    at ``base_url``."""
    filters = replace(filters, sort="date")
    hits = []
    for page in range(1, -(-MAX_ENTRIES // MAX_PER_PAGE) + 1):
        hits += find(session, filters, page=page, per_page=MAX_PER_PAGE, facets=False).hits
    base_url = base_url.rstrip("/")
    entries = [
        Entry(h.kind, h.id, h.title, h.summary, h.url, f"{base_url}/{h.kind}s/{h.id}", h.site,
              h.updated, h.when, h.code)
        for h in hits
    ]
    return build_feed(f"congdoan: {filters.q or 'tất cả'}", self_url, self_url, html_url,
                      entries)
