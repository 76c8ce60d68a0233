"""Content of a simulated WordPress portal: users, terms, posts (public and hidden), media.

Posts reuse the NukeViet simulator's seeded text generator (``build_article``):
the same Vietnamese titles, paragraphs, images, tables and attached files,
dressed as WordPress holds them (post ids, slugs, authors as users, categories
and tags as terms, featured media, drafts and private posts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

from congdoan.sim.content import CATEGORIES, Article, Category, ContentModel, FileRef
from congdoan.sim.nvtext import news_alias
from congdoan.sim.spec import PortalSpec
from congdoan.sim.vocab import AUTHORS, TAGS

PERMALINKS = ("pretty", "plain")
# Never public: WordPress keeps them out of every listing, feed, sitemap and API answer.
HIDDEN_STATUSES = ("draft", "private", "pending", "future")
_HIDDEN_LABELS = {"draft": "Dự thảo", "private": "Nội bộ", "pending": "Chờ duyệt",
                  "future": "Hẹn giờ đăng"}
_POST_ID_OFFSET = 10  # ids 1..10 are the sample page, the privacy page and attachments
_MEDIA_ID_OFFSET = 5000
ADMIN = "Ban Tuyên giáo"  # the display name of user 1, the author of unsigned posts


@dataclass
class WordPressSpec:
    """One simulated WordPress portal. Same spec (and seed) -> same content, byte for byte."""

    site_id: str
    seed: int = 1
    posts: int = 40  # public posts
    hidden: int = 4  # drafts, private, pending and scheduled posts (never public)
    rest_open: bool = True  # False: every /wp-json/ route answers 401 rest_login_required
    permalinks: str = "pretty"  # "pretty" (/%year%/%monthnum%/%postname%/) or "plain" (?p=N)
    per_page: int = 10  # the Reading setting: posts per listing page and feed
    province: str = "Tỉnh Mô Phỏng"
    # Every listing (home, categories, feeds, the posts sitemap, REST /wp/v2/posts)
    # shows no post, as after a botched migration; post pages still answer.
    listings_empty: bool = False

    def __post_init__(self) -> None:
        if self.permalinks not in PERMALINKS:
            raise ValueError(f"permalinks must be one of {PERMALINKS}, not {self.permalinks!r}")
        if self.posts < 0 or self.hidden < 0 or self.per_page < 1:
            raise ValueError("post counts must be >= 0 and per_page positive")

    @property
    def site_name(self) -> str:
        """The site title (``blogname``)."""
        return f"Công đoàn (WordPress mô phỏng) {self.site_id}"

    @property
    def url_style(self) -> str:
        """The registry's name for the permalink style."""
        return "rewrite" if self.permalinks == "pretty" else "query"


def wordpress_portals(n_sites: int, posts: int, seed: int = 1) -> list[WordPressSpec]:
    """``n_sites`` WordPress portals ``wp1``, ``wp2`` … cycling through the set-ups met.

    1: REST API open, pretty permalinks; 2: REST API closed (sitemaps, feed and
    category pages instead); 3: REST API open, plain permalinks (``?p=123``); then again.
    """
    variants = ({"rest_open": True, "permalinks": "pretty"},
                {"rest_open": False, "permalinks": "pretty"},
                {"rest_open": True, "permalinks": "plain"})
    return [WordPressSpec(f"wp{i + 1}", seed=seed + i, posts=posts, **variants[i % 3])
            for i in range(n_sites)]


def describe(spec: WordPressSpec) -> str:
    """``WordPress, REST API open, pretty permalinks``: what a crawler meets there."""
    rest = "REST API open" if spec.rest_open else "REST API closed"
    return f"WordPress, {rest}, {spec.permalinks} permalinks"


@dataclass(frozen=True)
class User:
    """A WordPress user who writes posts."""

    id: int
    login: str
    name: str


@dataclass(frozen=True)
class Term:
    """A category or a tag."""

    id: int
    taxonomy: str  # "category" or "post_tag"
    name: str
    slug: str
    parent: int = 0


@dataclass(frozen=True)
class Media:
    """An uploaded file: an image (featured or in the body) or an attached document."""

    id: int
    path: str  # /wp-content/uploads/YYYY/MM/name
    title: str
    alt: str = ""
    file: FileRef | None = None  # documents: what the file holds


@dataclass(frozen=True)
class Post:
    """A post as WordPress holds it; ``article`` carries the generated text."""

    id: int
    status: str
    article: Article
    author: User
    categories: tuple[Term, ...]
    tags: tuple[Term, ...]
    date: datetime  # Asia/Ho_Chi_Minh
    modified: datetime
    featured: Media | None
    images: tuple[Media, ...]  # in the body, in order (captions in the article's blocks)
    files: tuple[Media, ...]
    title: str  # as typed (hidden posts are labelled, so a leak is told from a public post)
    slug: str  # post_name: the title's alias, made unique as WordPress does (-2, -3 …)

    @property
    def public(self) -> bool:
        """Published: readable by anyone."""
        return self.status == "publish"


def _upload_dir(when: datetime) -> str:
    return f"/wp-content/uploads/{when:%Y/%m}"


