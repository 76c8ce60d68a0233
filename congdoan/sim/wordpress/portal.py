"""One simulated WordPress portal: routes a request in its permalink style to a page or answer.

Same seam as the NukeViet ``Portal`` (``handle``, ``hooks``, ``truth``,
``urls.base_url``), so ``SimServer`` serves both side by side.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict
from datetime import UTC
from email.utils import format_datetime
from urllib.parse import parse_qsl, urlsplit

from congdoan.normalize.text import clean_line
from congdoan.sim.files import build_file
from congdoan.sim.site import PIXEL, Request, Response, ResponseHook
from congdoan.sim.wordpress import feeds, rest, theme
from congdoan.sim.wordpress.markup import body_lines, rendered, texturize
from congdoan.sim.wordpress.model import Post, Term, WordPressContent, WordPressSpec
from congdoan.sim.wordpress.urls import WordPressUrls

HTML = "text/html; charset=UTF-8"
_PRETTY_POST = re.compile(r"^/(\d{4})/(\d{2})/([^/]+)/$")
_PAGED = re.compile(r"^(.*?/)page/(\d+)/$")


class WordPressPortal:
    """A simulated WordPress 6.1 portal (Twenty Twenty-One) with seeded union news."""

    def __init__(self, spec: WordPressSpec, base_url: str = "") -> None:
        self.spec = spec
        self.content = WordPressContent(spec)
        self.urls = WordPressUrls(self.content, base_url)
        self.hooks: list[ResponseHook] = []

    # -- request handling -----------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        """Route ``request`` and build the response, then let the hooks alter it."""
        response = self.render(request)
        for hook in self.hooks:
            replaced = hook(request, response)
            if replaced is not None:
                response = replaced
        if request.method == "HEAD":
            response.body = b""
        return response

    def render(self, request: Request) -> Response:
        """The response before any hook."""
        parts = urlsplit(request.path)
        path = parts.path or "/"
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        if "rest_route" in params:
            return self._rest(params.pop("rest_route"), params)
        if path == "/wp-json" or path.startswith("/wp-json/"):
            if not self.urls.pretty:  # no rewrite rules: the server's own 404
                return self._not_found()
            return self._rest(path[len("/wp-json"):] or "/", params)
        if path.startswith("/wp-content/uploads/"):
            return self._upload(path)
        pretty = self.urls.pretty
        if path == "/" and params:
            return self._query(params, request)
        if not pretty:
            if path in ("/robots.txt", "/wp-sitemap.xml"):  # as captured: no rewrite rules
                return self._redirect(self.urls.base_url + path + "/")
            return self._home(1) if path == "/" else self._not_found()
        return self._pretty(path, request)

    def _pretty(self, path: str, request: Request) -> Response:
        urls = self.urls
        if path == "/robots.txt":
            return Response(200, feeds.robots(urls).encode(),
                            [("Content-Type", "text/plain; charset=utf-8")])
        if path == "/wp-sitemap.xml":
            return self._xml(feeds.sitemap_index(urls))
        match = re.fullmatch(r"/wp-sitemap-([a-z_]+-?[a-z_]*)-1\.xml", path)
        if match:
            document = feeds.sitemap(urls, match.group(1))
            return self._xml(document) if document else self._not_found()
        if path == "/feed/":
            return self._feed(None, request)
        if path.startswith("/category/") and path.endswith("/feed/"):
            term = self._category_by_path(path[len("/category/"):-len("feed/")])
            return self._feed(term, request) if term else self._not_found()
        page = 1
        paged = _PAGED.match(path)
        if paged:
            path, page = paged.group(1), int(paged.group(2))
        if path == "/":
            return self._home(page)
        if path.startswith("/category/"):
            term = self._category_by_path(path[len("/category/"):])
            return self._category(term, page) if term else self._not_found()
        if path.startswith("/tag/"):
            return self._tag(self.content.term_by_slug("post_tag", path[5:].strip("/")), page)
        if path.startswith("/author/"):
            login = path[len("/author/"):].strip("/")
            user = next((u for u in self.content.users if u.login == login), None)
            return self._author(user, page)
        post_match = _PRETTY_POST.match(path)
        if post_match and not paged:
            post = next((p for p in self.content.public if p.slug == post_match.group(3)
                         and f"{p.date:%Y/%m}" == f"{post_match.group(1)}/{post_match.group(2)}"),
                        None)
            return self._single(post) if post else self._not_found()
        return self._not_found()

    def _query(self, params: dict[str, str], request: Request) -> Response:
        """``/?p=``, ``?cat=``, ``?feed=`` … (every WordPress answers them; plain links use
        nothing else)."""
        urls, content = self.urls, self.content
        page = int(params["paged"]) if params.get("paged", "").isdigit() else 1
        if "sitemap" in params and not urls.pretty:
            kind = params["sitemap"]
            if kind == "index":
                return self._xml(feeds.sitemap_index(urls))
            name = f"{kind}-{params['sitemap-subtype']}" if params.get("sitemap-subtype") else kind
            document = feeds.sitemap(urls, name)
            return self._xml(document) if document else self._not_found()
        category = self._category_from(params)
        if "feed" in params:
            if params.get("cat") or params.get("category_name"):
                return self._feed(category, request) if category else self._not_found()
            return self._feed(None, request)
        if "p" in params:
            post = content.post(int(params["p"])) if params["p"].isdigit() else None
            if post is None or not post.public:
                return self._not_found()
            return self._redirect(urls.post(post)) if urls.pretty else self._single(post)
        if "cat" in params or "category_name" in params:
            return self._category(category, page) if category else self._not_found()
        if "tag" in params:
            return self._tag(content.term_by_slug("post_tag", params["tag"]), page)
        if "author" in params:
            user = next((u for u in content.users if str(u.id) == params["author"]), None)
            return self._author(user, page)
        return self._home(page)

    # -- pages ----------------------------------------------------------------------------
    def _category_by_path(self, path: str) -> Term | None:
        slugs = [s for s in path.strip("/").split("/") if s]
        term = self.content.term_by_slug("category", slugs[-1]) if slugs else None
        if term is None or self.urls.category_path(term) != "/".join(slugs):
            return None
        return term

    def _category_from(self, params: dict[str, str]) -> Term | None:
        if params.get("category_name"):
            return self.content.term_by_slug("category", params["category_name"].split("/")[-1])
        return next((c for c in self.content.categories if str(c.id) == params.get("cat")), None)

    def _listing(self, posts: list[Post], page: int, page_url: object, heading: str,
                 body_class: str, term: Term | None = None) -> Response:
        per_page = self.spec.per_page
        pages = max(1, -(-len(posts) // per_page))
        if page > pages:
            return self._not_found()
        chunk = posts[(page - 1) * per_page:page * per_page]
        page_html = theme.archive(self.urls, chunk, page, pages, page_url, heading, body_class,
                                  term)
        headers = []
        if term is not None:
            route = "categories" if term.taxonomy == "category" else "tags"
            headers.append(("Link", f'<{self.urls.rest(f"/wp/v2/{route}/{term.id}")}>; '
                                    'rel="alternate"; type="application/json"'))
        return self._html(page_html, headers)

    def _home(self, page: int) -> Response:
        body_class = "home blog" if page == 1 else "home blog paged paged-" + str(page)
        return self._listing(self.content.listed(), page, self.urls.home, "", body_class)

    def _category(self, term: Term, page: int) -> Response:
        return self._listing(self.content.listed(term), page,
                             lambda n: self.urls.category(term, n),
                             f"Category: <span>{rendered(term.name)}</span>",
                             f"archive category category-{term.slug} category-{term.id}", term)

    def _tag(self, term: Term | None, page: int) -> Response:
        if term is None:
            return self._not_found()
        posts = self.content.tagged(term)
        if not posts:
            return self._not_found()
        return self._listing(posts, page, lambda n: self.urls.tag(term) + (
            f"page/{n}/" if n > 1 else ""), f"Tag: <span>{rendered(term.name)}</span>",
            f"archive tag tag-{term.slug} tag-{term.id}", term)

    def _author(self, user: object, page: int) -> Response:
        posts = self.content.by_author(user) if user is not None else []
        if not posts:
            return self._not_found()
        return self._listing(posts, page, lambda n: self.urls.author(user) + (  # type: ignore
            f"page/{n}/" if n > 1 else ""), f"Author: <span>{user.name}</span>",  # type: ignore
            "archive author")

    def _single(self, post: Post) -> Response:
        urls = self.urls
        headers = [("X-Pingback", f"{urls.base_url}/xmlrpc.php"),
                   ("Link", f'<{urls.rest(f"/wp/v2/posts/{post.id}")}>; rel="alternate"; '
                            'type="application/json"'),
                   ("Link", f"<{urls.shortlink(post)}>; rel=shortlink")]
        return self._html(theme.single(urls, post), headers)

    def _feed(self, term: Term | None, request: Request) -> Response:
        document = feeds.rss(self.urls, term).encode()
        etag = '"' + hashlib.md5(document).hexdigest() + '"'
        chosen = self.content.listed(term)
        newest = max((p.modified for p in chosen), default=self.content.newest_change())
        headers = [("Last-Modified", format_datetime(newest.astimezone(UTC), usegmt=True)),
                   ("ETag", etag), ("Link", self._api_link()),
                   ("Content-Type", "application/rss+xml; charset=UTF-8")]
        if request.headers.get("If-None-Match") == etag:  # WordPress answers 304 (send_headers)
            return Response(304, b"", headers)
        return Response(200, document, headers)

    def _rest(self, route: str, params: dict[str, str]) -> Response:
        answer = rest.route(self.urls, route, params) if self.spec.rest_open else rest.closed()
        return Response(answer.status, answer.body(), answer.all_headers(self.urls))

    def _upload(self, path: str) -> Response:
        media = self.content.uploads.get(path)
        if media is None:
            return self._not_found()
        if media.file is None:
            return Response(200, PIXEL, [("Content-Type", "image/jpeg")])
        body, media_type = build_file(media.file.name, media.file.lines)
        return Response(200, body, [("Content-Type", media_type)])

    # -- responses ------------------------------------------------------------------------
    def _api_link(self) -> str:
        return f'<{self.urls.rest_root()}>; rel="https://api.w.org/"'

    def _html(self, page: str, headers: list[tuple[str, str]] | None = None) -> Response:
        return Response(200, page.encode(), [("Content-Type", HTML), ("Link", self._api_link()),
                                             *(headers or [])])

    def _xml(self, document: str) -> Response:
        return Response(200, document.encode(),
                        [("Content-type", "application/xml; charset=UTF-8")])

    def _redirect(self, location: str) -> Response:
        return Response(301, b"", [("Content-Type", HTML), ("X-Redirect-By", "WordPress"),
                                   ("Location", location)])

    def _not_found(self) -> Response:
        return Response(404, theme.not_found(self.urls).encode(),
                        [("Expires", "Wed, 11 Jan 1984 05:00:00 GMT"),
                         ("Cache-Control", "no-cache, must-revalidate, max-age=0"),
                         ("Content-Type", HTML), ("Link", self._api_link())])

    # -- truth and registry ---------------------------------------------------------------
    def truth(self) -> dict:
        """What a complete crawl should find: every public post with the reader's keys, the
        hidden posts that must never appear, and no documents (WordPress has no laws module)."""
        return wordpress_truth(self)

    def registry_entry(self) -> str:
        """The ``[[site]]`` table that crawls this portal."""
        spec = self.spec
        sections = ", ".join(f'"{c.slug}"' for c in self.content.categories
                             if not c.parent and self.content.in_category(c))
        return "\n".join([
            "[[site]]",
            f'id = "{spec.site_id}"',
            f'province = "{spec.province}"',
            f'name = "{spec.site_name}"',
            f'base_url = "{self.urls.base_url}"',
            'cms = "wordpress"',
            "cms_confirmed = true",
            f'url_style = "{spec.url_style}"',
            f"news_sections = [{sections}]",
            "",
        ])


def post_truth(portal: WordPressPortal, post: Post) -> dict:
    """The reader's keys of one public post, plus ``url`` and ISO times."""
    urls = portal.urls
    link = urls.post(post)
    images = []
    if post.featured:
        images.append({"url": urls.base_url + post.featured.path,
                       "alt": clean_line(post.featured.alt)})
    images += [{"url": urls.base_url + m.path, "alt": clean_line(m.alt)} for m in post.images
               if all(i["url"] != urls.base_url + m.path for i in images)]
    return {
        "title": clean_line(texturize(post.title)),
        "author": post.author.name,
        "category": post.categories[0].name,
        "category_path": [c.name for c in post.categories],
        "tags": [t.name for t in post.tags],
        "summary": clean_line(texturize(post.article.summary)),
        "body_text": "\n".join(clean_line(line) for line in body_lines(post) if clean_line(line)),
        "images": images,
        "attachments": [{"url": urls.base_url + m.path, "name": m.title} for m in post.files],
        "source_id": post.id,
        "canonical_url": link,
        "url": link,
        "published_at": post.date.isoformat(),
        "modified_at": post.modified.isoformat(),
    }


def wordpress_truth(portal: WordPressPortal) -> dict:
    """Ground truth of a simulated WordPress portal, computed now."""
    content, urls = portal.content, portal.urls
    return {
        "site": {**asdict(portal.spec), "cms": "wordpress", "base_url": urls.base_url},
        "categories": [{"alias": c.slug, "title": c.name, "url": urls.category(c),
                        "parent": next((p.slug for p in content.categories if p.id == c.parent),
                                       None)} for c in content.categories],
        "articles": [post_truth(portal, p) for p in sorted(content.public, key=lambda p: p.id)],
        "documents": [],
        "hidden": [{"id": p.id, "status": p.status, "title": clean_line(texturize(
            p.title)), "url": urls.shortlink(p)} for p in content.posts if not p.public],
    }
