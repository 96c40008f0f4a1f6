"""Who stored each report and how big it is, and a table of small values replicas share.

`owner` (the caller: a hashed API key or the client IP, as the rate limit counts it) and
`size` (bytes of the raw message) let per-key storage quotas and a global size cap be summed in
the database, across replicas; `created_at` is indexed for oldest-first eviction.
`shared_values` holds what every replica must see the same: the inbox's self-signed TLS pair,
when each periodic job last ran (retention purge), the DNS resolver's sanity result.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (SQLite takes it with a constant default): no copy of the table.
    op.add_column("reports", sa.Column("owner", sa.String(64), nullable=True))
    op.add_column(
        "reports", sa.Column("size", sa.BigInteger, nullable=False, server_default=sa.text("0"))
    )
    op.execute("UPDATE reports SET size = length(raw)")
    op.create_index("ix_reports_owner", "reports", ["owner"])
    op.create_index("ix_reports_created_at", "reports", ["created_at"])
    op.create_table(
        "shared_values",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.LargeBinary, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("shared_values")
    op.drop_index("ix_reports_created_at", "reports")
    op.drop_index("ix_reports_owner", "reports")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("size")
        batch.drop_column("owner")
