"""HTML pages in the markup of Twenty Twenty-One 1.7 (WordPress 6.1), written from the captures.

``tests/fixtures/wordpress/twentytwentyone-*``: the ``wp_head`` links (feeds,
the REST root, generator, canonical, shortlink), the masthead, a single post
(``h1.entry-title``, ``figure.post-thumbnail``, ``.entry-content``, a footer
with ``time.entry-date``, ``a[rel=author]``, ``.cat-links``, ``.tags-links``),
archives (``h2.entry-title a`` per post, ``nav.pagination`` with
``a.next.page-numbers``), the categories widget and the 404 page. Styles and
scripts are left out: no reader looks at them.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from congdoan.sim.wordpress.markup import attr, content_html, excerpt_html, rendered
from congdoan.sim.wordpress.model import Post, Term
from congdoan.sim.wordpress.urls import WordPressUrls

GENERATOR = "WordPress 6.1.9"
TAGLINE = "Cổng thông tin điện tử Công đoàn"


def _iso(post: Post) -> str:
    return post.date.isoformat()


def _head(urls: WordPressUrls, title: str, extra: str = "") -> str:
    name = rendered(urls.content.spec.site_name)
    return f"""<!doctype html>
<html lang="vi" >
<head>
	<meta charset="UTF-8" />
	<meta name="viewport" content="width=device-width, initial-scale=1" />
	<title>{title}</title>
<meta name='robots' content='max-image-preview:large' />
<link rel="alternate" type="application/rss+xml" title="{name} &raquo; Feed" href="{urls.feed()}" />
<link rel="alternate" type="application/rss+xml" title="{name} &raquo; Comments Feed" href="{urls.base_url}/comments/feed/" />
<link rel='stylesheet' id='twenty-twenty-one-style-css' href='{urls.base_url}/wp-content/themes/twentytwentyone/style.css?ver=1.7' media='all' />
<link rel="https://api.w.org/" href="{urls.rest_root()}" />{extra}
<meta name="generator" content="{GENERATOR}" />
"""  # noqa: E501 - the lines of the captured markup


def _masthead(urls: WordPressUrls) -> str:
    name = rendered(urls.content.spec.site_name)
    return f"""	<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header has-title-and-tagline">
<div class="site-branding">
						<p class="site-title"><a href="{urls.base_url}/">{name}</a></p>
			<p class="site-description">
			{TAGLINE}		</p>
	</div><!-- .site-branding -->
</header><!-- #masthead -->
	<div id="content" class="site-content">
		<div id="primary" class="content-area">
			<main id="main" class="site-main">
"""


def _footer(urls: WordPressUrls) -> str:
    content = urls.content
    latest = "\n".join(
        f'<li><a class="wp-block-latest-posts__post-title" href="{urls.post(p)}">'
        f"{rendered(p.title)}</a></li>" for p in content.public[:5])
    categories = "\n".join(
        f'\t<li class="cat-item cat-item-{c.id}"><a href="{urls.category(c)}">'
        f"{rendered(c.name)}</a>\n</li>"
        for c in sorted(content.categories, key=lambda c: c.name))
    name = rendered(content.spec.site_name)
    return f"""			</main><!-- #main -->
		</div><!-- #primary -->
	</div><!-- #content -->
	<aside class="widget-area">
<section id="block-3" class="widget widget_block"><div class="is-layout-flow wp-block-group"><div class="wp-block-group__inner-container"><h2>Recent Posts</h2><ul class="wp-block-latest-posts__list wp-block-latest-posts">{latest}</ul></div></div></section><section id="block-6" class="widget widget_block"><div class="is-layout-flow wp-block-group"><div class="wp-block-group__inner-container"><h2>Categories</h2><ul class="wp-block-categories-list wp-block-categories">{categories}
</ul></div></div></section>	</aside><!-- .widget-area -->
	<footer id="colophon" class="site-footer">
				<div class="site-info">
			<div class="site-name">
																						<a href="{urls.base_url}/">{name}</a>
																		</div><!-- .site-name -->
			<div class="powered-by">
				Proudly powered by <a href="https://wordpress.org/">WordPress</a>.			</div><!-- .powered-by -->
		</div><!-- .site-info -->
	</footer><!-- #colophon -->
