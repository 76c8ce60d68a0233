"""Re-extract stored items from the raw page archive: a parser fix reaches every record.

Each stored article and document posting points at the exact bytes it was read
from (``raw_sha256``). Re-parsing runs those bytes through today's parser and
normalisers and upserts the result, so the usual versioning applies: identical
output is ``unchanged``, different output is ``changed`` and the old reading is
kept in ``item_versions``. No network and no Scrapy: storage, parsers and the
pure normalise functions only.

The reader is chosen as the crawl chooses its spider: by the site's CMS
family in the registry (``cms``): NukeViet's readers, WordPress's (the REST
API page or the post page the item came in), or the generic reader with the
site's ``[site.selectors]`` (a generic document is its row of the archived
documents table). An item whose site the registry does not name is left as
it is and reported: its family is unknown.

What the parser cannot know is taken from the stored row: the site, the URL
as fetched and the canonical URL the record is keyed by, the fetch time and
HTTP status, the attachments' download results (stored path, hash, size,
type, text) and the per-visit document counters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from congdoan.files.names import sanitize_filename
from congdoan.items.contract import parser_keys
from congdoan.items.kinds import KINDS, Kind
from congdoan.items.validation import missing_fields
from congdoan.normalize.dates import parse_vn_date
from congdoan.parsers.generic import (
    document_row_url,
    parse_document_table,
    parse_generic_article,
)
from congdoan.parsers.nukeviet import ParseError, parse_article, parse_document
from congdoan.parsers.nukeviet_urls import same_site_url
from congdoan.parsers.wordpress_archive import read_archived_post
from congdoan.pipelines.normalize import (
    article_dates,
    article_references,
    document_code,
    document_dates,
)
from congdoan.registry import Registry, Site, load_registry
from congdoan.storage.archive import load_raw
from congdoan.storage.models import Article, Attachment, DocumentPosting
from congdoan.storage.repository import ATTACHMENT_FILE_FIELDS
from congdoan.storage.store import write_batch
from congdoan.vntime import VN_TZ_NAME

DEFAULT_TIMEZONE = VN_TZ_NAME  # as CONGDOAN_TIMEZONE: portals show local time
BATCH = 100


class ReparseError(Exception):
    """One stored item that cannot be re-extracted; the message says why, in one line."""


@dataclass(frozen=True)
class ReparseFailure:
    """A stored item that was left as it is, and why."""

    kind: Kind
    site: str
    url: str
    reason: str


@dataclass
class ReparseReport:
    """What a re-parse did: ``counts`` of new/changed/unchanged/failed, and the failures."""

    counts: Counter[str] = field(default_factory=Counter)
    failures: list[ReparseFailure] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Items looked at."""
        return sum(self.counts.values())


def stored_items(
    session: Session, site: str | None = None, kinds: Sequence[Kind] = KINDS
) -> list[tuple[Kind, int]]:
    """``(kind, id)`` of every stored article and document posting, in id order."""
    items: list[tuple[Kind, int]] = []
    if "article" in kinds:
        stmt = select(Article.id).order_by(Article.id)
        if site is not None:
            stmt = stmt.where(Article.site == site)
        items += [("article", i) for i in session.scalars(stmt)]
    if "document" in kinds:
        stmt = select(DocumentPosting.id).order_by(DocumentPosting.id)
        if site is not None:
            stmt = stmt.where(DocumentPosting.site == site)
        items += [("document", i) for i in session.scalars(stmt)]
    return items


def _raw_body(session: Session, sha: str | None) -> bytes:
    if not sha:
        raise ReparseError("no raw page recorded for this item")
    try:
        return load_raw(session, sha)
    except KeyError:
        raise ReparseError(f"raw page {sha[:12]}… is missing from the archive") from None
    except ValueError as exc:  # archived bytes that no longer match their hash
        raise ReparseError(str(exc)) from None


def _provenance(row: Article | DocumentPosting, kind: Kind) -> dict[str, Any]:
    """The crawl's facts about the page, which the page itself does not contain."""
    return {
        "kind": kind,
        "site": row.site,
        "url": row.url,
        # Upserts are keyed by (site, canonical_url): keep the stored key so the
        # record is updated in place rather than duplicated.
        "canonical_url": row.canonical_url,
        "fetched_at": row.fetched_at,
        "http_status": row.http_status,
        "body_sha256": row.raw_sha256,
    }


