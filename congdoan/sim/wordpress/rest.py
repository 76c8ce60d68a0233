"""The REST API (``wp/v2``) of a simulated WordPress portal, in the JSON shapes of the captures.

``/wp/v2/posts`` with ``_embed`` (author, ``wp:term`` categories then tags,
``wp:featuredmedia``), ``X-WP-Total``/``X-WP-TotalPages`` and a ``Link:
rel="next"`` header; ``/wp/v2/posts/ID`` (401 ``rest_forbidden`` for a post
that is not public); ``status=draft`` refused with 400 ``rest_invalid_param``;
a page past the end 400 ``rest_post_invalid_page_number``; the index with its
namespaces. A closed API (the common "REST only for logged-in users" plugins)
answers every route 401 ``rest_login_required``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from congdoan.sim.wordpress.markup import content_html, excerpt_html, rendered
from congdoan.sim.wordpress.model import Media, Post, Term, User
from congdoan.sim.wordpress.urls import WordPressUrls

MAX_PER_PAGE = 100
_CORS = [("X-Robots-Tag", "noindex"), ("X-Content-Type-Options", "nosniff"),
         ("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link"),
         ("Access-Control-Allow-Headers",
          "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type")]


@dataclass
class RestAnswer:
    """Status, JSON value and the extra headers of one REST answer."""

    status: int
    value: object
    headers: list[tuple[str, str]] = field(default_factory=list)

    def body(self) -> bytes:
        """The JSON as WordPress sends it: compact, slashes escaped, non-ASCII kept."""
        text = json.dumps(self.value, ensure_ascii=False, separators=(",", ":"))
        return text.replace("/", "\\/").encode()

    def all_headers(self, urls: WordPressUrls) -> list[tuple[str, str]]:
        """Content type, the API link, CORS and this answer's own headers."""
        return [("Content-Type", "application/json; charset=UTF-8"),
                ("Link", f'<{urls.rest_root()}>; rel="https://api.w.org/"'), *_CORS,
                *self.headers, ("Allow", "GET"), ("Vary", "Origin")]


def _error(status: int, code: str, message: str, **data: object) -> RestAnswer:
    return RestAnswer(status, {"code": code, "message": message,
                               "data": {"status": status, **data}})


def closed() -> RestAnswer:
    """What every route answers when the API is restricted to logged-in users."""
    return _error(401, "rest_login_required", "REST API restricted to authenticated users.")


