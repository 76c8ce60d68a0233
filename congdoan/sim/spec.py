"""What a simulated portal looks like from outside: size, URL style, module paths."""

from __future__ import annotations

from dataclasses import dataclass

URL_STYLES = ("rewrite", "query")
# "default": NukeViet 4's default theme. "reskin": a re-templated provincial theme
# the parsers only half read (see ``congdoan/sim/pages/reskin.py``).
THEMES = ("default", "reskin")


@dataclass
class PortalSpec:
    """One simulated NukeViet portal. Same spec (and seed) -> same content, byte for byte."""

    site_id: str
    seed: int = 1
    articles: int = 60
    documents: int = 20
    url_style: str = "rewrite"  # "rewrite" (/cat/alias-id.html) or "query" (index.php?...)
    lang_prefix: bool = False  # rewrite URLs start with /vi/; query style always has language=vi
    news_module: str = ""  # "" = news is the home module (no /news/ in URLs), "news", "tin-tuc"
    laws_module: str = "laws"  # "laws", "van-ban"; "" = no laws module
    news_per_page: int = 10
    laws_per_page: int = 10
    province: str = "Tỉnh Mô Phỏng"
    theme: str = "default"
    # The news categories and the laws list render with no items (their module's
    # table lost or emptied): every listing reads as an empty category.
    listings_empty: bool = False
    scanned_every: int = 0  # every Nth document is a scan only (image PDF, no body): 0 = none

    def __post_init__(self) -> None:
        if self.url_style not in URL_STYLES:
            raise ValueError(f"url_style must be one of {URL_STYLES}, not {self.url_style!r}")
        if self.news_per_page < 1 or self.laws_per_page < 1:
            raise ValueError("per-page sizes must be positive")
        if self.theme not in THEMES:
            raise ValueError(f"theme must be one of {THEMES}, not {self.theme!r}")

    @property
    def site_name(self) -> str:
        """The portal's name as shown in its header and registry entry."""
        return f"Liên đoàn Lao động (mô phỏng) {self.site_id}"


def default_portals(
    n_sites: int, articles: int, documents: int, seed: int = 1
) -> list[PortalSpec]:
    """``n_sites`` portals cycling through the three common URL set-ups.

    1: rewrite, no prefix, news at home; 2: query style; 3: rewrite with ``/vi/``,
    news under ``/news/`` and laws under ``/van-ban/``; then again.
    """
    portals = []
    for index in range(n_sites):
        site_id = f"sim{index + 1}"
        common = {"seed": seed + index, "articles": articles, "documents": documents}
        variant = index % 3
        if variant == 0:
            spec = PortalSpec(site_id, **common)
        elif variant == 1:
            spec = PortalSpec(site_id, url_style="query", **common)
        else:
            spec = PortalSpec(
                site_id, lang_prefix=True, news_module="news", laws_module="van-ban", **common
            )
        portals.append(spec)
    return portals
