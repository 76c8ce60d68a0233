"""The NukeViet 4 default-theme page frame around every module page.

Header, menus, breadcrumbs, side blocks ("Tin xem nhiều", "Văn bản mới",
"Thống kê"), footer, the session-timeout banner and scripts: chrome a crawler
must recognise and leave out of any body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING

from congdoan.sim.content import CATEGORIES
from congdoan.sim.nvtext import store_title

if TYPE_CHECKING:
    from congdoan.sim.site import Portal

ASSET_VERSION = "1795707443"
NO_IMAGE = "/themes/default/images/no_image.gif"
SITE_DESCRIPTION = "Chia sẻ thành công, kết nối đam mê"
_CSS = ("/assets/css/font-awesome.min.css", "/themes/default/css/bootstrap.non-responsive.css",
        "/themes/default/css/style.css", "/themes/default/css/news.css",
        "/themes/default/css/laws.css", "/themes/default/css/comment.css")
_JS = ("/assets/js/jquery/jquery.min.js", "/assets/js/language/vi.js", "/assets/js/global.js",
       "/assets/js/site.js", "/themes/default/js/main.js")


def attr(value: str) -> str:
    """Escape a raw value for an HTML attribute or text node."""
    return escape(value, quote=True)


@dataclass
class Head:
    """Per-page parts of the frame. ``title`` is already in stored (entity-encoded) form."""

    title: str
    description: str
    canonical: str
    module: str  # "news" or "laws": which RSS alternates and script variables
    func: str  # NukeViet function name: main, viewcat, detail
    og_type: str = "website"
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)  # (stored title, url)
    next_url: str | None = None
    prev_url: str | None = None
    meta: list[str] = field(default_factory=list)  # extra <meta> lines (articles)


def _head(site: Portal, head: Head) -> str:
    urls = site.urls
    lines = [
        "<!DOCTYPE html>",
        '    <html lang="vi" xmlns="http://www.w3.org/1999/xhtml" prefix="og: http://ogp.me/ns#">',
        "    <head>",
        f"<title>{head.title}</title>",
        f'<meta name="description" content="{attr(head.description)}">',
        *[m for m in head.meta if m.startswith('<meta name="')],
        f'<meta name="author" content="{attr(site.spec.site_name)}">',
        f'<meta name="copyright" content="{attr(site.spec.site_name)} [admin@congdoan.local]">',
        '<meta name="generator" content="NukeViet v4.5">',
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
        f'<meta property="og:title" content="{head.title}">',
        f'<meta property="og:type" content="{head.og_type}">',
        f'<meta property="og:description" content="{attr(head.description)}">',
        f'<meta property="og:site_name" content="{attr(site.spec.site_name)}">',
        f'<meta property="og:url" content="{attr(head.canonical)}">',
        *[m for m in head.meta if m.startswith("<meta property=")],
        '<link rel="shortcut icon" href="/favicon.ico">',
        f'<link rel="canonical" href="{attr(head.canonical)}">',
    ]
    if head.prev_url:
        lines.append(f'<link rel="prev" href="{attr(urls.absolute(head.prev_url))}">')
    if head.next_url:
        lines.append(f'<link rel="next" href="{attr(urls.absolute(head.next_url))}">')
    if head.module == "laws":
        lines.append(f'<link rel="alternate" href="{attr(urls.laws_rss())}" title="Văn bản" '
                     'type="application/rss+xml">')
    else:
        lines.append(f'<link rel="alternate" href="{attr(urls.news_rss())}" title="Tin Tức" '
                     'type="application/rss+xml">')
        for cat in CATEGORIES:
            lines.append(f'<link rel="alternate" href="{attr(urls.news_rss(cat.alias))}" '
                         f'title="Tin Tức - {cat.title}" type="application/rss+xml">')
    for css in _CSS:
        lines.append(f'<link rel="stylesheet" href="{css}?t={ASSET_VERSION}">')
    lines.append("    </head>")
    return "\n".join(lines)


def _menu(site: Portal) -> str:
    urls = site.urls
    items = [
        f'<li><a class="home" title="Trang nhất" href="{attr(urls.home())}"><em class="fa fa-lg '
        'fa-home">&nbsp;</em><span class="visible-xs-inline-block"> Trang nhất</span></a></li>',
    ]
    # Like the real default menu: category links, plus a stale one to a deleted category.
    subs = "".join(
        f'<li><a href="{attr(urls.news_cat(c.alias))}" title="{attr(c.title)}">{c.title}</a></li>'
        for c in CATEGORIES if not c.parent
    ) + f'<li><a href="{attr(urls.news_cat("Tin-tuc"))}" title="Tin tức">Tin tức</a></li>'
    items.append(
        '<li  class="dropdown" role="presentation"><a class="dropdown-toggle"  href="'
        f'{attr(urls.home())}" role="button" aria-expanded="false" title="Tin Tức">  Tin Tức '
        f'<strong class="caret">&nbsp;</strong></a>  <ul class="dropdown-menu">{subs}</ul> </li>'
    )
    if site.spec.laws_module:
        items.append(f'<li  role="presentation"><a class="dropdown-toggle"  href="'
                     f'{attr(urls.laws_list())}" role="button" aria-expanded="false" '
                     'title="Văn bản">  Văn bản</a> </li>')
    for path, title in (("contact", "Liên hệ"), ("seek", "Tìm kiếm")):
        href = f"/index.php?language=vi&nv={path}" if urls.query else f"/{path}/"
        items.append(f'<li  role="presentation"><a class="dropdown-toggle"  href="{attr(href)}" '
                     f'role="button" aria-expanded="false" title="{title}">  {title}</a> </li>')
    return (
        '<div class="collapse navbar-collapse" id="menu-site-default">\n'
        '        <ul class="nav navbar-nav">\n            ' + "\n            ".join(items)
        + "\n        </ul>\n    </div>"
    )


def _breadcrumbs(site: Portal, crumbs: list[tuple[str, str]]) -> str:
    items = [
        f'<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem"><a '
        f'href="{attr(site.urls.home())}" itemprop="item" title="Trang nhất"><span itemprop="name"'
        '>Trang nhất</span></a><i class="hidden" itemprop="position" content="1"></i></li>'
    ]
    for position, (title, url) in enumerate(crumbs, start=2):
        items.append(
            f'<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem"><a '
            f'href="{attr(url)}" itemprop="item" title="{title}"><span class="txt" '
            f'itemprop="name">{title}</span></a><i class="hidden" itemprop="position" '
            f'content="{position}"></i></li>'
        )
    return f"""                    <nav class="third-nav">
                        <div class="row">
                            <div class="bg">
                            <div class="clearfix">
                                <div class="col-xs-24 col-sm-18 col-md-18">
                                    <div class="breadcrumbs-wrap">
                                        <div class="display">
                                            <a class="show-subs-breadcrumbs hidden" href="#" onclick="showSubBreadcrumbs(this, event);"><em class="fa fa-lg fa-angle-right"></em></a>
                                            <ul class="breadcrumbs list-none"></ul>
                                        </div>
                                        <ul class="subs-breadcrumbs"></ul>
                                        <ul class="temp-breadcrumbs hidden" itemscope itemtype="https://schema.org/BreadcrumbList">
                                            {"".join(items)}
                                        </ul>
                                    </div>
                                </div>
                                <div class="headerSearch col-xs-24 col-sm-6 col-md-6">
                                    <div class="input-group">
                                        <input type="text" class="form-control" maxlength="60" placeholder="Tìm kiếm..."><span class="input-group-btn"><button type="button" class="btn btn-info" data-url="/seek/?q=" data-minlength="3" data-click="y"><em class="fa fa-search fa-lg"></em></button></span>
                                    </div>
                                </div>
                            </div>
                            </div>
                        </div>
                    </nav>"""  # noqa: E501


def _counter(site: Portal) -> str:
    # Fixed per portal (the real block changes per visit) so page bytes stay comparable.
    online = 20 + site.spec.seed % 30
    rows = (("fa fa-bolt", "Đang truy cập", online), ("fa fa-filter", "Hôm nay", online * 9),
            ("fa fa-calendar-o", "Tháng hiện tại", online * 310),
            ("fa fa-bars", "Tổng lượt truy cập", online * 52011))
    return '<ul class="counter list-none display-table">\n' + "\n".join(
        f'\t<li><span><em class="{icon} fa-lg fa-horizon"></em>{label}</span><span>{value}</span>'
        "</li>" for icon, label, value in rows
    ) + "\n</ul>"


def _panel(heading: str, body: str) -> str:
    return (f'<div class="panel panel-primary">\n\t<div class="panel-heading">\n\t\t{heading}\n'
            f'\t</div>\n\t<div class="panel-body">\n\t\t{body}\n\t</div>\n</div>')


def _tophits(site: Portal) -> str:
    ids = site.content.article_ids()[:10]
    articles = sorted((site.content.article(i) for i in ids), key=lambda a: -a.views)
    items = []
    for article in articles:
        url = site.article_url(article)
        items.append(
            f'<li class="clearfix">\n        <a  class="show" href="{attr(url)}"  data-content="'
            f'{attr(article.summary[:150])}..." data-img="" data-rel="block_news_tooltip">'
            f"{article.stored_title}</a>\n    </li>"
        )
    return _panel("Tin xem nhiều", '<ul class="block_tophits list-none list-items">\n'
                  + "\n".join(items) + "\n</ul>")


def _laws_block(site: Portal) -> str:
    """Sidebar "Văn bản mới": latest posted documents with their counters."""
    items = []
    for doc_id in site.content.documents_by_added()[:5]:
        doc = site.content.document(doc_id)
        items.append(
            f"""<div class="m-bottom item">
		<h3 class="law-code">
			<a rel="dofollow" href="{attr(site.urls.law_detail(doc.alias))}" title="{attr(doc.title)}">{store_title(doc.code)}</a>
		</h3>
		<p class="law-title">{attr(doc.title)}</p>
		<p class="text-muted law-view">Thời gian đăng: {doc.added:%d/%m/%Y}</p>
				<em class="text-muted law-view">lượt xem: {doc.views} | lượt tải:{doc.downloads}</em>
	</div>"""  # noqa: E501
        )
    return _panel("Văn bản mới", '<div class="block-law marquee"  >\n\t\t' + "\n".join(items)
                  + "\n</div>")


def _left_menu(site: Portal) -> str:
    lines = []
    for cat in CATEGORIES:
        if cat.parent:
            continue
        children = [c for c in CATEGORIES if c.parent == cat.alias]
        sub = ""
        if children:
            sub = ('\n\t\t\t\t\t<span class="fa arrow expand">&nbsp;</span>'
                   '\n\t\t\t\t\t<ul>') + "".join(
                f'\n\t\t<li>\n\t\t<a href="{attr(site.urls.news_cat(c.alias))}" '
                f'title="{attr(c.title)}">{c.title}</a>\n\t</li>' for c in children
            ) + "\n</ul>"
        lines.append(f'\t\t\t\t<li>\n\t\t\t\t\t<a href="{attr(site.urls.news_cat(cat.alias))}" '
                     f'title="{attr(cat.title)}">{cat.title}</a>{sub}\n\t\t\t\t</li>')
    return ('<div class="clearfix panel metismenu">\n\t<aside class="sidebar">\n\t\t<nav '
            'class="sidebar-nav">\n\t\t\t<ul id="menu_3">\n' + "\n".join(lines)
            + "\n\t\t\t</ul>\n\t\t</nav>\n\t</aside>\n</div>")


_POLL = """<form action="/" method="get">
	<h4>Đoàn viên quan tâm nhất đến hoạt động nào của Công đoàn?</h4>
	<div>
		<div class="radio"><label><input type="radio" name="option" value="1"> Chăm lo đời sống, việc làm</label></div>
		<div class="radio"><label><input type="radio" name="option" value="2"> Tư vấn pháp luật</label></div>
		<div class="radio"><label><input type="radio" name="option" value="3"> Văn hóa, thể thao</label></div>
		<div class="clearfix">
			<input class="btn btn-success btn-sm" type="button" value="Bình chọn" onclick="nv_sendvoting(this.form, '3', '1', '', 'Bạn cần chọn 1 phương án ', '0');" />
			<input class="btn btn-primary btn-sm" value="Kết quả" type="button" onclick="nv_sendvoting(this.form, '3', 0, '', '', '0');" />
		</div>
	</div>
