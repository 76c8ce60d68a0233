"""Spider health: what one crawl read, and whether it reads worse than the site's recent runs.

A portal that changes its theme does not fail: its pages still parse, but
fields go missing. So every run records, per kind, how many items it stored,
how many of them had each field of the contract's health list filled
(``congdoan.items.contract.health_fields``), how many items its listings showed,
how many of those it lost silently (neither stored, reported failed, unchanged
nor passed over: ``missing``) and how many pages its parsers could not read;
``judge`` compares that with the site's recent runs and says ``healthy`` or
``degraded``, with the reasons.

Like with like, so that an unchanged portal never cries wolf:

- fill rates are compared only between runs that stored at least
  ``min_items`` of the kind (an incremental rerun stores few or none);
- a run that stored nothing is judged by what its listings showed: nothing
  new to fetch is fine, empty listings where recent runs listed many are not;
- parse errors count as a share of the pages of that kind the run tried;
- listed items the run lost silently need no history: a listing of 26
  documents of which 16 were stored and none failed is degraded on any run.

Pure functions: the extension ``congdoan.extensions.health`` collects the
counts, the store pipeline judges and saves them with the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Any, Literal

from congdoan import settings as project  # the defaults, declared once
from congdoan.items.contract import health_fields
from congdoan.items.kinds import KINDS

Verdict = Literal["healthy", "degraded"]
VERDICTS: tuple[Verdict, ...] = ("healthy", "degraded")
STATS_PREFIX = "congdoan/health"
STAT_VERDICT = "congdoan/verdict"  # the run's verdict (outside STATS_PREFIX: not a count)
# Kinds whose parse errors are judged: the item kinds, and listing pages.
ERROR_KINDS = (*KINDS, "listing")


@dataclass
class KindHealth:
    """One kind's counts in one run.

    ``items``: items stored (for ``listing``: listing pages read); ``filled``:
    items with each health field filled; ``listed``: items the listings showed
    (each once); ``missing``: listed items neither stored, reported failed,
    unchanged nor passed over; ``parse_errors``: pages of the kind the parsers
    could not read.
    """

    items: int = 0
    filled: dict[str, int] = field(default_factory=dict)
    listed: int = 0
    parse_errors: int = 0
    missing: int = 0

    def fill_rate(self, name: str) -> float | None:
        """Share of the stored items with ``name`` filled; ``None`` without items."""
        return self.filled.get(name, 0) / self.items if self.items else None

    def error_rate(self) -> float | None:
        """Share of the tried pages the parsers could not read; ``None`` when none was tried."""
        tried = self.items + self.parse_errors
        return self.parse_errors / tried if tried else None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON for the run record."""
        return {"items": self.items, "filled": dict(self.filled), "listed": self.listed,
                "parse_errors": self.parse_errors, "missing": self.missing}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> KindHealth:
        """Back from ``to_json``; missing keys are zero."""
        return cls(int(data.get("items", 0)), {k: int(v) for k, v in
                                                (data.get("filled") or {}).items()},
                   int(data.get("listed", 0)), int(data.get("parse_errors", 0)),
                   int(data.get("missing", 0)))


