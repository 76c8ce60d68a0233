"""WordPress REST API (``/wp/v2/posts``): one post object -> the article record.

Reads the post as the API gives it with ``_embed`` (author, categories, tags
and featured image inline). Without ``_embed`` the names can come from the
``users`` and ``terms`` lookups the caller fetched; otherwise they are empty.
See docs/contracts.md for the keys; ``published_text``/``modified_text`` are
ISO 8601 with the site's UTC offset (from ``date`` and ``date_gmt``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import lxml.html

from congdoan.normalize.text import clean_line
from congdoan.parsers.body import body_images
from congdoan.parsers.decoding import decode_body
from congdoan.parsers.errors import ParseError
from congdoan.parsers.wordpress_body import manual_excerpt, read_body


def load_json(body: str | bytes | Any, url: str) -> Any:
    """A REST response body as JSON; ``ParseError`` when it is not JSON."""
    if not isinstance(body, str | bytes):
        return body
    try:
        return json.loads(decode_body(body) if isinstance(body, bytes) else body)
    except ValueError as exc:
        raise ParseError(url, f"not a JSON document ({exc.msg})") from None


def parse_rest_posts(body: str | bytes | list, url: str) -> list[dict]:
    """A ``/wp/v2/posts`` listing -> one article record per post."""
    posts = load_json(body, url)
    if not isinstance(posts, list):
        raise ParseError(url, f"not a list of posts: {_error_code(posts)}")
    return [parse_rest_post(post, url) for post in posts]


def parse_rest_post(post: str | bytes | dict, url: str, *,
                    users: dict[int, str] | None = None,
                    terms: dict[int, str] | None = None) -> dict:
    """One REST post object -> the article record (docs/contracts.md).

    Raises ``ParseError`` for an error object (``{"code": "rest_forbidden"}``),
    a non-post, or a post that is not public (``status`` other than publish).
    """
    post = load_json(post, url)
    if not isinstance(post, dict) or "id" not in post or "title" not in post:
        raise ParseError(url, f"not a WordPress post object: {_error_code(post)}")
    if post.get("status", "publish") != "publish":
        raise ParseError(url, f"post {post['id']} is not public (status {post['status']})")
    link = post.get("link") or url
    title = clean_line(_rendered(post.get("title")), unescape=True)
    if not title:
        raise ParseError(url, f"post {post['id']} has no title")
    content = lxml.html.fragment_fromstring(_rendered(post.get("content")) or "",
                                            create_parent="div")
    body = read_body(content, link)
    embedded = post.get("_embedded") or {}
    categories, tags = _terms(post, embedded, terms or {})
    return {
        "title": title,
        "published_text": _iso(post.get("date"), post.get("date_gmt")),
        "modified_text": _iso(post.get("modified"), post.get("modified_gmt")),
        "author": _author(post, embedded, users or {}),
        "source": None,
        "category": categories[0] if categories else None,
        "category_path": categories,
        "summary": manual_excerpt(_excerpt_text(post), body["body_text"]),
        "body_html": body["body_html"],
        "body_text": body["body_text"],
        "images": _dedupe(_featured(embedded) + body_images(body["_body"])),
        "attachments": body["attachments"],
        "tags": tags,
        "source_id": int(post["id"]),
        "canonical_url": link,
    }


def _rendered(field: Any) -> str | None:
    if isinstance(field, dict):
        return field.get("rendered")
    return field if isinstance(field, str) else None


def _error_code(value: Any) -> str:
    if isinstance(value, dict) and "code" in value:
        return f"error {value['code']}"
    return type(value).__name__


def _iso(local: str | None, gmt: str | None) -> str | None:
    """``2026-09-02T08:30:00`` + its GMT twin -> ``2026-09-02T08:30:00+07:00``."""
    if not local:
        return None
    try:
        local_dt = datetime.fromisoformat(local)
        if not gmt:
            return local_dt.isoformat()
        minutes = round((local_dt - datetime.fromisoformat(gmt)).total_seconds() / 60)
    except ValueError:
        return local
    sign = "+" if minutes >= 0 else "-"
    return f"{local_dt.isoformat()}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _author(post: dict, embedded: dict, users: dict[int, str]) -> str | None:
    for author in embedded.get("author") or []:
        # An author the API will not show (users endpoint closed) is an error object.
        if isinstance(author, dict) and author.get("name"):
            return clean_line(author["name"], unescape=True)
    return users.get(post.get("author"))


def _terms(post: dict, embedded: dict, lookup: dict[int, str]) -> tuple[list[str], list[str]]:
    found: dict[str, list[str]] = {"category": [], "post_tag": []}
    for group in embedded.get("wp:term") or []:
        for term in group if isinstance(group, list) else []:
            if isinstance(term, dict) and term.get("taxonomy") in found and term.get("name"):
                found[term["taxonomy"]].append(clean_line(term["name"], unescape=True))
    if not any(found.values()):
        found["category"] = [lookup[i] for i in post.get("categories") or [] if i in lookup]
        found["post_tag"] = [lookup[i] for i in post.get("tags") or [] if i in lookup]
    return found["category"], found["post_tag"]


def _excerpt_text(post: dict) -> str | None:
    excerpt = _rendered(post.get("excerpt"))
    if not excerpt:
        return None
    return lxml.html.fragment_fromstring(excerpt, create_parent="div").text_content()


def _featured(embedded: dict) -> list[dict]:
    for media in embedded.get("wp:featuredmedia") or []:
        if isinstance(media, dict) and media.get("source_url"):
            return [{"url": media["source_url"], "alt": clean_line(media.get("alt_text"))}]
    return []


def _dedupe(images: list[dict]) -> list[dict]:
    seen: dict[str, dict] = {}
    for image in images:
        seen.setdefault(image["url"], image)
    return list(seen.values())
