"""Alembic's environment for the store: web.schema hands it an open connection (under the
migration lock), so migrations always run where the lock is held."""

from __future__ import annotations

from alembic import context

from web.store import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `alembic` by hand, which we do not document
    raise SystemExit("run migrations with `spamscore db upgrade`, not alembic directly")

context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite alters tables by copying them; batch mode does that where a migration needs it.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
