"""Stories in the database: put each stored article in one, and read a story back.

``assign_story`` runs in the transaction that stores the article. It costs a
bounded count of each of the article's LSH band keys (``story_buckets``; keys
shared by more than ``HOT_KEY`` articles are boilerplate and left out), one read
of the candidates' signatures, and a handful of inserts: never a pass over the
corpus. A candidate joins when the estimated overlap of the two texts reaches
``MATCH_OVERLAP``; when the article matches members of several stories (the
national original arriving after two differently cut reposts), those stories
become one, so the outcome does not depend on the order of the crawl.

Who posted first and how the story spread are read from the members' articles
(``story_view``), never stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from congdoan.storage.dialect import insert_ignore, upsert
from congdoan.storage.models import Article, Site, Story, StoryBucket, StoryMember
from congdoan.stories.signature import BANDS, Signature, signature, title_overlap

# Overlap (share of the shorter text found in the longer, estimated) from which two
# articles are the same news; tuned on the simulator's reposts and near-namesakes
# (docs/stories.md has the curve).
MATCH_OVERLAP = 0.5
# ... and their titles share this much (the shorter title's words): real portals repeat
# filler paragraphs under different news (tests/fixtures/stories/real_pairs.json).
MATCH_TITLE = 0.5
# ... and a story is joined (or merged into another) only when the article is the same
# news as at least this share of its members. Any one match used to be enough, so every
# chance match between two stories' members made them one: templated reports of
# different events ("Công đoàn cơ sở <X> tổ chức ngày hội gia đình công nhân", "<X> chăm
# lo Tết cho đoàn viên") chained 331 of a simulated country's 3,060 articles into one
# story. A repost matches nearly all of its story's postings (each holds the same text).
MATCH_MEMBERS = 0.25
# At most this many candidates are verified, those sharing the most band keys first.
MAX_CANDIDATES = 500
# A band key shared by more articles than this is boilerplate (a template's sentence,
# a portal's standing paragraph), not news, and is left out of the search. Its rows
# grow with the archive: at 90,000 articles of the simulated country every new
# article's 37 keys named ~10,000 rows (one key 1,774), so the search read ~4,000
# distinct articles to keep 500 (docs/stories.md). Counting a key stops at this many
# plus one, so the search is bounded whatever the archive's size. A story's own keys
# are shared by its postings: a story is found whole up to this many postings (the
# nation has ~100 portals).
HOT_KEY = 100
_INSERT_STORY = insert(Story.__table__)  # type: ignore[arg-type]
# Built once, values bound per article (building them cost as much as running them).
_DELETE_BUCKETS = delete(StoryBucket).where(StoryBucket.article_id == bindparam("article_id"))
# The candidates are found once (MATERIALIZED), then joined: as an IN subquery, a
# PostgreSQL planner whose statistics lag behind a crawl (tables analysed while small)
# ran the band-key search again for every story member: 0.7 s an article at 600.
# One bound value per band, not an expanding IN: an expanding list is rendered into
# the cached SQL again at every execution (0.1 ms an article); an article has at most
# ``BANDS`` keys and fewer are padded with a repeat, which IN ignores.
_KEY_NAMES = tuple(f"key{band}" for band in range(BANDS))
# The candidates sharing the most band keys first (a repost shares most of them, a
# chance match one or two), the newest among equals.
_CANDIDATES = (select(StoryBucket.article_id)
               .where(StoryBucket.bucket.in_([bindparam(name) for name in _KEY_NAMES]),
                      StoryBucket.article_id != bindparam("article_id"))
               .group_by(StoryBucket.article_id)
               .order_by(func.count().desc(), StoryBucket.article_id.desc())
               .limit(MAX_CANDIDATES).cte("candidates")
               .prefix_with("MATERIALIZED"))
# Each key's load, counted up to HOT_KEY + 1 (an index range of at most that many rows).
_KEY_LOADS = select(*(
    select(func.count()).select_from(
        select(StoryBucket.article_id).where(StoryBucket.bucket == bindparam(name))
        .limit(HOT_KEY + 1).subquery()).scalar_subquery()
    for name in _KEY_NAMES))
_CANDIDATE_ROWS = (
    select(StoryMember.story_id, StoryMember.signature, StoryMember.shingles, Article.title)
    .select_from(_CANDIDATES)
    .join(StoryMember, StoryMember.article_id == _CANDIDATES.c.article_id)
    .join(Article, Article.id == StoryMember.article_id)
    .where(StoryMember.signature.is_not(None)))
# A record may carry its article's signature computed already (``SIGNATURE_KEY``: a
# ``Signature``, ``None`` or a future of one): the store pipeline computes it in its
# packing thread, off the reactor thread, from the record's final title and body.
SIGNATURE_KEY = "_story_signature"
_UNKNOWN: Any = object()


def record_signature(record: Mapping[str, Any]) -> Signature | None:
    """The signature of a stored record's title and body: carried along, else computed."""
    carried = record.get(SIGNATURE_KEY, _UNKNOWN)
    if isinstance(carried, Future):
        carried = carried.result()
    if carried is _UNKNOWN:
        return signature(record.get("title"), record.get("body_text"))
    return carried  # type: ignore[no-any-return]


