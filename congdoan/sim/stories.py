"""A national portal whose news the provinces repost, edited, with the truth of which is which.

``StoryScenario`` builds the articles of a national portal (``tld``) and of
``provinces`` provincial portals (``tinh1`` …). Each national item is reposted
by some provinces, a few days later, the way editors do it: a prefix or suffix
on the title, a lead of their own, a source line, a body cut short, "đồng chí"
shortened to "đ/c". Provinces also post their own news, some of it under the
very title another province uses for an unrelated event ("Hội nghị tổng kết
công tác công đoàn năm 2024"). ``truth()`` says which postings carry one story.

Same parameters -> same content, byte for byte. ``portals()`` gives ready
``Portal`` objects (NukeViet markup, as any other simulated portal) for
``SimServer``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from congdoan.sim import newsvocab as v
from congdoan.sim.content import (
    CATEGORY_BY_ALIAS,
    IMPORT_TIME,
    VN_TZ,
    Article,
    Block,
    ContentModel,
)
from congdoan.sim.nvtext import news_alias
from congdoan.sim.site import Portal
from congdoan.sim.spec import PortalSpec
from congdoan.sim.truth import article_truth

NATIONAL = "tld"
_START = datetime(2024, 1, 8, 8, 0, tzinfo=VN_TZ)
_NEWS = CATEGORY_BY_ALIAS["tin-tuc-su-kien"]
_OWN = CATEGORY_BY_ALIAS["hoat-dong-cong-doan"]


@dataclass(frozen=True)
class Posting:
    """One article of the scenario: where, its id there, and the story it belongs to."""

    site: str
    article: Article
    story: str


@dataclass
class StoryScenario:
    """National news reposted by provinces, plus the provinces' own news."""

    seed: int = 1
    national: int = 20
    provinces: int = 4
    own_per_province: int = 8
    repost_rate: float = 0.5
    shared_titles: int = 3  # pairs of unrelated items under one title
    postings: list[Posting] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        rng = random.Random(f"stories|{self.seed}")
        self._next_id: dict[str, int] = {}
        provinces = self.province_ids()
        names = dict(zip(provinces, rng.sample(v.PROVINCES, len(provinces)), strict=True))
        for n in range(self.national):
            when = _START + timedelta(days=n * 600 // max(1, self.national),
                                      minutes=rng.randrange(600))
            original = self._national_item(rng, n, when)
            story = f"national-{n}"
            self._add(NATIONAL, original, story)
            for site in provinces:
                if rng.random() < self.repost_rate:
                    delay = timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 5, 8)),
                                      minutes=rng.randrange(60, 900))
                    self._add(site, self._repost(rng, original, names[site], when + delay),
                              story)
        for site in provinces:
            for n in range(self.own_per_province):
                when = _START + timedelta(days=rng.randrange(600), minutes=rng.randrange(900))
                self._add(site, self._own_item(rng, names[site], when), f"{site}-own-{n}")
        for n in range(self.shared_titles):
            year = 2024 + n % 2
            first, second = rng.sample(provinces, 2)
            for site in (first, second):
                when = datetime(year, 12, rng.randint(10, 28), 9, tzinfo=VN_TZ)
                title = v.SHARED_TITLE.format(y=year)
                self._add(site, self._own_item(rng, names[site], when, title=title),
                          f"{site}-shared-{n}")

    def province_ids(self) -> list[str]:
        """The provinces' site ids: tinh1, tinh2, …"""
        return [f"tinh{i + 1}" for i in range(self.provinces)]

    def site_ids(self) -> list[str]:
        """Every portal of the scenario, the national one first."""
        return [NATIONAL, *self.province_ids()]

    def truth(self) -> dict[tuple[str, int], str]:
        """The story of every posting, by (site, article id on that portal)."""
        return {(p.site, p.article.id): p.story for p in self.postings}

    def articles(self, site: str) -> list[Article]:
        """The articles portal ``site`` publishes."""
        return [p.article for p in self.postings if p.site == site]

    def records(self) -> list[dict[str, Any]]:
        """Every posting as the crawl's pipelines hand it to the store, read from the truth
        (portals at ``http://SITE.test``): for storing the scenario without serving it."""
        portals = {p.spec.site_id: p for p in self.portals()}
        for site, portal in portals.items():
            portal.urls.base_url = f"http://{site}.test"
        now = datetime.now(UTC).isoformat()
        return [{**article_truth(portals[p.site], p.article), "site": p.site,
                 "fetched_at": now, "references": [], "published_precision": "minute"}
                for p in self.postings]

    def portals(self) -> list[Portal]:
        """One simulated NukeViet portal per site, serving the scenario's articles."""
        out = []
        for index, site in enumerate(self.site_ids()):
            spec = PortalSpec(site, seed=self.seed + index, documents=0, laws_module="",
                              url_style="query" if index % 2 else "rewrite")
            out.append(Portal(spec, content=FixedContent(spec, self.articles(site))))
        return out

    # -- building -----------------------------------------------------------------------
    def _add(self, site: str, article: Article, story: str) -> None:
        number = self._next_id.get(site, 0) + 1
        self._next_id[site] = number
        article = replace(article, id=number)
        self.postings.append(Posting(site, article, story))

    def _national_item(self, rng: random.Random, n: int, when: datetime) -> Article:
        template, event = rng.choice(v.NATIONAL_EVENTS)
        province = rng.choice(v.PROVINCES)
        title = template.format(y=when.year, y5=when.year + 5, p=province, n=rng.randint(2, 40),
                                q=rng.randint(1, 9), theme=rng.choice(v.THEMES))
        org = "Tổng Liên đoàn Lao động Việt Nam"
        paragraphs = _body(rng, event, org, f"tỉnh {province}", when, rng.randint(6, 9))
        return _article(rng, title, paragraphs, when, _NEWS, author=_person(rng))

    def _repost(self, rng: random.Random, original: Article, province: str,
                when: datetime) -> Article:
        title = original.title
        paragraphs = [b.text for b in original.blocks]
        event = original.summary
        source = None
        edits = rng.sample(("prefix", "lead", "source", "cut", "words", "suffix"),
                           rng.randint(1, 4))
        if "prefix" in edits:
            title = rng.choice(v.REPOST_PREFIXES) + title
        elif "suffix" in edits:
            title += rng.choice(v.REPOST_SUFFIXES)
        if "cut" in edits:
            keep = max(3, round(len(paragraphs) * rng.uniform(0.5, 0.8)))
            paragraphs = paragraphs[:keep]
        if "lead" in edits:
            lead = rng.choice(v.REPOST_LEADS).format(prov=province, event=event.lower())
            paragraphs = [lead, *paragraphs[1:]] if rng.random() < 0.4 else [lead, *paragraphs]
        if "words" in edits:
            paragraphs = [p.replace("đồng chí", "đ/c").replace("Tổng Liên đoàn Lao động Việt Nam",
                                                              "Tổng LĐLĐ Việt Nam")
                          for p in paragraphs]
        if "source" in edits:
            source = rng.choice(v.REPOST_SOURCES)
            paragraphs.append(source)
        return _article(rng, title, paragraphs, when, _NEWS, summary=original.summary,
                        source=source, author=None)

    def _own_item(self, rng: random.Random, province: str, when: datetime,
                  title: str | None = None) -> Article:
        template, event = rng.choice(v.OWN_EVENTS)
        if title is None:
            title = template.format(y=when.year, y5=when.year + 5, firm=_firm(rng, province),
                                    zone=rng.choice(v.ZONES))
            if title.startswith("Hội nghị tổng kết"):
                event = "hội nghị tổng kết công tác công đoàn"
        else:
            event = "hội nghị tổng kết công tác công đoàn"
        org = f"Liên đoàn Lao động tỉnh {province}"
        paragraphs = _body(rng, event, org, f"tỉnh {province}", when, rng.randint(4, 7))
        return _article(rng, title, paragraphs, when, _OWN, author=_person(rng))


