"""Capture the running lab WordPress site into a fixture folder, byte for byte.

Usage: python capture.py SITE_URL OUT_DIR   (OUT_DIR holds truth.json already)

Which URLs: home and its page 2, robots.txt, the core sitemaps (the index and
every sub-sitemap it lists), the feeds, every public post, every category's
listing pages up to the first page past the end, a tag and an author archive,
a missing page, the never-public posts' URLs (they must answer 404/401), the
REST API (root, posts paginated by modified date with ``_embed``, each post,
users, categories, tags, media) and the attached files and images.

Writes one file per response and ``manifest.json``: for each URL its status,
headers and body file. Bodies over 8 KB are stored gzip-compressed (``.gz``,
mtime 0); the replay server serves the decompressed bytes. Only 127.0.0.1 is
ever contacted.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

COMPRESS_OVER = 8 * 1024
PER_PAGE = 5  # the REST listing page size the replay tests use (the site shows 5 per page too)
EXTENSIONS = {"text/html": "html", "application/json": "json", "application/rss+xml": "xml",
              "application/xml": "xml", "text/xml": "xml", "text/plain": "txt",
              "image/jpeg": "jpg", "application/pdf": "pdf",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str) -> tuple[int, list[tuple[str, str]], bytes]:
    if urlsplit(url).hostname != "127.0.0.1":
        raise SystemExit(f"refusing to fetch {url}: the lab site is on 127.0.0.1 only")
    request = urllib.request.Request(url, headers={"User-Agent": "congdoan-capture/1.0"})
    try:
        with OPENER.open(request, timeout=60) as response:
            return response.status, list(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, list(error.headers.items()), error.read()


class Capture:
    def __init__(self, site_url: str, out: Path) -> None:
        self.site = site_url.rstrip("/")
        self.out = out
        self.pages: list[dict] = []
        self.seen: set[str] = set()

    def get(self, url: str) -> tuple[int, bytes]:
        url = url if url.startswith("http") else self.site + url
        if url in self.seen:
            return next((p["status"], p["_body"]) for p in self.pages if p["url"] == url)
        self.seen.add(url)
        status, headers, body = fetch(url)
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        ext = EXTENSIONS.get(content_type.split(";")[0].strip(), "bin")
        parts = urlsplit(url)
        stem = re.sub(r"[^A-Za-z0-9]+", "_", (parts.path + "_" + parts.query).strip("/_"))[:80]
        name = f"{stem or 'index'}__{hashlib.sha1(url.encode()).hexdigest()[:8]}.{ext}"
        if len(body) > COMPRESS_OVER:
            name += ".gz"
            (self.out / name).write_bytes(gzip.compress(body, mtime=0))
        else:
            (self.out / name).write_bytes(body)
        self.pages.append({"url": url, "status": status, "file": name,
                           "headers": [[k, v] for k, v in headers if k.lower() != "date"],
                           "_body": body})
        return status, body

    def write_manifest(self, truth: dict) -> None:
        site = truth["site"]
        manifest = {
            "capture": {
                "cms": site["cms"], "theme": f"{site['theme']} {site['theme_version']}",
                "permalinks": site["permalinks"], "rest": site["rest"],
                "base_url": self.site,
                "captured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "tool": "tools/wordpress/capture.sh",
            },
            "pages": [{k: v for k, v in page.items() if k != "_body"} for page in self.pages],
        }
        (self.out / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def rest_url(truth: dict, route: str, **params: object) -> str:
    """A REST URL as the spider builds it: sorted query parameters."""
    query = urlencode(sorted((k, str(v)) for k, v in params.items()))
    if truth["site"]["permalinks"] == "pretty":
        return f"/wp-json{route}" + (f"?{query}" if query else "")
    return f"/?rest_route={route}" + (f"&{query}" if query else "")


def paged(url: str, page: int, pretty: bool) -> str:
    if page == 1:
        return url
    return f"{url}page/{page}/" if pretty else f"{url}&paged={page}"


def capture(site_url: str, out: Path) -> None:
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    pretty = truth["site"]["permalinks"] == "pretty"
    cap = Capture(site_url, out)
    home = cap.site + "/"
    for url in ("/", "/robots.txt", "/khong-ton-tai-trang-nay/" if pretty else "/?p=999999"):
        cap.get(url)
    cap.get(paged(home, 2, pretty) if pretty else "/?paged=2")

    # Sitemaps: the index, then every sub-sitemap it lists.
    status, body = cap.get("/wp-sitemap.xml")
    for loc in re.findall(rb"<loc>([^<]+)</loc>", body):
        cap.get(loc.decode())
    # Feeds.
    cap.get("/feed/" if pretty else "/?feed=rss2")
    first_cat = truth["categories"][0]
    cap.get(f"{first_cat['url']}feed/" if pretty else f"/?feed=rss2&cat={first_cat['id']}")

    # Archives: every category, page by page, up to the first page past the end.
    for category in truth["categories"]:
        page = 1
        while True:
            status, _ = cap.get(paged(category["url"], page, pretty))
            if status != 200 or page > 10:
                break
            page += 1
    cap.get(truth["tags"][0]["url"])
    cap.get(next(u["url"] for u in truth["users"] if u["login"] == "nguyenhoa"))

    # Posts: public ones by permalink (and their shortlinks), the others must not answer.
    for post in truth["posts"]:
        if post["public"]:
            cap.get(post["link"])
            if pretty:
                cap.get(post["shortlink"])  # 301 to the permalink
        else:
            cap.get(post["shortlink"])
            if pretty and post["slug"]:  # WordPress gives pending posts no slug yet
                date = post["date"]
                cap.get(f"/{date[:4]}/{date[5:7]}/{post['slug']}/")

    # REST API.
    cap.get(rest_url(truth, "/"))
    for per_page in (PER_PAGE, 100):
        page = 1
        while True:
            status, _ = cap.get(rest_url(truth, "/wp/v2/posts", _embed=1, order="desc",
                                         orderby="modified", page=page, per_page=per_page,
                                         status="publish"))
            if status != 200 or page > 10:
                break
            page += 1
    for post in truth["posts"]:
        cap.get(rest_url(truth, f"/wp/v2/posts/{post['id']}", _embed=1))
    cap.get(rest_url(truth, "/wp/v2/posts", status="draft"))
    for route in ("users", "categories", "tags", "media"):
        cap.get(rest_url(truth, f"/wp/v2/{route}", per_page=100))

    # Files: attachments and full-size images of public posts.
    files = set()
    for post in truth["posts"]:
        if post["public"]:
            files.update(a["url"] for a in post["attachments"])
            files.update(i["url"] for i in post["content_images"])
            if post["featured_image"]:
                files.add(post["featured_image"])
    for url in sorted(files):
        cap.get(url)
    cap.write_manifest(truth)
    bad = [p["url"] for p in cap.pages if p["status"] >= 500]
    print(f"{out.name}: {len(cap.pages)} responses captured", file=sys.stderr)
    if bad:
        raise SystemExit(f"{out.name}: server errors on {bad}")


if __name__ == "__main__":
    capture(sys.argv[1], Path(sys.argv[2]))
