"""Write the parser expectations of each WordPress capture, from its truth.json only.

Usage: python tools/wordpress/expected.py [CAPTURES_DIR]
(default tests/fixtures/wordpress). For every capture folder it writes
``expected/*.json``, one per captured page a parser reads:
``{"url": captured URL, "kind": ..., "expected": record | {"raises": fragment}}``.
Kinds: ``wp-rest-post`` (a ``/wp/v2/posts/ID`` answer), ``wp-article`` (a post
page), ``wp-listing`` (a category archive page). Nothing here imports
congdoan: the values come from the WordPress database export.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import urlencode

# Block themes render their whole template through wptexturize, so their term
# links show names with curled dashes and quotes; classic themes print the
# stored name. Post titles and bodies are texturized by every theme (and REST).
TEXTURIZED_TERMS = {"twentytwentythree", "twentytwentytwo"}


def rest_url(base: str, pretty: bool, route: str, **params: object) -> str:
    query = urlencode(sorted((k, str(v)) for k, v in params.items()))
    if pretty:
        return f"{base}/wp-json{route}" + (f"?{query}" if query else "")
    return f"{base}/?rest_route={route}" + (f"&{query}" if query else "")


def record(post: dict, *, rest: bool, texturized_terms: bool) -> dict:
    """The article record a reader must return for ``post``."""
    names = {a["name"] for a in post["attachments"]}
    images: dict[str, dict] = {}
    if post["featured_image"]:
        images[post["featured_image"]] = {"url": post["featured_image"],
                                          "alt": post["featured_image_alt"] or None}
    for image in post["content_images"]:
        images.setdefault(image["url"], {"url": image["url"], "alt": image["alt"] or None})
    terms = "_displayed" if texturized_terms and not rest else ""
    categories = post["categories" + terms]
    return {
        "title": post["title"],
        "published_text": post["date"],
        # The bundled themes print no modified time; the API always gives it.
        "modified_text": post["modified"] if rest else None,
        "author": post["author"]["display_name"],
        "source": None,
        "category": categories[0] if categories else None,
        "category_path": categories,
        # Core prints no description meta: only the API carries the excerpt.
        "summary": post["excerpt"] if rest else None,
        # File blocks become attachments, their link text leaves the body.
        "body_text": "\n".join(line for line in post["body_lines"] if line not in names),
        "images": list(images.values()),
        "attachments": post["attachments"],
        "tags": post["tags" + terms],
        "source_id": post["id"],
        "canonical_url": post["link"],
    }


def listings(truth: dict) -> list[dict]:
    """Each category archive page: its posts (children's included), newest first."""
    site = truth["site"]
    pretty = site["permalinks"] == "pretty"
    per_page = site["posts_per_page"]
    children: dict[int, list[int]] = {}
    for cat in truth["categories"]:
        children.setdefault(cat["parent"], []).append(cat["id"])
    out = []
    for cat in truth["categories"]:
        family, todo = set(), [cat["id"]]
        while todo:
            current = todo.pop()
            family.add(current)
            todo.extend(children.get(current, []))
        posts = sorted((p for p in truth["posts"] if p["public"]
                        and family & set(p["category_ids"])), key=lambda p: p["date"],
                       reverse=True)
        pages = max(1, -(-len(posts) // per_page))
        for page in range(1, pages + 2):
            url = cat["url"] if page == 1 else (
                f"{cat['url']}page/{page}/" if pretty else f"{cat['url']}&paged={page}")
            if page > pages:
                out.append({"url": url, "kind": "wp-listing",
                            "expected": {"raises": "WordPress 404 page"}})
                continue
            chunk = posts[(page - 1) * per_page:page * per_page]
            next_url = None
            if page < pages:
                next_url = (f"{cat['url']}page/{page + 1}/" if pretty
                            else f"{cat['url']}&paged={page + 1}")
            out.append({"url": url, "kind": "wp-listing", "expected": {
                "items": [{"url": p["link"], "title": p["title"], "listed_text": p["date"]}
                          for p in chunk],
                "next_page": next_url}})
    return out


def write_expected(folder: Path) -> int:
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    site = truth["site"]
    base, pretty = site["base_url"], site["permalinks"] == "pretty"
    rest_open = site["rest"] == "open"
    textured = site["theme"] in TEXTURIZED_TERMS
    out_dir = folder / "expected"
    out_dir.mkdir(exist_ok=True)
    for old in out_dir.glob("*.json"):
        old.unlink()
    cases: dict[str, dict] = {}
    for post in truth["posts"]:
        pid = post["id"]
        rest = rest_url(base, pretty, f"/wp/v2/posts/{pid}", _embed=1)
        if post["public"]:
            cases[f"post-{pid}.html"] = {"url": post["link"], "kind": "wp-article",
                                         "expected": record(post, rest=False,
                                                            texturized_terms=textured)}
            cases[f"post-{pid}.rest"] = {"url": rest, "kind": "wp-rest-post", "expected": (
                record(post, rest=True, texturized_terms=False) if rest_open
                else {"raises": "error rest_login_required"})}
        else:
            cases[f"post-{pid}.html"] = {"url": post["shortlink"], "kind": "wp-article",
                                         "expected": {"raises": "WordPress 404 page"}}
            cases[f"post-{pid}.rest"] = {"url": rest, "kind": "wp-rest-post", "expected": {
                "raises": "error rest_forbidden" if rest_open else "error rest_login_required"}}
    for number, case in enumerate(listings(truth), start=1):
        cases[f"listing-{number:02d}"] = case
    for name, case in cases.items():
        (out_dir / f"{name}.json").write_text(
            json.dumps(case, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(cases)


def main(root: str = "tests/fixtures/wordpress") -> None:
    for folder in sorted(Path(root).iterdir()):
        if (folder / "truth.json").exists():
            print(f"{folder.name}: {write_expected(folder)} expectations", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:])