def merge_attachments(
    parsed: Sequence[Mapping[str, Any]], stored: Sequence[Attachment]
) -> list[dict[str, Any]]:
    """The parsed attachments with the download results the crawl stored for the same URLs.

    Names are sanitised as the attachments pipeline does; a stored name equal
    to the displayed one (a crawl without that pipeline) is kept as it was, so
    neither kind of crawl reads as a change.
    """
    by_url: dict[str, list[Attachment]] = {}
    for row in stored:
        by_url.setdefault(row.url, []).append(row)
    merged = []
    for attachment in parsed:
        url = attachment["url"]
        shown = attachment.get("name")
        name = sanitize_filename(
            shown, fallback=sanitize_filename(Path(urlsplit(url).path).name, fallback="file")
        )
        rows = by_url.get(url)
        row = rows.pop(0) if rows else None
        entry: dict[str, Any] = {"url": url, "name": name}
        if row is not None:
            if row.name is not None and row.name == shown:
                entry["name"] = shown
            # The stored text stands in for the crawl's reading (the store's rule,
            # ``file_texts.settle_text``, keeps a stored reading's text first anyway).
            entry.update({k: getattr(row, k) for k in (*ATTACHMENT_FILE_FIELDS, "text")})
        merged.append(entry)
    return merged


def _check_required(record: Mapping[str, Any]) -> None:
    """The crawl's acceptance rule (``congdoan.items.validation``) applied to the new reading."""
    missing = missing_fields(record)
    if missing:
        raise ReparseError(f"the parser now finds no {', '.join(missing)}")


def _site(sites: Mapping[str, Site], site_id: str) -> Site:
    """The registry entry of ``site_id``: its CMS family picks the reader."""
    site = sites.get(site_id)
    if site is None:
        raise ReparseError(f"site {site_id!r} is not in the registry: its CMS family is "
                           "unknown (give the registry it was crawled with: --registry)")
    return site


def _declared(kind: Kind, cms: str, parsed: Mapping[str, Any]) -> dict[str, Any]:
    """The parser's keys the contract declares for ``cms``, as the crawl keeps them."""
    keys = parser_keys(kind, cms)
    return {k: v for k, v in parsed.items() if k in keys}


def _wordpress_article(body: bytes, article: Article, site: Site) -> dict[str, Any]:
    """The post in its archived API page or post page.

    WordPress links carry the host the site was installed under; the crawl
    moved them onto the registered host (the one the article was fetched from).
    """
    parsed = read_archived_post(body, article.url, article.source_id)
    if parsed is None:
        raise ParseError(article.url, "the archived page is no WordPress page or API answer")
    for key in ("images", "attachments"):
        parsed[key] = [{**entry, "url": same_site_url(entry["url"], article.url)}
                       for entry in parsed[key]]
    return parsed


def _generic_article(body: bytes, article: Article, site: Site) -> dict[str, Any]:
    return parse_generic_article(body, article.url, site.selectors)


def _nukeviet_article(body: bytes, article: Article, site: Site) -> dict[str, Any]:
    return parse_article(body, article.url)


def _generic_document(body: bytes, posting: DocumentPosting, site: Site) -> dict[str, Any]:
    """The posting's row of its archived documents table, as the generic spider made it.

    The row is found by the URL the crawl stored it under (``document_row_url``):
    its link, else the table page with the row's fragment; links are resolved
    against the posting URL, then against the registry's document pages.
    """
    bases = [urldefrag(posting.url)[0],
             *(urljoin(site.base_url + "/", page) for page in site.generic.document_pages)]
    found = None
    for base in dict.fromkeys(bases):
        for record in parse_document_table(body, base):
            if document_row_url(record, base) == posting.canonical_url:
                found = record
        if found is not None:
            break
    if found is None:
        raise ParseError(posting.url, "its row is not in the archived documents table")
    fields = {key: found.get(key) for key in parser_keys("document", site.cms)}
    fields["attachments"] = found.get("attachments") or []
    return fields


def _nukeviet_document(body: bytes, posting: DocumentPosting, site: Site) -> dict[str, Any]:
    return parse_document(body, posting.url)


# The reader of each CMS family the crawl has a spider for (``spiders.spider_for``).
ARTICLE_READERS: dict[str, Callable[[bytes, Article, Site], dict[str, Any]]] = {
    "nukeviet": _nukeviet_article, "wordpress": _wordpress_article, "generic": _generic_article}
DOCUMENT_READERS: dict[str, Callable[[bytes, DocumentPosting, Site], dict[str, Any]]] = {
    "nukeviet": _nukeviet_document, "generic": _generic_document}


def _read(kind: Kind, body: bytes, row: Article | DocumentPosting, site: Site
          ) -> dict[str, Any]:
    readers: Mapping[str, Callable[..., dict[str, Any]]] = (
        ARTICLE_READERS if kind == "article" else DOCUMENT_READERS)
    reader = readers.get(site.cms)
    if reader is None:
        raise ReparseError(f"no {kind} reader for CMS {site.cms!r} (site {site.id})")
    try:
        return _declared(kind, site.cms, reader(body, row, site))
    except ParseError as exc:
        noun = "an article" if kind == "article" else "a document"
        raise ReparseError(f"no longer parses as {noun}: {exc.what}") from None


