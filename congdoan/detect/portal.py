"""Detect what a portal is: NukeViet, WordPress or unknown, and what its registry entry needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from congdoan.detect.fetch import Fetcher, FetchError, Page, RobotsForbid
from congdoan.detect.generic import GenericSetup, detect_generic
from congdoan.detect.homepage import parked_reason, read_home
from congdoan.detect.nukeviet import NukeVietSetup, detect_nukeviet, nukeviet_signals
from congdoan.detect.wordpress import WordPressSetup, detect_wordpress, wordpress_signals


class PortalUnavailable(Exception):
    """The portal cannot be detected: unreachable, forbidden, parked, not a site."""


@dataclass
class Detection:
    """What one detection found; ``fields`` are the registry fields it decides."""

    asked: str
    base_url: str
    cms: str  # "nukeviet", "wordpress" or "unknown"
    version: str = ""
    site_name: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    facts: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """``NukeViet 4``, ``WordPress 6.8``, ``unknown``."""
        names = {"nukeviet": "NukeViet", "wordpress": "WordPress", "unknown": "unknown CMS"}
        return f"{names.get(self.cms, self.cms)} {self.version}".strip()


def normalise_url(url: str) -> str:
    """``congdoanx.org.vn`` -> ``https://congdoanx.org.vn``; paths and queries dropped."""
    url = url.strip()
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PortalUnavailable(f"{url}: not an http(s) address")
    return f"{parts.scheme}://{parts.netloc}"


def detect_portal(url: str, fetcher: Fetcher | None = None) -> Detection:
    """Ask the portal at ``url`` a few questions; raise ``PortalUnavailable`` with one line."""
    fetcher = fetcher or Fetcher()
    base = normalise_url(url)
    page = _home_page(fetcher, base)
    home = read_home(page.body, page.final_url)
    parked = parked_reason(home, len(page.body))
    if parked:
        raise PortalUnavailable(f"{base}: looks parked or unused: {parked}")
    final = urlsplit(page.final_url)
    origin = f"{final.scheme}://{final.netloc}"
    detection = Detection(asked=url, base_url=origin, cms="unknown",
                          site_name=home.site_name or home.title)
    if final.netloc != urlsplit(base).netloc:
        detection.facts.append(f"{base} redirects to {origin}")
    nv_signs = nukeviet_signals(page, home)
    wp_signs = wordpress_signals(page, home)
    if nv_signs and len(nv_signs) >= len(wp_signs):
        _as_nukeviet(detection, nv_signs, detect_nukeviet(page, home, fetcher))
    elif wp_signs:
        _as_wordpress(detection, wp_signs, detect_wordpress(page, home, fetcher))
    else:
        _as_generic(detection, detect_generic(page, home, fetcher))
    detection.requests = list(fetcher.requests)
    return detection


def _home_page(fetcher: Fetcher, base: str) -> Page:
    """The portal's home page, if robots.txt lets us and it answers with HTML."""
    robots = fetcher.robots(base + "/")
    if robots is not None and robots.status in (401, 403):
        raise PortalUnavailable(f"{base}: answers {robots.status} Forbidden (robots.txt)")
    try:
        page = fetcher.get(base + "/")
    except RobotsForbid as exc:
        raise PortalUnavailable(f"{base}: {exc}") from None
    except FetchError as exc:
        raise PortalUnavailable(f"{base}: {exc}") from None
    if page.status in (401, 403):
        raise PortalUnavailable(f"{base}: answers {page.status} Forbidden")
    if page.status >= 400:
        raise PortalUnavailable(f"{base}: the home page answers {page.status}")
    if page.status >= 300:
        raise PortalUnavailable(f"{base}: redirects without a Location ({page.status})")
    if page.content_type and "html" not in page.content_type:
        raise PortalUnavailable(f"{base}: the home page is {page.content_type}, not HTML")
    return page


def _as_nukeviet(detection: Detection, signs: list[str], setup: NukeVietSetup) -> None:
    detection.cms, detection.version = "nukeviet", setup.version
    detection.facts[:0] = [f"NukeViet: {', '.join(signs)}"]
    detection.facts += setup.facts
    detection.fields = {
        "url_style": setup.url_style, "lang_prefix": setup.lang_prefix,
        "language": setup.language, "news_module": setup.news_module,
        "news_sections": setup.news_sections, "laws_module": setup.laws_module,
        "sitemaps": setup.sitemaps, "rss": setup.rss,
    }


def _as_wordpress(detection: Detection, signs: list[str], wp: WordPressSetup) -> None:
    detection.cms, detection.version = "wordpress", wp.version
    detection.facts[:0] = [f"WordPress: {', '.join(signs)}"]
    detection.facts += wp.facts
    # The wordpress spider builds its API, feed and category URLs from url_style:
    # plain permalinks have no /wp-json/ or /feed/ rewrites.
    detection.fields = {"url_style": "query" if wp.permalinks == "plain" else "rewrite",
                        "sitemaps": bool(wp.sitemap), "rss": bool(wp.feeds)}


def _as_generic(detection: Detection, generic: GenericSetup) -> None:
    detection.facts.append("no NukeViet or WordPress signs: a generic entry needs feeds, "
                           "sitemaps or an article URL pattern, and selectors if the "
                           "generic reader misses fields")
    detection.facts += generic.facts
    detection.fields = {"sitemaps": bool(generic.sitemaps), "rss": bool(generic.feeds)}
    # what a cms = "generic" entry navigates by ([site.generic]); empty parts left out
    nav = {"article_pattern": generic.article_pattern, "feed_urls": generic.feeds,
           "sitemap_urls": generic.sitemaps}
    detection.fields["generic"] = {k: v for k, v in nav.items() if v}