def _local(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat()


def _gmt(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat()


def _links(urls: WordPressUrls, route: str) -> dict:
    return {"self": [{"href": urls.rest(route)}],
            "collection": [{"href": urls.rest(route.rsplit("/", 1)[0])}]}


def _user(urls: WordPressUrls, user: User) -> dict:
    return {"id": user.id, "name": user.name, "url": urls.base_url, "description": "",
            "link": urls.author(user), "slug": user.login,
            "avatar_urls": {}, "_links": _links(urls, f"/wp/v2/users/{user.id}")}


def _term(urls: WordPressUrls, term: Term) -> dict:
    rest_base = "categories" if term.taxonomy == "category" else "tags"
    link = urls.category(term) if term.taxonomy == "category" else urls.tag(term)
    return {"id": term.id, "link": link, "name": term.name, "slug": term.slug,
            "taxonomy": term.taxonomy, "_links": _links(urls, f"/wp/v2/{rest_base}/{term.id}")}


def _media(urls: WordPressUrls, post: Post, media: Media) -> dict:
    return {"id": media.id, "date": _local(post.date), "slug": media.title.lower(),
            "type": "attachment", "link": f"{urls.post(post)}{media.title.lower()}/",
            "title": {"rendered": rendered(media.title)}, "author": post.author.id,
            "caption": {"rendered": ""}, "alt_text": media.alt, "media_type": "image",
            "mime_type": "image/jpeg",
            "media_details": {"width": 1200, "height": 800, "file": media.path.split(
                "/uploads/", 1)[-1], "sizes": {}},
            "source_url": urls.base_url + media.path,
            "_links": _links(urls, f"/wp/v2/media/{media.id}")}


def post_json(urls: WordPressUrls, post: Post, embed: bool) -> dict:
    """One post object (``context=view``), with ``_embedded`` when asked."""
    value: dict = {
        "id": post.id, "date": _local(post.date), "date_gmt": _gmt(post.date),
        "guid": {"rendered": urls.shortlink(post)},
        "modified": _local(post.modified), "modified_gmt": _gmt(post.modified),
        "slug": post.slug, "status": post.status, "type": "post", "link": urls.post(post),
        "title": {"rendered": rendered(post.title)},
        "content": {"rendered": content_html(post, urls.base_url), "protected": False},
        "excerpt": {"rendered": excerpt_html(post), "protected": False},
        "author": post.author.id,
        "featured_media": post.featured.id if post.featured else 0,
        "comment_status": "closed", "ping_status": "open", "sticky": False, "template": "",
        "format": "standard", "meta": [],
        "categories": [c.id for c in post.categories], "tags": [t.id for t in post.tags],
        "_links": {**_links(urls, f"/wp/v2/posts/{post.id}"),
                   "author": [{"embeddable": True,
                               "href": urls.rest(f"/wp/v2/users/{post.author.id}")}]},
    }
    if embed:
        embedded: dict = {"author": [_user(urls, post.author)]}
        if post.featured:
            embedded["wp:featuredmedia"] = [_media(urls, post, post.featured)]
        embedded["wp:term"] = [[_term(urls, c) for c in post.categories],
                               [_term(urls, t) for t in post.tags]]
        value["_embedded"] = embedded
    return value


def index(urls: WordPressUrls) -> RestAnswer:
    """``/``: the API index (site name, namespaces)."""
    spec = urls.content.spec
    return RestAnswer(200, {
        "name": spec.site_name, "description": "Cổng thông tin điện tử Công đoàn",
        "url": urls.base_url, "home": urls.base_url, "gmt_offset": 7,
        "timezone_string": "Asia/Ho_Chi_Minh",
        "namespaces": ["oembed/1.0", "wp/v2", "wp-site-health/v1", "wp-block-editor/v1"],
        "authentication": [], "routes": {}, "site_logo": 0, "site_icon": 0,
        "site_icon_url": ""})


def _int(params: dict[str, str], name: str, default: int) -> int | None:
    try:
        return int(params.get(name, default))
    except ValueError:
        return None


def posts(urls: WordPressUrls, params: dict[str, str]) -> RestAnswer:
    """``/wp/v2/posts``: public posts, ``orderby`` date or modified, paged."""
    status = params.get("status", params.get("status[0]", "publish"))
    if status != "publish":
        return _error(400, "rest_invalid_param", "Invalid parameter(s): status",
                      params={"status": "Status is forbidden."})
    page, per_page = _int(params, "page", 1), _int(params, "per_page", 10)
    if page is None or per_page is None or page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        return _error(400, "rest_invalid_param", "Invalid parameter(s): page, per_page")
    key = (lambda p: (p.modified, p.id)) if params.get("orderby") == "modified" else (
        lambda p: (p.date, p.id))
    ordered = sorted(urls.content.listed(), key=key, reverse=params.get("order", "desc") != "asc")
    total = len(ordered)
    pages = -(-total // per_page)
    if page > max(pages, 1):
        return _error(400, "rest_post_invalid_page_number",
                      "The page number requested is larger than the number of pages available.")
    chunk = ordered[(page - 1) * per_page:page * per_page]
    embed = "_embed" in params
    headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages))]
    if page < pages:
        following = {**params, "page": str(page + 1)}
        headers.append(("Link", f'<{urls.rest("/wp/v2/posts", dict(sorted(following.items())))}>;'
                                ' rel="next"'))
    return RestAnswer(200, [post_json(urls, p, embed) for p in chunk], headers)


def single_post(urls: WordPressUrls, post_id: int, params: dict[str, str]) -> RestAnswer:
    """``/wp/v2/posts/ID``: a public post; anything else is not for anonymous readers."""
    post = urls.content.post(post_id)
    if post is None:
        return _error(404, "rest_post_invalid_id", "Invalid post ID.")
    if not post.public:
        return _error(401, "rest_forbidden", "Sorry, you are not allowed to do that.")
    answer = RestAnswer(200, post_json(urls, post, "_embed" in params))
    answer.headers.append(("Link", f'<{urls.post(post)}>; rel="alternate"; type=text/html'))
    return answer


def terms(urls: WordPressUrls, taxonomy: str) -> RestAnswer:
    """``/wp/v2/categories`` or ``/wp/v2/tags`` (one page of up to 100)."""
    content = urls.content
    found = content.categories if taxonomy == "category" else content.tags
    value = [_term(urls, t) for t in found]
    return RestAnswer(200, value, [("X-WP-Total", str(len(value))), ("X-WP-TotalPages", "1")])


def users(urls: WordPressUrls) -> RestAnswer:
    """``/wp/v2/users``: authors of public posts."""
    writers = {p.author for p in urls.content.public}
    value = [_user(urls, u) for u in urls.content.users if u in writers]
    return RestAnswer(200, value, [("X-WP-Total", str(len(value))), ("X-WP-TotalPages", "1")])


def route(urls: WordPressUrls, path: str, params: dict[str, str]) -> RestAnswer:
    """Answer one REST route (``/``, ``/wp/v2/posts`` …)."""
    path = "/" + path.strip("/")
    if path == "/":
        return index(urls)
    if path == "/wp/v2/posts":
        return posts(urls, params)
    if path.startswith("/wp/v2/posts/") and path.rsplit("/", 1)[-1].isdigit():
        return single_post(urls, int(path.rsplit("/", 1)[-1]), params)
    if path in ("/wp/v2/categories", "/wp/v2/tags"):
        return terms(urls, "category" if path.endswith("categories") else "post_tag")
    if path == "/wp/v2/users":
        return users(urls)
    return _error(404, "rest_no_route", "No route was found matching the URL and request method.")
