"""The soak's world: simulated portals with their faults, the plan of events, the receivers.

Every portal but a few clean ones carries one kind of trouble, switched on and
off by the plan (``Plan``): 5xx bursts, timeouts (answers slower than the
crawl's download timeout), truncated pages, slow answers, pages that are
always missing (reported failed), a portal that goes away (503 on every path)
and comes back, a portal that changes its theme (its pages read worse: spider
health must flag it). New items appear on random portals between cycles.
The plan is drawn from a seed, so a run can be repeated.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from congdoan.sim import SimServer, default_portals
from congdoan.sim.faults import FaultInjector, FaultRule

# Item pages: listings and feeds stay readable, so the crawl knows what it missed.
ITEM_PAGE = r"(\.html|op=detail|/detail/)"
# Trouble by portal, in order: sim1 gets the first, sim2 the second...; the rest are clean.
TROUBLES = ("5xx_bursts", "timeouts", "truncated", "slow", "missing_pages", "away", "theme")
DOWNLOAD_TIMEOUT_S = 2  # the crawl's; a "timeout" answer takes longer
BURST_EVERY, BURST_CYCLES = 12, 3  # a 5xx burst of 3 cycles every 12


@dataclass
class Plan:
    """What happens at which cycle; drawn from ``seed`` for ``cycles`` cycles."""

    cycles: int
    sites: list[str]
    seed: int
    new_items: dict[int, list[tuple[str, int, int]]] = field(default_factory=dict)
    kills: dict[int, str] = field(default_factory=dict)  # cycle -> worker, crawl, scheduler
    away: tuple[int, int] = (0, 0)  # [start, end) cycles of the away portal
    theme_at: int = 0

    @classmethod
    def draw(cls, cycles: int, sites: list[str], seed: int, kills: int,
             item_chance: float, away_cycles: int) -> Plan:
        """New items on random portals in the first 85% of cycles; kills in the first 75%."""
        rng = random.Random(seed)
        plan = cls(cycles, sites, seed)
        quiet_from = max(2, int(cycles * 0.85))  # then only settling: every change crawled
        for cycle in range(1, quiet_from):
            added = [(site, 1, 1 if rng.random() < 0.25 else 0) for site in sites
                     if rng.random() < item_chance]
            if added:
                plan.new_items[cycle] = added
        # Away long enough that its crawls come due while it is gone.
        plan.away = (max(1, cycles // 5), max(1, cycles // 5) + away_cycles)
        plan.theme_at = max(1, cycles // 2)
        # The theme site publishes a batch after its change: enough new items that
        # spider health compares fill rates (at least its min_items of a kind).
        plan.new_items.setdefault(plan.theme_at, []).append((trouble_site(sites, "theme"), 6, 0))
        last_kill = max(3, int(cycles * 0.75))
        moments = rng.sample(range(2, last_kill), k=min(3 * kills, last_kill - 2))
        for number, cycle in enumerate(sorted(moments)):
            plan.kills[cycle] = ("worker", "crawl", "scheduler")[number % 3]
        return plan


def trouble_site(sites: list[str], trouble: str) -> str:
    """The portal that carries ``trouble``."""
    return sites[TROUBLES.index(trouble)]


class World:
    """The simulator serving the portals, their fault injectors, and the plan's switches."""

    def __init__(self, portals: int, articles: int, documents: int, seed: int) -> None:
        if portals < len(TROUBLES) + 1:
            raise ValueError(f"at least {len(TROUBLES) + 1} portals (one per trouble, "
                             "one clean)")
        self.server = SimServer(default_portals(portals, articles, documents, seed=seed)).start()
        self.sites = self.server.site_ids()
        self.injectors: dict[str, FaultInjector] = {}
        rules = {
            "5xx_bursts": [FaultRule("http_503", ITEM_PAGE, probability=0.3),
                           FaultRule("http_500", "page-", probability=0.5)],
            "timeouts": [FaultRule("slow", ITEM_PAGE, probability=0.2, times=1,
                                   delay=DOWNLOAD_TIMEOUT_S + 1.5)],
            "truncated": [FaultRule("truncated", ITEM_PAGE, probability=0.3, times=1)],
            "slow": [FaultRule("slow", "", probability=0.5, delay=0.3)],
            "missing_pages": [FaultRule("http_404", ITEM_PAGE, probability=0.1)],
            "away": [FaultRule("http_503", "")],
        }
        for trouble, site_rules in rules.items():
            site = trouble_site(self.sites, trouble)
            injector = FaultInjector(self.server.portal(site), site_rules, seed=seed).install()
            # Bursts and the away portal start healthy; the plan switches them on.
            injector.enabled = trouble not in ("5xx_bursts", "away")
            self.injectors[trouble] = injector
        self.last_change: dict[str, int] = dict.fromkeys(self.sites, 0)
        # When each portal was broken (epoch seconds, end None while it lasts): its crawls
        # in that time must be flagged by spider health, and no others.
        self.broken: dict[str, list[float | None]] = {}

    def apply(self, plan: Plan, cycle: int) -> list[str]:
        """Switch this cycle's troubles and publish its new items; what happened, in words."""
        events = []
        bursting = cycle % BURST_EVERY < BURST_CYCLES and cycle < int(plan.cycles * 0.85)
        if self.injectors["5xx_bursts"].enabled != bursting:
            self.injectors["5xx_bursts"].enabled = bursting
            events.append(f"5xx burst {'on' if bursting else 'off'}")
        away = plan.away[0] <= cycle < plan.away[1]
        if self.injectors["away"].enabled != away:
            self.injectors["away"].enabled = away
            site = trouble_site(self.sites, "away")
            self.last_change[site] = cycle
            if away:
                self.broken[site] = [time.time(), None]
            else:
                self.broken[site][1] = time.time()
            events.append(f"{site} {'gone' if away else 'back'}")
        if cycle == plan.theme_at:
            site = trouble_site(self.sites, "theme")
            self.server.portal(site).spec.theme = "reskin"
            self.broken[site] = [time.time(), None]  # for good
            self.last_change[site] = cycle
            events.append(f"{site} re-themed")
        for site, articles, documents in plan.new_items.get(cycle, []):
            portal = self.server.portal(site)
            if articles:
                portal.add_articles(articles)
            if documents:
                portal.add_documents(documents)
            self.last_change[site] = cycle
        if plan.new_items.get(cycle):
            events.append(f"{sum(a + d for _, a, d in plan.new_items[cycle])} new items")
        return events

    def faults_served(self) -> dict[str, int]:
        """How many faults each trouble served."""
        return {trouble: len(injector.events) for trouble, injector in self.injectors.items()}

    def stop(self) -> None:
        """Stop serving."""
        self.server.stop()
