"""The JSON API under ``/api/``: search, records, portals, and the search's feed and export.

Its OpenAPI schema is at ``/api/openapi.json``. The route functions carry no
docstrings on purpose: FastAPI would publish them as operation descriptions.
"""

# No `from __future__ import annotations`: FastAPI reads the Depends aliases at runtime.

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from congdoan.storage.facets import Page, find
from congdoan.storage.records import jsonable
from congdoan.web import views
from congdoan.web.downloads import export, feed
from congdoan.web.exporting import EXPORT_MAX
from congdoan.web.params import Db, PageNo, PerPage, RowId, Search, clean_text, found

router = APIRouter()


@router.get("/api/search", tags=["api"], summary="Tìm kiếm có bộ lọc, đếm theo nhóm, phân trang")
def api_search(db: Db, params: Search, page: PageNo = 1, per_page: PerPage = 20
               ) -> dict[str, Any]:
    return page_json(find(db, params.filters, page=page, per_page=per_page))


@router.get("/api/articles/{article_id}", tags=["api"], summary="Một tin bài")
def api_article(db: Db, article_id: RowId) -> JSONResponse:
    article = found(views.article_view(db, article_id), "no such article")
    return JSONResponse(jsonable(article))


@router.get("/api/documents/{document_id}", tags=["api"], summary="Một văn bản")
def api_document(db: Db, document_id: RowId) -> JSONResponse:
    document = found(views.document_view(db, document_id), "no such document")
    return JSONResponse(jsonable(document))


@router.get("/api/sites", tags=["api"], summary="Các trang và số liệu")
def api_sites(db: Db) -> JSONResponse:
    return JSONResponse(jsonable(views.sites_view(db)))


@router.get("/api/sites/{site_id}", tags=["api"], summary="Một trang: số liệu, lần chạy, lỗi")
def api_site(db: Db, site_id: str) -> JSONResponse:
    site = found(views.site_view(db, clean_text(site_id) or ""), "no such site")
    return JSONResponse(jsonable(site))


@router.get("/api/feed.atom", tags=["api"], summary="Nguồn Atom của một tìm kiếm",
            response_class=Response,
            responses={200: {"content": {"application/atom+xml": {}}}})
def api_feed(request: Request, db: Db, params: Search) -> Response:
    return feed(request, db, params)


@router.get("/api/export.{fmt}", tags=["api"], summary=f"Tải kết quả (tối đa {EXPORT_MAX})",
            response_class=Response,
            responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}},
                       400: {"description": "CSV without kind"}})
def api_export(db: Db, params: Search, fmt: Literal["csv", "jsonl"]) -> Response:
    return export(db, params, fmt)


def page_json(result: Page) -> dict[str, Any]:
    """A result page as the API returns it."""
    return {
        "total": result.total, "page": result.page, "pages": result.pages,
        # A query with very many matches: "ranked" (else null) says the hits are the best
        # of the newest "ranked" matches; "total_exact" false (PostgreSQL): "total" is an
        # estimate, and "facets_sampled" says whether the facet counts are too.
        "total_exact": result.exact, "ranked": result.ranked or None,
        "facets_sampled": result.facets_sampled,
        "per_page": result.per_page, "sort": result.filters.order,
        # The document the query names, when it is among the hits ("chi thi 17").
        "reference": result.reference,
        "suggestion": result.suggestion,  # the query with diacritics, when typed without
        "hits": [jsonable(vars(h)) for h in result.hits],
        "facets": {name: [{"value": v, "count": n} for v, n in values]
                   for name, values in result.facets.items()},
    }
