"""The WordPress captures are complete and the replay server serves them byte for byte."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.wordpress_replay import CAPTURES, VARIANTS, load_capture, serve_capture


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_both_themes_and_both_permalink_styles_are_captured() -> None:
    metas = [load_capture(CAPTURES / v).meta for v in VARIANTS]
    assert {m["theme"].split()[0] for m in metas} >= {"twentytwentythree", "twentytwentyone"}
    assert {(m["theme"].split()[0], m["permalinks"]) for m in metas if m["rest"] == "open"} == {
        (theme, style) for theme in ("twentytwentythree", "twentytwentyone")
        for style in ("plain", "pretty")}
    assert any(m["rest"] == "closed" for m in metas)


@pytest.mark.parametrize("variant", VARIANTS)
def test_replay_serves_every_capture_byte_for_byte(variant: str) -> None:
    with serve_capture(variant) as (base, site):
        for key, saved in site.responses.items():
            if saved.status in (301, 302):
                continue  # urllib would follow it; checked below
            status, headers, body = _get(base + key)
            assert (status, body) == (saved.status, saved.body), key
            assert headers.get("Content-Type") == dict(saved.headers).get("Content-Type"), key


@pytest.mark.parametrize("variant", VARIANTS)
def test_unknown_urls_get_the_sites_own_404_page(variant: str) -> None:
    with serve_capture(variant) as (base, site):
        status, _, body = _get(base + "/khong-co-trang-nay-dau/")
        assert status == 404
        assert body == site.not_found.body and b"<html" in body


@pytest.mark.parametrize("variant", VARIANTS)
def test_never_public_posts_are_absent_from_every_capture(variant: str) -> None:
    site = load_capture(CAPTURES / variant)
    hidden = [p for p in site.truth["posts"] if not p["public"]]
    assert {p["status"] for p in hidden} == {"draft", "private", "pending", "future"}
    for response in site.responses.values():
        if response.status != 200:
            continue
        text = response.body.decode("utf-8", "replace")
        if "json" in dict(response.headers).get("Content-Type", ""):
            text = json.dumps(json.loads(text), ensure_ascii=False)  # \u escapes -> letters
        for post in hidden:
            assert post["title_raw"] not in text, (response.url, post["id"])
            assert f"?p={post['id']}" not in text, (response.url, post["id"])
