"""Ground truth of a simulated portal: the values its pages display, with the parser keys.

Text values come from the content model (never from parsing our own HTML):
unescaped, whitespace-normalised, NFC. ``body_text`` has one line per block
(paragraph, caption, list item, table row with cells joined by a space).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from congdoan.normalize.text import clean_line
from congdoan.sim.content import CATEGORIES, CATEGORY_BY_ALIAS, Article, Block, Document
from congdoan.sim.pages.laws import detail_file_url
from congdoan.sim.pages.news import article_body_html, display_date

if TYPE_CHECKING:
    from congdoan.sim.site import Portal


def _block_lines(block: Block) -> list[str]:
    if block.kind in ("p", "img"):  # an image contributes its caption line
        return [block.text]
    return [" ".join(row) for row in block.rows]


def body_text(blocks: tuple[Block, ...]) -> str:
    """One cleaned line per block, joined by newlines."""
    lines = (clean_line(line) for block in blocks for line in _block_lines(block))
    return "\n".join(line for line in lines if line)


def article_truth(site: Portal, article: Article) -> dict:
    """Parser keys of one article, plus ``url`` and ``published_at``."""
    urls = site.urls
    url = urls.absolute(site.article_url(article))
    chain = [article.category]
    while chain[0].parent:
        chain.insert(0, CATEGORY_BY_ALIAS[chain[0].parent])
    images = []
    if article.image:
        images.append({"url": urls.absolute(f"/uploads/news/{article.image[0]}"),
                       "alt": clean_line(article.image[1])})
    images += [{"url": urls.absolute(b.src), "alt": clean_line(b.text)}
               for b in article.blocks if b.kind == "img"]
    page_url = site.article_url(article)
    return {
        "title": clean_line(article.title),
        "published_text": display_date(article.published),
        "author": article.author,
        "source": article.source,
        "category": article.category.title,
        "category_path": [c.title for c in chain],
        "summary": clean_line(article.summary),
        "body_html": article_body_html(article),
        "body_text": body_text(article.blocks),
        "images": images,
        "attachments": [{"url": urls.absolute(urls.file_link(page_url, i)), "name": f.name}
                        for i, f in enumerate(article.files)],
        "tags": list(article.tags),
        "source_id": article.id,
        "canonical_url": url,
        "url": url,
        "published_at": article.published.isoformat(),
    }


def document_truth(site: Portal, doc: Document) -> dict:
    """Parser keys of one document, plus ``url`` and ISO dates."""
    urls = site.urls
    url = urls.absolute(urls.law_detail(doc.alias))

    def shown(value: object) -> str | None:
        return f"{value:%d/%m/%Y}" if value else None

    return {
        "code": clean_line(doc.code),
        "title": clean_line(doc.title),
        "intro": clean_line(doc.intro),
        "body_text": "\n".join(clean_line(line) for line in doc.body) or None,
        "issued_text": shown(doc.issued),
        "effective_text": shown(doc.effective),
        "expires_text": shown(doc.expires),
        "signer": doc.signer,
        "issuer": doc.issuer,
        "category": doc.kind.name,
        "field": list(doc.areas),
        # Shown in the sidebar block "Văn bản mới"; fixed so truth stays comparable.
        "views": doc.views,
        "downloads": doc.downloads,
        "attachments": [{"url": urls.absolute(detail_file_url(site, doc, i)), "name": f.name}
                        for i, f in enumerate(doc.files)],
        "source_id": doc.id,
        "canonical_url": url,
        "url": url,
        "issued_on": doc.issued.isoformat(),
        "effective_on": doc.effective.isoformat() if doc.effective else None,
        "expires_on": doc.expires.isoformat() if doc.expires else None,
    }


def portal_truth(site: Portal) -> dict:
    """Everything a complete crawl of ``site`` should find, computed now."""
    content = site.content
    return {
        "site": {**asdict(site.spec), "base_url": site.urls.base_url},
        "categories": [
            {"alias": c.alias, "title": c.title, "parent": c.parent or None,
             "url": site.urls.absolute(site.urls.news_cat(c.alias))}
            for c in CATEGORIES
        ],
        "articles": [article_truth(site, content.article(i))
                     for i in sorted(content.article_ids())],
        "documents": [document_truth(site, content.document(i))
                      for i in sorted(content.document_ids())],
        "relations": relation_truth(site),
    }


def relation_truth(site: Portal) -> list[dict]:
    """What each document's text says it does to an earlier one of the portal."""
    from congdoan.normalize.doccodes import parse_doc_code

    content = site.content
    out = []
    for doc_id in sorted(content.document_ids()):
        doc = content.document(doc_id)
        for rel in doc.relations:
            target = parse_doc_code(rel.target_code)
            out.append({"source_id": doc.id, "code": clean_line(doc.code), "type": rel.type,
                        "target_id": rel.target_id,
                        "target_code": target.normalised if target else rel.target_code,
                        "scope": rel.scope, "sentence": rel.sentence})
    return out