def assign_story(session: Session, article_id: int, title: str | None, body: str | None,
                 *, new: bool = False, sig: Signature | None = _UNKNOWN) -> int:
    """Put article ``article_id`` in its story (found or new); return the story id.

    ``new``: the article was just inserted, so it has no story to leave: nothing is
    looked up or deleted first (the crawl's hot path). Its rows are still written as
    upserts: a new article's id may be a deleted one's (SQLite reuses the highest
    rowid), whose story rows survive a deletion made without foreign keys on (the
    sqlite3 shell's default). The member row is then overwritten; band keys the two
    share are kept once, the old one's others only add candidates, which are verified
    by signature anyway; a story the old article was alone in is left without members,
    which nothing reads (stories are reached through their members).
    ``sig``: the signature of ``title`` and ``body`` when the caller has it already.
    """
    if sig is _UNKNOWN:
        sig = signature(title, body)
    if not new:
        kept = _keep_if_same(session, article_id, sig)
        if kept is not None:
            return kept
        leave_story(session, article_id)
    keys = list(dict.fromkeys(sig.bands())) if sig is not None else []
    matches = _matches(session, article_id, title, sig, keys) if sig is not None else []
    matches = _joinable(session, matches)
    if matches:
        story_id, similarity = _join(session, matches)
    else:
        story_id, similarity = _found(session), None
    # Core statements: rows written once and never read back in this session.
    upsert(session, StoryMember.__table__, {  # type: ignore[arg-type]
        "article_id": article_id, "story_id": story_id,
        "signature": sig.to_bytes() if sig is not None else None,
        "shingles": sig.shingles if sig is not None else 0, "similarity": similarity})
    if keys:
        insert_ignore(session, StoryBucket.__table__,  # type: ignore[arg-type]
                      [{"bucket": key, "article_id": article_id} for key in keys])
    return story_id


def ensure_story(session: Session, article: Article) -> None:
    """Give a stored article its story if it has none (stored before stories existed)."""
    if session.get(StoryMember, article.id) is None:
        assign_story(session, article.id, article.title, article.body_text, new=True)


def _keep_if_same(session: Session, article_id: int, sig: Signature | None) -> int | None:
    """The article's story when its signature did not change (tags edited, a re-parse)."""
    member = session.get(StoryMember, article_id)
    if member is None:
        return None
    same = (member.signature is None and sig is None) or (
        sig is not None and member.signature == sig.to_bytes())
    return member.story_id if same else None


