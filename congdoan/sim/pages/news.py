"""News module pages: home, category listings, article detail, and the 404 page."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from congdoan.sim.content import CATEGORIES, CATEGORY_BY_ALIAS, Article, Block, Category
from congdoan.sim.nvtext import store_title, tag_alias
from congdoan.sim.pages import reskin
from congdoan.sim.pages.chrome import NO_IMAGE, Head, attr, render_page
from congdoan.sim.pages.pagination import page_count, render_pagination

if TYPE_CHECKING:
    from congdoan.sim.site import Portal

WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
RELATED_LIMIT = 10


def display_date(moment: datetime) -> str:
    """The visible article date: ``Chủ nhật - 31/12/2017 23:55``."""
    return f"{WEEKDAYS[moment.weekday()]} - {moment:%d/%m/%Y %H:%M}"


def _block_html(block: Block) -> str:
    if block.kind == "p":
        return f"<p>{attr(block.text)}</p>"
    if block.kind == "img":
        return (f'<p style="text-align:center"><img alt="{attr(block.text)}" height="420" '
                f'src="{attr(block.src)}" width="640" /></p><p style="text-align:center"><em>'
                f"{attr(block.text)}</em></p>")
    if block.kind == "ul":
        return "<ul>" + "".join(f"<li>{attr(row[0])}</li>" for row in block.rows) + "</ul>"
    rows = []
    for index, row in enumerate(block.rows):
        cells = (f"<strong>{attr(c)}</strong>" if index == 0 else attr(c) for c in row)
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f'<table border="1" cellpadding="4"><tbody>{"".join(rows)}</tbody></table>'


def article_body_html(article: Article) -> str:
    """Inner HTML of ``#news-bodyhtml`` (what the editor saved)."""
    return "".join(_block_html(block) for block in article.blocks)


def _thumb(article: Article) -> str:
    return f"/assets/news/{article.image[0]}" if article.image else ""


def _listing_item(site: Portal, article: Article, featured: bool) -> str:
    url = attr(site.article_url(article))
    image = ""
    if article.image:
        image = (f'            <a href="{url}" title="{article.stored_title}" ><img  alt="'
                 f'{store_title(article.image[1])}" src="{_thumb(article)}" width="100" '
                 'class="img-thumbnail pull-left imghome" /></a>\n')
    heading = "h2" if featured else "h3"
    return f"""    <div class="panel panel-default">
        <div class="panel-body{" featured" if featured else ""}">
{image}            <{heading}>
                <a href="{url}" title="{article.stored_title}" >{article.stored_title}</a>
            </{heading}>
            <div class="text-muted">
                <ul class="list-unstyled list-inline">
                    <li><em class="fa fa-clock-o">&nbsp;</em> {article.published:%d/%m/%Y %H:%M:%S}</li>
                    <li><em class="fa fa-eye">&nbsp;</em> Đã xem: {article.views}</li>
                    <li><em class="fa fa-comment-o">&nbsp;</em> Phản hồi: 0</li>
                </ul>
            </div>
            {attr(article.summary)}
        </div>
    </div>"""  # noqa: E501


def render_category(site: Portal, alias: str, page: int) -> str | None:
    """A category listing page, or ``None`` when ``page`` is past the end."""
    category = CATEGORY_BY_ALIAS[alias]
    ids = [] if site.spec.listings_empty else site.content.article_ids(alias)
    per_page = site.spec.news_per_page
    pages = page_count(len(ids), per_page)
    if page > pages:
        return None
    start = (page - 1) * per_page
    items = [site.content.article(i) for i in ids[start:start + per_page]]
    others = [site.content.article(i) for i in ids[start + per_page:start + 2 * per_page]]
    main = ['<div class="news_column">']
    main += [_listing_item(site, a, featured=index == 0) for index, a in enumerate(items)]
    main.append("</div>")
    if others:
        main.append('<hr/>\n<h4>Các tin khác</h4>\n<ul class="related list-items">')
        for other in others:
            main.append(
                f'    <li>\n        <em class="fa fa-angle-right">&nbsp;</em><a href="'
                f'{attr(site.article_url(other))}" title="{other.stored_title}" >'
                f"{other.stored_title} <em>({other.published:%d/%m/%Y}) </em></a>\n    </li>"
            )
        main.append("</ul>")
    pagination = render_pagination(
        category.title, page, pages, lambda n: site.urls.news_cat(alias, n)
    )
    main.append(f'<div class="clearfix"></div>\n<div class="text-center">\n    {pagination}'
                "\n</div>")
    title = category.title + (f" - Trang {page}" if page > 1 else "")
    head = Head(
        title=title, description=category.description, module="news", func="viewcat",
        canonical=site.urls.absolute(site.urls.news_cat(alias, page)),
        breadcrumbs=_crumbs(site, alias),
        prev_url=site.urls.news_cat(alias, page - 1) if page > 1 else None,
        next_url=site.urls.news_cat(alias, page + 1) if page < pages else None,
    )
    return render_page(site, head, "\n".join(main))


