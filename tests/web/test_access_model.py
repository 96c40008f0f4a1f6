"""One access model (web.access): with keys set, every route in the URL map that analyses,
reads or deletes needs one; without keys only this machine may use them; forms carry CSRF
tokens; requests from other sites and for other host names are refused; metrics have their own
setting."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import csrf, post_form
from web import services_of

KEY = "k-0123456789abcdef0123"
OTHER = "k-fedcba9876543210fedc"
RAW = b"From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n"
EVIL = "https://evil.example"

# Every endpoint, decided: "public" needs no key; "key" needs one (or a signed-in session);
# "metrics" has its own setting. A new route fails the walk until it is added here.
ACCESS = {
    "api.check": "key",
    "api.check_batch": "key",
    "api.compare_reports": "key",
    "api.delete_report": "key",
    "api.docs": "public",
    "api.get_raw": "key",
    "api.get_report": "key",
    "api.get_test": "key",
    "api.healthz": "public",
    "api.openapi": "public",
    "api.rule": "key",
    "api.rules": "key",
    "api.create_test": "key",
    "compat.checkv2": "key",
    "compat.ping": "public",
    "compat.postmark_filter": "key",
    "compat.symbols_v1": "key",
    "metrics": "metrics",
    "static": "public",
    "ui.check": "key",
    "ui.create_test": "key",
    "ui.delete": "key",
    "ui.index": "key",
    "ui.login": "public",
    "ui.logout": "key",
    "ui.preview": "key",
    "ui.report": "key",
    "ui.report_json": "key",
    "ui.report_raw": "key",
    "ui.rules": "key",
    "ui.test_page": "key",
}


def _stored(app) -> tuple[str, str]:
    store = services_of(app).store
    report = store.add_raw(RAW, source="api", options={})
    test = store.add_test("localhost", accepts_for=__import__("datetime").timedelta(hours=1))
    return report.id, test.id


def _requests(app):
    report_id, test_id = _stored(app)
    values = {
        "report_id": report_id,
        "test_id": test_id,
        "rule_id": next(iter(services_of(app).engine.rules)).id,
        "filename": "app.css",
    }
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = rule.rule
            for name, value in values.items():
                path = re.sub(rf"<(?:\w+:)?{name}>", value, path)
            yield rule.endpoint, method, path


def _call(client, method: str, path: str, **headers: str):
    """One request as its usual caller sends it: a form with the session's CSRF token (from
    the sign-in page, which anyone may see), anything else with a raw message."""
    if method == "POST" and not path.startswith(("/api/", "/checkv2", "/symbols", "/filter")):
        page = client.get("/login", follow_redirects=True).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return client.post(
            path,
            data={"mode": "compose", "subject": "Hi", "text": "x", "csrf_token": token},
            headers=headers,
        )
    data = RAW if method in ("POST", "DELETE") else None
    return client.open(
        path,
        method=method,
        data=data,
        headers={"Content-Type": "message/rfc822", **headers},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )


def test_with_keys_every_route_in_the_url_map_needs_one_or_is_a_documented_exemption(make_app):
    app = make_app(api_keys=(KEY,))
    walked = set()
    for endpoint, method, path in _requests(app):
        walked.add(endpoint)
        assert endpoint in ACCESS, f"{endpoint} ({method} {path}): decide who may call it"
        response = _call(app.test_client(), method, path)
        if ACCESS[endpoint] == "key":
            if endpoint.startswith("ui.") and method == "GET":
                assert response.status_code == 303, (endpoint, response.status_code)
                assert response.headers["Location"].startswith("/login?next=")
            else:
                assert response.status_code == 401, (endpoint, method, response.status_code)
            keyed = _call(app.test_client(), method, path, **{"X-API-Key": KEY})
            assert keyed.status_code not in (401, 403), (endpoint, method, keyed.status_code)
            keyed.close()
        elif ACCESS[endpoint] == "public":
            # (signing in with no key is the sign-in page's own 401, not a refusal)
            refused = (403,) if endpoint == "ui.login" else (401, 403)
            assert response.status_code not in refused, (endpoint, response.status_code)
            assert "/login" not in response.headers.get("Location", "")
        else:
            assert response.status_code == 200  # metrics: loopback by default
        response.close()  # a static file is a file until its response is closed
    assert walked == set(ACCESS), set(ACCESS) ^ walked


def test_without_keys_only_this_machine_may_use_any_page_or_route(make_app):
    app = make_app(api_keys=())
    for endpoint, method, path in _requests(app):
        if ACCESS[endpoint] != "key":
            continue
        remote = app.test_client().open(
            path,
            method=method,
            data=RAW if method != "GET" else None,
            headers={"Content-Type": "message/rfc822"},
            environ_base={"REMOTE_ADDR": "198.51.100.7"},
        )
        assert remote.status_code == 403, (endpoint, method, remote.status_code)
    # through a proxy nobody declared (SPAMSCORE_TRUSTED_PROXIES=0), loopback is no proof
    proxied = app.test_client().post(
        "/api/v1/check",
        data=RAW,
        headers={"Content-Type": "message/rfc822", "X-Forwarded-For": "198.51.100.7"},
    )
    assert proxied.status_code == 403
    assert (
        app.test_client()
        .post("/api/v1/check", data=RAW, headers={"Content-Type": "message/rfc822"})
        .status_code
        == 200
    )
    opened = make_app(api_keys=(), api_open=True).test_client()
    page = opened.get("/", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert page.status_code == 200


def test_people_sign_in_with_a_key_and_their_checks_count_as_that_key(make_app):
    app = make_app(api_keys=(KEY, OTHER))
    client = app.test_client()
    first = client.get("/r/AAAAAAAAAAAAAAAAAAAAAA?lang=en")
    assert first.status_code == 303 and first.headers["Location"].startswith("/login")
    token = csrf(client, "/login")
    wrong = client.post("/login", data={"key": "k-not-a-key-0000000000", "csrf_token": token})
    assert wrong.status_code == 401 and "not valid" in wrong.get_data(as_text=True)
    signed = client.post(
        "/login", data={"key": KEY, "csrf_token": token, "next": "//evil.example/x"}
    )
    assert signed.status_code == 303 and signed.headers["Location"] == "/"  # no open redirect
    made = post_form(client, "/check", {"mode": "compose", "subject": "Hi", "text": "hello"})
    assert made.status_code == 303
    report_id = made.headers["Location"].rsplit("/", 1)[1]
    assert client.get(f"/r/{report_id}").status_code == 200
    assert client.get(f"/r/{report_id}/preview").status_code == 200
    from web.security import identity_of

    row = services_of(app).store
    with row.db.connect() as conn:
        owner = conn.exec_driver_sql(
            "SELECT owner FROM reports WHERE id = ?", (report_id,)
        ).scalar_one()
    assert owner == identity_of(KEY)
    assert post_form(client, "/logout").status_code == 303
    assert client.get(f"/r/{report_id}").status_code == 303  # signed out
    # a session of a key that is no longer configured is no session
    rotated = make_app(api_keys=(OTHER,)).test_client()
    rotated_token = csrf(rotated, "/login")
    rotated.post("/login", data={"key": OTHER, "csrf_token": rotated_token})
    assert rotated.get("/").status_code == 200


def test_every_form_post_needs_the_sessions_csrf_token(make_app):
    app = make_app()
    client = app.test_client()
    form = {"mode": "compose", "subject": "Hello", "text": "hi"}
    missing = client.post("/check?lang=en", data=form)
    assert missing.status_code == 403 and "expired" in missing.get_data(as_text=True).lower()
    assert client.post("/check", data={**form, "csrf_token": "x" * 43}).status_code == 403
    other = app.test_client()  # another browser's token is not this session's
    assert client.post("/check", data={**form, "csrf_token": csrf(other)}).status_code == 403
    assert post_form(client, "/check", form).status_code == 303
    for path in ("/tests", "/logout", "/login"):
        assert client.post(path, data={}).status_code == 403, path


def test_a_cross_site_delete_fails_and_the_report_stays(make_app):
    app = make_app()
    client = app.test_client()
    made = post_form(client, "/check", {"mode": "compose", "subject": "Keep", "text": "me"})
    page = made.headers["Location"]
    token = csrf(client, page)
    for headers in ({"Origin": EVIL}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}):
        refused = client.post(page + "/delete", data={"csrf_token": token}, headers=headers)
        assert refused.status_code == 403, headers
        assert client.get(page).status_code == 200
    same = client.post(
        page + "/delete", data={"csrf_token": token}, headers={"Origin": "http://localhost"}
    )
    assert same.status_code == 303 and client.get(page).status_code == 404


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"],
)
def test_the_api_refuses_simple_requests_from_another_site(make_app, content_type):
    """What a page elsewhere can make a browser send to a loopback service without asking."""
    client = make_app().test_client()
    for path in ("/api/v1/check", "/checkv2", "/filter"):
        refused = client.post(
            path, data=RAW, headers={"Content-Type": content_type, "Origin": EVIL}
        )
        assert refused.status_code == 403, path
        body = refused.get_json()
        assert "another site" in str(body)
    fetch = client.post(
        "/api/v1/check",
        data=RAW,
        headers={"Content-Type": content_type, "Sec-Fetch-Site": "cross-site"},
    )
    assert fetch.status_code == 403
    # a program (no Origin, no Sec-Fetch-Site) is not a browser on another site
    plain = client.post("/api/v1/check", data=RAW, headers={"Content-Type": "text/plain"})
    assert plain.status_code == 200


def test_host_names_other_than_the_services_are_refused(make_app):
    client = make_app().test_client()
    rebound = client.get("/api/v1/rules", headers={"Host": "attacker.example:8025"})
    assert rebound.status_code == 400
    assert rebound.get_json()["error"]["code"] == "host_not_allowed"
    page = client.get("/", headers={"Host": "attacker.example"})
    assert page.status_code == 400 and page.mimetype == "text/html"
    for host in ("localhost:8025", "127.0.0.1", "[::1]:8025"):
        assert client.get("/api/v1/rules", headers={"Host": host}).status_code == 200, host
    # probes ask by address: the health check answers whatever the host
    assert client.get("/api/v1/healthz", headers={"Host": "10.1.2.3:8025"}).status_code == 200
    named = make_app(allowed_hosts=(".spam.example", "score.example:8443")).test_client()
    assert named.get("/api/v1/rules", headers={"Host": "a.spam.example"}).status_code == 200
    assert named.get("/api/v1/rules", headers={"Host": "spam.example"}).status_code == 200
    assert named.get("/api/v1/rules", headers={"Host": "score.example:8443"}).status_code == 200
    assert named.get("/api/v1/rules", headers={"Host": "score.example"}).status_code == 400
    assert named.get("/api/v1/rules", headers={"Host": "localhost"}).status_code == 400
    anything = make_app(allowed_hosts=("*",)).test_client()
    assert anything.get("/api/v1/rules", headers={"Host": "x.example"}).status_code == 200


def test_metrics_have_their_own_setting(make_app):
    remote = {"REMOTE_ADDR": "198.51.100.7"}
    default = make_app(api_keys=(KEY,)).test_client()
    assert default.get("/metrics").status_code == 200
    assert default.get("/metrics", environ_base=remote).status_code == 403
    # an API key is not the metrics token
    assert (
        default.get("/metrics", environ_base=remote, headers={"X-API-Key": KEY}).status_code == 403
    )
    token = make_app(metrics_token="scrape-token-0123456789").test_client()
    bearer = {"Authorization": "Bearer scrape-token-0123456789"}
    assert token.get("/metrics", environ_base=remote, headers=bearer).status_code == 200
    assert token.get("/metrics", environ_base=remote).status_code == 403
    assert (
        make_app(metrics="open").test_client().get("/metrics", environ_base=remote).status_code
        == 200
    )
    assert make_app(metrics="off").test_client().get("/metrics").status_code == 404
    direct = make_app(metrics="direct").test_client()
    assert direct.get("/metrics", environ_base=remote).status_code == 200
    relayed = direct.get("/metrics", environ_base=remote, headers={"X-Forwarded-For": "1.2.3.4"})
    assert relayed.status_code == 403
