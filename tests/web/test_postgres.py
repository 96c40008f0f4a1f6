"""DATABASE_URL=postgresql://...: the same store and API on a real PostgreSQL server.

The fixture makes a throwaway cluster with Debian's PostgreSQL binaries (scripts/apt-packages.txt)
on a free loopback port, as the `postgres` user when the tests run as root
(tests/support/servers.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.support import servers
from tests.support.release_schema import KEPT_RAW, create_release_tables
from web.store import DONE, ReportStore, reports, shared_values

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[servers.Postgres]:
    if not servers.PG_BINDIRS:
        pytest.skip("PostgreSQL server binaries are not installed (apt: postgresql)")
    pytest.importorskip("psycopg")
    with servers.postgres() as server:
        yield server


@pytest.fixture(scope="module")
def postgres_url(postgres_server) -> str:
    return postgres_server.url()


def test_store_round_trip_expiry_and_delete(postgres_url):
    store = ReportStore(postgres_url, retention_days=30)
    raw = "Subject: 日本語\r\n\r\n本文".encode() + b"\xff\x00"
    new = store.add_raw(raw, source="api", options={"offline": True})
    store.set_report(new.id, {"score": 2.5, "findings": [{"id": "X", "title": "日本語"}]})
    row = store.get(new.id)
    assert row.status == DONE
    assert row.raw == raw
    assert row.report["findings"][0]["title"] == "日本語"
    assert row.expires_at - row.created_at == timedelta(days=30)
    old = store.add_raw(b"old", source="api", options={}).id
    with store.db.begin() as conn:
        conn.execute(
            reports.update()
            .where(reports.c.id == old)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert store.get(old) is None
    assert store.purge_expired() == 1
    assert store.delete(new.id) is True
    assert store.get(new.id) is None
    store.dispose()


def test_api_on_postgresql(make_app, postgres_url, sample_bytes):
    client = make_app(database_url=postgres_url).test_client()
    made = client.post(
        "/api/v1/check", data=sample_bytes("promo"), headers={"Content-Type": "message/rfc822"}
    ).get_json()
    fetched = client.get(f"/api/v1/reports/{made['id']}?lang=ja").get_json()
    assert fetched["score"] == made["score"]
    assert fetched["lang"] == "ja"
    assert client.get("/api/v1/healthz").get_json()["store"] == "ok"


def test_retention_is_purged_once_across_replicas(postgres_server):
    """Four stores (four replicas) look for expired rows at the same moment: exactly one claims
    the purge and deletes them all; the others do nothing (no second scan, no lock waits)."""
    from concurrent.futures import ThreadPoolExecutor

    url = postgres_server.new_database("purge")
    stores = [ReportStore(url, retention_days=30) for _ in range(4)]
    stores[0].open()
    ids = [stores[0].add_raw(b"old", source="api", options={}).id for _ in range(1200)]
    kept = stores[0].add_raw(b"new", source="api", options={}).id
    with stores[0].db.begin() as conn:
        conn.execute(
            reports.update()
            .where(reports.c.id.in_(ids))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        # the first add_raw purged (nothing) and claimed the interval: let it pass
        conn.execute(
            shared_values.update()
            .where(shared_values.c.name == "job:purge")
            .values(updated_at=datetime.now(UTC) - timedelta(minutes=11))
        )
    with ThreadPoolExecutor(max_workers=4) as pool:
        purged = list(pool.map(lambda store: store.maybe_purge(now=True), stores))
    assert sorted(purged, key=lambda n: n is not None) == [None, None, None, 1200]
    assert stores[1].usage() == (1, 3) and stores[2].get(kept) is not None
    # within the interval nobody purges again, whoever looks
    assert [store.maybe_purge(now=True) for store in stores] == [None] * 4
    for store in stores:
        store.dispose()


def test_shared_values_first_writer_wins_and_expire(postgres_server):
    from concurrent.futures import ThreadPoolExecutor

    url = postgres_server.new_database("values")
    stores = [ReportStore(url) for _ in range(4)]
    stores[0].open()
    with ThreadPoolExecutor(max_workers=4) as pool:
        winners = list(
            pool.map(
                lambda i: stores[i].put_value_if_absent("pair", f"made by {i}".encode()),
                range(4),
            )
        )
    assert len(set(winners)) == 1 and stores[3].get_value("pair") == winners[0]
    stores[1].put_value("resolver_sanity", b'{"ok": true}', ttl=timedelta(seconds=-1))
    assert stores[2].get_value("resolver_sanity") is None  # expired
    stores[2].put_value("resolver_sanity", b'{"ok": false}', ttl=timedelta(minutes=5))
    assert stores[0].get_value("resolver_sanity") == b'{"ok": false}'
    for store in stores:
        store.dispose()


def test_a_release_database_on_postgresql_is_adopted_and_migrated(postgres_server):
    """Tables made by 0.1.0's create_all (no alembic_version) upgrade in place; the migrated
    schema is exactly what the code declares."""
    import sqlalchemy as sa
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from web import store as store_module

    url = postgres_server.new_database("release")
    report_id = create_release_tables(url)
    engine = sa.create_engine(url)
    store = ReportStore(url)
    assert store.open() == "upgraded"
    assert store.get(report_id).raw == KEPT_RAW
    assert store.usage() == (1, 24)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), store_module.metadata) == []
    engine.dispose()
    store.dispose()