def _crumbs(site: Portal, alias: str) -> list[tuple[str, str]]:
    category = CATEGORY_BY_ALIAS[alias]
    chain = [category]
    while chain[0].parent:
        chain.insert(0, CATEGORY_BY_ALIAS[chain[0].parent])
    return [(c.title, site.urls.news_cat(c.alias)) for c in chain]


def render_home(site: Portal) -> str:
    """Home page: the hot-news block and one block per top-level category."""
    urls = site.urls
    latest = [site.content.article(i) for i in site.content.article_ids()[:6]]
    main = [_hot_news(site, latest)] if latest else []
    for category in CATEGORIES:
        if category.parent:
            continue
        ids = site.content.article_ids(category.alias)[:3]
        if ids:
            main.append(_category_block(site, category, [site.content.article(i) for i in ids]))
    head = Head(title=attr(site.spec.site_name), description=site.spec.site_name,
                canonical=urls.absolute(urls.home()), module="news", func="main")
    return render_page(site, head, "\n".join(main))


def _hot_news(site: Portal, latest: list[Article]) -> str:
    """The home page's top block: the newest article with its lead, the next ones as links."""
    top, rest = latest[0], latest[1:]
    others = "".join(
        f'<li class="icon_list"><a class="show black h4 clearfix" href="'
        f'{attr(site.article_url(a))}" title="{a.stored_title}" ><span>{a.stored_title}'
        "</span></a></li>" for a in rest
    )
    return (
        f'<div id="hot-news">\n    <div class="panel panel-default news_column">\n        '
        f'<div class="panel-body">\n            <div class="row">\n                <div '
        f'class="col-md-14 margin-bottom-lg">\n<h2 class="margin-bottom-sm">'
        f'<a href="{attr(site.article_url(top))}" title="{top.stored_title}" >'
        f"{top.stored_title}</a></h2>\n                    {attr(top.summary)}\n"
        '                </div>\n                <div class="hot-news-others col-md-10 '
        f'margin-bottom-lg">\n                    <ul class="column-margin-left list-none">'
        f"{others}</ul>\n                </div>\n            </div>\n        </div>\n    </div>"
        "\n</div>"
    )


def _category_block(site: Portal, category: Category, articles: list[Article]) -> str:
    """A top-level category on the home page: its subcategories, newest article, next two."""
    urls = site.urls
    first, *more = articles
    subs = "".join(
        f'<li class="hidden-xs"><h4><a class="dimgray" title="{attr(c.title)}" href="'
        f'{attr(urls.news_cat(c.alias))}">{c.title}</a></h4></li>'
        for c in CATEGORIES if c.parent == category.alias
    )
    related = "".join(
        f'<li class="icon_list"><a class="show h4" href="{attr(site.article_url(a))}" '
        f'title="{a.stored_title}" >{a.stored_title}</a></li>' for a in more
    )
    return f"""<div class="news_column">
    <div class="panel panel-default clearfix">
        <div class="panel-heading">
            <ul class="list-inline sub-list-icon" style="margin: 0">
                <li><h4><a title="{attr(category.title)}" href="{attr(urls.news_cat(category.alias))}"><span>{category.title}</span></a></h4></li>{subs}
            </ul>
        </div>
        <div class="panel-body">
            <div class="row">
                <div class="col-md-16 ">
                    <h3>
                        <a title="{first.stored_title}" href="{attr(site.article_url(first))}" >{first.stored_title}</a>
                    </h3>
                    <div class="text-muted">
                        <ul class="list-unstyled list-inline">
                            <li><em class="fa fa-clock-o">&nbsp;</em> {first.published:%d/%m/%Y %H:%M}</li>
                        </ul>
                    </div>
                    {attr(first.summary)}
                </div>
                <div class="col-md-8">
                    <ul class="related list-items">{related}</ul>
                </div>
            </div>
        </div>
    </div>
</div>"""  # noqa: E501


