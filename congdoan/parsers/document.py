"""NukeViet laws module ("Văn bản"): one document page → the fields of docs/contracts.md.

Fields are read **by label**, never by position: the CMS leaves out the whole
row of an empty field, and themes lay rows out as ``tr.hoatim`` label/value
pairs, property tables with two pairs per row, ``dl`` lists or
``Label: value`` lines.
"""

from __future__ import annotations

import re
from itertools import pairwise

import lxml.html
from lxml.cssselect import CSSSelector

from congdoan.normalize.text import clean_line
from congdoan.parsers.article import attachment_name
from congdoan.parsers.body import body_lines, clean_fragment
from congdoan.parsers.errors import ParseError
from congdoan.parsers.markup import (
    HtmlElement,
    absolute,
    base_url,
    canonical_url,
    first,
    is_element,
    label_key,
    parse_html,
    split_label,
    text_of,
)
from congdoan.parsers.nukeviet_urls import document_id


def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")


# Folded label → contract key. "kí"/"ký" fold alike (see markup.label_key).
FIELD_LABELS = {
    # laws module 4.x says "Số kí hiệu"; its newer releases (and the eGov edition) "Số hiệu
    # văn bản" (lang code), with "Số hiệu" in listings.
    "so ki hieu": "code", "so hieu": "code", "ki hieu": "code", "so van ban": "code",
    "so hieu van ban": "code", "so ki hieu van ban": "code", "ma van ban": "code",
    "ngay ban hanh": "issued_text", "ban hanh ngay": "issued_text",
    "ngay bat dau hieu luc": "effective_text", "ngay hieu luc": "effective_text",
    "ngay co hieu luc": "effective_text", "hieu luc tu ngay": "effective_text",
    "ngay het hieu luc": "expires_text", "het hieu luc": "expires_text",
    "the loai": "category", "loai van ban": "category",
    "linh vuc": "field",
    "co quan ban hanh": "issuer", "noi ban hanh": "issuer", "don vi ban hanh": "issuer",
    "co quan ban hanh van ban": "issuer",
    "nguoi ki": "signer", "nguoi ki duyet": "signer",
    "trich yeu": "intro",
    "luot xem": "views", "so luot xem": "views",
    "luot tai": "downloads", "so luot tai": "downloads", "luot tai ve": "downloads",
}
_TITLE = [_css(s) for s in (".lawh3", ".law-detail h1", "h1.title", ".law-detail h2")]
_DOWNLOADS = _css(".laws-download-file a[href]")
_DOWNLOAD_LINKS = _css("a[href*='download=1']")
_INTRO_TABBED = _css("#doc-basic p, .law-detail .tab-pane p")
_BODY_TABBED = _css("#doc-body .bodytext, .law-detail .bodytext")
_COUNT = re.compile(r"\d[\d.,]*")
_BODY_HEADING = {"noi dung", "noi dung van ban", "toan van"}
# Headings of the laws detail page's own sections (folded), never a document title.
_SECTION_HEADINGS = _BODY_HEADING | {
    "file dinh kem", "tap tin dinh kem", "tai lieu dinh kem", "tai ve", "van ban lien quan",
    "cac van ban cung the loai", "cac van ban khac", "thong tin van ban", "luoc do",
}


def parse_document(html: str | bytes, url: str) -> dict:
    """Read one laws-module document page; see docs/contracts.md for the returned keys.

    Raises ``ParseError`` when the page has no document title (``.lawh3``) and
    no labelled field rows, i.e. it is not a document page.
    """
    doc = parse_html(html)
    base = base_url(doc, url)
    title_el = _title_element(doc)
    fields = _labelled_fields(doc)
    if title_el is None:
        raise ParseError(url, "not a document page: no title (.lawh3)")
    if not fields:
        raise ParseError(url, "not a document page: no labelled fields (Số kí hiệu, …)")
    scope = _document_scope(title_el)
    intro = fields.get("intro") or _intro_after(title_el) or text_of(first(_INTRO_TABBED(doc)))
    return {
        "code": _line(fields.get("code"), unescape=True),
        "title": text_of(title_el, unescape=True),
        "intro": _line(intro) if isinstance(intro, HtmlElement) else intro,
        "body_text": _body_text(scope, base),
        "issued_text": _line(fields.get("issued_text")),
        "effective_text": _line(fields.get("effective_text")),
        "expires_text": _line(fields.get("expires_text")),
        "signer": _line(fields.get("signer")),
        "issuer": _line(fields.get("issuer")),
        "category": _line(fields.get("category")),
        "field": _values(fields.get("field")),
        "views": _count(fields.get("views")),
        "downloads": _count(fields.get("downloads")),
        "attachments": _attachments(scope, base),
        "source_id": document_id(url) or document_id(canonical_url(doc, url)),
        "canonical_url": canonical_url(doc, url),
    }


