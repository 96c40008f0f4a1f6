"""Who may call the API (keys, loopback) and how often (rate limits)."""

from __future__ import annotations

import pytest

from tests.web.conftest import post_form
from web.security import ApiKeys

KEY = "k-0123456789abcdef0123"
OTHER = "k-fedcba9876543210fedc"
RAW = b"From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n"


def _post(client, key: str | None = None, *, bearer: bool = False, addr: str = "127.0.0.1"):
    headers = {"Content-Type": "message/rfc822"}
    if key is not None:
        headers["Authorization" if bearer else "X-API-Key"] = f"Bearer {key}" if bearer else key
    return client.post(
        "/api/v1/check", data=RAW, headers=headers, environ_base={"REMOTE_ADDR": addr}
    )


def test_with_keys_every_api_call_needs_a_valid_one(make_app):
    client = make_app(api_keys=(KEY, OTHER)).test_client()
    missing = _post(client)
    assert missing.status_code == 401
    assert missing.get_json()["error"]["code"] == "unauthorized"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert _post(client, "k-wrong-wrong-wrong-wrong").status_code == 401
    assert _post(client, KEY[:-1]).status_code == 401
    assert _post(client, KEY).status_code == 200
    assert _post(client, OTHER, bearer=True).status_code == 200
    for path in ("/api/v1/rules", "/api/v1/reports/AAAAAAAAAAAAAAAAAAAAAA"):
        assert client.get(path).status_code == 401
    # The health check and the API's description stay public, for load balancers and readers.
    assert client.get("/api/v1/healthz").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_without_keys_only_loopback_clients_may_call(make_app):
    client = make_app(api_keys=()).test_client()
    assert _post(client, addr="127.0.0.1").status_code == 200
    assert _post(client, addr="::1").status_code == 200
    refused = _post(client, addr="198.51.100.7")
    assert refused.status_code == 403
    assert "SPAMSCORE_API_KEYS" in refused.get_json()["error"]["message"]
    opened = make_app(api_keys=(), api_open=True).test_client()
    assert _post(opened, addr="198.51.100.7").status_code == 200


def test_keys_compare_by_digest():
    keys = ApiKeys((KEY,))
    assert keys.required
    assert keys.valid(KEY)
    assert not keys.valid(KEY + "x")
    assert not keys.valid("")
    assert not keys.valid("\udcff")
    assert not ApiKeys(()).required


def test_rate_limit_per_key_answers_429_with_retry_after(make_app):
    client = make_app(api_keys=(KEY, OTHER), rate_limit="2 per minute").test_client()
    assert _post(client, KEY).status_code == 200
    assert _post(client, KEY).status_code == 200
    limited = _post(client, KEY)
    assert limited.status_code == 429
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) > 0
    # Another key has its own allowance; reading is not limited.
    assert _post(client, OTHER).status_code == 200
    assert client.get("/api/v1/rules", headers={"X-API-Key": KEY}).status_code == 200


def test_rate_limit_per_ip_without_a_key_and_batch_costs_per_message(make_app):
    client = make_app(rate_limit="3 per minute").test_client()
    batch = client.post(
        "/api/v1/check/batch", json={"messages": [{"subject": "a"}, {"subject": "b"}]}
    )
    assert batch.status_code == 200
    assert _post(client).status_code == 200
    assert _post(client).status_code == 429
    assert _post(client, addr="127.0.0.2").status_code == 200


def test_rate_limit_on_the_form_is_an_html_page(make_app):
    client = make_app(rate_limit="1 per minute").test_client()
    form = {"mode": "compose", "subject": "Hello", "text": "hi"}
    assert post_form(client, "/check", form).status_code == 303
    limited = post_form(client, "/check", form)
    assert limited.status_code == 429
    assert limited.mimetype == "text/html"
    assert "Too many checks" in limited.get_data(as_text=True)


@pytest.mark.parametrize("value", ["off", "0", "none", ""])
def test_rate_limit_can_be_switched_off(monkeypatch, value):
    from web.config import WebConfig

    monkeypatch.setenv("SPAMSCORE_RATE_LIMIT", value)
    assert WebConfig.from_env().rate_limit is None


def test_short_keys_are_refused_at_start(monkeypatch):
    from scorer.errors import SettingsError
    from web.config import WebConfig

    monkeypatch.setenv("SPAMSCORE_API_KEYS", "short")
    with pytest.raises(SettingsError):
        WebConfig.from_env()


def test_keys_file(monkeypatch, tmp_path):
    from web.config import WebConfig

    path = tmp_path / "keys"
    path.write_text(f"# one per line\n{KEY}\n\n{OTHER}\n")
    monkeypatch.setenv("SPAMSCORE_API_KEYS_FILE", str(path))
    monkeypatch.setenv("SPAMSCORE_API_KEYS", "")
    assert WebConfig.from_env().api_keys == (KEY, OTHER)


def test_in_process_counters_start_no_thread_per_request(make_app):
    """limits' own memory storage restarts a timer thread on nearly every hit; ours does not."""
    import threading

    client = make_app(rate_limit="1000 per minute").test_client()
    _post(client)
    before = threading.active_count()
    started = []
    original = threading.Thread.start

    def counting_start(self, *args, **kwargs):
        started.append(self.name)
        return original(self, *args, **kwargs)

    threading.Thread.start = counting_start
    try:
        for _ in range(5):
            assert _post(client).status_code == 200
            threading.Event().wait(0.02)  # past the 10 ms timer of limits' memory storage
    finally:
        threading.Thread.start = original
    assert started == []
    assert threading.active_count() <= before


def test_stale_counters_are_swept(monkeypatch):
    import time

    from web import ratelimit

    storage = ratelimit.SweepingMemoryStorage()
    storage.incr("a", expiry=0.01)
    storage.incr("b", expiry=60)
    time.sleep(0.05)
    monkeypatch.setattr(ratelimit, "_SWEEP_EVERY_S", 0.0)
    storage._next_sweep = 0.0
    storage.incr("c", expiry=60)
    assert set(storage.storage) == {"b", "c"}


def test_report_views_have_their_own_allowance(make_app):
    """The report page, its preview, JSON and raw message render a stored (maybe large) message:
    SPAMSCORE_PAGE_RATE_LIMIT caps them per caller, apart from the analyses."""
    client = make_app(api_keys=(KEY, OTHER), page_rate_limit="4 per minute").test_client()
    made = _post(client, KEY).get_json()
    key = {"X-API-Key": KEY}
    paths = [
        f"/api/v1/reports/{made['id']}",
        f"/api/v1/reports/{made['id']}/raw",
        f"/api/v1/reports/{made['id']}",
        f"/api/v1/reports/{made['id']}",
    ]
    assert [client.get(p, headers=key).status_code for p in paths] == [200] * 4
    limited = client.get(paths[0], headers=key)
    assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) == 60
    assert _post(client, KEY).status_code == 200  # analyses count apart
    assert client.get(paths[0], headers={"X-API-Key": OTHER}).status_code == 200
