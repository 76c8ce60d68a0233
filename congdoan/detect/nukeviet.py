"""Recognise a NukeViet portal and read its set-up from the pages it serves.

What NukeViet shows about itself (NUKEVIET.md, and the CMS's own source):
``<meta name="generator" content="NukeViet v4.5">`` (``v3.x`` on 3.x), ``nv3_``/
``nv4_`` cookies, ``/themes/<theme>/`` assets, the session banner. Its URLs
say the rest: ``index.php?language=vi&nv=MOD&op=...`` without rewrite,
``[/vi][/MOD]/cat/alias-ID.html`` with it; a module's RSS is ``MOD/rss/[cat]``
(``op=rss/cat``); the laws module's documents are ``MOD/detail/Alias-ID``;
the sitemap index names each module's sitemap ``sitemap-LANG.MOD.xml``; the
feeds module (``/feeds/``) lists every module's and category's RSS.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urljoin, urlsplit

from congdoan.detect.fetch import Fetcher, FetchError, Page
from congdoan.detect.homepage import HomePage, read_home
from congdoan.parsers.errors import ParseError
from congdoan.parsers.feeds import parse_sitemap

_GENERATOR = re.compile(r"nukeviet\s*v?\s*(\d+)(?:\.(\d+|x))?", re.I)
_ARTICLE_OP = re.compile(r"^([^/]+)/[^/]+-(\d+)\.html?$")
_DETAIL_OP = re.compile(r"^detail/[^/]+-\d+/?$")
_RSS_OP = re.compile(r"^rss(?:/([^/]+))?/?$")
_ALIAS = re.compile(r"^[A-Za-z0-9_-]+$")
_LANG = re.compile(r"^[a-z]{2}$")
_MODULE_SITEMAP = re.compile(r"/sitemap-([a-z]{2})\.([A-Za-z0-9_-]+)\.xml$")
_BANNER = "Bạn đã không sử dụng Site"
# Core modules that are never the news or laws module (their URLs look alike).
_CORE = frozenset(
    {"about", "users", "contact", "statistics", "siteterms", "feeds", "seek", "banners",
     "page", "voting", "comment", "rss", "search", "tag", "topic", "author", "groups",
     "SitemapIndex", "sitemap", "two-step-verification", "myapi", "zalo", "menu"}
)
_STATIC = re.compile(r"\.(css|js|png|jpe?g|gif|svg|ico|pdf|docx?|xlsx?|zip|rar)$", re.I)


@dataclass
class NukeVietSetup:
    """How a NukeViet portal spells its URLs and which sections it has."""

    version: str = ""
    url_style: str = "rewrite"
    lang_prefix: bool = False
    language: str = "vi"
    news_module: str = ""
    news_sections: list[str] = field(default_factory=list)
    laws_module: str = ""
    sitemaps: bool = False
    rss: bool = False
    facts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _NvLink:
    style: str  # "query" or "rewrite"
    lang: str | None  # the /vi/ prefix (rewrite) or language= (query)
    segments: tuple[str, ...]  # module-relative path segments, module first (rewrite)
    module: str | None  # query style: nv


def nukeviet_signals(page: Page, home: HomePage) -> list[str]:
    """The signs that ``page`` was served by NukeViet (empty: not NukeViet)."""
    signs = []
    if "nukeviet" in home.generator.lower():
        signs.append(f"generator {home.generator!r}")
    cookies = " ".join(page.headers.get_all("Set-Cookie") or []) if page.headers else ""
    if re.search(r"\bnv[34]_", cookies):
        signs.append("nv3_/nv4_ cookies")
    if any("/themes/" in a and ("/js/" in a or "/css/" in a) for a in home.assets) and any(
        a.rstrip("?").split("?")[0].endswith(("/js/global.js", "/assets/js/global.js"))
        for a in home.assets
    ):
        signs.append("/themes/ and global.js assets")
    if _BANNER in home.text_sample:
        signs.append("the session-timeout banner")
    return signs


def nukeviet_version(home: HomePage, page: Page) -> str:
    """``"3"``, ``"4"`` … from the generator meta or the cookie prefix; ``""`` when unknown."""
    match = _GENERATOR.search(home.generator)
    if match:
        return match.group(1)
    cookies = " ".join(page.headers.get_all("Set-Cookie") or []) if page.headers else ""
    cookie = re.search(r"\bnv([34])_", cookies)
    return cookie.group(1) if cookie else ""


def _nv_link(url: str, origin: str) -> _NvLink | None:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin or _STATIC.search(parts.path):
        return None
    query = parse_qs(parts.query)
    if parts.path in ("/", "/index.php") and "nv" in query:
        nv = query["nv"][0]
        op = query.get("op", [""])[0]
        # the CMS serves the malformed "nv=laws/page-2" too
        module, _, rest = nv.partition("/")
        op = op or rest
        segments = tuple(s for s in op.split("/") if s)
        return _NvLink("query", query.get("language", [None])[0], segments, module)
    if parts.query or parts.path in ("", "/", "/index.php"):
        return None
    segments = tuple(s for s in parts.path.split("/") if s)
    lang = None
    if segments and _LANG.match(segments[0]):
        lang, segments = segments[0], segments[1:]
    return _NvLink("rewrite", lang, segments, None)


def _read_links(urls: list[str], origin: str) -> list[_NvLink]:
    return [link for url in urls if (link := _nv_link(url, origin)) is not None]


def _style(links: list[_NvLink], home_final: str) -> tuple[str, bool, str]:
    """URL style, language prefix, language."""
    styles = Counter(link.style for link in links)
    style = "query" if styles["query"] > styles["rewrite"] else "rewrite"
    if style == "query":
        langs = Counter(link.lang for link in links if link.style == "query" and link.lang)
        return style, False, langs.most_common(1)[0][0] if langs else "vi"
    rewrite = [link for link in links if link.style == "rewrite"]
    prefixed = Counter(link.lang for link in rewrite if link.lang)
    home_segments = [s for s in urlsplit(home_final).path.split("/") if s]
    home_lang = home_segments[0] if home_segments and _LANG.match(home_segments[0]) else None
    if home_lang or (prefixed and sum(prefixed.values()) * 2 > len(rewrite)):
        lang = home_lang or prefixed.most_common(1)[0][0]
        return style, True, lang
    return style, False, "vi"


def _module_and_op(link: _NvLink) -> tuple[str, list[str]]:
    """(module, op segments) of a link, reading the first rewrite segment as the module."""
    if link.style == "query":
        return link.module or "", list(link.segments)
    segments = list(link.segments)
    return (segments[0], segments[1:]) if segments else ("", [])


def _news_module(links: list[_NvLink], style: str) -> tuple[str, list[str]]:
    """The news module path ("" = home module) and the categories seen in article links."""
    votes: Counter[str] = Counter()
    cats: dict[str, list[str]] = {}
    for link in links:
        if link.style != style:
            continue
        if style == "query":
            candidates = [(link.module or "", list(link.segments))]
        else:
            segs = list(link.segments)
            candidates = [("", segs)] + ([(segs[0], segs[1:])] if len(segs) > 1 else [])
        for module, op in candidates:
            joined = "/".join(op)
            match = _ARTICLE_OP.match(joined)
            if match and module not in _CORE and match.group(1) not in _CORE:
                if module == "" and style == "rewrite" and match.group(1) in ("detail",):
                    continue
                votes[module] += 1
                cats.setdefault(module, [])
                if match.group(1) not in cats[module]:
                    cats[module].append(match.group(1))
    if not votes:
        return "", []
    module = votes.most_common(1)[0][0]
    if style == "query" and module == "news":
        module = ""  # query URLs read nv=news either way; "" matches the simulator's entries
    key = "news" if style == "query" and module == "" and "news" in cats else module
    return module, cats.get(key, [])


def _rss_categories(links: list[_NvLink], style: str, news_module: str) -> tuple[bool, list[str]]:
    """(a news RSS feed is linked, the categories that have an RSS feed)."""
    found, cats = False, []
    target = news_module or ("news" if style == "query" else "")
    for link in links:
        if link.style != style:
            continue
        if style == "query":
            if (link.module or "") != target:
                continue
            op = "/".join(link.segments)
        else:
            segs = list(link.segments)
            if target:
                if not segs or segs[0] != target:
                    continue
                segs = segs[1:]
            op = "/".join(segs)
        match = _RSS_OP.match(op)
        if match:
            found = True
            cat = match.group(1)
            if cat and _ALIAS.match(cat) and cat not in cats:
                cats.append(cat)
    return found, cats


def _laws_from_links(links: list[_NvLink], style: str, news_module: str) -> str:
    votes: Counter[str] = Counter()
    for link in links:
        if link.style != style:
            continue
        if style == "query":
            module, op = link.module or "", "/".join(link.segments)
        else:
            if len(link.segments) < 2:
                continue
            module, op = link.segments[0], "/".join(link.segments[1:])
        if module and module != news_module and module not in _CORE and _DETAIL_OP.match(op):
            votes[module] += 1
    return votes.most_common(1)[0][0] if votes else ""


def _feeds_page_url(home: HomePage, origin: str) -> str | None:
    """The feeds module's page (``/feeds/``, ``nv=feeds``) when the home page links it."""
    for anchor in home.links:
        link = _nv_link(anchor.url, origin)
        if link is None:
            continue
        if (link.style == "query" and link.module == "feeds" and not link.segments) or (
            link.style == "rewrite" and link.segments == ("feeds",)
        ):
            return anchor.url
    return None


