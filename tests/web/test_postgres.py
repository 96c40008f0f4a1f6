"""DATABASE_URL=postgresql://...: the same store and API on a real PostgreSQL server.

The fixture makes a throwaway cluster with Debian's PostgreSQL binaries (scripts/apt-packages.txt)
on a free loopback port, as the `postgres` user when the tests run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.processes import free_port
from web.store import DONE, ReportStore, reports

pytestmark = pytest.mark.slow

BINDIRS = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    if not BINDIRS:
        pytest.skip("PostgreSQL server binaries are not installed (apt: postgresql)")
    pytest.importorskip("psycopg")
    bindir = Path(BINDIRS[-1])
    root = Path(tempfile.mkdtemp(prefix="spamscore-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, sock, port = root / "data", root, free_port()
    subprocess.run(
        _as_owner(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "spamscore",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        _as_owner(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(root / "log"),
                "-w",
                "-o",
                f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://spamscore@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


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
