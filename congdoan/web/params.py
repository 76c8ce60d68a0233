"""What every route takes from a request: a read-only database session and the search asked for.

The application keeps its session factory, templates and file folder in
``app.state`` (``create_app`` puts them there), so the routers that read them
are plain module-level ``APIRouter``s.
"""

# No `from __future__ import annotations`: FastAPI reads the Depends aliases at runtime.

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BeforeValidator, Field
from sqlalchemy.orm import Session

from congdoan.storage.facets import MAX_PER_PAGE, Filters
from congdoan.storage.search import query_phrases

_T = TypeVar("_T")
LABELS = {"article": "Tin bài", "document": "Văn bản"}


def clean_text(value: str | None) -> str | None:
    """Query text without NUL characters (PostgreSQL refuses them in parameters)."""
    if value is None:
        return None
    value = value.replace("\x00", "").strip()
    return value or None


def found(value: _T | None, missing: str) -> _T:
    """``value``, or a 404 saying ``missing`` when the record does not exist."""
    if value is None:
        raise HTTPException(404, missing)
    return value


def _blank_is_none(value: Any) -> Any:
    # A submitted form sends its empty fields (from=&to=&sort=): they mean "not set".
    return None if value == "" else value


Blank = BeforeValidator(_blank_is_none)
Year = Annotated[int, Field(ge=1900, le=2100)]


class SearchParams:
    """The query-string parameters of every search (pages, API, feeds, downloads)."""

    def __init__(
        self,
        q: Annotated[str, Query(max_length=500, description="Từ khóa; dấu không bắt buộc")] = "",
        site: Annotated[str | None, Query(max_length=64, description="Mã trang (site id)")] = None,
        kind: Annotated[Literal["article", "document"] | None, Blank, Query()] = None,
        type: Annotated[str | None, Query(max_length=32, description="Loại văn bản: QĐ, CT …")
                        ] = None,
        issuer: Annotated[str | None, Query(max_length=200, description="Cơ quan ban hành")
                          ] = None,
        year: Annotated[Year | None, Blank, Query()] = None,
        date_from: Annotated[date | None, Blank, Query(alias="from")] = None,
        date_to: Annotated[date | None, Blank, Query(alias="to")] = None,
        since: Annotated[date | None, Blank,
                         Query(description="Chỉ mục thu thập từ ngày này")] = None,
        sort: Annotated[Literal["relevance", "date"] | None, Blank, Query()] = None,
        collapse: Annotated[bool | None, Blank,
                            Query(description="Gộp các tin bài của cùng một tin (một câu chuyện)")
                            ] = None,
        status: Annotated[Literal["in_force", "replaced", "repealed", "amended"] | None, Blank,
                          Query(description="Tình trạng hiệu lực của văn bản")] = None,
    ) -> None:
        self.collapse = bool(collapse)
        text = clean_text(q) or ""
        if text and not query_phrases(text):
            # Browsing everything is what an empty box means, not a query of quotes and
            # brackets: say so instead of listing every item as if it matched.
            raise HTTPException(400, f"Từ khóa «{text}» không có chữ hay số nào để tìm: hãy "
                                     "gõ một từ, hoặc để trống để xem tất cả.")
        self.filters = Filters(
            q=text, site=clean_text(site), kind=kind, doc_type=clean_text(type),
            issuer=clean_text(issuer), year=year, date_from=date_from, date_to=date_to,
            new_since=since, sort=sort, status=status,
        )
        self.query = {k: v for k, v in {
            "q": q, "site": site, "kind": kind, "type": type, "issuer": issuer, "year": year,
            "from": date_from, "to": date_to, "since": since, "sort": sort,
            "status": status, "collapse": 1 if collapse else None,
        }.items() if v not in (None, "")}

    def url(self, path: str, **changes: Any) -> str:
        """``path`` with this search's parameters, some changed (``None`` removes one)."""
        query = {**self.query, **changes}
        query = {k: v for k, v in query.items() if v not in (None, "")}
        return f"{path}?{urlencode(query)}" if query else path


def session(request: Request) -> Iterator[Session]:
    """A session of the application's (read-only) database for one request."""
    with request.app.state.sessions() as s:
        yield s


def html(request: Request, name: str, **context: Any) -> HTMLResponse:
    """The page template ``name`` rendered with ``context`` (and the kind labels)."""
    templates = request.app.state.templates
    return templates.TemplateResponse(request, name, {"labels": LABELS, **context})


Db = Annotated[Session, Depends(session)]
Search = Annotated[SearchParams, Depends()]
# Row ids are 32-bit integers on PostgreSQL; a larger id is a 422, not a driver error.
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PageNo = Annotated[int, Query(ge=1, le=1000)]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE)]
