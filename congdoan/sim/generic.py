"""A generic-portal simulator: a hand-written custom layout standing for a CMS we do not know.

Modelled on Đà Nẵng's union portal: articles at ``/bai-viet/<slug>/`` (the trailing
slash of Hugo, Hexo, Ghost and WordPress permalinks; the slashless URL answers 301), a news
listing ``/tin-tuc?trang=N`` paginated by a "Trang sau" link (no ``rel=next``),
a home page with the newest articles and an RSS ``<link rel="alternate">``,
robots.txt naming a sitemap index with typed children (articles, a news sitemap,
static pages, author and section listings, as real CMSs split theirs), a
documents page ``/van-ban?trang=N`` whose table has ``Số/Ký hiệu | Ngày ban
hành | Trích yếu`` columns, and PDF files. Some articles are linked only from
the sitemap; fault articles answer 404, 500, a truncated body or a redirect
to the home page (a soft 404). Article pages carry what the real CMSs'
showed (``tests/fixtures/{hugo,jekyll,hexo}``): ``article:section`` meta, a
breadcrumb trail to the section, and a byline naming every author (some
articles have two: "Tác giả: Minh Anh và Thu Hà").

``truth()`` reports what is served: every readable article and document with
its fields, and every fault URL with its kind.
"""

from __future__ import annotations

import html
import random
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import parse_qs, urlsplit

from congdoan.sim.files import build_file
from congdoan.sim.server import RequestRecord, _PortalServer
from congdoan.sim.site import Request, Response

VN = timezone(timedelta(hours=7))
FAULT_KINDS = ("404", "500", "truncated", "soft404")
_TOPICS = ("Hội nghị Ban Chấp hành", "Tập huấn nghiệp vụ công đoàn", "Trao quà công nhân",
           "Giải bóng đá công nhân lao động", "Tháng Công nhân", "Mái ấm Công đoàn",
           "Đối thoại với người lao động", "An toàn vệ sinh lao động", "Phát triển đoàn viên",
           "Chăm lo Tết cho đoàn viên")
_PLACES = ("Hải Châu", "Liên Chiểu", "Sơn Trà", "Ngũ Hành Sơn", "Cẩm Lệ", "Hòa Vang",
           "Thanh Khê", "Hòa Khánh")
_SENTENCES = ("Công đoàn cơ sở đã phối hợp với chuyên môn tổ chức chương trình cho người lao động.",
              "Nhiều đoàn viên có hoàn cảnh khó khăn được hỗ trợ kịp thời trong dịp này.",
              "Chủ tịch Liên đoàn Lao động thành phố đánh giá cao kết quả đạt được của các đơn vị.",
              "Chương trình nhằm chăm lo đời sống vật chất và tinh thần cho công nhân lao động.",
              "Các công đoàn cơ sở tiếp tục đổi mới nội dung và phương thức hoạt động.")
_AUTHORS = ("Minh Anh", "Thu Hà", "Quốc Bảo", "Lan Phương")
_SECTIONS = ("Hoạt động công đoàn", "Tin tức - Sự kiện", "Chính sách - Pháp luật", "Nữ công")
_ISSUERS = (("LĐLĐ", "LĐLĐ thành phố"), ("CT-UBND", "UBND thành phố"),
            ("QĐ-TLĐ", "Tổng LĐLĐ Việt Nam"))


@dataclass
class GenericArticle:
    """One article of the generic portal."""

    slug: str
    title: str
    published: datetime
    authors: list[str]
    source: str
    paragraphs: list[str]
    listed: bool = True  # on the listing and in the feed; False: only in the sitemap
    fault: str = ""  # "", or one of FAULT_KINDS ("soft404": a redirect to the home page)
    modified: datetime | None = None
    attachment: str = ""  # a file name under /files/, or ""
    section: str = _SECTIONS[0]

    @property
    def path(self) -> str:
        """The article's path on the portal."""
        return f"/bai-viet/{self.slug}/"

    @property
    def author(self) -> str:
        """Every author, as a reader should give them: ``"Minh Anh, Thu Hà"``."""
        return ", ".join(self.authors)

    @property
    def lastmod(self) -> datetime:
        """The sitemap's ``<lastmod>``: the last change."""
        return self.modified or self.published


@dataclass
class GenericDocument:
    """One row of the documents table."""

    code: str
    title: str
    issued: datetime
    issuer: str
    file: str
    linked: bool = True  # False: the row has no page of its own, only its file


