"""Serve a dict of canned answers on 127.0.0.1: path -> (status, headers, body).

``{base}`` in a body or header is replaced by the server's own base URL. Every
other path answers 404. Requests are recorded (path, User-Agent).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Answer = tuple[int, dict[str, str], str]


@contextmanager
def serve_pages(pages: dict[str, Answer]) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Yield (base_url, requests) while ``pages`` are served."""
    seen: list[tuple[str, str]] = []
    state = {"base": ""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append((self.path, self.headers.get("User-Agent", "")))
            status, headers, body = pages.get(self.path, (404, {}, "not found"))
            data = body.replace("{base}", state["base"]).encode("utf-8")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value.replace("{base}", state["base"]))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state["base"] = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["base"], seen
    finally:
        server.shutdown()
        server.server_close()
