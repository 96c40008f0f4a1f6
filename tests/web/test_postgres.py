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
from web.store import DONE, ReportStore, reports

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
