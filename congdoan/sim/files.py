"""Real attachment files for the simulator: small PDF and DOCX with Vietnamese text, scans.

Both are built in memory and cached, so serving the same attachment twice
returns the same bytes (stable sha256 for the attachment pipeline).
"""

from __future__ import annotations

import io
from functools import lru_cache

PDF_MEDIA_TYPE = "application/pdf"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The ToUnicode CMap maps each 2-byte code to the same UTF-16 code unit, so a
# reader recovers the Vietnamese text without us embedding a font. It lists only
# the code units the file uses: an identity range over <0000>-<FFFF> is valid
# but makes readers (pypdf) build a 65,536-entry table for every file.
_CMAP_HEAD = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
"""
_CMAP_TAIL = b"""endcmap
CMapName currentdict /CMap defineresource pop
end
end
"""
_BFCHAR_BLOCK = 100  # the PDF spec allows at most 100 entries per bfchar block


def _to_unicode(lines: tuple[str, ...]) -> bytes:
    units = sorted({unit for line in lines for unit in _utf16_units(line)})
    parts = [_CMAP_HEAD]
    for start in range(0, len(units), _BFCHAR_BLOCK):
        block = units[start:start + _BFCHAR_BLOCK]
        parts.append(b"%d beginbfchar\n" % len(block))
        parts.extend(b"<%04X> <%04X>\n" % (unit, unit) for unit in block)
        parts.append(b"endbfchar\n")
    parts.append(_CMAP_TAIL)
    return b"".join(parts)


def _utf16_units(text: str) -> list[int]:
    data = text.encode("utf-16-be")
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]


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
    to_unicode = _to_unicode(lines)
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
        b"<< /Length %d >>\nstream\n" % len(to_unicode) + to_unicode + b"endstream",
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


def build_file(name: str, lines: tuple[str, ...], *, scanned: bool = False
               ) -> tuple[bytes, str]:
    """Bytes and media type for an attachment called ``name`` holding ``lines``.

    ``scanned``: an image-only PDF of the lines rendered at 300 dpi (see ``scans``).
    """
    if scanned:
        from congdoan.sim.scans import build_scanned_pdf  # Pillow: only when a scan is served

        return build_scanned_pdf(lines), PDF_MEDIA_TYPE
    if name.lower().endswith(".docx"):
        return build_docx(lines), DOCX_MEDIA_TYPE
    return build_pdf(lines), PDF_MEDIA_TYPE