def _title_element(doc: HtmlElement) -> HtmlElement | None:
    for selector in _TITLE:
        for el in selector(doc):
            # The first .lawh3 is the title; later ones head "Nội dung", "File đính kèm".
            # When the title itself is missing those must not stand in for it.
            text = text_of(el)
            if text and label_key(text) not in _SECTION_HEADINGS:
                return el
    return None


def _document_scope(title_el: HtmlElement) -> HtmlElement:
    """The column holding the document (title, fields, body, files), not the sidebars."""
    scope = title_el.getparent()
    law_detail = next((a for a in title_el.iterancestors()
                       if "law-detail" in (a.get("class") or "")), None)
    return law_detail if law_detail is not None else scope


def _labelled_fields(doc: HtmlElement) -> dict[str, HtmlElement | str]:
    """Label → value element (or text), from table rows, ``dl`` lists or label lines."""
    fields: dict[str, HtmlElement | str] = {}
    for row in doc.iter("tr"):
        cells = [c for c in row if is_element(c) and c.tag in ("td", "th")]
        for label_cell, value_cell in pairwise(cells):
            key = FIELD_LABELS.get(label_key(label_cell.text_content()))
            if key and key not in fields:
                fields[key] = value_cell
    for dt in doc.iter("dt"):
        dd = dt.getnext()
        key = FIELD_LABELS.get(label_key(dt.text_content()))
        if key and dd is not None and dd.tag == "dd":
            fields.setdefault(key, dd)
    if not fields:  # "Số ký hiệu: 92/CT-UBND" lines in a re-templated theme
        for el in doc.iter("li", "p"):
            match = split_label(el.text_content(), FIELD_LABELS)
            if match and match[1]:
                fields.setdefault(match[0], match[1])
    return fields


def _line(value: HtmlElement | str | None, *, unescape: bool = False) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return clean_line(value, unescape=unescape)
    return text_of(value, unescape=unescape)


def _values(value: HtmlElement | str | None) -> list[str]:
    """One entry per area: the cell's links, else its lines (``<br>``-separated)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v for part in value.split(",") if (v := clean_line(part))]
    links = [t for a in value.iter("a") if (t := text_of(a, unescape=True))]
    return links or body_lines(value)


def _count(value: HtmlElement | str | None) -> int | None:
    text = _line(value)
    match = _COUNT.search(text or "")
    return int(re.sub(r"\D", "", match.group())) if match else None


def _intro_after(title_el: HtmlElement) -> str | None:
    """The trích yếu: the paragraph right after the title, when it is one."""
    sibling = title_el.getnext()
    if sibling is not None and sibling.tag == "p":
        return text_of(sibling)
    return None


def _body_text(scope: HtmlElement, base: str) -> str | None:
    """The document text when the page shows it: after a "Nội dung" heading, or a tab."""
    tabbed = first(_BODY_TABBED(scope))
    if tabbed is not None:
        return "\n".join(body_lines(clean_fragment(tabbed, base))) or None
    for heading in scope.iter("h2", "h3", "h4", "div", "p"):
        text = heading.text_content()
        if len(text) > 40 or label_key(text) not in _BODY_HEADING:
            continue
        lines: list[str] = []
        for sibling in heading.itersiblings():
            classes = sibling.get("class") or ""
            if (not is_element(sibling) or sibling.tag in ("h1", "h2", "h3", "h4")
                    or sibling.get("id") == "comment" or "lawh3" in classes
                    or "laws-download-file" in classes or "subtitle" in classes):
                break
            lines += body_lines(_wrap(clean_fragment(sibling, base)))
        return "\n".join(lines) or None
    return None


def _wrap(el: HtmlElement) -> HtmlElement:
    # body_lines reads an element's *content*; wrap so the element itself counts as a block.
    wrapper = lxml.html.Element("div")
    wrapper.append(el)
    return wrapper


def _attachments(scope: HtmlElement, base: str) -> list[dict]:
    links = [a for a in _DOWNLOADS(scope) if not a.get("href", "").startswith("#")
             and a.get("role") != "button"]
    if not links:
        links = _DOWNLOAD_LINKS(scope)
    files, seen = [], set()
    for a in links:
        href = absolute(base, a.get("href"))
        if href and href not in seen:
            seen.add(href)
            files.append({"url": href, "name": attachment_name(a)})
    return files