</div><!-- #page -->
</body>
</html>
"""  # noqa: E501


def _terms_html(urls: WordPressUrls, post: Post) -> str:
    # Term names as typed here (``get_the_term_list``); the categories widget texturizes.
    cats = ", ".join(f'<a href="{urls.category(c)}" rel="category tag">{escape(c.name)}</a>'
                     for c in post.categories)
    out = f'<div class="post-taxonomies"><span class="cat-links">Categorized as {cats} </span>'
    if post.tags:
        tags = ", ".join(f'<a href="{urls.tag(t)}" rel="tag">{escape(t.name)}</a>'
                         for t in post.tags)
        out += f'<span class="tags-links">Tagged {tags}</span>'
    return out + "</div>"


def _post_classes(post: Post) -> str:
    terms = " ".join([*(f"category-{c.slug}" for c in post.categories),
                      *(f"tag-{t.slug}" for t in post.tags)])
    thumb = " has-post-thumbnail" if post.featured else ""
    return (f"post-{post.id} post type-post status-publish format-standard{thumb} hentry "
            f"{terms} entry")


def single(urls: WordPressUrls, post: Post) -> str:
    """``single.php``: one post."""
    name = rendered(urls.content.spec.site_name)
    link = urls.post(post)
    extra = (f'<link rel="alternate" type="application/json" '
             f'href="{urls.rest(f"/wp/v2/posts/{post.id}")}" />\n'
             f'<link rel="canonical" href="{link}" />\n'
             f"<link rel='shortlink' href='{urls.shortlink(post)}' />")
    thumbnail = ""
    if post.featured:
        src = urls.base_url + post.featured.path
        thumbnail = f"""
			<figure class="post-thumbnail">
				<img width="1200" height="800" src="{src}" class="attachment-post-thumbnail size-post-thumbnail wp-post-image" alt="{attr(post.featured.alt)}" decoding="async" />							</figure><!-- .post-thumbnail -->
"""  # noqa: E501
    author = post.author
    return (_head(urls, f"{rendered(post.title)} &#8211; {name}", "\n" + extra)
            + "</head>\n"
            + f'<body class="post-template-default single single-post postid-{post.id} '
              'single-format-standard wp-embed-responsive is-light-theme no-js singular">\n'
            + _masthead(urls)
            + f"""
<article id="post-{post.id}" class="{_post_classes(post)}">
	<header class="entry-header alignwide">
		<h1 class="entry-title">{rendered(post.title)}</h1>		{thumbnail}
					</header><!-- .entry-header -->
	<div class="entry-content">
		{content_html(post, urls.base_url)}	</div><!-- .entry-content -->
	<footer class="entry-footer default-max-width">
		<div class="posted-by"><span class="posted-on">Published <time class="entry-date published updated" datetime="{_iso(post)}">{post.date:%d/%m/%Y}</time></span><span class="byline">By <a href="{urls.author(author)}" rel="author">{rendered(author.name)}</a></span></div>{_terms_html(urls, post)}	</footer><!-- .entry-footer -->
</article><!-- #post-{post.id} -->
	<nav class="navigation post-navigation" aria-label="Posts">
		<h2 class="screen-reader-text">Post navigation</h2>
	</nav>"""  # noqa: E501
            + _footer(urls))


def _summary(urls: WordPressUrls, post: Post) -> str:
    return f"""<article id="post-{post.id}" class="{_post_classes(post)}">
