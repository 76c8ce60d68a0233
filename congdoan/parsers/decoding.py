"""Turn a response body into text by the charset the page itself declares.

Everything NukeViet 4 serves is UTF-8, but older portals still declare
``windows-1258`` or ``iso-8859-1`` (and sometimes lie about it). We read the
declaration from the first bytes (BOM, XML declaration, ``<meta charset>``,
``<meta http-equiv=Content-Type>``), decode by it, then sanity-check.
"""

from __future__ import annotations

import codecs
import re

_SNIFF_BYTES = 4096
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Browsers (WHATWG encoding spec) read these labels as windows-1252; so do we,
# otherwise bytes 0x80-0x9f decode to control characters.
_WHATWG_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
                   "us-ascii": "cp1252", "ascii": "cp1252"}
_NON_ASCII = re.compile(rb"[\x80-\xff]")


def declared_charset(body: bytes) -> str | None:
    """The charset a page declares for itself (BOM, XML declaration or meta), else ``None``."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    head = body[:_SNIFF_BYTES]
    for pattern in (_XML_DECL, _META_CHARSET):
        match = pattern.search(head)
        if match:
            return match.group(1).decode("ascii").lower()
    return None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = _WHATWG_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_body(body: str | bytes) -> str:
    """Decode ``body`` by its declared charset, UTF-8 when none is declared or known.

    A page that declares a legacy charset but whose bytes are valid UTF-8 with
    non-ASCII text is read as UTF-8: a mis-declared UTF-8 page is far more
    common than legacy text that happens to form valid UTF-8 sequences.
    """
    if isinstance(body, str):
        return body.lstrip("\ufeff")
    codec = _codec(declared_charset(body))
    if codec and codec not in ("utf-8", "utf-16"):
        if _NON_ASCII.search(body):
            try:
                return body.decode("utf-8")
            except UnicodeDecodeError:
                pass
        return body.decode(codec, errors="replace")
    if codec == "utf-16":
        return body.decode("utf-16", errors="replace")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(body)
    if mostly is not None:
        return mostly
    # Undeclared or wrongly declared legacy Vietnamese: windows-1258 is the
    # likeliest; it maps every byte, so this cannot fail.
    return body.decode("cp1258", errors="replace")


def _mostly_utf8(body: bytes) -> str | None:
    """UTF-8 text with a few bad bytes (a legacy widget, a cut sequence), else ``None``.

    One stray Latin-1 byte in a footer must not turn a whole UTF-8 page into
    windows-1258 mojibake: when valid multi-byte characters outnumber the
    invalid sequences ten to one, the page is UTF-8 and only the bad bytes
    become U+FFFD.
    """
    text = body.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    return text if good >= 10 * bad else None