@dataclass
class RunHealth:
    """Every kind's counts in one run."""

    kinds: dict[str, KindHealth] = field(default_factory=dict)

    def kind(self, name: str) -> KindHealth:
        """The counts of kind ``name`` (zero when the run saw none)."""
        return self.kinds.get(name) or KindHealth()

    def to_json(self) -> dict[str, Any]:
        """Plain JSON for the run record."""
        return {name: counts.to_json() for name, counts in self.kinds.items()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> RunHealth:
        """Back from ``to_json``."""
        return cls({name: KindHealth.from_json(v) for name, v in (data or {}).items()})

    @classmethod
    def from_stats(cls, stats: Mapping[str, Any]) -> RunHealth:
        """From the crawl stats the health extension keeps (``congdoan/health/<kind>/...``)."""
        kinds: dict[str, KindHealth] = {}
        prefix = STATS_PREFIX + "/"
        for key, value in stats.items():
            if not key.startswith(prefix):
                continue
            kind, _, rest = key[len(prefix):].partition("/")
            counts = kinds.setdefault(kind, KindHealth())
            if rest.startswith("filled/"):
                counts.filled[rest[len("filled/"):]] = int(value)
            elif rest in ("items", "listed", "parse_errors", "missing"):
                setattr(counts, rest, int(value))
        return cls(kinds)


@dataclass(frozen=True)
class Thresholds:
    """How far a run may fall behind its site's recent runs before it is ``degraded``."""

    fill_margin: float = project.CONGDOAN_HEALTH_FILL_MARGIN  # 0.25 = a drop of 25 points
    error_margin: float = project.CONGDOAN_HEALTH_ERROR_MARGIN  # the parse-error share's rise
    min_errors: int = project.CONGDOAN_HEALTH_MIN_ERRORS  # fewer parse errors are no trend
    min_items: int = project.CONGDOAN_HEALTH_MIN_ITEMS  # fewer items give no fill rates
    history: int = project.CONGDOAN_HEALTH_HISTORY  # how many earlier runs make "recent"
    min_missing: int = project.CONGDOAN_HEALTH_MIN_MISSING  # listed items lost silently

    @classmethod
    def from_settings(cls, settings: Any) -> Thresholds:
        """From a crawl's ``CONGDOAN_HEALTH_*`` settings (their defaults: ``congdoan.settings``)."""
        return cls(
            fill_margin=settings.getfloat("CONGDOAN_HEALTH_FILL_MARGIN"),
            error_margin=settings.getfloat("CONGDOAN_HEALTH_ERROR_MARGIN"),
            min_errors=settings.getint("CONGDOAN_HEALTH_MIN_ERRORS"),
            min_items=settings.getint("CONGDOAN_HEALTH_MIN_ITEMS"),
            history=settings.getint("CONGDOAN_HEALTH_HISTORY"),
            min_missing=settings.getint("CONGDOAN_HEALTH_MIN_MISSING"),
        )


@dataclass(frozen=True)
class Judgement:
    """A run's verdict, why, and how many earlier runs it was compared with."""

    verdict: Verdict
    reasons: tuple[str, ...] = ()
    compared_with: int = 0


def _pct(rate: float) -> str:
    return f"{rate * 100:.0f} %"


def _fill_reasons(kind: str, run: KindHealth, history: Sequence[KindHealth],
                  limits: Thresholds) -> Iterable[str]:
    if run.items < limits.min_items:
        return
    comparable = [h for h in history if h.items >= limits.min_items]
    # A portal publishing a few items a night: no recent run stored enough on its own,
    # but together they do (found by the soak: a theme change went unflagged once the
    # site's first, big crawl had left the recent runs).
    pooled = KindHealth(sum(h.items for h in history), {
        name: sum(h.filled.get(name, 0) for h in history)
        for name in health_fields(kind)})  # type: ignore[arg-type]
    if not comparable and pooled.items < limits.min_items:
        return
    for name in health_fields(kind):  # type: ignore[arg-type]
        rate = run.fill_rate(name)
        usual = (median(h.fill_rate(name) or 0.0 for h in comparable) if comparable
                 else pooled.fill_rate(name) or 0.0)
        if rate is not None and usual - rate > limits.fill_margin:
            yield (f"{kind} {name}: filled in {_pct(rate)} of {run.items} items, "
                   f"{_pct(usual)} in recent runs")


def _zero_reason(kind: str, run: KindHealth, history: Sequence[KindHealth],
                 limits: Thresholds) -> str | None:
    if run.items or run.listed:
        return None  # something was stored, or the listings showed items (known or not)
    listed_before = [h.listed for h in history]
    if not listed_before:
        return None
    usual = median(listed_before)
    if usual < limits.min_items:
        return None
    return f"{kind}: no items stored and the listings showed none (recent runs listed {usual:g})"


def _short_reason(kind: str, run: KindHealth, limits: Thresholds) -> str | None:
    if run.missing < max(limits.min_missing, 1):
        return None
    return (f"{kind}: {run.missing} of {run.listed} listed items neither stored nor reported "
            f"failed ({run.items} stored)")


def _error_reason(kind: str, run: KindHealth, history: Sequence[KindHealth],
                  limits: Thresholds) -> str | None:
    rate = run.error_rate()
    if rate is None or run.parse_errors < limits.min_errors:
        return None
    rates = [r for h in history if (r := h.error_rate()) is not None]
    usual = median(rates) if rates else 0.0
    if rate - usual <= limits.error_margin:
        return None
    pages = "listing pages" if kind == "listing" else f"{kind} pages"
    return (f"{kind}: {run.parse_errors} of {run.items + run.parse_errors} {pages} unreadable "
            f"({_pct(rate)}; {_pct(usual)} in recent runs)")


def judge(run: RunHealth, history: Sequence[RunHealth],
          limits: Thresholds | None = None, *, listings: bool = True) -> Judgement:
    """``run`` against the site's recent runs (``history``, newest first).

    A site with no history has nothing to fall behind: its first run is judged only by
    what it lost silently (listed items neither stored nor reported failed).
    ``listings=False``: the run read no listing by design (it resumed a crawl stopped
    after its listings), so "the listings showed none" says nothing of the portal.
    """
    limits = limits or Thresholds()
    recent = list(history)[:limits.history]
    reasons: list[str] = []
    for kind in KINDS:
        past = [h.kind(kind) for h in recent]
        reasons += _fill_reasons(kind, run.kind(kind), past, limits)
        zero = _zero_reason(kind, run.kind(kind), past, limits) if listings else None
        if zero:
            reasons.append(zero)
        short = _short_reason(kind, run.kind(kind), limits)
        if short:
            reasons.append(short)
    for kind in ERROR_KINDS:
        error = _error_reason(kind, run.kind(kind), [h.kind(kind) for h in recent], limits)
        if error:
            reasons.append(error)
    return Judgement("degraded" if reasons else "healthy", tuple(reasons), len(recent))
