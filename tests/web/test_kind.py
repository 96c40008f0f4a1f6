"""A message's kind through the web faces: the API's `kind` (query, JSON body, batch item), the
form's select, and the report page; the v1 report validates against the OpenAPI schema."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from scorer.pipeline import Engine
from scorer.settings import Settings
from tests.conftest import DATA
from tests.web.conftest import post_form
from web.openapi import openapi_document

KINDS = DATA / "kinds"
RFC822 = {"Content-Type": "message/rfc822"}


@pytest.fixture(scope="module")
def shipped_engine():
    engine = Engine(Settings(offline=True, use_classifier=False))
    yield engine
    engine.close()


@pytest.fixture
def api(make_app, shipped_engine):
    return make_app(engine=shipped_engine).test_client()


def _raw(kind: str, name: str) -> bytes:
    return (KINDS / kind / f"{name}.eml").read_bytes()


def _statuses(data: dict) -> dict:
    return {r["id"]: (r["status"], r["applicable"]) for r in data["requirements"]}


def test_a_receipt_checked_through_the_api_is_not_told_to_add_list_unsubscribe(api):
    data = api.post(
        "/api/v1/check", data=_raw("transactional", "en_order_confirmation"), headers=RFC822
    ).get_json()
    assert data["kind"]["value"] == "transactional" and data["kind"]["source"] == "auto"
    assert not [f for f in data["findings"] if f["id"].startswith("LIST_UNSUB_")]
    assert {"LIST_UNSUB_NONE"} <= {f["id"] for f in data["not_applicable"]}
    assert _statuses(data)["gmail.one_click_unsubscribe"] == ("pass", False)
    assert _statuses(data)["gmail.message_id"] == ("pass", True)


def test_kind_in_the_query_string(api):
    body = _raw("personal", "en_lunch_invite")
    data = api.post("/api/v1/check?kind=marketing", data=body, headers=RFC822).get_json()
    assert (data["kind"]["value"], data["kind"]["source"]) == ("marketing", "caller")
    assert _statuses(data)["gmail.one_click_unsubscribe"] == ("fail", True)
    again = api.get(f"/api/v1/reports/{data['id']}?lang=ja").get_json()
    assert (
        again["kind"]["value"] == "marketing" and again["kind"]["label"] == "マーケティング・購読型"
    )


def test_kind_in_a_json_body_wins_over_the_query(api):
    data = api.post(
        "/api/v1/check?kind=marketing",
        json={
            "subject": "Your receipt",
            "text": "Thanks for your order. Total paid: 20 EUR.",
            "kind": "transactional",
        },
    ).get_json()
    assert data["kind"]["value"] == "transactional" and data["kind"]["source"] == "caller"


@pytest.mark.parametrize(
    ("request_kwargs", "field"),
    [
        (
            {
                "path": "/api/v1/check?kind=receipt",
                "data": b"Subject: x\r\n\r\nx\r\n",
                "headers": RFC822,
            },
            "kind",
        ),
        ({"path": "/api/v1/check", "json": {"text": "x", "kind": "newsletter"}}, "kind"),
        ({"path": "/api/v1/check", "json": {"text": "x", "kind": 3}}, "kind"),
    ],
)
def test_a_bad_kind_is_a_clear_400(api, request_kwargs, field):
    path = request_kwargs.pop("path")
    response = api.post(path, **request_kwargs)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_request" and error["field"] == field
    assert "auto, marketing, transactional, personal" in error["message"]


def test_batch_items_state_their_own_kind(api):
    receipt = _raw("transactional", "en_subscription_receipt").decode()
    data = api.post(
        "/api/v1/check/batch?kind=personal",
        json={
            "messages": [
                {"raw": receipt},
                {"raw": receipt, "kind": "marketing"},
                {"raw": receipt, "kind": "x"},
            ]
        },
    ).get_json()
    first, second, third = data["results"]
    assert first["kind"]["value"] == "personal" and second["kind"]["value"] == "marketing"
    assert third["error"]["field"] == "kind"


def test_the_form_states_the_kind_and_the_page_shows_it(make_app, shipped_engine):
    client = make_app(engine=shipped_engine).test_client()
    form_page = client.get("/?lang=ja").get_data(as_text=True)
    assert 'name="kind"' in form_page and "取引メール（領収書" in form_page
    raw = _raw("personal", "en_lunch_invite").decode()
    response = post_form(client, "/check", {"mode": "paste", "raw": raw, "kind": "transactional"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert 'data-kind="transactional"' in page and "as you stated" in page
    assert "The message itself reads as Personal" in page
    auto = post_form(client, "/check", {"mode": "paste", "raw": raw, "kind": "auto"})
    page = client.get(auto.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert 'data-kind="personal"' in page and "Greets the reader by name" in page
    assert "Not applicable to this kind of message: Personal" in page
    assert 'data-group="not_applicable"' in page  # the provider matrix collapses those rows
    bad = post_form(client, "/check?lang=en", {"mode": "paste", "raw": raw, "kind": "receipt"})
    assert bad.status_code == 400 and "Choose what the message is" in bad.get_data(as_text=True)


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("marketing", "ja_spring_sale"),
        ("transactional", "en_invoice_due"),
        ("personal", "ja_reply_schedule"),
    ],
)
def test_the_report_validates_against_the_openapi_schema(api, kind, name):
    document = openapi_document(50)
    schemas = document["components"]["schemas"]
    # the report schema with the components beside it, so its #/components/... refs resolve
    schema = {**schemas["Report"], "components": {"schemas": schemas}}
    data = api.post("/api/v1/check?lang=ja", data=_raw(kind, name), headers=RFC822).get_json()
    assert data["kind"]["value"] == kind
    Draft202012Validator(schema).validate(data)


def test_the_rule_catalogue_says_which_kinds_a_rule_binds(api):
    rule = api.get("/api/v1/rules/LIST_UNSUB_MISSING").get_json()
    assert rule["applies_to"] == ["marketing"]
    assert api.get("/api/v1/rules/URI_SHORTENER").get_json()["applies_to"] == []
    page = api.get("/rules?lang=ja").get_data(as_text=True)
    assert "適用対象: マーケティング・購読型" in page
