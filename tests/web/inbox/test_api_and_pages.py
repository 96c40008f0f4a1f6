"""Test addresses through the API and the form, and a test's result on its page and the report
page (the app in this process; messages delivered by the inbox in this process, same store)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tests.support.release_schema import create_release_tables
from tests.web.conftest import post_form
from web import store as store_module
from web.store import ReportStore

from .conftest import SENDER_HELO, plain_message, smtp

ADDRESS = re.compile(r"^test-([a-z2-7]{26})@localhost$")


def _deliver(inbox, address: str, *, tls: bool = True) -> None:
    with smtp(inbox.port, tls=tls) as client:
        client.sendmail("bounces@inbox-sender.example", [address], plain_message(address))


def test_create_a_test_and_get_its_report_once_the_message_arrived(make_app, start_inbox):
    client = make_app().test_client()
    created = client.post("/api/v1/tests")
    assert created.status_code == 201
    body = created.get_json()
    assert ADDRESS.match(body["address"]).group(1) == body["id"]
    assert created.headers["Location"] == f"/api/v1/tests/{body['id']}"
    assert body["status"] == "waiting" and body["report"] is None and body["delivery"] is None
    accepts_until = datetime.fromisoformat(body["accepts_until"].replace("Z", "+00:00"))
    assert timedelta(hours=23) < accepts_until - datetime.now(UTC) <= timedelta(hours=24)
    assert body["links"] == {"self": f"/api/v1/tests/{body['id']}", "html": f"/t/{body['id']}"}

    _deliver(start_inbox(), body["address"])
    done = client.get(f"/api/v1/tests/{body['id'].upper()}?lang=ja").get_json()
    assert done["status"] == "done"
    assert done["delivery"]["helo"] == SENDER_HELO and done["delivery"]["tls"] is True
    report = done["report"]
    assert report["version"] == 1 and report["lang"] == "ja" and report["id"]
    assert report["links"]["html"] == f"/r/{report['id']}"
    assert report["delivery"] == done["delivery"]
    stored = client.get(f"/api/v1/reports/{report['id']}").get_json()
    assert stored["score"] == report["score"]


def test_unknown_and_malformed_test_ids_are_404(client):
    for test_id in ("a" * 26, "nope", "A" * 40, "../etc"):
        response = client.get(f"/api/v1/tests/{test_id}")
        assert response.status_code == 404, test_id
        assert response.get_json()["error"]["code"] == "not_found"


def test_tests_need_a_key_when_keys_are_configured(make_app):
    key = "k" * 24
    client = make_app(api_keys=(key,)).test_client()
    assert client.post("/api/v1/tests").status_code == 401
    assert client.post("/api/v1/tests", headers={"X-API-Key": key}).status_code == 201


def test_creating_tests_counts_against_the_rate_limit(make_app):
    client = make_app(rate_limit="2 per minute").test_client()
    assert [client.post("/api/v1/tests").status_code for _ in range(3)] == [201, 201, 429]


def test_a_test_without_a_message_expires(app, client):
    store = _store(app)
    test = store.add_test("localhost", accepts_for=timedelta(seconds=-1))
    assert client.get(f"/api/v1/tests/{test.id}").get_json()["status"] == "expired"
    page = client.get(f"/t/{test.id}")
    assert page.status_code == 200 and b'data-test-status="expired"' in page.data
    assert b'http-equiv="refresh"' not in page.data


def test_a_report_left_pending_is_made_by_the_web_after_the_grace_period(app, client):
    store = _store(app)
    test = store.add_test("localhost", accepts_for=timedelta(hours=1))
    new = store.attach_message(
        test.id, plain_message("x@localhost"), options={"delivery": {"sender_ip": "192.0.2.7"}}
    )
    assert new is not None
    # an inbox is analysing it: the web waits
    assert client.get(f"/api/v1/tests/{test.id}").get_json()["status"] == "received"
    page = client.get(f"/t/{test.id}")
    assert b'data-test-status="received"' in page.data and b'content="1"' in page.data
    # the inbox died mid-analysis: past the grace period the web makes the report itself
    with store.db.begin() as conn:
        conn.execute(
            sa.update(store_module.tests)
            .where(store_module.tests.c.id == test.id)
            .values(received_at=datetime.now(UTC) - timedelta(minutes=5))
        )
    done = client.get(f"/api/v1/tests/{test.id}").get_json()
    assert done["status"] == "done" and done["report"]["delivery"] == {"sender_ip": "192.0.2.7"}
    assert store.get(new.id).status == "done"
    # a second message for the same test is refused by the store itself
    assert store.attach_message(test.id, b"Subject: again\r\n\r\n", options={}) is None


def test_a_deleted_report_leaves_the_test_saying_so(app, client, start_inbox):
    store = _store(app)
    test = store.add_test("localhost", accepts_for=timedelta(hours=1))
    _deliver(start_inbox(), f"test-{test.id}@localhost")
    report_id = store.get_test(test.id).report_id
    assert client.delete(f"/api/v1/reports/{report_id}").status_code == 204
    body = client.get(f"/api/v1/tests/{test.id}").get_json()
    assert body["status"] == "deleted" and body["report"] is None
    assert b'data-test-status="deleted"' in client.get(f"/t/{test.id}").data


def test_the_form_issues_an_address_and_its_page_becomes_the_report(make_app, start_inbox):
    from web.inboxstatus import forget

    inbox = start_inbox()
    forget()
    # the test page's command names where this inbox listens (not the default 2525)
    client = make_app(inbox_server=f"127.0.0.1:{inbox.port}").test_client()
    form = client.get("/?mode=send")
    assert b'id="panel-send"' in form.data and b'action="/tests"' in form.data
    created = post_form(client, "/tests")
    assert created.status_code == 303
    page_url = created.headers["Location"]
    test_id = page_url.rsplit("/", 1)[1]
    waiting = client.get(page_url)
    assert waiting.status_code == 200
    assert f"test-{test_id}@localhost".encode() in waiting.data
    assert b'<meta http-equiv="refresh" content="3">' in waiting.data
    assert waiting.headers["Cache-Control"] == "private, no-store"
    command = (
        f"spamscore send-test message.eml --to test-{test_id}@localhost "
        f"--api http://localhost --server 127.0.0.1:{inbox.port}"
    )
    assert command.encode() in waiting.data

    _deliver(inbox, f"test-{test_id}@localhost", tls=False)
    arrived = client.get(page_url)
    assert arrived.status_code == 303 and arrived.headers["Location"].startswith("/r/")
    report = client.get(arrived.headers["Location"]).get_data(as_text=True)
    assert 'id="delivery"' in report and "How it arrived" in report
    assert 'data-tls="no"' in report and "Not encrypted" in report
    assert SENDER_HELO in report and "bounces@inbox-sender.example" in report
    ja = client.get(arrived.headers["Location"] + "?lang=ja").get_data(as_text=True)
    assert "届いたときの情報" in ja and "暗号化なし" in ja


def test_without_an_inbox_the_form_offers_no_test_send(make_app):
    from tests.support.processes import free_port
    from web.inboxstatus import forget

    forget()
    client = make_app(inbox_server=f"127.0.0.1:{free_port()}").test_client()
    form = client.get("/?mode=send")
    assert b'id="panel-send"' not in form.data and b'id="tab-send"' not in form.data
    assert b'id="panel-paste"' in form.data  # the form falls back to pasting
    assert client.post("/api/v1/tests").status_code == 201  # the API still issues addresses


def test_the_test_page_in_japanese_and_unknown_tests(client):
    created = post_form(client, "/tests?lang=ja")
    page = client.get(created.headers["Location"] + "?lang=ja").get_data(as_text=True)
    assert "このアドレスへメッセージを送ってください" in page
    assert client.get("/t/" + "a" * 26).status_code == 404


def test_reports_given_delivery_facts_show_them_too(client, sample_bytes):
    made = client.post(
        "/api/v1/check?sender_ip=192.0.2.10&helo=mx.example.com",
        data=sample_bytes("newsletter"),
        content_type="message/rfc822",
    ).get_json()
    page = client.get(f"/r/{made['id']}").get_data(as_text=True)
    assert "Delivery details given" in page and "192.0.2.10" in page and "data-tls" not in page


def test_an_older_store_gets_the_tests_table_and_keeps_its_reports(tmp_path, make_app):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    # as the releases before test sends made it: a reports table only, no migrations
    report_id = create_release_tables(url, ("reports",))
    client = make_app(database_url=url).test_client()
    assert client.get(f"/api/v1/reports/{report_id}").get_json()["message"]["subject"] == "kept"
    assert client.post("/api/v1/tests").status_code == 201
    assert "tests" in sa.inspect(sa.create_engine(url)).get_table_names()


def test_purge_removes_expired_tests(tmp_path):
    store = ReportStore(f"sqlite:///{tmp_path / 'r.sqlite3'}", retention_days=0.0)
    gone = store.add_test("localhost", accepts_for=timedelta(seconds=-1))
    kept = store.add_test("localhost", accepts_for=timedelta(hours=1))
    store.purge_expired()
    assert store.get_test(gone.id) is None and store.get_test(kept.id) is not None
    store.dispose()


def _store(app) -> ReportStore:
    from web import services_of

    return services_of(app).store
