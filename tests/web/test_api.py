"""The JSON API through Flask's test client: checking, stored reports, rules, errors."""

from __future__ import annotations

import base64

import pytest
from webdemo import DemoEngine

from scorer.compose import compose_message
from scorer.settings import Limits, Settings
from web import services_of

RFC822 = {"Content-Type": "message/rfc822"}


def _check(client, body: bytes, query: str = "", **headers: str):
    return client.post(f"/api/v1/check{query}", data=body, headers={**RFC822, **headers})


def test_raw_message_gets_a_stored_report_with_findings(client, sample_bytes):
    response = _check(client, sample_bytes("promo"))
    assert response.status_code == 200
    data = response.get_json()
    assert data["version"] == 1
    assert data["is_spam"] is True
    assert data["score"] >= data["threshold"]
    ids = [f["id"] for f in data["findings"]]
    assert {"URI_SHORTENER", "URI_IP_LITERAL", "SUBJ_ALL_CAPS", "BODY_FREE_OFFER"} <= set(ids)
    shortener = data["findings"][ids.index("URI_SHORTENER")]
    assert shortener["advice"].startswith("Link to your own domain")
    assert shortener["evidence"] == ["http://bit.ly/3xYzAbC"]
    assert [f["score"] for f in data["findings"]] == sorted(
        (f["score"] for f in data["findings"]), reverse=True
    )
    assert len(data["id"]) >= 16
    assert data["links"]["self"] == f"/api/v1/reports/{data['id']}"
    assert data["links"]["html"] == f"/r/{data['id']}"
    assert data["expires_at"] > data["created_at"]


def test_links_follow_the_mount_point_each_request_names(client, sample_bytes):
    """The links are made from templates kept per script root: a service mounted under a
    prefix (SCRIPT_NAME) links under it, and the bare root right after still links bare."""
    raw = sample_bytes("promo")
    headers = {"Content-Type": "message/rfc822"}
    for root in ("/spam", "", "/other/mount", ""):
        data = client.post(
            "/api/v1/check?offline=true",
            data=raw,
            headers=headers,
            environ_overrides={"SCRIPT_NAME": root},
        ).get_json()
        report_id = data["id"]
        assert data["links"] == {
            "self": f"{root}/api/v1/reports/{report_id}",
            "html": f"{root}/r/{report_id}",
            "raw": f"{root}/api/v1/reports/{report_id}/raw",
        }
        assert client.get(data["links"]["self"][len(root) :]).get_json()["id"] == report_id


def test_stored_report_is_fetched_again_in_another_language(client, sample_bytes):
    made = _check(client, sample_bytes("promo"), "?lang=en").get_json()
    fetched = client.get(f"/api/v1/reports/{made['id']}?lang=ja").get_json()
    assert fetched["id"] == made["id"]
    assert fetched["score"] == made["score"]
    assert fetched["lang"] == "ja"
    titles = {f["id"]: f["title"] for f in fetched["findings"]}
    assert titles["URI_SHORTENER"] == "短縮 URL のリンクがあります"
    requirement = fetched["requirements"][0]
    assert requirement["title"] == "ワンクリック登録解除"
    assert fetched["classifier"]["probability"] == made["classifier"]["probability"]
    raw = client.get(f"/api/v1/reports/{made['id']}/raw")
    assert raw.status_code == 200
    assert raw.mimetype == "message/rfc822"
    assert raw.data == sample_bytes("promo")


def test_accept_language_picks_the_texts_when_no_lang_is_given(client, sample_bytes):
    data = _check(
        client, sample_bytes("promo"), **{"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.5"}
    ).get_json()
    assert data["lang"] == "ja"


def test_delete_removes_report_and_message(client, sample_bytes):
    made = _check(client, sample_bytes("newsletter")).get_json()
    assert client.delete(f"/api/v1/reports/{made['id']}").status_code == 204
    for path in (f"/api/v1/reports/{made['id']}", f"/api/v1/reports/{made['id']}/raw"):
        gone = client.get(path)
        assert gone.status_code == 404
        assert gone.get_json()["error"]["code"] == "not_found"
    assert client.delete(f"/api/v1/reports/{made['id']}").status_code == 404


def test_store_false_answers_without_keeping_anything(app, client, sample_bytes):
    store = services_of(app).store
    before = store.count()
    data = _check(client, sample_bytes("promo"), "?store=false").get_json()
    assert "id" not in data
    assert data["findings"]
    assert store.count() == before


def test_json_raw_and_raw_base64_are_read_like_the_raw_body(client, sample_bytes):
    raw = sample_bytes("promo")
    as_text = client.post("/api/v1/check", json={"raw": raw.decode("utf-8")}).get_json()
    as_b64 = client.post(
        "/api/v1/check", json={"raw_base64": base64.b64encode(raw).decode()}
    ).get_json()
    as_body = _check(client, raw).get_json()
    assert as_text["score"] == as_b64["score"] == as_body["score"]


