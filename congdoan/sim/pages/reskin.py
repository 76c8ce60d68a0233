"""The "reskin" theme: a re-templated provincial theme the parsers only half read.

Written from the ways customised NukeViet 4 themes (and the eGovernment
edition's) re-template the module pages, keeping the module's ids:

- the article byline loses its labels: ``Tác giả:`` and ``Nguồn tin:`` become an
  icon and the bare name (``<em class="fa fa-user">``), as icon-led theme headers do;
- the article's hometext (the bold lead, ``.hometext[itemprop=description]``)
  moves into the top of ``#news-bodyhtml`` as a bold first paragraph;
- the document's ``Người ký`` row leaves the field table and the signer is printed
  as the signature block under the text (position title, then the name), the
  way the signed paper shows it.

Title, date, body, category, attachments and the other document rows keep
their default-theme markup, so pages still parse: a theme change that goes
unnoticed unless field fill rates are watched (``congdoan health``).
"""

from __future__ import annotations

from congdoan.sim.pages.chrome import attr


def byline(author: str | None, source: str | None) -> str:
    """Author and source lines with an icon instead of a label."""
    lines = []
    if author:
        lines.append(f'<span class="news-author"><em class="fa fa-user">&nbsp;</em>'
                     f"{attr(author)}</span>")
    if source:
        lines.append(f'<span class="news-source"><em class="fa fa-link">&nbsp;</em>'
                     f"{attr(source)}</span>")
    if not lines:
        return ""
    return '        <div class="news-info text-right">\n            ' + (
        "\n            ".join(lines)) + "\n        </div>\n"


def lead_in_body(summary: str, body_html: str) -> str:
    """The body with the lead moved into it as a bold first paragraph."""
    return f"<p><strong>{attr(summary)}</strong></p>\n{body_html}" if summary else body_html


def signature_block(signer: str) -> str:
    """The signer as printed under a document: position title, then the name."""
    return ('<div class="law-signature text-right">\n    <p><strong>TM. BAN THƯỜNG VỤ'
            f"<br />CHỦ TỊCH</strong></p>\n    <p><strong>{attr(signer)}</strong></p>\n</div>\n")
