"""How WordPress writes text: ``wptexturize`` (dashes, quotes) and the block editor's content.

Seen in the captures (tests/fixtures/wordpress/): a title typed ``2026 - 2031``
is shown ``2026 &#8211; 2031``, ``"Tết sum vầy"`` becomes ``&#8220;…&#8221;``;
term names stay as typed in the REST API and the footers. The content is the
block editor's serialisation: paragraphs, ``wp-block-image`` figures with a
caption, ``wp-block-table``, lists and ``wp-block-file`` downloads, blocks
separated by blank lines.
"""

from __future__ import annotations

import html
import re

from congdoan.sim.content import Block
from congdoan.sim.wordpress.model import Media, Post

_QUOTED = re.compile(r'"([^"]*)"')
_ENTITIES = {"–": "&#8211;", "“": "&#8220;", "”": "&#8221;", "’": "&#8217;", "…": "&#8230;"}


def texturize(text: str) -> str:
    """The text a reader sees: `` - `` as an en dash, straight double quotes curled."""
    text = text.replace(" - ", " – ")
    return _QUOTED.sub(lambda m: f"“{m.group(1)}”", text)


def rendered(text: str) -> str:
    """``texturize`` then HTML-escaped, the typographic characters as numeric entities."""
    escaped = html.escape(texturize(text), quote=False)
    return "".join(_ENTITIES.get(ch, ch) for ch in escaped)


def attr(text: str) -> str:
    """An attribute value as WordPress writes it (``esc_attr``)."""
    return html.escape(text, quote=True)


def image_block(media: Media, base: str) -> str:
    """A ``wp-block-image`` figure with its caption."""
    src = base + media.path
    return (f'<figure class="wp-block-image size-large"><img decoding="async" loading="lazy" '
            f'width="1200" height="800" src="{src}" alt="{attr(media.alt)}" '
            f'class="wp-image-{media.id}" /><figcaption>{rendered(media.title)}</figcaption>'
            "</figure>")


def file_block(media: Media, base: str) -> str:
    """A ``wp-block-file`` download: the file's name, then the download button."""
    href = base + media.path
    return (f'<div class="wp-block-file"><a href="{href}">{rendered(media.title)}</a>'
            f'<a href="{href}" class="wp-block-file__button" download>Tải xuống</a></div>')


def _block(block: Block, images: dict[str, Media], base: str) -> str:
    if block.kind == "p":
        return f"<p>{rendered(block.text)}</p>"
    if block.kind == "img":
        return image_block(images[block.src.rsplit("/", 1)[-1]], base)
    if block.kind == "ul":
        items = "".join(f"<li>{rendered(row[0])}</li>" for row in block.rows)
        return f"<ul>{items}</ul>"
    rows = "".join("<tr>" + "".join(f"<td>{rendered(cell)}</td>" for cell in row) + "</tr>"
                   for row in block.rows)
    return f'<figure class="wp-block-table"><table><tbody>{rows}</tbody></table></figure>'


def content_html(post: Post, base: str) -> str:
    """``the_content``: the post's blocks, then its files, as the REST API and pages show it."""
    images = {m.path.rsplit("/", 1)[-1]: m for m in post.images}
    parts = [_block(b, images, base) for b in post.article.blocks]
    parts += [file_block(m, base) for m in post.files]
    return "\n" + "\n\n\n\n".join(parts) + "\n"


def excerpt_html(post: Post) -> str:
    """The manual excerpt (the generator's summary) as ``the_excerpt`` prints it."""
    return f"<p>{rendered(post.article.summary)}</p>\n"


def body_lines(post: Post) -> list[str]:
    """What a reader reads in the body, one line per block (the truth; files excluded)."""
    lines: list[str] = []
    for block in post.article.blocks:
        if block.kind in ("p", "img"):
            lines.append(texturize(block.text))
        else:
            lines.extend(" ".join(texturize(cell) for cell in row) for row in block.rows)
    return lines