def article_record(session: Session, article: Article, site: Site,
                   timezone: str = DEFAULT_TIMEZONE) -> dict[str, Any]:
    """The record today's reader of ``site``'s CMS makes of a stored article's raw page."""
    body = _raw_body(session, article.raw_sha256)
    parsed = _read("article", body, article, site)
    record: dict[str, Any] = {**parsed, **_provenance(article, "article")}
    record["attachments"] = merge_attachments(parsed.get("attachments") or [],
                                              article.attachments)
    _check_required(record)
    article_dates(record, timezone)
    if (record["published_at"] is None and article.published_at is not None
            and parse_vn_date(article.published_text, tz=timezone) is None):
        # The stored date came from the listing (``listed_text``), which is not
        # on the page and not stored: keep it rather than lose the date.
        record["published_at"] = article.published_at
        record["published_precision"] = article.published_precision
    article_references(record)
    return record


def document_record(session: Session, posting: DocumentPosting, site: Site,
                    timezone: str = DEFAULT_TIMEZONE) -> dict[str, Any]:
    """The record today's reader of ``site``'s CMS makes of a stored posting's raw page."""
    body = _raw_body(session, posting.raw_sha256)
    parsed = _read("document", body, posting, site)
    record: dict[str, Any] = {**parsed, **_provenance(posting, "document")}
    record["attachments"] = merge_attachments(parsed.get("attachments") or [],
                                              posting.attachments)
    # Counters move on every visit and the archived page is the oldest visit of
    # this content: the stored (latest) counters are the better values.
    record["views"], record["downloads"] = posting.views, posting.downloads
    _check_required(record)
    document_dates(record, timezone)
    document_code(record)
    return record


def _load(session: Session, kind: Kind, item_id: int) -> Article | DocumentPosting | None:
    if kind == "article":
        return session.scalars(
            select(Article).options(selectinload(Article.attachments))
            .where(Article.id == item_id)
        ).one_or_none()
    return session.scalars(
        select(DocumentPosting).options(selectinload(DocumentPosting.attachments))
        .where(DocumentPosting.id == item_id)
    ).one_or_none()


def reparse_one(session: Session, kind: Kind, item_id: int, sites: Mapping[str, Site],
                timezone: str = DEFAULT_TIMEZONE) -> tuple[str, ReparseFailure | None]:
    """Re-extract one stored item with its site's reader (``sites``: the registry by id);
    returns its status and, when it failed, why."""
    row = _load(session, kind, item_id)
    if row is None:  # deleted since the list was taken (a document merge, another writer)
        return "gone", None
    try:
        site = _site(sites, row.site)
        if isinstance(row, Article):
            record = article_record(session, row, site, timezone)
        else:
            record = document_record(session, row, site, timezone)
    except ReparseError as exc:
        return "failed", ReparseFailure(kind, row.site, row.url, str(exc))
    # write_batch runs the upsert in a savepoint: a record that cannot be stored
    # is rolled back alone.
    outcome = write_batch(session, [(kind, record)])[0]
    if outcome.error is not None:
        reason = f"not stored: {str(outcome.error).splitlines()[0]}"
        return "failed", ReparseFailure(kind, row.site, row.url, reason)
    assert outcome.status is not None
    return outcome.status, None


def reparse(
    sessions: sessionmaker[Session],
    *,
    site: str | None = None,
    kinds: Sequence[Kind] = KINDS,
    registry: Registry | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    batch_size: int = BATCH,
    on_start: Callable[[int], None] | None = None,
    on_item: Callable[[str], None] | None = None,
) -> ReparseReport:
    """Re-extract every stored item of ``kinds`` (of ``site``) from the raw archive.

    Each item is read by the reader of its site's CMS family in ``registry``
    (default: ``load_registry()``, as ``congdoan crawl``). One transaction per
    ``batch_size`` items. ``on_start(total)`` is called
    once the items are counted, ``on_item(status)`` after each one (progress).
    """
    if registry is None:
        registry = load_registry()
    sites = {entry.id: entry for entry in registry.sites}
    with sessions() as session:
        items = stored_items(session, site, kinds)
    if on_start is not None:
        on_start(len(items))
    report = ReparseReport()
    for start in range(0, len(items), batch_size):
        with sessions() as session, session.begin():
            for kind, item_id in items[start:start + batch_size]:
                status, failure = reparse_one(session, kind, item_id, sites, timezone)
                if status != "gone":
                    report.counts[status] += 1
                if failure is not None:
                    report.failures.append(failure)
                if on_item is not None:
                    on_item(status)
    return report
