"""Response headers every page carries, and the optional access token.

The Content-Security-Policy allows no script at all (the interface needs none),
styles and fonts only from the server itself, images from anywhere over http(s)
(article bodies show the portals' pictures), forms posting only to the server,
and no framing.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' http: https: data:; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# The charts (web/charts.py) are SVG images with pygal's stylesheet inside and nothing that
# runs (they are sanitised): their own responses may style themselves, and nothing more.
# Pages keep CSP above; an <img> of ours is allowed by its img-src 'self'.
SVG_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
               "Cache-Control": "no-cache"}
TOKEN_COOKIE = "congdoan_token"
TOKEN_PARAM = "token"

Handler = Callable[[Request], Awaitable[Response]]


class SecurityHeaders(BaseHTTPMiddleware):
    """Adds ``HEADERS`` to every response."""

    async def dispatch(self, request: Request, call_next: Handler) -> Response:
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response


class TokenRequired(BaseHTTPMiddleware):
    """Every request must carry the token: ``Authorization: Bearer T``, ``?token=T`` or the
    cookie that ``?token=T`` sets (so a browser asks once)."""

    def __init__(self, app: object, token: str) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.token = token.encode("utf-8")

    def _matches(self, value: str | None) -> bool:
        return bool(value) and hmac.compare_digest(value.encode("utf-8"), self.token)  # type: ignore[union-attr]

    async def dispatch(self, request: Request, call_next: Handler) -> Response:
        header = request.headers.get("authorization", "")
        bearer = header[7:].strip() if header.lower().startswith("bearer ") else None
        param = request.query_params.get(TOKEN_PARAM)
        if self._matches(param):
            # Swap the token in the address for a cookie: URLs end up in logs and history.
            query = [(k, v) for k, v in request.query_params.multi_items() if k != TOKEN_PARAM]
            target = request.url.replace_query_params(**dict(query)) if query else \
                request.url.remove_query_params(TOKEN_PARAM)
            response: Response = RedirectResponse(str(target), status_code=303)
            response.set_cookie(TOKEN_COOKIE, param or "", httponly=True, samesite="strict")
            return response
        if self._matches(bearer) or self._matches(request.cookies.get(TOKEN_COOKIE)):
            return await call_next(request)
        return PlainTextResponse("Cần mã truy cập (token) / access token required\n",
                                 status_code=401, headers={"WWW-Authenticate": "Bearer"})
