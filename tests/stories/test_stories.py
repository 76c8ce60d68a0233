"""Stories across portals: the simulator's national news and its provincial reposts crawled over
real HTTP into SQLite and PostgreSQL and clustered at store time; then the store's behaviour
(a lookup per article, merges in any order, changes) through the real store code."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from congdoan.sim.server import SimServer
from congdoan.sim.stories import NATIONAL, StoryScenario
from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.models import Article, Story, StoryBucket, StoryMember
from congdoan.storage.store import write_batch
from congdoan.storage.stories import also_posted, story_view
from congdoan.stories.evaluate import pair_scores
from tests.crawling import FAST, run_congdoan
from tests.statements import recorded

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


def _db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"
    return request.getfixturevalue("pg_schemas").new_url()


def _stories(url: str) -> dict[tuple[str, int], int]:
    engine = make_engine(url, migrate=False)
    try:
        with session_factory(engine)() as session:
            rows = session.execute(
                select(Article.site, Article.source_id, StoryMember.story_id)
                .join(StoryMember, StoryMember.article_id == Article.id)).all()
        return {(site, source_id): story for site, source_id, story in rows}
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_crawled_reposts_form_stories(backend: str, tmp_path: Path,
                                      request: pytest.FixtureRequest) -> None:
    scenario = StoryScenario(seed=3, national=12, provinces=4, own_per_province=5,
                             shared_titles=2)
    url = _db_url(backend, tmp_path, request)
    with SimServer(scenario.portals()) as server:
        registry = tmp_path / "sites.toml"
        registry.write_text(server.registry_toml(), encoding="utf-8")
        result = run_congdoan("crawl", "--all", "--registry", str(registry), "--db", url,
                              *FAST, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    predicted = _stories(url)
    truth = scenario.truth()
    assert set(predicted) == set(truth), "every stored article is in a story"
    scores = pair_scores(predicted, truth)
    assert scores.true_pairs > 20  # reposts were served and crawled
    assert scores.precision >= 0.95, scores
    assert scores.recall >= 0.95, scores
    # The unrelated namesakes ("Hội nghị tổng kết công tác công đoàn năm 2024") stay apart.
    shared = [key for key, story in truth.items() if "-shared-" in story]
    assert len({predicted[key] for key in shared}) == len(shared)

    engine = make_engine(url, migrate=False)
    try:
        with session_factory(engine)() as session:
            national = predicted[(NATIONAL, 1)]
            view = story_view(session, national)
            assert view is not None
            assert view["first"]["site"] == NATIONAL  # the national portal posted first
            assert [s["portals"] for s in view["spread"]] == list(
                range(1, view["portals"] + 1))
            repost = next(p for p in view["postings"] if p["site"] != NATIONAL)
            also = also_posted(session, repost["id"])
            assert also is not None and NATIONAL in {o["site"] for o in also["others"]}
    finally:
        engine.dispose()


# --- the store, without HTTP ------------------------------------------------------------


def _store(sessions: Any, records: list[dict[str, Any]]) -> None:
    with sessions.begin() as session:
        outcomes = write_batch(session, [("article", r) for r in records])
        assert all(o.error is None for o in outcomes), outcomes


def test_a_new_article_costs_a_lookup_not_a_pass(tmp_path: Path) -> None:
    """The statements that store one more article do not grow with the corpus."""
    scenario = StoryScenario(seed=5, national=30, provinces=5, own_per_province=10)
    records = scenario.records()
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    sessions = session_factory(engine)
    counts = []
    for stored in (10, len(records) - 1):
        _store(sessions, records[len(counts) * 10:stored])
        with recorded(engine) as statements:
            _store(sessions, [records[stored]] if stored < len(records) else [])
        counts.append(sum("story_" in s for s in statements))
        assert not any("FROM story_members" in s and "WHERE" not in s for s in statements)
    assert counts[0] == counts[1] or counts[1] <= counts[0] + 2  # merges add two at most
    engine.dispose()


def test_stories_merge_whatever_the_order_and_follow_changes(tmp_path: Path) -> None:
    scenario = StoryScenario(seed=7, national=6, provinces=6, own_per_province=2,
                             repost_rate=0.9, shared_titles=1)
    records = scenario.records()
    truth = scenario.truth()
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    sessions = session_factory(engine)
    # Reposts first, the national originals last: stories found separately must merge.
    _store(sessions, [r for r in records if r["site"] != NATIONAL])
    _store(sessions, [r for r in records if r["site"] == NATIONAL])
    with sessions() as session:
        rows = session.execute(select(Article.site, Article.source_id, StoryMember.story_id)
                               .join(StoryMember, StoryMember.article_id == Article.id)).all()
        predicted = {(a, b): c for a, b, c in rows}
        assert pair_scores(predicted, truth).f1 >= 0.95
        stories_before = session.scalar(select(Story.id.label("n")).order_by(Story.id.desc()))
        assert stories_before is not None

    # An original rewritten into other news leaves its story; storing it again changes nothing.
    original = next(r for r in records if r["site"] == NATIONAL)
    key = (NATIONAL, original["source_id"])
    other = next(r for r in records if truth[(r["site"], r["source_id"])].endswith("-own-0"))
    changed = {**original, "title": other["title"] + " (bản khác)",
               "body_text": other["body_text"].replace("tỉnh", "thành phố"),
               "fetched_at": datetime.now(UTC).isoformat()}
    for _ in range(2):
        _store(sessions, [changed])
    with sessions() as session:
        article_id = session.scalar(select(Article.id).where(
            Article.site == NATIONAL, Article.source_id == original["source_id"]))
        member = session.get(StoryMember, article_id)
        assert member is not None and member.story_id != predicted[key]
        assert session.scalar(select(StoryBucket.article_id).where(
            StoryBucket.article_id == article_id)) == article_id
        # The reposts it left still form their story.
        left = [k for k, s in truth.items() if s == truth[key] and k != key]
        assert len({predicted[k] for k in left}) == 1
    engine.dispose()


def test_pair_scores() -> None:
    truth = {"a": 1, "b": 1, "c": 1, "d": 2}
    scores = pair_scores({"a": 9, "b": 9, "c": 8, "d": 9}, truth)
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (3, 3, 1)
    assert scores.precision == pytest.approx(1 / 3) and scores.recall == pytest.approx(1 / 3)
    assert pair_scores({}, {}).f1 == 1.0


def test_export_carries_story_id_and_drops_duplicates(tmp_path: Path) -> None:
    import json

    scenario = StoryScenario(seed=9, national=8, provinces=3, own_per_province=3,
                             repost_rate=0.7)
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    engine = make_engine(url)
    _store(session_factory(engine), scenario.records())
    engine.dispose()
    every, firsts = tmp_path / "all.jsonl", tmp_path / "first.jsonl"
    for path, flag in ((every, "--duplicates"), (firsts, "--drop-duplicates")):
        result = run_congdoan("export", "--kind", "article", flag, "-o", str(path), "--db", url,
                              cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in every.read_text(encoding="utf-8").splitlines()]
    kept = [json.loads(line) for line in firsts.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(scenario.postings) and all(r["story_id"] for r in rows)
    assert sorted(r["story_id"] for r in kept) == sorted({r["story_id"] for r in rows})
    national = {r["story_id"] for r in rows if r["site"] == NATIONAL}
    assert all(r["site"] == NATIONAL for r in kept if r["story_id"] in national)
    result = run_congdoan("export", "--package", str(tmp_path / "pkg"), "--drop-duplicates",
                          "--db", url, cwd=tmp_path)
    assert result.returncode == 2 and "--drop-duplicates" in result.stderr


# --- real captures, judged by reading ----------------------------------------------------

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _real_record(item: dict[str, Any]) -> dict[str, Any]:
    """A judged item read by today's parser from its real capture."""
    from congdoan.parsers.nukeviet import parse_article
    from congdoan.parsers.wordpress_html import parse_wp_article
    from tests.wordpress_replay import CAPTURES, load_capture

    if item["capture"] == "nukeviet-real":
        body = (FIXTURES / "nukeviet-real" / item["file"]).read_bytes()
        parsed = parse_article(body, item["url"])
        site = "nv-" + item["file"].split("/")[0]
    else:
        variant = item["capture"].split("/")[1]
        parsed = parse_wp_article(_capture(variant, load_capture, CAPTURES)
                                  .response(item["url"]).body, item["url"])
        site = "wp-" + variant
    return {**parsed, "site": site, "url": item["url"], "canonical_url": item["url"],
            "fetched_at": datetime.now(UTC).isoformat(), "references": []}


