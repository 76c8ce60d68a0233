"""Laws module pages: the document list (also filtered by type/area/issuer/signer) and detail."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from congdoan.sim.content import Document
from congdoan.sim.nvtext import laws_alias, store_title
from congdoan.sim.pages import reskin
from congdoan.sim.pages.chrome import Head, attr, render_page
from congdoan.sim.pages.pagination import page_count, render_pagination

if TYPE_CHECKING:
    from congdoan.sim.site import Portal

LAWS_TITLE = "Văn bản"
SAME_TYPE_LIMIT = 5


def _list_row(site: Portal, doc: Document, number: int) -> str:
    url = attr(site.urls.law_detail(doc.alias))
    files = ""
    if doc.files:
        many = len(doc.files) > 1
        links = "".join(
            f'\n                <li><a rel="dofollow" href="'
            f'{attr(site.urls.file_link(site.urls.law_detail(doc.alias), index))}" '
            f'title="{attr(file.name)}"><i class="fa fa-download"></i> Tải tập tin '
            f"{index + 1 if many else ''}</a></li>" for index, file in enumerate(doc.files)
        )
        files = f'\n            <ul class="laws-download list-unstyled">{links}\n            </ul>'
    return f"""    <div class="table-rows">
        <div class="c-stt a-center">{number}</div>
        <div class="c-code"><span class="label-name">Số kí hiệu:</span><a rel="dofollow" href="{url}" title="{attr(doc.title)}">{store_title(doc.code)}</a></div>
        <div class="c-time"><span class="label-name">Ngày ban hành:</span>{doc.issued:%d/%m/%Y}</div>
        <div class="c-intro">
            <a rel="dofollow" href="{url}"><strong>{store_title(doc.intro)}</strong></a>
        </div>
        <div class="c-file">
            <span class="label-name">File đính kèm:</span>{files}
        </div>
    </div>"""  # noqa: E501


def _doc_matches(doc: Document, what: str, value: str) -> bool:
    if what == "type":
        return doc.kind.alias == value
    if what == "area":
        return any(laws_alias(area) == value for area in doc.areas)
    if what == "subject":
        return laws_alias(doc.issuer) == value
    return laws_alias(doc.signer) == value


def render_list(
    site: Portal, page: int, what: str | None = None, value: str = "", signer_id: int = 0
) -> str | None:
    """Laws list page ``page`` (optionally filtered); ``None`` when nothing is there."""
    ids = [] if site.spec.listings_empty else site.content.document_ids()
    title = LAWS_TITLE
    url: Callable[[int], str] = site.urls.laws_list
    if what:
        docs = [site.content.document(i) for i in ids]
        ids = [d.id for d in docs if _doc_matches(d, what, value)]
        if not ids:
            return None
        first = site.content.document(ids[0])
        area = next((a for a in first.areas if laws_alias(a) == value), value)
        label = {"type": first.kind.name, "area": area, "subject": first.issuer,
                 "signer": first.signer}[what]
        title = f"{LAWS_TITLE} - {label}"

        def url(n: int) -> str:
            return site.urls.law_filter(what, value, n, signer_id)

    per_page = site.spec.laws_per_page
    pages = page_count(len(ids), per_page)
    if page > pages:
        return None
    start = (page - 1) * per_page
    rows = [_list_row(site, site.content.document(doc_id), start + offset + 1)
            for offset, doc_id in enumerate(ids[start:start + per_page])]
    main = f"""        <div class="flex-table-laws">
        <div class="table-rows table-head">
        <div class="c-stt a-center">STT</div>
        <div class="c-code">Số kí hiệu</div>
        <div class="c-time">Ngày ban hành</div>
        <div class="c-intro">Trích yếu</div>
        <div class="c-file">File đính kèm</div>
    </div>
{chr(10).join(rows)}
</div>
<div class="generate_page">
    {render_pagination(title, page, pages, url)}