def leave_story(session: Session, article_id: int) -> None:
    """Take the article out of its story (and drop the story if nobody is left)."""
    member = session.get(StoryMember, article_id)
    session.execute(_DELETE_BUCKETS, {"article_id": article_id})
    if member is None:
        return
    story_id = member.story_id
    session.delete(member)
    session.flush()
    if not session.scalar(select(func.count()).where(StoryMember.story_id == story_id)):
        session.execute(delete(Story).where(Story.id == story_id))


def _matches(session: Session, article_id: int, title: str | None, sig: Signature,
             keys: list[int]) -> list[tuple[float, int]]:
    """(overlap, story id) of every candidate that is the same news, best first.

    Two statements: how many articles share each band key (counted up to ``HOT_KEY``
    + 1), then the articles of the keys that are not boilerplate (index probes on
    ``story_buckets``) with their signatures and titles by primary key.
    """
    connection = session.connection()
    loads = connection.execute(_KEY_LOADS, _bound(keys)).one()
    keys = [key for key, load in zip(keys, loads, strict=False) if load <= HOT_KEY]
    if not keys:
        return []
    rows = connection.execute(_CANDIDATE_ROWS, {**_bound(keys), "article_id": article_id}).all()
    # Every candidate's overlap in one numpy comparison; the titles only of those close enough.
    overlaps = sig.overlaps(b"".join(row[1] for row in rows), [row[2] for row in rows])
    found = []
    for (story_id, _data, _count, other_title), overlap in zip(rows, overlaps, strict=True):
        if overlap >= MATCH_OVERLAP and title_overlap(title, other_title) >= MATCH_TITLE:
            found.append((overlap, story_id))
    return sorted(found, reverse=True)


def _bound(keys: list[int]) -> dict[str, int]:
    """One value for each of the ``BANDS`` key parameters: ``keys``, padded with a repeat
    of the first (IN ignores it; a count of it is never read)."""
    padded = keys + keys[:1] * (BANDS - len(keys))
    return dict(zip(_KEY_NAMES, padded, strict=True))


_SIGNED_MEMBERS = (select(StoryMember.story_id, func.count())
                   .where(StoryMember.story_id.in_(bindparam("ids", expanding=True)),
                          StoryMember.signature.is_not(None))
                   .group_by(StoryMember.story_id))


def _joinable(session: Session, matches: list[tuple[float, int]]) -> list[tuple[float, int]]:
    """The ``matches`` in stories the article matches ``MATCH_MEMBERS`` of (members that
    can match: those with a signature), best first."""
    if not matches:
        return []
    matched: dict[int, int] = {}
    for _, story_id in matches:
        matched[story_id] = matched.get(story_id, 0) + 1
    sizes = dict(session.connection().execute(_SIGNED_MEMBERS, {"ids": list(matched)}).all())
    kept = {story_id for story_id, count in matched.items()
            if count >= MATCH_MEMBERS * sizes.get(story_id, count)}
    return [match for match in matches if match[1] in kept]


def _join(session: Session, matches: list[tuple[float, int]]) -> tuple[int, float]:
    """The story of the best match, with every other matched story merged into it."""
    best, story_id = matches[0]
    others = {s for _, s in matches} - {story_id}
    if others:
        session.execute(update(StoryMember).where(StoryMember.story_id.in_(others))
                        .values(story_id=story_id).execution_options(synchronize_session=False))
        session.execute(delete(Story).where(Story.id.in_(others)))
        session.expire_all()  # members moved under the session's feet
    return story_id, best


def _found(session: Session) -> int:
    result = session.connection().execute(_INSERT_STORY, {"created_at": datetime.now(UTC)})
    return int(result.inserted_primary_key[0])  # type: ignore[index]


# --- reading -------------------------------------------------------------------------


def stories_of(session: Session, article_ids: Iterable[int]) -> dict[int, int]:
    """The story id of each of ``article_ids`` that has one."""
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return {}
    rows = session.execute(select(StoryMember.article_id, StoryMember.story_id)
                           .where(StoryMember.article_id.in_(ids)))
    return {article_id: story_id for article_id, story_id in rows}


