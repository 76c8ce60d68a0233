"""Export marks kept with the database: ``export_marks`` (name, moment).

``congdoan export --since last-export`` used to keep its moment in
``exports.json`` of the current directory's ``data/``: run from elsewhere, it
exported everything again, and a plain export created ``./data/``. The moment
now lives in the database it belongs to. A mark kept the old way is still read
(``exports/marks.py``) until the next complete export writes the new one.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "export_marks",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("moment", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("export_marks")
