"""`spamscore serve` for real: gunicorn with two workers on a free loopback port."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.processes import SPAMSCORE

pytestmark = pytest.mark.slow


def _request(url: str, data: bytes | None = None, *, method: str | None = None, **headers: str):
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def _check(base: str, raw: bytes, query: str = "") -> tuple[int, dict]:
    status, _headers, body = _request(
        f"{base}/api/v1/check{query}", raw, **{"Content-Type": "message/rfc822"}
    )
    return status, json.loads(body)


def test_serve_answers_the_form_and_the_api(spamscore_server, sample_bytes):
    from tests.support.processes import free_port

    server = spamscore_server(SPAMSCORE_INBOX_PORT=str(free_port()))  # where no inbox runs
    status, report = _check(server.base, sample_bytes("promo"))
    assert status == 200
    assert report["version"] == 1
    assert report["id"]
    status, headers, page = _request(f"{server.base}/r/{report['id']}?lang=ja")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert "スパムスコア".encode() in page
    status, _h, form = _request(f"{server.base}/")
    assert status == 200 and b'name="raw"' in form
    # no inbox here: serve says so, and the form offers no test send
    assert "SMTP test inbox: not running" in server.log.read_text()
    assert b'id="tab-send"' not in form
    status, _h, body = _request(
        f"{server.base}/api/v1/check", b"{bad", **{"Content-Type": "application/json"}
    )
    assert status == 400
    assert json.loads(body)["error"]["code"] == "invalid_json"
    status, _h, garbage = _request(
        f"{server.base}/api/v1/check", b"\x00\xff garbage", **{"Content-Type": "message/rfc822"}
    )
    assert status == 200 and json.loads(garbage)["version"] == 1


def test_a_keep_alive_connection_is_closed_after_its_nth_request(spamscore_server):
    """So that clients holding connections open spread over the workers (web/commands.py)."""
    server = spamscore_server(SPAMSCORE_KEEPALIVE_REQUESTS="3")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    answers = []
    for _ in range(3):
        conn.request("GET", "/api/v1/healthz")
        response = conn.getresponse()
        response.read()
        answers.append((response.status, response.getheader("Connection")))
    conn.close()
    assert answers == [(200, "keep-alive"), (200, "keep-alive"), (200, "close")]


def test_a_client_on_a_worker_two_analyses_busier_is_sent_to_reconnect(tmp_path, sample_bytes):
    """A keep-alive connection whose worker runs two analyses more than the least busy worker
    is answered with Connection: close, so the client reconnects to the idle one
    (web.workerload); one no busier keeps its connection. The second worker is stopped
    (SIGSTOP) while the requests are made, so that all of them reach the first; the slow
    checks wait on a resolver that never answers."""
    from tests.web.conftest import ServeProcess

    raw = sample_bytes("newsletter")
    headers = {"Content-Type": "message/rfc822"}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        env = {
            "SPAMSCORE_OFFLINE": "1",
            "SPAMSCORE_NAMESERVERS": f"127.0.0.1:{silent.getsockname()[1]}",
            "SPAMSCORE_DNS_TIMEOUT_MS": "3000",
        }
        server = ServeProcess(tmp_path / "data", tmp_path, env, 2)
        stopped = max(server.workers())
        try:

            def answer(query: str) -> tuple[int, str | None]:
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
                conn.request("POST", f"/api/v1/check?{query}", raw, headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                return response.status, response.getheader("Connection")

            os.kill(stopped, signal.SIGSTOP)
            with ThreadPoolExecutor(2) as pool:
                slow = [pool.submit(answer, "offline=false&store=false") for _ in range(2)]
                time.sleep(1.0)  # both slow checks now wait on DNS, on the running worker
                busy = answer("offline=true&store=false")  # 3 analyses there, 0 on the other
                slow_answers = sorted(future.result() for future in slow)
            idle = answer("offline=true&store=false")  # alone again: 1 against 0
            assert busy == (200, "close")
            # the later of the two slow checks found its worker with both running (the
            # earlier one may have too, if both started before either asked)
            assert (200, "close") in slow_answers
            assert all(status == 200 for status, _connection in slow_answers)
            assert idle == (200, "keep-alive")
        finally:
            os.kill(stopped, signal.SIGCONT)
            server.stop()


def test_metrics_add_up_over_the_workers(spamscore_server, sample_bytes):
    server = spamscore_server()
    raw = sample_bytes("newsletter")
    count = 24
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(
            pool.map(lambda _i: _check(server.base, raw, "?store=false")[0], range(count))
        )
    assert statuses == [200] * count
    status, _h, body = _request(f"{server.base}/metrics")
    text = body.decode()
    assert status == 200
    line = next(
        line
        for line in text.splitlines()
        if line.startswith('spamscore_http_requests_total{method="POST",route="/api/v1/check"')
        and 'status="200"' in line
    )
    assert float(line.rsplit(" ", 1)[1]) == count
    # Served from the shared multiprocess directory, not one worker's own registry.
    assert "python_gc_objects_collected_total" not in text
    assert 'spamscore_analyses_total{verdict="ham"}' in text


def test_stored_reports_survive_a_restart(spamscore_server, sample_bytes, tmp_path):
    data_dir = tmp_path / "persist"
    first = spamscore_server(data_dir)
    status, made = _check(first.base, sample_bytes("promo"))
    assert status == 200
    assert first.stop() == 0
    assert (data_dir / "reports.sqlite3").exists()
    second = spamscore_server(data_dir)
    status, _h, body = _request(f"{second.base}/api/v1/reports/{made['id']}")
    assert status == 200
    again = json.loads(body)
    assert again["score"] == made["score"]
    assert [f["id"] for f in again["findings"]] == [f["id"] for f in made["findings"]]
    status, _h, raw = _request(f"{second.base}/api/v1/reports/{made['id']}/raw")
    assert raw == sample_bytes("promo")
    status, _h, _b = _request(f"{second.base}/api/v1/reports/{made['id']}", method="DELETE")
    assert status == 204


def test_api_keys_and_limits_from_the_environment(spamscore_server, sample_bytes):
    key = "test-key-0123456789abcdef"
    server = spamscore_server(SPAMSCORE_API_KEYS=key, SPAMSCORE_RATE_LIMIT="1000 per minute")
    status, body = _check(server.base, sample_bytes("promo"))
    assert status == 401 and body["error"]["code"] == "unauthorized"
    status, _h, body = _request(
        f"{server.base}/api/v1/check",
        sample_bytes("promo"),
        **{"Content-Type": "message/rfc822", "X-API-Key": key},
    )
    assert status == 200 and json.loads(body)["version"] == 1
    status, headers, _b = _request(f"{server.base}/api/v1/healthz")
    assert status == 200
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_serve_usage_errors_exit_2():
    help_text = subprocess.run(
        [str(SPAMSCORE), "serve", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for option in ("--host", "--port", "--workers", "--threads"):
        assert option in help_text
    bad = subprocess.run(
        [str(SPAMSCORE), "serve", "--port", "70000"], capture_output=True, text=True
    )
    assert bad.returncode == 2
    assert "--port" in bad.stderr
