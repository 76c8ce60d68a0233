"""WordPress pages, for portals whose REST API is closed: a post page and an archive page.

Anchored on what WordPress core and its bundled themes print, with the SEO
plugins' metadata first when present:

- JSON-LD (``Article``/``NewsArticle``/``BlogPosting``, Yoast's ``@graph``),
  then OpenGraph/``article:*`` meta;
- ``.entry-content`` (classic themes and the block theme's Post Content);
- ``.entry-title``/``.wp-block-post-title``; ``time[datetime]`` in the post
  header/footer or ``.wp-block-post-date``; ``a[rel=author]`` or
  ``.wp-block-post-author__name``; term links by their taxonomy class or
  their ``rel``; ``postid-N`` body class or ``?p=N`` shortlink.

Same keys as the REST reader (docs/contracts.md); themes show term names as
WordPress displays them (dashes and quotes curled), which is what is kept.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lxml.cssselect import CSSSelector

from congdoan.normalize.text import clean_line
from congdoan.parsers.body import body_images
from congdoan.parsers.errors import ParseError
from congdoan.parsers.markup import (
    HtmlElement,
    absolute,
    base_url,
    canonical_url,
    first,
    parse_html,
    text_of,
)
from congdoan.parsers.wordpress_body import manual_excerpt, read_body


def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")


_CONTENT = [_css(s) for s in (".entry-content", ".wp-block-post-content",
                              "[itemprop~=articleBody]", ".post-content", ".single-content")]
_TITLE = [_css(s) for s in ("h1.entry-title", "h1.wp-block-post-title", ".entry-title",
                            ".wp-block-post-title", "h1.post-title", "article h1", "h1")]
_PUBLISHED = _css("time.published[datetime], time.entry-date[datetime], "
                  ".wp-block-post-date time[datetime], time[datetime]")
_UPDATED = _css("time.updated:not(.published)[datetime], "
                ".wp-block-post-date__modified-date time[datetime]")
_AUTHOR = [_css(s) for s in (".wp-block-post-author__name", "a[rel~=author]",
                             ".author.vcard a", ".byline .author", ".author-name")]
_CATEGORIES = _css(".taxonomy-category a, .cat-links a, a[rel~=category]")
_TAGS = _css(".taxonomy-post_tag a, .tags-links a, a[rel=tag]")
_FEATURED = _css(".post-thumbnail img, .wp-block-post-featured-image img, "
                 ".featured-image img, img.wp-post-image")
_ARTICLE = _css("article.post, article.type-post, article[id^=post-], main, #main")
_LD_JSON = _css("script[type='application/ld+json']")
_ARTICLE_TYPES = {"Article", "NewsArticle", "BlogPosting", "ReportageNews"}
_POSTID = re.compile(r"\bpostid-(\d+)\b")
# Archive pages: the post links of each entry, and the link to the next (older) page.
_ENTRY_LINKS = [_css(s) for s in ("h2.entry-title a", ".wp-block-post-title a",
                                  "article .entry-title a", "article h2 a", "article h3 a")]
_NEXT_PAGE = _css("a.next.page-numbers, a.wp-block-query-pagination-next, .nav-previous a, "
                  "link[rel=next], a[rel=next]")
_ENTRY = _css("article, li.wp-block-post, .wp-block-post")


def parse_wp_article(html: str | bytes, url: str) -> dict:
    """Read one WordPress post page; see docs/contracts.md for the keys.

    Raises ``ParseError`` when the page shows no single post (an archive, the
    home page, a 404 page).
    """
    doc = parse_html(html)
    body_classes = (first(doc.iter("body")).get("class") or "") if first(doc.iter("body")) \
        is not None else ""
    if "single" not in body_classes.split() and "single-post" not in body_classes:
        if "error404" in body_classes.split():
            raise ParseError(url, "not a post page: WordPress 404 page")
        if any(c in body_classes.split() for c in ("archive", "home", "blog", "search")):
            raise ParseError(url, "not a post page: a WordPress archive")
    base = base_url(doc, url)
    content = _first_match(doc, _CONTENT)
    if content is None:
        raise ParseError(url, "not a post page: no post content (.entry-content)")
    scope = _scope(doc, content)
    ld = _json_ld_article(doc)
    title = clean_line(ld.get("headline"), unescape=True) or text_of(_first_match(scope, _TITLE))
    title = title or _meta(doc, "og:title")
    if not title:
        raise ParseError(url, "not a post page: no title (.entry-title / og:title)")
    body = read_body(content, base)
    canonical = canonical_url(doc, url)
    categories = _term_names(_CATEGORIES(scope), content)
    tags = [t for t in _term_names(_TAGS(scope), content) if t not in categories]
    return {
        "title": title,
        "published_text": (ld.get("datePublished") or _meta(doc, "article:published_time")
                           or _datetime(_PUBLISHED(scope), content)),
        "modified_text": (ld.get("dateModified") or _meta(doc, "article:modified_time")
                          or _datetime(_UPDATED(scope), content)),
        "author": _ld_author(ld) or _author(scope, content) or _meta(doc, "author"),
        "source": None,
        "category": categories[0] if categories else _meta(doc, "article:section"),
        "category_path": categories,
        "summary": manual_excerpt(_meta(doc, "description") or _meta(doc, "og:description"),
                                  body["body_text"]),
        "body_html": body["body_html"],
        "body_text": body["body_text"],
        "images": _images(doc, scope, content, base, body["_body"]),
        "attachments": body["attachments"],
        "tags": tags or _meta_all(doc, "article:tag"),
        "source_id": _post_id(body_classes, doc, url, canonical),
        "canonical_url": canonical,
    }


def parse_wp_listing(html: str | bytes, url: str) -> dict:
    """An archive page (category, tag, author, home) -> ``{items, next_page}``.

    An item is ``{url, title, listed_text}``; ``listed_text`` is the entry's
    ``time[datetime]``. A page past the last one is WordPress's 404 page:
    ``ParseError``.
    """
    doc = parse_html(html)
    body = first(doc.iter("body"))
    if body is not None and "error404" in (body.get("class") or "").split():
        raise ParseError(url, "not an archive page: WordPress 404 page")
    base = base_url(doc, url)
    items: dict[str, dict] = {}
    for selector in _ENTRY_LINKS:
        for link in selector(doc):
            href = absolute(base, link.get("href"))
            if not href or href in items:
                continue
            entry = _entry_of(link)
            when = first(_PUBLISHED(entry)) if entry is not None else None
            items[href] = {"url": href, "title": text_of(link),
                           "listed_text": when.get("datetime") if when is not None else None}
        if items:
            break
    next_link = first(_NEXT_PAGE(doc))
    next_page = absolute(base, next_link.get("href")) if next_link is not None else None
    return {"items": list(items.values()), "next_page": next_page}


def _first_match(root: HtmlElement, selectors: list[CSSSelector]) -> HtmlElement | None:
    for selector in selectors:
        found = first(selector(root))
        if found is not None:
            return found
    return None


def _scope(doc: HtmlElement, content: HtmlElement) -> HtmlElement:
    """The post's own block (its ``<article>``, else ``<main>``): never the sidebar."""
    ancestors = set(content.iterancestors())
    for candidate in _ARTICLE(doc):
        if candidate in ancestors:
            return candidate
    return doc