_CAPTURES: dict[str, Any] = {}


def _capture(variant: str, load: Any, root: Path) -> Any:
    if variant not in _CAPTURES:
        _CAPTURES[variant] = load(root / variant)
    return _CAPTURES[variant]


def test_judged_real_captures(tmp_path: Path) -> None:
    import json

    judged = json.loads((FIXTURES / "stories" / "real_pairs.json").read_text(encoding="utf-8"))
    records = [_real_record(item) for item in judged["items"]]
    truth = {(r["site"], r["url"]): item["story"] for r, item in zip(records, judged["items"],
                                                                     strict=True)}
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    _store(session_factory(engine), records)
    with session_factory(engine)() as session:
        rows = session.execute(select(Article.site, Article.canonical_url, StoryMember.story_id)
                               .join(StoryMember, StoryMember.article_id == Article.id)).all()
    engine.dispose()
    predicted = {(site, url): story for site, url, story in rows}
    assert set(predicted) == set(truth)
    scores = pair_scores(predicted, truth)
    assert scores.true_pairs == 16  # 15 posts on two themes, one article on two URL styles
    assert scores.precision >= 0.95, scores
    assert scores.recall >= 0.95, scores


def test_candidates_are_found_from_fewer_keys_than_bands(tmp_path: Path) -> None:
    """The candidate lookup binds one value per band: fewer keys are padded, never lost."""
    from congdoan.storage.stories import _matches
    from congdoan.stories.signature import BANDS, signature

    record = StoryScenario(seed=5, national=30, provinces=5, own_per_province=10).records()[0]
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    sessions = session_factory(engine)
    _store(sessions, [record])
    sig = signature(record["title"], record.get("body_text"))
    assert sig is not None
    keys = list(dict.fromkeys(sig.bands()))
    with sessions() as session:
        story_id = session.scalar(select(StoryMember.story_id))
        for some in (keys, keys[:1], keys[-3:]):
            assert len(some) <= BANDS
            # Another article (id -1) with the same text finds the stored one's story.
            assert [s for _, s in _matches(session, -1, record["title"], sig, some)] == [story_id]
        assert _matches(session, -1, record["title"], sig, [12345]) == []
    engine.dispose()


