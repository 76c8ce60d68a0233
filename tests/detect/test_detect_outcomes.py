"""Detection outcomes beyond NukeViet: WordPress, unknown CMSs, and portals that cannot be used.

WordPress: the captures of a real WordPress 6.1.9 install (two themes, both
permalink styles, and the REST API closed), served back byte for byte. The
other pages are hand-written: they stand for the unknown and the unusable.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from congdoan.commands import app
from congdoan.detect.fetch import Fetcher
from congdoan.detect.portal import PortalUnavailable, detect_portal
from congdoan.settings import USER_AGENT
from tests.detect.pages_server import serve_pages
from tests.wordpress_replay import VARIANTS, serve_capture

runner = CliRunner()
HTML = {"Content-Type": "text/html; charset=UTF-8"}
ROBOTS_OK = (200, {"Content-Type": "text/plain"}, "User-agent: *\nDisallow: /wp-admin/\n"
             "Sitemap: {base}/wp-sitemap.xml\n")

@pytest.mark.parametrize("variant", VARIANTS)
def test_wordpress_captures_rest_permalinks_and_sitemap(variant: str) -> None:
    with serve_capture(variant) as (base, site):
        detection = detect_portal(base)
        asked = list(site.requests)
    meta = site.meta
    facts = " | ".join(detection.facts)
    assert detection.cms == "wordpress" and detection.version == "6.1.9"
    assert ("REST API open" in facts) == (meta["rest"] == "open")
    if meta["rest"] == "closed":
        assert "answered 401" in facts
    if meta["permalinks"] == "plain":
        assert "permalinks: plain" in facts
    else:  # the lab's /%year%/%monthnum%/%postname%/
        assert "permalinks: month-and-name" in facts
        assert f"sitemap: {base}/wp-sitemap.xml" in facts
    assert detection.fields["rss"] is True
    # A handful: robots.txt, home, the REST index (and its ?rest_route= form), the
    # sitemap; WordPress with plain permalinks answers robots.txt with a 301 to
    # /robots.txt/ (captured from the real install), one request more.
    assert asked[0] == "/robots.txt" and len(asked) <= 6


def test_wordpress_entry_is_listed_not_crawled_until_a_spider_exists(tmp_path: Path) -> None:
    with serve_capture("twentytwentythree-pretty") as (base, _site):
        result = runner.invoke(app, ["sites", "detect", base, "--id", "wp",
                                     "--write", str(tmp_path / "r.toml")])
    assert result.exit_code == 0, result.output
    assert 'cms = "wordpress"' in result.output
    from congdoan.registry import CRAWLABLE_CMS, load_registry

    site = load_registry(tmp_path / "r.toml").get("wp")
    assert site.cms == "wordpress" and site.enabled == ("wordpress" in CRAWLABLE_CMS)


def test_unknown_cms_reports_feeds_sitemaps_and_article_pattern() -> None:
    links = "".join(f'<a href="/bai-viet/cong-doan-phuong-{n}-thanh-lap-to-cong-nhan">x</a>'
                    for n in range(5))
    pages = {
        "/": (200, HTML, '<html><head><title>LĐLĐ TP Thử</title><link rel="alternate" '
              'type="application/rss+xml" href="/rss.xml"></head><body>'
              f'<nav><a href="/gioi-thieu">Giới thiệu</a></nav>{links}</body></html>'),
        "/sitemap.xml": (200, {"Content-Type": "application/xml"},
                         '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>'
                         '{base}/bai-viet/a-b-c-d</loc></url></urlset>'),
    }
    with serve_pages(pages) as (base, seen):
        detection = detect_portal(base)
    facts = " | ".join(detection.facts)
    assert all(agent == USER_AGENT for _path, agent in seen)  # who asks is said
    assert detection.cms == "unknown"
    assert f"feeds: {base}/rss.xml" in facts and f"sitemaps: {base}/sitemap.xml" in facts
    assert "article links look like ^/bai\\-viet/[^/]+$" in facts


@pytest.mark.parametrize(
    ("pages", "message"),
    [
        ({"/": (403, HTML, "<h1>Forbidden</h1>")}, "answers 403 Forbidden"),
        ({"/robots.txt": (403, HTML, "no")}, "answers 403 Forbidden (robots.txt)"),
        ({"/": (200, HTML, "<html><head><title>congdoanthu.org.vn</title></head><body>"
                "<h1>This domain is parked</h1>" + "free " * 200 + "</body></html>")},
         "looks parked or unused"),
        ({"/": (200, HTML, "<html><head><title>Index of /</title></head><body></body></html>")},
         "looks parked or unused"),
        ({"/robots.txt": (200, {"Content-Type": "text/plain"}, "User-agent: *\nDisallow: /\n")},
         "robots.txt"),
        ({"/": (500, HTML, "oops")}, "the home page answers 500"),
    ],
)
def test_unusable_portal_is_one_line_and_exit_1(pages: dict, message: str) -> None:
    with serve_pages(pages) as (base, seen):
        result = runner.invoke(app, ["sites", "detect", base])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and base in lines[0] and message in lines[0], result.output
    assert "Traceback" not in result.output
    if "Disallow: /" in str(pages.get("/robots.txt", "")):
        assert [path for path, _ in seen] == ["/robots.txt"]  # robots.txt obeyed: home not asked


def test_portal_that_does_not_answer_is_one_line_and_exit_1() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = runner.invoke(app, ["sites", "detect", f"http://127.0.0.1:{port}"])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: http://127.0.0.1:{port}: connection refused"


def test_detection_stays_within_its_request_budget() -> None:
    with serve_capture("twentytwentyone-pretty") as (base, site), pytest.raises(
        PortalUnavailable, match="budget"
    ):
        detect_portal(base, Fetcher(budget=1))
    assert site.requests == ["/robots.txt"]


def test_byte_cap_limits_what_is_read() -> None:
    big = "<html><head><title>t</title></head><body>" + "<p>chữ</p>" * 50000 + "</body></html>"
    with serve_pages({"/": (200, HTML, big)}) as (base, _seen):
        page = Fetcher(max_bytes=1000).get(base + "/")
    assert len(page.body) == 1000
