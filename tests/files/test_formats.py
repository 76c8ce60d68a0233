"""Each supported format yields its text, per page, NFC, with how and by what it was read."""

from __future__ import annotations

import io
import unicodedata

import pytest

from congdoan.files.read import read_file
from congdoan.files.textlayer import needs_ocr
from congdoan.sim.files import build_pdf
from congdoan.sim.scans import pages_to_pdf, render_page
from tests.files.makers import odf_package, zip_of

SCAN_LINES = ("QUYẾT ĐỊNH", "Về việc khen thưởng đoàn viên công đoàn xuất sắc")


@pytest.fixture(scope="module")
def scanned_page() -> object:
    return render_page(SCAN_LINES, width_px=1500)


def test_a_pdf_with_a_text_page_and_a_scanned_page_is_read_page_by_page(scanned_page) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    text_pdf = build_pdf(("Căn cứ Luật Công đoàn năm 2012 và Điều lệ Công đoàn Việt Nam",))
    writer.append(PdfReader(io.BytesIO(text_pdf)))
    writer.append(PdfReader(io.BytesIO(pages_to_pdf([scanned_page]))))
    buffer = io.BytesIO()
    writer.write(buffer)

    reading = read_file(buffer.getvalue(), "quyet-dinh.pdf")
    assert reading.status == "ok", reading.reason
    assert [(p.number, p.method) for p in reading.pages] == [(1, "text"), (2, "ocr")]
    assert reading.pages[0].text.startswith("Căn cứ Luật Công đoàn")
    assert reading.pages[0].engine.startswith("pdfium ")
    scanned = reading.pages[1]
    assert scanned.engine.startswith("tesseract ") and scanned.engine.endswith(" vie")
    assert scanned.confidence is not None and 0 < scanned.confidence <= 100
    assert "Về việc khen thưởng đoàn viên" in scanned.text
    assert unicodedata.is_normalized("NFC", scanned.text)


def test_a_skewed_noisy_scan_is_straightened_and_read(scanned_page) -> None:
    from congdoan.files.ocr import estimate_skew

    noisy = render_page(SCAN_LINES, width_px=1500, noisy=True, seed=4)
    angle = estimate_skew(noisy.convert("L"))
    assert 0.8 <= abs(angle) <= 2.2  # the renderer skews by 1-2 degrees
    assert abs(estimate_skew(scanned_page.convert("L"))) < 0.2
    reading = read_file(pages_to_pdf([noisy]), "ban-quet.pdf")
    assert "khen thưởng đoàn viên" in reading.text


def test_an_image_is_read_by_ocr(scanned_page) -> None:
    buffer = io.BytesIO()
    scanned_page.save(buffer, "PNG", dpi=(300, 300))
    reading = read_file(buffer.getvalue(), "anh-chup.png")
    assert reading.media_type == "image/png" and reading.status == "ok"
    assert reading.pages[0].method == "ocr" and "QUYẾT ĐỊNH" in reading.text


def test_an_rtf_is_read_by_catdoc() -> None:
    rtf = (b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}}\\f0 C\\u244?ng \\u273?o\\u224?n "
           b"c\\u417? s\\u7903?\\par H\\u432?\\u7899?ng d\\u7851?n s\\u7889? 12}")
    reading = read_file(rtf, "huong-dan.rtf")
    assert reading.status == "ok", reading.reason
    assert reading.text == "Công đoàn cơ sở\nHướng dẫn số 12"
    assert reading.pages[0].engine == "catdoc"


def test_an_xlsx_gives_the_text_of_its_cells() -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tổng hợp"
    sheet.append(["Đơn vị", "Số đoàn viên"])
    sheet.append(["Công đoàn ngành Giáo dục", 1520])
    buffer = io.BytesIO()
    workbook.save(buffer)
    reading = read_file(buffer.getvalue(), "so-lieu.xlsx")
    assert reading.status == "ok", reading.reason
    assert reading.text == "Tổng hợp\nĐơn vị Số đoàn viên\nCông đoàn ngành Giáo dục 1520"


