"""Truth says what the pages show; files are real; content is deterministic and can grow."""

from __future__ import annotations

import io
import tomllib
from datetime import datetime

import docx
import pypdf
import pytest
from lxml import html as lxml_html

from congdoan.sim import Portal, PortalSpec, SimServer, default_portals
from congdoan.sim.site import Request
from tests.sim.conftest import fetch

SITES = ["sim1", "sim2", "sim3"]


def _clean(text: str) -> str:
    return " ".join(text.split())


def _block_lines(body) -> list[str]:
    """Independent reading of #news-bodyhtml: one line per paragraph/item/row."""
    lines = []
    for node in body.iter("p", "li", "tr"):
        if node.tag == "tr":
            lines.append(" ".join(_clean(td.text_content()) for td in node.findall("td")))
        elif node.tag == "li" or not node.xpath("ancestor::li"):
            lines.append(_clean(node.text_content()))
    return [line for line in lines if line]


@pytest.mark.parametrize("site", SITES)
def test_article_pages_show_the_truth(sim, site):
    for article in sim.truth(site)["articles"][:12]:
        tree = lxml_html.fromstring(fetch(article["url"]).body)
        assert _clean(tree.xpath("string(//h1[@itemprop='headline'])")) == article["title"]
        visible = tree.xpath("string((//div[contains(@class,'margin-bottom-lg')]"
                             "//span[@class='h5'])[1])")
        assert visible == article["published_text"]
        hidden = tree.xpath("string(//span[@itemprop='datePublished'])")
        assert datetime.fromisoformat(hidden) != datetime.fromisoformat(article["published_at"])
        authors = tree.xpath("//p[contains(@class,'text-right')][strong[text()='Tác giả: ']]")
        if article["author"] is None:
            assert authors == []
        else:
            assert _clean(authors[0].text_content()) == f"Tác giả: {article['author']}"
        body = tree.get_element_by_id("news-bodyhtml")
        assert "\n".join(_block_lines(body)) == article["body_text"]
        assert _clean(tree.xpath("string(//div[@itemprop='description'])")) == article["summary"]
        files = tree.xpath("//div[contains(@class,'news-download-file')]//a[@download]")
        assert [_clean(a.xpath("string(strong)")) for a in files] == [
            f["name"] for f in article["attachments"]]


def test_variety_of_seeded_articles(sim):
    articles = [a for site in SITES for a in sim.truth(site)["articles"]]
    assert any(a["author"] is None for a in articles)
    assert any(a["source"] for a in articles)
    assert any(a["attachments"] for a in articles)
    assert any(a["tags"] for a in articles)
    assert any(len(a["category_path"]) == 2 for a in articles)  # child category
    years = {a["published_at"][:4] for a in articles}
    assert len(years) >= 8
    assert all(a["published_at"].endswith("+07:00") for a in articles)


@pytest.mark.parametrize("site", SITES)
def test_document_pages_show_the_truth(sim, site):
    for doc in sim.truth(site)["documents"][:10]:
        tree = lxml_html.fromstring(fetch(doc["url"]).body)
        assert _clean(tree.xpath("string(//h1[@class='lawh3'])")) == doc["title"]
        rows = {
            _clean(tr[0].text_content()): _clean(tr[1].text_content())
            for tr in tree.xpath("//tr[@class='hoatim']")
        }
        assert rows["Số kí hiệu"] == doc["code"]
        assert rows.get("Ngày ban hành") == doc["issued_text"]
        assert rows.get("Ngày bắt đầu hiệu lực") == doc["effective_text"]
        assert rows.get("Ngày hết hiệu lực") == doc["expires_text"]
        assert rows["Thể loại"] == doc["category"]
        assert rows["Người ký"] == doc["signer"]
        assert rows["Cơ quan ban hành"] == doc["issuer"]
        areas = tree.xpath("//tr[@class='hoatim'][td[1][normalize-space()='Lĩnh vực']]/td[2]/a")
        assert [_clean(a.text_content()) for a in areas] == doc["field"]


def test_documents_mix_code_systems_and_missing_dates(sim):
    docs = [d for site in SITES for d in sim.truth(site)["documents"]]
    codes = [d["code"] for d in docs]
    assert any("-CT/TW" in c or "-KL/TW" in c for c in codes)
    assert any(c.count("/") == 2 for c in codes)  # 123/2020/NĐ-CP shape
    assert any(" /" in c for c in codes)  # the stray space of 1076 /LĐLĐ
    assert any(d["effective_on"] is None for d in docs)
    assert any(d["expires_on"] for d in docs)


