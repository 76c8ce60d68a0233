"""Serve a static CMS's built site on 127.0.0.1 and capture it, byte for byte.

Usage: python capture.py PUBLIC_DIR PORT OUT_DIR   (OUT_DIR holds truth.json already)

The built folder is served as a plain web server would (``index.html`` for a
directory, the site's own ``404.html`` for anything missing, a redirect from a
directory without its slash), then walked from the home page, robots.txt, the
sitemaps and feeds: every same-site link of every HTML page (``<a href>``, feed
``<link rel=alternate>``), every ``<loc>`` and feed ``<link>``, plus the URLs the
never-public posts would have (they must answer 404) and a missing page.
Stylesheets, scripts and images are left out; attached files are kept.

Writes one file per response and ``manifest.json`` in the format of the
WordPress captures (``tools/wordpress/capture.py``): bodies over 8 KB stored
gzip-compressed (mtime 0). Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.util
import json
import re
import sys
import threading
from datetime import UTC, datetime
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urldefrag, urljoin, urlsplit


def _wordpress_capture():  # type: ignore[no-untyped-def]
    """tools/wordpress/capture.py: its loopback-only fetch, compression size, file types."""
    path = Path(__file__).resolve().parent.parent / "wordpress" / "capture.py"
    spec = importlib.util.spec_from_file_location("wordpress_capture", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


_WP = _wordpress_capture()
fetch, COMPRESS_OVER = _WP.fetch, _WP.COMPRESS_OVER
SKIP = re.compile(r"\.(css|js|png|jpe?g|gif|svg|ico|woff2?|ttf|eot|map)$", re.I)
EXTENSIONS = {**_WP.EXTENSIONS, "application/atom+xml": "xml"}
FALLBACK_404 = b"<!DOCTYPE html><html><head><title>404 Not Found</title></head>" \
               b"<body><h1>Not Found</h1></body></html>"


class StaticSite(SimpleHTTPRequestHandler):
    """A static web server: the site's own 404 page for missing files."""

    extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map,
                      ".xml": "application/xml", ".html": "text/html; charset=utf-8",
                      ".docx": next(k for k, v in EXTENSIONS.items() if v == "docx")}

    def send_error(self, code: int, message: str | None = None, explain: str | None = None
                   ) -> None:
        if code != 404:
            super().send_error(code, message, explain)
            return
        page = Path(self.directory) / "404.html"
        body = page.read_bytes() if page.exists() else FALLBACK_404
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        href = values.get("href")
        if not href:
            return
        if tag == "a" or (tag == "link" and "alternate" in (values.get("rel") or "")):
            self.links.append(href)


def links_of(url: str, content_type: str, body: bytes) -> list[str]:
    """Every link a page, sitemap or feed names, absolute."""
    text = body.decode("utf-8", "replace")
    found: list[str] = []
    if "html" in content_type:
        parser = _Links()
        parser.feed(text)
        found = parser.links
    elif "xml" in content_type:
        found = re.findall(r"<loc>\s*([^<\s]+)\s*</loc>", text)
        found += re.findall(r"<link>\s*([^<\s]+)\s*</link>", text)
        found += re.findall(r"<link[^>]*href=\"([^\"]+)\"", text)
    elif "text/plain" in content_type:
        found = re.findall(r"(?im)^sitemap:\s*(\S+)", text)
    return [urldefrag(urljoin(url, href.replace("&amp;", "&")))[0] for href in found]


def capture(public: Path, port: int, out: Path) -> None:
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    site = f"http://127.0.0.1:{port}"
    server = ThreadingHTTPServer(("127.0.0.1", port),
                                 functools.partial(StaticSite, directory=str(public)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pages: list[dict] = []
    seen: set[str] = set()
    todo = [site + "/", site + "/robots.txt", site + "/sitemap.xml",
            site + "/khong-ton-tai-trang-nay/"]
    todo += [p["link"] for p in truth["posts"] if not p["public"]]
    try:
        while todo:
            url = todo.pop(0)
            parts = urlsplit(url)
            if url in seen or parts.hostname != "127.0.0.1" or parts.port != port:
                continue
            if SKIP.search(unquote(parts.path)):
                continue
            seen.add(url)
            status, headers, body = fetch(url)
            content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
            ext = EXTENSIONS.get(content_type.split(";")[0].strip(), "bin")
            stem = re.sub(r"[^A-Za-z0-9]+", "_", (parts.path + "_" + parts.query).strip("/_"))
            name = f"{stem[:80] or 'index'}__{hashlib.sha1(url.encode()).hexdigest()[:8]}.{ext}"
            if len(body) > COMPRESS_OVER:
                name += ".gz"
                (out / name).write_bytes(gzip.compress(body, mtime=0))
            else:
                (out / name).write_bytes(body)
            pages.append({"url": url, "status": status, "file": name,
                          "headers": [[k, v] for k, v in headers
                                      if k.lower() not in ("date", "server")]})
            if status == 200:
                todo += links_of(url, content_type, body)
            elif status in (301, 302):
                location = next((v for k, v in headers if k.lower() == "location"), "")
                if location:
                    todo.append(urljoin(url, location))
    finally:
        server.shutdown()
        server.server_close()
    manifest = {"capture": {**truth["site"], "base_url": site,
                            "captured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                            "tool": "tools/cmslab/capture.py"},
                "pages": pages}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")
    print(f"{out.name}: {len(pages)} responses captured", file=sys.stderr)
    if any(p["status"] >= 500 for p in pages):
        raise SystemExit(f"{out.name}: server errors")


if __name__ == "__main__":
    capture(Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