</form>"""  # noqa: E501


def render_page(site: Portal, head: Head, main: str) -> str:
    """Wrap the module output ``main`` in the full page frame."""
    return (f"{_head(site, head)}\n    <body>\n\n{_NOSCRIPT}" + _header(site) + _nav(site)
            + _body_section(site, head, main) + _footer(site) + _page_end(head))


_NOSCRIPT = """    <noscript>
        <div class="alert alert-danger">Trình duyệt của bạn đã tắt chức năng hỗ trợ JavaScript.<br />Website chỉ làm việc khi bạn bật nó trở lại.</div>
    </noscript>
"""  # noqa: E501


def _header(site: Portal) -> str:
    """The banner, the login link, the logo and the portal's name."""
    spec, urls = site.spec, site.urls
    return f"""    <header>
        <div class="site-banner" style="background-image: url('/themes/default/images/header.png');"></div>
        <div class="section-header-bar">
            <div class="wraper">
                <nav class="header-nav">
                    <div class="header-nav-inner">
                        <div class="personalArea">
                            <span><a title="Đăng nhập - Đăng ký" class="pa pointer button" data-toggle="tip" data-target="#guestBlock_nv4" data-click="y" data-callback="loginFormLoad"><em class="fa fa-user fa-lg"></em><span class="hidden">Đăng nhập</span></a></span>
                        </div>
                    </div>
                    <div id="tip" data-content="">
                        <div class="bg"></div>
                    </div>
                </nav>
            </div>
        </div>
        <div class="section-header">
            <div class="wraper">
                <div id="header">
                    <div class="logo">
                        <a title="{attr(spec.site_name)}" href="{attr(urls.home())}"><img src="/assets/images/logo.png" alt="{attr(spec.site_name)}"></a>
                        <span class="site_name">{attr(spec.site_name)}</span>
                        <span class="site_description">Công đoàn {attr(spec.province)} - {SITE_DESCRIPTION}</span>
                    </div>
                    <div class="right-ads">
                    </div>
                </div>
            </div>
        </div>
    </header>
"""  # noqa: E501