def _docx_with_a_table() -> bytes:
    from docx import Document

    document = Document()
    document.add_heading("QUYẾT ĐỊNH", level=1)
    document.add_paragraph("Về việc khen thưởng đoàn viên")
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, (("Đơn vị", "Số đoàn viên"), ("Giáo dục", "1520")),
                          strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_docx_gives_its_paragraphs_then_its_table_rows() -> None:
    reading = read_file(_docx_with_a_table(), "quyet-dinh.docx")
    assert reading.status == "ok", reading.reason
    assert reading.pages[0].engine == "python-docx"
    assert reading.text == ("QUYẾT ĐỊNH\nVề việc khen thưởng đoàn viên\n"
                            "Đơn vị Số đoàn viên\nGiáo dục 1520")


def _docx_of_every_kind() -> bytes:
    """Paragraphs with a tab, a line break and a hyperlink; tables with merged cells."""
    from docx import Document
    from docx.oxml.parser import parse_xml

    document = Document()
    document.add_heading("KẾ HOẠCH", level=1)
    run = document.add_paragraph("Thời gian:").add_run()
    run.add_tab()
    run.add_text("08:00")
    run.add_break()
    run.add_text("ngày 12/5/2025")
    linked = document.add_paragraph("Xem ")
    linked._p.append(parse_xml(
        '<w:hyperlink xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:r><w:t>văn bản gốc</w:t></w:r></w:hyperlink>'))
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"ô {r}.{c}"
    table.cell(0, 0).merge(table.cell(0, 1))  # across
    table.cell(1, 2).merge(table.cell(2, 2))  # down
    document.add_table(rows=1, cols=1).cell(0, 0).text = "Bảng hai"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_docx_reads_as_python_docx_reads_the_whole_package() -> None:
    """The reader parses only the main document part; the text is docx.Document's."""
    from docx import Document

    from congdoan.normalize.text import clean_text

    for data in (_docx_with_a_table(), _docx_of_every_kind()):
        document = Document(io.BytesIO(data))
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append(" ".join(cell.text for cell in row.cells))
        reading = read_file(data, "ke-hoach.docx")
        assert reading.status == "ok", reading.reason
        assert reading.text == clean_text("\n".join(lines))
    assert "văn bản gốc" in reading.text and "Bảng hai" in reading.text