def detect_nukeviet(page: Page, home: HomePage, fetcher: Fetcher) -> NukeVietSetup:
    """Read a NukeViet portal's set-up from its home page, feeds page and sitemap index."""
    origin = f"{urlsplit(page.final_url).scheme}://{urlsplit(page.final_url).netloc}"
    setup = NukeVietSetup(version=nukeviet_version(home, page))
    urls = [link.url for link in home.links] + [url for url, _title in home.feeds]
    links = _read_links(urls, origin)
    setup.url_style, setup.lang_prefix, setup.language = _style(links, page.final_url)
    setup.facts.append(
        f"URLs: {setup.url_style}" + (f", /{setup.language}/ prefix" if setup.lang_prefix else "")
    )
    setup.news_module, article_cats = _news_module(links, setup.url_style)
    setup.rss, rss_cats = _rss_categories(links, setup.url_style, setup.news_module)

    feeds_url = _feeds_page_url(home, origin)
    if feeds_url:
        try:
            feeds = fetcher.get(feeds_url)
        except FetchError as exc:
            setup.facts.append(f"feeds page {feeds_url} not read: {exc}")
        else:
            if feeds.ok and not _is_home(feeds, page):
                feed_home = read_home(feeds.body, feeds.final_url)
                feed_links = _read_links([x.url for x in feed_home.links], origin)
                more_rss, more_cats = _rss_categories(feed_links, setup.url_style,
                                                      setup.news_module)
                setup.rss = setup.rss or more_rss
                rss_cats += [c for c in more_cats if c not in rss_cats]
                links += feed_links
                setup.facts.append(f"feeds page {feeds.final_url}: {len(more_cats)} news feeds")
            else:
                setup.facts.append(f"feeds page {feeds_url} not served (status {feeds.status}"
                                   + (", redirected home)" if feeds.redirected else ")"))
    setup.news_sections = rss_cats + [c for c in article_cats if c not in rss_cats]
    setup.news_sections = [c for c in setup.news_sections if _ALIAS.match(c)]
    setup.facts.append(
        "news: " + (f"module /{setup.news_module}/" if setup.news_module else "the home module")
        + f", {len(setup.news_sections)} categories ({len(rss_cats)} with RSS, "
        f"{len(article_cats)} seen in article links)"
    )

    setup.laws_module = _laws_from_links(links, setup.url_style, setup.news_module)
    module_sitemaps = _read_sitemap_index(setup, fetcher, origin)
    if setup.laws_module:
        setup.facts.append(f"laws module /{setup.laws_module}/ (document links on the home page)")
    else:
        setup.laws_module = _laws_from_sitemaps(module_sitemaps, setup, fetcher, origin)
    if not setup.laws_module:
        setup.facts.append("no laws module found")
    return setup