def _nav(site: Portal) -> str:
    """The main menu bar."""
    return f"""    <div class="section-nav">
        <div class="wraper">
            <nav class="second-nav" id="menusite">
                <div class="container">
                    <div class="row">
                        <div class="bg box-shadow">
                            <div class="navbar navbar-default navbar-static-top" role="navigation">
    {_menu(site)}
</div>
                        </div>
                    </div>
                </div>
            </nav>
        </div>
    </div>
"""


def _body_section(site: Portal, head: Head, main: str) -> str:
    """Breadcrumbs, then the module output between the right and left side blocks."""
    return f"""    <div class="section-body">
        <div class="wraper">
            <section>
                <div class="container" id="body">
{_breadcrumbs(site, head.breadcrumbs)}
<div class="row">
</div>
<div class="row">
    <div class="col-sm-12 col-md-13 col-sm-push-6 col-md-push-5">
{main}
    </div>
    <div class="col-sm-6 col-md-6 col-sm-push-6 col-md-push-5">
        {chr(10).join(_right_blocks(site))}
    </div>
	<div class="col-sm-6 col-md-5 col-sm-pull-18 col-md-pull-19">
{chr(10).join(_left_blocks(site))}
	</div>
</div>
<div class="row">
</div>
                </div>
            </section>
        </div>
    </div>
"""


