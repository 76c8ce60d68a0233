"""Stories and charts in a real headless Chromium: a collapsed search, a story page with its
spread, "also posted by" on an article, and the four charts (drawn, with their text
equivalents). Screenshots go to ``$CONGDOAN_SCREENSHOTS`` when set (docs/img/ was made so)."""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

import pytest
from lxml import etree
from selenium.webdriver.common.by import By

from congdoan.sim.stories import NATIONAL, StoryScenario
from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.store import write_batch
from congdoan.web.app import create_app
from tests.web.conftest import WebDb
from tests.web.live import chromium, screenshot, served
from tests.web.test_browser import navigate

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

SVG = "{http://www.w3.org/2000/svg}"


def _shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("CONGDOAN_SCREENSHOTS") or tmp_path)


def _story_db(tmp_path: Path) -> str:
    """The story scenario's articles stored through the real store code into SQLite."""
    scenario = StoryScenario(seed=3, national=10, provinces=5, own_per_province=4,
                             repost_rate=0.8, shared_titles=1)
    records = scenario.records()
    url = f"sqlite:///{tmp_path / 'stories.sqlite3'}"
    engine = make_engine(url)
    with session_factory(engine).begin() as session:
        assert all(o.error is None for o in write_batch(session, [("article", r)
                                                                   for r in records]))
    engine.dispose()
    return url


def _drawn(driver, selector: str) -> None:
    """The chart image loaded and has a size: Chromium decoded the SVG."""
    image = driver.find_element(By.CSS_SELECTOR, f"{selector} img")
    assert driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth",
                                 image) > 0
    assert image.get_attribute("alt")
    table = driver.find_element(By.CSS_SELECTOR, f"{selector} figcaption a").get_attribute(
        "href").split("#")[1]
    assert driver.find_elements(By.ID, table), f"the chart's table #{table} is on the page"


def _svg_is_safe(url: str) -> etree._Element:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("image/svg+xml")
        root = etree.fromstring(response.read())
    assert not root.xpath("//*[local-name()='script' or local-name()='foreignObject']")
    assert not [a for e in root.iter() if isinstance(e.tag, str) for a in e.attrib
                if a.lower().startswith("on")]
    assert root[0].tag == f"{SVG}title" and root[1].tag == f"{SVG}desc" and root[1].text
    return root


def test_collapsed_search_story_page_and_charts(tmp_path: Path) -> None:
    shots = _shots(tmp_path)
    app = create_app(_story_db(tmp_path))
    with served(app) as base, chromium() as driver:
        driver.get(base + "/?q=tong+lien+doan")
        plain = len(driver.find_elements(By.CSS_SELECTOR, "ol.hits li.hit"))
        navigate(driver, driver.find_element(By.CSS_SELECTOR, "#collapse-link a").click)
        assert "collapse=1" in driver.current_url
        groups = driver.find_elements(By.CSS_SELECTOR, "ol.hits li.hit")
        assert len(groups) < plain  # reposts folded under their story
        size = driver.find_element(By.CSS_SELECTOR, ".story-size a")
        assert "cổng đăng" in size.text and int(size.text.split()[0]) >= 2
        _drawn(driver, "#search-chart")
        screenshot(driver, shots / "search-collapsed.png")

        navigate(driver, size.click)
        assert "/stories/" in driver.current_url
        rows = driver.find_elements(By.CSS_SELECTOR, "#postings-table tbody tr")
        assert len(rows) >= 2
        assert driver.find_element(By.ID, "first-poster").text.startswith(NATIONAL)
        _drawn(driver, "#story-chart")
        screenshot(driver, shots / "story.png")
        story_svg = driver.find_element(By.CSS_SELECTOR, "#story-chart img").get_attribute("src")
        assert "cổng" in _svg_is_safe(story_svg)[1].text

        # A repost's page names the others that posted the news.
        navigate(driver, rows[-1].find_element(By.CSS_SELECTOR, "td a[href^='/articles/']").click)
        also = driver.find_element(By.ID, "also-posted")
        assert NATIONAL in also.text
        driver.get(base + f"/sites/{NATIONAL}")
        _drawn(driver, "#site-chart")
        screenshot(driver, shots / "site.png")
        driver.get(story_svg)
        screenshot(driver, shots / "story-chart.png")


@pytest.mark.usefixtures("sqlite_web_db")
def test_rollout_and_site_charts_on_crawled_portals(sqlite_web_db: WebDb, tmp_path: Path
                                                    ) -> None:
    db = sqlite_web_db
    shots = _shots(tmp_path)
    with served(db.client().app) as base, chromium() as driver:
        driver.get(base + f"/documents/{db.cited_document_id}")
        _drawn(driver, "#rollout-chart")
        screenshot(driver, shots / "document-rollout.png")
        src = driver.find_element(By.CSS_SELECTOR, "#rollout-chart img").get_attribute("src")
        assert "đơn vị" in _svg_is_safe(src)[1].text
        site = db.portals.server.site_ids()[0]
        driver.get(base + f"/sites/{site}")
        _drawn(driver, "#site-chart")
        assert driver.find_elements(By.CSS_SELECTOR, "#monthly-table tbody tr")
        _svg_is_safe(driver.find_element(By.CSS_SELECTOR, "#site-chart img").get_attribute("src"))
        driver.get(base + "/?q=cong+doan")
        _drawn(driver, "#search-chart")
