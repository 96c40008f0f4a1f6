"""Stored reports: each with the raw message it was made from, under an unguessable id.

SQLite in the data directory by default (created on first use); `DATABASE_URL` points the same
code at PostgreSQL. The raw message is written before the analysis runs, so nothing a user
submitted is lost even if the analyzer fails on it; the report is re-made from the raw then.
Reports are kept for a retention period and purged after it.

Test sends (web/inbox) add a `tests` table: a test address waits for one message, which the
SMTP inbox stores as a report row (source `inbox`) and links to the test in one transaction.

Everything a replica keeps is here (or in Redis, for counters: web.shared), so any number of
`spamscore serve` and `spamscore inbox` processes on one PostgreSQL behave as one service:
`shared_values` holds the few small values they must agree on (the inbox's TLS pair, when a
periodic job last ran, the resolver's sanity result), and `claim()` lets exactly one of them run
a periodic job such as the retention purge. The schema is Alembic's (web.schema, migrated once
on first use); each report records its `owner` (who stored it) and `size`, for quotas.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import functools
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine as DbEngine
from sqlalchemy.engine import make_url

from scorer.errors import SpamscoreError
from web import jsonfast, schema

log = logging.getLogger(__name__)
_F = TypeVar("_F", bound=Callable[..., Any])

PENDING = "pending"
DONE = "done"
FAILED = "failed"

metadata = sa.MetaData()
reports = sa.Table(
    "reports",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("raw", sa.LargeBinary, nullable=False),
    sa.Column("options", sa.Text, nullable=False),
    sa.Column("report", sa.Text, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("score", sa.Float, nullable=True),
    # Who stored it ("key:<hash>" or "ip:<address>", as the rate limit counts callers), and
    # the raw message's bytes: per-owner quotas and a size cap are sums over these.
    sa.Column("owner", sa.String(64), nullable=True, index=True),
    sa.Column("size", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    # What the report's pages show of the message (web.render: the text the report page
    # highlights and the sanitised preview), as JSON, kept at check time so that viewing a
    # report never parses the message again.
    sa.Column("render", sa.Text, nullable=True),
    # Quotas and the size cap sum `size` (per owner, and over all) every few seconds in each
    # worker. `size` sits after the raw message and the report in the row, so without this
    # covering index SQLite read every stored message to add them up: 110 ms of CPU at 3,000
    # reports, growing with the store (migration 0004).
    sa.Index("ix_reports_owner_size", "owner", "size"),
)

tests = sa.Table(
    "tests",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("domain", sa.String(255), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("accepts_until", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("report_id", sa.String(32), nullable=True),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
)

shared_values = sa.Table(
    "shared_values",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.LargeBinary, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
)
# The writes of the request path, built once: SQLAlchemy then compiles each a single time and
# reuses it, instead of building and cache-keying a new statement per request.
_INSERT_REPORT = reports.insert()
_SET_REPORT = (
    reports.update()
    .where(reports.c.id == sa.bindparam("report_id"))
    .values(
        status=sa.bindparam("status"),
        report=sa.bindparam("report"),
        error=sa.bindparam("error"),
        score=sa.bindparam("score"),
        render=sa.bindparam("render"),
    )
)
_SET_RENDER = (
    reports.update()
    .where(reports.c.id == sa.bindparam("report_id"))
    .values(render=sa.bindparam("render"))
)
_GET_REPORT = sa.select(reports).where(
    reports.c.id == sa.bindparam("report_id"), reports.c.expires_at > sa.bindparam("now")
)
"""Built once: every view of a report reads its row, and building the statement each time
was a tenth of viewing the preview."""

WAITING = "waiting"
RECEIVED = "received"

_CHECKPOINT_EVERY_S = 0.5
"""How often a process that wrote copies SQLite's write-ahead log into the database file."""
_AUTOCHECKPOINT_PAGES = 16384
"""The backstop: past this many pages (64 MiB) in the log, the committing request checkpoints
after all (SQLite's default is 1,000 pages, every 50-100 stored reports)."""