def _largest_story(tmp_path: Path) -> tuple[str, Any, int]:
    """The reposts scenario stored in SQLite: its URL, engine and largest story's id."""
    scenario = StoryScenario(seed=7, national=6, provinces=6, own_per_province=2,
                             repost_rate=0.9, shared_titles=1)
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    engine = make_engine(url)
    _store(session_factory(engine), scenario.records())
    with session_factory(engine)() as session:
        story_id = session.scalar(select(StoryMember.story_id).group_by(StoryMember.story_id)
                                  .order_by(func.count().desc()).limit(1))
    return url, engine, story_id


def test_an_article_page_names_a_few_postings_and_links_to_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A story of thousands of near-copies must not make each of its article pages list
    them all: a few are named, the count of the rest links to the story's page."""
    from fastapi.testclient import TestClient

    from congdoan.storage import stories
    from congdoan.web.app import create_app

    url, engine, story_id = _largest_story(tmp_path)
    with session_factory(engine)() as session:
        members = session.scalars(select(StoryMember.article_id).where(
            StoryMember.story_id == story_id)).all()
        assert len(members) >= 4  # a story reposted by several portals
        everyone = also_posted(session, members[0])
        monkeypatch.setattr(stories, "ALSO_POSTED_SHOWN", 2)
        few = also_posted(session, members[0])
    engine.dispose()
    assert everyone is not None and few is not None
    assert everyone["count"] == len(everyone["others"]) == len(members) - 1
    assert few["count"] == len(members) - 1 and few["others"] == everyone["others"][:2]
    with TestClient(create_app(url)) as client:
        page = client.get(f"/articles/{members[0]}").text
    assert page.count('<li><a href="/articles/') == 2
    assert 'id="also-posted-more"' in page and f"và {len(members) - 3} bài khác" in page
    assert f'<a href="/stories/{story_id}">xem tất cả</a>' in page