def story_sizes(session: Session, story_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """(postings, portals) of each story."""
    ids = list(dict.fromkeys(story_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(StoryMember.story_id, func.count(), func.count(Article.site.distinct()))
        .join(Article, Article.id == StoryMember.article_id)
        .where(StoryMember.story_id.in_(ids)).group_by(StoryMember.story_id))
    return {story_id: (postings, portals) for story_id, postings, portals in rows}


def _when() -> Any:
    return func.coalesce(Article.published_at, Article.first_seen_at)


def postings(session: Session, story_id: int, limit: int | None = None, offset: int = 0
             ) -> list[dict[str, Any]]:
    """A story's articles (``limit`` of them from ``offset``), first posted first: id, site,
    site name, title, url, when, similarity."""
    when = _when()
    rows = session.execute(
        select(Article.id, Article.site, Site.name, Article.title, Article.canonical_url,
               when.label("when"), StoryMember.similarity)
        .join(StoryMember, StoryMember.article_id == Article.id)
        .join(Site, Site.id == Article.site)
        .where(StoryMember.story_id == story_id).order_by(when, Article.id)
        .limit(limit).offset(offset or None))
    return [{"id": r.id, "site": r.site, "site_name": r.name, "title": r.title,
             "url": r.canonical_url, "when": r.when, "similarity": r.similarity}
            for r in rows]


def spread(session: Session, story_id: int) -> list[dict[str, Any]]:
    """How a story reached portals: each portal's first posting time, in time, with the
    running count of portals (``portals``) and the time since the story's first (``after``).

    One grouped read: a story of thousands of postings spreads over at most as many
    portals as there are.
    """
    first = func.min(_when()).label("when")
    rows = session.execute(
        select(Article.site, Site.name, first)
        .join(StoryMember, StoryMember.article_id == Article.id)
        .join(Site, Site.id == Article.site)
        .where(StoryMember.story_id == story_id)
        .group_by(Article.site, Site.name).order_by(first, Article.site)).all()
    return [{"site": r.site, "site_name": r.name, "when": r.when, "portals": n,
             "after": r.when - rows[0].when} for n, r in enumerate(rows, start=1)]


# The story page lists a story's postings this many at a time.
STORY_PAGE = 100


def story_view(session: Session, story_id: int, page: int = 1) -> dict[str, Any] | None:
    """A story: its first poster, its spread over portals and time, how many postings
    (``count``) and portals it has, and page ``page`` of its postings (``STORY_PAGE`` a page)."""
    first = postings(session, story_id, limit=1)
    if not first:
        return None
    count, portals = story_sizes(session, [story_id])[story_id]
    pages = max(1, -(-count // STORY_PAGE))
    page = min(max(1, page), pages)
    offset = (page - 1) * STORY_PAGE
    items = postings(session, story_id, limit=STORY_PAGE, offset=offset)
    return {"id": story_id, "title": first[0]["title"], "first": first[0], "postings": items,
            "count": count, "portals": portals, "page": page, "pages": pages, "offset": offset,
            "spread": spread(session, story_id)}


# An article page names at most this many other postings of its story, then links to the
# story's page: a story of thousands of near-copies (the bench's 128,000-item country has
# one of 2,931) made its article pages 630 kB and 200-350 ms to render.
ALSO_POSTED_SHOWN = 20


def also_posted(session: Session, article_id: int) -> dict[str, Any] | None:
    """The story of an article when other postings share it: its id, the first
    ``ALSO_POSTED_SHOWN`` other postings (``others``) and how many there are (``count``)."""
    story_id = stories_of(session, [article_id]).get(article_id)
    if story_id is None:
        return None
    items = postings(session, story_id, limit=ALSO_POSTED_SHOWN + 1)
    others = [i for i in items if i["id"] != article_id][:ALSO_POSTED_SHOWN]
    if not others:
        return None
    members, portals = story_sizes(session, [story_id])[story_id]
    return {"story_id": story_id, "others": others, "count": members - 1,
            "first": items[0], "portals": portals}
