"""The web application: HTML pages for people, a JSON API and Atom feeds for programs.

``create_app(db_url, files_dir, token)`` builds it; ``congdoan serve`` runs it
with uvicorn. Every request gets its own read-only session. The API's OpenAPI
schema is at ``/api/openapi.json``. The routes live by area: ``pages`` (HTML),
``files`` (attachments), ``downloads`` (Atom feed, CSV/JSONL export) and ``api``
(JSON); what they take from a request is in ``params``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from congdoan.web import api, chartroutes, downloads, files, pages
from congdoan.web.api import page_json
from congdoan.web.downloads import feed_bytes
from congdoan.web.render import install_filters
from congdoan.web.security import SecurityHeaders, TokenRequired

HERE = Path(__file__).parent

__all__ = ["create_app", "feed_bytes", "page_json"]


def create_app(db_url: str, files_dir: Path | None = None, token: str | None = None,
               engine: Engine | None = None) -> FastAPI:
    """The application over the database at ``db_url`` (opened read-only)."""
    from congdoan.storage.readonly import readonly_engine

    engine = engine or readonly_engine(db_url)
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
    app.state.engine = engine
    app.state.sessions = sessionmaker(engine, expire_on_commit=False)
    app.state.templates = _templates()
    app.state.files_dir = files_dir
    app.add_exception_handler(StarletteHTTPException, pages.error_page)
    app.add_exception_handler(RequestValidationError, pages.invalid_request)  # type: ignore[arg-type]
    # In this order: the OpenAPI schema lists the API's paths as they were added.
    for area in (pages, chartroutes, files, downloads, api):
        app.include_router(area.router)
    return app


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=HERE / "templates")
    install_filters(templates.env)
    return templates
