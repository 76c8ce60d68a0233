"""Seeded content model of a simulated portal: categories, articles, legal documents.

Every item is a pure function of (site, seed, id): an eager "skeleton" (id,
category, date) is enough to sort listings; the full item is built on demand
and kept in a bounded cache, so 34 portals x 3,000 articles stay cheap.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from congdoan.sim import vocab
from congdoan.sim.nvtext import display_title, laws_alias, news_alias, store_title
from congdoan.sim.spec import PortalSpec

VN_TZ = timezone(timedelta(hours=7), "+07")
# Seeded items are published between START and REFERENCE (fixed, never wall time).
START = datetime(2015, 1, 1, 7, 0, tzinfo=VN_TZ)
REFERENCE = datetime(2026, 6, 30, 17, 0, tzinfo=VN_TZ)
# When the seeded records were entered in the admin panel: what itemprop=datePublished shows.
IMPORT_TIME = datetime(2026, 7, 2, 22, 40, 1, tzinfo=VN_TZ)
_SPAN_MINUTES = int((REFERENCE - START).total_seconds() // 60)


@dataclass(frozen=True)
class Category:
    """A news category; ``parent`` is the parent alias or ``""``."""

    id: int
    alias: str
    title: str
    parent: str
    description: str


CATEGORIES: tuple[Category, ...] = tuple(
    Category(index + 1, alias, title, parent, description)
    for index, (alias, title, parent, description) in enumerate(vocab.CATEGORIES)
)
CATEGORY_BY_ALIAS = {category.alias: category for category in CATEGORIES}


@dataclass(frozen=True)
class FileRef:
    """An attached file: displayed name, path under /uploads/, text it contains."""

    name: str
    path: str
    lines: tuple[str, ...]
    scanned: bool = False  # served as an image-only PDF (a scan): its text only by OCR


@dataclass(frozen=True)
class Block:
    """A body block: ``p`` (text), ``img`` (src, caption in text), ``table``/``ul`` (rows)."""

    kind: str
    text: str = ""
    src: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Article:
    """A news article as the CMS holds it (title as typed; stored form via ``stored_title``)."""

    id: int
    category: Category
    raw_title: str
    alias: str
    published: datetime
    added: datetime
    summary: str
    blocks: tuple[Block, ...]
    author: str | None
    source: str | None
    tags: tuple[str, ...]
    image: tuple[str, str] | None  # (path under /uploads/news/, alt)
    files: tuple[FileRef, ...]
    views: int

    @property
    def stored_title(self) -> str:
        """The entity-encoded title NukeViet renders verbatim."""
        return store_title(self.raw_title)

    @property
    def title(self) -> str:
        """The title a reader sees."""
        return display_title(self.raw_title)


@dataclass(frozen=True)
class DocKind:
    """Thể loại of a legal document and its URL alias (capitals kept)."""

    name: str
    alias: str


@dataclass(frozen=True)
class Relation:
    """What a document's closing article does to an earlier one (the truth of a relation)."""

    type: str  # replaces | repeals | amends
    target_id: int
    target_code: str  # as written in the sentence
    scope: str  # "whole", "Điều 2", "khoản 1 Điều 2"
    sentence: str


@dataclass(frozen=True)
class Document:
    """A legal document (văn bản) of the laws module."""

    id: int
    code: str
    title: str
    intro: str
    body: tuple[str, ...]
    kind: DocKind
    areas: tuple[str, ...]
    issuer: str
    signer: str
    signer_id: int
    issued: date
    effective: date | None
    expires: date | None
    files: tuple[FileRef, ...]
    views: int
    downloads: int
    added: datetime
    relations: tuple[Relation, ...] = ()

    @property
    def alias(self) -> str:
        """Detail alias: the title's alias with the id appended (``Bo-luat-Lao-dong-7``)."""
        return f"{laws_alias(self.title)}-{self.id}"


def _rng(spec_key: tuple[str, int], kind: str, item_id: int) -> random.Random:
    site_id, seed = spec_key
    return random.Random(f"{site_id}|{seed}|{kind}|{item_id}")


def _article_skeleton(spec_key: tuple[str, int], article_id: int) -> tuple[str, datetime]:
    rng = _rng(spec_key, "article-meta", article_id)
    category = rng.choices(CATEGORIES, weights=vocab.CATEGORY_WEIGHTS)[0]
    published = START + timedelta(minutes=rng.randrange(_SPAN_MINUTES))
    return category.alias, published


def _fill(template: str, rng: random.Random, year: int) -> str:
    return template.format(
        year=year, year5=year + 5, n=rng.randint(2, 99), q=rng.randint(1, 4),
        place=rng.choice(vocab.PLACES), company=rng.choice(vocab.COMPANIES),
    )


