"""Document codes (số ký hiệu): the labelled sample, then each rule on its own."""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from pathlib import Path

import pytest

from congdoan.normalize.doccodes import DocCode, find_doc_codes, parse_doc_code

SAMPLE = Path(__file__).parent.parent / "fixtures" / "normalize" / "vi_doc_codes_sample.jsonl"
CASES = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line]


def cited(case: dict) -> list[dict]:
    """Every code a sample line cites: ``all`` when given, else just ``expected``."""
    if "all" in case:
        return case["all"]
    return [case["expected"]] if case["expected"] else []


def test_sample_is_complete() -> None:
    assert len(CASES) == 48


# --- the labelled sample -------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_parse_matches_sample(case: dict) -> None:
    code = parse_doc_code(case["text"])
    assert (code.as_dict() if code else None) == case["expected"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_find_gives_every_cited_code_in_order(case: dict) -> None:
    assert [c.as_dict() for c in find_doc_codes(case["text"])] == cited(case)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_spans_point_at_raw(case: dict) -> None:
    for code in find_doc_codes(case["text"]):
        start, end = code.span
        assert case["text"][start:end] == code.raw


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_system_matches_sample(case: dict) -> None:
    systems = {c.system for c in find_doc_codes(case["text"])}
    if case["system"] == "none":
        assert systems == set()
    elif case["system"] == "mixed":
        assert len(systems) > 1
    else:
        assert systems == {case["system"]}


# --- things that only look like codes ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Tạp chí Lao động và Công đoàn số 2/2024 đã phát hành",  # magazine issue
        "ĐT: 0236.3822.123 - 0905 123 456; Fax: 0236/3822124",  # phone numbers
        "Hotline: 1900 1234/0912345678",
        "Ngày 15/9/2017, vào lúc 8h; tháng 3/2022",  # dates
        "1/2 số đoàn viên, 3/4 cán bộ",  # fractions
        "năm học 2023/2024, nhiệm kỳ 2023 - 2028, ngày 20 - 21/5/2023",
        "làm việc 24/7, 100.000 đồng/người, 3 ngày/tuần",
        "https://congdoan.vn/van-ban?so=92/CT-UBND",  # URLs
        "www.ldld.vn/a/92/CT-UBND và congdoan.vn/tin-tuc/123/QD-UBND.html",
        "tải file 92/CT-UBND.pdf",  # a file name
        "1/ THAM GIA ý kiến\n2/ KẾT QUẢ",  # numbered headings
        "Lớp 12/A1 trường THPT",
        "Quận 3/TP HCM",  # a lone unknown group without "số"
        "Quyết định khen thưởng 12/TP HCM",
        "số 5/Fax, số 5/km",
        "theo 12/QĐ",  # a type without issuer
        "V/v tổ chức Tháng Công nhân năm 2023",
        "",
    ],
)
def test_no_code_in_lookalikes(text: str) -> None:
    assert find_doc_codes(text) == []
    assert parse_doc_code(text) is None


def test_parse_none() -> None:
    assert parse_doc_code(None) is None


# --- normalisation quirks -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("1076 /LĐLĐ", "1076/LĐLĐ"),  # stray space before the slash
        ("100 - KL/TW", "100-KL/TW"),  # spaced hyphen
        ("Số 17- CT/TW", "17-CT/TW"),
        ("Quyết định số 5440/ QĐ-TLĐ", "5440/QĐ-TLĐ"),  # space after the slash, known type
        ("Số: 1076/LÐLÐ", "1076/LĐLĐ"),  # look-alike Ð (U+00D0)
        ("92/CT–UBND", "92/CT-UBND"),  # en-dash
        ("92/CT−UBND", "92/CT-UBND"),  # minus sign
        ("quyết định số 5440/qđ-tlđ", "5440/QĐ-TLĐ"),  # lower case
        ("nghị quyết số 15-nq/tw", "15-NQ/TW"),
        ("65-Ctr/TU", "65-CTr/TU"),  # conventional mixed case restored
        ("439/qđ-ttg", "439/QĐ-TTg"),
        ("Số&nbsp;92/CT&ndash;UBND", "92/CT-UBND"),  # HTML entities
        ("Số: 5440&#47;QĐ-TL&#272;", "5440/QĐ-TLĐ"),
        ("Số:\u00a092\u00a0/CT-UBND", "92/CT-UBND"),  # non-breaking spaces
        ("92/CT\u200b-UBND", "92/CT-UBND"),  # zero-width space
        ("Số: 1076/LDLD", "1076/LĐLĐ"),  # known issuer without the stroke
        ("43/NQ-HDND", "43/NQ-HĐND"),
        ("12/QD-UBND", "12/QĐ-UBND"),  # QD/ND mean nothing else
        ("5/ND-CP", "05/NĐ-CP"),  # numbers below 10 zero-padded, as the decree writes them
        ("Số: 12/BC-BCĐ389", "12/BC-BCĐ389"),  # digits inside an issuer
        ("Kế hoạch 12/KH-LĐLĐ - VP tỉnh", "12/KH-LĐLĐ"),  # trailing words not absorbed
    ],
)
def test_normalisation(text: str, normalised: str) -> None:
    code = parse_doc_code(text)
    assert code is not None
    assert code.normalised == code.normalized == normalised
    assert unicodedata.is_normalized("NFC", code.normalised)


