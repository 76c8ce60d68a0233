"""The captures of real static CMSs (tools/cmslab): where they are and what a stored
article should hold, from each capture's truth.json (the CMS's own content files)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CAPTURES = {"hugo": FIXTURES / "hugo" / "lab-news", "jekyll": FIXTURES / "jekyll" / "lab-news",
            "hexo": FIXTURES / "hexo" / "landscape"}
FIELDS = ("title", "published", "authors", "category", "tags", "body", "attachments")


def truth(name: str) -> dict:
    return json.loads((CAPTURES[name] / "truth.json").read_text(encoding="utf-8"))


def _nfc(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def field_checks(post: dict, got: dict) -> dict[str, bool]:
    """Per field, whether ``got`` (a stored or parsed article: title, published (an aware
    datetime or None), author, category, tags, body_text, attachment names) matches the
    CMS's post."""
    from datetime import datetime

    published = got["published"]
    want_published = datetime.fromisoformat(post["date"])
    authors = [a.strip() for a in (got["author"] or "").split(",") if a.strip()]
    return {
        "title": _nfc(got["title"]) == _nfc(post["title"]),
        "published": published is not None and published == want_published,
        "authors": authors == post["authors"],
        "category": _nfc(got["category"]) == _nfc(post["category"]),
        "tags": sorted(map(_nfc, got["tags"] or [])) == sorted(map(_nfc, post["tags"])),
        "body": _nfc(got["body_text"]) == _nfc(" ".join(post["body_lines"])),
        "attachments": got["attachments"] == [a["name"] for a in post["attachments"]],
    }
