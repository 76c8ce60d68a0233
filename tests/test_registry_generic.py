"""``[site.generic]``: what a cms = "generic" entry needs, validated with one clear line."""

from __future__ import annotations

import pytest

from congdoan.registry import RegistryError, parse_registry

HEAD = ('[[site]]\nid = "dn"\nprovince = "Đà Nẵng"\nname = "LĐLĐ"\n'
        'base_url = "https://ldld.danang.gov.vn"\ncms = "generic"\n')


def test_a_generic_entry_with_its_navigation_loads() -> None:
    site = parse_registry(HEAD + '[site.generic]\narticle_pattern = "^/bai-viet/[^/]+$"\n'
                          'listing_urls = ["/tin-tuc"]\nnext_page = ".phan-trang a.sau"\n'
                          'feed_urls = ["https://ldld.danang.gov.vn/rss.xml"]\n'
                          'document_pages = ["/van-ban"]\n').get("dn")
    assert site.enabled and site.generic.article_pattern == "^/bai-viet/[^/]+$"
    assert site.generic.listing_urls == ("/tin-tuc",)
    assert site.generic.document_pages == ("/van-ban",)


def test_feeds_alone_are_enough() -> None:
    assert parse_registry(HEAD).get("dn").generic.article_pattern == ""  # rss = true: feeds


@pytest.mark.parametrize(("extra", "message"), [
    ('rss = false\n', "needs article_pattern"),
    ('[site.generic]\narticle_pattern = "(unclosed"\n', "is not a valid regex"),
    ('[site.generic]\nnext_page = "a[["\narticle_pattern = "x"\n', "is not valid CSS"),
    ('[site.generic]\nlisting_url = ["/x"]\n', "unknown key 'listing_url'"),
    ('[site.generic]\nlisting_urls = ["/x"]\n', "listing_urls need article_pattern"),
    ('[site.generic]\narticle_pattern = "x"\nfeed_urls = ["https://evil.example/rss"]\n',
     "not a page of ldld.danang.gov.vn"),
    ('[site.generic]\narticle_pattern = "x"\nsitemap_urls = ["sitemap.xml"]\n',
     "a path starting with /"),
])
def test_a_wrong_generic_entry_is_one_line_naming_site_and_field(extra: str,
                                                                 message: str) -> None:
    with pytest.raises(RegistryError) as caught:
        parse_registry(HEAD + extra, "r.toml")
    text = str(caught.value)
    assert text.startswith("r.toml: site dn: field 'generic'") and message in text, text
    assert "\n" not in text


def test_generic_navigation_on_another_cms_is_refused() -> None:
    text = HEAD.replace('cms = "generic"', 'cms = "nukeviet"') + (
        '[site.generic]\narticle_pattern = "x"\n')
    with pytest.raises(RegistryError, match="only read for cms = \"generic\""):
        parse_registry(text, "r.toml")
