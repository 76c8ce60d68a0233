"""The generic reader: an article (or a table of legal documents) from a page of any CMS.

For portals whose CMS we have no parser for. Each field is read from the most
explicit source the page offers, in this order: a per-site CSS selector from
the registry (``[site.selectors]``), JSON-LD (``NewsArticle``/``Article``),
OpenGraph and ``article:*`` meta, ``<time datetime>``, the Vietnamese labels
portals print (``Ngày đăng``, ``Cập nhật``, ``Tác giả``, ``Nguồn``), and last
the page's shape (the ``<h1>``, the densest block of paragraphs for the body).

lxml first: the pages are parsed once with lxml's forgiving HTML parser (the same
tree BeautifulSoup would build on its lxml backend), CSS selectors compile once
with cssselect, and it is many times faster. BeautifulSoup (with Python's
``html.parser``) only where its tolerance is needed: a page in which libxml2 finds
no article body (markup after ``</html>``, an attribute quote never closed) is
parsed again through it, into the same kind of tree.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urldefrag, urljoin

from lxml import etree
from lxml.cssselect import CSSSelector, SelectorError

from congdoan.normalize.text import clean_line
from congdoan.parsers.body import body_images, body_text, clean_fragment, inner_html
from congdoan.parsers.errors import NotAnArticle, ParseError
from congdoan.parsers.markup import (
    DATE_PATTERN,
    HtmlElement,
    absolute,
    base_url,
    canonical_url,
    is_element,
    is_hidden,
    label_key,
    parse_html,
    parse_html_tolerant,
    split_label,
    text_of,
)

SELECTOR_FIELDS = ("title", "published", "modified", "author", "source", "category", "summary",
                   "body")
_LABELS = {
    "ngay dang": "published", "dang ngay": "published", "ngay xuat ban": "published",
    "thoi gian dang": "published", "ngay dang tin": "published", "dang luc": "published",
    "cap nhat": "modified", "ngay cap nhat": "modified", "cap nhat luc": "modified",
    "tac gia": "author", "nguoi viet": "author", "but danh": "author",
    "nguon": "source", "nguon tin": "source",
}
_ARTICLE_TYPES = {"newsarticle", "article", "blogposting", "reportagenewsarticle",
                  "analysisnewsarticle", "webpage"}
_FILE_LINK = re.compile(r"\.(pdf|docx?|xlsx?|pptx?|zip|rar|7z)(?:$|[?#])", re.I)
_CHROME = re.compile(r"\b(nav|menu|footer|header|sidebar|widget|breadcrumb|comment|share|"
                     r"social|related|lien-quan|tin-khac|other|banner|ads?|quang-cao)\b", re.I)
_BLOCKS = ("div", "article", "section", "main", "td")
# A cheap test before the label split (which folds text): could this line hold a label?
_MAYBE_LABEL = re.compile(
    r"(?:^|[|·•-])\s*(?:ngày đăng|đăng ngày|ngày xuất bản|thời gian đăng|đăng lúc|cập nhật|"
    r"ngày cập nhật|tác giả|người viết|bút danh|nguồn)", re.IGNORECASE)


_INLINE = {"strong", "b", "span", "em", "i", "a"}


def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")


_TIME = _css("time[datetime]")
_H1 = _css("h1")
_TAG_LINKS = _css("a[rel~=tag]")
# WordPress and most blog themes: rel=author, hCard's .fn, the block theme's author name
_AUTHOR = _css("a[rel~=author], .author .fn, .byline .author, [class*=post-author__name], "
               "[class*=author-name]")
# Where pages say which section an article is in, besides meta and JSON-LD.
# (few alternatives: each is one more walk of the tree)
_BREADCRUMB = _css("[class*=breadcrumb], [class*=duongdan], [class*=duong-dan], "
                   "[itemtype$=BreadcrumbList]")
_CATEGORY_LINK = _css("a[rel~=category], a[class*=category], a[href*='/category/'], "
                      "a[href*='/categories/'], a[href*='/chuyen-muc/']")
_ARTICLE = _css("article, [itemtype$=Article], [itemtype$=BlogPosting], main")
# The first crumb of a trail without a class of its own (one XPath, not a walk in Python)
_HOME_LINKS = etree.XPath("//a[" + " or ".join(
    f"normalize-space(.) = '{w}'" for w in ("Trang chủ", "Trang Chủ", "TRANG CHỦ", "Home",
                                             "HOME", "Trang nhất", "Trang chính")) + "]")
_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
_HOME_WORDS = {"trang chu", "home", "trang nhat", "trang chinh"}
_TAG_LABELS = {"tu khoa", "tags", "tag", "the", "the tag", "tu khoa lien quan"}
# A person's name, as bylines list them: two to five words, each capitalised.
_PERSON = re.compile(r"^(?:[A-ZĐÀ-Ỹ][\w'’.-]*\s+){1,4}[A-ZĐÀ-Ỹ][\w'’.-]*$")
_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|&|\bvà\b|\band\b)\s*")
_SUMMARY = _css("[class*=sapo], [class*=summary], [class*=chapeau], [class*=lead], "
                "[itemprop~=description]")


def compile_selectors(selectors: Mapping[str, str]) -> dict[str, CSSSelector]:
    """Compile a site's ``[site.selectors]``; ``ValueError`` names a bad field or selector."""
    compiled = {}
    for name, selector in selectors.items():
        if name not in SELECTOR_FIELDS:
            raise ValueError(f"selector {name!r} is not one of {', '.join(SELECTOR_FIELDS)}")
        try:
            compiled[name] = _css(selector)
        except SelectorError as exc:
            raise ValueError(f"selector {name} = {selector!r} is not valid CSS: {exc}") from None
    return compiled


