"""Settings: every ``CONGDOAN_*`` setting a component reads is declared, with its default,
in ``congdoan/settings.py`` alone; components read it without a fallback of their own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from congdoan import settings as project
from congdoan.runtime.health import Thresholds
from congdoan.spiders.nukeviet import NukeVietSpider
from congdoan.spiders.wordpress import WordPressSpider
from congdoan.storage.db import crawl_database_url
from tests.inprocess import project_crawler

PACKAGE = Path(project.__file__).parent
# settings.get("CONGDOAN_X"…), settings.getint(…), settings["CONGDOAN_X"], overrides.get(…);
# not os.environ: environment variables (Redis, SMTP) are no Scrapy settings.
_READ = re.compile(r"""(?:settings|overrides)(?:\.get(?:int|bool|float|list|dict)?\(|\[)"""
                   r"""\s*["'](CONGDOAN_[A-Z0-9_]+)["']""")
_FALLBACK = re.compile(
    r"""settings\.get(?:int|bool|float|list|dict)?\(\s*["']CONGDOAN_[A-Z0-9_]+["']\s*,""")

def _sources() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")
            if path.name != "settings.py" or path.parent != PACKAGE}


def test_every_setting_a_component_reads_is_declared_in_settings_py() -> None:
    read = {name for text in _sources().values() for name in _READ.findall(text)}
    undeclared = sorted(read - set(vars(project)))
    assert read and undeclared == []


def test_no_component_repeats_a_default() -> None:
    repeated = [f"{path.relative_to(PACKAGE)}: {match.group(0)}"
                for path, text in _sources().items() for match in _FALLBACK.finditer(text)]
    assert repeated == []


def test_components_get_the_declared_defaults(tmp_path: Path) -> None:
    registry = tmp_path / "sites.toml"
    registry.write_text('[[site]]\nid = "wp"\nprovince = "P"\nname = "N"\n'
                        'base_url = "http://127.0.0.1:8089"\ncms = "wordpress"\n\n'
                        '[[site]]\nid = "nv"\nprovince = "P"\nname = "N"\n'
                        'base_url = "http://127.0.0.1:8088"\ncms = "nukeviet"\n',
                        encoding="utf-8")
    wp = WordPressSpider.from_crawler(project_crawler(WordPressSpider), site="wp",
                                      registry=str(registry))
    nv = NukeVietSpider.from_crawler(project_crawler(NukeVietSpider), site="nv",
                                     registry=str(registry))
    assert wp.per_page == project.CONGDOAN_WP_PER_PAGE == 100
    assert nv.max_pages == project.CONGDOAN_MAX_LISTING_PAGES
    crawler = project_crawler(CONGDOAN_HEALTH_HISTORY=3)
    assert Thresholds.from_settings(crawler.settings) == Thresholds(history=3)
    assert Thresholds().fill_margin == project.CONGDOAN_HEALTH_FILL_MARGIN


@pytest.mark.parametrize("configured", [None, "sqlite:///elsewhere.sqlite3"])
def test_the_crawl_database_is_resolved_once_for_settings_and_dicts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, configured: str | None) -> None:
    monkeypatch.delenv("CONGDOAN_DATABASE_URL", raising=False)
    values = {"CONGDOAN_DATABASE_URL": configured, "CONGDOAN_DATA_DIR": str(tmp_path)}
    crawler = project_crawler(**values)
    expected = configured or f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"
    assert crawl_database_url(crawler.settings) == crawl_database_url(values) == expected
