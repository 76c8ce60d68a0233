"""NukeViet listing pages: news categories and the laws module list.

News: items are the headings' links in ``.news_column`` blocks plus the
secondary "older" list (``ul.related``, ``Title <em>(dd/mm/yyyy)</em>``).
Laws: ``.table-rows`` whose cells are read by their hidden ``span.label-name``
label (class names ``c-code``/``c-time``/``c-intro``/``c-file`` as fallback),
or a plain table whose header row carries the same labels.
Both: ``next_page`` is the link after the active ``li`` of ``ul.pagination``,
else ``rel=next``; ``None`` on the last page.
"""

from __future__ import annotations

import copy
import re

from lxml.cssselect import CSSSelector

from congdoan.normalize.text import clean_line
from congdoan.parsers.article import attachment_name
from congdoan.parsers.document import FIELD_LABELS
from congdoan.parsers.errors import ParseError
from congdoan.parsers.markup import (
    DATE_PATTERN,
    HtmlElement,
    absolute,
    base_url,
    find_date_text,
    first,
    is_element,
    label_key,
    parse_html,
    remove,
    text_of,
)


def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")


_ARTICLE_HREF = re.compile(r"-\d+\.html?(?:$|[?#&])")
_NEWS_COLUMN = _css(".news_column")
_HEADING_LINKS = _css("h2 a[href], h3 a[href], h4 a[href], .title a[href]")
_OLDER_LISTS = _css("ul.related, ul.list-items, ul.related-square")
_ITEM_META = _css(".text-muted, .meta, .time, .viewmore, .icon_new, p.text-right, "
                  "script, style, img, h2, h3, h4")
_PAGINATION = _css("ul.pagination, .pagination")
_LAW_ROWS = _css(".table-rows")
_LAW_HEAD = _css(".flex-table-laws > .table-head")
_LABEL_NAME = _css(".label-name")
_LAW_CELL_CLASSES = {"c-code": "code", "c-time": "issued_text", "c-intro": "intro",
                     "c-file": "files"}
_LIST_LABELS = {**FIELD_LABELS, "file dinh kem": "files", "tap tin": "files",
                "tai ve": "files", "van ban": "code"}
# "31/03/2026 11:58:00 PM" as well as "31/03/2026 23:58:00" and "(08/06/2017)".
_LISTED_DATE = re.compile(
    r"\d{1,2}/\d{1,2}/\d{4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?)?"
)


def parse_article_list(html: str | bytes, url: str) -> dict:
    """A news category (or home) page: ``{"items": [{url, title, listed_text, summary}],
    "next_page": url | None}``. Raises ``ParseError`` when it lists no article."""
    doc = parse_html(html)
    base = base_url(doc, url)
    columns = [c for c in _NEWS_COLUMN(doc) if not _is_inside_other(c, _NEWS_COLUMN(doc))]
    scopes = columns or [doc]
    items: list[dict] = []
    for scope in scopes:
        items += _heading_items(scope, base)
    # The secondary "older" list sits beside the .news_column blocks, in the same column.
    main = columns[0].getparent() if columns else None
    older = {ul: None for scope in [main if main is not None else doc, *columns]
             for ul in _OLDER_LISTS(scope)}
    for ul in older:
        items += _older_items(ul, base)
    items = _dedupe(items)
    if not items and not columns:
        raise ParseError(url, "not a news listing: no .news_column and no article links")
    # An empty .news_column is a category with no articles yet: a listing, just empty.
    return {"items": items, "next_page": next_page(doc, base)}


def _is_inside_other(el: HtmlElement, candidates: list[HtmlElement]) -> bool:
    return any(other is not el and other in el.iterancestors() for other in candidates)


def _heading_items(scope: HtmlElement, base: str) -> list[dict]:
    links = [a for a in _HEADING_LINKS(scope) if _ARTICLE_HREF.search(a.get("href", ""))]
    items = []
    for a in links:
        block = _item_block(a, links, scope)
        items.append({
            "url": absolute(base, a.get("href")),
            "title": text_of(a, unescape=True) or clean_line(a.get("title"), unescape=True),
            "listed_text": _listed_text(block),
            "summary": _item_summary(block),
        })
    return items


def _item_block(link: HtmlElement, links: list[HtmlElement], scope: HtmlElement) -> HtmlElement:
    """The largest ancestor of ``link`` holding no other item's heading link."""
    others = [a for a in links if a is not link]
    block = link
    for ancestor in link.iterancestors():
        if ancestor is scope or any(ancestor in a.iterancestors() for a in others):
            break
        block = ancestor
    return block


def _listed_text(block: HtmlElement) -> str | None:
    candidates = [el for el in block.iter("li", "span", "em", "time", "div", "p")
                  if len(el) <= 2]
    text = find_date_text(candidates)
    match = _LISTED_DATE.search(text or "")
    return match.group() if match else None


def _item_summary(block: HtmlElement) -> str | None:
    if block.tag in ("a", "h2", "h3", "h4"):
        return None
    frag = copy.deepcopy(block)
    for el in list(_ITEM_META(frag)):
        remove(el)
    for a in list(frag.iter("a")):
        if not text_of(a):  # image links
            remove(a)
    return clean_line(frag.text_content())