def test_attachments_are_valid_pdf_and_docx(sim):
    seen = set()
    for site in SITES:
        for doc in sim.truth(site)["documents"]:
            for attachment in doc["attachments"]:
                kind = attachment["name"].rsplit(".", 1)[1]
                if kind in seen:
                    continue
                file = fetch(attachment["url"])
                assert file.status == 200
                if kind == "pdf":
                    assert file.headers["Content-Type"] == "application/pdf"
                    text = pypdf.PdfReader(io.BytesIO(file.body)).pages[0].extract_text()
                    assert doc["code"] in text and doc["title"] in text
                else:
                    paragraphs = [p.text for p in docx.Document(io.BytesIO(file.body)).paragraphs]
                    assert doc["title"] in paragraphs
                seen.add(kind)
    assert seen == {"pdf", "docx"}


def test_article_attachment_also_served_under_uploads(sim):
    article = next(a for s in SITES for a in sim.truth(s)["articles"] if a["attachments"])
    portal = sim.portal(next(s for s in SITES if article in sim.truth(s)["articles"]))
    stored = portal.content.article(article["source_id"]).files[0]
    via_link = fetch(article["attachments"][0]["url"])
    via_upload = fetch(portal.urls.absolute(stored.path))
    assert via_link.status == via_upload.status == 200
    assert via_link.body == via_upload.body


def test_same_seed_same_truth_other_seed_other_truth():
    def content(spec: PortalSpec) -> dict:
        truth = Portal(spec, "http://127.0.0.1:1").truth()
        return {"articles": truth["articles"], "documents": truth["documents"]}

    assert content(PortalSpec("a", seed=7)) == content(PortalSpec("a", seed=7))
    assert content(PortalSpec("a", seed=7)) != content(PortalSpec("a", seed=8))


def test_same_seed_same_page_bytes():
    first = Portal(PortalSpec("a", seed=2), "http://127.0.0.1:1")
    second = Portal(PortalSpec("a", seed=2), "http://127.0.0.1:1")
    url = first.truth()["articles"][3]["url"].removeprefix("http://127.0.0.1:1")
    assert first.handle(Request("GET", url)).body == second.handle(Request("GET", url)).body


def test_added_items_top_listings_rss_and_sitemaps():
    with SimServer([PortalSpec("grow", articles=25, documents=12)]) as sim:
        portal = sim.portal("grow")
        before = sim.truth("grow")
        newest_before = max(a["published_at"] for a in before["articles"])
        new_ids = portal.add_articles(2)
        new_docs = portal.add_documents(1)
        truth = sim.truth("grow")
        added = [a for a in truth["articles"] if a["source_id"] in new_ids]
        assert len(truth["articles"]) == 27 and len(added) == 2
        assert all(a["published_at"] > newest_before for a in added)
        base = sim.base_url("grow")
        feed = fetch(base + "/rss/").text
        assert feed.index(added[0]["url"]) < feed.index(before["articles"][0]["url"])
        home = fetch(base + "/").text
        assert added[-1]["url"].removeprefix(base) in home
        category = next(c for c in truth["categories"] if c["title"] == added[-1]["category"])
        first = lxml_html.fromstring(fetch(category["url"]).body)
        top = first.xpath("(//div[contains(@class,'featured')]/h2/a/@href)[1]")[0]
        assert base + top in {a["url"] for a in added}
        laws = lxml_html.fromstring(fetch(base + "/laws/").body)
        doc = next(d for d in truth["documents"] if d["source_id"] == new_docs[0])
        assert base + laws.xpath("(//div[@class='c-code']/a/@href)[1]")[0] == doc["url"]
        assert doc["url"] in fetch(base + "/sitemap-vi.laws.xml").text


def test_registry_toml_has_exactly_the_registry_keys(sim):
    entries = tomllib.loads(sim.registry_toml())["site"]
    assert [e["id"] for e in entries] == SITES
    keys = {"id", "province", "name", "base_url", "cms", "cms_confirmed", "url_style",
            "lang_prefix", "news_module", "news_sections", "laws_module"}
    assert all(set(e) == keys for e in entries)
    third = entries[2]
    assert (third["url_style"], third["lang_prefix"], third["news_module"],
            third["laws_module"]) == ("rewrite", True, "news", "van-ban")
    assert third["base_url"] == sim.base_url("sim3")
    assert "cong-doan-co-so" in third["news_sections"]


def test_default_portals_cycle_url_setups():
    specs = default_portals(4, articles=5, documents=2)
    assert [(s.url_style, s.lang_prefix, s.news_module, s.laws_module) for s in specs] == [
        ("rewrite", False, "", "laws"), ("query", False, "", "laws"),
        ("rewrite", True, "news", "van-ban"), ("rewrite", False, "", "laws")]
    assert len({s.seed for s in specs}) == 4


def test_large_portal_is_built_lazily():
    portal = Portal(PortalSpec("big", articles=3000, documents=600), "http://127.0.0.1:1")
    last = portal.urls.news_cat("tin-tuc-su-kien", 1)
    page = portal.handle(Request("GET", last))
    assert page.status == 200
    assert len(portal.content.article_ids()) == 3000
