"""Every fault kind at once: a real crawl of a faulty portal loses nothing silently.

One ``check_faults`` run (faulty crawl, then a clean re-run) backs every test
here; each fault kind has its own assertion, so removing one protection
fails the test of that kind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from congdoan.harness.reliability import FaultReport, check_faults
from congdoan.sim.faults import FAULT_KINDS, HARMLESS_KINDS

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> FaultReport:
    return check_faults(tmp_path_factory.mktemp("faults"), seed=1)


def test_served_equals_stored_plus_reported_failed(report: FaultReport) -> None:
    assert report.injected, "no fault was injected"
    assert report.lost == set()
    assert report.served == report.first.stored | report.first.failed
    assert report.ok


def test_nothing_partial_or_spurious_reaches_the_database(report: FaultReport) -> None:
    assert report.first.damaged == []
    assert report.first.spurious == []


@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_fault_kind_was_injected_and_survived(report: FaultReport, kind: str) -> None:
    assert report.injected.get(kind, 0) > 0, f"{kind} never fired"
    # Every item behind this fault ends where the simulator's truth says it must.
    for key, info in report.affected.items():
        if kind not in info["faults"]:
            continue
        if info["expect"] == "stored":
            assert key in report.first.stored, (kind, key, info)
        else:
            assert key in report.first.failed and key not in report.first.stored, (kind, key, info)


def test_harmless_faults_keep_their_items(report: FaultReport) -> None:
    """Bad bytes, a lying charset, entity bombs, duplicates, a shift: the items are stored."""
    assert set(report.injected) >= HARMLESS_KINDS
    assert report.served - report.expected_failed <= report.first.stored


def test_transient_faults_are_recovered_by_retry(report: FaultReport) -> None:
    assert report.recovered_pages >= 7  # 500, 502, 429, slow, reset, empty 200, listing 503s


def test_no_request_leaves_the_site(report: FaultReport) -> None:
    assert report.trap_hits == 0


def test_run_is_partial_then_a_clean_rerun_recovers_everything(report: FaultReport) -> None:
    assert report.first.run_status == "partial"
    assert report.first.returncode == 3  # EXIT_PARTIAL
    assert report.second.stored >= report.served
    assert report.second.run_status == "ok"


def test_failed_pages_carry_site_url_and_reason(tmp_path_factory: pytest.TempPathFactory,
                                                report: FaultReport) -> None:
    assert report.first.failed_pages >= len(report.expected_failed)


def test_check_faults_command_exit_code(tmp_path: Path) -> None:
    """The command wiring only; the figures are checked above."""
    from typer.testing import CliRunner

    from congdoan.commands import app

    result = CliRunner().invoke(app, ["check-faults", "--articles", "5"])
    assert result.exit_code == 2
