"""A reverse proxy on the same host (Debian's nginx running deploy/nginx/spamscore-proxy.conf)
in front of a real `spamscore serve` without keys: every client reaches the service from
127.0.0.1, so only SPAMSCORE_TRUSTED_PROXIES=1 tells them apart; without it, requests that came
through a proxy are refused rather than taken for this machine's own."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from tests.support import servers
from tests.web.conftest import ServeProcess

pytestmark = pytest.mark.slow

RAW = b"From: a@example.com\r\nSubject: through the proxy\r\n\r\nhello\r\n"


def _post(base: str, source: str, path: str = "/api/v1/check?store=true", **headers: str):
    url = urlsplit(base)
    conn = http.client.HTTPConnection(
        url.hostname, url.port, timeout=30, source_address=(source, 0)
    )
    try:
        conn.request("POST", path, RAW, {"Content-Type": "message/rfc822", **headers})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture
def behind_nginx(tmp_path):
    if servers.NGINX is None:
        pytest.skip("nginx is not installed (apt: nginx-light)")
    started = []

    def start(**env: str):
        serve = ServeProcess(
            tmp_path / f"data{len(started)}",
            tmp_path,
            {"SPAMSCORE_OFFLINE": "1", "SPAMSCORE_RATE_LIMIT": "3 per minute", **env},
            1,
        )
        started.append(serve)
        return serve

    yield start
    for serve in started:
        serve.stop()


def test_with_trusted_proxies_each_client_behind_the_proxy_has_its_own_limit(behind_nginx):
    serve = behind_nginx(SPAMSCORE_TRUSTED_PROXIES="1")
    with servers.nginx([serve.port]) as proxy:
        first = [_post(proxy.base, "127.0.0.2")[0] for _ in range(4)]
        assert first == [200, 200, 200, 429]
        assert _post(proxy.base, "127.0.0.3")[0] == 200  # another client, its own allowance
        # a client cannot claim another address: nginx appends the one it saw
        spoofed = _post(proxy.base, "127.0.0.2", **{"X-Forwarded-For": "127.0.0.9"})
        assert spoofed[0] == 429
        status, body = _post(proxy.base, "127.0.0.3")
        assert status == 200
    report = json.loads(body)
    assert _request_json(serve.base, f"/api/v1/reports/{report['id']}")[0] == 200

    engine = sa.create_engine(f"sqlite:///{serve.data_dir / 'reports.sqlite3'}")
    with engine.connect() as conn:
        owners = set(conn.execute(sa.text("SELECT owner FROM reports")).scalars())
    engine.dispose()
    assert owners == {"ip:127.0.0.2", "ip:127.0.0.3"}


def test_without_trusted_proxies_requests_through_a_proxy_are_refused_not_trusted(behind_nginx):
    serve = behind_nginx()
    with servers.nginx([serve.port]) as proxy:
        status, body = _post(proxy.base, "127.0.0.2")
        assert status == 403
        assert "loopback" in json.loads(body)["error"]["message"]
    assert _post(serve.base, "127.0.0.1")[0] == 200  # this machine, directly


def _request_json(base: str, path: str):
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()