@lru_cache(maxsize=4096)
def build_article(
    spec_key: tuple[str, int], article_id: int, category_alias: str, published: datetime,
    added: datetime | None = None,
) -> Article:
    """Build article ``article_id`` of a portal; pure and cached."""
    rng = _rng(spec_key, "article", article_id)
    category = CATEGORY_BY_ALIAS[category_alias]
    raw_title = _fill(rng.choice(vocab.TITLES[category_alias]), rng, published.year)
    month_dir = published.strftime("%Y_%m")
    summary = " ".join(rng.sample(vocab.SENTENCES, rng.randint(1, 2)))
    blocks: list[Block] = [Block("p", s) for s in rng.sample(vocab.SENTENCES, rng.randint(2, 4))]
    if rng.random() < 0.5:
        caption = rng.choice(vocab.CAPTIONS)
        src = f"/uploads/news/{month_dir}/hoat-dong-{article_id}-2.jpg"
        blocks.insert(1, Block("img", caption, src=src))
    if rng.random() < 0.25:
        rows = rng.sample(vocab.TABLE_ROWS, rng.randint(2, 3))
        blocks.append(Block("table", rows=(("Chỉ tiêu", "Kết quả"), *rows)))
    if rng.random() < 0.2:
        items = rng.sample(vocab.LIST_ITEMS, rng.randint(2, 4))
        blocks.insert(len(blocks) - 1, Block("ul", rows=tuple((item,) for item in items)))
    title = display_title(raw_title)
    image = None
    if rng.random() < 0.6:
        image = (f"{month_dir}/anh-tin-{article_id}.jpg", f"Ảnh minh họa: {title[:60].strip()}")
    files: list[FileRef] = []
    if rng.random() < 0.2:
        number = rng.randint(1, 300)
        names = [f"ke-hoach-so-{number}-kh-ldld.pdf"]
        if rng.random() < 0.5:
            names.append(f"phu-luc-{article_id}.docx")
        lines = (title, summary, *(b.text for b in blocks if b.kind == "p"))
        files = [FileRef(name, f"/uploads/news/{month_dir}/{name}", lines) for name in names]
    return Article(
        id=article_id,
        category=category,
        raw_title=raw_title,
        alias=news_alias(raw_title),
        published=published,
        added=added or IMPORT_TIME,
        summary=summary,
        blocks=tuple(blocks),
        author=rng.choice(vocab.AUTHORS) if rng.random() < 0.8 else None,
        source=rng.choice(vocab.SOURCES) if rng.random() < 0.25 else None,
        tags=tuple(rng.sample(vocab.TAGS, rng.choice((0, 0, 1, 2, 3)))),
        image=image,
        files=tuple(files),
        views=rng.randint(0, 900),
    )


_SIGNER_IDS = {
    name: index + 1
    for index, name in enumerate(n for names in vocab.SIGNERS.values() for n in names)
}


def scan_body(spec_key: tuple[str, int], doc_id: int) -> tuple[str, ...]:
    """The body lines of a scanned document: text found nowhere but in its scan."""
    rng = _rng(spec_key, "scan", doc_id)  # its own stream: other content stays as it was
    unit = rng.choice(("Ban Tuyên giáo", "Ban Nữ công", "Ban Chính sách - Pháp luật",
                       "Ban Tổ chức", "Văn phòng"))
    day = rng.randint(1, 28)
    return (
        f"Điều 1. Giao {unit} chủ trì tổng hợp ý kiến của đoàn viên số {doc_id}.",
        f"Điều 2. Báo cáo kết quả gửi Thường trực trước ngày {day} hằng tháng.",
        "Điều 3. Chánh Văn phòng và các đơn vị liên quan chịu trách nhiệm thi hành.",
    )


def _legislature(year: int) -> int:
    return 13 if year < 2016 else 14 if year < 2021 else 15


def _doc_issued(spec_key: tuple[str, int], doc_id: int) -> date:
    rng = _rng(spec_key, "document-meta", doc_id)
    return (START + timedelta(minutes=rng.randrange(_SPAN_MINUTES))).date()