def _right_blocks(site: Portal) -> list[str]:
    """About the portal, the poll, the most read news and, with a laws module, new documents."""
    spec, urls = site.spec, site.urls
    right = [
        f'<div class="well">\n\t<h3 class="margin-bottom"><a title="Giới thiệu" href="'
        f'{attr(urls.home())}">Giới thiệu về {attr(spec.site_name)}</a></h3>\n<p>Cổng thông tin '
        f"điện tử của Công đoàn {attr(spec.province)}&#x3A; tin tức, văn bản.</p>\n</div>",
        _panel("Thăm dò ý kiến", _POLL),
        _tophits(site),
    ]
    if spec.laws_module:
        right.append(_laws_block(site))
    return right


def _left_blocks(site: Portal) -> list[str]:
    """The category menu and the visit counter."""
    return [_left_menu(site), _panel("Thống kê", _counter(site))]


def _footer(site: Portal) -> str:
    """The main sections' links and the copyright line."""
    spec, urls = site.spec, site.urls
    return f"""    <footer class="section-footer-top" id="footer">
        <div class="wraper">
            <div class="container">
                <div class="row">
                    <div class="col-xs-24 col-sm-24 col-md-8">
                        <div class="panel-body">
    <h3>Các chuyên mục chính</h3>
    <section><ul class="menu">
		<li><a href="{attr(urls.home())}">Tin Tức</a></li>
		<li><a href="{attr(urls.news_rss())}">RSS-feeds</a></li>
	</ul></section>
</div>
                    </div>
                    <div class="col-xs-24 col-sm-24 col-md-16">
                        <div class="copyright">
<span>&copy;&nbsp;Bản quyền thuộc về <a href="{attr(urls.absolute("/"))}">{attr(spec.site_name)}</a>.&nbsp; </span>
<span>Mã nguồn <a href="http://nukeviet.vn/" target="_blank" rel="dofollow">NukeViet CMS</a>.&nbsp; </span>
</div>
                    </div>
                </div>
            </div>
        </div>
    </footer>
"""  # noqa: E501


