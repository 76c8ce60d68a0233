"""find_relations / find_effective: the judged set's figures, then the rules one by one."""

from __future__ import annotations

import pytest

from bench.relations import load, report, score
from congdoan.normalize.relations import find_effective, find_relations


def test_judged_set_meets_the_targets(capsys: pytest.CaptureFixture[str]) -> None:
    cases = load()
    assert len(cases) >= 100
    figures = score(cases)
    with capsys.disabled():
        print("\n" + report(figures))
    assert figures["f1"] >= 0.95, figures["wrong"]
    assert figures["none_right"] >= 0.95, figures["wrong"]
    assert figures["effective_right"] >= 0.95, figures["wrong"]
    assert figures["texts_without_relation"] >= 30 and figures["texts_with_effective"] >= 20


def test_judged_set_is_well_formed() -> None:
    ids = set()
    for case in load():
        assert case["id"] not in ids
        ids.add(case["id"])
        for rel in case["relations"]:
            assert rel["type"] in ("replaces", "repeals", "amends", "based_on")
            assert rel["target_code"] and rel["scope"]


def _pairs(text: str, own: str | None = None) -> list[tuple[str, str, str]]:
    return [(r.type, r.target_code, r.scope) for r in find_relations(text, own)]


def test_several_targets_after_one_verb() -> None:
    assert _pairs("Bãi bỏ Quyết định số 5/QĐ-LĐLĐ, 6/QĐ-LĐLĐ và Công văn số 7 /lđlđ.") == [
        ("repeals", "05/QĐ-LĐLĐ", "whole"),
        ("repeals", "06/QĐ-LĐLĐ", "whole"),
        ("repeals", "07/LĐLĐ", "whole"),
    ]


def test_the_document_itself_is_never_its_own_target() -> None:
    title = "Quyết định số 20/QĐ-LĐLĐ về việc sửa đổi Điều 2 Quyết định số 12/QĐ-LĐLĐ"
    assert _pairs(title, own="20/QĐ-LĐLĐ") == [("amends", "12/QĐ-LĐLĐ", "Điều 2")]
    assert _pairs(title) == []  # read without its own code, it is a citation of document 20


@pytest.mark.parametrize(
    "text",
    [
        "Thực hiện Chỉ thị số 17-CT/TW ngày 10/5/2022 của Ban Bí thư",
        "theo Hướng dẫn số 38/HD-TLĐ ngày 12/1/2021",
        "Số: 25/QĐ-LĐLĐ",
        "Góp ý Dự thảo Luật sửa đổi Luật Công đoàn số 12/2012/QH13",
        "Các CĐCS báo cáo trước ngày 30/11 theo Kế hoạch số 5/KH-LĐLĐ",
    ],
)
def test_citations_create_no_relation(text: str) -> None:
    assert find_relations(text) == []


def test_the_sentence_and_date_come_with_the_relation() -> None:
    (rel,) = find_relations("Điều 3. Quyết định này thay thế Quyết định số 1190/QĐ-TLĐ "
                            "ngày 22 tháng 7 năm 2019.\nĐiều 4. Thi hành.")
    assert rel.as_dict() == {
        "type": "replaces", "target_code": "1190/QĐ-TLĐ", "target_kind": "Quyết định",
        "target_date": "2019-07-22", "scope": "whole",
        "sentence": "Điều 3. Quyết định này thay thế Quyết định số 1190/QĐ-TLĐ ngày 22 tháng 7 "
                    "năm 2019",
    }


@pytest.mark.parametrize(
    ("text", "kind", "date", "days"),
    [
        ("Quyết định này có hiệu lực kể từ ngày ký.", "on_signing", None, None),
        ("Hướng dẫn có hiệu lực từ ngày 01/7/2024.", "on_date", "2024-07-01", None),
        ("Quy định này có hiệu lực sau 45 ngày kể từ ngày ký.", "after_days", None, 45),
    ],
)
def test_effective_statements(text: str, kind: str, date: str | None, days: int | None) -> None:
    found = find_effective(text)
    assert found is not None and (found.kind, found.date, found.days) == (kind, date, days)


def test_another_documents_effect_is_not_this_ones() -> None:
    assert find_effective("Quyết định số 12/QĐ-LĐLĐ hết hiệu lực kể từ ngày Quyết định này "
                          "có hiệu lực.") is None
    assert find_effective("Quyết định số 1190/QĐ-TLĐ có hiệu lực từ ngày 22/7/2019.") is None