@lru_cache(maxsize=4096)
def build_document(
    spec_key: tuple[str, int], doc_id: int, issued: date, added: datetime | None = None,
    scanned: bool = False,
) -> Document:
    """Build document ``doc_id`` of a portal; pure and cached.

    A ``scanned`` document shows no body on its page: its text is only in its
    attached scan (an image-only PDF), as on portals that post the signed paper.
    """
    rng = _rng(spec_key, "document", doc_id)
    kind_name, kind_alias, pattern, issuer, titles = rng.choice(vocab.DOC_KINDS)
    year = issued.year
    code = _code(rng, pattern, year)
    title = rng.choice(titles).format(y=year, y5=year + 5)
    intro = f"{title}. {vocab.DOC_CLOSING}" if rng.random() < 0.5 else title
    body: tuple[str, ...] = ()
    if rng.random() < 0.6:
        body = (
            "Căn cứ Luật Công đoàn và Điều lệ Công đoàn Việt Nam;",
            f"Điều 1. Ban hành kèm theo văn bản này nội dung: {title.lower()}.",
            "Điều 2. Văn bản có hiệu lực kể từ ngày ký. Các cấp công đoàn, cơ quan, đơn vị liên "
            "quan chịu trách nhiệm thi hành.",
        )
    relation = None if scanned else _relation(spec_key, doc_id, issued)
    if relation is not None:
        body = (*body, relation.sentence)
    effective = None
    if rng.random() < 0.7:
        effective = issued + timedelta(days=rng.choice((0, 0, 0, 15, 30, 45)))
    expires = None
    if effective and rng.random() < 0.2:
        expires = effective + timedelta(days=rng.randint(365, 1500))
    areas = tuple(rng.sample(vocab.AREAS, rng.choice((1, 1, 2))))
    signer = rng.choice(vocab.SIGNERS[issuer])
    files: list[FileRef] = []
    if rng.random() < 0.85:
        stem = news_alias(code)
        lines = (code, title, intro, *body)
        files.append(FileRef(f"{stem}.pdf", f"/uploads/laws/{stem}.pdf", lines))
        if rng.random() < 0.3:
            name = f"{stem}-phu-luc.docx"
            files.append(FileRef(name, f"/uploads/laws/{name}", (f"Phụ lục {code}", *lines[1:])))
    views = rng.randint(0, 5000)
    if scanned:
        body = ()
        stem = f"{news_alias(code)}-ban-quet"
        files.insert(0, FileRef(f"{stem}.pdf", f"/uploads/laws/{stem}.pdf",
                                (code, title, *scan_body(spec_key, doc_id)), scanned=True))
    return Document(
        id=doc_id, code=code, title=title, intro=intro, body=body,
        kind=DocKind(kind_name, kind_alias), areas=areas, issuer=issuer, signer=signer,
        signer_id=_SIGNER_IDS[signer], issued=issued, effective=effective, expires=expires,
        files=tuple(files), views=views, downloads=rng.randint(0, views // 3 + 1),
        added=added or IMPORT_TIME + timedelta(seconds=doc_id),
        relations=() if relation is None else (relation,),
    )


def _code(rng: random.Random, pattern: str, year: int) -> str:
    """A document's code from its kind's pattern: the draws ``build_document`` makes first."""
    return pattern.format(
        n=rng.randint(1, 6999), n2=f"{rng.randint(1, 99):02d}", y=year, leg=_legislature(year)
    )


# A document now and then replaces, repeals or amends an earlier one of its portal, as
# the closing articles of real ones do: (type, scope, sentence pattern).
_RELATIONS: tuple[tuple[str, str, str], ...] = (
    ("replaces", "whole", "Điều 3. Văn bản này có hiệu lực kể từ ngày ký và thay thế {kind} "
                          "số {code} ngày {day}."),
    ("replaces", "whole", "Điều 3. {kind} số {code} ngày {day} được thay thế bằng văn bản này."),
    ("repeals", "whole", "Điều 3. Bãi bỏ {kind} số {code} ngày {day}."),
    ("repeals", "khoản 1 Điều 2", "Điều 3. Bãi bỏ khoản 1 Điều 2 {kind} số {code} ngày {day}."),
    ("amends", "Điều 2", "Điều 3. Sửa đổi, bổ sung Điều 2 {kind} số {code} ngày {day} như sau: "
                         "thời hạn báo cáo là ngày 20 hằng tháng."),
)  # fmt: skip


def _relation(spec_key: tuple[str, int], doc_id: int, issued: date) -> Relation | None:
    """What document ``doc_id`` does to an earlier document of its portal, if anything.

    Its own random stream, so the rest of the content stays as it was. Only documents
    of the initial import are targets: their issue dates are known from the spec.
    """
    rng = _rng(spec_key, "relation", doc_id)
    if doc_id < 3 or rng.random() >= 0.3:
        return None
    candidates = rng.sample(range(1, doc_id), min(8, doc_id - 1))
    earlier = [p for p in candidates if _doc_issued(spec_key, p) < issued]
    if not earlier:
        return None
    target_id = earlier[0]
    target_issued = _doc_issued(spec_key, target_id)
    target_rng = _rng(spec_key, "document", target_id)
    kind, _, pattern, _, _ = target_rng.choice(vocab.DOC_KINDS)
    code = _code(target_rng, pattern, target_issued.year)
    rtype, scope, sentence = rng.choice(_RELATIONS)
    return Relation(rtype, target_id, code, scope,
                    sentence.format(kind=kind, code=code, day=f"{target_issued:%d/%m/%Y}"))


@dataclass
class _Index:
    """Sorted views over the skeletons; rebuilt when items are added."""

    articles: list[int] = field(default_factory=list)  # newest first
    by_category: dict[str, list[int]] = field(default_factory=dict)
    documents: list[int] = field(default_factory=list)  # by issue date, newest first
    documents_added: list[int] = field(default_factory=list)  # by creation time, newest first


class ContentModel:
    """All items of one portal, built lazily from its spec."""

    def __init__(self, spec: PortalSpec) -> None:
        self.spec = spec
        self.key = (spec.site_id, spec.seed)
        self._lock = threading.Lock()
        self._article_meta: dict[int, tuple[str, datetime, datetime | None]] = {}
        for article_id in range(1, spec.articles + 1):
            alias, published = _article_skeleton(self.key, article_id)
            self._article_meta[article_id] = (alias, published, None)
        self._doc_meta: dict[int, tuple[date, datetime | None]] = {
            doc_id: (_doc_issued(self.key, doc_id), None)
            for doc_id in range(1, (spec.documents if spec.laws_module else 0) + 1)
        }
        self._index = self._build_index()

    def _build_index(self) -> _Index:
        articles = sorted(
            self._article_meta, key=lambda i: (self._article_meta[i][1], i), reverse=True
        )
        by_category: dict[str, list[int]] = {c.alias: [] for c in CATEGORIES}
        for article_id in articles:
            by_category[self._article_meta[article_id][0]].append(article_id)
        documents = sorted(self._doc_meta, key=lambda i: (self._doc_meta[i][0], i), reverse=True)
        added = sorted(self._doc_meta, key=lambda i: (self._added_doc(i), i), reverse=True)
        return _Index(articles, by_category, documents, added)

    # -- articles -------------------------------------------------------------------------
    def article(self, article_id: int) -> Article | None:
        """The article with this id, or ``None``."""
        meta = self._article_meta.get(article_id)
        if meta is None:
            return None
        return build_article(self.key, article_id, *meta)

    def article_ids(self, category: str | None = None) -> list[int]:
        """Article ids newest first, all or of one category (its own items, not children)."""
        index = self._index
        return index.articles if category is None else index.by_category.get(category, [])

    def add_articles(self, n: int, now: datetime) -> list[int]:
        """Publish ``n`` new articles at ``now`` (never before the newest existing one)."""
        with self._lock:
            newest = max((m[1] for m in self._article_meta.values()), default=START)
            published = max(now.astimezone(VN_TZ).replace(second=0, microsecond=0),
                            newest + timedelta(minutes=1))
            new_ids = []
            for offset in range(n):
                article_id = max(self._article_meta, default=0) + 1
                alias, _ = _article_skeleton(self.key, article_id)
                when = published + timedelta(minutes=offset)
                self._article_meta[article_id] = (alias, when, now.astimezone(VN_TZ))
                new_ids.append(article_id)
            self._index = self._build_index()
        return new_ids

    # -- documents ------------------------------------------------------------------------
    def document(self, doc_id: int) -> Document | None:
        """The document with this id, or ``None``."""
        meta = self._doc_meta.get(doc_id)
        if meta is None:
            return None
        every = self.spec.scanned_every
        return build_document(self.key, doc_id, *meta,
                              scanned=bool(every) and doc_id % every == 0)

    def document_ids(self) -> list[int]:
        """Document ids by issue date, newest first (the laws list order)."""
        return self._index.documents

    def documents_by_added(self) -> list[int]:
        """Document ids by creation time, newest first (sidebar block, laws RSS)."""
        return self._index.documents_added

    def _added_doc(self, doc_id: int) -> datetime:
        added = self._doc_meta[doc_id][1]
        return added or IMPORT_TIME + timedelta(seconds=doc_id)

    def add_documents(self, n: int, now: datetime) -> list[int]:
        """Publish ``n`` new documents issued and entered ``now``."""
        if not self.spec.laws_module:
            raise ValueError(f"portal {self.spec.site_id} has no laws module")
        with self._lock:
            new_ids = []
            for _ in range(n):
                doc_id = max(self._doc_meta, default=0) + 1
                self._doc_meta[doc_id] = (now.astimezone(VN_TZ).date(), now.astimezone(VN_TZ))
                new_ids.append(doc_id)
            self._index = self._build_index()
        return new_ids
