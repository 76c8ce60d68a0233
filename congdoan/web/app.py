"""The web application: HTML pages for people, a JSON API and Atom feeds for programs.

``create_app(db_url, files_dir, token)`` builds it; ``congdoan serve`` runs it
with uvicorn. Every request gets its own read-only session. The API's OpenAPI
schema is at ``/api/openapi.json``.
"""

# No `from __future__ import annotations`: FastAPI reads the local Depends aliases at runtime.

from collections.abc import Iterator
from datetime import date
from pathlib import Path as FsPath
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BeforeValidator, Field
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from congdoan.files.names import sanitize_filename
from congdoan.storage.facets import MAX_PER_PAGE, Filters, Page, find
from congdoan.storage.records import jsonable
from congdoan.web import views
from congdoan.web.atom import Entry, build_feed
from congdoan.web.exporting import EXPORT_MAX, export_bytes
from congdoan.web.render import install_filters
from congdoan.web.security import SecurityHeaders, TokenRequired

HERE = FsPath(__file__).parent
# Attachments are offered with their stored type only when it is one of these; anything
# else (an HTML "attachment", say) is sent as a download of opaque bytes.
SAFE_MEDIA_TYPES = frozenset({
    "application/pdf", "application/msword", "application/zip", "application/x-rar-compressed",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel", "image/png", "image/jpeg", "image/gif", "text/plain",
})
INLINE_MEDIA_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif"})
LABELS = {"article": "Tin bài", "document": "Văn bản"}


def _text(value: str | None) -> str | None:
    """Query text without NUL characters (PostgreSQL refuses them in parameters)."""
    if value is None:
        return None
    value = value.replace("\x00", "").strip()
    return value or None


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
    ) -> None:
        self.filters = Filters(
            q=_text(q) or "", site=_text(site), kind=kind, doc_type=_text(type),
            issuer=_text(issuer), year=year, date_from=date_from, date_to=date_to,
            new_since=since, sort=sort,
        )
        self.query = {k: v for k, v in {
            "q": q, "site": site, "kind": kind, "type": type, "issuer": issuer, "year": year,
            "from": date_from, "to": date_to, "since": since, "sort": sort,
        }.items() if v not in (None, "")}

    def url(self, path: str, **changes: Any) -> str:
        """``path`` with this search's parameters, some changed (``None`` removes one)."""
        query = {**self.query, **changes}
        query = {k: v for k, v in query.items() if v not in (None, "")}
        return f"{path}?{urlencode(query)}" if query else path


# Row ids are 32-bit integers on PostgreSQL; a larger id is a 422, not a driver error.
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PageNo = Annotated[int, Query(ge=1, le=1000)]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE)]


