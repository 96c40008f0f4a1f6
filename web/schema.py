"""The store's schema version: Alembic migrations, run once however many replicas start at once.

Every process that opens the store (`serve` and its workers, `inbox`, `spamd`, `db upgrade`)
first reads the schema's revision (one query). At the code's head: nothing to do. Behind it:
the process takes the migration lock, reads the revision again (another replica may have
upgraded meanwhile) and runs the missing migrations. On PostgreSQL the lock is a session-level
advisory lock, so replicas starting together queue and only the first one changes anything;
on SQLite it is the lock file its writers already queue on. Newer than the code knows (an
older release started against a database a newer one upgraded): `SchemaTooNewError`, and
the commands refuse to run with one line saying so. Migrations live in web/migrations.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Engine as DbEngine

from scorer.errors import SpamscoreError

log = logging.getLogger(__name__)
# Alembic narrates every plugin (on import) and step at INFO; what happened is our one line.
logging.getLogger("alembic").setLevel(logging.WARNING)

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"
ADVISORY_LOCK_ID = 0x7370_616D_7363_6F72
"""pg_advisory_lock key for schema changes ("spamscor" in ASCII): one per database."""


class SchemaError(SpamscoreError):
    """The database's schema is not one this code can run against."""


class SchemaTooNewError(SchemaError):
    def __init__(self, current: str, head: str) -> None:
        super().__init__(
            f"the database schema is at revision {current}, newer than this spamscore knows "
            f"(its newest is {head}): run the newer spamscore release, or point DATABASE_URL "
            "at another database"
        )
        self.current = current
        self.head = head


class SchemaBehindError(SchemaError):
    def __init__(self, current: str | None, head: str) -> None:
        super().__init__(
            f"the database schema is at revision {current or 'none'}, this spamscore needs "
            f"{head}: run `spamscore db upgrade` (SPAMSCORE_DB_AUTO_UPGRADE=0 is set)"
        )
        self.current = current
        self.head = head


@dataclass(frozen=True)
class SchemaStatus:
    current: str | None
    head: str

    @property
    def state(self) -> str:
        if self.current == self.head:
            return "current"
        if self.current is None or self.current in known_revisions():
            return "behind"
        return "newer"


def _config(connection: Connection | None = None):  # -> alembic.config.Config
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def _script():  # -> alembic.script.ScriptDirectory
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    head = _script().get_current_head()
    assert head is not None
    return head


@cache
def known_revisions() -> frozenset[str]:
    return frozenset(rev.revision for rev in _script().walk_revisions())


def current_revision(conn: Connection) -> str | None:
    """The revision stamped in the database; None for an empty one or one from before
    migrations existed (release 0.1.0 made its tables without them)."""
    if not sa.inspect(conn).has_table(VERSION_TABLE):
        return None
    rows = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return rows[0] if rows else None


def status(engine: DbEngine) -> SchemaStatus:
    with engine.connect() as conn:
        return SchemaStatus(current_revision(conn), head_revision())


def ensure(engine: DbEngine, *, lock_file: Path | None = None, upgrade: bool = True) -> str:
    """Make the schema the code's head, or raise SchemaError. Returns what happened:
    "current" (nothing to do) or "upgraded" (this process ran the migrations)."""
    found = status(engine)
    if found.state == "current":
        return "current"
    if found.state == "newer":
        raise SchemaTooNewError(found.current or "?", found.head)
    if not upgrade:
        raise SchemaBehindError(found.current, found.head)
    return _upgrade(engine, lock_file)


def _upgrade(engine: DbEngine, lock_file: Path | None) -> str:
    from alembic import command

    with _migration_lock(engine, lock_file) as conn:
        # Another replica may have upgraded while we waited for the lock.
        before = current_revision(conn)
        conn.commit()
        head = head_revision()
        if before == head:
            return "current"
        if before is not None and before not in known_revisions():
            raise SchemaTooNewError(before, head)
        with conn.begin():
            command.upgrade(_config(conn), "head")
        log.info("database schema upgraded from %s to %s", before or "none", head)
        return "upgraded"


@contextlib.contextmanager
def _migration_lock(engine: DbEngine, lock_file: Path | None) -> Iterator[Connection]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_ID})
            conn.commit()  # a session lock: it outlives the transaction, until unlocked
            try:
                yield conn
            finally:
                if conn.in_transaction():
                    conn.rollback()
                conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_ID})
                conn.commit()
        return
    fd = None
    if lock_file is not None:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        if fd is not None:
            os.close(fd)
