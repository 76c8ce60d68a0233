"""Real attachment files for the simulator: small valid PDF and DOCX with Vietnamese text.

Both are built in memory and cached, so serving the same attachment twice
returns the same bytes (stable sha256 for the attachment pipeline).
"""

from __future__ import annotations

import io
from functools import lru_cache

PDF_MEDIA_TYPE = "application/pdf"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# One identity CMap maps each 2-byte code to the same UTF-16 code unit, so a
# reader recovers the Vietnamese text without us embedding a font.
_TO_UNICODE = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
1 beginbfrange
<0000> <FFFF> <0000>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
"""


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


@lru_cache(maxsize=512)
def build_pdf(lines: tuple[str, ...]) -> bytes:
    """Return a one-page PDF whose text layer holds ``lines`` (one text line each)."""
    ops = ["BT", "/F1 12 Tf", "14 TL", "50 800 Td"]
    for line in lines:
        ops.append(f"<{_utf16_hex(line)}> Tj T*")
    ops.append("ET")
    content = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ArialUnicodeMS /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ArialUnicodeMS "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor 8 0 R /DW 600 >>",
        b"<< /Length %d >>\nstream\n" % len(_TO_UNICODE) + _TO_UNICODE + b"endstream",
        b"<< /Type /FontDescriptor /FontName /ArialUnicodeMS /Flags 32 "
        b"/FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 "
        b"/CapHeight 700 /StemV 80 >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref_at = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref_at)
    return out.getvalue()


@lru_cache(maxsize=512)
def build_docx(lines: tuple[str, ...]) -> bytes:
    """Return a DOCX document: the first line as a heading, the rest as paragraphs."""
    from docx import Document  # imported lazily: python-docx is slow to import

    document = Document()
    if lines:
        document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_file(name: str, lines: tuple[str, ...]) -> tuple[bytes, str]:
    """Bytes and media type for an attachment called ``name`` holding ``lines``."""
    if name.lower().endswith(".docx"):
        return build_docx(lines), DOCX_MEDIA_TYPE
    return build_pdf(lines), PDF_MEDIA_TYPE