def _entry_of(link: HtmlElement) -> HtmlElement | None:
    ancestors = list(link.iterancestors())
    entries = set(_ENTRY(link.getroottree().getroot()))
    return next((a for a in ancestors if a in entries), None)


def _meta(doc: HtmlElement, name: str) -> str | None:
    for meta in doc.iter("meta"):
        if name in (meta.get("property"), meta.get("name")):
            value = clean_line(meta.get("content"), unescape=False)
            if value:
                return value
    return None


def _meta_all(doc: HtmlElement, name: str) -> list[str]:
    return [v for meta in doc.iter("meta") if meta.get("property") == name
            and (v := clean_line(meta.get("content")))]


def _datetime(elements: list[HtmlElement], content: HtmlElement) -> str | None:
    """The first ``datetime`` outside the post body (a date the author wrote is no metadata)."""
    for el in elements:
        if el is content or content in el.iterancestors():
            continue
        value = (el.get("datetime") or "").strip()
        if value:
            return value
    return None


def _author(scope: HtmlElement, content: HtmlElement) -> str | None:
    for selector in _AUTHOR:
        for el in selector(scope):
            if content not in el.iterancestors():
                name = text_of(el)
                if name:
                    return name
    return None


def _term_names(links: list[HtmlElement], content: HtmlElement) -> list[str]:
    names: dict[str, None] = {}
    for link in links:
        if content in link.iterancestors():
            continue
        name = text_of(link)
        if name:
            names.setdefault(name, None)
    return list(names)


def _images(doc: HtmlElement, scope: HtmlElement, content: HtmlElement, base: str,
            body: HtmlElement) -> list[dict]:
    images: dict[str, dict] = {}
    featured = next((img for img in _FEATURED(scope) if content not in img.iterancestors()), None)
    if featured is not None and absolute(base, featured.get("src")):
        src = absolute(base, featured.get("src"))
        images[src] = {"url": src, "alt": clean_line(featured.get("alt"))}
    elif _meta(doc, "og:image"):
        images[_meta(doc, "og:image")] = {"url": _meta(doc, "og:image"), "alt": None}
    for image in body_images(body):
        images.setdefault(image["url"], image)
    return list(images.values())


def _post_id(body_classes: str, doc: HtmlElement, url: str, canonical: str) -> int | None:
    match = _POSTID.search(body_classes)
    if match:
        return int(match.group(1))
    for candidate in [url, canonical] + [link.get("href") or "" for link in doc.iter("link")
                                         if link.get("rel") == "shortlink"]:
        value = parse_qs(urlsplit(candidate).query).get("p")
        if value and value[0].isdigit():
            return int(value[0])
    return None


def _json_ld_article(doc: HtmlElement) -> dict[str, Any]:
    """The page's schema.org article object (with ``author`` resolved from the graph)."""
    for script in _LD_JSON(doc):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        nodes = data.get("@graph", [data]) if isinstance(data, dict) else data
        nodes = [n for n in nodes if isinstance(n, dict)] if isinstance(nodes, list) else []
        by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
        for node in nodes:
            types = node.get("@type")
            types = set(types) if isinstance(types, list) else {types}
            if types & _ARTICLE_TYPES:
                author = node.get("author")
                if isinstance(author, list):
                    author = author[0] if author else None
                if isinstance(author, dict) and "name" not in author:
                    author = by_id.get(author.get("@id"), author)
                return {**node, "author": author}
    return {}


def _ld_author(ld: dict[str, Any]) -> str | None:
    author = ld.get("author")
    if isinstance(author, dict):
        return clean_line(author.get("name"), unescape=True)
    return clean_line(author, unescape=True) if isinstance(author, str) else None