_WORDS = ("lao động công nhân đoàn viên tổ chức hội nghị sản xuất an toàn vệ sinh phúc lợi "
          "tiền lương bảo hiểm xã hội nhà máy khu công nghiệp thỏa ước tập thể đối thoại "
          "định kỳ chăm lo đời sống tinh thần văn hóa thể thao khen thưởng thi đua nữ công "
          "gia đình trẻ em học bổng mái ấm tặng quà hỗ trợ khó khăn")
_SYLLABLES = _WORDS.split()
_ORGS = ("Giày Thái Bình", "May Sông Hồng", "Xi măng Hà Tiên", "Cao su Phú Riềng",
         "Điện lực Bắc Ninh", "Bia Sài Gòn", "Thép Hòa Phát", "Dệt Nam Định",
         "Sữa Vinamilk", "Than Hà Lầm", "Giấy Bãi Bằng", "Cảng Hải Phòng")


def test_templated_reports_that_each_match_a_neighbour_do_not_chain_into_one_story(
        tmp_path: Path) -> None:
    """Twelve reports of twelve unions' events, each sharing two of its three paragraphs
    with the next (a template) and none with the third after it: any one match used to
    be enough to join a story, so the twelve became one story; a story is joined only
    when the article matches a share of its members (``MATCH_MEMBERS``)."""
    import random

    blocks = [" ".join(random.Random(n).choices(_SYLLABLES, k=40)) + "." for n in range(14)]
    records = [{
        "site": "sim1", "canonical_url": f"http://sim1.test/tin/{n}", "source_id": n + 1,
        "title": f"Công đoàn cơ sở Công ty {org} tổ chức ngày hội gia đình công nhân",
        "url": f"http://sim1.test/tin/{n}", "body_text": " ".join(blocks[n:n + 3]),
        "images": [], "attachments": [], "tags": [], "references": [],
        "published_at": f"2026-03-{n + 1:02d}T08:00:00+07:00",
        "fetched_at": "2026-11-01T03:00:00+00:00"} for n, org in enumerate(_ORGS)]
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    sessions = session_factory(engine)
    for record in records:  # one at a time, as a slow portal's pages arrive
        _store(sessions, [record])
    with sessions() as session:
        sizes = session.scalars(select(func.count()).select_from(StoryMember)
                                .group_by(StoryMember.story_id)).all()
        joined = session.scalar(select(func.count()).where(StoryMember.similarity.is_not(None)))
    engine.dispose()
    assert sum(sizes) == len(records)
    assert joined and max(sizes) > 1  # neighbours still match: the template is there
    assert max(sizes) <= len(records) // 2


