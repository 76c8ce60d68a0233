"""NukeViet news module: one article page → the fields of docs/contracts.md.

Anchored on what every NukeViet theme keeps: ``#news-bodyhtml``, ``itemprop``
attributes, ``.hometext``, ``.news-download-file``, the ``Tác giả``/``Nguồn tin``
labels and the schema.org breadcrumb. Each field has a fallback for themes
that re-template it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from lxml.cssselect import CSSSelector

from congdoan.normalize.text import clean_line, clean_text
from congdoan.parsers.body import body_images, body_text, clean_fragment, inner_html
from congdoan.parsers.errors import ParseError
from congdoan.parsers.markup import (
    DATE_PATTERN,
    HtmlElement,
    absolute,
    base_url,
    canonical_url,
    find_date_text,
    first,
    is_hidden,
    label_key,
    parse_html,
    split_label,
    text_of,
)
from congdoan.parsers.nukeviet_urls import article_id


def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")


_BODY = [_css(s) for s in ("#news-bodyhtml", "[itemprop~=articleBody]", "#bodytext",
                           ".news_column .bodytext", ".bodytext", "#news-content")]
_ARTICLE_SCOPE = _css('[itemtype*="schema.org/NewsArticle"], [itemtype*="schema.org/Article"]')
_TITLE = [_css(s) for s in ("[itemprop~=headline]", "h1.title", "h1", "h2.title",
                            ".title h1", ".title h2")]
# The default theme prints the visible date as the first span.h5 of this row.
_SHOWN_DATE = _css("div.row.margin-bottom-lg span.h5, .newsdetailmetatop span.h5")
_DATE_LIKE = _css(".time, .date, .publtime, [class*=publtime], [class*=datetime], time, "
                  ".h5, .text-muted, em, small, span")
_SUMMARY = [_css(s) for s in ("[itemprop~=description]", ".hometext", "#hometext")]
_LEAD_IMAGE = [_css(s) for s in ("#imgpreview img", "figure.article img", ".imghome img",
                                 "#hometext img")]
_SCHEMA_IMAGE = _css("[itemprop~=image]")
_DOWNLOADS = _css(".news-download-file a[href]")
_DOWNLOAD_LINKS = _css("a[download], a[href*='download=1']")
_BREADCRUMB = _css('[itemtype*="BreadcrumbList"] [itemprop~=itemListElement]')
_BREADCRUMB_FALLBACK = _css(".breadcrumbs a, .breadcrumb a, #breadcrumbs a")
_TAG_LINKS = _css("a[href*='/tag/'], a[href*='op=tag/'], a[href*='op=tag%2F'], "
                  "a[rel=tag]")
_MAIN_COLUMN = _css(".news_column")
_SCHEMA_AUTHOR = _css("[itemprop~=author]")
_SCHEMA_NAME = _css("[itemprop~=name]")
_LABELLED_LINE_TAGS = ("p", "div", "span", "li", "em", "small", "address", "strong", "b")
_BYLINE_LABELS = {"tac gia": "author", "but danh": "author", "nguon tin": "source",
                  "nguon": "source"}
# Starts like "Tác giả", "Bút danh", "Nguồn tin", "Nguồn" in any case, with or
# without diacritics, NFC or NFD (the combining marks sit between the letters).
_BYLINE_HINT = re.compile(
    r"\s*(?:t[\W_]*[aáàảãạăắằẳẵặâấầẩẫậ]?\W*c\W*\s*g|b\W*[uúùủũụưứừửữự]\W*t\W*\s*d"
    r"|ngu\W*[oóòỏõọôốồổỗộơớờởỡợ]?\W*n)",
    re.IGNORECASE,
)
_HOME_LABELS = {"trang nhat", "trang chu", "home"}
_PLACEHOLDER_IMAGES = ("no_image", "noimage", "no-image")


def parse_article(html: str | bytes, url: str) -> dict:
    """Read one NukeViet article page; see docs/contracts.md for the returned keys.

    Raises ``ParseError`` when the page has no article body or no headline
    (a home page, a category page, a 404 page, a soft-404 redirect target).
    """
    doc = parse_html(html)
    base = base_url(doc, url)
    body_el = _find_body(doc)
    if body_el is None:
        raise ParseError(url, "not an article page: no article body (#news-bodyhtml)")
    scope = _article_scope(doc, body_el)
    title = _title(scope)
    if not title:
        raise ParseError(url, "not an article page: no headline (h1 / itemprop=headline)")

    body = clean_fragment(body_el, base)
    byline = _byline(scope, body_el)
    path = _category_path(doc, base, title, url)
    images = _lead_images(scope, base) + body_images(body)
    return {
        "title": title,
        "published_text": _published_text(scope, body_el),
        "author": byline.get("author") or _visible_schema_author(scope),
        "source": byline.get("source"),
        "category": path[-1] if path else _meta(doc, "article:section"),
        "category_path": path,
        "summary": _summary(scope, body_el),
        "body_html": inner_html(body),
        "body_text": body_text(body),
        "images": _dedupe(images, "url"),
        "attachments": _attachments(scope, body_el, base),
        "tags": _tags(doc),
        "source_id": article_id(url) or article_id(canonical_url(doc, url)),
        "canonical_url": canonical_url(doc, url),
    }


def _find_body(doc: HtmlElement) -> HtmlElement | None:
    for selector in _BODY:
        found = first(selector(doc))
        if found is not None:
            return found
    return None


def _article_scope(doc: HtmlElement, body_el: HtmlElement) -> HtmlElement:
    """The element holding this article's header, body and byline, nothing else.

    The schema.org ``NewsArticle`` block when the theme has one; otherwise the
    nearest ancestor of the body that also holds a heading.
    """
    ancestors = {body_el, *body_el.iterancestors()}
    for scope in _ARTICLE_SCOPE(doc):
        if scope in ancestors:
            return scope
    node = body_el.getparent()
    while node is not None and node.tag != "body":
        if first(node.iter("h1", "h2")) is not None:
            return node
        node = node.getparent()
    return doc


def _title(scope: HtmlElement) -> str | None:
    for selector in _TITLE:
        for el in selector(scope):
            text = text_of(el, unescape=True)
            if text:
                return text
    return None


def _published_text(scope: HtmlElement, body_el: HtmlElement) -> str | None:
    shown = find_date_text(_SHOWN_DATE(scope))
    if shown:
        return shown
    # Other themes: the first visible date-bearing element above the body.
    header = []
    for el in _DATE_LIKE(scope):
        if el is body_el or body_el in el.iterancestors():
            break
        if len(el) <= 2:  # the date itself, maybe with an icon; not a whole block
            header.append(el)
    return find_date_text(header)


def _byline(scope: HtmlElement, body_el: HtmlElement) -> dict[str, str]:
    """``Tác giả:`` and ``Nguồn tin:`` lines outside the body, by their labels."""
    found: dict[str, tuple[int, str]] = {}
    inside_body = set(body_el.iter())
    for el in scope.iter(*_LABELLED_LINE_TAGS):
        if el in inside_body:
            continue
        # Cheap test on the raw text first: cleaning, folding and the hidden-ancestor
        # walk are costly, and almost every element of a page is no byline.
        raw = el.text_content()
        if len(raw) > 400 or not _BYLINE_HINT.match(raw) or is_hidden(el):
            continue
        text = text_of(el)
        match = split_label(text, _BYLINE_LABELS)
        if match and match[1]:
            key, value = match
            # Nested matches (p > strong + text): the smallest element is the line itself.
            if key not in found or len(text) < found[key][0]:
                found[key] = (len(text), value)
    return {key: value for key, (_, value) in found.items()}


def _visible_schema_author(scope: HtmlElement) -> str | None:
    # The hidden schema.org author is never trusted: NukeViet fills it with the
    # posting account's user name ("admin") when the article has no author.
    for el in _SCHEMA_AUTHOR(scope):
        if not is_hidden(el):
            name = first(_SCHEMA_NAME(el))
            return text_of(name if name is not None else el)
    return None


def _summary(scope: HtmlElement, body_el: HtmlElement) -> str | None:
    for selector in _SUMMARY:
        for el in selector(scope):
            if el is body_el or body_el in el.iterancestors() or el.tag == "meta":
                continue
            text = clean_text(el.text_content())
            if text:
                return clean_line(text)
    return None


def _lead_images(scope: HtmlElement, base: str) -> list[dict]:
    for selector in _LEAD_IMAGE:
        for img in selector(scope):
            src = absolute(base, img.get("src"))
            if src and not any(p in src for p in _PLACEHOLDER_IMAGES):
                # The preview block holds the full-size file; thumbnails live under /assets/.
                return [{"url": src, "alt": clean_line(img.get("alt"), unescape=True)}]
    for el in _SCHEMA_IMAGE(scope):
        src = absolute(base, el.get("content") or el.get("src") or text_of(el))
        if src and not any(p in src for p in _PLACEHOLDER_IMAGES):
            return [{"url": src, "alt": None}]
    return []


def _attachments(scope: HtmlElement, body_el: HtmlElement, base: str) -> list[dict]:
    links = [a for a in _DOWNLOADS(scope) if not a.get("href", "").startswith("#")]
    if not links:
        inside_body = set(body_el.iter())
        links = [a for a in _DOWNLOAD_LINKS(scope) if a not in inside_body]
    files = []
    for a in links:
        href = absolute(base, a.get("href"))
        if href:
            files.append({"url": href, "name": attachment_name(a)})
    return _dedupe(files, "url")


def attachment_name(a: HtmlElement) -> str | None:
    """The displayed file name of a download link (``Tập tin 1: <strong>x.pdf</strong>``)."""
    strong = first(a.iter("strong", "b"))
    name = text_of(strong)
    if name:
        return name
    text = text_of(a) or ""
    if ":" in text:
        name = clean_line(text.rsplit(":", 1)[1])
        if name:
            return name
    title = clean_line(a.get("title"))
    if title and "." in title:
        return title.split(" ")[-1]
    return title or (text or None)


def _category_path(doc: HtmlElement, base: str, title: str, url: str) -> list[str]:
    """Category names from the top to the leaf, from the breadcrumb.

    Drops the home item, a module root (``/news/``: its URL is a prefix of the
    next item's) and a trailing item that is the article itself.
    """
    crumbs: list[tuple[str, str | None]] = []
    for item in _BREADCRUMB(doc):
        name_el = first(_SCHEMA_NAME(item))
        link = first(item.iter("a"))
        name = text_of(name_el if name_el is not None else item, unescape=True)
        if name:
            crumbs.append((name, absolute(base, link.get("href")) if link is not None else None))
    if not crumbs:
        crumbs = [(name, absolute(base, a.get("href")))
                  for a in _BREADCRUMB_FALLBACK(doc) if (name := text_of(a, unescape=True))]
    crumbs = [(name, href) for name, href in crumbs
              if label_key(name) not in _HOME_LABELS and not (href and _is_home(href))]
    if crumbs and (crumbs[-1][0] == title or crumbs[-1][1] in (url, None)
                   or (crumbs[-1][1] and article_id(crumbs[-1][1]))):
        crumbs.pop()  # the article itself
    return [name for index, (name, href) in enumerate(crumbs)
            if not (href and index + 1 < len(crumbs) and crumbs[index + 1][1]
                    and _is_module_root(href, crumbs[index + 1][1]))]


def _is_home(href: str) -> bool:
    parts = urlsplit(href)
    path = parts.path.rstrip("/")
    segments = [s for s in path.split("/") if s]
    query = parse_qs(parts.query)
    no_module = "nv" not in query
    return no_module and (not segments or segments in (["index.php"], ["vi"], ["en"]))


def _is_module_root(href: str, following: str) -> bool:
    this, nxt = urlsplit(href), urlsplit(following)
    if this.query or nxt.query:
        query = parse_qs(this.query)
        return "op" not in query and "nv" in query
    this_path = this.path.rstrip("/") + "/"
    return nxt.path.startswith(this_path) and nxt.path.rstrip("/") != this.path.rstrip("/")


def _tags(doc: HtmlElement) -> list[str]:
    tags = [clean_line(m.get("content"), unescape=True)
            for m in doc.iter("meta") if m.get("property") == "article:tag"]
    if not any(tags):
        # Only the main column's tag block (default theme: a .news_column panel
        # after the article): a sidebar tag cloud lists the whole site's tags.
        links = [a for column in _MAIN_COLUMN(doc) for a in _TAG_LINKS(column)]
        tags = [text_of(a, unescape=True) for a in links]
    seen: dict[str, None] = {}
    for tag in tags:
        if tag:
            seen.setdefault(tag)
    return list(seen)


def _meta(doc: HtmlElement, prop: str) -> str | None:
    for meta in doc.iter("meta"):
        if meta.get("property") == prop or meta.get("name") == prop:
            return clean_line(meta.get("content"), unescape=True)
    return None


def _dedupe(rows: list[dict], key: str) -> list[dict]:
    seen: set = set()
    out = []
    for row in rows:
        if row[key] not in seen:
            seen.add(row[key])
            out.append(row)
    return out


__all__ = ["DATE_PATTERN", "attachment_name", "parse_article"]
