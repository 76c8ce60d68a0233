"""A replay server for a captured site (tests/fixtures/wordpress/<variant>/, and the static
CMSs' captures in the same format: tests/fixtures/{hugo,jekyll,hexo}/<theme>/).

Every URL of the capture's ``manifest.json`` answers with its saved status,
headers and body, byte for byte (gzip-stored bodies are served decompressed,
as they were captured); only a ``Location`` header is moved from the captured
origin to the replay's own, so that a redirect comes back to the replay.
Any other URL answers with the site's own captured 404 page, as WordPress
does. Every request is recorded.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

CAPTURES = Path(__file__).parent / "fixtures" / "wordpress"
VARIANTS = sorted(p.name for p in CAPTURES.iterdir() if (p / "manifest.json").exists())
# Hop-by-hop and per-connection headers are the replay server's own business.
_NOT_REPLAYED = {"connection", "transfer-encoding", "content-length", "host", "date",
                 "x-powered-by"}


@dataclass
class CapturedResponse:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class CapturedSite:
    """One capture: its manifest's metadata, responses by path+query, the 404 page."""

    folder: Path
    meta: dict
    responses: dict[str, CapturedResponse]
    not_found: CapturedResponse
    requests: list[str] = field(default_factory=list)

    @property
    def truth(self) -> dict:
        return json.loads((self.folder / "truth.json").read_text(encoding="utf-8"))

    def response(self, url: str) -> CapturedResponse:
        """The captured response of an absolute or path+query URL."""
        return self.responses[url_key(url)]


def url_key(url: str) -> str:
    """Path and query, the query's parameters sorted: WordPress reads ``?cat=2&paged=2``
    and ``?paged=2&cat=2`` alike, and its own links use either order; ``/index.php`` is
    ``/``."""
    parts = urlsplit(url)
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    # WordPress answers /index.php?q and /?q alike (its REST link names the former).
    path = "/" if parts.path == "/index.php" else (parts.path or "/")
    return path + (f"?{query}" if query else "")


def read_body(folder: Path, name: str) -> bytes:
    data = (folder / name).read_bytes()
    return gzip.decompress(data) if name.endswith(".gz") else data


def load_capture(folder: Path) -> CapturedSite:
    """Read a capture folder's manifest and bodies."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    responses = {}
    for page in manifest["pages"]:
        responses[url_key(page["url"])] = CapturedResponse(
            page["url"], page["status"], [(k, v) for k, v in page["headers"]],
            read_body(folder, page["file"]))
    not_found = next(r for r in responses.values() if r.status == 404 and "text/html" in
                     {k.lower(): v for k, v in r.headers}.get("content-type", ""))
    return CapturedSite(folder, manifest["capture"], responses, not_found)


def _handler(site: CapturedSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            site.requests.append(self.path)
            page = site.responses.get(url_key(self.path), site.not_found)
            self.send_response(page.status)
            live = f"http://{self.headers['Host']}"
            for name, value in page.headers:
                if name.lower() == "location":
                    # A redirect points at the captured origin; send the client back here.
                    value = value.replace(site.meta["base_url"], live, 1)
                if name.lower() not in _NOT_REPLAYED:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(page.body)))
            self.end_headers()
            self.wfile.write(page.body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve_capture(variant: str | Path) -> Iterator[tuple[str, CapturedSite]]:
    """Serve one capture (a WordPress variant's name, or any capture folder in the same
    format, e.g. ``tests/fixtures/hugo/lab-news``) on a free port of 127.0.0.1; yields
    (base_url, site)."""
    site = load_capture(variant if isinstance(variant, Path) else CAPTURES / variant)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", site
    finally:
        server.shutdown()
        server.server_close()
