"""What a WordPress post body holds besides its text: attached files, and the excerpt test.

Shared by the REST and the HTML readers. WordPress puts attached files inside
the content (the block editor's File block, or plain links to the uploaded
file); they become ``attachments`` and the File blocks leave the body, as
NukeViet's download box is outside its body.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from lxml.cssselect import CSSSelector

from congdoan.normalize.text import clean_line
from congdoan.parsers.body import body_text, clean_fragment, inner_html
from congdoan.parsers.markup import HtmlElement, remove, text_of

FILE_EXTENSIONS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods",
                             "rtf", "zip", "rar", "7z"})
_FILE_BLOCKS = CSSSelector(".wp-block-file", translator="html")
# Not content: the paging links of a <!--nextpage--> post and screen-reader-only labels.
_CHROME = CSSSelector(".page-links, .post-nav-links, .screen-reader-text", translator="html")
_SAME_START = 8  # words an automatic excerpt shares with the start of the body


def is_file_url(url: str) -> bool:
    """True when the URL's path ends in a document or archive extension."""
    path = urlsplit(url).path.lower()
    return "." in path.rsplit("/", 1)[-1] and path.rsplit(".", 1)[-1] in FILE_EXTENSIONS


def read_body(content: HtmlElement, base: str) -> dict:
    """``body_html``, ``body_text`` and ``attachments`` of a post's content element.

    An attachment's name is its link text; a File block's download button (the
    same URL again, "Tải xuống"/"Download") does not name it.
    """
    body = clean_fragment(content, base)
    attachments: dict[str, str] = {}
    for link in body.iter("a"):
        href = link.get("href")
        is_button = "wp-block-file__button" in (link.get("class") or "")
        if not href or is_button or not is_file_url(href):
            continue
        name = text_of(link) or unquote(urlsplit(href).path.rsplit("/", 1)[-1])
        attachments.setdefault(href, name)
    for node in [*_FILE_BLOCKS(body), *_CHROME(body)]:
        remove(node)
    return {
        "body_html": inner_html(body),
        "body_text": body_text(body),
        "attachments": [{"url": url, "name": name} for url, name in attachments.items()],
        "_body": body,
    }


def manual_excerpt(excerpt: str | None, text: str) -> str | None:
    """The excerpt when an editor wrote it; ``None`` for WordPress's automatic one.

    WordPress fills an empty excerpt with the body's first 55 words (image
    blocks left out, then ``[…]`` or a theme's "Continue reading" link): such an
    excerpt repeats the body and is no summary. It is recognised by starting
    with the body's first words.
    """
    excerpt = clean_line(excerpt)
    if not excerpt:
        return None
    words = excerpt.split()[:_SAME_START]
    if words and text.split()[:len(words)] == words:
        return None
    return excerpt