<header class="entry-header">
	<h2 class="entry-title default-max-width"><a href="{urls.post(post)}">{rendered(post.title)}</a></h2></header><!-- .entry-header -->
	<div class="entry-content">
		{excerpt_html(post)}	</div><!-- .entry-content -->
	<footer class="entry-footer default-max-width">
		<span class="posted-on">Published <time class="entry-date published updated" datetime="{_iso(post)}">{post.date:%d/%m/%Y}</time></span>{_terms_html(urls, post)}	</footer><!-- .entry-footer -->
</article><!-- #post-${{ID}} -->
"""  # noqa: E501


def _pagination(page: int, pages: int, page_url: object) -> str:
    if pages <= 1:
        return ""
    links = []
    for number in range(1, pages + 1):
        if number == page:
            links.append(f'<span aria-current="page" class="page-numbers current">'
                         f"Page {number}</span>")
        else:
            links.append(f'<a class="page-numbers" href="{page_url(number)}">Page {number}</a>')
    if page < pages:
        links.append(f'<a class="next page-numbers" href="{page_url(page + 1)}">'
                     '<span class="nav-next-text">Older <span class="nav-short">posts</span>'
                     "</span></a>")
    if page > 1:
        links.insert(0, f'<a class="prev page-numbers" href="{page_url(page - 1)}">'
                        '<span class="nav-prev-text">Newer <span class="nav-short">posts'
                        "</span></span></a>")
    return ('\t<nav class="navigation pagination" aria-label="Posts">\n'
            '\t\t<h2 class="screen-reader-text">Posts navigation</h2>\n'
            '\t\t<div class="nav-links">' + "\n".join(links) + "</div>\n\t</nav>\n")


# An archive without posts (content-none.php): the page answers 200, no entry, no pagination.
_NO_RESULTS = """	<section class="no-results not-found">
		<header class="page-header alignwide">
			<h1 class="page-title">Nothing here</h1>
		</header><!-- .page-header -->
		<div class="page-content default-max-width">
			<p>It seems we can&rsquo;t find what you&rsquo;re looking for.</p>
		</div><!-- .page-content -->
	</section><!-- .no-results -->
"""


def archive(urls: WordPressUrls, posts: Sequence[Post], page: int, pages: int,
            page_url: object, heading: str, body_class: str, term: Term | None = None) -> str:
    """A blog, category, tag or author page: ``per_page`` posts and the pagination."""
    name = rendered(urls.content.spec.site_name)
    title = f"{heading} &#8211; {name}" if heading else f"{name} &#8211; {TAGLINE}"
    header = (f'\t<header class="page-header alignwide">\n\t\t<h1 class="page-title">'
              f"{heading}</h1>\t\t\t</header><!-- .page-header -->\n") if heading else ""
    extra = ""
    if term is not None and term.taxonomy == "category":
        extra = (f'\n<link rel="alternate" type="application/rss+xml" title="{name} &raquo; '
                 f'{rendered(term.name)} Category Feed" href="{urls.feed(term)}" />')
    return (_head(urls, title, extra) + "</head>\n"
            + f'<body class="{body_class} wp-embed-responsive is-light-theme no-js hfeed">\n'
            + _masthead(urls) + header
            + ("".join(_summary(urls, p) for p in posts) if posts else _NO_RESULTS)
            + _pagination(page, pages, page_url)
            + _footer(urls))


def not_found(urls: WordPressUrls) -> str:
    """``404.php``."""
    name = rendered(urls.content.spec.site_name)
    return (_head(urls, f"Page not found &#8211; {name}") + "</head>\n"
            + '<body class="error404 wp-embed-responsive is-light-theme no-js hfeed">\n'
            + _masthead(urls)
            + """	<header class="page-header alignwide">
		<h1 class="page-title">Nothing here</h1>
	</header><!-- .page-header -->
	<div class="error-404 not-found default-max-width">
		<div class="page-content">
			<p>It looks like nothing was found at this location. Maybe try a search?</p>
		</div><!-- .page-content -->
	</div><!-- .error-404 -->
"""
            + _footer(urls))