def test_d_is_not_turned_into_đ_blindly() -> None:
    guide = parse_doc_code("Hướng dẫn số 65/HD-TLĐ")
    project = parse_doc_code("Số: 12/DA-UBND")
    scheme = parse_doc_code("Số: 12/ĐA-UBND")
    assert guide is not None and (guide.type_abbr, guide.type_name) == ("HD", "Hướng dẫn")
    assert project is not None and (project.type_abbr, project.type_name) == ("DA", "Dự án")
    assert scheme is not None and (scheme.type_abbr, scheme.type_name) == ("ĐA", "Đề án")


def test_unknown_lower_case_groups_need_the_type_word() -> None:
    assert [c.normalised for c in find_doc_codes("Công văn số 123/snv-tcbc")] == ["123/SNV-TCBC"]
    assert find_doc_codes("xem 123/snv-tcbc") == []


def test_unit_is_split_from_issuer() -> None:
    code = parse_doc_code("Quyết định số 92/QĐ-UBND-VX")
    assert code is not None
    assert (code.issuer_abbr, code.unit_abbr) == ("UBND", "VX")


# --- type names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "type_name"),
    [
        ("Thông tư số 10/2020/TT-BNV", "Thông tư"),  # state
        ("28/2015/TT-BLĐTBXH", "Thông tư"),
        ("Số 05-TT/TW", "Thông tri"),  # Party
        ("Số: 07/TT-MTTW-BTT", "Thông tri"),  # Fatherland Front, state separators
        ("Thông tri số 10/TT-UBND", "Thông tri"),  # the word before decides
    ],
)
def test_tt_is_thong_tu_or_thong_tri(text: str, type_name: str) -> None:
    code = parse_doc_code(text)
    assert code is not None
    assert (code.type_abbr, code.type_name) == ("TT", type_name)


@pytest.mark.parametrize(
    ("text", "type_name"),
    [
        ("Quy định số 97-QĐ/TW", "Quy định"),
        ("Quyết định số 217-QĐ/TW", "Quyết định"),
        ("217-QĐ/TW", "Quyết định"),  # no word: the abbreviation's own name
        ("Chương trình số 12/CT-UBND", "Chỉ thị"),  # a word that cannot fit CT is ignored
        ("Luật số 12/2012/QH13", "Luật"),
        ("45/2019/QH14", None),  # laws and resolutions share the shape
    ],
)
def test_word_before_confirms_type(text: str, type_name: str | None) -> None:
    code = parse_doc_code(text)
    assert code is not None and code.type_name == type_name


def test_word_before_read_in_nfd() -> None:
    text = unicodedata.normalize("NFD", "Quy định số 97-QĐ/TW")
    code = parse_doc_code(text)
    assert code is not None and code.type_name == "Quy định"


def test_word_before_does_not_reach_into_previous_code() -> None:
    codes = find_doc_codes("Quy định số 66-QĐ/TW và 217-QĐ/TW")
    assert [c.type_name for c in codes] == ["Quy định", "Quyết định"]


# --- spans ----------------------------------------------------------------------------


def test_spans_in_running_text() -> None:
    text = "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020; Kết luận số 100 - KL/TW."
    codes = find_doc_codes(text)
    assert [text[a:b] for a, b in (c.span for c in codes)] == ["30/2020/NĐ-CP", "100 - KL/TW"]
    assert codes[0].span == (text.index("30/"), text.index(" ngày"))


def test_spans_cover_entities_in_the_input() -> None:
    text = "Theo Công văn số 1076&nbsp;/LĐLĐ và 92/CT&ndash;UBND&#8203;."
    codes = find_doc_codes(text)
    assert [c.raw for c in codes] == ["1076&nbsp;/LĐLĐ", "92/CT&ndash;UBND"]
    assert all(text[slice(*c.span)] == c.raw for c in codes)


def test_doc_code_is_frozen() -> None:
    code = parse_doc_code("92/CT-UBND")
    assert isinstance(code, DocCode)
    with pytest.raises(dataclasses.FrozenInstanceError):
        code.number = 1  # type: ignore[misc]