class WordPressContent:
    """Every user, term, post and upload of one portal, built once from its spec."""

    def __init__(self, spec: WordPressSpec) -> None:
        self.spec = spec
        # The NukeViet content model makes the text; documents and laws are not used.
        self._articles = ContentModel(PortalSpec(
            spec.site_id, seed=spec.seed, articles=spec.posts + spec.hidden, documents=0,
            laws_module=""))

    @cached_property
    def users(self) -> tuple[User, ...]:
        """User 1 (the office account) and one user per signed author."""
        people = [User(1, "admin", ADMIN)]
        people += [User(i + 2, news_alias(name).replace("-", ""), name)
                   for i, name in enumerate(AUTHORS)]
        return tuple(people)

    @cached_property
    def categories(self) -> tuple[Term, ...]:
        """The union portal's news categories (a child keeps its parent)."""
        ids = {c.alias: c.id for c in CATEGORIES}
        return tuple(Term(c.id, "category", c.title, c.alias, ids.get(c.parent, 0))
                     for c in CATEGORIES)

    @cached_property
    def tags(self) -> tuple[Term, ...]:
        """Every tag the generator uses."""
        base = len(CATEGORIES) + 1
        return tuple(Term(base + i, "post_tag", name, news_alias(name))
                     for i, name in enumerate(TAGS))

    def category(self, category: Category) -> Term:
        """The category term of a generated category."""
        return next(t for t in self.categories if t.id == category.id)

    @cached_property
    def posts(self) -> tuple[Post, ...]:
        """Every post, public and hidden, by id."""
        ids = sorted(self._articles.article_ids())
        public_count = self.spec.posts
        taken: set[str] = set()
        posts = []
        for n, article_id in enumerate(ids):
            hidden = None if n < public_count else \
                HIDDEN_STATUSES[(n - public_count) % len(HIDDEN_STATUSES)]
            posts.append(self._post(article_id, hidden, taken))
        return tuple(posts)

    def _post(self, article_id: int, hidden: str | None, taken: set[str]) -> Post:
        article = self._articles.article(article_id)
        assert article is not None
        post_id = _POST_ID_OFFSET + article_id
        date = article.published
        if hidden == "future":  # scheduled: its date is ahead of the portal's newest post
            date = date + timedelta(days=3650)
        # Every fourth post was edited two days after publication (REST walks by modified).
        modified = date + timedelta(days=2, minutes=17) if article_id % 4 == 0 else date
        author = self.users[0]
        if article.author:
            author = next(u for u in self.users if u.name == article.author)
        uploads = _upload_dir(date)
        media_id = _MEDIA_ID_OFFSET + article_id * 10
        featured = None
        if article.image:
            name = article.image[0].rsplit("/", 1)[-1]
            featured = Media(media_id, f"{uploads}/{name}", name.rsplit(".", 1)[0],
                             alt=article.image[1])
        images = tuple(
            Media(media_id + 1 + i, f"{uploads}/{b.src.rsplit('/', 1)[-1]}", b.text, alt=b.text)
            for i, b in enumerate(b for b in article.blocks if b.kind == "img"))
        files = tuple(Media(media_id + 5 + i, f"{uploads}/{f.name}", f.name, file=f)
                      for i, f in enumerate(article.files))
        tags = tuple(t for t in self.tags if t.name in article.tags)
        title = f"{_HIDDEN_LABELS[hidden]}: {article.title}" if hidden else article.title
        slug = base = article.alias.lower()[:80].strip("-")
        suffix = 2
        while slug in taken:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(slug)
        return Post(post_id, hidden or "publish", article, author,
                    (self.category(article.category),), tags, date, modified, featured,
                    images, files, title, slug)

    @cached_property
    def public(self) -> tuple[Post, ...]:
        """Published posts, newest first (the blog's order)."""
        return tuple(sorted((p for p in self.posts if p.public),
                            key=lambda p: (p.date, p.id), reverse=True))

    def post(self, post_id: int) -> Post | None:
        """The post with this id, public or not."""
        return next((p for p in self.posts if p.id == post_id), None)

    def listed(self, term: Term | None = None) -> list[Post]:
        """Public posts as the listings show them (of ``term`` when given), newest first.

        Read at every request: ``spec.listings_empty`` may change while the portal serves.
        """
        if self.spec.listings_empty:
            return []
        return self.in_category(term) if term is not None else list(self.public)

    def in_category(self, term: Term) -> list[Post]:
        """Public posts of a category or of its children, newest first (as WordPress lists)."""
        ids = {term.id} | {c.id for c in self.categories if c.parent == term.id}
        return [p for p in self.public if any(c.id in ids for c in p.categories)]

    def tagged(self, term: Term) -> list[Post]:
        """Public posts with a tag, newest first."""
        return [p for p in self.public if term in p.tags]

    def by_author(self, user: User) -> list[Post]:
        """Public posts of a user, newest first."""
        return [p for p in self.public if p.author == user]

    @cached_property
    def uploads(self) -> dict[str, Media]:
        """Every uploaded file of a public post, by path."""
        found: dict[str, Media] = {}
        for post in self.public:
            for media in (post.featured, *post.images, *post.files):
                if media is not None:
                    found[media.path] = media
        return found

    def term_by_slug(self, taxonomy: str, slug: str) -> Term | None:
        """A category or tag by slug."""
        terms = self.categories if taxonomy == "category" else self.tags
        return next((t for t in terms if t.slug == slug), None)

    def newest_change(self) -> datetime:
        """When the newest public post changed (the feed's Last-Modified)."""
        return max((p.modified for p in self.public), default=datetime(2015, 1, 1, tzinfo=UTC))

