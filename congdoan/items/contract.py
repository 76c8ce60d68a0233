"""The item contract: every field an article or document carries, declared once.

Each field says who fills it (the parser, the crawl, a pipeline, storage),
whether a crawled record is unacceptable without it, where it is stored, which
flat export columns it becomes, whether it counts towards the content hash
(a change makes a new version), and whether spider health tracks its fill
rate. The Scrapy items, the required-field rule, the content fields and the
health fields are all read from here; the storage
models and export columns are checked against it by ``tests/test_contract.py``,
so a parser key with no declared field fails a test instead of vanishing. In a
crawl, every family's items pass ``check_parser_keys`` (``SiteSpider.build_item``):
a page whose parser returned an undeclared key is a failed page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from congdoan.items.kinds import KINDS as KINDS  # the contract answers for its kinds too
from congdoan.items.kinds import Kind

Filler = Literal["parser", "crawl", "pipeline", "storage"]


@dataclass(frozen=True)
class ItemField:
    """One field of an item.

    ``stored``: ``"Model.attribute"`` in ``congdoan.storage.models`` (a column or
    relationship) or ``None`` when the field is not kept; ``export``: the flat
    export columns (CSV, Parquet) made from it, ``()`` when only JSONL carries it.
    """

    name: str
    filled_by: Filler
    stored: str | None
    export: tuple[str, ...] = ()
    required: bool = False
    content: bool = False
    health: bool = False
    only_cms: tuple[str, ...] = ()  # parsers of these CMS families alone return it; () = all


def _f(name: str, filled_by: Filler, stored: str | None, export: str = "", *,
       required: bool = False, content: bool = False, health: bool = False,
       only_cms: tuple[str, ...] = ()) -> ItemField:
    # ``export`` as space-separated column names keeps the tables below one line a field.
    return ItemField(name, filled_by, stored, tuple(export.split()), required, content, health,
                     only_cms)


def _provenance(model: str) -> tuple[ItemField, ...]:
    """What every crawled item carries besides the page's content."""
    many = model == "DocumentPosting"  # a document is exported once for all its postings
    return (
        _f("kind", "crawl", None),  # decides the table, not a column
        _f("site", "crawl", f"{model}.site", "sites" if many else "site", required=True),
        _f("url", "crawl", f"{model}.url", "" if many else "url", required=True),
        _f("canonical_url", "parser", f"{model}.canonical_url", "urls" if many else "canonical_url",
           required=True),
        _f("source_id", "parser", f"{model}.source_id", "" if many else "source_id"),
        _f("fetched_at", "crawl", f"{model}.fetched_at", "" if many else "fetched_at"),
        _f("http_status", "crawl", f"{model}.http_status", "" if many else "http_status"),
        _f("body_sha256", "crawl", f"{model}.raw_sha256", "" if many else "raw_sha256"),
        _f("raw_body", "crawl", "RawPage.data"),  # archived, never exported
        _f("discovered_via", "crawl", None),  # listing, sitemap, rss or rest: a crawl fact
        _f("listed_text", "crawl", None),  # the listing's date, the fallback for published_at
    )


ARTICLE_FIELDS: tuple[ItemField, ...] = (
    *_provenance("Article"),
    _f("title", "parser", "Article.title", "title", required=True, content=True, health=True),
    _f("published_text", "parser", "Article.published_text", "published_text", content=True,
       health=True),
    _f("author", "parser", "Article.author", "author", content=True, health=True),
    _f("source", "parser", "Article.source", "source", content=True, health=True),
    _f("category", "parser", "Article.category", "category", content=True, health=True),
    _f("category_path", "parser", "Article.category_path", "category_path", content=True),
    _f("summary", "parser", "Article.summary", "summary", content=True, health=True),
    _f("body_html", "parser", "Article.body_html", "body_html", content=True),
    _f("body_text", "parser", "Article.body_text", "body_text", required=True, content=True,
       health=True),
    _f("images", "parser", "Article.images", "image_urls", content=True, health=True),
    _f("attachments", "parser", "Article.attachments", "attachment_names attachment_urls",
       content=True, health=True),
    _f("tags", "parser", "Article.tags", "tags", content=True, health=True),
    # The CMS's own last-change time (WordPress; article:modified_time, JSON-LD
    # dateModified on other CMSs), as it gave it. Stored and exported,
    # but outside the content hash: a save that changed nothing else is no new version
    # (storage keeps the latest reading on every visit, like a document's counters).
    _f("modified_text", "parser", "Article.modified_text", "modified_text",
       only_cms=("wordpress", "generic")),
    _f("published_at", "pipeline", "Article.published_at", "published_at", content=True,
       health=True),
    _f("published_precision", "pipeline", "Article.published_precision", "published_precision",
       content=True),
    _f("references", "pipeline", "Article.references", "references", content=True),
    _f("content_hash", "storage", "Article.content_hash", "content_hash"),
)