class FixedContent(ContentModel):
    """A portal's content given as a list of articles (no seeded ones, no documents)."""

    def __init__(self, spec: PortalSpec, articles: list[Article]) -> None:
        super().__init__(replace(spec, articles=0, documents=0))
        self.spec = spec
        self._fixed = {a.id: a for a in articles}
        self._article_meta = {a.id: (a.category.alias, a.published, a.added) for a in articles}
        self._index = self._build_index()

    def article(self, article_id: int) -> Article | None:
        """The article with this id, or ``None``."""
        return self._fixed.get(article_id)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(v.FAMILY)} {rng.choice(v.MIDDLE)} {rng.choice(v.GIVEN)}"


def _firm(rng: random.Random, province: str) -> str:
    return rng.choice(v.FIRMS).format(p=province)


def _body(rng: random.Random, event: str, org: str, place: str, when: datetime,
          sentences: int) -> list[str]:
    """An opening and ``sentences`` more, every slot filled from ``rng``."""
    def fill(template: str) -> str:
        return template.format(
            d=when.day, m=when.month, y=when.year, d2=rng.randint(1, 28),
            m2=rng.randint(1, 12), place=place, org=org, event=event,
            event_short=event.split(" ")[0] if event.split(" ")[0] in ("hội", "lễ") else "buổi lễ",
            n=rng.randint(2, 95), n2=rng.randint(10, 95), n3=f"{rng.randint(0, 999):03d}",
            q=rng.randint(1, 9), person=_person(rng), person2=_person(rng), person3=_person(rng),
            role=rng.choice(v.ROLES), role2=rng.choice(v.ROLES), zone=rng.choice(v.ZONES),
            firm=_firm(rng, place.removeprefix("tỉnh ")))
    return [fill(rng.choice(v.OPENINGS)),
            *(fill(t) for t in rng.sample(v.SENTENCES, min(sentences, len(v.SENTENCES))))]


def _article(rng: random.Random, title: str, paragraphs: list[str], when: datetime,
             category: object, *, summary: str | None = None, source: str | None = None,
             author: str | None = None) -> Article:
    return Article(
        id=0, category=category, raw_title=title, alias=news_alias(title),  # type: ignore[arg-type]
        published=when, added=IMPORT_TIME, summary=summary or paragraphs[0][:160],
        blocks=tuple(Block("p", p) for p in paragraphs), author=author, source=source,
        tags=(), image=None, files=(), views=rng.randint(0, 900))
