"""The HTML pages for people: search, an article, a document, a story, the portals, errors."""

# No `from __future__ import annotations`: FastAPI reads the Depends aliases at runtime.

from fastapi import APIRouter, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from congdoan.storage.facets import find
from congdoan.storage.stories import stories_of, story_sizes, story_view
from congdoan.stories.collapse import Group, collapse
from congdoan.web import views
from congdoan.web.params import Db, PageNo, RowId, Search, found, html

router = APIRouter()


async def error_page(request: Request, exc: StarletteHTTPException) -> Response:
    """An HTTP error: people get a page in Vietnamese; programs (the API) keep FastAPI's JSON."""
    if request.url.path.startswith("/api/"):
        return await http_exception_handler(request, exc)
    return request.app.state.templates.TemplateResponse(
        request, "error.html", {"status": exc.status_code, "detail": exc.detail},
        status_code=exc.status_code, headers=getattr(exc, "headers", None))


# What a parameter needs, by pydantic's error type, in words a reader of the page knows.
_NEEDS = {
    "date_from_datetime_parsing": "một ngày dạng năm-tháng-ngày, ví dụ 2026-04-10",
    "date_parsing": "một ngày dạng năm-tháng-ngày, ví dụ 2026-04-10",
    "int_parsing": "một số nguyên",
    "greater_than_equal": "một số không nhỏ hơn {ge}",
    "less_than_equal": "một số không lớn hơn {le}",
    "string_too_long": "tối đa {max_length} ký tự",
    "literal_error": "một trong các giá trị {expected}",
}


async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
    """A parameter that cannot be read: people get a page (400) naming it and what it needs;
    the API keeps FastAPI's JSON (422)."""
    if request.url.path.startswith("/api/"):
        return await request_validation_exception_handler(request, exc)
    problems = []
    for error in exc.errors():
        name = error["loc"][-1] if error.get("loc") else "?"
        need = _NEEDS.get(error.get("type", ""), "")
        need = need.format(**(error.get("ctx") or {})) if need else error.get("msg", "")
        problems.append(f"«{name}» = «{error.get('input')}»: cần {need}")
    return await error_page(request, StarletteHTTPException(400, "; ".join(problems)))


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def search_page(request: Request, db: Db, params: Search, page: PageNo = 1) -> HTMLResponse:
    """The search form and one page of results with their facets."""
    result = find(db, params.filters, page=page, per_page=20)
    if params.collapse:
        groups = collapse(result.hits, stories_of(db, [h.id for h in result.hits
                                                       if h.kind == "article"]))
        sizes = story_sizes(db, [g.story_id for g in groups if g.story_id is not None])
    else:
        groups, sizes = [Group(hit) for hit in result.hits], {}
    return html(request, "search.html", result=result, params=params, groups=groups,
                sizes=sizes)


@router.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
def story_page(request: Request, db: Db, story_id: RowId, page: PageNo = 1) -> HTMLResponse:
    """One piece of news across portals: who posted it first and how it spread."""
    story = found(story_view(db, story_id, page), "Không có câu chuyện này")
    return html(request, "story.html", story=story)


@router.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
def article_page(request: Request, db: Db, article_id: RowId) -> HTMLResponse:
    """The page of one article."""
    article = found(views.article_view(db, article_id), "Không có tin bài này")
    return html(request, "article.html", article=article)


@router.get("/documents/{document_id}", response_class=HTMLResponse, include_in_schema=False)
def document_page(request: Request, db: Db, document_id: RowId) -> HTMLResponse:
    """The page of one legal document."""
    document = found(views.document_view(db, document_id), "Không có văn bản này")
    return html(request, "document.html", document=document)


@router.get("/sites", response_class=HTMLResponse, include_in_schema=False)
def sites_page(request: Request, db: Db) -> HTMLResponse:
    """The portals and what the database holds of each."""
    return html(request, "sites.html", sites=views.sites_view(db))


@router.get("/sites/{site_id}", response_class=HTMLResponse, include_in_schema=False)
def site_page(request: Request, db: Db, site_id: str) -> HTMLResponse:
    """The page of one portal."""
    site = found(views.site_view(db, site_id), "Không có trang này")
    return html(request, "site.html", site=site)
