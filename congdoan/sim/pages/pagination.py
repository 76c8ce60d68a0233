"""NukeViet's ``nv_generate_page`` markup: ``ul.pagination`` with rel=prev/next links."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

# Pages shown either side of the current one before a gap (long listings stay short).
WINDOW = 3


def page_count(total: int, per_page: int) -> int:
    """Number of pages for ``total`` items (at least 1)."""
    return max(1, -(-total // per_page))


def render_pagination(title: str, page: int, pages: int, url: Callable[[int], str]) -> str:
    """``<ul class="pagination">`` for page ``page`` of ``pages``; empty when one page.

    ``title`` is the listing title in stored form; ``url(n)`` builds page n's URL.
    Reproduces the CMS's unclosed ``<li>`` after the active item on the last page.
    """
    if pages <= 1:
        return ""

    def link(n: int, text: str) -> str:
        rel = "prev" if n < page else "next"
        return (f'<li><a rel="{rel}" title="{title} - Trang {n}" '
                f'href="{escape(url(n), quote=True)}">{text}</a></li>')

    disabled = '<li class="disabled"><a href="javascript:void(0)">{}</a></li>'
    parts = [link(page - 1, "&laquo;") if page > 1 else disabled.format("&laquo;")]
    shown = sorted({1, pages, *range(max(1, page - WINDOW), min(pages, page + WINDOW) + 1)})
    previous = 0
    for n in shown:
        if n - previous > 1:
            parts.append('<li class="disabled"><span>...</span></li>')
        previous = n
        if n == page:
            close = "<li>" if page == pages else "</li>"
            parts.append(f'<li class="active"><a href="javascript:void(0)">{n}</a>{close}')
        else:
            parts.append(link(n, str(n)))
    parts.append(link(page + 1, "&raquo;") if page < pages else disabled.format("&raquo;"))
    return '<ul class="pagination">' + "".join(parts) + "</ul>"