</div>"""
    head = Head(
        title=title + (f" - Trang {page}" if page > 1 else ""), description=title,
        canonical=site.urls.absolute(url(page)), module="laws", func="main",
        breadcrumbs=[(LAWS_TITLE, site.urls.laws_list())],
        prev_url=url(page - 1) if page > 1 else None,
        next_url=url(page + 1) if page < pages else None,
    )
    return render_page(site, head, main)


def _field_rows(site: Portal, doc: Document) -> str:
    urls = site.urls
    rows = [("Số kí hiệu", store_title(doc.code))]
    for label, value in (("Ngày ban hành", doc.issued), ("Ngày bắt đầu hiệu lực", doc.effective),
                         ("Ngày hết hiệu lực", doc.expires)):
        if value is not None:  # the CMS leaves an empty field's whole row out
            rows.append((label, f"{value:%d/%m/%Y}"))

    def link(href: str, text: str) -> str:
        return f'<a rel="dofollow" href="{attr(href)}" title="{attr(text)}">{attr(text)}</a>'

    rows.append(("Thể loại", link(urls.law_filter("type", doc.kind.alias), doc.kind.name)))
    areas = "".join(link(urls.law_filter("area", laws_alias(a)), a) + "<br />" for a in doc.areas)
    rows.append(("Lĩnh vực", areas))
    rows.append(("Cơ quan ban hành",
                 link(urls.law_filter("subject", laws_alias(doc.issuer)), doc.issuer)))
    if site.spec.theme != "reskin":  # the reskin prints the signer under the text instead
        rows.append(("Người ký", link(
            urls.law_filter("signer", laws_alias(doc.signer), signer_id=doc.signer_id),
            doc.signer)))
    cells = []
    for index, (label, value) in enumerate(rows):
        width = ' style="width:160px"' if index == 0 else ""
        cells.append(f'            <tr class="hoatim">\n                <td{width} '
                     f'class="text-right">{label}</td>\n                <td>{value}</td>\n'
                     "            </tr>")
    return "\n".join(cells)


def detail_file_url(site: Portal, doc: Document, index: int, preview: bool = False) -> str:
    """An attachment link as the detail page renders it (query style keeps its doubled op)."""
    page_url = site.urls.law_detail(doc.alias, from_detail=doc.alias)
    return site.urls.file_link(page_url, index, preview)


def render_detail(site: Portal, doc: Document) -> str:
    """A document's detail page."""
    urls = site.urls
    main = f"""        <h1 class="lawh3">{attr(doc.title)}</h1>
<p>{store_title(doc.intro)}</p>

<div class="table-responsive">
    <table class="table table-striped table-bordered table-hover">
        <tbody>
{_field_rows(site, doc)}
        </tbody>
    </table>
</div>
{_text(doc)}
{reskin.signature_block(doc.signer) if site.spec.theme == "reskin" else ""}<div id="comment"></div>
{_files_list(site, doc)}{_same_type(site, doc)}"""
    head = Head(title=attr(doc.title), description=doc.intro, module="laws", func="detail",
                canonical=urls.absolute(urls.law_detail(doc.alias)),
                breadcrumbs=[(LAWS_TITLE, urls.laws_list())])
    return render_page(site, head, main)


def _text(doc: Document) -> str:
    """The document's text ("Nội dung"), its opening "Căn cứ" in bold; "" for a scan."""
    if not doc.body:
        return ""
    first, *rest = doc.body
    head_word = "Căn cứ"
    first_html = (f"<strong>{head_word}</strong>{attr(first[len(head_word):])}"
                  if first.startswith(head_word) else attr(first))
    paragraphs = f"<p>{first_html}</p>" + "".join(f"<p>{attr(line)}</p>" for line in rest)
    return f'\n<h2 class="lawh3">Nội dung</h2>\n<p class="m-bottom">{paragraphs}</p>\n'


def _files_list(site: Portal, doc: Document) -> str:
    """The attachments' download links."""
    if not doc.files:
        return ""
    many = len(doc.files) > 1
    items = []
    for index, file in enumerate(doc.files):
        number = str(index + 1) if many else ""
        # The CMS glues the number to the name in the title attribute.
        items.append(
            f'    <div class="list-group-item">\n        <a rel="dofollow" href="'
            f'{attr(detail_file_url(site, doc, index))}" title="Tải tập tin {number}'
            f'{attr(file.name)}">Tải tập tin {number}: <strong>{attr(file.name)}</strong></a>'
            "\n    </div>"
        )
    return ('<h2 class="lawh3"><em class="fa fa-download">&nbsp;</em>File đính kèm</h2>\n'
            '<div class="list-group laws-download-file">\n' + "\n".join(items) + "\n</div>\n")


def _same_type(site: Portal, doc: Document) -> str:
    """The other documents of the same type ("Các văn bản cùng thể loại"), a few at most."""
    urls = site.urls
    same = [site.content.document(i) for i in site.content.document_ids() if i != doc.id]
    same = [d for d in same if d.kind.alias == doc.kind.alias][:SAME_TYPE_LIMIT]
    if not same:
        return ""
    rows = "".join(
        f"""
    <div class="table-rows">
        <div class="c-code"><span class="label-name">Số kí hiệu:</span><a rel="dofollow" href="{attr(urls.law_detail(d.alias, from_detail=doc.alias))}" title="{attr(d.title)}">{store_title(d.code)}</a></div>
        <div class="c-time"><span class="label-name">Ngày ban hành:</span>{d.issued:%d/%m/%Y}</div>
        <div class="c-intro">
            <a rel="dofollow" href="{attr(urls.law_detail(d.alias, from_detail=doc.alias))}">{store_title(d.intro)}</a>
        </div>
    </div>""" for d in same)  # noqa: E501
    return (
        f'<h2 class="subtitle">Các văn bản cùng thể loại <a rel="dofollow" href="'
        f'{attr(urls.law_filter("type", doc.kind.alias))}" title="{attr(doc.kind.name)}">'
        f'"{attr(doc.kind.name)}"</a></h2>\n<div class="flex-table-laws">\n    <div '
        'class="table-rows table-head">\n        <div class="c-code">Số kí hiệu</div>\n'
        '        <div class="c-time">Ngày ban hành</div>\n        <div class="c-intro">Trích '
        f"yếu</div>\n    </div>{rows}\n</div>"
    )