def test_a_package_that_is_not_a_word_file_is_refused_as_python_docx_refuses_it() -> None:
    from docx import Document
    from openpyxl import Workbook

    from congdoan.files.office import DOCX, read_office
    from congdoan.files.reading import Limits

    buffer = io.BytesIO()
    Workbook().save(buffer)
    no_document = zip_of({"[Content_Types].xml": (
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
        "_rels/.rels": (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"/>')})
    for package, error in ((buffer.getvalue(), ValueError), (no_document, KeyError)):
        with pytest.raises(error):
            Document(io.BytesIO(package))
        reading = read_office(package, DOCX, Limits())  # as if it had sniffed as DOCX
        assert reading.status == "failed" and reading.reason.startswith("corrupt DOCX")


def test_a_read_docx_leaves_no_parsed_xml_for_the_garbage_collector() -> None:
    """python-docx links its parsed parts in cycles; the reader breaks them, so the lxml
    trees go when the reading ends, not at a full collection (rare in a crawl)."""
    import gc

    from lxml import etree

    data = _docx_with_a_table()
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        assert read_file(data, "quyet-dinh.docx").status == "ok"
        gc.collect()
        trees = [o for o in gc.garbage if isinstance(o, (etree._Element, etree._ElementTree))
                 or type(o).__name__ == "_Document"]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert trees == []


ODT_BODY = (
    '<office:text><text:h text:outline-level="1">QUYẾT ĐỊNH</text:h>'
    '<text:p text:style-name="P1">Về việc <text:span text:style-name="T1">khen thưởng</text:span>'
    ' đoàn viên<text:s text:c="2"/>xuất sắc<text:tab/>năm 2024</text:p>'
    '<text:p>Điều 1.<text:line-break/>Tặng giấy khen cho '
    '<text:a xlink:href="http://127.0.0.1/">Công đoàn cơ sở</text:a>.</text:p>'
    '<table:table table:name="Bảng1"><table:table-row>'
    '<table:table-cell><text:p>Đơn vị</text:p></table:table-cell>'
    '<table:table-cell><text:p>Số đoàn viên</text:p></table:table-cell>'
    '</table:table-row></table:table></office:text>')


def test_an_odt_gives_the_text_of_its_paragraphs_not_its_xml() -> None:
    data = odf_package("application/vnd.oasis.opendocument.text", ODT_BODY)
    reading = read_file(data, "quyet-dinh.odt")
    assert reading.status == "ok", reading.reason
    assert reading.media_type == "application/vnd.oasis.opendocument.text"
    assert reading.text == ("QUYẾT ĐỊNH\n"
                            "Về việc khen thưởng đoàn viên xuất sắc năm 2024\n"
                            "Điều 1.\nTặng giấy khen cho Công đoàn cơ sở.\n"
                            "Đơn vị\nSố đoàn viên")
    assert "<" not in reading.text and "office:" not in reading.text


def test_an_ods_gives_the_text_of_its_cells() -> None:
    body = ('<office:spreadsheet><table:table table:name="Tổng hợp"><table:table-row>'
            '<table:table-cell><text:p>Công đoàn ngành Giáo dục</text:p></table:table-cell>'
            '<table:table-cell><text:p>1520</text:p></table:table-cell>'
            '</table:table-row></table:table></office:spreadsheet>')
    reading = read_file(odf_package("application/vnd.oasis.opendocument.spreadsheet", body),
                        "so-lieu.ods")
    assert reading.status == "ok", reading.reason
    assert reading.text == "Công đoàn ngành Giáo dục\n1520"


def test_an_archive_is_read_member_by_member_with_their_names(scanned_page) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("Kế hoạch tổ chức Đại hội Công đoàn cơ sở")
    docx = io.BytesIO()
    document.save(docx)
    archive = zip_of({"../../etc/ke-hoach.docx": docx.getvalue(),
                      "scan/trang-1.pdf": pages_to_pdf([scanned_page]),
                      "ghi-chu.txt": b"khong doc"})
    reading = read_file(archive, "ho-so.zip")
    members = [(p.member, p.method) for p in reading.pages]
    assert members == [("ke-hoach.docx", "text"), ("trang-1.pdf", "ocr")]
    assert "Kế hoạch tổ chức Đại hội" in reading.text and "khen thưởng" in reading.text
    assert reading.status == "partial"  # the .txt member has no reader: said, not hidden
    assert "ghi-chu.txt: no reader for text/plain" in reading.reason


def test_text_layers_needing_ocr_are_recognised() -> None:
    assert needs_ocr("")
    assert needs_ocr("- 3 -")  # a scanner's page number: no real layer
    assert needs_ocr("Céng hoµ x· héi chñ nghÜa ViÖt Nam §éc lËp Tù do H¹nh phóc")  # TCVN3
    assert not needs_ocr("Cộng hoà xã hội chủ nghĩa Việt Nam, Độc lập - Tự do - Hạnh phúc")
    assert not needs_ocr("Trang van ban mau so lieu thong ke cong doan")


def test_a_long_file_stops_at_the_time_limit_with_what_it_read(scanned_page) -> None:
    from congdoan.files.reading import Limits

    pdf = pages_to_pdf([scanned_page, scanned_page, scanned_page])
    reading = read_file(pdf, "ba-trang.pdf", Limits(file_seconds=0.0))
    assert reading.status == "partial"
    assert reading.reason == "time limit of 0 s reached: pages 2-3 were not read"
    assert [p.number for p in reading.pages] == [1]  # the page read is kept
    assert "khen thưởng" in reading.text
