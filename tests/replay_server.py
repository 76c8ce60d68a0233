"""A replay server for a saved NukeViet site: serves the saved pages, nothing else.

Every URL in the saved manifest answers with its saved status, content type
and body; every other URL answers 301 to the home page, as NukeViet does for
unknown paths. It records every request so tests can see what a crawl asked.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class SavedPage:
    status: int
    content_type: str
    body: bytes


@dataclass
class ReplaySite:
    pages: dict[str, SavedPage]
    requests: list[str] = field(default_factory=list)


def load_saved_site(folder: Path, only: str | None = None) -> ReplaySite:
    """Read ``manifest.json`` of a saved site: URL path+query -> saved page.

    ``only`` keeps the files under one sub-folder (``"rewrite/"``, ``"norewrite/"``): both
    styles saved their own home page at ``/``.
    """
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    pages: dict[str, SavedPage] = {}
    for name, meta in manifest.items():
        if only is not None and not name.startswith(only):
            continue
        parts = urlsplit(meta["url"])
        key = parts.path + (f"?{parts.query}" if parts.query else "")
        pages[key] = SavedPage(meta["status"], meta["content_type"], (folder / name).read_bytes())
    return ReplaySite(pages)


def _handler(site: ReplaySite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append(self.path)
            page = site.pages.get(self.path)
            if page is None:
                self.send_response(301)
                self.send_header("Location", f"http://{self.headers['Host']}/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            self.end_headers()
            self.wfile.write(page.body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve_saved_site(folder: Path, only: str | None = None) -> Iterator[tuple[str, ReplaySite]]:
    """Serve ``folder`` (or its sub-folder ``only``) on a free port of 127.0.0.1;
    yields (base_url, site)."""
    site = load_saved_site(folder, only)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", site
    finally:
        server.shutdown()
        server.server_close()
