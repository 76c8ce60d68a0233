"""``--write`` edits a registry file in place; the registry lists the 34 units; ``discover``.

Discovery is pointed at local servers through ``--resolve`` and ``--pattern``:
no test sends traffic to a real host.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from congdoan.commands import app
from congdoan.detect.discover import candidate_hosts
from congdoan.registry import load_registry
from congdoan.sim import SimServer, default_portals

runner = CliRunner()
HAND_WRITTEN = """# Our portals: keep this comment
[[site]]
id = "keep"  # a trailing comment
province = "Tỉnh Giữ"
name = "LĐLĐ giữ nguyên"
base_url = "http://127.0.0.1:9"
cms = "unknown"
enabled = false

# the portal detect will update
[[site]]
id = "lab"
province = "Tỉnh Lab"
name = "LĐLĐ Lab"
base_url = "http://127.0.0.1:9"
cms = "unknown"
enabled = false
evidence = "seen in a link list"

[site.politeness]
download_delay = 2.0
"""


@pytest.fixture(scope="module")
def sim() -> SimServer:
    server = SimServer(default_portals(3, 12, 4, seed=3)).start()
    yield server
    server.stop()


def test_write_updates_one_entry_and_keeps_the_rest(sim: SimServer, tmp_path: Path) -> None:
    registry = tmp_path / "sites.toml"
    registry.write_text(HAND_WRITTEN, encoding="utf-8")
    result = runner.invoke(app, ["sites", "detect", sim.base_url("sim3"), "--id", "lab",
                                 "--write", str(registry)])
    assert result.exit_code == 0, result.output
    text = registry.read_text(encoding="utf-8")
    for kept in ("# Our portals: keep this comment", 'id = "keep"  # a trailing comment',
                 "# the portal detect will update", "download_delay = 2.0",
                 'evidence = "seen in a link list"'):
        assert kept in text
    reg = load_registry(registry)
    lab = reg.get("lab")
    assert lab.cms == "nukeviet" and lab.enabled and lab.cms_confirmed
    assert lab.base_url == sim.base_url("sim3") and lab.laws_module == "van-ban"
    assert lab.province == "Tỉnh Lab" and lab.politeness.download_delay == 2.0
    assert reg.get("keep").base_url == "http://127.0.0.1:9"
    # detecting again changes nothing
    again = runner.invoke(app, ["sites", "detect", sim.base_url("sim3"), "--id", "lab",
                                "--write", str(registry)])
    assert again.exit_code == 0 and "unchanged entry 'lab'" in again.output
    assert registry.read_text(encoding="utf-8") == text


def test_write_creates_a_missing_file(sim: SimServer, tmp_path: Path) -> None:
    registry = tmp_path / "new" / "sites.toml"
    result = runner.invoke(app, ["sites", "detect", sim.base_url("sim1"), "--write",
                                 str(registry)])
    assert result.exit_code == 0, result.output
    assert load_registry(registry).ids() == [f"site-{sim.base_url('sim1').rsplit(':', 1)[1]}"]


def test_write_refuses_a_result_that_would_not_validate(sim: SimServer, tmp_path: Path) -> None:
    registry = tmp_path / "sites.toml"
    registry.write_text(HAND_WRITTEN.replace('id = "lab"', 'id = "keep"'), encoding="utf-8")
    before = registry.read_text(encoding="utf-8")
    result = runner.invoke(app, ["sites", "detect", sim.base_url("sim1"), "--id", "x",
                                 "--write", str(registry)])
    assert result.exit_code == 2
    assert "duplicate" in result.output.splitlines()[-1]
    assert registry.read_text(encoding="utf-8") == before


def test_detect_all_prints_found_not_found_cms_and_changes(sim: SimServer,
                                                           tmp_path: Path) -> None:
    registry = tmp_path / "sites.toml"
    registry.write_text(sim.registry_toml() + HAND_WRITTEN.split("# the portal")[0]
                        .replace("# Our portals: keep this comment\n", ""), encoding="utf-8")
    result = runner.invoke(app, ["sites", "detect", "--all", "--registry", str(registry)],
                           env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.output.splitlines()
            if line.startswith("│")}
    for site in ("sim1", "sim2", "sim3"):
        assert "found" in rows[site] and "NukeViet 4" in rows[site]
        assert rows[site].rstrip("│ ").endswith("no")  # the simulator's own entry is right
    assert "not found" in rows["keep"] and "connection refused" in rows["keep"]
    assert "3 of 4 portals answered" in result.output


def test_packaged_registry_lists_all_34_units_with_predecessors() -> None:
    reg = load_registry()
    assert len(reg.units) == 34
    assert len({u.code for u in reg.units}) == 34
    assert reg.unit("44").merged_from == ("Quảng Trị", "Quảng Bình")
    assert reg.unit("hochiminh").merged_from == ("TP.HCM", "Bình Dương", "Bà Rịa - Vũng Tàu")
    # every candidate address of shared/portals.csv for a unit is an entry with its evidence
    hosts = {s.host for s in reg.sites}
    assert {"congdoandienbien.org.vn", "congdoanlaichau.org.vn", "congdoan.quangtri.gov.vn",
            "congdoandanang.org.vn", "site.congdoandanang.org.vn", "congdoanbinhduong.org.vn",
            "congdoanninhbinh.org.vn", "laodongthudo.vn"} <= hosts
    for site in reg.sites:
        assert site.evidence and site.confidence, site.id
        if not site.cms_confirmed:
            assert site.id == "laichau" or not site.enabled  # candidates wait for detect
    # the enabled entries stay as they were
    assert [s.id for s in reg.sites if s.enabled] == ["dienbien", "laichau", "quangtri"]


def test_sites_by_unit_json_says_which_units_have_a_confirmed_portal() -> None:
    result = runner.invoke(app, ["sites", "--by-unit", "--json"])
    assert result.exit_code == 0, result.output
    units = {u["id"]: u for u in json.loads(result.output)}
    assert len(units) == 34
    assert units["dienbien"]["portal_confirmed"] is True
    assert units["quangtri"]["portal_confirmed"] is True
    assert units["laichau"]["portal_confirmed"] is False  # CMS never seen on a real page
    assert units["hochiminh"]["sites"] == ["binhduong"]
    assert units["caobang"] == {**units["caobang"], "sites": [], "portal_confirmed": False}
    table = runner.invoke(app, ["sites", "--by-unit"], env={"COLUMNS": "200"})
    assert "2 of 34 units have a confirmed portal" in table.output
    sites = json.loads(runner.invoke(app, ["sites", "--json"]).output)
    assert next(s for s in sites if s["id"] == "quangtri")["unit"] == "quangtri"


def test_discover_tries_naming_patterns_and_detects_what_answers(sim: SimServer,
                                                                 tmp_path: Path) -> None:
    unit = load_registry().unit("quangtri")
    hosts = candidate_hosts(unit)
    assert "congdoanquangtri.org.vn" in hosts and "congdoan.quangbinh.gov.vn" in hosts
    assert "ldldquangtri.org.vn" in hosts
    registry = tmp_path / "found.toml"
    result = runner.invoke(app, [
        "sites", "discover", "44",
        "--resolve", f"congdoan.quangbinh.gov.vn={sim.base_url('sim2')}",
        "--resolve", "ldldquangtri.org.vn=http://127.0.0.1:9",
        "--write", str(registry)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "1 of 20 candidate hosts answered" in result.output
    found = load_registry(registry).sites
    assert [s.unit for s in found] == ["quangtri"]
    assert found[0].cms == "nukeviet" and found[0].url_style == "query"
    assert found[0].province == "Tỉnh Quảng Trị" and found[0].id == "quangbinh"


def test_discover_with_custom_patterns_and_nothing_answering_exits_1() -> None:
    result = runner.invoke(app, ["sites", "discover", "caobang", "--pattern", "cd{name}.vn",
                                 "--resolve", "other.vn=http://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "0 of 1 candidate hosts answered" in result.output
    bad = runner.invoke(app, ["sites", "discover", "atlantis"])
    assert bad.exit_code == 2 and "unknown unit 'atlantis'" in bad.output


def test_registry_checks_site_selectors_the_generic_reader_uses() -> None:
    from congdoan.registry import RegistryError, parse_registry

    entry = ('[[site]]\nid = "g"\nprovince = "P"\nname = "N"\nbase_url = "http://x.vn"\n'
             'cms = "generic"\nenabled = false\n[site.selectors]\n')
    assert parse_registry(entry + 'body = "#noidung"\n').get("g").selectors == {
        "body": "#noidung"}
    with pytest.raises(RegistryError, match="site g: field 'selectors' is wrong: selector "
                       "body = 'div\\[' is not valid CSS"):
        parse_registry(entry + 'body = "div["\n')
    with pytest.raises(RegistryError, match="'teaser' is not one of"):
        parse_registry(entry + 'teaser = "p"\n')
