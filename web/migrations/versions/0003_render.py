"""What a report's pages show of the message, kept at check time (web.render).

`render` holds, as JSON, the text the report page highlights and the sanitised preview
document, made from the message as it was parsed for the check: viewing a report or its
preview then reads them back instead of parsing the message again. Rows from before have
none; each gets it on its first view.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column without a default: a plain ADD COLUMN, no copy of the table.
    op.add_column("reports", sa.Column("render", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("render")
