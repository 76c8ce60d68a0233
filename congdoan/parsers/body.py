"""Article and document bodies: strip page chrome, make links absolute, render text.

``body_text`` follows one convention everywhere (and the database's own
``body_text_plain``): one line per block (paragraph, heading, list item,
caption, table row with its cells joined by one space), inline markup joined
as written, whitespace collapsed, NFC, empty lines dropped.
"""

from __future__ import annotations

import copy
import html
import re

import lxml.html

from congdoan.normalize.text import clean_line, nfc
from congdoan.parsers.markup import HtmlElement, absolute, is_element, remove

# Never content: code, widgets and form controls.
_DROP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "link", "meta", "form", "input", "button",
     "select", "textarea", "ins", "object", "embed", "svg"}
)
# Ads and NukeViet chrome that customised themes sometimes nest inside the body.
_DROP_CLASS = re.compile(
    r"\b(adsbygoogle|advert\w*|ads?|quang-?cao|banner\w*|share\w*|social\w*|rating|"
    r"news-download-file|other-news|related|comment\w*|fb-\w+|twitter-\w+)\b",
    re.IGNORECASE,
)
_DROP_IDS = frozenset({"idcomment", "showcomment", "formcomment", "form3B", "stringrating",
                       "hover-test", "timeoutsess", "run_cronjobs"})
_URL_ATTRS = (("img", "src"), ("a", "href"), ("source", "src"), ("iframe", "src"),
              ("video", "src"), ("audio", "src"), ("video", "poster"))
BLOCK_TAGS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
     "blockquote", "pre", "figure", "figcaption", "table", "thead", "tbody", "tfoot",
     "caption", "section", "article", "header", "footer", "aside", "address", "center",
     "hr", "main", "nav", "details", "summary", "fieldset", "legend"}
)
_CELLS = ("td", "th")


def clean_fragment(el: HtmlElement, base: str) -> HtmlElement:
    """A copy of ``el`` without scripts, styles, ads, widgets or comments, links absolute."""
    frag = copy.deepcopy(el)
    frag.tail = None
    for node in list(frag.iter()):
        if node is frag:
            continue
        if not is_element(node):
            remove(node)  # comments and processing instructions
            continue
        if node.getparent() is None:
            continue  # already dropped with an ancestor
        classes = node.get("class") or ""
        if (node.tag in _DROP_TAGS or node.get("id") in _DROP_IDS
                or (classes and _DROP_CLASS.search(classes))):
            remove(node)
    for tag, attr in _URL_ATTRS:
        for node in frag.iter(tag):
            value = node.get(attr)
            if value:
                resolved = absolute(base, value)
                if resolved:
                    node.set(attr, resolved)
        for node in frag.iter(tag):
            if node.get("srcset") == "":
                del node.attrib["srcset"]
    return frag


def inner_html(el: HtmlElement) -> str:
    """The element's content as HTML (its children and text, not the element itself), NFC."""
    parts = [html.escape(el.text, quote=False) if el.text else ""]
    parts += [lxml.html.tostring(child, encoding="unicode") for child in el]
    return nfc("".join(parts)).strip()


def body_lines(el: HtmlElement) -> list[str]:
    """The text of ``el`` as lines, one per block; see the module docstring."""
    lines: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        line = clean_line("".join(buffer))
        buffer.clear()
        if line:
            lines.append(line)

    def walk(node: HtmlElement) -> None:
        if not is_element(node):
            buffer.append(node.tail or "")
            return
        tag = node.tag.lower()
        if tag in _DROP_TAGS:
            pass
        elif tag == "br":
            flush()
        elif tag == "tr":
            flush()
            cells = [" ".join(body_lines(cell)) for cell in node if is_element(cell)
                     and cell.tag.lower() in _CELLS]
            line = clean_line(" ".join(cell for cell in cells if cell))
            if line:
                lines.append(line)
        elif tag in BLOCK_TAGS:
            flush()
            buffer.append(node.text or "")
            for child in node:
                walk(child)
            flush()
        else:
            buffer.append(node.text or "")
            for child in node:
                walk(child)
        buffer.append(node.tail or "")

    buffer.append(el.text or "")
    for child in el:
        walk(child)
    flush()
    return lines


def body_text(el: HtmlElement) -> str:
    """``body_lines`` joined with newlines."""
    return "\n".join(body_lines(el))


def body_images(el: HtmlElement) -> list[dict[str, str | None]]:
    """``{url, alt}`` for every image of an already cleaned (absolute) fragment."""
    images = []
    for img in el.iter("img"):
        src = img.get("src") or img.get("data-src")
        if src and not src.startswith("data:"):
            images.append({"url": src, "alt": clean_line(img.get("alt"))})
    return images
