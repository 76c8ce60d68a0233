"""Machine-readable pages: news and laws RSS, sitemaps, robots.txt."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from congdoan.sim.nvtext import store_title
from congdoan.sim.pages.chrome import SITE_DESCRIPTION, attr

if TYPE_CHECKING:
    from congdoan.sim.site import Portal

RSS_LIMIT = 30  # the news module's feed holds the newest 30 items
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rss_date(moment: datetime) -> str:
    """RSS date exactly as NukeViet prints it: gmdate('D, j M Y H:m:s').

    The CMS uses ``m`` (month) where minutes belong, so ``10:35`` in August
    reads ``10:08``; the seconds are the real seconds.
    """
    utc = moment.astimezone(UTC)
    return (f"{_DAYS[utc.weekday()]}, {utc.day} {_MONTHS[utc.month - 1]} {utc.year} "
            f"{utc.hour:02d}:{utc.month:02d}:{utc.second:02d} GMT")


def _rss(site: Portal, title: str, link: str, self_url: str, items: list[str],
         built: datetime | None) -> str:
    urls = site.urls
    when = rss_date(built) if built else ""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<?xml-stylesheet type="text/xsl" href="/assets/css/rss.xsl" media="screen"?>
<rss version="2.0"
    xmlns:content="http://purl.org/rss/1.0/modules/content/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:atom="http://www.w3.org/2005/Atom"
>
    <channel>
        <title>{title}</title>
        <link>{attr(urls.absolute(link))}</link>
        <atom:link href="{attr(urls.absolute(self_url))}" rel="self" />
        <description>
            <![CDATA[{SITE_DESCRIPTION}]]>
        </description>
        <language>vi</language>
        <pubDate>{when}</pubDate>
        <lastBuildDate>{when}</lastBuildDate>
        <copyright>
            <![CDATA[{site.spec.site_name}]]>
        </copyright>
        <docs>{attr(urls.absolute(urls.news_rss()))}</docs>
        <generator>
            <![CDATA[NukeViet v4.0]]>
        </generator>
{"".join(items)}
    </channel>
</rss>"""


def _item(title: str, link: str, guid: str, when: datetime, description: str) -> str:
    return f"""
        <item>
            <title>{title}</title>
            <link>{attr(link)}</link>
            <guid isPermaLink="false">
                <![CDATA[{guid}]]>
            </guid>
            <pubDate>{rss_date(when)}</pubDate>
            <description>
                <![CDATA[{description}]]>
            </description>
        </item>
"""


def render_news_rss(site: Portal, cat: str | None) -> str:
    """News RSS: newest items first, dated by publish time."""
    ids = site.content.article_ids(cat)[:RSS_LIMIT]
    articles = [site.content.article(i) for i in ids]
    items = [_item(a.stored_title, site.urls.absolute(site.article_url(a)), f"news_{a.id}",
                   a.published, a.summary) for a in articles]
    title = "Tin Tức" if cat is None else f"Tin Tức - {site.category_title(cat)}"
    link = site.urls.home() if cat is None else site.urls.news_cat(cat)
    built = articles[0].published if articles else None
    return _rss(site, title, link, site.urls.news_rss(cat), items, built)


def render_laws_rss(site: Portal, type_alias: str | None) -> str:
    """Laws RSS: newest entered first, dated by creation time (not issue date)."""
    docs = [site.content.document(i) for i in site.content.documents_by_added()]
    if type_alias:
        docs = [d for d in docs if d.kind.alias == type_alias]
    docs = docs[:RSS_LIMIT]
    items = [
        _item(store_title(f"[{d.code}] {d.title}"),
              site.urls.absolute(site.urls.law_detail(d.alias)), f"laws_{d.id}", d.added,
              f"Ngày ban hành: {d.issued:%d/%m/%Y}. Trích yếu: {d.intro}")
        for d in docs
    ]
    title = f"{attr(site.spec.site_name)} RSS&#x3A; Văn bản"
    built = docs[0].added if docs else None
    return _rss(site, title, site.urls.laws_list(), site.urls.laws_rss(type_alias), items, built)


_URLSET = ('<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet type="text/xsl" '
           'href="/assets/css/sitemap.xsl"?>\n<urlset xmlns:xsi="http://www.w3.org/2001/'
           'XMLSchema-instance" xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
           'xsi:schemaLocation="http://www.sitemaps.org/schemas/sitemap/0.9 http://www.sitemaps'
           '.org/schemas/sitemap/0.9/sitemap.xsd">')


def _url(loc: str, lastmod: datetime) -> str:
    return (f"<url><loc>{attr(loc)}</loc><lastmod>{lastmod.isoformat(timespec='seconds')}"
            "</lastmod><changefreq>daily</changefreq><priority>0.8</priority></url>")


def render_sitemap_index(site: Portal) -> str:
    """Sitemap index pointing at the news and laws sitemaps."""
    urls = site.urls
    maps = [urls.sitemap(urls.news_nv)] + ([urls.sitemap(urls.laws_nv)] if urls.laws_nv else [])
    entries = "".join(f"<sitemap><loc>{attr(urls.absolute(m))}</loc></sitemap>" for m in maps)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet type="text/xsl" '
            'href="/assets/css/sitemapindex.xsl"?>\n<sitemapindex xmlns:xsi="http://www.w3.org/'
            '2001/XMLSchema-instance" xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xsi:schemaLocation="http://www.sitemaps.org/schemas/sitemap/0.9 http://www.'
            f'sitemaps.org/schemas/sitemap/0.9/siteindex.xsd">{entries}</sitemapindex>')


def render_news_sitemap(site: Portal) -> str:
    """Every article, newest first, ``lastmod`` = publish time."""
    articles = (site.content.article(i) for i in site.content.article_ids())
    return _URLSET + "".join(
        _url(site.urls.absolute(site.article_url(a)), a.published) for a in articles
    ) + "</urlset>"


def render_laws_sitemap(site: Portal) -> str:
    """Every document, ``lastmod`` = creation time."""
    docs = (site.content.document(i) for i in site.content.document_ids())
    return _URLSET + "".join(
        _url(site.urls.absolute(site.urls.law_detail(d.alias)), d.added) for d in docs
    ) + "</urlset>"


def render_robots(site: Portal) -> str:
    """robots.txt of the default install."""
    disallow = ("/admin/", "/composer.json", "/data/", "/includes/", "/install/", "/modules/",
                "/robots.php", "/web.config", "/users/", "/statistics/")
    lines = ["User-agent: *", *(f"Disallow: {d}" for d in disallow),
             f"Sitemap: {site.urls.absolute(site.urls.sitemap_index())}"]
    return "\n".join(lines)
