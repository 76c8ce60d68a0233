"""``congdoan search``: diacritics optional, hostile input harmless, grep-like exit status.

Every test runs on SQLite and on PostgreSQL (the ``crawled`` fixture).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from congdoan.commands import app
from congdoan.normalize.text import fold
from tests.conftest import CrawledPortals

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

runner = CliRunner()


def search(crawled: CrawledPortals, *args: str) -> Result:
    """Run ``congdoan search ARGS`` in-process against the crawled database."""
    return runner.invoke(app, ["search", "--db", crawled.db_url, *args])


def hits(crawled: CrawledPortals, *args: str) -> list[dict[str, Any]]:
    """The JSON hits of a search that must find something."""
    result = search(crawled, "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def a_document(crawled: CrawledPortals) -> dict[str, Any]:
    """A served document with a code and a title with Vietnamese diacritics."""
    documents = [d for t in crawled.truth.values() for d in t["documents"]]
    return next(d for d in documents if d["code"] and fold(d["title"]) != d["title"].lower())


def test_with_or_without_diacritics_and_in_capitals_the_same_hits(
        crawled: CrawledPortals) -> None:
    document = a_document(crawled)
    words = " ".join(document["title"].split()[:4])
    spellings = [words.lower(), fold(words), words.upper()]
    assert len(set(spellings)) == 3
    results = [hits(crawled, query, "--limit", "100") for query in spellings]
    # The same hits in the same order (scores age with the clock between queries).
    keys = [[(h["kind"], h["id"], h["snippet"]) for h in found] for found in results]
    assert keys[0] == keys[1] == keys[2]
    assert document["url"] in {h["url"] for h in results[0]} or \
        document["title"] in {h["title"] for h in results[0]}


def test_finds_a_served_title_and_a_document_code(crawled: CrawledPortals) -> None:
    article = next(a for t in crawled.truth.values() for a in t["articles"])
    found = hits(crawled, article["title"], "--kind", "article", "--limit", "100")
    assert article["url"] in {h["url"] for h in found}
    assert all(h["kind"] == "article" for h in found)

    document = a_document(crawled)
    by_code = hits(crawled, document["code"], "--kind", "document")
    assert document["code"] in {h["code"] for h in by_code}


def test_site_and_kind_filters(crawled: CrawledPortals) -> None:
    site = sorted(crawled.truth)[-1]
    found = hits(crawled, "công đoàn", "--site", site, "--kind", "document", "--limit", "100")
    assert {h["site"] for h in found} == {site}
    assert {h["kind"] for h in found} == {"document"}
    assert len(hits(crawled, "công đoàn", "--limit", "3")) == 3


def test_since_keeps_newer_items_only(crawled: CrawledPortals) -> None:
    everything = hits(crawled, "công đoàn", "--kind", "document", "--limit", "500")
    newer = search(crawled, "--json", "công đoàn", "--kind", "document", "--limit", "500",
                   "--since", "01/01/2020")
    assert newer.exit_code in (0, 1)
    kept = json.loads(newer.stdout)
    assert {h["id"] for h in kept} == {h["id"] for h in everything
                                       if h["when"] and h["when"] >= "2020-01-01"}


def test_listing_for_people(crawled: CrawledPortals) -> None:
    document = a_document(crawled)
    result = search(crawled, document["code"], "--kind", "document")
    assert result.exit_code == 0, result.output
    assert re.match(rf"\d+ of \d+ hits? for {re.escape(repr(document['code']))}", result.stdout)
    assert "document · " in result.stdout and document["code"] in result.stdout


def test_says_how_many_hits_there_are_beyond_the_page(crawled: CrawledPortals) -> None:
    total = len(hits(crawled, "công đoàn", "--limit", "100000"))
    assert total > 20
    result = search(crawled, "công đoàn")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"20 of {total} hits for 'công đoàn'; next: --offset 20")
    as_json = search(crawled, "--json", "công đoàn")
    assert f"20 of {total} hits" in as_json.stderr


def test_offset_pages_through_every_hit_once(crawled: CrawledPortals) -> None:
    everything = [(h["kind"], h["id"]) for h in hits(crawled, "công đoàn", "--limit", "100000")]
    paged: list[tuple[str, int]] = []
    for offset in range(0, len(everything), 25):
        page = hits(crawled, "công đoàn", "--limit", "25", "--offset", str(offset))
        paged += [(h["kind"], h["id"]) for h in page]
    assert paged == everything
    past = search(crawled, "công đoàn", "--offset", str(len(everything)))
    assert past.exit_code == 1
    assert f"no hits past --offset {len(everything)}" in past.stderr


def test_a_quoted_phrase_keeps_its_words_together_and_in_order(
        crawled: CrawledPortals) -> None:
    article = next(a for t in crawled.truth.values() for a in t["articles"]
                   if len(a["title"].split()) >= 5)
    words = article["title"].split()[1:4]
    in_order, reversed_ = " ".join(words), " ".join(reversed(words))

    def urls(*args: str) -> set[str]:
        result = search(crawled, "--json", "--limit", "100000", "--kind", "article", *args)
        return {h["url"] for h in json.loads(result.stdout)}

    assert article["url"] in urls(f'"{in_order}"')
    assert article["url"] in urls(reversed_)  # loose words: any order
    assert article["url"] not in urls(f'"{reversed_}"')  # a phrase: that order only
    assert len(urls(f'"{in_order}"')) <= len(urls(in_order))


def test_each_hit_has_a_snippet_with_the_match_marked(crawled: CrawledPortals) -> None:
    found = hits(crawled, "công đoàn", "--limit", "50")
    with_body = [h for h in found if h["snippet_spans"]]
    assert with_body
    for hit in with_body:
        for start, end in hit["snippet_spans"]:
            assert fold(hit["snippet"][start:end]) in ("cong", "doan")  # two loose words
    people = search(crawled, "công đoàn", "--limit", "5")
    assert found[0]["snippet"] in people.stdout


def test_urls_stay_whole_on_a_narrow_terminal(crawled: CrawledPortals) -> None:
    urls = [h["url"] for h in hits(crawled, "công đoàn", "--limit", "10")]
    assert any(len(u) > 80 for u in urls)
    result = runner.invoke(app, ["search", "--db", crawled.db_url, "công đoàn", "--limit", "10"],
                           env={"COLUMNS": "80"})
    lines = [line.strip() for line in result.stdout.splitlines()]
    for url in urls:
        assert url in lines


@pytest.mark.parametrize("query", ['"; DROP TABLE articles; --', "AND OR (", "*",
                                   "NEAR(a b)", "title:x", "' OR 1=1 --", "[bold]", "\\"])
def test_hostile_queries_just_search(crawled: CrawledPortals, query: str) -> None:
    result = search(crawled, "--json", query)
    assert result.exit_code in (0, 1), result.output
    assert isinstance(json.loads(result.stdout), list)
    assert "Traceback" not in result.output
    # The tables are all still there and still searchable.
    assert hits(crawled, "công đoàn", "--limit", "1")


def test_no_hits_is_exit_1_like_grep(crawled: CrawledPortals) -> None:
    result = search(crawled, "zzzqqqxxx")
    assert result.exit_code == 1
    assert "no matches for 'zzzqqqxxx'" in result.stderr
    as_json = search(crawled, "--json", "zzzqqqxxx")
    assert as_json.exit_code == 1 and json.loads(as_json.stdout) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([""], "empty query"),
        (["   "], "empty query"),
        (["x", "--since", "không rõ"], "--since"),
        (["x", "--kind", "video"], "--kind must be article or document"),
        (["x", "--limit", "0"], "--limit must be at least 1"),
        (["x", "--site", "atlantis"], "no stored site 'atlantis'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(crawled: CrawledPortals, args: list[str],
                                              message: str) -> None:
    result = search(crawled, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
