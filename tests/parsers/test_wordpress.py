"""WordPress readers on real captured pages and API answers, against expectations
written from the WordPress database (tests/fixtures/wordpress/*/expected/, made by
tools/wordpress/expected.py from truth.json, never from these parsers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from congdoan.parsers.errors import ParseError
from congdoan.parsers.wordpress_archive import is_wordpress_body, read_archived_post
from congdoan.parsers.wordpress_html import parse_wp_article, parse_wp_listing
from congdoan.parsers.wordpress_rest import parse_rest_post, parse_rest_posts
from tests.wordpress_replay import CAPTURES, VARIANTS, CapturedSite, load_capture, url_key

READERS = {"wp-rest-post": parse_rest_post, "wp-article": parse_wp_article,
           "wp-listing": parse_wp_listing}
CASES = sorted((variant, path.name) for variant in VARIANTS
               for path in (CAPTURES / variant / "expected").glob("*.json"))
_SITES: dict[str, CapturedSite] = {}


def _site(variant: str) -> CapturedSite:
    if variant not in _SITES:
        _SITES[variant] = load_capture(CAPTURES / variant)
    return _SITES[variant]


def test_every_capture_has_expectations_for_every_post() -> None:
    for variant in VARIANTS:
        posts = _site(variant).truth["posts"]
        names = {name for v, name in CASES if v == variant}
        assert {f"post-{p['id']}.html.json" for p in posts} <= names
        assert {f"post-{p['id']}.rest.json" for p in posts} <= names
        assert any(name.startswith("listing-") for name in names)


@pytest.mark.parametrize(("variant", "name"), CASES)
def test_reader_matches_the_database(variant: str, name: str) -> None:
    case = json.loads((CAPTURES / variant / "expected" / name).read_text(encoding="utf-8"))
    response = _site(variant).response(case["url"])
    reader = READERS[case["kind"]]
    expected = case["expected"]
    if "raises" in expected:
        with pytest.raises(ParseError, match=expected["raises"]):
            reader(response.body, case["url"])
        return
    got = reader(response.body, case["url"])
    if case["kind"] == "wp-listing":
        # WordPress's paging links put ?cat= and &paged= in either order.
        got["next_page"] = got["next_page"] and url_key(got["next_page"])
        expected["next_page"] = expected["next_page"] and url_key(expected["next_page"])
    else:
        assert got.pop("body_html")
    assert got == expected


@pytest.mark.parametrize("variant", [v for v in VARIANTS if "restclosed" not in v])
def test_rest_listing_pages_hold_every_public_post_once_newest_change_first(variant: str) -> None:
    site = _site(variant)
    public = {p["id"]: p for p in site.truth["posts"] if p["public"]}
    seen: list[dict] = []
    for key, response in sorted(site.responses.items()):
        if "orderby=modified" in key and "per_page=5" in key and response.status == 200:
            page = int(key.split("page=")[1].split("&")[0])
            seen.append((page, parse_rest_posts(response.body, response.url)))
    records = [r for _, page in sorted(seen, key=lambda x: x[0]) for r in page]
    assert sorted(r["source_id"] for r in records) == sorted(public)
    modified = [r["modified_text"] for r in records]
    assert modified == sorted(modified, reverse=True)
    for record in records:
        assert record["title"] == public[record["source_id"]]["title"]


def test_body_keeps_no_chrome_and_no_file_buttons() -> None:
    site = _site("twentytwentyone-pretty")
    post = next(p for p in site.truth["posts"] if p["attachments"])
    record = parse_wp_article(site.response(post["link"]).body, post["link"])
    for chrome in ("Tải xuống", "Published", "Categorized as", "Recent Posts", "<script"):
        assert chrome not in record["body_html"] and chrome not in record["body_text"]


def test_rest_error_objects_and_non_json_are_one_line_errors() -> None:
    with pytest.raises(ParseError, match=r"^http://x/: not a JSON document"):
        parse_rest_post(b"<html>", "http://x/")
    with pytest.raises(ParseError, match="not a list of posts: error rest_login_required"):
        parse_rest_posts(b'{"code": "rest_login_required"}', "http://x/")
    with pytest.raises(ParseError, match="post 5 is not public"):
        parse_rest_post({"id": 5, "title": {"rendered": "x"}, "status": "draft"}, "http://x/")


def test_rest_post_without_embed_takes_names_from_lookups() -> None:
    site = _site("twentytwentyone-pretty")
    post = next(p for p in site.truth["posts"] if p["public"] and p["tags"])
    data = json.loads(site.response(f"/wp-json/wp/v2/posts/{post['id']}?_embed=1").body)
    data.pop("_embedded")
    users = {u["id"]: u["display_name"] for u in site.truth["users"]}
    terms = {t["id"]: t["name"] for t in site.truth["categories"] + site.truth["tags"]}
    record = parse_rest_post(data, "http://x/", users=users, terms=terms)
    assert record["author"] == post["author"]["display_name"]
    assert record["category_path"] == post["categories"]
    assert sorted(record["tags"]) == sorted(post["tags"])
    assert parse_rest_post(data, "http://x/")["author"] is None


def test_archived_bodies_are_told_apart_from_nukeviet_pages() -> None:
    real = Path(__file__).parents[1] / "fixtures" / "nukeviet-real"
    for page in sorted(real.glob("*/*.html")):
        assert not is_wordpress_body(page.read_bytes()), page.name
    site = _site("twentytwentythree-plain")
    post = next(p for p in site.truth["posts"] if p["public"])
    page = site.response(post["link"]).body
    assert read_archived_post(page, post["link"], post["id"])["title"] == post["title"]
    listing = next(r for k, r in site.responses.items() if "per_page=100" in k
                   and r.status == 200)
    record = read_archived_post(listing.body, post["link"], post["id"])
    assert record["source_id"] == post["id"]
    with pytest.raises(ParseError, match="post 999 is not in its archived API page"):
        read_archived_post(listing.body, post["link"], 999)