def test_a_story_page_lists_its_postings_a_page_at_a_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A story's page reads one page of postings (``STORY_PAGE``), counts the rest, and
    its spread (each portal's first posting) from one grouped read of the whole story."""
    from fastapi.testclient import TestClient

    from congdoan.storage import stories
    from congdoan.web.app import create_app

    url, engine, story_id = _largest_story(tmp_path)
    with session_factory(engine)() as session:
        whole = story_view(session, story_id)
        monkeypatch.setattr(stories, "STORY_PAGE", 2)
        pages = [story_view(session, story_id, page) for page in (1, 2, 99)]
    engine.dispose()
    assert whole is not None and all(p is not None for p in pages)
    count = whole["count"]
    assert count == len(whole["postings"]) >= 4
    assert [p["id"] for p in pages[0]["postings"] + pages[1]["postings"]] == [
        p["id"] for p in whole["postings"][:4]]
    assert pages[2]["page"] == pages[2]["pages"] == -(-count // 2)  # past the end: the last
    # The spread is the whole story's on every page: each portal once, at its first posting.
    first_by_site: dict[str, Any] = {}
    for posting in whole["postings"]:
        first_by_site.setdefault(posting["site"], posting["when"])
    assert [(s["site"], s["when"]) for s in pages[1]["spread"]] == list(first_by_site.items())
    assert pages[1]["portals"] == len(first_by_site) == pages[1]["spread"][-1]["portals"]
    with TestClient(create_app(url)) as client:
        second = client.get(f"/stories/{story_id}?page=2")
        chart = client.get(f"/charts/stories/{story_id}.svg")
        missing = client.get("/stories/999999")
    assert second.status_code == 200
    assert second.text.count('<td><a href="/articles/') == 2
    assert f"{count} bài đăng" in second.text and 'id="story-pages"' in second.text
    assert f'href="/stories/{story_id}?page=1" rel="prev"' in second.text
    assert chart.status_code == 200 and f"{len(first_by_site)} cổng đăng tin này" in chart.text
    assert missing.status_code == 404


def test_a_repost_finds_its_original_past_a_boilerplate_key_shared_by_hundreds(
        tmp_path: Path) -> None:
    """At 90,000 articles of the simulated country a new article's band keys named
    ~10,000 rows; the search kept the first 500 distinct articles (the oldest), so the
    original of a repost was often not among them and the repost began a story of its
    own. A key shared by more than ``HOT_KEY`` articles is boilerplate: left out."""
    from congdoan.storage.stories import HOT_KEY, MAX_CANDIDATES
    from congdoan.stories.signature import signature

    scenario = StoryScenario(seed=11, national=2, provinces=3, own_per_province=0,
                             repost_rate=1.0)
    records = scenario.records()
    original = next(r for r in records if r["site"] == NATIONAL)
    truth = scenario.truth()
    story = truth[(NATIONAL, original["source_id"])]
    repost = next(r for r in records if r["site"] != NATIONAL
                  and truth[(r["site"], r["source_id"])] == story)
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    sessions = session_factory(engine)
    # Older articles of other news, stored first (lower ids than the original).
    crowd = MAX_CANDIDATES + 20
    assert crowd > HOT_KEY
    _store(sessions, [{**original, "source_id": 10_000 + n,
                       "canonical_url": f"http://crowd.test/{n}", "url": f"http://crowd.test/{n}",
                       "title": f"Tin số {n} của tỉnh", "body_text": f"Bản tin {n}. " * 40}
                      for n in range(crowd)])
    _store(sessions, [original])
    original_keys = signature(original["title"], original["body_text"]).bands()
    repost_keys = signature(repost["title"], repost["body_text"]).bands()
    shared = [k for k in dict.fromkeys(original_keys) if k in repost_keys]
    assert len(shared) > 4
    with sessions.begin() as session:
        crowd_ids = session.scalars(select(Article.id).where(
            Article.canonical_url.like("http://crowd.test/%"))).all()
        # The boilerplate: every shared key but four is also the crowd's.
        session.execute(StoryBucket.__table__.insert(), [
            {"bucket": key, "article_id": article_id}
            for key in shared[4:] for article_id in crowd_ids])
    _store(sessions, [repost])
    with sessions() as session:
        stories = session.execute(
            select(Article.site, StoryMember.story_id)
            .join(StoryMember, StoryMember.article_id == Article.id)
            .where(Article.canonical_url.in_([original["canonical_url"],
                                              repost["canonical_url"]]))).all()
    assert len(stories) == 2 and len({s for _, s in stories}) == 1, stories
    engine.dispose()
