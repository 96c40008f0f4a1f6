"""The store's tables as release 0.1.0 made them (metadata.create_all, before migrations), to
test that such a database is adopted and upgraded in place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from web import store

ADDED_SINCE = ("owner", "size", "render")


def create_release_tables(url: str, names: tuple[str, ...] = ("reports", "tests")) -> str:
    """Make the named tables as 0.1.0 did in the database at `url`, with one pending report
    (id `releasereport000000000`, raw `KEPT_RAW`); returns the report's id."""
    old = sa.MetaData()
    for table in (store.metadata.tables[name] for name in names):
        sa.Table(
            table.name,
            old,
            *(
                sa.Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
                for c in table.columns
                if c.name not in ADDED_SINCE
            ),
            sa.Index(f"ix_{table.name}_expires_at", "expires_at"),
        )
    engine = sa.create_engine(url)
    old.create_all(engine)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            old.tables["reports"]
            .insert()
            .values(
                id=REPORT_ID,
                created_at=now,
                expires_at=now + timedelta(days=1),
                source="api",
                status="pending",
                raw=KEPT_RAW,
                options="{}",
            )
        )
    engine.dispose()
    return REPORT_ID


REPORT_ID = "releasereport000000000"
KEPT_RAW = b"Subject: kept\r\n\r\nhello\r\n"