DOCUMENT_FIELDS: tuple[ItemField, ...] = (
    *_provenance("DocumentPosting"),
    _f("code", "parser", "Document.code", "code", content=True, health=True),
    _f("title", "parser", "Document.title", "title", required=True, content=True, health=True),
    _f("intro", "parser", "Document.intro", "intro", content=True, health=True),
    _f("body_text", "parser", "Document.body_text", "body_text", content=True, health=True),
    _f("issued_text", "parser", "DocumentPosting.data", content=True, health=True),
    _f("effective_text", "parser", "DocumentPosting.data", content=True, health=True),
    _f("expires_text", "parser", "DocumentPosting.data", content=True),
    _f("signer", "parser", "Document.signer", "signer", content=True, health=True),
    _f("issuer", "parser", "Document.issuer", "issuer", content=True, health=True),
    _f("category", "parser", "Document.category", "category", content=True, health=True),
    _f("field", "parser", "Document.field", "field", content=True, health=True),
    # Per-visit counters: stored per posting, outside the content hash.
    _f("views", "parser", "DocumentPosting.views", "views"),
    _f("downloads", "parser", "DocumentPosting.downloads", "downloads"),
    _f("attachments", "parser", "DocumentPosting.attachments", "attachment_names attachment_urls",
       content=True, health=True),
    _f("code_parsed", "pipeline", "Document.code_normalized",
       "code_normalized code_number code_year type_abbr type_name issuer_abbr", content=True),
    _f("issued_on", "pipeline", "Document.issued_on", "issued_on", content=True, health=True),
    _f("effective_on", "pipeline", "Document.effective_on", "effective_on", content=True),
    _f("expires_on", "pipeline", "Document.expires_on", "expires_on", content=True),
    _f("content_hash", "storage", "Document.content_hash", "content_hash"),
)

FIELDS: dict[Kind, tuple[ItemField, ...]] = {"article": ARTICLE_FIELDS,
                                             "document": DOCUMENT_FIELDS}

# Columns storage keeps about a record's life rather than its content: exported, never parsed.
STORAGE_ONLY_COLUMNS: dict[Kind, tuple[str, ...]] = {
    "article": ("id", "first_seen_at", "last_seen_at", "changed_at", "story_id"),
    "document": ("id", "first_seen_at", "last_seen_at"),
}


class ContractError(ValueError):
    """A record whose keys the contract does not declare."""


def field_names(kind: Kind) -> tuple[str, ...]:
    """Every field of ``kind``'s item, in declaration order."""
    return tuple(f.name for f in FIELDS[kind])


def parser_keys(kind: Kind, cms: str | None = None) -> tuple[str, ...]:
    """The keys a parser of ``kind`` returns: every parser's, plus those of ``cms`` alone.

    ``cms=None`` gives the keys every CMS family's parser returns (NukeViet's
    ``parse_article`` / ``parse_document`` return exactly these).
    """
    return tuple(f.name for f in FIELDS[kind] if f.filled_by == "parser"
                 and (not f.only_cms or (cms is not None and cms in f.only_cms)))


def required_fields(kind: Kind) -> tuple[str, ...]:
    """Fields without which a crawled record is not stored."""
    return tuple(f.name for f in FIELDS[kind] if f.required)


def content_field_names(kind: Kind) -> tuple[str, ...]:
    """Fields whose change makes a new version (the content hash covers them)."""
    return tuple(f.name for f in FIELDS[kind] if f.content)


def health_fields(kind: Kind) -> tuple[str, ...]:
    """Fields whose fill rate spider health tracks per run."""
    return tuple(f.name for f in FIELDS[kind] if f.health)


def check_parser_keys(kind: Kind, parsed: Mapping[str, object]) -> None:
    """Raise ``ContractError`` when the parser returned a key the contract does not declare."""
    declared = {f.name for f in FIELDS[kind] if f.filled_by == "parser"}
    unknown = sorted(set(parsed) - declared)
    if unknown:
        raise ContractError(f"{kind} parser returned undeclared keys: {', '.join(unknown)} "
                            "(declare them in congdoan/items/contract.py)")