def _is_home(answer: Page, home: Page) -> bool:
    return answer.redirected and urlsplit(answer.final_url).path.rstrip("/") in (
        "", urlsplit(home.final_url).path.rstrip("/"), "/index.php")


def _read_sitemap_index(setup: NukeVietSetup, fetcher: Fetcher, origin: str) -> dict[str, str]:
    """Fetch the sitemap index; return {module: sitemap URL on our origin}."""
    host = urlsplit(origin).netloc
    declared = [u for u in fetcher.sitemaps_in_robots(origin + "/")
                if urlsplit(u).netloc == host]
    standard = (origin + "/index.php?nv=SitemapIndex" if setup.url_style == "query"
                else origin + "/sitemap.xml")
    for url in [*declared, standard]:
        try:
            answer = fetcher.get(url)
        except FetchError as exc:
            setup.facts.append(f"sitemap {url} not read: {exc}")
            return {}
        if not answer.ok:
            continue
        try:
            sitemap = parse_sitemap(answer.body, answer.final_url)
        except ParseError:
            continue
        setup.sitemaps = True
        modules: dict[str, str] = {}
        for loc in sitemap["sitemaps"]:
            match = _MODULE_SITEMAP.search(urlsplit(loc).path)
            if match:
                # a saved or moved portal can name another host: ask our own
                modules[match.group(2)] = urljoin(origin + "/", urlsplit(loc).path.lstrip("/"))
            elif setup.url_style == "query":
                nv = parse_qs(urlsplit(loc).query).get("nv", [""])[0]
                if nv:
                    modules[nv] = urljoin(origin + "/", "index.php?" + urlsplit(loc).query)
        setup.facts.append(f"sitemap index {answer.final_url}: modules {', '.join(modules) or '-'}")
        return modules
    setup.facts.append("no sitemap index answered")
    return {}


def _laws_from_sitemaps(modules: dict[str, str], setup: NukeVietSetup, fetcher: Fetcher,
                        origin: str) -> str:
    """The module whose sitemap lists ``detail/`` pages (one request per candidate, max 2)."""
    news = setup.news_module or "news"
    candidates = [m for m in modules if m not in _CORE and m != news]
    for module in candidates[:2]:
        try:
            answer = fetcher.get(modules[module])
            urls = parse_sitemap(answer.body, answer.final_url)["urls"] if answer.ok else []
        except (FetchError, ParseError):
            continue
        for entry in urls:
            link = _nv_link(urljoin(origin + "/", urlsplit(entry["url"]).path + (
                "?" + urlsplit(entry["url"]).query if urlsplit(entry["url"]).query else "")),
                origin)
            if link is None:
                continue
            module_of, op = _module_and_op(link)
            if module_of == module and _DETAIL_OP.match("/".join(op)):
                setup.facts.append(f"laws module /{module}/ (its sitemap lists documents)")
                return module
    return ""
