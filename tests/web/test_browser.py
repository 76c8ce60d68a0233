"""The web interface in a real headless Chromium: search with and without diacritics, a facet,
an article (its hostile body runs nothing), the document it cites, and the feed link."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

from tests.web.conftest import WebDb
from tests.web.live import chromium, screenshot, served

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


def navigate(driver, action: Callable[[], None]) -> None:
    """Run ``action`` (a click, a submit) and wait until the next page has replaced this one."""
    page = driver.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(driver, 15).until(staleness_of(page))


def search(driver, base: str, words: str) -> int:
    """Type ``words`` into the search box, submit, return the count the page shows."""
    driver.get(base + "/")
    box = driver.find_element(By.NAME, "q")
    box.clear()
    box.send_keys(words)
    navigate(driver, box.submit)
    return int(driver.find_element(By.ID, "total").text.split()[0])


def test_search_facet_article_document_feed(sqlite_web_db: WebDb, tmp_path: Path) -> None:
    db = sqlite_web_db
    with served(db.client().app) as base, chromium() as driver:
        with_marks = search(driver, base, "chỉ thị")
        assert with_marks > 0
        without = search(driver, base, "chi thi")
        assert without == with_marks
        assert screenshot(driver, tmp_path / "search.png").stat().st_size > 10_000

        # A facet: the first site narrows the results to its count.
        link = driver.find_element(By.CSS_SELECTOR, "#facet-site li a")
        expected = int(link.find_element(By.XPATH, "..").find_element(
            By.CLASS_NAME, "count").text)
        navigate(driver, link.click)
        assert int(driver.find_element(By.ID, "total").text.split()[0]) == expected
        assert "site=" in driver.current_url

        # The article (hostile body), opened from the results.
        search(driver, base, db.cited_code)
        navigate(driver, driver.find_element(
            By.CSS_SELECTOR, f'a[href="/articles/{db.hostile_id}"]').click)
        assert db.cited_code in driver.find_element(By.TAG_NAME, "h1").text
        assert "Đoạn cuối." in driver.find_element(By.CLASS_NAME, "body").text
        try:
            alert = driver.switch_to.alert.text
        except NoAlertPresentException:
            alert = None
        assert alert is None, f"the hostile body ran a script: {alert}"

        # The document it cites, through the link on the article page.
        navigate(driver, driver.find_element(By.CSS_SELECTOR, ".references a").click)
        assert driver.current_url.endswith(f"/documents/{db.cited_document_id}")
        # The heading shows the code as the portal did (6638 /LĐLĐ); the facts, normalised.
        assert db.cited_code in driver.find_element(By.CLASS_NAME, "facts").text
        assert driver.find_elements(By.CSS_SELECTOR, "table.rollout tbody tr")

        # The feed link of a search leads to an Atom feed of the same search.
        search(driver, base, db.cited_code)
        href = driver.find_element(By.ID, "feed-link").get_attribute("href")
        with urllib.request.urlopen(href, timeout=10) as response:
            feed = etree.fromstring(response.read())
        ids = feed.xpath("//a:entry/a:id/text()", namespaces={"a": "http://www.w3.org/2005/Atom"})
        assert f"tag:congdoan,2026:article:{db.hostile_id}" in ids
