"""Reading NukeViet markup: parse a page, take text, make links absolute, match labels.

Small pure functions over lxml elements shared by the article, document and
listing parsers. Labels are compared *folded* (no case, no diacritics, đ→d,
``kí``/``ký`` alike, trailing colon dropped) because themes and versions
spell the same field label differently.
"""

from __future__ import annotations

import codecs
import html
import re
import threading
from collections.abc import Iterable
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from congdoan.normalize.text import clean_line, fold
from congdoan.parsers.decoding import decode, decode_body

HtmlElement = lxml.html.HtmlElement

_XML_DECL_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>")
_NOT_LINKS = ("javascript:", "mailto:", "tel:", "#", "data:")
# kí/ký (and the rarer "ki"/"ky" spellings of other labels) fold to the same key.
_KY = re.compile(r"\bky\b")
_HIDDEN_CLASSES = frozenset({"hidden", "hide", "d-none", "sr-only"})


_UTF8 = threading.local()  # one lxml parser per thread: parser objects are not shared


def parse_html(body: str | bytes) -> HtmlElement:
    """Parse a page (bytes decoded by their declared charset) into an lxml tree.

    The text is what ``congdoan.parsers.decoding`` makes of the bytes. A page that
    decoded cleanly as UTF-8 is parsed from its bytes with the encoding given,
    which reads the same characters into the same tree but is faster and lets
    lxml release the GIL while it parses (a crawl parses in worker threads);
    anything else (a legacy charset, U+FFFD for bad bytes, an XML declaration)
    is parsed from the decoded text.
    """
    if isinstance(body, str):
        text = body.lstrip("\ufeff")
    else:
        decoded = decode(body)
        text = decoded.text
        if decoded.encoding == "utf-8":
            raw = _clean_utf8(body, text)
            if raw is not None:
                return lxml.html.document_fromstring(raw, parser=_utf8_parser())
    text = _XML_DECL_TEXT.sub("", text, count=1)
    if not text.strip():
        text = "<html></html>"
    return lxml.html.document_fromstring(text)


def parse_html_tolerant(body: str | bytes) -> HtmlElement:
    """Parse a page with BeautifulSoup's own HTML parser into an lxml tree of the same kind.

    Slower than ``parse_html`` and only for pages libxml2 reads short: markup that
    goes on after ``</html>`` (templates that close the page before their last
    widgets), an attribute whose quote never closes (libxml2 drops the rest of the
    page). Python's ``html.parser``, through BeautifulSoup, keeps reading.
    """
    from lxml.html import soupparser  # BeautifulSoup is imported only for such pages

    text = decode_body(body) if isinstance(body, bytes) else body
    text = _XML_DECL_TEXT.sub("", text.lstrip("\ufeff").replace("\x00", ""), count=1)
    doc = soupparser.fromstring(text or "<html></html>", features="html.parser")
    body = doc.find("body")
    if body is not None:  # what browsers do with markup after </body>: it joins the body
        for stray in list(body.itersiblings()):
            if is_element(stray) and stray.tag != "head":
                body.append(stray)
    return doc


def _clean_utf8(body: bytes, text: str) -> bytes | None:
    """``body`` without its BOM when it is exactly ``text`` in UTF-8 and parses as is."""
    raw = body.removeprefix(codecs.BOM_UTF8)
    if not text.strip() or _XML_DECL_TEXT.match(text):
        return None  # the text path replaces these
    try:
        if raw.decode("utf-8") != text:
            return None
    except UnicodeDecodeError:  # w3lib decoded a declared UTF-8 page with U+FFFD
        return None
    return raw


def _utf8_parser() -> lxml.html.HTMLParser:
    parser = getattr(_UTF8, "parser", None)
    if parser is None:
        parser = _UTF8.parser = lxml.html.HTMLParser(encoding="utf-8")
    return parser


def base_url(doc: HtmlElement, url: str) -> str:
    """The URL relative links resolve against: ``<base href>`` when set, else the page URL."""
    for base in doc.iter("base"):
        href = base.get("href")
        if href:
            return urljoin(url, href.strip())
    return url


def absolute(base: str, href: str | None) -> str | None:
    """``href`` resolved against ``base``; ``None`` for empty, fragment or script links."""
    if not href:
        return None
    href = href.strip()
    if not href or href.lower().startswith(_NOT_LINKS):
        return None
    return urljoin(base, href)


def text_of(el: HtmlElement | None, *, unescape: bool = False) -> str | None:
    """The element's text on one line, whitespace collapsed, NFC; ``None`` when empty.

    ``unescape`` undoes a second layer of entities: NukeViet stores titles and
    codes entity-encoded, and some themes print them escaped once more.
    """
    if el is None:
        return None
    return clean_line(el.text_content(), unescape=unescape)


def first(nodes: Iterable[HtmlElement]) -> HtmlElement | None:
    """The first node of an iterable, or ``None``."""
    return next(iter(nodes), None)


def is_hidden(el: HtmlElement) -> bool:
    """True when the element or an ancestor is hidden by class, attribute or inline style."""
    node: HtmlElement | None = el
    while node is not None and isinstance(node.tag, str):
        classes = set((node.get("class") or "").split())
        style = (node.get("style") or "").replace(" ", "").lower()
        if classes & _HIDDEN_CLASSES or node.get("hidden") is not None or "display:none" in style:
            return True
        node = node.getparent()
    return False


def label_key(text: str | None) -> str:
    """A label folded for comparison: ``"Số Ký hiệu :"`` → ``"so ki hieu"``."""
    if not text:
        return ""
    key = fold(html.unescape(text)).strip().rstrip(":").strip()
    return _KY.sub("ki", key)


def split_label(text: str | None, labels: dict[str, str]) -> tuple[str, str | None] | None:
    """Split ``"Label: value"`` text when its label folds to a key of ``labels``.

    Returns ``(labels[key], value or None)``; ``None`` when the text does not
    start with a known label. Works without a colon too (``"Tác giả Thu Hà"``).
    """
    line = clean_line(text)
    if not line:
        return None
    if ":" in line:
        head, _, rest = line.partition(":")
        name = labels.get(label_key(head))
        if name:
            return name, clean_line(rest)
    words = line.split(" ")
    for size in range(min(5, len(words)), 0, -1):
        name = labels.get(label_key(" ".join(words[:size])))
        if name:
            return name, clean_line(" ".join(words[size:]))
    return None


def remove(el: HtmlElement) -> None:
    """Drop an element but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def is_element(node: object) -> bool:
    """True for element nodes (not comments or processing instructions)."""
    return isinstance(node, etree._Element) and isinstance(node.tag, str)


def canonical_url(doc: HtmlElement, url: str) -> str:
    """``<link rel=canonical>`` made absolute, else the page URL."""
    for link in doc.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            resolved = absolute(url, link.get("href"))
            if resolved:
                return resolved
    return url


DATE_PATTERN = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b")


def find_date_text(elements: Iterable[HtmlElement]) -> str | None:
    """Text of the first visible element that shows a ``dd/mm/yyyy`` date, on one line.

    Elements carrying an ``itemprop`` are skipped: NukeViet's hidden
    ``datePublished``/``dateModified`` hold the admin-panel creation time.
    """
    for el in elements:
        if el.get("itemprop") or is_hidden(el):
            continue
        text = text_of(el)
        if text and DATE_PATTERN.search(text):
            return text
    return None
