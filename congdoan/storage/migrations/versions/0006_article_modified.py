"""Articles keep the CMS's own last-change time (``modified_text``, WordPress).

The WordPress readers always returned it (REST ``modified``/``modified_gmt``,
a page's ``dateModified`` or ``article:modified_time``); the contract now
stores it. It stays outside the content hash: a save that changed nothing else
is not a new version. Rows stored before this revision hold ``NULL`` until the
item is seen again or ``congdoan reparse`` reads its archived page.

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


def upgrade() -> None:
    # A nullable column without default: a plain ADD COLUMN on SQLite and PostgreSQL alike.
    op.add_column("articles", sa.Column("modified_text", sa.Text()))


def downgrade() -> None:
    # Not batch mode: recreating ``articles`` on SQLite would drop its search triggers.
    # SQLite 3.35+ drops a column no trigger or index names in place.
    op.drop_column("articles", "modified_text")
