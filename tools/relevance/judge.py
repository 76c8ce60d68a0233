# ruff: noqa: E501 - the rules table keeps each grade and its reason on one line
"""Write tests/fixtures/search/judged_queries.json: the judged query set, from grading rules.

How the set was made: for each query, every corpus item whose folded text holds the
query's syllables was listed and read (title, code, the body lines around the words;
``python -m tools.relevance.judge --read "query"``); the grades were then written down as
the rules in ``define`` below, one line per grade, and every query's graded list was read
back (``-v``, ``-vv``) before writing. No search of ours is run here. The JSON is the
judged set; this file says why each grade is what it is, and rewrites the JSON when the
corpus changes (``--write``).

Grades: 2 = about it, 1 = partly, 0 (left out) = not.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Callable
from typing import Any

from bench.relevance_corpus import JUDGED, Item, corpus, item_fields
from congdoan.storage.records import search_fold


def toks(s: str | None) -> list[str]:
    """Exact words: case folded, diacritics kept."""
    return re.findall(r"\w+", unicodedata.normalize("NFC", s or "").casefold())


def ftoks(s: str | None) -> list[str]:
    """Folded words, as the store folds them."""
    return search_fold(s or "").split()


def has(seq: list[str], phrase: list[str]) -> bool:
    """Whether ``phrase`` occurs in ``seq`` as adjacent words."""
    n = len(phrase)
    return any(seq[i:i + n] == phrase for i in range(len(seq) - n + 1))


class V:
    """One item as the rules see it: exact and folded words of title and body, code, type."""

    def __init__(self, item: Item) -> None:
        f = item_fields(item)
        self.item, self.kind = item, item.kind
        self.t, self.b, self.c = toks(f["title"]), toks(f["body"]), f["code"]
        self.ft, self.fb = ftoks(f["title"]), ftoks(f["body"])
        self.cat = (item.record.get("category") or "") if item.kind == "document" else ""
        self.title = f["title"]

    def T(self, p: str) -> bool:  # short names keep the rules readable
        return has(self.t, toks(p))

    def B(self, p: str) -> bool:
        return has(self.b, toks(p))

    def A(self, p: str) -> bool:
        return self.T(p) or self.B(p)

    def FA(self, p: str) -> bool:
        return has(self.ft, ftoks(p)) or has(self.fb, ftoks(p))

    def doc(self, cat: str | None = None) -> bool:
        return self.kind == "document" and (cat is None or self.cat == cat)


Rule = tuple[int, Callable[[V], bool]]
QueryFn = Callable[..., None]


def title_else_body(phrase: str) -> tuple[Rule, Rule]:
    """The commonest grading: the phrase in the title = 2, in the body only = 1."""
    return (2, lambda v: v.T(phrase)), (1, lambda v: v.B(phrase))


def define(q: QueryFn) -> None:
    """Every judged query: text, class, note, then (grade, rule) pairs; the best grade wins."""
    # ---------------- topical, with diacritics
    TOP = [
        ("thương lượng tập thể", "titles about collective bargaining (training articles, the HD-TLĐ guide) = 2; the phrase in the body only = 1",
         *title_else_body("thương lượng tập thể")),
        ("chăm lo Tết", "titles 'chăm lo Tết' (grassroots-union articles, the CT-UBND directives on Tết care) = 2; the phrase in the body = 1",
         *title_else_body("chăm lo tết")),
        ("Tết Sum vầy", "the programme in the title (articles, công văn) = 2; named in the body (stock sentence on its gifts) = 1",
         *title_else_body("tết sum vầy")),
        ("an toàn vệ sinh lao động", "occupational safety in the title (training articles, CT-UBND directives; with or without the comma) = 2; in the body = 1",
         (2, lambda v: v.T("an toàn vệ sinh lao động") or v.T("an toàn, vệ sinh lao động")), (1, lambda v: v.B("an toàn vệ sinh lao động"))),
        ("lương tối thiểu vùng", "regional minimum wage in the title = 2; the minimum-wage decree without 'vùng' and body mentions = 1",
         (2, lambda v: v.T("lương tối thiểu vùng")), (1, lambda v: v.A("lương tối thiểu"))),
        ("chế độ thai sản", "the maternity Q&A articles = 2; body mentions = 1",
         (2, lambda v: v.T("chế độ thai sản")), (1, lambda v: v.B("thai sản"))),
        ("tai nạn lao động", "the work-accident Q&A = 2; body mentions = 1",
         *title_else_body("tai nạn lao động")),
        ("kinh phí công đoàn", "the công văn on collecting union dues (kinh phí, đoàn phí) = 2; union finance decree and body mentions (stock sentence on paying kinh phí công đoàn) = 1",
         (2, lambda v: v.T("kinh phí công đoàn")), (1, lambda v: v.B("kinh phí công đoàn") or v.T("tài chính công đoàn"))),
        ("phát triển đoàn viên", "plans for membership growth (KH-LĐLĐ) = 2; body list items/table rows on it = 1",
         *title_else_body("phát triển đoàn viên")),
        ("Mái ấm Công đoàn", "the housing programme in the title = 2; the stock sentence on the fund = 1",
         *title_else_body("mái ấm công đoàn")),
        ("hội nghị người lao động", "workers' conferences in the title = 2; body mentions = 1",
         *title_else_body("hội nghị người lao động")),
        ("giai cấp công nhân", "the KL/TW conclusions on the working class = 2; body mentions = 1",
         *title_else_body("giai cấp công nhân")),
        ("Luật Công đoàn sửa đổi", "the amended Trade Union Law (documents) and articles on what is new in it = 2; 'Căn cứ Luật Công đoàn' in a document's preamble = 0",
         (2, lambda v: v.T("luật công đoàn") and v.A("sửa đổi")), (1, lambda v: v.T("luật công đoàn"))),
        ("đối thoại với công nhân", "dialogues with workers in the title (articles, TB-LĐLĐ conclusions) = 2; 'đối thoại' in the body = 1",
         (2, lambda v: v.T("đối thoại") and v.T("công nhân")), (1, lambda v: v.A("đối thoại"))),
        ("Bộ luật Lao động", "the Labour Code documents = 2; articles on spreading it (title) = 1, mentions in the body = 1",
         (2, lambda v: v.doc() and v.T("bộ luật lao động")), (1, lambda v: v.A("bộ luật lao động"))),
        ("công đoàn số", "the 'Công đoàn số' (digital union) launch = 2; mentions in the body = 1; 'công đoàn' + 'số' scattered = 0",
         *title_else_body("công đoàn số")),
        ("nghị quyết đại hội XIII", "the conference on the resolution of the 13th Congress = 2; other items on the XIII congress or congress resolutions = 1",
         (2, lambda v: v.T("nghị quyết đại hội") and v.T("xiii")), (1, lambda v: v.T("nghị quyết đại hội") or v.T("xiii") or v.B("đại hội xiii"))),
        ("hội thao", "sports meets (hội thao) in the title = 2; in the body = 1",
         *title_else_body("hội thao")),
    ]
    for text, note, *rules in TOP:
        q(text, "topical", note, *rules)
    # ---------------- the same, typed without diacritics: a folded query matches every spelling
    for text, note, *rules in TOP[:10]:
        q(search_fold(text), "topical_no_diacritics", "as '" + text + "': " + note, *rules)
    # ---------------- document type + topic
    q("chỉ thị tết", "type_topic", "directives (Chỉ thị) on Tết = 2; other documents about Tết = 1",
      (2, lambda v: v.doc("Chỉ thị") and v.A("tết")), (1, lambda v: v.doc() and v.T("tết")))
    q("kế hoạch tháng công nhân", "type_topic", "the plan for Workers' Month = 2; other Workers' Month items = 1",
      (2, lambda v: v.T("kế hoạch") and v.T("tháng công nhân")), (1, lambda v: v.T("tháng công nhân")))
    q("quyết định hỗ trợ đoàn viên", "type_topic", "decisions (QĐ) on supporting members = 2; công văn on support for members = 1",
      (2, lambda v: (v.doc("Quyết định") or v.T("quyết định")) and v.T("hỗ trợ đoàn viên")),
      (1, lambda v: v.doc() and v.T("hỗ trợ đoàn viên")))
    q("hướng dẫn thương lượng tập thể", "type_topic", "the HD-TLĐ guide on collective bargaining = 2; bargaining training articles = 1",
      (2, lambda v: v.T("hướng dẫn") and v.T("thương lượng tập thể")), (1, lambda v: v.T("thương lượng tập thể")))
    q("kế hoạch hội thi nữ công", "type_topic", "the KH plans for the women's-affairs contest = 2; articles on the contest = 1",
      (2, lambda v: v.T("kế hoạch") and v.T("hội thi") and v.T("nữ công")), (1, lambda v: v.T("hội thi") and v.T("nữ công")))
    q("thông báo nghỉ tết", "type_topic", "the TB notices of the Tết holiday = 2; other Tết notices/documents = 1",
      (2, lambda v: v.T("thông báo") and v.T("nghỉ tết")), (1, lambda v: v.doc() and v.T("tết")))
    q("nghị định tài chính công đoàn", "type_topic", "the decrees on union finance = 2; union-finance mentions = 1",
      (2, lambda v: v.doc("Nghị định") and v.T("tài chính công đoàn")), (1, lambda v: v.A("tài chính công đoàn")))
    q("công văn tết sum vầy", "type_topic", "the công văn on 'Tết Sum vầy' = 2; articles on the programme = 1",
      (2, lambda v: v.doc("Công văn") and v.T("tết sum vầy")), (1, lambda v: v.T("tết sum vầy")))
    q("chỉ thị an toàn lao động", "type_topic", "directives on occupational safety = 2; other items on it in the title = 1",
      (2, lambda v: v.doc("Chỉ thị") and v.T("an toàn")), (1, lambda v: v.T("an toàn") and v.T("lao động")))
    q("kết luận giai cấp công nhân", "type_topic", "the KL/TW conclusions on the working class = 2",
      (2, lambda v: v.doc("Kết luận") and v.T("giai cấp công nhân")),)
    q("quy chế chi tiêu nội bộ", "type_topic", "the QĐ on internal spending rules = 2",
      (2, lambda v: v.T("quy chế chi tiêu nội bộ")),)
    # ---------------- codes, in the forms people type
    def ct17(v: V) -> bool:
        return v.c == "17-CT/TW"

    q("chỉ thị 17", "code", "directive 17-CT/TW = 2", (2, ct17))
    q("chi thi 17", "code", "directive 17-CT/TW, typed without diacritics = 2", (2, ct17))
    q("17-CT/TW", "code", "the code as printed = 2", (2, ct17))
    q("17/CT-TW", "code", "the code with the separators swapped = 2", (2, ct17))
    q("quyết định 6174", "code", "6174/QĐ-TLĐ = 2", (2, lambda v: v.c == "6174/QĐ-TLĐ"))
    q("quyet dinh 6696", "code", "6696/QĐ-TLĐ (NukeViet variant) = 2", (2, lambda v: v.c == "6696/QĐ-TLĐ"))
    q("nghị định 191/2013", "code", "191/2013/NĐ-CP = 2", (2, lambda v: v.c == "191/2013/NĐ-CP"))
    q("nghị định 88/2015", "code", "no document; the article explaining Nghị định 88/2015/NĐ-CP = 2",
      (2, lambda v: v.T("88/2015/nđ-cp") or "88/2015/NĐ-CP" in v.title))
    q("45/2019/QH14", "code", "the Labour Code 45/2019/QH14 = 2", (2, lambda v: v.c == "45/2019/QH14"))
    q("kết luận 1338", "code", "1338-KL/TW = 2", (2, lambda v: v.c == "1338-KL/TW"))
    q("20-NQ/TW", "code", "the conclusions on implementing Nghị quyết 20-NQ/TW = 2",
      (2, lambda v: "20-NQ/TW" in v.title))
    q("92/CT-UBND", "code", "directive 92/CT-UBND (real capture) = 2; not 2360/CT-UBND etc.",
      (2, lambda v: v.c == "92/CT-UBND"))
    q("công văn 3452", "code", "3452 /LĐLĐ = 2", (2, lambda v: v.c == "3452 /LĐLĐ"))
    q("03/HD-TLĐ", "code", "03/HD-TLĐ = 2 (04/HD-TLĐ is another guide)", (2, lambda v: v.c == "03/HD-TLĐ"))
    q("luật công đoàn 2024", "code", "the Trade Union Law 2578/2024/QH15 = 2; the other Trade Union Law items and the 2024 article on it = 1",
      (2, lambda v: v.c == "2578/2024/QH15"), (1, lambda v: v.T("luật công đoàn")))
    # ---------------- names: companies, people, places
    q("Giày Thái Bình", "name", "the company in the title = 2", (2, lambda v: v.T("giày thái bình")))
    q("May Sông Hồng", "name", "the company in the title = 2", (2, lambda v: v.T("may sông hồng")))
    q("Cao su Quảng Trị", "name", "the company in the title = 2; thị xã Quảng Trị (same province name, not the company) = 0",
      (2, lambda v: v.T("cao su quảng trị")))
    q("Điện Biên Phủ", "name", "the city in the title = 2; Xi măng Điện Biên (no 'Phủ') = 0",
      *title_else_body("điện biên phủ"))
    q("Lao Bảo", "name", "the border economic zone in the title = 2", *title_else_body("lao bảo"))
    q("Tân Phú", "name", "the district in the title = 2", *title_else_body("tân phú"))
    q("Nguyễn Đình Khang", "name", "documents he signed = 2", (2, lambda v: v.A("nguyễn đình khang")))
    q("Phạm Thị Thanh Hương", "name", "documents she signed = 2 (article authors are not in the searchable text)",
      (2, lambda v: v.A("phạm thị thanh hương")))
    q("Bệnh viện Đa khoa tỉnh", "name", "the hospital's union in the title = 2", (2, lambda v: v.T("bệnh viện đa khoa tỉnh")))
    # ---------------- short, ambiguous
    q("chỉ thị", "short", "directives (category Chỉ thị) = 2; the word 'chỉ thị' elsewhere = 1; 'chỉ đạo', 'chỉ tiêu', 'thi đua' = 0",
      (2, lambda v: v.doc("Chỉ thị")), (1, lambda v: v.A("chỉ thị")))
    q("chi thi", "short", "as 'chỉ thị' (no diacritics typed: every spelling of the adjacent pair counts alike)",
      (2, lambda v: v.doc("Chỉ thị")), (1, lambda v: v.FA("chi thi")))
    q("hội thi", "short", "contests in the title (Hội thi cán bộ nữ công giỏi, its KH plans) = 2; 'hội thi' in the body, 'cuộc thi' titles = 1",
      (2, lambda v: v.T("hội thi")), (1, lambda v: v.B("hội thi") or v.T("cuộc thi")))
    q("thi", "short", "the word 'thi' (contest/exam): hội thi / cuộc thi in the title = 2; in the body, or 'thi hành' in a title = 1; only 'thi đua'/'thi hành' in the body, or 'thị'/'thì' = 0",
      (2, lambda v: v.T("hội thi") or v.T("cuộc thi")), (1, lambda v: v.B("hội thi") or v.B("cuộc thi") or v.T("thi")))
    q("thị", "short", "the syllable 'thị' as typed: in the title (thị xã, chỉ thị, Phạm Thị) = 2, directives (Chỉ thị category) = 2; in the body = 1; 'thi'/'thì' only = 0",
      (2, lambda v: v.T("thị") or v.doc("Chỉ thị")), (1, lambda v: v.B("thị")))
    q("đoàn phí", "short", "the công văn on kinh phí and đoàn phí = 2; 'đoàn phí' elsewhere = 1; 'đoàn' ... 'phí' scattered = 0",
      *title_else_body("đoàn phí"))
    q("thỏa ước", "short", "'thỏa ước' (collective agreement): in the title = 2; table row 'Thỏa ước lao động tập thể' in the body = 1",
      *title_else_body("thỏa ước"))
    q("tết", "short", "Tết in the title = 2; in the body = 1", *title_else_body("tết"))


def judged() -> list[dict[str, Any]]:
    """The judged queries, graded over the corpus."""
    views = [V(i) for i in corpus()]
    out: list[dict[str, Any]] = []

    def q(text: str, cls: str, note: str, *rules: Rule) -> None:
        grades = {}
        for v in views:
            grade = max((g for g, rule in rules if rule(v)), default=0)
            if grade:
                grades[v.item.key] = grade
        out.append({"text": text, "class": cls, "note": note, "judgments": grades})

    define(q)
    return out


def read(query: str) -> None:
    """The reading aid: every item holding the query's folded syllables, with its lines."""
    words = ftoks(query)
    for n, v in enumerate(V(i) for i in corpus()):
        if all(w in v.ft or w in v.fb for w in words):
            print(f"{n} [{v.kind}] {v.c} | {v.title}")
            for line in item_fields(v.item)["body"].split("\n"):
                if any(w in ftoks(line) for w in words):
                    print("      ..", line[:160])


def main(argv: list[str]) -> None:
    """``--read QUERY``, ``-v`` / ``-vv`` (show the grades), ``--write``."""
    if argv[:1] == ["--read"]:
        read(argv[1])
        return
    queries = judged()
    if "-v" in argv or "-vv" in argv:
        for entry in queries:
            grades = entry["judgments"]
            print(f"=== {entry['text']} [{entry['class']}] "
                  f"{sum(g == 2 for g in grades.values())}x2 {sum(g == 1 for g in grades.values())}x1")
            for key, grade in grades.items():
                if grade == 2 or "-vv" in argv:
                    print("   ", grade, key)
    if "--write" in argv:
        JUDGED.parent.mkdir(parents=True, exist_ok=True)
        JUDGED.write_text(json.dumps(
            {"about": "Graded judgments over bench/relevance_corpus.py; how they were made: "
                      "tools/relevance/judge.py and docs/benchmarks.md (Relevance).",
             "queries": queries}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