_PURGE_EVERY_S = 600.0
_PURGE_JOB = "job:purge"
_PURGE_BATCH = 1000
"""Expired rows deleted per transaction: a large purge never holds long locks."""


def usage_query(owner: str | None) -> sa.Select[Any]:
    """Reports and raw bytes stored by `owner` (None: by everyone); read from the covering
    index `ix_reports_owner_size`, never from the rows."""
    query = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(reports.c.size), 0))
    if owner is not None:
        query = query.where(reports.c.owner == owner)
    return query


def new_id() -> str:
    """128 random bits, URL-safe: ids are the only thing guarding a stored report."""
    return secrets.token_urlsafe(16)


def valid_id(report_id: str) -> bool:
    return 16 <= len(report_id) <= 32 and all(c.isalnum() or c in "-_" for c in report_id)


_BASE32 = frozenset("abcdefghijklmnopqrstuvwxyz234567")
TEST_ID_LENGTH = 26


def new_test_id() -> str:
    """128 random bits in lower-case base32: it is the local part of a mail address, which mail
    systems may lower-case, and (like a report id) the only thing guarding the test's report."""
    return base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()


def valid_test_id(test_id: str) -> bool:
    return len(test_id) == TEST_ID_LENGTH and set(test_id) <= _BASE32


@dataclass(frozen=True)
class NewReport:
    id: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class StoredReport:
    id: str
    created_at: datetime
    expires_at: datetime
    source: str
    status: str
    raw: bytes
    options: dict[str, Any]
    report: dict[str, Any] | None
    error: str | None
    render: dict[str, Any] | None = None
    """What the report's pages show of the message (web.render), or None if not kept."""


@dataclass(frozen=True)
class StoredTest:
    """A test address and, once its message arrived, the report row it was stored as."""

    id: str
    domain: str
    created_at: datetime
    accepts_until: datetime
    """Mail for the address is refused after this."""
    expires_at: datetime
    """The test itself (not its report) is purged after this."""
    status: str
    report_id: str | None
    received_at: datetime | None

    def accepting(self, now: datetime | None = None) -> bool:
        return self.status == WAITING and (now or datetime.now(UTC)) < self.accepts_until


class StoreUnavailableError(SpamscoreError):
    """The database cannot be reached, opened or written (a full or read-only disk, a database
    server that is down): the web service answers 503 with this message, a command says so in
    one line. The next use connects again, so the service recovers by itself."""


class QuotaExceededError(SpamscoreError):
    """A caller's stored messages would pass its storage quota (SPAMSCORE_QUOTA_BYTES)."""

    def __init__(self, owner: str, used: int, size: int, quota: int) -> None:
        super().__init__(
            f"storing this message ({size} bytes) would take this caller past its storage "
            f"quota: {used} of {quota} bytes are in use (SPAMSCORE_QUOTA_BYTES). Delete "
            "reports, wait for them to expire, or check with store=false"
        )
        self.owner = owner
        self.used = used
        self.quota = quota


_FAULTS = (sa.exc.OperationalError, sa.exc.InterfaceError, OSError)
"""What a failing disk or database raises: the store answers StoreUnavailableError."""
_USAGE_TTL_S = 10.0
"""How long a process trusts its count of stored bytes (quota and cap are checked against
it, plus what the process stored since, so they are exact to within these seconds)."""
_EVICT_TO = 0.9
"""Past the size cap, the oldest reports go until the store is at this share of the cap."""