def test_shift_jis_bytes_survive_raw_base64(client):
    body = "件名のテスト。今すぐ無料でお試しください。".encode("shift_jis")
    raw = (
        b"From: shop@example.jp\r\nSubject: test\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=Shift_JIS\r\n\r\n" + body + b"\r\n"
    )
    data = client.post(
        "/api/v1/check?lang=ja", json={"raw_base64": base64.b64encode(raw).decode()}
    ).get_json()
    offer = next(f for f in data["findings"] if f["id"] == "BODY_FREE_OFFER")
    assert set(offer["evidence"]) == {"今すぐ", "無料"}
    stored = services_of(client.application).store.get(data["id"])
    assert stored.raw == raw


def test_composed_fields_make_a_message(client):
    data = client.post(
        "/api/v1/check",
        json={
            "from": "Shop <news@example.com>",
            "to": "reader@example.org",
            "subject": "FREE GIFT FOR YOU TODAY",
            "html": '<p>Hello <a href="http://bit.ly/x">here</a></p>',
            "text": "Hello",
            "headers": {"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
            "sender_ip": "192.0.2.10",
            "dkim_selector": "s1",
        },
    ).get_json()
    ids = {f["id"] for f in data["findings"]}
    assert {"SUBJ_ALL_CAPS", "URI_SHORTENER", "LIST_UNSUB_ONE_CLICK"} <= ids
    assert data["delivery"] == {"sender_ip": "192.0.2.10", "dkim_selector": "s1"}
    assert data["message"]["from"] == "news@example.com"


def test_delivery_facts_for_a_raw_body_come_from_the_query(client, sample_bytes):
    data = _check(
        client, sample_bytes("newsletter"), "?sender_ip=2001:db8::1&helo=mail.example.com"
    ).get_json()
    assert data["delivery"] == {"sender_ip": "2001:db8::1", "helo": "mail.example.com"}


def test_threshold_and_offline_are_applied_and_kept_for_refetch(client, sample_bytes):
    data = _check(client, sample_bytes("newsletter"), "?threshold=-5&offline=true").get_json()
    assert data["threshold"] == -5.0
    assert data["is_spam"] is True
    again = client.get(f"/api/v1/reports/{data['id']}").get_json()
    assert again["threshold"] == -5.0


def test_multipart_upload(client, sample_bytes):
    import io

    response = client.post(
        "/api/v1/check",
        data={"file": (io.BytesIO(sample_bytes("promo")), "promo.eml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "URI_SHORTENER" in {f["id"] for f in response.get_json()["findings"]}


@pytest.mark.parametrize(
    "raw",
    [
        b"\x00\x01\x02 not an email at all \xff\xfe",
        b"no headers, just text",
        b"Subject: " + b"A" * 50_000 + b"\r\n\r\nbody",
        b"From: <<<@@@>>>\r\nContent-Type: multipart/mixed; boundary=\r\n\r\n--\r\n--",
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!",
        "Subject: =?utf-8?B?invalid?=\r\n\r\n\udcff".encode("utf-8", "surrogateescape"),
    ],
    ids=["binary", "no-headers", "huge-header", "broken-mime", "bad-base64", "bad-encoded-word"],
)
def test_malformed_messages_get_a_report_not_an_error(client, raw):
    response = _check(client, raw)
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()
    assert data["version"] == 1
    assert client.get(f"/api/v1/reports/{data['id']}").status_code == 200


# --- errors ----------------------------------------------------------------------------------


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


def test_bad_json_is_400(client):
    response = client.post(
        "/api/v1/check", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    _error(response, 400, "invalid_json")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"raw": 42}, "raw"),
        ({"raw_base64": "%%%"}, "raw_base64"),
        ({"raw": "x", "subject": "y"}, "subject"),
        ({"subject": "hi", "sender_ip": "999.1.1.1"}, "sender_ip"),
        ({"subject": "hi", "dkim_selector": "a b"}, "dkim_selector"),
        ({"subject": "line\r\nBcc: x@example.com"}, "subject"),
        ({"subject": "hi", "headers": ["a"]}, "headers"),
        ({"subject": "hi", "headers": {"Bad Name": "x"}}, "headers"),
        ({"subject": "hi", "colour": "blue"}, "colour"),
        ({"html": ["not", "a", "string"]}, "html"),
    ],
)
def test_bad_fields_are_400_naming_the_field(client, body, field):
    error = _error(client.post("/api/v1/check", json=body), 400, "invalid_request")
    assert error["field"] == field


def test_empty_json_object_and_empty_body_are_400(client):
    _error(client.post("/api/v1/check", json={}), 400, "invalid_request")
    _error(client.post("/api/v1/check", json=[1, 2]), 400, "invalid_request")
    _error(_check(client, b""), 400, "invalid_request")


@pytest.mark.parametrize("body", [b"\r", b"\r\n", b"\r" * 5000, b"\r\n" * 5000, b"  \r\n "])
def test_bodies_of_only_line_breaks_get_a_report_not_400(client, body):
    """A message of blank lines (CR only, CRLF only) is a message: it is analysed, not refused."""
    response = _check(client, body)
    assert response.status_code == 200, response.get_data(as_text=True)[:200]
    data = response.get_json()
    assert data["verdict"] in ("spam", "not_spam", "inconclusive")
    assert isinstance(data["score"], float | int) and data["id"]


@pytest.mark.parametrize(
    "query", ["?lang=fr", "?offline=maybe", "?store=perhaps", "?threshold=high", "?colour=1"]
)
def test_bad_query_parameters_are_400(client, sample_bytes, query):
    _error(_check(client, sample_bytes("promo"), query), 400, "invalid_request")


def test_wrong_content_type_is_415(client):
    response = client.post("/api/v1/check", data=b"<p>hi</p>", content_type="text/html")
    _error(response, 415, "unsupported_media_type")
    _error(client.post("/api/v1/check", data=b"x"), 415, "unsupported_media_type")


def test_message_over_the_size_limit_is_413(make_app):
    small = DemoEngine(
        Settings(offline=True, use_classifier=False, limits=Limits(max_message_bytes=2000))
    )
    client = make_app(engine=small).test_client()
    big = compose_message(text="x" * 3000)
    error = _error(_check(client, big), 413, "too_large")
    assert "2000" in error["message"]
    # Over the request limit (twice the message limit plus 1 MiB) Flask refuses it unread.
    huge = b"x" * (2 * 2000 + 1024 * 1024 + 10)
    _error(_check(client, huge), 413, "too_large")
    # Composed JSON that builds a message over the limit is refused the same way.
    _error(client.post("/api/v1/check", json={"text": "y" * 3000}), 413, "too_large")


def test_unknown_route_and_method_are_json(client):
    _error(client.get("/api/v1/nothing"), 404, "not_found")
    response = client.put("/api/v1/check")
    _error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_unknown_report_id_is_404(client):
    _error(client.get("/api/v1/reports/AAAAAAAAAAAAAAAAAAAAAA"), 404, "not_found")
    _error(client.get("/api/v1/reports/x"), 404, "not_found")
    _error(client.get("/api/v1/reports/../../etc"), 404, "not_found")


# --- batch -----------------------------------------------------------------------------------


def test_batch_answers_each_message_in_order(client, sample_bytes):
    response = client.post(
        "/api/v1/check/batch?lang=ja",
        json={
            "messages": [
                {"raw": sample_bytes("promo").decode()},
                {"subject": "hi", "sender_ip": "not-an-ip"},
                {"from": "a@example.com", "subject": "Hello", "text": "Our opening hours."},
            ]
        },
    )
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["index"] for r in results] == [0, 1, 2]
    assert results[0]["is_spam"] is True and results[0]["lang"] == "ja" and results[0]["id"]
    assert results[1]["error"]["code"] == "invalid_request"
    assert results[1]["error"]["field"] == "sender_ip"
    assert results[2]["is_spam"] is False


