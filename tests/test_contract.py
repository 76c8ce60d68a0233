"""The item contract (``congdoan.items.contract``) against everything that reads or writes items.

Parser output on every fixture page, the Scrapy items, the storage models and
the flat export columns must all agree with the one declared list: a parser
key with no declared field fails here instead of vanishing in the spider.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import inspect

from congdoan.exports.rows import COLUMNS
from congdoan.items import ITEM_CLASSES, contract
from congdoan.parsers.nukeviet import extract
from congdoan.storage import models

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "nukeviet"
DETAIL_CASES = [
    case for case in sorted(FIXTURES.glob("*/*.json"))
    if json.loads(case.read_text(encoding="utf-8")).get("kind") in contract.KINDS
    and "raises" not in json.loads(case.read_text(encoding="utf-8"))["expected"]
]


def _page(case: Path) -> bytes:
    spec = json.loads(case.read_text(encoding="utf-8"))
    if "page" in spec:
        return (case.parent / spec["page"]).read_bytes()
    return next(p for p in case.parent.glob(case.stem + ".*") if p.suffix != ".json").read_bytes()


def test_there_are_article_and_document_fixtures_to_walk() -> None:
    kinds = {json.loads(c.read_text(encoding="utf-8"))["kind"] for c in DETAIL_CASES}
    assert kinds == set(contract.KINDS)
    assert len(DETAIL_CASES) >= 10


@pytest.mark.parametrize("case", DETAIL_CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_parser_key_is_a_declared_item_field(case: Path) -> None:
    spec = json.loads(case.read_text(encoding="utf-8"))
    kind = spec["kind"]
    parsed = extract(kind, _page(case), spec["url"])

    contract.check_parser_keys(kind, parsed)  # raises on an undeclared key
    assert set(parsed) == set(contract.parser_keys(kind)), "a declared parser key is missing"
    assert set(parsed) <= set(ITEM_CLASSES[kind].fields)


def test_an_undeclared_parser_key_fails_loudly() -> None:
    parsed = {name: None for name in contract.parser_keys("article")} | {"byline_html": "x"}
    with pytest.raises(contract.ContractError, match="byline_html"):
        contract.check_parser_keys("article", parsed)


@pytest.mark.parametrize("kind", contract.KINDS)
def test_the_scrapy_item_has_exactly_the_declared_fields(kind: contract.Kind) -> None:
    assert set(ITEM_CLASSES[kind].fields) == set(contract.field_names(kind))


@pytest.mark.parametrize("kind", contract.KINDS)
def test_every_stored_field_names_a_real_column_or_relationship(kind: contract.Kind) -> None:
    for item_field in contract.FIELDS[kind]:
        if item_field.stored is None:
            continue
        model_name, _, attribute = item_field.stored.partition(".")
        mapper = inspect(getattr(models, model_name))
        assert attribute in mapper.attrs, f"{item_field.name}: {item_field.stored} does not exist"


@pytest.mark.parametrize("kind", contract.KINDS)
def test_export_columns_are_the_declared_fields_plus_storage_dates(kind: contract.Kind) -> None:
    declared = {column for f in contract.FIELDS[kind] for column in f.export}
    declared |= set(contract.STORAGE_ONLY_COLUMNS[kind])
    assert {column.name for column in COLUMNS[kind]} == declared


def test_required_and_health_fields_are_declared_fields() -> None:
    assert contract.required_fields("article") == ("site", "url", "canonical_url", "title",
                                                   "body_text")
    for kind in contract.KINDS:
        assert set(contract.health_fields(kind)) <= set(contract.field_names(kind))
        assert {"title", "attachments"} <= set(contract.health_fields(kind))
    assert {"author", "body_text", "published_at"} <= set(contract.health_fields("article"))
    assert {"code", "signer", "issued_on"} <= set(contract.health_fields("document"))
