"""The store's schema under Alembic (web.schema): a 0.1.0 SQLite file upgrades in place, the
migrations make exactly the tables the code declares, a newer schema is refused in one line,
and processes that start together migrate once."""

from __future__ import annotations

import sqlite3
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.support.processes import SPAMSCORE
from web import schema
from web.store import ReportStore, metadata

pytestmark = pytest.mark.slow

RELEASE_DUMP = Path(__file__).parent / "data" / "release-0.1.0.sql"
RELEASE_REPORT = "aucG3DJLfjLFQA14RW3gVQ"
RELEASE_TEST = "j7hdo7zzi5x4gme65nkmqjwlhi"


def release_store(path: Path) -> str:
    """A SQLite file as spamscore 0.1.0 left it (one report, one waiting test)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(RELEASE_DUMP.read_text())
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    return f"sqlite:///{path}"


def schema_differences(url: str) -> list:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()


def run(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    import os

    full = {**os.environ, "SPAMSCORE_DATA_DIR": str(data_dir), "SPAMSCORE_OFFLINE": "1", **env}
    full.pop("DATABASE_URL", None)
    return subprocess.run(
        [str(SPAMSCORE), *args], env=full, capture_output=True, text=True, timeout=120
    )


def stamp(url: str, revision: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
    engine.dispose()


def test_a_release_sqlite_file_upgrades_in_place_and_keeps_its_reports(tmp_path, make_app):
    url = release_store(tmp_path / "reports.sqlite3")
    assert ReportStore(url).schema_status().state == "behind"
    client = make_app(database_url=url).test_client()
    report = client.get(f"/api/v1/reports/{RELEASE_REPORT}").get_json()
    assert report["score"] == 1.5
    raw = client.get(f"/api/v1/reports/{RELEASE_REPORT}/raw").get_data()
    assert raw.startswith(b"Subject: hello from 0.1.0\r\n")
    assert client.get(f"/api/v1/tests/{RELEASE_TEST}").get_json()["status"] == "waiting"
    store = ReportStore(url)
    assert store.schema_status().state == "current"
    raw = store.get(RELEASE_REPORT).raw
    assert store.usage() == (1, len(raw))  # the new size column was filled from the rows
    assert schema_differences(url) == []
    new = store.add_raw(b"Subject: after\r\n\r\nx", source="api", options={}, owner="ip:192.0.2.1")
    assert store.usage("ip:192.0.2.1") == (1, 19) and store.get(new.id) is not None
    store.dispose()


def test_the_migrations_make_the_tables_the_code_declares(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    store = ReportStore(url)
    assert store.open() == "upgraded"
    assert schema_differences(url) == []
    assert ReportStore(url).open() == "current"
    store.dispose()


def test_db_commands_upgrade_once_and_report_where_the_schema_stands(tmp_path):
    release_store(tmp_path / "reports.sqlite3")
    current = run("db", "current", data_dir=tmp_path)
    assert current.returncode == 1
    assert f"database schema: none; this spamscore: {schema.head_revision()}" in current.stdout
    upgrades = [run("db", "upgrade", data_dir=tmp_path) for _ in range(2)]
    assert [u.returncode for u in upgrades] == [0, 0]
    assert (
        upgrades[0].stdout.strip()
        == f"database schema upgraded from none to {schema.head_revision()}"
    )
    assert upgrades[1].stdout.strip() == f"database schema is current ({schema.head_revision()})"
    assert run("db", "current", data_dir=tmp_path).returncode == 0
    assert run("db", data_dir=tmp_path).returncode == 2


def test_processes_starting_together_on_sqlite_migrate_once(tmp_path):
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _i: run("db", "upgrade", data_dir=tmp_path), range(4)))
    assert [r.returncode for r in results] == [0] * 4, [r.stderr for r in results]
    assert sum("upgraded from none" in r.stdout for r in results) == 1
    assert sum("is current" in r.stdout for r in results) == 3


def test_a_newer_schema_is_refused_in_one_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'reports.sqlite3'}"
    ReportStore(url).open()
    stamp(url, "9999_from_the_future")
    with pytest.raises(schema.SchemaTooNewError):
        ReportStore(url).open()
    for command in (["serve", "--port", "1"], ["db", "upgrade"], ["inbox", "--port", "0"]):
        refused = run(*command, data_dir=tmp_path)
        assert refused.returncode != 0
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1, refused.stderr
        assert "schema is at revision 9999_from_the_future, newer than this spamscore" in lines[0]
    current = run("db", "current", data_dir=tmp_path)
    assert current.returncode == 1 and "newer than this spamscore" in current.stderr


def test_without_auto_upgrade_an_older_schema_waits_for_db_upgrade(tmp_path):
    url = release_store(tmp_path / "reports.sqlite3")
    with pytest.raises(schema.SchemaBehindError):
        ReportStore(url, auto_upgrade=False).open()
    refused = run("serve", "--port", "1", data_dir=tmp_path, SPAMSCORE_DB_AUTO_UPGRADE="0")
    assert refused.returncode != 0 and "run `spamscore db upgrade`" in refused.stderr
    assert run("db", "upgrade", data_dir=tmp_path).returncode == 0
    assert ReportStore(url, auto_upgrade=False).open() == "current"