def test_batch_limits_and_types(make_app):
    client = make_app(batch_max=2).test_client()
    error = _error(
        client.post("/api/v1/check/batch", json={"messages": [{"subject": "a"}] * 3}),
        400,
        "too_many_messages",
    )
    assert "2" in error["message"]
    _error(client.post("/api/v1/check/batch", json={"messages": []}), 400, "invalid_request")
    _error(client.post("/api/v1/check/batch", json={"raw": "x"}), 400, "invalid_request")
    _error(
        client.post("/api/v1/check/batch", data=b"x", content_type="message/rfc822"),
        415,
        "unsupported_media_type",
    )


# --- rules, health, metrics ------------------------------------------------------------------


def test_rules_list_and_one_rule(client):
    data = client.get("/api/v1/rules?lang=ja").get_json()
    assert data["count"] == len(data["rules"]) == 6
    by_id = {r["id"]: r for r in data["rules"]}
    assert by_id["URI_SHORTENER"]["description"] == "短縮 URL のリンクがあります"
    assert by_id["BODY_FREE_OFFER"]["grades"] == [
        {"min": 1.0, "score": 1.0},
        {"min": 3.0, "score": 2.5},
    ]
    links = client.get("/api/v1/rules?category=links").get_json()
    assert {r["id"] for r in links["rules"]} == {"URI_SHORTENER", "URI_IP_LITERAL"}
    one = client.get("/api/v1/rules/LIST_UNSUB_ONE_CLICK").get_json()
    assert one["score"] == -0.5
    assert one["check"] == "header"
    assert one["references"] == ["https://www.rfc-editor.org/rfc/rfc8058"]
    _error(client.get("/api/v1/rules/NO_SUCH_RULE"), 404, "not_found")


