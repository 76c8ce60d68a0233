"""Write a static CMS capture's truth.json from the CMS's own content files and post list.

Usage: python truth.py CMS SITE_DIR POSTS_FILE BASE_URL VERSION THEME > truth.json

POSTS_FILE is the CMS's own list of its posts, drafts included, with the URL it
gives each (Hugo: ``hugo list all`` CSV; Jekyll: ``tools/jekyll/list_posts.rb``;
Hexo: ``tools/hexo/list_posts.js``, both JSON). Titles, dates, authors,
sections, tags, attached files and body lines come from the posts' front matter
and Markdown: never from congdoan's readers. A post is public when the CMS
publishes it (not a draft, not ``published: false``).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

VIETNAM = timezone(timedelta(hours=7))
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_CONTENT = {"hugo": "content", "jekyll": ".", "hexo": "source"}


def front_matter(path: Path) -> tuple[dict, str]:
    """A Markdown file's YAML front matter and its body."""
    text = path.read_text(encoding="utf-8")
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head), body


def body_lines(body: str) -> list[str]:
    """The text lines of a Markdown body of plain paragraphs: links become their text."""
    return [_LINK.sub(r"\1", block.strip()) for block in body.split("\n\n") if block.strip()]


def files(body: str, base: str) -> list[dict]:
    return [{"url": base + href, "name": text} for text, href in _LINK.findall(body)
            if href.startswith("/files/")]


def local_iso(value: object) -> str:
    """A front-matter date (YAML gives a datetime, naive = the site's zone) as ISO +07:00."""
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    when = when.replace(tzinfo=VIETNAM) if when.tzinfo is None else when.astimezone(VIETNAM)
    return when.isoformat()


def cms_posts(cms: str, posts_file: Path) -> list[dict]:
    """The CMS's list as ``{path, url, public}``, path relative to the content folder."""
    text = posts_file.read_text(encoding="utf-8")
    if cms == "hugo":
        rows = csv.DictReader(io.StringIO(text))
        return [{"path": r["path"].removeprefix("content/"), "url": r["permalink"],
                 "public": r["draft"] != "true"} for r in rows]
    rows = json.loads(text)
    if cms == "jekyll":
        return [{"path": r["path"], "url": r["url"],
                 "public": not r["draft"] and r["published"] is not False} for r in rows]
    return [{"path": r["path"], "url": r["url"],
             "public": r["published"] and not r["path"].startswith("_drafts/")} for r in rows]


def main(cms: str, site_dir: str, posts_file: str, base: str, version: str, theme: str) -> None:
    site = Path(site_dir)
    content = site / _CONTENT[cms]
    config_author = None
    if cms == "hexo":
        config_author = yaml.safe_load((site / "_config.yml").read_text(encoding="utf-8"))[
            "author"]
    out, pages = [], []
    for listed in sorted(cms_posts(cms, Path(posts_file)), key=lambda r: r["path"]):
        meta, body = front_matter(content / listed["path"])
        path = Path(listed["path"])
        if cms == "hugo" and len(path.parts) == 1:  # a page (the about page), no post
            pages.append({"title": meta["title"], "link": listed["url"]})
            continue
        if cms == "hugo":
            section = path.parts[0]
            category = front_matter(content / section / "_index.md")[0]["title"]
            authors = meta["authors"]
        elif cms == "jekyll":
            category = meta["section"]
            authors = meta["author"] if isinstance(meta["author"], list) else [meta["author"]]
        else:
            category = meta["categories"][0]
            # The landscape theme prints no post author: only the site's, in article:author.
            authors = [config_author]
        status = "publish" if listed["public"] else (
            "draft" if meta.get("draft") or "_drafts" in path.parts else "unpublished")
        out.append({
            "id": path.stem.split("-", 3)[-1] if cms == "jekyll" and path.parts[0] == "_posts"
            else path.stem,
            "title": meta["title"], "date": local_iso(meta["date"]), "authors": authors,
            "category": category, "tags": meta.get("tags") or [],
            "attachments": files(body, base.rstrip("/")), "body_lines": body_lines(body),
            "link": listed["url"], "public": listed["public"], "status": status,
        })
    truth = {"site": {"cms": f"{cms} {version}", "theme": theme, "base_url": base.rstrip("/")},
             "posts": out, "pages": pages}
    json.dump(truth, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
