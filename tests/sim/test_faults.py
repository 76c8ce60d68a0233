"""The fault table: each kind is served only on the responses it can rewrite.

A transport fault replaces whatever the portal answered; a content fault
needs the HTML page (or the XML feed) it rewrites and leaves anything else
alone, so the ledger records only faults that were really served.
"""

from __future__ import annotations

import pytest

from congdoan.sim import PortalSpec
from congdoan.sim.faults import FAULT_KINDS, FaultInjector, FaultRule, next_article_category
from congdoan.sim.site import Portal, Request

CONTENT_ON_HTML = ("truncated", "invalid_utf8", "wrong_charset", "missing_fields",
                   "interstitial", "oversize", "gzip_bomb")


def _portal() -> Portal:
    # Two items a page: every category has a page 2 for the listing faults.
    return Portal(PortalSpec("f1", seed=2, articles=30, documents=3, news_per_page=2),
                  "http://127.0.0.1:9")


def _served(kind: str, path: str) -> tuple[int, bytes, list[str]]:
    """Status and body of ``path`` with ``kind`` on every path, and the kinds the ledger holds."""
    portal = _portal()
    injector = FaultInjector(portal, [FaultRule(kind, delay=0.0, disallow="/x/")],
                             max_size=4096).install()
    response = portal.handle(Request("GET", path))
    return response.status, response.body, [event.kind for event in injector.events]


def _fitting_path(kind: str) -> str:
    """A path whose response ``kind`` can rewrite."""
    portal = _portal()
    if kind == "robots_disallow":
        return "/robots.txt"
    if kind == "xml_bomb":
        return portal.urls.news_rss()
    if kind in ("shift", "duplicates"):
        return portal.urls.news_cat(next_article_category(portal), 2)
    return portal.article_url(portal.content.article(portal.content.article_ids()[0]))


@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_every_kind_is_served_where_it_fits(kind: str) -> None:
    assert _served(kind, _fitting_path(kind))[2] == [kind]


@pytest.mark.parametrize("kind", CONTENT_ON_HTML)
def test_content_faults_leave_a_text_file_alone(kind: str) -> None:
    clean = _portal().render(Request("GET", "/robots.txt")).body
    status, body, ledger = _served(kind, "/robots.txt")
    assert (status, body, ledger) == (200, clean, [])


@pytest.mark.parametrize("kind", CONTENT_ON_HTML)
def test_content_faults_rewrite_an_article_page(kind: str) -> None:
    portal = _portal()
    path = portal.article_url(portal.content.article(portal.content.article_ids()[0]))
    clean = portal.render(Request("GET", path)).body
    _, body, ledger = _served(kind, path)
    assert body != clean
    assert ledger == [kind]


@pytest.mark.parametrize("kind", ["http_500", "http_502", "http_503", "http_429", "http_404"])
def test_error_statuses_replace_any_response(kind: str) -> None:
    status, _, ledger = _served(kind, "/robots.txt")
    assert status == int(kind[5:])
    assert ledger == [kind]


def test_xml_bomb_fits_feeds_not_pages() -> None:
    portal = _portal()
    _, feed, feed_ledger = _served("xml_bomb", portal.urls.news_rss())
    _, _, page_ledger = _served("xml_bomb", portal.urls.home())
    assert b"<!ENTITY xxe SYSTEM" in feed
    assert (feed_ledger, page_ledger) == (["xml_bomb"], [])


def test_robots_disallow_only_touches_robots_txt() -> None:
    _, body, ledger = _served("robots_disallow", "/robots.txt")
    assert b"Disallow: /x/" in body
    assert ledger == ["robots_disallow"]
    assert _served("robots_disallow", "/")[2] == []

