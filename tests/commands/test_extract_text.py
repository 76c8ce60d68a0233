"""``congdoan extract --text``: a document's dates, codes, relations and effect as JSON."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from congdoan.commands import app

runner = CliRunner()
TEXT = (
    "Căn cứ Điều lệ Công đoàn Việt Nam;\n"
    "Căn cứ Hướng dẫn số 03/HD-TLĐ ngày 20/01/2022;\n"
    "Điều 2. Quyết định này có hiệu lực sau 15 ngày kể từ ngày ký, thay thế Quyết định "
    "số 12 / qđ-lđlđ ngày 3/1/2022 và bãi bỏ khoản 2 Điều 5 Quyết định số 40/QĐ-LĐLĐ.\n"
    "Chiều 03/4, Ban Thường vụ họp; Rằm tháng Giêng năm Giáp Thìn."
)


def test_text_from_standard_input() -> None:
    result = runner.invoke(app, ["extract", "--text", "-", "--date", "2026-11-26"], input=TEXT)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"dates", "codes", "relations", "effective"}
    relations = [{k: r[k] for k in ("type", "target_code", "target_kind", "target_date", "scope")}
                 for r in data["relations"]]
    assert relations == [
        {"type": "based_on", "target_code": "03/HD-TLĐ", "target_kind": "Hướng dẫn",
         "target_date": "2022-01-20", "scope": "whole"},
        {"type": "replaces", "target_code": "12/QĐ-LĐLĐ", "target_kind": "Quyết định",
         "target_date": "2022-01-03", "scope": "whole"},
        {"type": "repeals", "target_code": "40/QĐ-LĐLĐ", "target_kind": "Quyết định",
         "target_date": None, "scope": "khoản 2 Điều 5"},
    ]
    assert {k: data["effective"][k] for k in ("kind", "date", "days")} == {
        "kind": "after_days", "date": None, "days": 15}
    dates = {(d["text"], d["date"], d["calendar"]) for d in data["dates"]}
    assert ("Chiều 03/4", "2026-04-03", "gregorian") in dates  # not after the page's date
    assert ("Rằm tháng Giêng năm Giáp Thìn", "2024-02-24", "lunar") in dates
    assert [c["code"] for c in data["codes"]] == ["03/HD-TLĐ", "12/QĐ-LĐLĐ", "40/QĐ-LĐLĐ"]


def test_text_as_an_argument_with_nothing_in_it() -> None:
    result = runner.invoke(app, ["extract", "--text", "Thực hiện Chỉ thị số 17-CT/TW."])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert (data["relations"], data["effective"]) == ([], None)
    assert data["codes"][0]["code"] == "17-CT/TW"


def test_errors_are_one_line() -> None:
    for args, message in (
        (["extract"], "give a saved page"),
        (["extract", "--text", "x", "--date", "hôm qua"], "--date must be YYYY-MM-DD"),
        (["extract", "page.html", "--text", "x"], "--text reads a text"),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert message in result.output and len(result.output.strip().splitlines()) == 1
