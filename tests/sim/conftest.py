"""Shared fixtures: one running simulator with the three URL set-ups, and a raw fetcher."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest

from congdoan.sim import PortalSpec, SimServer

# sim1: rewrite, news at home; sim2: query style; sim3: /vi/ prefix, /news/, /van-ban/.
SPECS = [
    PortalSpec("sim1", seed=3, articles=45, documents=23),
    PortalSpec("sim2", seed=4, articles=45, documents=23, url_style="query"),
    PortalSpec("sim3", seed=5, articles=45, documents=23, lang_prefix=True,
               news_module="news", laws_module="van-ban"),
]


@dataclass
class Fetched:
    status: int
    headers: object
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, method: str = "GET", headers: dict | None = None) -> Fetched:
    """Fetch ``url`` without following redirects; HTTP errors are returned, not raised."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=10) as response:
            return Fetched(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Fetched(error.code, error.headers, error.read())


@pytest.fixture(scope="session")
def sim():
    with SimServer(SPECS) as server:
        yield server
