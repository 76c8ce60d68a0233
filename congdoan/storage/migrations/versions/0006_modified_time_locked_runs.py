"""Articles keep the CMS's own last-change time; the run history records refused crawls.

``articles.modified_text``: the WordPress readers always returned it (REST
``modified``/``modified_gmt``, a page's ``dateModified`` or
``article:modified_time``); the contract now stores it. It stays outside the
content hash: a save that changed nothing else is not a new version. Rows
stored before this revision hold ``NULL`` until the item is seen again or
``congdoan reparse`` reads its archived page.

``crawl_runs.status`` may be ``locked``: a scheduled or queued crawl that the
site lock turned away (another crawl of the site was running) is recorded,
with who held the site, instead of only logged.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Frozen copies: a migration must not change when models.py does.
STATUSES_0001 = ("running", "ok", "partial", "failed", "interrupted", "aborted", "timeout")
STATUSES = (*STATUSES_0001, "locked")


def _status_check(statuses: tuple[str, ...]) -> None:
    # batch mode: SQLite cannot change a CHECK constraint in place (crawl_runs has no
    # trigger that a rebuilt table would lose; its named constraints are kept).
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_constraint("ck_crawl_runs_status", type_="check")
        batch.create_check_constraint(
            "ck_crawl_runs_status", "status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")")


def upgrade() -> None:
    # A nullable column without default: a plain ADD COLUMN on SQLite and PostgreSQL alike.
    op.add_column("articles", sa.Column("modified_text", sa.Text()))
    _status_check(STATUSES)


def downgrade() -> None:
    # A refused crawl fetched nothing: its record goes with the status.
    op.execute("DELETE FROM crawl_runs WHERE status = 'locked'")
    _status_check(STATUSES_0001)
    # Not batch mode: rebuilding ``articles`` on SQLite would drop its search triggers.
    # SQLite 3.35+ drops a column that no trigger or index names in place.
    op.drop_column("articles", "modified_text")
