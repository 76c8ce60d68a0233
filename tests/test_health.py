"""Spider health: a simulated portal changes its theme, then empties its listings.

(A WordPress portal, REST API open and closed, empties its listings too: the
same zero-item rule from what its REST pages, sitemaps, feeds and categories list.)

Real crawls (``congdoan crawl`` in a child process, the real Scrapy engine,
real HTTP against the simulator on 127.0.0.1) into SQLite and PostgreSQL. Two
portals: ``sim1`` stays unchanged and must stay quiet through every rerun;
``sim2`` switches to the simulator's ``reskin`` theme (unlabelled bylines, the
lead moved into the body, the signer printed under the text), then serves
empty listings, then recovers. The rules themselves are tested on plain
numbers at the end.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from congdoan.runtime.health import KindHealth, RunHealth, Thresholds, judge
from congdoan.sim import SimServer, WordPressSpec
from tests.conftest import serve_portals
from tests.crawling import FAST, run_congdoan

EXIT_OK, EXIT_DEGRADED = 0, 5


class Portals:
    """Two served portals, their registry and a database, and a way to crawl them all."""

    def __init__(self, server: SimServer, registry: Path, db: str, workdir: Path) -> None:
        self.server, self.registry, self.db, self.workdir = server, registry, db, workdir

    def crawl(self, *extra: str) -> tuple[int, str]:
        result = run_congdoan("crawl", "--all", "--registry", str(self.registry), "--db",
                              self.db, *FAST, *extra, cwd=self.workdir)
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
        return result.returncode, result.stderr

    def json_of(self, *args: str) -> tuple[int, Any]:
        result = run_congdoan(*args, "--db", self.db, "--json", cwd=self.workdir)
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
        return result.returncode, json.loads(result.stdout)

    def health(self, *args: str) -> tuple[int, dict[str, Any]]:
        code, report = self.json_of("health", *args)
        return code, {entry["site"]: entry for entry in report}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def portals(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Portals]:
    if request.param == "sqlite":
        db = f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"
    else:
        db = request.getfixturevalue("pg_schemas").new_url()
    server, registry = serve_portals(tmp_path, sites=2, articles=30, documents=12, seed=23)
    try:
        yield Portals(server, registry, db, tmp_path)
    finally:
        server.stop()


@pytest.mark.crawl
def test_a_theme_change_and_empty_listings_are_flagged_and_reruns_stay_quiet(
        portals: Portals) -> None:
    # A first crawl, an incremental rerun that stores nothing new, a full rerun.
    for extra in ((), (), ("--full",)):
        code, stderr = portals.crawl(*extra)
        assert code == EXIT_OK, stderr[-2000:]
        assert "degraded" not in stderr
    code, sites = portals.health()
    assert code == EXIT_OK
    assert {s: e["verdict"] for s, e in sites.items()} == {"sim1": "healthy", "sim2": "healthy"}
    first_full = sites["sim2"]["runs"][-1]["kinds"]
    assert first_full["article"]["items"] == 30 and first_full["document"]["items"] == 12
    assert first_full["document"]["filled"]["signer"] == 12

    # sim2 re-templates its pages: they still parse, but fields go missing.
    portals.server.portal("sim2").spec.theme = "reskin"
    code, stderr = portals.crawl("--full")
    assert code == EXIT_DEGRADED
    degraded_lines = [line for line in stderr.splitlines() if "degraded:" in line]
    assert degraded_lines and all(line.startswith("sim2 ") for line in degraded_lines)
    for field in ("article author", "article summary", "document signer"):
        assert any(field in line for line in degraded_lines), (field, degraded_lines)
    assert not any("body_text" in line or " title" in line for line in degraded_lines)

    code, sites = portals.health("sim2")
    assert code == EXIT_DEGRADED
    latest = sites["sim2"]["runs"][0]
    assert latest["verdict"] == "degraded" and latest["status"] == "ok"
    assert latest["kinds"]["article"]["items"] == 30
    assert latest["kinds"]["article"]["filled"].get("author", 0) == 0
    assert latest["kinds"]["article"]["filled"]["body_text"] == 30
    assert latest["kinds"]["document"]["filled"].get("signer", 0) == 0
    assert sites["sim2"]["reasons"] == latest["reasons"]

    # Operators see the degraded site first in stats, and the verdict in the history.
    code, stats = portals.json_of("stats")
    assert code == EXIT_OK
    assert list(stats["sites"]) == ["sim2", "sim1"]
    assert stats["sites"]["sim2"]["health"] == "degraded"
    assert any("signer" in line for line in stats["sites"]["sim2"]["health_reasons"])
    code, history = portals.json_of("schedule", "history")
    assert code == EXIT_OK
    assert [r["verdict"] for r in history if r["site"] == "sim2"] == [
        "degraded", "healthy", "healthy", "healthy"]
    assert {r["verdict"] for r in history if r["site"] == "sim1"} == {"healthy"}

    # Back to the default theme, but every listing comes back empty: nothing stored,
    # and nothing listed where recent runs listed dozens.
    sim2 = portals.server.portal("sim2").spec
    sim2.theme, sim2.listings_empty = "default", True
    code, stderr = portals.crawl()
    assert code == EXIT_DEGRADED
    reasons = portals.health("sim2")[1]["sim2"]["reasons"]
    assert any(r.startswith("article: no items stored and the listings showed none")
               for r in reasons), reasons
    assert any(r.startswith("document: no items stored") for r in reasons), reasons

    # The portal recovers: an incremental rerun stores nothing new and is healthy again.
    sim2.listings_empty = False
    code, stderr = portals.crawl()
    assert code == EXIT_OK, stderr[-2000:]
    code, sites = portals.health()
    assert code == EXIT_OK
    assert [r["verdict"] for r in sites["sim1"]["runs"]] == ["healthy"] * 5


@pytest.mark.crawl
def test_health_of_an_unknown_site_is_one_line_and_exit_2(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"
    assert run_congdoan("db", "upgrade", "--db", db, cwd=tmp_path).returncode == 0
    result = run_congdoan("health", "nosuchsite", "--db", db, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "nosuchsite" in result.stderr


# --- the rules, on plain numbers ---------------------------------------------------------


def _run(articles: int = 30, author: int = 25, listed: int = 40, errors: int = 0,
         documents: int = 12, signer: int = 12) -> RunHealth:
    article_fields = {"title": articles, "body_text": articles, "author": author}
    return RunHealth({
        "article": KindHealth(articles, article_fields, listed, errors),
        "document": KindHealth(documents, {"title": documents, "signer": signer}, listed // 2),
    })


def test_a_first_run_has_nothing_to_fall_behind() -> None:
    verdict = judge(_run(author=0), [])
    assert (verdict.verdict, verdict.reasons, verdict.compared_with) == ("healthy", (), 0)


def test_an_incremental_rerun_that_stores_nothing_is_healthy() -> None:
    rerun = _run(articles=0, author=0, documents=0, signer=0, listed=10)
    assert judge(rerun, [_run(), _run()]).verdict == "healthy"


def test_a_small_run_is_not_compared_for_fill_rates() -> None:
    # Two new articles, neither with an author: too few to speak of a rate.
    small = _run(articles=2, author=0, documents=0, signer=0, listed=10)
    assert judge(small, [_run(), _run()]).verdict == "healthy"


def test_a_fill_rate_drop_beyond_the_margin_is_degraded() -> None:
    history = [_run(author=25), _run(author=24), _run(author=26)]
    assert judge(_run(author=20), history).verdict == "healthy"  # 67 % vs 83 %: within 25
    verdict = judge(_run(author=3), history)
    assert verdict.verdict == "degraded"
    assert verdict.reasons == ("article author: filled in 10 % of 30 items, "
                               "83 % in recent runs",)
    assert judge(_run(author=3), history, Thresholds(fill_margin=0.8)).verdict == "healthy"


def test_a_drop_is_seen_against_many_small_runs_together() -> None:
    # A portal publishing two articles a night, all with an author: no run alone is
    # big enough to compare with, ten together are; a re-themed batch of six is not.
    history = [_run(articles=2, author=2, documents=0, signer=0) for _ in range(10)]
    verdict = judge(_run(articles=6, author=0, documents=0, signer=0), history)
    assert verdict.reasons == ("article author: filled in 0 % of 6 items, "
                               "100 % in recent runs",)
    assert judge(_run(articles=6, author=6, documents=0, signer=0), history
                 ).verdict == "healthy"
    assert judge(_run(articles=6, author=0), history[:2]).verdict == "healthy"  # 4 items


def test_empty_listings_where_there_used_to_be_many_are_degraded() -> None:
    empty = _run(articles=0, author=0, documents=0, signer=0, listed=0)
    verdict = judge(empty, [_run(listed=40), _run(listed=38)])
    assert verdict.verdict == "degraded"
    assert verdict.reasons[0] == ("article: no items stored and the listings showed none "
                                  "(recent runs listed 39)")
    # A site whose listings never showed much (feeds only) stays quiet.
    assert judge(empty, [_run(listed=0), _run(listed=2)]).verdict == "healthy"


def test_rising_parse_errors_are_degraded_but_a_stray_one_is_not() -> None:
    history = [_run(errors=0), _run(errors=1)]
    assert judge(_run(errors=2), history).verdict == "healthy"  # fewer than min_errors
    verdict = judge(_run(articles=10, author=8, errors=20), history)
    assert verdict.verdict == "degraded"
    assert verdict.reasons == ("article: 20 of 30 article pages unreadable "
                               "(67 %; 2 % in recent runs)",)


def test_health_counts_round_trip_through_the_run_record() -> None:
    run = _run()
    assert RunHealth.from_json(run.to_json()) == run
    stats = {"congdoan/health/article/items": 3, "congdoan/health/article/filled/title": 3,
             "congdoan/health/article/listed": 9, "congdoan/health/listing/parse_errors": 1,
             "congdoan/pages_read": 4}
    health = RunHealth.from_stats(stats)
    assert health.kind("article") == KindHealth(3, {"title": 3}, 9, 0)
    assert health.kind("listing").parse_errors == 1
    assert health.kind("document") == KindHealth()


# --- WordPress: the same zero-item rule, from REST pages, sitemaps, feeds and categories ---

WP_VARIANTS = {
    "rest-open": WordPressSpec("wph", seed=5, posts=24, rest_open=True),
    "rest-closed": WordPressSpec("wph", seed=5, posts=24, rest_open=False, per_page=5),
}


@pytest.mark.crawl
@pytest.mark.parametrize("variant", sorted(WP_VARIANTS))
def test_a_wordpress_portal_whose_listings_go_empty_is_flagged_and_reruns_stay_quiet(
        variant: str, tmp_path: Path) -> None:
    spec = replace(WP_VARIANTS[variant])
    with SimServer([spec]) as server:
        registry = tmp_path / "sites.toml"
        registry.write_text(server.registry_toml(), encoding="utf-8")
        portals = Portals(server, registry, f"sqlite:///{tmp_path / 'wp.sqlite3'}", tmp_path)
        # A first crawl, an incremental rerun that stores nothing new, a full rerun.
        for extra in ((), (), ("--full",)):
            code, stderr = portals.crawl(*extra)
            assert code == EXIT_OK, stderr[-2000:]
            assert "degraded" not in stderr
        code, sites = portals.health("wph")
        assert code == EXIT_OK
        runs = sites["wph"]["runs"]
        assert [r["verdict"] for r in runs] == ["healthy"] * 3
        first, rerun = runs[-1]["kinds"]["article"], runs[-2]["kinds"]["article"]
        assert first["items"] == 24
        # Every run reports what its listings showed, the rerun too (it stores nothing).
        assert first["listed"] >= 24
        assert rerun["items"] == 0 and rerun["listed"] >= 5

        # Every listing comes back empty: nothing stored, nothing listed.
        spec.listings_empty = True
        code, stderr = portals.crawl()
        assert code == EXIT_DEGRADED, stderr[-2000:]
        reasons = portals.health("wph")[1]["wph"]["reasons"]
        assert any(r.startswith("article: no items stored and the listings showed none")
                   for r in reasons), reasons

        # The portal recovers: an incremental rerun stores nothing new and is healthy again.
        spec.listings_empty = False
        code, stderr = portals.crawl()
        assert code == EXIT_OK, stderr[-2000:]
        code, sites = portals.health("wph")
        assert code == EXIT_OK
        assert [r["verdict"] for r in sites["wph"]["runs"]] == [
            "healthy", "degraded", "healthy", "healthy", "healthy"]
