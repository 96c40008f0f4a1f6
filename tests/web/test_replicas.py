"""Several `spamscore serve` replicas as one service: one PostgreSQL, one Redis, nginx in front.

The compose topology of deploy/compose.yaml, rehearsed on loopback without Docker: replicas A, B
and C (each its own process group and its own data directory, as on its own machine), B with
its SMTP test inbox, one PostgreSQL and one Redis started for this module, and nginx with the
deployment's proxy settings in front of the three. C is killed with SIGKILL in the last test.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from tests.support import servers
from tests.support.processes import free_port
from tests.web.conftest import ServeProcess
from tests.web.inbox.conftest import plain_message, smtp
from web import schema
from web.inbox.addresses import address_for
from web.security import identity_of

pytestmark = pytest.mark.slow

RATE = 60
KEYS = [f"replica-test-key-{i:02d}-0123456789" for i in range(12)]
BURST_KEYS, RATE_KEY, INBOX_KEY, METRICS_KEY, CRUD_KEY = KEYS[:8], *KEYS[8:]


@dataclass
class Service:
    a: ServeProcess
    b: ServeProcess
    c: ServeProcess
    inbox_port: int
    proxy: servers.Nginx
    postgres: servers.Postgres
    database_url: str


def _require_components() -> None:
    if not servers.PG_BINDIRS:
        pytest.skip("PostgreSQL server binaries are not installed (apt: postgresql)")
    if servers.NGINX is None:
        pytest.skip("nginx is not installed (apt: nginx-light)")
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (apt: redis-server)")
    pytest.importorskip("psycopg")
    pytest.importorskip("redis")


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[servers.Postgres]:
    _require_components()
    with servers.postgres() as server:
        yield server


@pytest.fixture(scope="module")
def service(postgres_server, tmp_path_factory) -> Iterator[Service]:
    root = tmp_path_factory.mktemp("replicas")
    database_url = postgres_server.new_database("replicas")
    with servers.redis() as redis_url:
        env = {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SPAMSCORE_OFFLINE": "1",
            "SPAMSCORE_API_KEYS": ",".join(KEYS),
            "SPAMSCORE_RATE_LIMIT": f"{RATE} per minute",
            # the kill -9 test reads back every acknowledged report with one key
            "SPAMSCORE_PAGE_RATE_LIMIT": "off",
            "SPAMSCORE_TRUSTED_PROXIES": "1",
            "SPAMSCORE_THREADS": "4",
        }
        inbox_port = free_port()
        started = []
        try:
            for name, args in (
                ("a", ()),
                ("b", ("--inbox", "--inbox-port", str(inbox_port))),
                ("c", ()),
            ):
                started.append(
                    ServeProcess(
                        root / name,
                        root,
                        {**env, "SPAMSCORE_REPLICA": name},
                        1,
                        *args,
                        wait=False,
                    )
                )
            for replica in started:
                replica.ready()
            a, b, c = started
            with servers.nginx([a.port, b.port, c.port]) as proxy:
                yield Service(a, b, c, inbox_port, proxy, postgres_server, database_url)
        finally:
            for replica in started:
                replica.stop()


# --- HTTP ------------------------------------------------------------------------------------


def request(
    base: str,
    path: str,
    body: bytes | None = None,
    *,
    method: str | None = None,
    key: str | None = None,
    source: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, bytes]:
    url = urlsplit(base)
    conn = http.client.HTTPConnection(
        url.hostname, url.port, timeout=timeout, source_address=(source, 0) if source else None
    )
    try:
        sent = dict(headers or {})
        if key:
            sent["X-API-Key"] = key
        if body is not None:
            sent.setdefault("Content-Type", "message/rfc822")
        conn.request(method or ("POST" if body is not None else "GET"), path, body, sent)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def check(base: str, raw: bytes, key: str) -> tuple[int, dict]:
    status, body = request(base, "/api/v1/check", raw, key=key)
    return status, json.loads(body) if body.startswith(b"{") else {}


def message(token: str) -> bytes:
    return (
        f"From: Shop <news@shop.example>\r\nTo: you@example.org\r\nSubject: Order {token}\r\n"
        f"Message-ID: <{token}@shop.example>\r\nDate: Mon, 07 Dec 2026 10:00:00 +0000\r\n\r\n"
        f"Your order {token} has shipped.\r\n"
    ).encode()


def analyses(base: str) -> tuple[float, set[str]]:
    """spamscore_analyses_total summed over verdicts, and the replica names, from /metrics."""
    status, body = request(base, "/metrics")
    assert status == 200
    text = body.decode()
    total = sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("spamscore_analyses_total{")
    )
    return total, set(re.findall(r'spamscore_replica_info\{replica="([^"]+)"', text))


# --- the acceptance items ----------------------------------------------------------------


def test_a_report_posted_to_a_is_fetched_and_deleted_through_b(service):
    status, made = check(service.a.base, message("crud-1"), CRUD_KEY)
    assert status == 200 and made["id"]
    status, body = request(service.b.base, f"/api/v1/reports/{made['id']}", key=CRUD_KEY)
    assert status == 200
    fetched = json.loads(body)
    assert fetched["score"] == made["score"]
    assert [f["id"] for f in fetched["findings"]] == [f["id"] for f in made["findings"]]
    status, raw = request(service.b.base, f"/api/v1/reports/{made['id']}/raw", key=CRUD_KEY)
    assert status == 200 and raw == message("crud-1")
    status, _ = request(
        service.b.base, f"/api/v1/reports/{made['id']}", method="DELETE", key=CRUD_KEY
    )
    assert status == 204
    for replica in (service.a, service.b, service.c):
        status, _ = request(replica.base, f"/api/v1/reports/{made['id']}", key=CRUD_KEY)
        assert status == 404


def test_the_rate_limit_allows_n_in_total_across_replicas_not_n_each(service):
    """RATE per minute for one key, its requests alternating between A and B (creating a test
    counts like an analysis): RATE answers in all, then 429 from both replicas."""
    statuses = []
    for i in range(RATE + 4):
        replica = (service.a, service.b)[i % 2]
        statuses.append(request(replica.base, "/api/v1/tests", b"", key=RATE_KEY)[0])
    assert statuses == [201] * RATE + [429] * 4
    assert request(service.c.base, "/api/v1/tests", b"", key=RATE_KEY)[0] == 429
    assert request(service.c.base, "/api/v1/tests", b"", key=CRUD_KEY)[0] == 201  # its own


def test_a_test_address_made_on_a_receives_mail_through_the_inbox_of_b(service):
    status, body = request(service.a.base, "/api/v1/tests", b"", key=INBOX_KEY)
    assert status == 201
    test = json.loads(body)
    assert test["address"] == address_for(test["id"], "localhost")
    with smtp(service.inbox_port, tls=True) as client:
        client.sendmail(
            "orders@inbox-sender.example", [test["address"]], plain_message(test["address"])
        )
    deadline = time.monotonic() + 30
    while True:
        status, body = request(service.a.base, f"/api/v1/tests/{test['id']}", key=INBOX_KEY)
        state = json.loads(body)
        if state["status"] == "done" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert status == 200 and state["status"] == "done"
    assert state["delivery"]["tls_version"].startswith("TLSv1.")
    status, body = request(
        service.a.base, f"/api/v1/reports/{state['report']['id']}/raw", key=INBOX_KEY
    )
    assert status == 200 and b"your order 1234 has shipped" in body
    # nothing of the inbox lives in a data directory: its certificate is in the database
    assert not (service.b.data_dir / "inbox-tls").exists()


def test_metrics_add_up_across_replicas(service):
    """Each replica counts what it analysed and names itself; the sum over the replicas is
    what was analysed, whichever replica the proxy picked."""
    before = {r: analyses(r.base)[0] for r in (service.a, service.b, service.c)}
    for i in range(3):
        assert check(service.a.base, message(f"m-a{i}"), METRICS_KEY)[0] == 200
    assert check(service.b.base, message("m-b0"), METRICS_KEY)[0] == 200
    for i in range(9):
        assert check(service.proxy.base, message(f"m-p{i}"), METRICS_KEY)[0] == 200
    after = {r: analyses(r.base) for r in (service.a, service.b, service.c)}
    gained = {r: after[r][0] - before[r] for r in before}
    assert sum(gained.values()) == 3 + 1 + 9
    assert gained[service.a] >= 3 and gained[service.b] >= 1
    assert sum(1 for g in gained.values() if g > 0) == 3  # the proxy spread its nine
    assert [after[r][1] for r in (service.a, service.b, service.c)] == [{"a"}, {"b"}, {"c"}]
    assert request(service.proxy.base, "/metrics")[0] == 404  # scrape replicas, not the proxy


def test_behind_the_proxy_a_form_post_with_a_key_is_that_keys(service):
    """A script posting the form through nginx with its key (no session, no CSRF token: a key
    in a header is no ambient credential) is stored as that key's. (The real client address
    behind a same-host proxy, without keys: tests/web/test_proxy.py.)"""
    status, _ = request(
        service.proxy.base,
        "/check",
        b"mode=paste&raw=" + b"Subject%3A+via+the+proxy%0D%0A%0D%0Ahello",
        source="127.0.0.2",
        key=CRUD_KEY,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 303
    engine = sa.create_engine(service.database_url)
    try:
        with engine.connect() as conn:
            owners = (
                conn.execute(sa.text("SELECT owner FROM reports WHERE source = 'form'"))
                .scalars()
                .all()
            )
    finally:
        engine.dispose()
    assert owners == [identity_of(CRUD_KEY)]
    assert request(service.proxy.base, "/api/v1/healthz")[0] == 200


def test_four_replicas_starting_at_once_create_the_schema_once(postgres_server, tmp_path):
    database_url = postgres_server.new_database("fresh")
    database = database_url.rsplit("/", 1)[1]
    env = {"DATABASE_URL": database_url, "SPAMSCORE_OFFLINE": "1", "SPAMSCORE_RATE_LIMIT": "off"}
    replicas = [ServeProcess(tmp_path / f"r{i}", tmp_path, env, 1, wait=False) for i in range(4)]
    try:
        for replica in replicas:
            replica.ready()
        logs = [replica.log.read_text() for replica in replicas]
    finally:
        for replica in replicas:
            replica.stop()
    assert sum("database schema upgraded" in log for log in logs) == 1
    assert not any("Traceback" in log or "error" in log.lower() for log in logs), logs
    ddl = postgres_server.ddl(database)
    creates = [s for s in ddl if s.startswith("CREATE TABLE")]
    assert sorted(s.split()[2] for s in creates) == [
        "alembic_version",
        "reports",
        "shared_values",
        "tests",
    ]
    assert len(ddl) == len(set(ddl)), ddl  # no statement ran twice
    assert postgres_server.errors(database) == []
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    finally:
        engine.dispose()
    assert versions == [(schema.head_revision(),)]


def test_kill_9_of_a_replica_during_a_burst_loses_no_acknowledged_report(service):
    """Clients post to A, B, C and the proxy at once; C's master and worker get SIGKILL
    mid-burst. Every answer that acknowledged a report (200 with an id) is retrievable, with
    the very message sent, from the replicas left."""
    targets = [service.a.base, service.b.base, service.c.base, service.proxy.base]
    acknowledged: list[tuple[str, str, str]] = []
    failures: dict[str, int] = {}
    stop_at = time.monotonic() + 4.0
    lock = threading.Lock()

    def client(n: int) -> None:
        i = 0
        while time.monotonic() < stop_at:
            base = targets[(n + i) % len(targets)]
            token = f"burst-{n}-{i}"
            i += 1
            try:
                status, made = check(base, message(token), BURST_KEYS[i % len(BURST_KEYS)])
            except OSError as exc:
                status, made = type(exc).__name__, {}
            with lock:
                if status == 200 and made.get("id"):
                    acknowledged.append((base, made["id"], token))
                else:
                    failures[f"{base} {status}"] = failures.get(f"{base} {status}", 0) + 1

    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(client, n) for n in range(6)]
        time.sleep(1.5)
        with lock:
            before_kill = sum(1 for base, _, _ in acknowledged if base == service.c.base)
        os.killpg(service.c.proc.pid, signal.SIGKILL)
        for future in futures:
            future.result()
    print(
        f"\nburst: {len(acknowledged)} acknowledged, {before_kill} by C before SIGKILL; {failures}"
    )
    assert before_kill > 0  # C acknowledged reports before it died
    assert any(key.startswith(service.c.base) for key in failures)  # and then refused
    assert len(acknowledged) > 50
    for _base, report_id, token in acknowledged:
        replica = (service.a, service.b)[hash(report_id) % 2]
        status, raw = request(replica.base, f"/api/v1/reports/{report_id}/raw", key=CRUD_KEY)
        assert (status, raw) == (200, message(token)), report_id
        status, body = request(replica.base, f"/api/v1/reports/{report_id}", key=CRUD_KEY)
        assert status == 200 and json.loads(body)["id"] == report_id