def _faults(action: str) -> Callable[[_F], _F]:
    """Turn a failing disk or database into StoreUnavailableError (and drop the pooled
    connections, which a failed SQLite write can leave unusable: the call is tried once more
    on a fresh connection, and the next call reconnects)."""

    def wrap(method: _F) -> _F:
        @functools.wraps(method)
        def guarded(self: ReportStore, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except _FAULTS:
                # A pooled connection can outlive the fault that broke it (one opened while
                # the disk was read-only stays so): once more on a fresh connection. A failed
                # transaction was rolled back, so trying again stores nothing twice.
                self.dispose()
            try:
                return method(self, *args, **kwargs)
            except _FAULTS as exc:
                self.dispose()
                self._health_cache = None  # the next health check looks again
                raise StoreUnavailableError(
                    f"the store cannot be {action} now: {_detail(exc)}"
                ) from exc

        return guarded  # type: ignore[return-value]

    return wrap


def _detail(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    if isinstance(cause, OSError) and cause.strerror:
        text = cause.strerror + (f": {cause.filename}" if cause.filename else "")
    else:
        text = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    return text[:300]


class ReportStore:
    """Reports by id, behind SQLAlchemy Core (SQLite or PostgreSQL)."""

    schema_action = "current"

    def __init__(
        self,
        url: str,
        *,
        retention_days: float = 30.0,
        auto_upgrade: bool = True,
        quota_bytes: int = 0,
        max_bytes: int = 0,
        min_free_bytes: int = 0,
    ) -> None:
        self.url = url
        self.retention = timedelta(days=retention_days)
        self.auto_upgrade = auto_upgrade
        """Migrate an older schema on first use (else SchemaBehindError until `db upgrade`)."""
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self._sqlite_file = (
            Path(parsed.database).expanduser()
            if self.is_sqlite and parsed.database and parsed.database != ":memory:"
            else None
        )
        self.quota_bytes = quota_bytes
        """Raw bytes one caller may keep stored; 0: no quota (SPAMSCORE_QUOTA_BYTES)."""
        self.max_bytes = max_bytes
        """Raw bytes the whole store keeps; past it the oldest go first; 0: no cap."""
        self.min_free_bytes = min_free_bytes
        """Free disk the health check asks of a SQLite store: room for one largest request."""
        self._engine: DbEngine | None = None
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._last_purge = 0.0
        self._usage: dict[str | None, tuple[float, int]] = {}
        self._health_cache: tuple[float, str | None] | None = None
        self._usage_lock = threading.Lock()
        self._log_grew = False
        self._checkpointer_pid: int | None = None
        self._checkpoint_stop: threading.Event | None = None

    @classmethod
    def from_config(cls, config: Any) -> ReportStore:
        """The store a web.config.WebConfig describes (DATABASE_URL, retention, upgrades)."""
        return cls(
            config.database_url,
            retention_days=config.retention_days,
            auto_upgrade=config.db_auto_upgrade,
            quota_bytes=getattr(config, "quota_bytes", 0),
            max_bytes=getattr(config, "store_max_bytes", 0),
            min_free_bytes=getattr(config, "max_request_bytes", 0) or 21 * 1024 * 1024,
            # (create_app sets it from the engine's message limit when that is derived)
        )

    def open(self) -> str:
        """Connect now and bring the schema to the code's head (or refuse); for commands at
        start, so a wrong database is one line and a non-zero exit, never a traceback in a
        worker. Returns "current" or "upgraded"."""
        try:
            self.db  # noqa: B018 (connects, checks and migrates the schema)
        except schema.SchemaError:
            raise
        except sa.exc.SQLAlchemyError as exc:
            raise self._unavailable(exc) from None
        except OSError as exc:
            raise StoreUnavailableError(f"cannot open the store: {exc}") from None
        return self.schema_action

    # The engine is made on first use, after gunicorn forks, so no connection crosses a fork.
    @property
    def db(self) -> DbEngine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = self._connect()
        return self._engine

    def schema_status(self) -> schema.SchemaStatus:
        """Where the database's schema stands against this code's, without changing it."""
        engine = self._make_engine()
        try:
            return schema.status(engine)
        except sa.exc.SQLAlchemyError as exc:
            raise self._unavailable(exc) from None
        finally:
            engine.dispose()

    def _unavailable(self, exc: sa.exc.SQLAlchemyError) -> StoreUnavailableError:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        where = make_url(self.url).render_as_string()
        why = self._data_dir_problem()
        if why:
            detail = f"{detail} ({why})"
        return StoreUnavailableError(f"cannot open the store at {where}: {detail}")

    def _data_dir_problem(self) -> str | None:
        """Why SQLite cannot write its data directory, in words (a read-only file system, no
        permission), or None."""
        if self._sqlite_file is None:
            return None
        folder = self._sqlite_file.parent
        try:
            if os.statvfs(folder).f_flag & os.ST_RDONLY:
                return f"the data directory {folder} is on a read-only file system"
        except OSError:
            return None
        if not os.access(folder, os.W_OK):
            return f"the data directory {folder} is not writable"
        return None

    def _connect(self) -> DbEngine:
        engine = self._make_engine()
        try:
            self.schema_action = schema.ensure(
                engine, lock_file=self._lock_path, upgrade=self.auto_upgrade
            )
        except BaseException:
            engine.dispose()
            raise
        return engine

    def _make_engine(self) -> DbEngine:
        if self._sqlite_file is not None:
            self._sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        if self.is_sqlite:
            engine = sa.create_engine(self.url, connect_args={"timeout": 30})

            @sa.event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn: Any, _record: Any) -> None:
                cursor = dbapi_conn.cursor()
                # WAL lets readers run beside the one writer; NORMAL is durable across crashes
                # of the process (only a power loss can drop the last transactions).
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA busy_timeout=30000")
                # No memory-mapped reads of the database file: a page mapped from a disk that
                # fills up or goes read-only faults with SIGBUS and kills the process, where a
                # read() gets an error we can answer (the library default is 0 already; a
                # build with another default must not change that).
                cursor.execute("PRAGMA mmap_size=0")
                # Checkpoints (copying the log into the database file, with an fsync) run in
                # a thread of their own (_checkpoint_loop), not in the request whose commit
                # crossed SQLite's 1,000-page mark: that commit took 14-100 ms instead of
                # 0.2, holding the write lock the other workers queue on.
                cursor.execute(f"PRAGMA wal_autocheckpoint={_AUTOCHECKPOINT_PAGES}")
                cursor.close()

        else:
            engine = sa.create_engine(self.url, pool_pre_ping=True)
        return engine

    @property
    def is_shared(self) -> bool:
        """Whether other machines can reach this store (a database server, not a local file)."""
        return not self.is_sqlite

    @property
    def _lock_path(self) -> Path | None:
        return Path(f"{self._sqlite_file}.lock") if self._sqlite_file is not None else None

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Any]:
        """A write transaction. SQLite has one writer at a time, and a writer that finds the
        database locked sleeps in growing steps (up to 100 ms) before it tries again; so the
        writers of all processes queue on a lock file instead, which wakes the next one at
        once. PostgreSQL needs none of this."""
        engine = self.db  # connects first: makes the data directory and the table
        if self._sqlite_file is None:
            with engine.begin() as conn:
                yield conn
            return
        with self._write_lock:
            fd = os.open(f"{self._sqlite_file}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                with engine.begin() as conn:
                    yield conn
            finally:
                os.close(fd)
        self._wrote()

    def _wrote(self) -> None:
        """Note a commit for this process's checkpoint thread (started after the fork)."""
        self._log_grew = True
        if self._checkpointer_pid != os.getpid():
            self._checkpointer_pid = os.getpid()
            self._checkpoint_stop = threading.Event()
            threading.Thread(
                target=self._checkpoint_loop,
                args=(self._checkpoint_stop,),
                name="sqlite-checkpoint",
                daemon=True,
            ).start()

    def _checkpoint_loop(self, stop: threading.Event) -> None:
        """Copy the write-ahead log into the database file every half second after writes.
        PASSIVE waits for no reader or writer (and gives way to another process's
        checkpoint). A commit is durable against a killed process once it returns, log or
        not; synchronous=NORMAL's power-loss window stays what it was (since the last
        checkpoint), now at most about half a second instead of up to 1,000 pages."""
        while not stop.wait(_CHECKPOINT_EVERY_S):
            if not self._log_grew:
                continue
            self._log_grew = False
            engine = self._engine
            if engine is None:
                continue
            try:
                with engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            except Exception as exc:  # a full or read-only disk: the next write says so
                log.debug("checkpoint failed: %s", exc)

    def dispose(self) -> None:
        """Drop pooled connections (after a fork, and at shutdown)."""
        if self._checkpoint_stop is not None:
            self._checkpoint_stop.set()
            self._checkpointer_pid = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # --- writing -------------------------------------------------------------------------
    @_faults("written")
    def add_raw(
        self, raw: bytes, *, source: str, options: dict[str, Any], owner: str | None = None
    ) -> NewReport:
        """Store a submitted message before it is analysed; returns its new id and dates.
        `owner` is the caller as the rate limit counts it (web.security.caller_identity)."""
        self._make_room(owner, len(raw))
        now = datetime.now(UTC)
        report_id = new_id()
        with self._writing() as conn:
            conn.execute(
                _INSERT_REPORT,
                {
                    "id": report_id,
                    "created_at": now,
                    "expires_at": now + self.retention,
                    "source": source,
                    "status": PENDING,
                    "raw": raw,
                    "options": json.dumps(options),
                    "owner": owner,
                    "size": len(raw),
                },
            )
        self._count_stored(owner, len(raw))
        self.maybe_purge()
        return NewReport(report_id, now, now + self.retention)

    # --- quota and size cap --------------------------------------------------------------
    def _make_room(self, owner: str | None, size: int) -> None:
        """Refuse a message past its caller's quota; past the store's cap, delete the oldest
        reports first (as retention would, only sooner)."""
        if self.quota_bytes and owner is not None:
            used = self._stored_bytes(owner)
            if used + size > self.quota_bytes:
                raise QuotaExceededError(owner, used, size, self.quota_bytes)
        if self.max_bytes:
            total = self._stored_bytes(None)
            if total + size > self.max_bytes:
                freed = self.evict_oldest(total + size - int(self.max_bytes * _EVICT_TO))
                with self._usage_lock:
                    self._usage.pop(None, None)
                if freed:
                    log.warning(
                        "store over its size cap of %d bytes: deleted the oldest reports, "
                        "%d bytes (SPAMSCORE_STORE_MAX_BYTES)",
                        self.max_bytes,
                        freed,
                    )

    def _stored_bytes(self, owner: str | None) -> int:
        now = time.monotonic()
        with self._usage_lock:
            cached = self._usage.get(owner)
        if cached is not None and cached[0] > now:
            return cached[1]
        _count, size = self.usage(owner)
        with self._usage_lock:
            self._usage[owner] = (now + _USAGE_TTL_S, size)
        return size

    def _count_stored(self, owner: str | None, size: int) -> None:
        with self._usage_lock:
            for key in {owner, None}:
                cached = self._usage.get(key)
                if cached is not None:
                    self._usage[key] = (cached[0], cached[1] + size)

    @_faults("written")
    def evict_oldest(self, bytes_to_free: int) -> int:
        """Delete the oldest reports until `bytes_to_free` raw bytes are gone; returns how
        many bytes went (batches of a hundred, one transaction each)."""
        freed = 0
        while freed < bytes_to_free:
            with self._writing() as conn:
                rows = conn.execute(
                    sa.select(reports.c.id, reports.c.size)
                    .order_by(reports.c.created_at)
                    .limit(100)
                ).all()
                if not rows:
                    break
                chosen = []
                for row in rows:
                    chosen.append(row.id)
                    freed += int(row.size or 0)
                    if freed >= bytes_to_free:
                        break
                conn.execute(reports.delete().where(reports.c.id.in_(chosen)))
        return freed

    # --- health --------------------------------------------------------------------------
    def health(self, name: str, *, max_age: float = 0.0) -> str | None:
        """None when the store takes a write (one small row of its own per process: a disk
        that is full or read-only fails it) and, on SQLite, the disk has room for one more
        largest request; else why not. An answer younger than `max_age` seconds is reused."""
        now = time.monotonic()
        cached = self._health_cache
        if cached is not None and now - cached[0] < max_age:
            return cached[1]
        problem = self._check_health(name)
        self._health_cache = (now, problem)
        return problem

    def _check_health(self, name: str) -> str | None:
        if self._sqlite_file is not None and self.min_free_bytes:
            try:
                stat = os.statvfs(self._sqlite_file.parent)
            except OSError as exc:
                return f"the data directory cannot be read: {_detail(exc)}"
            free = stat.f_bavail * stat.f_frsize
            if free < self.min_free_bytes:
                return (
                    f"the disk of the data directory has {free} bytes free, less than one "
                    f"largest request ({self.min_free_bytes} bytes)"
                )
        try:
            self.put_value(
                f"health:{name}"[:64],
                datetime.now(UTC).isoformat().encode(),
                ttl=timedelta(minutes=10),
            )
        except StoreUnavailableError as exc:
            return str(exc)
        return None

    @_faults("written")
    def add_checked(
        self,
        raw: bytes,
        *,
        source: str,
        options: dict[str, Any],
        owner: str | None = None,
        report: dict[str, Any] | None = None,
        render: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> NewReport:
        """Store a message that was just analysed, with its report (status done) or with the
        analyzer's error (status failed: the report is made again when it is fetched), in one
        transaction. Once this returns, the id may be given out: the row is committed."""
        self._make_room(owner, len(raw))
        now = datetime.now(UTC)
        report_id = new_id()
        row = {  # encoded before the write lock is taken: the other writers wait on it
            "id": report_id,
            "created_at": now,
            "expires_at": now + self.retention,
            "source": source,
            "status": DONE if report is not None else FAILED,
            "raw": raw,
            "options": json.dumps(options),
            "owner": owner,
            "size": len(raw),
            "report": jsonfast.dumps(report) if report is not None else None,
            "score": float(report.get("score", 0.0)) if report is not None else None,
            "error": error[:2000] if error is not None else None,
            "render": jsonfast.dumps(render) if render is not None else None,
        }
        with self._writing() as conn:
            conn.execute(_INSERT_REPORT, row)
        self._count_stored(owner, len(raw))
        self.maybe_purge()
        return NewReport(report_id, now, now + self.retention)

    @_faults("written")
    def set_report(
        self, report_id: str, storage: dict[str, Any], render: dict[str, Any] | None = None
    ) -> None:
        report = jsonfast.dumps(storage)
        with self._writing() as conn:
            conn.execute(
                _SET_REPORT,
                {
                    "report_id": report_id,
                    "status": DONE,
                    "report": report,
                    "error": None,
                    "score": float(storage.get("score", 0.0)),
                    "render": jsonfast.dumps(render) if render is not None else None,
                },
            )

    @_faults("written")
    def set_render(self, report_id: str, render: dict[str, Any]) -> None:
        """Keep the pages' artefacts of a report stored without them (web.render)."""
        with self._writing() as conn:
            conn.execute(_SET_RENDER, {"report_id": report_id, "render": jsonfast.dumps(render)})

    @_faults("written")
    def set_failed(self, report_id: str, error: str) -> None:
        with self._writing() as conn:
            conn.execute(
                reports.update()
                .where(reports.c.id == report_id)
                .values(status=FAILED, error=error[:2000])
            )

    @_faults("written")
    def delete(self, report_id: str) -> bool:
        if not valid_id(report_id):
            return False
        with self._writing() as conn:
            result = conn.execute(reports.delete().where(reports.c.id == report_id))
        return bool(result.rowcount)

    # --- reading -------------------------------------------------------------------------
    @_faults("read")
    def get(self, report_id: str) -> StoredReport | None:
        """The stored report, or None when unknown or past its retention."""
        if not valid_id(report_id):
            return None
        with self.db.connect() as conn:
            row = conn.execute(
                _GET_REPORT, {"report_id": report_id, "now": datetime.now(UTC)}
            ).first()
        if row is None:
            return None
        return StoredReport(
            id=row.id,
            created_at=_aware(row.created_at),
            expires_at=_aware(row.expires_at),
            source=row.source,
            status=row.status,
            raw=bytes(row.raw),
            options=json.loads(row.options or "{}"),
            report=jsonfast.loads(row.report) if row.report else None,
            error=row.error,
            render=jsonfast.loads(row.render) if row.render else None,
        )

    @_faults("read")
    def count(self) -> int:
        with self.db.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(reports)).scalar_one())

    @_faults("read")
    def usage(self, owner: str | None = None) -> tuple[int, int]:
        """(reports, bytes of raw messages) stored by `owner`, or by everyone: what per-key
        quotas and a global size cap compare against, the same from every replica."""
        with self.db.connect() as conn:
            count, size = conn.execute(usage_query(owner)).one()
        return int(count), int(size)

    # --- retention -----------------------------------------------------------------------
    @_faults("written")
    def purge_expired(self) -> int:
        """Delete every report and test past its retention; returns how many reports. Deletes
        go in batches of a thousand rows, one transaction each, so a purge after a long pause
        never holds long locks; they are idempotent, so two purges at once are only wasted
        work (maybe_purge lets one replica run it per interval)."""
        self._last_purge = time.monotonic()
        now = datetime.now(UTC)
        removed = 0
        with self._writing() as conn:  # health rows of processes long gone, among others
            conn.execute(
                shared_values.delete().where(
                    shared_values.c.expires_at.is_not(None), shared_values.c.expires_at <= now
                )
            )
        for table in (reports, tests):
            while True:
                batch = (
                    sa.select(table.c.id)
                    .where(table.c.expires_at <= now)
                    .limit(_PURGE_BATCH)
                    .scalar_subquery()
                )
                with self._writing() as conn:
                    result = conn.execute(table.delete().where(table.c.id.in_(batch)))
                count = int(result.rowcount or 0)
                if table is reports:
                    removed += count
                if count < _PURGE_BATCH:
                    break
        return removed

    def maybe_purge(self, *, now: bool = False) -> int | None:
        """Purge from the request path (no timer thread), at most once per interval across
        every worker and replica on this store: each process looks every few minutes, and the
        one that claims the interval in the database purges. Returns how many reports it
        purged, or None when it was not this process's turn. `now` looks at once (start)."""
        if not now and time.monotonic() - self._last_purge < _PURGE_EVERY_S:
            return None
        self._last_purge = time.monotonic()
        if not self.claim(_PURGE_JOB, timedelta(seconds=_PURGE_EVERY_S)):
            return None
        return self.purge_expired()

    # --- values shared by every replica --------------------------------------------------
    @_faults("written")
    def claim(self, job: str, every: timedelta) -> bool:
        """True for exactly one caller per `every` among all processes on this store: the
        one whose conditional update moved the job's last-run time (an atomic compare and
        set, on SQLite and PostgreSQL alike; no lock is held while the job runs)."""
        now = datetime.now(UTC)
        stamp = now.isoformat().encode()
        with self._writing() as conn:
            moved = conn.execute(
                shared_values.update()
                .where(
                    shared_values.c.name == job,
                    shared_values.c.updated_at <= now - every,
                )
                .values(value=stamp, updated_at=now)
            ).rowcount
            if moved == 1:
                return True
            exists = conn.execute(
                sa.select(shared_values.c.name).where(shared_values.c.name == job)
            ).first()
            if exists is not None:
                return False
        return self.put_value_if_absent(job, stamp) == stamp

    @_faults("read")
    def get_value(self, name: str) -> bytes | None:
        """A shared value, or None when unset or past its expiry."""
        with self.db.connect() as conn:
            row = conn.execute(
                sa.select(shared_values.c.value, shared_values.c.expires_at).where(
                    shared_values.c.name == name
                )
            ).first()
        if row is None or (row.expires_at and _aware(row.expires_at) <= datetime.now(UTC)):
            return None
        return bytes(row.value)

    @_faults("written")
    def put_value(self, name: str, value: bytes, *, ttl: timedelta | None = None) -> None:
        """Set a shared value (for every replica), expiring after `ttl` if given. Last
        writer wins: for results any replica may recompute, such as a resolver check."""
        now = datetime.now(UTC)
        values = {"value": value, "updated_at": now, "expires_at": now + ttl if ttl else None}
        with self._writing() as conn:
            updated = conn.execute(
                shared_values.update().where(shared_values.c.name == name).values(**values)
            ).rowcount
            if updated:
                return
        if self.put_value_if_absent(name, value, ttl=ttl) != value:
            self.put_value(name, value, ttl=ttl)  # another replica inserted it first

    @_faults("written")
    def put_value_if_absent(
        self, name: str, value: bytes, *, ttl: timedelta | None = None
    ) -> bytes:
        """Set a shared value unless one is already set; returns the value that is set. First
        writer wins: for what replicas must agree on, such as a generated key pair."""
        now = datetime.now(UTC)
        # INSERT ... ON CONFLICT DO NOTHING (both dialects): replicas racing to set the value
        # leave no unique-violation errors in the database's log.
        insert = (
            postgresql.insert(shared_values)
            if self.db.dialect.name == "postgresql"
            else sqlite.insert(shared_values)
        )
        with self._writing() as conn:
            conn.execute(
                shared_values.delete().where(
                    shared_values.c.name == name, shared_values.c.expires_at <= now
                )
            )
            inserted = conn.execute(
                insert.values(
                    name=name, value=value, updated_at=now, expires_at=now + ttl if ttl else None
                )
                .on_conflict_do_nothing(index_elements=["name"])
                .returning(shared_values.c.name)
            ).first()
        if inserted is not None:
            return value
        stored = self.get_value(name)
        if stored is None:  # it expired between our insert and this read
            return self.put_value_if_absent(name, value, ttl=ttl)
        return stored

    # --- test sends ----------------------------------------------------------------------
    @_faults("written")
    def add_test(self, domain: str, *, accepts_for: timedelta) -> StoredTest:
        """A new test address in `domain`, accepting one message for `accepts_for`."""
        now = datetime.now(UTC)
        test = StoredTest(
            id=new_test_id(),
            domain=domain.lower(),
            created_at=now,
            accepts_until=now + accepts_for,
            expires_at=now + max(self.retention, accepts_for),
            status=WAITING,
            report_id=None,
            received_at=None,
        )
        with self._writing() as conn:
            conn.execute(
                tests.insert().values(
                    id=test.id,
                    domain=test.domain,
                    created_at=test.created_at,
                    accepts_until=test.accepts_until,
                    expires_at=test.expires_at,
                    status=test.status,
                )
            )
        self.maybe_purge()
        return test

    @_faults("read")
    def get_test(self, test_id: str) -> StoredTest | None:
        """The test, or None when unknown or past its retention."""
        if not valid_test_id(test_id):
            return None
        with self.db.connect() as conn:
            row = conn.execute(
                sa.select(tests).where(
                    tests.c.id == test_id, tests.c.expires_at > datetime.now(UTC)
                )
            ).first()
        if row is None:
            return None
        return StoredTest(
            id=row.id,
            domain=row.domain,
            created_at=_aware(row.created_at),
            accepts_until=_aware(row.accepts_until),
            expires_at=_aware(row.expires_at),
            status=row.status,
            report_id=row.report_id,
            received_at=_aware(row.received_at) if row.received_at else None,
        )

    @_faults("written")
    def attach_message(
        self, test_id: str, raw: bytes, *, options: dict[str, Any]
    ) -> NewReport | None:
        """Store a message that arrived for a test, as a pending report linked to the test, in
        one transaction; None (nothing stored) if the test is not waiting for one any more."""
        now = datetime.now(UTC)
        report_id = new_id()
        with self._writing() as conn:
            claimed = conn.execute(
                tests.update()
                .where(
                    tests.c.id == test_id,
                    tests.c.status == WAITING,
                    tests.c.accepts_until > now,
                )
                .values(status=RECEIVED, report_id=report_id, received_at=now)
            )
            if claimed.rowcount != 1:
                return None
            conn.execute(
                reports.insert().values(
                    id=report_id,
                    created_at=now,
                    expires_at=now + self.retention,
                    source="inbox",
                    status=PENDING,
                    raw=raw,
                    options=json.dumps(options),
                    size=len(raw),
                )
            )
        return NewReport(report_id, now, now + self.retention)

    @_faults("read")
    def ping(self) -> bool:
        with self.db.connect() as conn:
            conn.execute(sa.select(1))
        return True


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything we wrote is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)
