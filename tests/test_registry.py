"""The site registry: the packaged file loads, and bad files fail with one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from congdoan.registry import RegistryError, load_registry, parse_registry

GOOD = """
[[site]]
id = "demo"
province = "Tỉnh Thử"
name = "LĐLĐ tỉnh Thử"
base_url = "http://127.0.0.1:8080/"
cms = "nukeviet"
news_sections = ["tin-tuc-su-kien"]
laws_module = "laws"
[site.politeness]
download_delay = 0
concurrency = 1
"""


def test_packaged_registry_has_dienbien_and_every_named_portal() -> None:
    registry = load_registry()
    dienbien = registry.get("dienbien")
    assert dienbien.base_url == "https://congdoandienbien.org.vn"
    assert dienbien.lang_prefix and dienbien.news_module == "news"
    assert {"laichau", "quangtri", "danang", "binhduong"} <= set(registry.ids())
    # portals whose CMS has no spider are listed but never crawled
    assert not registry.get("danang").enabled


def test_entry_fields_are_parsed() -> None:
    site = parse_registry(GOOD, "good.toml").get("demo")
    assert site.base_url == "http://127.0.0.1:8080"  # trailing slash dropped
    assert site.news_sections == ("tin-tuc-su-kien",)
    assert site.politeness.download_delay == 0.0 and site.politeness.concurrency == 1
    assert site.domains == ("127.0.0.1",)


def test_registry_file_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("CONGDOAN_REGISTRY", str(path))
    assert load_registry().ids() == ["demo"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('cms = "nukeviet"', 'cms = "joomla"'),
         "site demo: field 'cms' 'joomla' is not supported"),
        (('base_url = "http://127.0.0.1:8080/"', 'base_url = "ftp//x"'), "field 'base_url'"),
        (('id = "demo"', 'id = "Demo Site"'), "field 'id' must be lower-case"),
        (('news_sections = ["tin-tuc-su-kien"]', 'news_sections = ["bad alias!"]'),
         "field 'news_sections' has an invalid category alias"),
        (('province = "Tỉnh Thử"\n', ''), "site demo: field 'province' is missing"),
        (('concurrency = 1', 'concurrency = 99'), "field 'politeness.concurrency'"),
        (('laws_module = "laws"', 'laws_module = "laws"\nspeed = 3'),
         "field 'speed' is not a known registry field"),
    ],
)
def test_bad_entries_name_entry_and_field(change: tuple[str, str], message: str) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    with pytest.raises(RegistryError) as info:
        parse_registry(text, "x.toml")
    assert message in str(info.value)
    assert str(info.value).startswith("x.toml: ")
    assert "\n" not in str(info.value)


def test_missing_sections_is_an_error() -> None:
    text = GOOD.replace('news_sections = ["tin-tuc-su-kien"]\nlaws_module = "laws"\n',
                        "sitemaps = false\nrss = false\n")
    with pytest.raises(RegistryError, match="field 'news_sections' is empty"):
        parse_registry(text, "x.toml")


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(RegistryError, match="site demo: field 'id' is a duplicate"):
        parse_registry(GOOD + GOOD, "x.toml")


def test_uncrawlable_cms_must_be_disabled() -> None:
    text = GOOD.replace('cms = "nukeviet"', 'cms = "custom"')
    with pytest.raises(RegistryError, match="field 'enabled' must be false"):
        parse_registry(text, "x.toml")
    disabled = text.replace('cms = "custom"', 'cms = "custom"\nenabled = false')
    assert not parse_registry(disabled, "x.toml").get("demo").enabled


def test_unknown_site_lists_known_ids() -> None:
    with pytest.raises(KeyError, match="known: demo"):
        parse_registry(GOOD, "x.toml").get("nowhere")


def test_not_toml() -> None:
    with pytest.raises(RegistryError, match="not valid TOML"):
        parse_registry("[[site]\n", "x.toml")


WORDPRESS = """
[[site]]
id = "wp"
province = "Tỉnh Thử"
name = "LĐLĐ tỉnh Thử"
base_url = "http://127.0.0.1:8080"
cms = "wordpress"
url_style = "query"
"""


def test_wordpress_sites_are_crawlable_without_sections() -> None:
    # Its REST API (or, closed, its feed and sitemaps) is always an entry point.
    site = parse_registry(WORDPRESS, "x.toml").get("wp")
    assert site.cms == "wordpress" and site.enabled and site.url_style == "query"


def test_wordpress_sites_have_no_nukeviet_modules() -> None:
    with pytest.raises(RegistryError, match=r"site wp: field 'laws_module' is a NukeViet module"):
        parse_registry(WORDPRESS + 'laws_module = "laws"\n', "x.toml")
