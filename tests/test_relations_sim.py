"""Relations read from a crawl of the simulator: every stated relation, resolved, with status.

The simulator's documents now and then replace, repeal or amend an earlier one of
their portal in a closing article; its truth lists each (``relation_truth``).
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from congdoan.storage.models import Document, DocumentPosting, DocumentRelation, DocumentStatus
from tests.conftest import CrawledPortals

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


def test_every_relation_of_the_truth_is_stored_and_resolved(crawled: CrawledPortals) -> None:
    truth = crawled.truth
    stated = [(site, r) for site, t in truth.items() for r in t["relations"]]
    assert stated, "the simulator's portals state some relations"
    engine = create_engine(crawled.db_url)
    with Session(engine) as session:
        def document_of(site: str, source_id: int) -> Document:
            return session.scalars(select(Document).join(DocumentPosting).where(
                DocumentPosting.site == site, DocumentPosting.source_id == source_id)).one()

        stored = {(r.document_id, r.type, r.target_code, r.scope): r
                  for r in session.scalars(select(DocumentRelation))
                  if r.type != "based_on"}
        for site, rel in stated:
            source, target = document_of(site, rel["source_id"]), document_of(
                site, rel["target_id"])
            key = (source.id, rel["type"], rel["target_code"], rel["scope"])
            assert key in stored, (site, rel)
            assert stored[key].target_document_id == target.id, (site, rel)
            assert stored[key].sentence in rel["sentence"]
        # No relation the truth does not state (the simulator's bases have no code).
        assert len(stored) == len(stated)
        # Statuses: a target wholly replaced or repealed names its successor.
        for site, rel in stated:
            target = document_of(site, rel["target_id"])
            state = session.get(DocumentStatus, target.id)
            assert state is not None
            whole = [r for s, r in stated if s == site and r["target_id"] == rel["target_id"]
                     and r["type"] in ("replaces", "repeals") and r["scope"] == "whole"]
            expected = {"replaces": "replaced", "repeals": "repealed"}[whole[0]["type"]] \
                if len(whole) == 1 else None
            if expected is not None:
                assert (state.status, state.by_code) == (expected, whole[0]["code"]), rel
            elif not whole:
                assert state.status == "amended", rel
    engine.dispose()