def _files_panel(site: Portal, article: Article) -> str:
    if not article.files:
        return ""
    page_url = site.article_url(article)
    items = []
    for index, file in enumerate(article.files):
        link = attr(site.urls.file_link(page_url, index))
        label = f"Tập tin {index + 1}"
        preview = ""
        if file.name.endswith(".pdf"):
            preview = (f'<div class="collapse" id="file-{article.id}-{index}" data-src="'
                       f'{attr(site.urls.file_link(page_url, index, preview=True))}" '
                       'data-toggle="collapsefile" data-loaded="false"></div>')
        items.append(f'<div class="list-group-item">\n                    <a href="{link}" '
                     f'title="{label} {attr(file.name)}" download>{label}: <strong>'
                     f"{attr(file.name)}</strong></a>{preview}\n                </div>")
    return ('<div class="panel panel-default">\n            <div class="panel-heading">\n'
            '                <i class="fa fa-download"></i> <strong>File đính kèm</strong>\n'
            '            </div>\n            <div class="list-group news-download-file">\n'
            + "\n".join(items) + "\n            </div>\n        </div>")


def _related(site: Portal, heading: str, articles: list[Article]) -> str:
    if not articles:
        return ""
    items = "".join(
        f'\n                <li>\n                    <em class="fa fa-angle-right">&nbsp;</em>\n'
        f'                    <h4><a href="{attr(site.article_url(a))}"  data-placement="bottom"'
        f' data-content="{attr(a.summary[:150])}..." data-img="{_thumb(a)}" data-rel="tooltip" '
        f'title="{a.stored_title}">{a.stored_title}</a></h4>\n                    <em>'
        f"({a.published:%d/%m/%Y})</em>\n                </li>" for a in articles
    )
    return (f'        <p class="h3"><strong>{heading}</strong></p>\n        <div class="clearfix">'
            f'\n            <ul class="detail-related related list-none list-items">{items}\n'
            "            </ul>\n        </div>")


def render_article(site: Portal, article: Article) -> str:
    """The article detail page."""
    absolute = site.urls.absolute(site.article_url(article))
    main = (_article_panel(site, article, absolute) + _tags_panel(site, article) + _RATING_PANEL
            + _comments_panel(article) + _other_news_panel(site, article))
    head = Head(title=article.stored_title, description=article.summary, canonical=absolute,
                module="news", func="detail", og_type="article",
                breadcrumbs=_crumbs(site, article.category.alias), meta=_article_meta(article))
    return render_page(site, head, main)


