"""``congdoan sites detect`` on NukeViet portals, then ``crawl`` with the printed entry.

The simulator covers the three URL set-ups (rewrite at the root, ``index.php?``
query style, ``/vi/`` with a ``news`` module and laws renamed ``van-ban``);
the saved real NukeViet 4.5 install covers both of its URL styles. Each
detected entry, written with ``--write``, must let a crawl store every item
the portal serves and nothing else.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from congdoan.detect.fetch import Fetcher
from congdoan.detect.portal import detect_portal
from congdoan.registry import load_registry
from congdoan.sim import SimServer, default_portals
from congdoan.sim.content import CATEGORIES
from tests.crawling import crawl, run_congdoan
from tests.replay_server import serve_saved_site

MIRROR = Path(__file__).parents[1] / "fixtures" / "nukeviet-real"
TRUTH = json.loads((MIRROR / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sim() -> SimServer:
    server = SimServer(default_portals(3, 24, 8, seed=5)).start()
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        ("sim1", {"url_style": "rewrite", "lang_prefix": False, "news_module": "",
                  "laws_module": "laws"}),
        ("sim2", {"url_style": "query", "lang_prefix": False, "news_module": "",
                  "laws_module": "laws"}),
        ("sim3", {"url_style": "rewrite", "lang_prefix": True, "news_module": "news",
                  "laws_module": "van-ban"}),
    ],
)
def test_detect_reads_each_url_setup_politely(sim: SimServer, site: str,
                                              expected: dict) -> None:
    fetcher = Fetcher()
    detection = detect_portal(sim.base_url(site), fetcher)
    assert detection.cms == "nukeviet" and detection.version == "4"
    for key, value in expected.items():
        assert detection.fields[key] == value, key
    # every category the portal has, from its RSS links (the menu's stale "Tin-tuc" is not one)
    assert set(detection.fields["news_sections"]) == {c.alias for c in CATEGORIES}
    assert detection.fields["sitemaps"] and detection.fields["rss"]
    assert len(fetcher.requests) <= 6
    assert fetcher.requests[0].endswith("/robots.txt")


@pytest.mark.crawl
def test_detected_entries_crawl_every_simulated_item(sim: SimServer, tmp_path: Path) -> None:
    registry = tmp_path / "detected.toml"
    for site in sim.site_ids():
        result = run_congdoan("sites", "detect", sim.base_url(site), "--id", site,
                              "--write", str(registry), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert f'id = "{site}"' in result.stdout  # the entry is printed too
    assert load_registry(registry).ids() == sim.site_ids()
    for site in sim.site_ids():
        run = crawl(site, registry, tmp_path, "--db", str(tmp_path / f"{site}.sqlite3"))
        assert run.returncode == 0, run.stderr[-2000:]
        truth = sim.truth(site)
        assert sorted(i["source_id"] for i in run.of_kind("article")) == \
            sorted(a["source_id"] for a in truth["articles"])
        assert sorted(i["source_id"] for i in run.of_kind("document")) == \
            sorted(d["source_id"] for d in truth["documents"])


@pytest.mark.crawl
def test_detect_on_the_real_mirror_rewrite_style_then_crawl(tmp_path: Path) -> None:
    with serve_saved_site(MIRROR, "rewrite/") as (base_url, saved):
        registry = tmp_path / "sites.toml"
        result = run_congdoan("sites", "detect", base_url, "--id", "lab", "--write",
                              str(registry), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        asked = list(saved.requests)
        entry = tomllib.loads(registry.read_text(encoding="utf-8"))["site"][0]
        assert entry["cms"] == "nukeviet" and entry["url_style"] == "rewrite"
        assert entry["news_module"] == "" and entry["laws_module"] == "laws"
        assert entry["lang_prefix"] is False and entry["sitemaps"] is True
        # the categories that exist (their RSS links), not the menu's stale ones
        assert set(entry["news_sections"]) == {c["alias"] for c in TRUTH["news_categories"]}
        assert len(asked) <= 6
        run = crawl("lab", registry, tmp_path, "--db", str(tmp_path / "lab.sqlite3"))
    assert sorted(i["source_id"] for i in run.of_kind("article")) == \
        sorted(a["id"] for a in TRUTH["articles"])
    assert sorted(i["source_id"] for i in run.of_kind("document")) == \
        sorted(d["id"] for d in TRUTH["documents"])


def test_detect_on_the_real_mirror_query_style() -> None:
    with serve_saved_site(MIRROR, "norewrite/") as (base_url, _saved):
        detection = detect_portal(base_url)
    assert detection.cms == "nukeviet"
    assert detection.fields["url_style"] == "query"
    assert detection.fields["laws_module"] == "laws"
    assert set(detection.fields["news_sections"]) == {c["alias"] for c in TRUTH["news_categories"]}
    # this saved copy has no sitemap: said, not guessed
    assert detection.fields["sitemaps"] is False
