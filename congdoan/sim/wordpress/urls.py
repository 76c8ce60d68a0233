"""URLs of a simulated WordPress portal in its permalink style, as the captures show them.

Pretty (``/%year%/%monthnum%/%postname%/``): ``/2026/09/slug/``,
``/category/parent/child/``, ``/category/x/page/2/``, ``/tag/x/``,
``/author/login/``, ``/feed/``, ``/wp-json/wp/v2/…``. Plain: ``/?p=12``,
``/?cat=1`` (``&paged=2``), ``/?tag=x``, ``/?author=2``, ``/?feed=rss2``,
``/?rest_route=/wp/v2/…`` (the ``Link`` header names ``/index.php?rest_route=/``).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from congdoan.sim.wordpress.model import Post, Term, User, WordPressContent


class WordPressUrls:
    """Absolute URLs of one portal; ``base_url`` is set once the server has its port."""

    def __init__(self, content: WordPressContent, base_url: str = "") -> None:
        self.content = content
        self.pretty = content.spec.permalinks == "pretty"
        self.base_url = base_url

    def absolute(self, url: str) -> str:
        """``url`` on this portal's origin."""
        return url if url.startswith("http") else self.base_url + url

    def home(self, page: int = 1) -> str:
        """The blog home (newest posts), page ``page``."""
        if page == 1:
            return self.base_url + "/"
        return self.base_url + (f"/page/{page}/" if self.pretty else f"/?paged={page}")

    def post(self, post: Post) -> str:
        """The permalink of a post."""
        if self.pretty:
            return f"{self.base_url}/{post.date:%Y/%m}/{post.slug}/"
        return f"{self.base_url}/?p={post.id}"

    def shortlink(self, post: Post) -> str:
        """``?p=ID``, which redirects to the permalink."""
        return f"{self.base_url}/?p={post.id}"

    def category_path(self, term: Term) -> str:
        """``parent/child`` of a category (pretty category URLs nest)."""
        parent = next((c for c in self.content.categories if c.id == term.parent), None)
        return f"{self.category_path(parent)}/{term.slug}" if parent else term.slug

    def category(self, term: Term, page: int = 1) -> str:
        """A category archive page."""
        if self.pretty:
            paged = f"page/{page}/" if page > 1 else ""
            return f"{self.base_url}/category/{self.category_path(term)}/{paged}"
        return f"{self.base_url}/?cat={term.id}" + (f"&paged={page}" if page > 1 else "")

    def tag(self, term: Term) -> str:
        """A tag archive."""
        if self.pretty:
            return f"{self.base_url}/tag/{term.slug}/"
        return f"{self.base_url}/?tag={term.slug}"

    def author(self, user: User) -> str:
        """An author archive."""
        if self.pretty:
            return f"{self.base_url}/author/{user.login}/"
        return f"{self.base_url}/?author={user.id}"

    def feed(self, category: Term | None = None) -> str:
        """The posts feed (RSS 2.0), of the site or of a category."""
        if category is None:
            return self.base_url + ("/feed/" if self.pretty else "/?feed=rss2")
        if self.pretty:
            return f"{self.base_url}/category/{self.category_path(category)}/feed/"
        return f"{self.base_url}/?feed=rss2&cat={category.id}"

    def rest_root(self) -> str:
        """The REST index the ``Link: rel="https://api.w.org/"`` header names."""
        return self.base_url + ("/wp-json/" if self.pretty else "/index.php?rest_route=/")

    def rest(self, route: str, params: dict[str, object] | None = None) -> str:
        """A REST route (``/wp/v2/posts/12``) with query parameters, in the portal's style."""
        query = urlencode(params or {}, quote_via=quote)
        if self.pretty:
            return f"{self.base_url}/wp-json{route}" + (f"?{query}" if query else "")
        return f"{self.base_url}/?rest_route={route}" + (f"&{query}" if query else "")

    def sitemap_index(self) -> str:
        """The core sitemap index (``wp-sitemap.xml``; ``?sitemap=index`` on plain links)."""
        return self.base_url + ("/wp-sitemap.xml" if self.pretty else "/?sitemap=index")

    def sitemap(self, name: str) -> str:
        """One core sitemap (``posts-post``, ``taxonomies-category`` …), page 1."""
        kind, _, sub = name.partition("-")
        if self.pretty:
            return f"{self.base_url}/wp-sitemap-{name}-1.xml"
        return (f"{self.base_url}/?sitemap={kind}&sitemap-subtype={sub}&paged=1" if sub
                else f"{self.base_url}/?sitemap={kind}&paged=1")