def test_healthz(client):
    data = client.get("/api/v1/healthz").get_json()
    assert data == {"status": "ok", "version": data["version"], "rules": 6, "store": "ok"}


def test_healthz_reports_a_broken_store_as_503(make_app, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    client = make_app(database_url=f"sqlite:///{blocker}/sub/r.sqlite3").test_client()
    response = client.get("/api/v1/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "degraded"


def test_metrics_count_requests_and_findings(client, sample_bytes):
    _check(client, sample_bytes("promo"))
    text = client.get("/metrics").get_data(as_text=True)
    assert 'spamscore_findings_total{id="URI_SHORTENER"}' in text
    assert 'spamscore_http_requests_total{method="POST",route="/api/v1/check",status="200"}' in (
        text
    )
    assert "spamscore_http_request_duration_seconds_bucket" in text
    assert 'spamscore_analyses_total{verdict="spam"}' in text


def test_security_headers(client, sample_bytes):
    api = _check(client, sample_bytes("promo"))
    page = client.get("/")
    for response in (api, page):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
    # pages send a referrer to their own origin only (with none, browsers send our own forms
    # with `Origin: null`, a request web.access must refuse); the API sends none at all
    assert api.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Referrer-Policy"] == "same-origin"


def test_batch_reports_a_message_id_shared_by_several_messages(make_app, offline_engine):
    """Gmail's 421 4.7.28 quota: a template with a fixed Message-ID, seen across one batch."""
    client = make_app(engine=offline_engine).test_client()
    fixed = "<newsletter-2026@shop.example>"
    messages = [
        {
            "from": "Shop <news@shop.example>",
            "subject": f"Offer {n}",
            "text": "Hello",
            "headers": {"Message-ID": fixed},
        }
        for n in range(2)
    ] + [
        {
            "from": "Shop <news@shop.example>",
            "subject": "Other",
            "text": "Hello",
            "headers": {"Message-ID": "<unique-1@shop.example>"},
        }
    ]
    response = client.post("/api/v1/check/batch?store=false", json={"messages": messages})
    assert response.status_code == 200
    results = response.get_json()["results"]
    for result in results[:2]:
        finding = next(f for f in result["findings"] if f["id"] == "HDR_MESSAGE_ID_SHARED")
        assert finding["evidence"] == [f"{fixed} on 2 messages of the batch"]
        status = {r["id"]: r for r in result["requirements"]}
        assert status["gmail.unique_message_id"]["status"] == "fail"
        assert "4.7.28" in status["gmail.unique_message_id"]["smtp_reply"]
    last = results[2]
    assert "HDR_MESSAGE_ID_SHARED" not in {f["id"] for f in last["findings"]}
    assert {r["id"]: r["status"] for r in last["requirements"]}["gmail.unique_message_id"] == "pass"


def test_rules_carry_the_provider_requirements_with_dates_and_sources(client):
    data = client.get("/api/v1/rules?lang=en").get_json()["requirements"]
    assert data["as_of"] == "2026-12-06"
    providers = {p["id"]: p for p in data["providers"]}
    assert {"gmail", "yahoo", "outlook", "icloud"} <= set(providers)
    for provider in providers.values():
        for row in provider["requirements"]:
            assert row["effective_from"] and any(s["quote"] for s in row["sources"])
    assert providers["gmail"]["enforcement_from"] == "2025-11"


def test_requirements_are_documented_like_rules(client):
    """Each requirement in the catalogue has a rule's doc sections, and its own page."""
    data = client.get("/api/v1/rules?lang=en").get_json()["requirements"]
    rows = [row for p in data["providers"] for row in p["requirements"]]
    for row in rows:
        assert row["description"] and row["advice"] and row["check"], row["id"]
        assert set(row) >= {"references", "applies_to", "sources", "effective_from"}
    one_click = next(r for r in rows if r["id"] == "gmail.one_click_unsubscribe")
    assert one_click["applies_to"] == ["marketing"] and one_click["check"] == "one_click"
    page = client.get("/api/v1/rules/gmail.one_click_unsubscribe?lang=ja").get_json()
    assert page["id"] == "gmail.one_click_unsubscribe" and "List-Unsubscribe" in page["advice"]
    assert page["references"] and page["sources"][0]["quote"]
    _error(client.get("/api/v1/rules/gmail.no_such_thing"), 404, "not_found")
