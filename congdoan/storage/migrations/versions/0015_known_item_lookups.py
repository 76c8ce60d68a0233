"""Indexes for an incremental crawl's lookups of stored items, flat in archive size.

A crawl no longer reads every article and posting of its site when it starts
(``storage/known.py``): it looks up the entries of each listing page by site and
URL or CMS id, pages through the items due for a refresh by ``last_seen_at``, and
takes the site's newest sighting from the same index. On ``articles`` and
``document_postings``:

* ``ix_{table}_site_url`` (``site, url``): the fetched URL (the canonical URL has
  its unique index already);
* ``ix_{table}_site_source_id`` (``site, source_id``): the CMS id;
* ``ix_{table}_site_last_seen`` (``site, last_seen_at, id``): due items least
  recently seen first, and the newest sighting.

On ``crawl_runs``, ``ix_crawl_runs_status_site`` (``status, site``): every crawl
closes its site's runs left ``running`` when it opens (``runs.mark_stale_runs_aborted``),
which read all of the site's runs (ten years of nights: 3,650) for the one or none
still running. (A partial index of the running runs would be smaller, but SQLite's
planner prefers ``(site, started_at)`` to it; two equal columns it takes.) And
``ix_crawl_runs_site_finished`` (``site, finished_at``): a crawl whose site has a resume
folder (every site crawled before: the folder stays, marked finished) asks when the
site's latest completed run finished (``history.last_completed_run``), which sorted
every completed run of the site.

Every write keeps ``last_seen_at >= fetched_at``; rows where it did not (none are
known) are set so, so that ``last_seen_at`` alone orders items by when they were
last seen.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLES = ("articles", "document_postings")


def upgrade() -> None:
    for table in TABLES:
        op.execute(f"UPDATE {table} SET last_seen_at = fetched_at "
                   "WHERE fetched_at IS NOT NULL AND fetched_at > last_seen_at")
        op.create_index(f"ix_{table}_site_url", table, ["site", "url"])
        op.create_index(f"ix_{table}_site_source_id", table, ["site", "source_id"])
        op.create_index(f"ix_{table}_site_last_seen", table, ["site", "last_seen_at", "id"])
    op.create_index("ix_crawl_runs_status_site", "crawl_runs", ["status", "site"])
    op.create_index("ix_crawl_runs_site_finished", "crawl_runs", ["site", "finished_at"])


def downgrade() -> None:
    op.drop_index("ix_crawl_runs_site_finished", table_name="crawl_runs")
    op.drop_index("ix_crawl_runs_status_site", table_name="crawl_runs")
    for table in TABLES:
        op.drop_index(f"ix_{table}_site_last_seen", table_name=table)
        op.drop_index(f"ix_{table}_site_source_id", table_name=table)
        op.drop_index(f"ix_{table}_site_url", table_name=table)
