"""Builders of the files the reading tests feed: made here, in memory, never downloaded."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib


def many_page_pdf(pages: int, line: str = "Trang van ban mau so lieu thong ke cong doan") -> bytes:
    """A valid PDF of ``pages`` pages, each drawing ``line`` (ASCII) from one shared stream."""
    content = f"BT /F1 12 Tf 50 800 Td ({line}) Tj ET".encode("ascii")
    first_page = 5
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (first_page + i)
                                              for i in range(pages)) + b"] /Count %d >>" % pages,
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 4 0 R >> >> /Contents 3 0 R >>"] * pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def huge_png(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels, with one row of data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = zlib.compress(b"\x00" + b"\xff" * width)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", row)
            + chunk(b"IEND", b""))


def zip_of(members: dict[str, bytes]) -> bytes:
    """A ZIP archive (deflated) holding ``members``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_bomb(unpacked: int) -> bytes:
    """A ZIP whose one member inflates to ``unpacked`` bytes of zeros (about 1/1000 packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("bao-cao.pdf", "w", force_zip64=True) as member:
        block = bytes(1 << 20)
        for _ in range(unpacked >> 20):
            member.write(block)
    return out.getvalue()


ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def odf_package(media_type: str, body: str, extra: dict[str, bytes] | None = None) -> bytes:
    """An OpenDocument package as LibreOffice writes one: ``mimetype`` first and stored,
    then ``content.xml`` (``body`` inside ``office:body``), styles, meta and the manifest."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        f'xmlns:text="{ODF_TEXT}" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3">'
        '<office:automatic-styles/>'
        f'<office:body>{body}</office:body></office:document-content>')
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
        f'manifest:media-type="{media_type}"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '</manifest:manifest>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(zipfile.ZipInfo("mimetype"), media_type, zipfile.ZIP_STORED)
        package.writestr("content.xml", content)
        package.writestr("styles.xml", '<?xml version="1.0"?><office:document-styles '
                         'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>')
        package.writestr("meta.xml", "<?xml version=\"1.0\"?><meta/>")
        package.writestr("META-INF/manifest.xml", manifest)
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return out.getvalue()
