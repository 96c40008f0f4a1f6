"""A covering index for the storage sums: `(owner, size)`.

Per-key quotas and the global size cap sum `size` over a caller's reports and over all of
them (web.store.ReportStore.usage), in every worker every few seconds. The column sits after
the raw message and the report in each row, so SQLite read every stored message to add them
up (110 ms of CPU at 3,000 reports, 4 GB read at the default size cap); with the index both
sums are read from the index alone.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_reports_owner_size", "reports", ["owner", "size"])


def downgrade() -> None:
    op.drop_index("ix_reports_owner_size", "reports")
