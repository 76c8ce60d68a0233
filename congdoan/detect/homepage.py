"""What a home page says about itself: generator, feeds, REST link, links, site name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from congdoan.parsers.markup import absolute, base_url, parse_html, text_of

_FEED_TYPES = ("application/rss+xml", "application/atom+xml")
_PARKED = (
    # registrar and parking services, hosting placeholders (lower-cased, diacritics kept)
    "domain is for sale", "this domain is parked", "buy this domain", "domain parking",
    "parkingcrew", "sedoparking", "bodis.com", "is for sale!", "tên miền này đang được rao bán",
    "tên miền đang chờ", "website đã hết hạn", "account suspended",
    "this account has been suspended", "apache2 debian default page",
    "apache2 ubuntu default page", "welcome to nginx!", "it works!", "iis windows server",
    "default web site page", "future home of something quite cool",
)
_TITLE_PARKED = re.compile(r"^(index of /|403 forbidden|404 not found|coming soon)", re.I)


@dataclass
class Link:
    """An ``<a href>`` of the page: absolute URL, its text and title attribute."""

    url: str
    text: str
    title: str


@dataclass
class HomePage:
    """The facts detection reads from one HTML page."""

    url: str
    title: str = ""
    site_name: str = ""
    generator: str = ""
    api_link: str = ""  # WordPress: <link rel="https://api.w.org/">
    feeds: list[tuple[str, str]] = field(default_factory=list)  # (url, title)
    links: list[Link] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)  # script/link/img sources
    text_sample: str = ""

    def same_site_links(self) -> list[Link]:
        """Links that stay on the page's host."""
        host = urlsplit(self.url).netloc
        return [link for link in self.links if urlsplit(link.url).netloc == host]


def read_home(body: bytes | str, url: str) -> HomePage:
    """Parse ``body`` (served at ``url``) into a HomePage."""
    doc = parse_html(body)
    base = base_url(doc, url)
    page = HomePage(url=url)
    page.title = text_of(next(iter(doc.iter("title")), None)) or ""
    for meta in doc.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if name == "generator" and not page.generator:
            page.generator = content
        elif name == "og:site_name" and not page.site_name:
            page.site_name = content
    for link in doc.iter("link"):
        rel = (link.get("rel") or "").strip().lower()
        href = absolute(base, link.get("href"))
        if not href:
            continue
        if rel == "https://api.w.org/":
            page.api_link = href
        elif "alternate" in rel.split() and (link.get("type") or "").lower() in _FEED_TYPES:
            page.feeds.append((href, (link.get("title") or "").strip()))
        else:
            page.assets.append(href)
    for tag, attr in (("script", "src"), ("img", "src")):
        for el in doc.iter(tag):
            src = absolute(base, el.get(attr))
            if src:
                page.assets.append(src)
    for anchor in doc.iter("a"):
        href = absolute(base, anchor.get("href"))
        if href:
            title = (anchor.get("title") or "").strip()
            page.links.append(Link(href, text_of(anchor) or "", title))
    body_el = doc.find("body")
    page.text_sample = (text_of(body_el) or "")[:20000] if body_el is not None else ""
    return page


def parked_reason(page: HomePage, body_size: int) -> str | None:
    """Why the page looks like a parked domain or a placeholder, or ``None``."""
    haystack = f"{page.title} {page.text_sample}".lower()
    for marker in _PARKED:
        if marker in haystack:
            return f"the page says {marker!r}"
    if _TITLE_PARKED.match(page.title):
        return f"the page title is {page.title!r}"
    if body_size < 600 and len(page.same_site_links()) < 2:
        return f"an almost empty page ({body_size} bytes, no links)"
    return None