@dataclass
class GenericPortal:
    """The generic portal's content and its HTTP answers (``handle``), thread-safe."""

    site_id: str = "generic1"
    articles: list[GenericArticle] = field(default_factory=list)
    documents: list[GenericDocument] = field(default_factory=list)
    per_page: int = 8
    docs_per_page: int = 5
    base_url: str = ""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    # -- content ------------------------------------------------------------------
    @classmethod
    def build(cls, site_id: str = "generic1", articles: int = 30, documents: int = 12,
              sitemap_only: int = 4, faults: dict[str, int] | None = None,
              seed: int = 7, unlinked_documents: int = 0) -> GenericPortal:
        """A portal of ``articles`` readable articles (``sitemap_only`` of them linked only
        from the sitemap), ``documents`` documents (``unlinked_documents`` of them rows
        without a page of their own: title as plain text, only the file linked, as many
        small portals list them) and ``faults`` ({kind: count}) fault pages."""
        rng = random.Random(seed)
        portal = cls(site_id=site_id)
        start = datetime(2026, 10, 30, 8, 0, tzinfo=VN)
        kinds = [kind for kind, count in (faults or {}).items() for _ in range(count)]
        total = articles + len(kinds)
        # the sitemap-only articles sit among the others, not at the end
        step = max(articles // max(sitemap_only, 1), 1)
        hidden = set(list(range(3, articles, step))[:sitemap_only])
        for index in range(total):
            topic, place = _TOPICS[index % len(_TOPICS)], _PLACES[index % len(_PLACES)]
            title = f"{topic} tại {place} lần {index + 1}"
            paragraphs = [f"Ngày {(start - timedelta(days=index)).day}, {topic.lower()} đã diễn "
                          f"ra tại {place} với sự tham gia của {20 + index} đoàn viên."]
            paragraphs += rng.sample(_SENTENCES, 3)
            fault = kinds[index - articles] if index >= articles else ""
            portal.articles.append(GenericArticle(
                slug=f"{_slug(topic)}-tai-{_slug(place)}-lan-{index + 1}", title=title,
                published=start - timedelta(days=index, hours=index % 5),
                authors=[_AUTHORS[index % len(_AUTHORS)]] + (
                    [_AUTHORS[(index + 1) % len(_AUTHORS)]] if index % 5 == 2 else []),
                source=f"LĐLĐ quận {place}", section=_SECTIONS[index % len(_SECTIONS)],
                paragraphs=paragraphs,
                listed=index not in hidden,
                fault=fault, attachment=f"tai-lieu-{index + 1}.pdf" if index % 7 == 3 else ""))
        for index in range(documents):
            abbr, issuer = _ISSUERS[index % len(_ISSUERS)]
            code = f"{100 + index * 7}/{abbr}"
            portal.documents.append(GenericDocument(
                code=code, title=f"Về việc triển khai nhiệm vụ công đoàn số {index + 1} năm 2026",
                issued=start - timedelta(days=3 * index), issuer=issuer,
                file=f"vb-{100 + index * 7}.pdf", linked=index % 2 == 0
                or index // 2 >= unlinked_documents))
        return portal

    def modify(self, slug: str, title: str, when: datetime) -> None:
        """Edit an article: a new title and a new ``<lastmod>``."""
        with self._lock:
            article = next(a for a in self.articles if a.slug == slug)
            article.title = title
            article.modified = when

    def truth(self) -> dict[str, dict]:
        """What the portal serves: readable articles and documents with their fields, faults."""
        with self._lock:
            base = self.base_url
            articles = {base + a.path: {
                "title": a.title, "published_text": a.published.strftime("%d/%m/%Y %H:%M"),
                "author": a.author, "source": a.source, "first_paragraph": a.paragraphs[0],
                "category": a.section,
                "attachments": [base + "/files/" + a.attachment] if a.attachment else [],
                "listed": a.listed} for a in self.articles if not a.fault}
            documents = {f"{base}/van-ban/chi-tiet/{_slug(d.code)}": _document_truth(base, d)
                         for d in self.documents if d.linked}
            unlinked = {d.code: _document_truth(base, d) for d in self.documents if not d.linked}
            faults = {base + a.path: a.fault for a in self.articles if a.fault}
        return {"articles": articles, "documents": documents, "unlinked_documents": unlinked,
                "faults": faults}

    # -- HTTP -----------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        """Answer one request."""
        parts = urlsplit(request.path)
        path, query = parts.path, parse_qs(parts.query)
        page = int((query.get("trang") or ["1"])[0]) if (query.get("trang") or ["1"])[0].isdigit(
        ) else 1
        with self._lock:
            if path == "/robots.txt":
                return _text("User-agent: *\nDisallow: /quan-tri/\n"
                             f"Sitemap: {self.base_url}/sitemap.xml\n", "text/plain")
            if path == "/":
                return _html(self._home())
            if path == "/tin-tuc":
                return _html(self._listing(page))
            if path == "/van-ban":
                return _html(self._documents(page))
            if path.startswith("/bai-viet/"):
                slug = path.removeprefix("/bai-viet/")
                if not slug.endswith("/"):  # as web servers do for a directory-like URL
                    return Response(301, b"", [("Location", f"{self.base_url}{path}/")])
                return self._article(slug.rstrip("/"))
            listing = self._people_or_section(path)
            if listing is not None:
                return _html(listing)
            if path.startswith("/files/"):
                body, media_type = build_file(path.rsplit("/", 1)[-1], ("Tài liệu công đoàn",))
                return Response(200, body, [("Content-Type", media_type)])
            if path in ("/gioi-thieu", "/lien-he"):
                return _html(_page("Giới thiệu", "<p>Liên đoàn Lao động thành phố.</p>",
                                   self.base_url))
            if path == "/rss.xml":
                return _text(self._rss(), "application/rss+xml; charset=utf-8")
            if path.startswith("/sitemap"):
                xml = self._sitemap(path)
                if xml is not None:
                    return _text(xml, "application/xml; charset=utf-8")
        return Response(404, _page("Không tìm thấy", "<p>Trang không tồn tại.</p>",
                                   self.base_url).encode(), [("Content-Type", "text/html")])

    def _people_or_section(self, path: str) -> str | None:
        """An author's or a section's listing (``/tac-gia/<slug>/``, ``/chuyen-muc/<slug>/``)."""
        for prefix, key in (("/tac-gia/", "authors"), ("/chuyen-muc/", "section")):
            if path.startswith(prefix) and path.endswith("/"):
                slug = path.removeprefix(prefix).rstrip("/")
                items = [a for a in self._newest() if slug in (
                    [_slug(n) for n in a.authors] if key == "authors" else [_slug(a.section)])]
                if items:
                    rows = "".join(f'<li><a href="{a.path}">{html.escape(a.title)}</a></li>'
                                   for a in items[:self.per_page])
                    return _page(slug, f'<ul class="danh-sach">{rows}</ul>', self.base_url)
        return None

    def _newest(self) -> list[GenericArticle]:
        return sorted((a for a in self.articles if a.listed), key=lambda a: a.published,
                      reverse=True)

    def _home(self) -> str:
        items = "".join(f'<li><a href="{a.path}">{html.escape(a.title)}</a></li>'
                        for a in self._newest()[:6])
        return _page("Trang chủ", f'<div class="tin-moi"><ul>{items}</ul>'
                     '<a href="/tin-tuc">Xem tất cả</a></div>', self.base_url)

    def _listing(self, page: int) -> str:
        newest = self._newest()
        chunk = newest[(page - 1) * self.per_page:page * self.per_page]
        rows = "".join(
            f'<div class="tin"><h3><a href="{a.path}">{html.escape(a.title)}</a></h3>'
            f'<span class="ngay">{a.published:%d/%m/%Y}</span></div>' for a in chunk)
        more = page * self.per_page < len(newest)
        pager = (f'<div class="phan-trang"><a class="sau" href="/tin-tuc?trang={page + 1}">'
                 "Trang sau ›</a></div>") if more else ""
        return _page("Tin tức", f'<div class="danh-sach">{rows}</div>{pager}', self.base_url)

    def _documents(self, page: int) -> str:
        chunk = self.documents[(page - 1) * self.docs_per_page:page * self.docs_per_page]
        first = (page - 1) * self.docs_per_page + 1
        rows = "".join(_document_row(first + i, d) for i, d in enumerate(chunk))
        more = page * self.docs_per_page < len(self.documents)
        pager = (f'<div class="phan-trang"><a class="sau" href="/van-ban?trang={page + 1}">'
                 "Trang sau ›</a></div>") if more else ""
        table = ('<table class="table-vb"><tr><th>STT</th><th>Số/Ký hiệu</th>'
                 "<th>Ngày ban hành</th><th>Trích yếu</th><th>Cơ quan ban hành</th>"
                 f"<th>Tải về</th></tr>{rows}</table>")
        return _page("Văn bản", f"<h2>Văn bản chỉ đạo</h2>{table}{pager}", self.base_url)

    def _article(self, slug: str) -> Response:
        article = next((a for a in self.articles if a.slug == slug), None)
        if article is None or article.fault == "404":
            return Response(404, b"<html><body><h1>404</h1></body></html>",
                            [("Content-Type", "text/html")])
        if article.fault == "soft404":
            return Response(302, b"", [("Location", f"{self.base_url}/")])
        if article.fault == "500":
            return Response(500, b"<html><body>Database error</body></html>",
                            [("Content-Type", "text/html")])
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
        if article.attachment:
            paragraphs += (f'<p>Tài liệu: <a href="/files/{article.attachment}">'
                           f"{article.attachment}</a></p>")
        section = html.escape(article.section)
        body = (f'<div class="breadcrumb"><a href="/">Trang chủ</a> › <a href="/chuyen-muc/'
                f'{_slug(article.section)}/">{section}</a></div>'
                f'<div class="post-detail"><h1 class="post-title">{html.escape(article.title)}'
                f'</h1><div class="post-info">Ngày đăng: {article.published:%d/%m/%Y %H:%M} | '
                f'Lượt xem: 12</div><div class="post-content">{paragraphs}</div>'
                f'<div class="post-author">Tác giả: {" và ".join(article.authors)}</div>'
                f'<div class="post-source">Nguồn: {article.source}</div></div>'
                '<div class="related-posts"><h3>Tin liên quan</h3><ul>'
                + "".join(f'<li><a href="{a.path}">{html.escape(a.title)}</a></li>'
                          for a in self._newest()[:3]) + "</ul></div>")
        data = _page(article.title, body, self.base_url,
                     f'<meta property="article:section" content="{section}">').encode()
        response = Response(200, data, [("Content-Type", "text/html; charset=utf-8")])
        if article.fault == "truncated":
            response.abort_after = len(data) // 3
        return response

    def _rss(self) -> str:
        items = "".join(
            f"<item><title>{html.escape(a.title)}</title><link>{self.base_url}{a.path}</link>"
            f"<pubDate>{format_datetime(a.published.astimezone(UTC), usegmt=True)}</pubDate>"
            "</item>" for a in self._newest()[:10])
        return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>Tin tức</title><link>{self.base_url}/</link>{items}</channel></rss>")

    def _sitemap(self, path: str) -> str | None:
        base = self.base_url
        every = sorted(self.articles, key=lambda a: a.published, reverse=True)
        if path == "/sitemap.xml":
            newest = max(a.lastmod for a in self.articles).isoformat()
            children = "".join(
                f"<sitemap><loc>{base}/{name}</loc><lastmod>{when}</lastmod></sitemap>"
                for name, when in (("sitemap-bai-viet.xml", newest),
                                   ("sitemap-tin-moi.xml", newest),
                                   ("sitemap-trang.xml", "2026-01-05T08:00:00+07:00"),
                                   # listings change with every post, like WordPress's
                                   ("sitemap-tac-gia.xml", newest),
                                   ("sitemap-chuyen-muc.xml", newest)))
            return ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
                    f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}'
                    "</sitemapindex>")
        if path == "/sitemap-bai-viet.xml":
            urls = "".join(f"<url><loc>{base}{a.path}</loc><lastmod>{a.lastmod.isoformat()}"
                           "</lastmod></url>" for a in every)
        elif path == "/sitemap-tin-moi.xml":
            urls = "".join(
                f"<url><loc>{base}{a.path}</loc><news:news><news:publication>"
                "<news:name>LĐLĐ</news:name><news:language>vi</news:language>"
                f"</news:publication><news:publication_date>{a.published.isoformat()}"
                f"</news:publication_date><news:title>{html.escape(a.title)}</news:title>"
                "</news:news></url>" for a in every[:5])
        elif path == "/sitemap-trang.xml":
            urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in ("/gioi-thieu",
                                                                       "/lien-he"))
        elif path in ("/sitemap-tac-gia.xml", "/sitemap-chuyen-muc.xml"):
            prefix, names = (("/tac-gia/", _AUTHORS) if "tac-gia" in path
                             else ("/chuyen-muc/", _SECTIONS))
            urls = "".join(f"<url><loc>{base}{prefix}{_slug(n)}/</loc></url>" for n in names)
        else:
            return None
        return ('<?xml version="1.0" encoding="UTF-8"?><urlset '
                'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                f"{urls}</urlset>")


def _slug(text: str) -> str:
    # The simulator's own folding: it never imports the parsers (two readings of the markup).
    from congdoan.sim.nvtext import ascii_fold

    return "-".join("".join(c if c.isalnum() else " " for c in ascii_fold(text).lower()).split())


def _page(title: str, content: str, base: str, head: str = "") -> str:
    return ('<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)} - LĐLĐ thành phố</title>{head}"
            '<link rel="alternate" type="application/rss+xml" title="Tin tức" href="/rss.xml">'
            '</head><body><header class="site-header">LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ</header>'
            '<nav class="main-menu"><a href="/">Trang chủ</a> <a href="/tin-tuc">Tin tức</a> '
            '<a href="/van-ban">Văn bản</a> <a href="/gioi-thieu">Giới thiệu</a></nav>'
            f'<div class="container">{content}</div>'
            '<footer class="footer"><p>148 Phan Châu Trinh, Đà Nẵng</p></footer></body></html>')


def _html(text: str) -> Response:
    return Response(200, text.encode(), [("Content-Type", "text/html; charset=utf-8")])


def _text(text: str, media_type: str) -> Response:
    return Response(200, text.encode(), [("Content-Type", media_type)])


class _GenericServer(_PortalServer):
    # a deeper accept queue than socketserver's 5: a loaded test machine must not refuse
    # the crawler's concurrent connections
    request_queue_size = 64


class GenericSimServer:
    """Serve one ``GenericPortal`` on 127.0.0.1 in a background thread, with a request log."""

    def __init__(self, portal: GenericPortal, host: str = "127.0.0.1", port: int = 0) -> None:
        self.portal = portal
        self._server = _GenericServer((host, port), portal)  # type: ignore[arg-type]
        portal.base_url = f"http://{host}:{self._server.server_address[1]}"
        self._thread: threading.Thread | None = None

    def start(self) -> GenericSimServer:
        """Start serving; returns self."""
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.2}, daemon=True,
                                        name=f"sim-{self.portal.site_id}")
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> GenericSimServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return self.portal.base_url

    def truth(self) -> dict[str, dict]:
        """What the portal serves now (``GenericPortal.truth``)."""
        return self.portal.truth()

    def requests(self) -> list[RequestRecord]:
        """Every request served since start or the last clear."""
        return self._server.log.snapshot()

    def clear_requests(self) -> None:
        """Forget the request log."""
        self._server.log.clear()

    def registry_toml(self, *, with_nav: bool = True) -> str:
        """A ``[[site]]`` entry for the portal; ``with_nav``: the listing and documents too."""
        lines = ["[[site]]", f'id = "{self.portal.site_id}"', 'province = "Đà Nẵng"',
                 'name = "LĐLĐ thành phố (mô phỏng)"', f'base_url = "{self.base_url}"',
                 'cms = "generic"', "cms_confirmed = true", "enabled = true", "",
                 "[site.generic]", 'article_pattern = "^/bai-viet/[^/]+/?$"']
        if with_nav:
            lines += ['listing_urls = ["/tin-tuc"]', 'next_page = ".phan-trang a.sau"',
                      'document_pages = ["/van-ban"]']
        return "\n".join(lines) + "\n"


def _document_row(number: int, d: GenericDocument) -> str:
    """One row of the documents table; the title links the document's page if it has one."""
    title = html.escape(d.title)
    if d.linked:
        title = f'<a href="/van-ban/chi-tiet/{_slug(d.code)}">{title}</a>'
    return (f"<tr><td>{number}</td><td>{html.escape(d.code)}</td><td>{d.issued:%d/%m/%Y}</td>"
            f"<td>{title}</td><td>{html.escape(d.issuer)}</td>"
            f'<td><a href="/files/{d.file}">{d.file}</a></td></tr>')


def _document_truth(base: str, d: GenericDocument) -> dict[str, object]:
    """What a document's row shows."""
    return {"code": d.code, "title": d.title, "issued_text": d.issued.strftime("%d/%m/%Y"),
            "issuer": d.issuer, "attachments": [base + "/files/" + d.file]}
