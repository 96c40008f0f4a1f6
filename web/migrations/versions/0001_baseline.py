"""Baseline: the reports and tests tables as release 0.1.0 made them (metadata.create_all).

A database made by that release has these tables and no alembic_version: each table (and its
index) is created only where it is missing, so such a database is adopted as it is, and one
from before test sends (reports only) gets its tests table.

Revision ID: 0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "reports" not in existing:
        op.create_table(
            "reports",
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("source", sa.String(16), nullable=False),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("raw", sa.LargeBinary, nullable=False),
            sa.Column("options", sa.Text, nullable=False),
            sa.Column("report", sa.Text, nullable=True),
            sa.Column("error", sa.Text, nullable=True),
            sa.Column("score", sa.Float, nullable=True),
        )
        op.create_index("ix_reports_expires_at", "reports", ["expires_at"])
    if "tests" not in existing:
        op.create_table(
            "tests",
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("domain", sa.String(255), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("accepts_until", sa.DateTime(timezone=True), nullable=False),
            sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("report_id", sa.String(32), nullable=True),
            sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        )
        op.create_index("ix_tests_expires_at", "tests", ["expires_at"])


def downgrade() -> None:
    op.drop_table("tests")
    op.drop_table("reports")