def _ld_nodes(doc: HtmlElement, kind: str) -> list[dict[str, Any]]:
    """Every JSON-LD object of ``@type`` ``kind`` (lower case; ``@graph`` searched too)."""
    return [node for node in _ld_objects(doc) if kind in _ld_types(node)]


def _ld_types(node: dict[str, Any]) -> set[str]:
    kinds = node.get("@type")
    return {str(k).lower() for k in (kinds if isinstance(kinds, list) else [kinds])}


def _ld_objects(doc: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, in order, ``@graph`` members included."""
    found: list[dict[str, Any]] = []
    for script in doc.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (json.JSONDecodeError, TypeError):
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            node = stack.pop(0)
            if isinstance(node, dict):
                found.append(node)
                stack.extend(node.get("@graph") or [])
    return found


def _json_ld(doc: HtmlElement) -> dict[str, Any]:
    """The first JSON-LD object of an article type (``@graph`` searched too)."""
    for node in _ld_objects(doc):
        if _ld_types(node) & _ARTICLE_TYPES and node.get("headline"):
            return node
    return {}


def _meta(doc: HtmlElement) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in doc.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = clean_line(meta.get("content"))
        if key and content:
            found.setdefault(key, []).append(content)
    return found


def _ld_names(value: Any) -> list[str]:
    """Every name of a JSON-LD ``author``: a string, a Person, or a list of them."""
    if isinstance(value, list):
        return [n for v in value for n in _ld_names(v)]
    name = _ld_name(value)
    return [name] if name else []


def _ld_name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_ld_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return clean_line(str(value.get("name") or "")) or None
    return clean_line(str(value)) if value else None


def _labelled(doc: HtmlElement) -> dict[str, str]:
    """``{published, modified, author, source}`` from ``Label: value`` lines of the page."""
    found: dict[str, str] = {}
    for el in doc.iter(etree.Element):
        # A label line is a few words and inline bits; a block of many children is none.
        if el.tag in ("script", "style", "head", "title", "html", "body") or len(el) > 12:
            continue
        raw = (el.text or "") + "".join(
            (child.text_content() if is_element(child) and child.tag in _INLINE else "")
            + (child.tail or "") for child in el)
        if len(raw) > 400 or not _MAYBE_LABEL.search(raw.strip()) or is_hidden(el):
            continue
        own = clean_line(raw)
        if not own or len(own) > 200:
            continue
        for part in re.split(r"\s+[|·•]\s+|\s+-\s+(?=[A-ZĐ])", own):
            hit = split_label(part, _LABELS)
            if hit and hit[1] and hit[0] not in found:
                found[hit[0]] = hit[1]
    return found


def _link_density(el: HtmlElement) -> float:
    text = len(el.text_content() or "")
    links = sum(len(a.text_content() or "") for a in el.iter("a"))
    return links / text if text else 1.0


def _densest_block(doc: HtmlElement) -> HtmlElement | None:
    """The block holding most paragraph text, links and chrome discounted."""
    scores: dict[HtmlElement, float] = {}
    body = doc.find("body")
    if body is None:
        return None
    for p in body.iter("p", "br"):
        holder = p.getparent()
        if holder is None:
            continue
        text = p.text_content() if p.tag == "p" else (p.tail or "")
        length = len(clean_line(text) or "")
        if length < 25:
            continue
        for depth, node in enumerate((holder, holder.getparent())):
            if node is None or node.tag not in _BLOCKS:
                continue
            scores[node] = scores.get(node, 0.0) + length / (depth + 1)
    best, best_score = None, 0.0
    for node, score in scores.items():
        marker = f"{node.get('id') or ''} {node.get('class') or ''}"
        if _CHROME.search(marker) or is_hidden(node):
            continue
        score *= 1.0 - min(_link_density(node), 0.9)
        if score > best_score:
            best, best_score = node, score
    return best


def _first_text(selector: CSSSelector | None, doc: HtmlElement) -> str | None:
    if selector is None:
        return None
    for el in selector(doc):
        text = text_of(el) if not is_hidden(el) else None
        if text:
            return text
    return None


def _strip_meta_lines(frag: HtmlElement, title: str | None) -> None:
    """Drop the title and the labelled date/author/source lines a body block may start with."""
    for el in list(frag.iter()):
        if not is_element(el) or el is frag or el.getparent() is None:
            continue
        if el.tag not in ("h1", "h2") and (len(el) >= 4 or not _MAYBE_LABEL.search(
                (el.text_content() or "").strip()[:200])):
            continue
        text = text_of(el)
        if not text:
            continue
        is_title = el.tag in ("h1", "h2") and title is not None and text == title
        is_meta_line = (len(text) < 160 and not el.findall(".//p")
                        and split_label(text.split("|")[0], _LABELS) is not None)
        if is_title or is_meta_line:
            el.getparent().remove(el)


@dataclass
class _Sources:
    """What a page says about its article, from its most explicit source to its shape."""

    doc: HtmlElement
    picks: dict[str, CSSSelector]  # the site's ``[site.selectors]``, compiled
    ld: dict[str, Any]  # the JSON-LD article object, or {}
    meta: dict[str, list[str]]  # <meta> contents by property or name
    labels: dict[str, str]  # ``Label: value`` lines of the page

    def pick(self, name: str) -> str | None:
        """The text the site's selector for ``name`` finds, if it has one."""
        return _first_text(self.picks.get(name), self.doc)

    def meta1(self, *keys: str) -> str | None:
        """The first ``<meta>`` content among ``keys``, in that order."""
        for key in keys:
            if self.meta.get(key):
                return self.meta[key][0]
        return None


@dataclass
class _Body:
    html: str
    text: str
    images: list[dict[str, Any]]
    files: list[dict[str, Any]]


def parse_generic_article(html: str | bytes, url: str,
                          selectors: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read an article from a page of an unknown CMS; raises ``ParseError`` without a body.

    A page lxml reads without a body is read again through BeautifulSoup
    (``parse_html_tolerant``): broken markup of unknown CMSs that libxml2 stops at."""
    try:
        return _read_article(parse_html(html), url, selectors)
    except NotAnArticle:
        raise
    except ParseError as exc:
        try:
            return _read_article(parse_html_tolerant(html), url, selectors)
        except ParseError:
            raise exc from None


def _read_article(doc: HtmlElement, url: str, selectors: Mapping[str, str] | None
                  ) -> dict[str, Any]:
    base = base_url(doc, url)
    src = _Sources(doc, compile_selectors(selectors or {}), _json_ld(doc), _meta(doc),
                   _labelled(doc))
    title = _title(src)
    published = _published(src)
    _refuse_non_article(src, published, url)
    category = _category(src, title)
    body = _body(src, base, title, url)
    return {
        "title": title, "published_text": published, "modified_text": _modified(src),
        "author": _author(src), "source": src.pick("source") or src.labels.get("source"),
        "category": category, "category_path": [category] if category else [],
        "summary": _summary(src), "body_text": body.text, "body_html": body.html,
        "images": _with_lead_image(body.images, _lead_image(src), base),
        "attachments": body.files, "tags": _tags(src), "source_id": None,
        "canonical_url": canonical_url(doc, url),
    }


# -- the fields, each from its sources in order ---------------------------------------------

_PAGE_TYPES = {"website", "profile", "webpage", "aboutpage", "profilepage", "collectionpage",
               "contactpage"}


def _refuse_non_article(src: _Sources, published: str | None, url: str) -> None:
    """Raise ``NotAnArticle`` for a page that calls itself a web site or profile page
    (``og:type``, JSON-LD ``@type``), names no article type and shows no date: an
    about or contact page whose URL looks like an article's."""
    if published:
        return
    og_type = (src.meta1("og:type") or "").lower()
    if og_type in _PAGE_TYPES and not _ld_types(src.ld) & (_ARTICLE_TYPES - {"webpage"}):
        raise NotAnArticle(url, f"not an article (og:type {og_type}, no date)")


def _title(src: _Sources) -> str | None:
    doc = src.doc
    h1 = next((text_of(el) for el in _H1(doc) if not is_hidden(el) and text_of(el)), None)
    return (src.pick("title") or clean_line(str(src.ld.get("headline") or ""))
            or src.meta1("og:title", "twitter:title") or h1 or text_of(doc.find(".//title")))


def _published(src: _Sources) -> str | None:
    times = [t.get("datetime") for t in _TIME(src.doc) if not is_hidden(t)]
    return (src.pick("published") or _ld_date(src.ld, "datePublished")
            or src.meta1("article:published_time", "og:published_time", "pubdate",
                         "datepublished", "dc.date.issued")
            or (clean_line(times[0]) if times else None) or src.labels.get("published")
            or _date_near_title(src.doc))


def _modified(src: _Sources) -> str | None:
    return (src.pick("modified") or _ld_date(src.ld, "dateModified")
            or src.meta1("article:modified_time", "og:updated_time")
            or src.labels.get("modified"))


def _author(src: _Sources) -> str | None:
    """Every author, ``", "``-joined: the first source that names any (JSON-LD, the
    ``article:author`` meta, the byline's ``Tác giả:``), widened when a later one names
    the same people and more (a theme whose JSON-LD keeps only the first of two authors
    still prints both in its byline); else the ``rel=author`` links and author classes."""
    picked = src.pick("author")
    if picked:
        return picked
    names: list[str] = []
    for found in (_ld_names(src.ld.get("author")),
                  [n for n in (_not_url(v) for v in src.meta.get("article:author", [])) if n],
                  _split_names(src.labels.get("author"))):
        if not names or set(names) < set(found):
            names = found
    if not names:  # the costliest source last: a selector walks the whole page
        names = list(dict.fromkeys(t for t in (text_of(a) for a in _AUTHOR(src.doc)
                                               if not is_hidden(a)) if t))
    return ", ".join(names) or None


def _split_names(text: str | None) -> list[str]:
    """A byline's people: ``"Nguyễn Thị Hoa và Trần Văn Minh"`` -> both; split only when
    every part is a person's name (``"Ban Chính sách và Pháp luật"`` stays whole)."""
    if not text:
        return []
    parts = [p for p in _NAME_SEPARATORS.split(text) if p]
    if len(parts) > 1 and all(_PERSON.match(p) for p in parts):
        return parts
    return [text]


def _summary(src: _Sources) -> str | None:
    return (src.pick("summary") or clean_line(str(src.ld.get("description") or ""))
            or src.meta1("og:description", "description") or _first_text(_SUMMARY, src.doc))


def _tags(src: _Sources) -> list[str]:
    return src.meta.get("article:tag") or _keywords(src.ld.get("keywords")) or [
        t for t in (text_of(a) for a in _TAG_LINKS(src.doc)) if t] or _labelled_tags(src.doc)


def _labelled_tags(doc: HtmlElement) -> list[str]:
    """The links of a ``Từ khóa: <a>…</a>, <a>…</a>`` line (themes without ``rel=tag``)."""
    for el in doc.iter("div", "p", "span", "li", "section", "footer"):
        head = (el.text or "").strip()
        if not head or len(head) > 30 or not el.findall(".//a"):
            continue
        if label_key(head.rstrip(":").strip()) in _TAG_LABELS and not is_hidden(el):
            return [t for t in (text_of(a) for a in el.iter("a")) if t]
    return []


# -- the section ----------------------------------------------------------------------------

def _category(src: _Sources, title: str | None) -> str | None:
    """The article's section: the site's selector, JSON-LD ``articleSection``,
    ``article:section`` when it is a name, the breadcrumb's last link, ``article:section``
    given as a slug (named by the page's link to it), a category link in the article,
    else the primary (first) ``article:tag``. Cheap sources first."""
    section = src.meta1("article:section")
    named = section if section and not _SLUG.fullmatch(section) else None
    return (src.pick("category") or _ld_name(src.ld.get("articleSection")) or named
            or _breadcrumb(src, title) or (_named(src.doc, section) if section else None)
            or _first_text(_CATEGORY_LINK, _article_root(src.doc)) or src.meta1("article:tag"))


def _breadcrumb(src: _Sources, title: str | None) -> str | None:
    """The last crumb that is neither the home page nor the article itself."""
    crumbs: list[str] = []
    for node in _ld_nodes(src.doc, "breadcrumblist"):
        items = sorted((i for i in node.get("itemListElement") or [] if isinstance(i, dict)),
                       key=lambda i: i.get("position") or 0)
        crumbs = [n for n in (_ld_name(i.get("item") if isinstance(i.get("item"), dict)
                                       else i) for i in items) if n]
        break
    if not crumbs:
        trail = next((el for el in _BREADCRUMB(src.doc) if not is_hidden(el)), None)
        if trail is None:
            trail = _home_trail(src.doc)
        if trail is not None:
            crumbs = [t for t in (text_of(a) for a in trail.iter("a")) if t]
    crumbs = [c for c in crumbs if label_key(c) not in _HOME_WORDS and c != title]
    return crumbs[-1] if crumbs else None


def _home_trail(doc: HtmlElement) -> HtmlElement | None:
    """A small block of links starting with ``Trang chủ``, joined by » › / >: a trail."""
    for home in _HOME_LINKS(doc):
        el = home.getparent()
        for _level in range(2):  # the link's block, or the list holding its item
            if el is None:
                break
            links = el.findall(".//a")
            if 2 <= len(links) <= 6 and links[0] is home:
                text = el.text_content() or ""
                if len(text) < 200 and re.search(r"[»›>/|]", text) and not is_hidden(el):
                    return el
            el = el.getparent()
    return None


def _named(doc: HtmlElement, slug: str) -> str:
    """A section given as a slug (Hugo's ``article:section``) named as the page's link to
    that section names it; the slug itself when no link does."""
    for a in doc.iter("a"):
        path = (a.get("href") or "").split("?")[0].rstrip("/")
        if path.rsplit("/", 1)[-1] == slug:
            text = text_of(a)
            if text:
                return text
    return slug


def _article_root(doc: HtmlElement) -> HtmlElement:
    return next(iter(_ARTICLE(doc)), doc)


# -- the body -------------------------------------------------------------------------------

def _body(src: _Sources, base: str, title: str | None, url: str) -> _Body:
    """The body block (the site's selector, else the densest), cleaned; else JSON-LD's text."""
    block = None
    if src.picks.get("body") is not None:
        block = next(iter(src.picks["body"](src.doc)), None)
    block = block if block is not None else _densest_block(src.doc)
    if block is None:
        text = clean_line(str(src.ld.get("articleBody") or ""))
        if not text:
            raise ParseError(url, "no article body found (no JSON-LD body, no block of "
                             "paragraphs, no body selector)")
        return _Body("", text, [], [])
    frag = clean_fragment(block, base)
    _strip_meta_lines(frag, title)
    return _Body(inner_html(frag), body_text(frag), body_images(frag), _file_links(frag))


def _file_links(frag: HtmlElement) -> list[dict[str, Any]]:
    """Links to documents and archives in the body: the article's attachments."""
    return [{"url": a.get("href"), "name": text_of(a) or a.get("href").rsplit("/", 1)[-1]}
            for a in frag.iter("a") if a.get("href") and _FILE_LINK.search(a.get("href"))]


def _lead_image(src: _Sources) -> Any:
    """JSON-LD's ``image`` (an ImageObject's url, a list's first, a plain URL), else og:image."""
    ld_image = src.ld.get("image")
    if isinstance(ld_image, dict):
        lead = ld_image.get("url") if "url" in ld_image else _ld_name(ld_image)
    elif isinstance(ld_image, list) and ld_image:
        lead = ld_image[0]
    else:
        lead = ld_image
    return lead or src.meta1("og:image")


def _with_lead_image(images: list[dict[str, Any]], lead: Any, base: str
                     ) -> list[dict[str, Any]]:
    """The body's images with the lead image first, unless the body shows it already."""
    if lead and not any(i["url"] == absolute(base, str(lead)) for i in images):
        images = [{"url": absolute(base, str(lead)), "alt": None}, *images]
    return images


def _ld_date(ld: dict[str, Any], key: str) -> str | None:
    value = ld.get(key)
    return clean_line(str(value)) if value else None


def _not_url(value: str | None) -> str | None:
    return None if value is None or value.startswith(("http://", "https://")) else value


def _keywords(value: Any) -> list[str]:
    if isinstance(value, list):
        return [k for k in (clean_line(str(v)) for v in value) if k]
    if isinstance(value, str):
        return [k for k in (clean_line(v) for v in value.split(",")) if k]
    return []


def _date_near_title(doc: HtmlElement) -> str | None:
    """The first ``dd/mm/yyyy`` shown after the ``<h1>`` (within the next few elements)."""
    h1 = next(iter(_H1(doc)), None)
    if h1 is None:
        return None
    for count, el in enumerate(h1.itersiblings()):
        if count > 4:
            break
        text = text_of(el)
        if text and DATE_PATTERN.search(text) and len(text) < 120:
            return text
    return None


# -- legal-document tables ----------------------------------------------------------------

_COLUMNS = {
    "so ki hieu": "code", "so/ki hieu": "code", "so hieu": "code", "ki hieu": "code",
    "so van ban": "code", "so, ki hieu": "code",
    "ngay ban hanh": "issued_text", "ngay ki": "issued_text", "ban hanh": "issued_text",
    "ngay hieu luc": "effective_text", "hieu luc": "effective_text",
    "trich yeu": "title", "trich yeu noi dung": "title", "ten van ban": "title",
    "noi dung": "title", "tieu de": "title",
    "co quan ban hanh": "issuer", "noi ban hanh": "issuer", "don vi ban hanh": "issuer",
    "nguoi ki": "signer", "loai van ban": "category", "the loai": "category",
    "linh vuc": "field",
}


def _column(header: str) -> str | None:
    key = label_key(header).replace(" / ", "/").replace("/ ", "/").replace(" /", "/")
    return _COLUMNS.get(key) or _COLUMNS.get(key.replace("/", " "))


def document_row_url(record: Mapping[str, Any], page_url: str,
                     table_url: str | None = None) -> str:
    """The URL a documents-table row is stored under: its own link (resolved against
    ``page_url``), else the table's first page (``table_url``, default ``page_url``)
    with a fragment from the row's code, else its title, so that rows without a page of
    their own stay apart (``…/van-ban#123%2FQD-LDLD``) and keep their name when newer
    rows push them onto a later page of the table."""
    href = (record.get("url") or "").strip()
    if href:
        return urldefrag(urljoin(page_url, href))[0]
    anchor = quote(record.get("code") or record.get("title") or "row", safe="")
    return f"{urldefrag(table_url or page_url)[0]}#{anchor}"


def parse_document_table(html: str | bytes, url: str) -> list[dict[str, Any]]:
    """Document records from HTML tables headed like ``Số/Ký hiệu | Ngày ban hành | Trích yếu``.

    A table qualifies when its header names a code column and a title column.
    Each row gives ``{code, title, issued_text, …, url, attachments}``; the
    link is the title's (else the code's), files are the row's file links.
    """
    doc = parse_html(html)
    base = base_url(doc, url)
    records: list[dict[str, Any]] = []
    for table in doc.iter("table"):
        rows = [tr for tr in table.iter("tr") if tr.getparent() is not None]
        if not rows:
            continue
        header_cells = [c for c in rows[0] if is_element(c) and c.tag in ("th", "td")]
        columns = [_column(text_of(c) or "") for c in header_cells]
        if "code" not in columns or "title" not in columns:
            continue
        for tr in rows[1:]:
            cells = [c for c in tr if is_element(c) and c.tag in ("th", "td")]
            if len(cells) < len(columns) or _nested_table(tr):
                continue
            record: dict[str, Any] = {"url": None, "attachments": []}
            for name, cell in zip(columns, cells, strict=False):
                if name:
                    record[name] = text_of(cell)
            for name in ("title", "code"):
                if name in columns and record["url"] is None:
                    cell = cells[columns.index(name)]
                    link = next((a for a in cell.iter("a") if a.get("href")
                                 and not _FILE_LINK.search(a.get("href"))), None)
                    if link is not None:
                        record["url"] = absolute(base, link.get("href"))
            for a in tr.iter("a"):
                href = absolute(base, a.get("href"))
                if href and _FILE_LINK.search(href):
                    record["attachments"].append({"url": href, "name": text_of(a)
                                                  or href.rsplit("/", 1)[-1]})
            if record.get("code") or record.get("title"):
                records.append(record)
    return records


def _nested_table(tr: HtmlElement) -> bool:
    return any(isinstance(el.tag, str) and el.tag == "table" for el in tr.iterdescendants())


__all__ = ["SELECTOR_FIELDS", "compile_selectors", "parse_document_table",
           "parse_generic_article"]
