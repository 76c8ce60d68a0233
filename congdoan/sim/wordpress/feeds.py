"""robots.txt, the core sitemaps (WordPress 5.5+) and the RSS 2.0 feed, as the captures show.

The sitemap index lists ``posts-post``, ``posts-page``, ``taxonomies-category``,
``taxonomies-post_tag`` and ``users``; a post sitemap holds ``<loc>`` only (core
writes no ``lastmod``). The feed holds the newest ``per_page`` posts with
``dc:creator``, ``pubDate`` in GMT, categories and tags, the ``?p=`` guid, the
excerpt and the full content.
"""

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import escape

from congdoan.sim.wordpress.markup import content_html, rendered, texturize
from congdoan.sim.wordpress.model import Term
from congdoan.sim.wordpress.urls import WordPressUrls

_SITEMAPS = ("posts-post", "posts-page", "taxonomies-category", "taxonomies-post_tag", "users")


def robots(urls: WordPressUrls) -> str:
    """``do_robots``: the admin is off limits, the sitemap named."""
    return ("User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
            f"Sitemap: {urls.sitemap_index()}\n")


def sitemap_index(urls: WordPressUrls) -> str:
    """``wp-sitemap.xml``."""
    entries = "".join(f"<sitemap><loc>{escape(urls.sitemap(n))}</loc></sitemap>"
                      for n in _SITEMAPS)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<?xml-stylesheet type="text/xsl" href="{urls.base_url}/wp-sitemap-index.xsl" ?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{entries}</sitemapindex>\n")


def sitemap(urls: WordPressUrls, name: str) -> str | None:
    """One sitemap by name; ``None`` for a name WordPress does not serve."""
    content = urls.content
    if name == "posts-post":
        locs = [urls.post(p) for p in sorted(content.listed(), key=lambda p: (p.date, p.id))]
    elif name == "posts-page":
        locs = [urls.base_url + "/gioi-thieu/"]
    elif name == "taxonomies-category":
        locs = [urls.category(c) for c in content.categories if content.in_category(c)]
    elif name == "taxonomies-post_tag":
        locs = [urls.tag(t) for t in content.tags if content.tagged(t)]
    elif name == "users":
        locs = [urls.author(u) for u in content.users if content.by_author(u)]
    else:
        return None
    entries = "".join(f"<url><loc>{escape(loc)}</loc></url>" for loc in locs)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<?xml-stylesheet type="text/xsl" href="{urls.base_url}/wp-sitemap.xsl" ?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n')


def rss(urls: WordPressUrls, category: Term | None = None) -> str:
    """The posts feed (of a category when given): the newest ``per_page`` posts."""
    content = urls.content
    chosen = content.listed(category)[:content.spec.per_page]
    newest = max((p.modified for p in chosen), default=content.newest_change())
    items = []
    for post in chosen:
        terms = "".join(f"\t\t<category><![CDATA[{t.name}]]></category>\n"
                        for t in (*post.categories, *post.tags))
        items.append(f"""	<item>
		<title>{rendered(post.title)}</title>
		<link>{escape(urls.post(post))}</link>

		<dc:creator><![CDATA[{post.author.name}]]></dc:creator>
		<pubDate>{_gmt(post.date)}</pubDate>
{terms}		<guid isPermaLink="false">{escape(urls.shortlink(post))}</guid>

					<description><![CDATA[{texturize(post.article.summary)}]]></description>
										<content:encoded><![CDATA[{content_html(post, urls.base_url)}]]></content:encoded>



			</item>
""")  # noqa: E501
    name = rendered(content.spec.site_name)
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>

<channel>
	<title>{name}</title>
	<atom:link href="{escape(urls.feed(category))}" rel="self" type="application/rss+xml" />
	<link>{urls.base_url}</link>
	<description>Cổng thông tin điện tử Công đoàn</description>
	<lastBuildDate>{_gmt(newest)}</lastBuildDate>
	<language>vi</language>
	<sy:updatePeriod>
	hourly	</sy:updatePeriod>
	<sy:updateFrequency>
	1	</sy:updateFrequency>
	<generator>https://wordpress.org/?v=6.1.9</generator>
{"".join(items)}	</channel>
</rss>
"""


def _gmt(moment: datetime) -> str:
    """RFC 822 in GMT with ``+0000``, as ``mysql2date('D, d M Y H:i:s +0000')`` prints."""
    return moment.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