def _article_panel(site: Portal, article: Article, absolute: str) -> str:
    """The article itself: headline, schema.org data, date, lead, body, files, byline."""
    # Without an image the CMS prints the theme placeholder as a relative path.
    image_abs = (site.urls.absolute(f"/uploads/news/{article.image[0]}") if article.image
                 else NO_IMAGE)
    added = article.added.isoformat(timespec="seconds")
    hometext, body_html, byline = _lead_body_byline(site, article)
    return f"""<div class="news_column panel panel-default" itemtype="http://schema.org/NewsArticle" itemscope>
    <div class="panel-body">
        <h1 class="title margin-bottom-lg" itemprop="headline">{article.stored_title}</h1>
        <div class="hidden hide d-none" itemprop="author" itemtype="http://schema.org/Person" itemscope>
            <span itemprop="name">{attr(article.author or "admin")}</span>
        </div>
        <span class="hidden hide d-none" itemprop="datePublished">{added}</span>
        <span class="hidden hide d-none" itemprop="dateModified">{added}</span>
        <span class="hidden hide d-none" itemprop="mainEntityOfPage">{attr(absolute)}</span>
        <span class="hidden hide d-none" itemprop="image">{attr(image_abs)}</span>
        <div class="hidden hide d-none" itemprop="publisher" itemtype="http://schema.org/Organization" itemscope>
            <span itemprop="name">{attr(site.spec.site_name)}</span>
        </div>
        <div class="row margin-bottom-lg">
            <div class="col-md-12">
                <span class="h5">{display_date(article.published)}</span>
            </div>
            <div class="col-md-12">
                <ul class="list-inline text-right">
                    <li><a class="dimgray" rel="nofollow" title="In ra" href="javascript: void(0)"><em class="fa fa-print fa-lg">&nbsp;</em></a></li>
                </ul>
            </div>
        </div>
        <div class="clearfix">
{_figure(article)}{hometext}        </div>
        <div id="news-bodyhtml" class="bodytext margin-bottom-lg">
            {body_html}
        </div>
        {_files_panel(site, article)}
{byline}    </div>
</div>
"""  # noqa: E501


def _lead_body_byline(site: Portal, article: Article) -> tuple[str, str, str]:
    """The lead (hometext), the body and the byline; the reskin moves the lead into the body."""
    if site.spec.theme == "reskin":
        return ("", reskin.lead_in_body(article.summary, article_body_html(article)),
                reskin.byline(article.author, article.source))
    hometext = (f'            <div class="hometext m-bottom" itemprop="description">'
                f"{attr(article.summary)}</div>\n")
    return hometext, article_body_html(article), _byline(article)


def _figure(article: Article) -> str:
    """The lead image: a thumbnail and its full-size preview."""
    if not article.image:
        return ""
    alt = store_title(article.image[1])
    return f"""            <figure class="article left pointer" onclick="modalShowByObj('#imgpreview');">
                <div style="width:100px;">
                    <p class="text-center"><img alt="{alt}" src="{_thumb(article)}" alt="{alt}" class="img-thumbnail"/></p>
                    <figcaption>{alt}</figcaption>
                </div>
            </figure>
            <div id="imgpreview" style="display:none">
                <p class="text-center"><img alt="{alt}" src="/uploads/news/{article.image[0]}" srcset="" alt="{alt}" class="img-thumbnail"/></p>
                <figcaption>{alt}</figcaption>
            </div>
"""  # noqa: E501


def _byline(article: Article) -> str:
    """Author and source lines, each only when the article has it."""
    byline = "".join(
        f'\n            <p class="h5 text-right">\n                <strong>{label}: </strong>'
        f"{attr(value)}\n            </p>"
        for label, value in (("Tác giả", article.author), ("Nguồn tin", article.source)) if value
    )
    return f'        <div class="margin-bottom-lg">{byline}\n        </div>\n' if byline else ""


def _tags_panel(site: Portal, article: Article) -> str:
    """The article's tags, each linking to its tag page."""
    if not article.tags:
        return ""
    links = ", ".join(f'<a title="{attr(t)}" href="{attr(site.urls.tag(tag_alias(t)))}"><em>'
                      f"{attr(t)}</em></a>" for t in article.tags)
    return ('<div class="news_column panel panel-default">\n    <div class="panel-body">\n'
            '        <div class="h5">\n            <em class="fa fa-tags">&nbsp;</em><strong>'
            f"Tags: </strong>{links}\n        </div>\n    </div>\n</div>\n")


_RATING_PANEL = """<div class="news_column panel panel-default">
    <div class="panel-body">
        <form id="form3B" action="">
            <div class="h5 clearfix">
                <p id="stringrating">Tổng số điểm của bài viết là: 0 trong 0 đánh giá</p>
                <div style="padding: 5px;">
                    <input class="hover-star required" type="radio" value="1" title="Bài viết rất kém"/><input class="hover-star required" type="radio" value="5" title="Bài viết rất tốt"/>
                    <span id="hover-test" style="margin: 0 0 0 20px;">Click để đánh giá bài viết</span>
                </div>
            </div>
        </form>
    </div>
</div>
"""  # noqa: E501