def _older_items(ul: HtmlElement, base: str) -> list[dict]:
    items = []
    for li in ul.iter("li"):
        a = first(a for a in li.iter("a") if _ARTICLE_HREF.search(a.get("href", "")))
        if a is None:
            continue
        dated = first(em for em in li.iter("em") if DATE_PATTERN.search(em.text_content()))
        listed = _LISTED_DATE.search(dated.text_content()) if dated is not None else None
        title_part = copy.deepcopy(a)
        for em in list(title_part.iter("em")):
            if DATE_PATTERN.search(em.text_content()):
                remove(em)
        items.append({
            "url": absolute(base, a.get("href")),
            "title": text_of(title_part, unescape=True)
            or clean_line(a.get("title"), unescape=True),
            "listed_text": listed.group() if listed else None,
            "summary": None,
        })
    return items


def next_page(doc: HtmlElement, base: str) -> str | None:
    """The next listing page: the link after the active pagination item, else ``rel=next``."""
    for pagination in _PAGINATION(doc):
        items = [li for li in pagination.iter("li")]
        active = first(li for li in items if "active" in (li.get("class") or "").split())
        if active is None:
            continue
        for li in items[items.index(active) + 1:]:
            a = first(li.iter("a"))
            href = absolute(base, a.get("href")) if a is not None else None
            if href:
                return href
        return None  # the active page is the last one
    for el in doc.iter("link", "a"):
        if "next" in (el.get("rel") or "").lower().split():
            href = absolute(base, el.get("href"))
            if href:
                return href
    return None


def parse_document_list(html: str | bytes, url: str) -> dict:
    """A laws list page: ``{"items": [{url, code, title, issued_text, attachments}],
    "next_page": url | None}``. A list with its header row and no document is empty;
    a page without the list raises ``ParseError``."""
    doc = parse_html(html)
    base = base_url(doc, url)
    rows = [r for r in _LAW_ROWS(doc) if "table-head" not in (r.get("class") or "").split()]
    # A document page lists "other documents of the same type" the same way: keep
    # only the first table, the page's own list.
    if rows:
        table = rows[0].getparent()
        rows = [r for r in rows if r.getparent() is table]
        items = [item for r in rows if (item := _law_row(_row_cells(r), base))]
    else:
        items = _law_table_items(doc, base)
    if not items:
        if _LAW_HEAD(doc):  # the list's header row and nothing under it: no documents yet
            return {"items": [], "next_page": None}
        raise ParseError(url, "not a laws listing: no .table-rows with a Số kí hiệu cell")
    return {"items": items, "next_page": next_page(doc, base)}


def _row_cells(row: HtmlElement) -> dict[str, HtmlElement]:
    """Cells of one ``.table-rows`` by their ``span.label-name``, else their class."""
    cells: dict[str, HtmlElement] = {}
    for cell in row:
        if not is_element(cell):
            continue
        label = first(_LABEL_NAME(cell))
        key = _LIST_LABELS.get(label_key(label.text_content())) if label is not None else None
        if key is None:
            classes = (cell.get("class") or "").split()
            key = next((_LAW_CELL_CLASSES[c] for c in classes if c in _LAW_CELL_CLASSES), None)
        if key and key not in cells:
            if label is not None:
                cell = copy.deepcopy(cell)
                remove(first(_LABEL_NAME(cell)))
            cells[key] = cell
    return cells


def _law_row(cells: dict[str, HtmlElement], base: str) -> dict | None:
    code_cell, intro_cell = cells.get("code"), cells.get("intro")
    link = first(code_cell.iter("a")) if code_cell is not None else None
    if link is None and intro_cell is not None:
        link = first(intro_cell.iter("a"))
    if link is None:
        return None
    # The code link's title is the document title; the intro cell shows the trích yếu.
    title = clean_line(link.get("title"), unescape=True) if code_cell is not None else None
    files_cell = cells.get("files")
    attachments = []
    if files_cell is not None:
        for a in files_cell.iter("a"):
            href = absolute(base, a.get("href"))
            if href:
                attachments.append({"url": href, "name": _file_name(a)})
    issued = text_of(cells["issued_text"]) if "issued_text" in cells else None
    match = _LISTED_DATE.search(issued or "")
    return {
        "url": absolute(base, link.get("href")),
        "code": text_of(code_cell, unescape=True) if code_cell is not None else None,
        "title": title or text_of(intro_cell, unescape=True),
        "issued_text": match.group() if match else issued,
        "attachments": attachments,
    }


def _file_name(a: HtmlElement) -> str | None:
    # List links read "Tải tập tin" with the file name in the title attribute.
    title = clean_line(a.get("title"))
    if title and "." in title and not title.lower().startswith("tải"):
        return title
    return attachment_name(a)


def _law_table_items(doc: HtmlElement, base: str) -> list[dict]:
    """A theme that lists documents in a plain ``<table>`` whose header names the columns."""
    for table in doc.iter("table"):
        rows = [r for r in table.iter("tr")]
        if not rows:
            continue
        header = [_LIST_LABELS.get(label_key(c.text_content())) for c in rows[0]
                  if is_element(c)]
        if "code" not in header:
            continue
        items = []
        for row in rows[1:]:
            cells = [c for c in row if is_element(c)]
            named = {key: cell for key, cell in zip(header, cells, strict=False) if key}
            item = _law_row(named, base)
            if item:
                items.append(item)
        if items:
            return items
    return []


def _dedupe(items: list[dict]) -> list[dict]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item["url"] and item["url"] not in seen:
            seen.add(item["url"])
            out.append(item)
    return out