def _page_end(head: Head) -> str:
    """The modal, the session-timeout banner, the cron pixel and the scripts."""
    script_vars = (
        'var nv_base_siteurl="/",nv_lang_data="vi",nv_lang_interface="vi",nv_name_variable="nv",'
        f'nv_fc_variable="op",nv_lang_variable="language",nv_module_name="{head.module}",'
        f'nv_func_name="{head.func}",nv_is_user=0, nv_my_ofs=7,nv_my_abbr="+07",'
        'nv_cookie_prefix="nv4",nv_area_admin=0,nv_safemode=0,theme_responsive=0,XSSsanitize=1;'
    )
    scripts = "\n".join(f'<script src="{js}?t={ASSET_VERSION}"></script>' for js in _JS)
    return f"""    <div id="sitemodal" class="modal fade" role="dialog">
        <div class="modal-dialog"><div class="modal-content"><div class="modal-body"><i class="fa fa-spinner fa-spin"></i></div></div></div>
    </div>
        <div id="timeoutsess" class="chromeframe">
            Bạn đã không sử dụng Site, <a onclick="timeoutsesscancel();" href="#">Bấm vào đây để duy trì trạng thái đăng nhập</a>. Thời gian chờ: <span id="secField"> 60 </span> giây
        </div>
        <div id="openidResult" class="nv-alert" style="display:none"></div>
<div id="run_cronjobs" style="visibility:hidden;display:none;"><img alt="cron" src="/index.php?second=cronjobs&amp;p=c8e9g2z9" width="1" height="1" /></div>
<script>{script_vars}</script>
{scripts}
</body>
</html>"""  # noqa: E501