def _comments_panel(article: Article) -> str:
    """The comment box, closed to guests."""
    return f"""<div class="news_column panel panel-default">
    <div class="panel-body">
<div id="idcomment" class="nv-fullbg" data-module="news" data-content="news_commentcontent" data-area="{article.category.id}" data-id="{article.id}">
    <div class="row clearfix margin-bottom-lg">
        <div class="col-xs-12 text-left">
            <p class="comment-title">
                <em class="fa fa-comments">&nbsp;</em> Ý kiến bạn đọc
            </p>
        </div>
    </div>
    <div id="showcomment" class="margin-bottom-lg"></div>
    <div id="formcomment" class="comment-form">
        <div class="alert alert-danger fade in">
            <a title="Đăng nhập" href="#" onclick="return loginForm('');">Bạn cần đăng nhập với tư cách là <strong>Thành viên chính thức</strong> để có thể bình luận</a>
        </div>
    </div>
</div>
    </div>
</div>
"""  # noqa: E501


def _other_news_panel(site: Portal, article: Article) -> str:
    """Links to the newer and older articles of the same category."""
    same_cat = site.content.article_ids(article.category.alias)
    position = same_cat.index(article.id)
    newer = [site.content.article(i) for i in reversed(same_cat[max(0, position - RELATED_LIMIT):
                                                               position])]
    older = [site.content.article(i)
             for i in same_cat[position + 1:position + 1 + RELATED_LIMIT]]
    return f"""<div class="news_column panel panel-default">
    <div class="panel-body other-news">
{_related(site, "Những tin mới hơn", newer)}
{_related(site, "Những tin cũ hơn", older)}
    </div>
</div>"""


def _article_meta(article: Article) -> list[str]:
    """The article's extra ``<meta>`` lines: keywords, then the ``article:*`` properties."""
    meta = []
    if article.tags:
        keywords = attr(", ".join(t.lower() for t in article.tags))
        meta += [f'<meta name="keywords" content="{keywords}">',
                 f'<meta name="news_keywords" content="{keywords}">']
    # The CMS prints these with date('Y-m-dTH:i:s'): T is the zone abbreviation.
    meta += [
        f'<meta property="article:published_time" content="{article.published:%Y-%m-%d}+07'
        f'{article.published:%H:%M:%S}">',
        f'<meta property="article:modified_time" content="{article.added:%Y-%m-%d}+07'
        f'{article.added:%H:%M:%S}">',
        f'<meta property="article:section" content="{attr(article.category.title)}">',
        *[f'<meta property="article:tag" content="{attr(t)}">' for t in article.tags],
    ]
    return meta


def render_not_found(site: Portal) -> str:
    """The bare 404 page NukeViet shows for an unknown article id."""
    return f"""<!DOCTYPE html>
<html lang="vi" xmlns="http://www.w3.org/1999/xhtml" prefix="og: http://ogp.me/ns#">
    <head>
<title>Lỗi truy cập 404</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="content-type" content="text/html; charset=utf-8">
<meta http-equiv="expires" content="0">
<meta http-equiv="Refresh" content="3;URL={attr(site.urls.home())}">
<link rel="shortcut icon" href="/favicon.ico" />
<link href="/themes/default/css/style.css?t=1795707443" rel="stylesheet" />
    </head>
    <body>
        <div class="nv-infodie text-center">
            <div class="panel-body">
                <p><a href="{attr(site.urls.base_url)}"><img class="logo" src="/assets/images/logo.png" alt="{attr(site.spec.site_name)}"></a></p>
                <div class="m-bottom">
                    <h2>Lỗi truy cập 404</h2>
                    Lỗi 404: Trang web mà bạn đã cố gắng truy cập không tồn tại trên máy chủ của website.
                </div>
                <div>
                    <hr />
                    <em class="fa fa-home fa-lg">&nbsp;</em> <a href="{attr(site.urls.home())}">Về trang chủ</a>
                </div>
            </div>
        </div>
</body>
</html>"""  # noqa: E501
