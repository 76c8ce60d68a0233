"""Turn a response body into text the way Scrapy does, plus two rules for Vietnamese portals.

Charset sniffing (BOM, XML declaration, ``<meta charset>``, ``<meta
http-equiv=Content-Type>``, the WHATWG label aliases such as ``iso-8859-1`` ->
windows-1252) is ``w3lib.encoding``'s, the library Scrapy's ``TextResponse``
uses, so a page reads the same in a parser and in Scrapy. Only what w3lib
lacks is added here, each rule named in ``Decoded.rule``:

- ``declared-but-utf8``: a page that declares a legacy charset but whose bytes
  are valid UTF-8 with non-ASCII text is UTF-8 (mis-declared UTF-8 is far more
  common than legacy text that happens to form valid UTF-8 sequences);
- ``mostly-utf8``: undeclared bytes that are UTF-8 but for a few bad bytes (a
  legacy widget, a cut sequence) stay UTF-8, with U+FFFD for the bad bytes;
- ``windows-1258``: undeclared bytes that are not UTF-8 are legacy Vietnamese
  (Scrapy would guess with charset-normalizer, which often says cp1252 or
  a Cyrillic code page for Vietnamese text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from w3lib.encoding import html_body_declared_encoding, html_to_unicode, read_bom, resolve_encoding

_NON_ASCII = re.compile(rb"[\x80-\xff]")
_UNICODE = ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")


@dataclass(frozen=True)
class Decoded:
    """A decoded body, the codec used and the rule of ours that decided it (``None``: w3lib's)."""

    text: str
    encoding: str
    rule: str | None = None


def decode(body: bytes) -> Decoded:
    """Decode ``body`` as Scrapy would, unless one of this module's rules applies."""
    bom_encoding, _ = read_bom(body)
    declared = None if bom_encoding else html_body_declared_encoding(body)
    codec = resolve_encoding(declared) if declared else None
    if codec and codec not in _UNICODE and _NON_ASCII.search(body):
        try:
            return Decoded(body.decode("utf-8"), "utf-8", "declared-but-utf8")
        except UnicodeDecodeError:
            pass
    if bom_encoding or codec:
        encoding, text = html_to_unicode(None, body)
        return Decoded(text, encoding)
    try:
        return Decoded(body.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(body)
    if mostly is not None:
        return Decoded(mostly, "utf-8", "mostly-utf8")
    # windows-1258 maps every byte, so this cannot fail.
    return Decoded(body.decode("cp1258", errors="replace"), "cp1258", "windows-1258")


def decode_body(body: str | bytes) -> str:
    """``body`` as text: a ``str`` loses a leading BOM; bytes go through ``decode``."""
    if isinstance(body, str):
        return body.lstrip("\ufeff")
    return decode(body).text


def _mostly_utf8(body: bytes) -> str | None:
    """UTF-8 text with a few bad bytes, else ``None``.

    One stray Latin-1 byte in a footer must not turn a whole UTF-8 page into
    windows-1258 mojibake: when valid multi-byte characters outnumber the
    invalid sequences ten to one, the page is UTF-8 and only the bad bytes
    become U+FFFD.
    """
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    return text if good >= 10 * bad else None
