"""Security: hostile names, bombs, entities and search input are harmless."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from congdoan.files.names import sanitize_filename
from congdoan.middlewares.retry import (
    backoff_seconds,
    incomplete_page,
    retry_after_seconds,
)
from congdoan.parsers.feeds import parse_rss, parse_sitemap
from congdoan.pipelines.attachments import AttachmentsPipeline, host_allowed
from tests.inprocess import project_crawler

HOSTILE_NAMES = ["../../etc/passwd.pdf", "/etc/passwd.pdf", "C:\\Windows\\system.ini.pdf",
                 "a\x00b.pdf", "x" * 300 + ".pdf", "CON.pdf", "nul", "..", " . "]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_attachment_names_are_one_safe_component(name: str) -> None:
    safe = sanitize_filename(name)
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert safe not in ("", ".", "..")
    assert len(safe) <= 120
    assert not safe.upper().startswith(("CON.", "NUL")) or safe.startswith("_")


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_attachment_paths_are_content_hashes_inside_the_store(tmp_path: Path,
                                                              name: str) -> None:
    crawler = project_crawler(FILES_STORE=str(tmp_path))
    pipeline = AttachmentsPipeline.from_crawler(crawler)
    request = Request("http://127.0.0.1/x?download=1&id=0", meta={"congdoan_name": name})
    response = HtmlResponse(request.url, body=b"%PDF-1.4 data")
    path = pipeline.file_path(request, response)
    resolved = (tmp_path / path).resolve()
    assert resolved.is_relative_to(tmp_path.resolve())
    assert len(Path(path).name) <= 80


def test_attachment_hosts_outside_the_site_are_refused() -> None:
    assert host_allowed("http://127.0.0.1:8080/a.pdf", ["127.0.0.1"])
    assert not host_allowed("http://localhost:8080/a.pdf", ["127.0.0.1"])
    assert not host_allowed("http://evil127.0.0.1.example/a.pdf", ["127.0.0.1"])


def test_xml_entities_are_never_expanded_nor_external_files_read() -> None:
    feed = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY s "EXPANDED">'
            b'<!ENTITY xxe SYSTEM "file:///etc/hostname">]><rss><channel><item>'
            b"<title>a &s; &xxe; b</title><link>http://127.0.0.1/x-1.html</link></item>"
            b"</channel></rss>")
    items = parse_rss(feed, "http://127.0.0.1/rss/")
    assert items == [{"url": "http://127.0.0.1/x-1.html", "title": "a b",
                      "published_text": None}]


def test_billion_laughs_leaves_the_sitemap_readable() -> None:
    bomb = b'<!ENTITY l0 "lol">' + b"".join(
        b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 10))
    sitemap = (b'<?xml version="1.0"?><!DOCTYPE u [' + bomb + b"]><urlset>"
               b"<url><loc>&l9;</loc></url><url><loc>http://127.0.0.1/a-1.html</loc></url>"
               b"</urlset>")
    parsed = parse_sitemap(sitemap, "http://127.0.0.1/sitemap.xml")
    assert [u["url"] for u in parsed["urls"]] == ["http://127.0.0.1/a-1.html"]


def test_decompression_bomb_is_refused_by_the_decompressed_size() -> None:
    from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware

    crawler = get_crawler(settings_dict={"DOWNLOAD_MAXSIZE": 1 << 20})
    crawler.spider = crawler._create_spider("bomb")
    middleware = HttpCompressionMiddleware.from_crawler(crawler)
    request = Request("http://127.0.0.1/a-1.html")
    body = gzip.compress(b"\0" * (8 << 20))
    assert len(body) < (1 << 20)
    response = HtmlResponse(request.url, body=body, headers={"Content-Encoding": "gzip"})
    with pytest.raises(IgnoreRequest, match="DOWNLOAD_MAXSIZE"):
        middleware.process_response(request, response)


def test_search_input_cannot_inject_sql(tmp_path: Path) -> None:
    from sqlalchemy import inspect

    from congdoan.storage.db import make_engine, session_factory
    from congdoan.storage.search import search

    engine = make_engine(f"sqlite:///{tmp_path / 's.sqlite3'}")
    hostile = ["'; DROP TABLE articles; --", '" OR 1=1 --', "x') OR ('1'='1",
               "NEAR(a b)", "title:* OR *", "\x00", "%' UNION SELECT * FROM failures --"]
    with session_factory(engine)() as session:
        for query in hostile:
            assert search(session, query) == []
    assert "articles" in inspect(engine).get_table_names()
    engine.dispose()


def test_retry_after_and_backoff() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert [backoff_seconds(n, 0.5, 3.0) for n in (1, 2, 3, 4, 5)] == [0.5, 1, 2, 3, 3]


@pytest.mark.parametrize(("body", "problem"), [
    (b"", "empty page"),
    (b"<html><body><div id='news-bodyhtml'>half an arti", "truncated page (no </html>)"),
    (b"<html><body>whole</body></html>\n", None),
])
def test_incomplete_pages_are_detected(body: bytes, problem: str | None) -> None:
    request = Request("http://127.0.0.1/a-1.html", meta={"congdoan_kind": "article"})
    response = HtmlResponse(request.url, body=body, request=request)
    assert incomplete_page(request, response) == problem