def create_app(db_url: str, files_dir: FsPath | None = None, token: str | None = None,
               engine: Engine | None = None) -> FastAPI:
    """The application over the database at ``db_url`` (opened read-only)."""
    from congdoan.web.readonly import readonly_engine

    engine = engine or readonly_engine(db_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    app = FastAPI(
        title="congdoan",
        description="Tin bài và văn bản của các cổng thông tin công đoàn: tìm kiếm và hồ sơ.",
        version="1",
        docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
    )
    app.add_middleware(SecurityHeaders)
    if token:
        app.add_middleware(TokenRequired, token=token)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    install_filters(templates.env)
    app.state.engine = engine

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # People get a page in Vietnamese; programs (the API) keep FastAPI's JSON.
        if request.url.path.startswith("/api/"):
            return await http_exception_handler(request, exc)
        return templates.TemplateResponse(
            request, "error.html", {"status": exc.status_code, "detail": exc.detail},
            status_code=exc.status_code, headers=getattr(exc, "headers", None))

    def session() -> Iterator[Session]:
        with sessions() as s:
            yield s

    Db = Annotated[Session, Depends(session)]
    Search = Annotated[SearchParams, Depends()]

    def html(request: Request, name: str, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"labels": LABELS, **context})

    # --- pages -------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, db: Db, params: Search, page: PageNo = 1) -> HTMLResponse:
        result = find(db, params.filters, page=page, per_page=20)
        return html(request, "search.html", result=result, params=params)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, db: Db, article_id: RowId) -> HTMLResponse:
        article = views.article_view(db, article_id)
        if article is None:
            raise HTTPException(404, "Không có tin bài này")
        return html(request, "article.html", article=article)

    @app.get("/documents/{document_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, db: Db, document_id: RowId) -> HTMLResponse:
        document = views.document_view(db, document_id)
        if document is None:
            raise HTTPException(404, "Không có văn bản này")
        return html(request, "document.html", document=document)

    @app.get("/sites", response_class=HTMLResponse, include_in_schema=False)
    def sites_page(request: Request, db: Db) -> HTMLResponse:
        return html(request, "sites.html", sites=views.sites_view(db))

    @app.get("/sites/{site_id}", response_class=HTMLResponse, include_in_schema=False)
    def site_page(request: Request, db: Db, site_id: str) -> HTMLResponse:
        site = views.site_view(db, site_id)
        if site is None:
            raise HTTPException(404, "Không có trang này")
        return html(request, "site.html", site=site)

    @app.get("/files/{attachment_id}", include_in_schema=False)
    def attachment(db: Db, attachment_id: RowId) -> Response:
        row = views.attachment_file(db, attachment_id)
        if row is None or not row.stored_path or files_dir is None:
            raise HTTPException(404, "Tệp không được lưu")
        root = files_dir.resolve()
        path = (root / row.stored_path).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise HTTPException(404, "Tệp không được lưu")
        media = row.media_type if row.media_type in SAFE_MEDIA_TYPES else \
            "application/octet-stream"
        disposition = "inline" if media in INLINE_MEDIA_TYPES else "attachment"
        name = sanitize_filename(row.name or FsPath(row.url).name, fallback=f"tep-{row.id}")
        return FileResponse(path, media_type=media, filename=name,
                            content_disposition_type=disposition,
                            headers={"Content-Security-Policy": "sandbox; default-src 'none'"})

    @app.get("/feed.atom", include_in_schema=False)
    def feed(request: Request, db: Db, params: Search) -> Response:
        base = str(request.base_url).rstrip("/")
        body = feed_bytes(db, params.filters, base, base + params.url("/feed.atom"),
                          base + params.url("/"))
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    @app.get("/export.{fmt}", include_in_schema=False)
    def export(db: Db, params: Search, fmt: Literal["csv", "jsonl"]) -> Response:
        if fmt == "csv" and params.filters.kind is None:
            raise HTTPException(400, "CSV cần chọn một loại (kind=article hoặc kind=document)")
        body = export_bytes(db, params.filters, fmt)
        kind = params.filters.kind or "all"
        media = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson"
        return Response(body, media_type=media, headers={
            "Content-Disposition": f'attachment; filename="congdoan-{kind}.{fmt}"'})

    # --- JSON API ----------------------------------------------------------------------

    @app.get("/api/search", tags=["api"], summary="Tìm kiếm có bộ lọc, đếm theo nhóm, phân trang")
    def api_search(db: Db, params: Search, page: PageNo = 1, per_page: PerPage = 20
                   ) -> dict[str, Any]:
        return page_json(find(db, params.filters, page=page, per_page=per_page))

    @app.get("/api/articles/{article_id}", tags=["api"], summary="Một tin bài")
    def api_article(db: Db, article_id: RowId) -> JSONResponse:
        article = views.article_view(db, article_id)
        if article is None:
            raise HTTPException(404, "no such article")
        return JSONResponse(jsonable(article))

    @app.get("/api/documents/{document_id}", tags=["api"], summary="Một văn bản")
    def api_document(db: Db, document_id: RowId) -> JSONResponse:
        document = views.document_view(db, document_id)
        if document is None:
            raise HTTPException(404, "no such document")
        return JSONResponse(jsonable(document))

    @app.get("/api/sites", tags=["api"], summary="Các trang và số liệu")
    def api_sites(db: Db) -> JSONResponse:
        return JSONResponse(jsonable(views.sites_view(db)))

    @app.get("/api/sites/{site_id}", tags=["api"], summary="Một trang: số liệu, lần chạy, lỗi")
    def api_site(db: Db, site_id: str) -> JSONResponse:
        site = views.site_view(db, _text(site_id) or "")
        if site is None:
            raise HTTPException(404, "no such site")
        return JSONResponse(jsonable(site))

    @app.get("/api/feed.atom", tags=["api"], summary="Nguồn Atom của một tìm kiếm",
             response_class=Response,
             responses={200: {"content": {"application/atom+xml": {}}}})
    def api_feed(request: Request, db: Db, params: Search) -> Response:
        return feed(request, db, params)

    @app.get("/api/export.{fmt}", tags=["api"], summary=f"Tải kết quả (tối đa {EXPORT_MAX})",
             response_class=Response,
             responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}},
                        400: {"description": "CSV without kind"}})
    def api_export(db: Db, params: Search, fmt: Literal["csv", "jsonl"]) -> Response:
        return export(db, params, fmt)

    return app


def page_json(result: Page) -> dict[str, Any]:
    """A result page as the API returns it."""
    return {
        "total": result.total, "page": result.page, "pages": result.pages,
        "per_page": result.per_page, "sort": result.filters.order,
        "hits": [jsonable(vars(h)) for h in result.hits],
        "facets": {name: [{"value": v, "count": n} for v, n in values]
                   for name, values in result.facets.items()},
    }


def feed_bytes(session: Session, filters: Filters, base_url: str, self_url: str,
               html_url: str) -> bytes:
    """The Atom feed of a search: its newest items, linking to the portal and to the record
    at ``base_url``."""
    from dataclasses import replace

    from congdoan.web.atom import MAX_ENTRIES

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
