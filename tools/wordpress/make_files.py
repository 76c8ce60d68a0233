"""Make the lab site's attached files: two PDFs and one DOCX with Vietnamese text.

Usage: python make_files.py OUT_DIR. Deterministic (fixed text, fixed zip
timestamps), so every capture run uploads identical bytes.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

PDFS = {
    "ke-hoach-thang-cong-nhan-2026.pdf": "Ke hoach to chuc Thang Cong nhan nam 2026",
    "bang-luong-toi-thieu-vung.pdf": "Bang luong toi thieu vung tu 01/01/2027",
}
DOCX = {
    "huong-dan-to-chuc-dai-hoi.docx":
        "Hướng dẫn tổ chức đại hội công đoàn cơ sở nhiệm kỳ 2027 - 2032",
}


def pdf_bytes(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII, Helvetica), with a correct xref table."""
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def docx_bytes(text: str) -> bytes:
    """A minimal WordprocessingML document with one paragraph; fixed zip timestamps."""
    import io

    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            '</Relationships>'),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
            f'main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>'),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 9, 1, 0, 0, 0)),
                             xml.encode("utf-8"))
    return buffer.getvalue()


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in PDFS.items():
        (out / name).write_bytes(pdf_bytes(text))
    for name, text in DOCX.items():
        (out / name).write_bytes(docx_bytes(text))


if __name__ == "__main__":
    main(sys.argv[1])
