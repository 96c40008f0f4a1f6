"""The inbox on PostgreSQL (DATABASE_URL): test addresses, a message stored with its test in one
transaction, and its report, on a real throwaway server (the fixture of tests/web/test_postgres)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from tests.web.test_postgres import postgres_server, postgres_url  # noqa: F401 (fixtures)
from web.inbox.server import InboxServer

from .conftest import inbox_config, new_test, plain_message, smtp

pytestmark = pytest.mark.slow


def test_a_test_send_on_postgresql(tmp_path, engine, make_app, postgres_url):  # noqa: F811
    config = inbox_config(tmp_path)
    config = config.replace(web=dataclasses.replace(config.web, database_url=postgres_url))
    inbox = InboxServer(config, engine=engine).start()
    try:
        test, address = new_test(inbox)
        with smtp(inbox.port, tls=True) as client:
            client.sendmail("a@inbox-sender.example", [address], plain_message(address))
        stored = inbox.store.get_test(test.id)
        assert stored.status == "received"
        # the store refuses a second message for the same test
        assert inbox.store.attach_message(test.id, b"Subject: x\r\n\r\n", options={}) is None
        expired = inbox.store.add_test("localhost", accepts_for=timedelta(seconds=-1))
        assert inbox.store.attach_message(expired.id, b"Subject: x\r\n\r\n", options={}) is None
    finally:
        inbox.stop()
    client = make_app(database_url=postgres_url).test_client()
    body = client.get(f"/api/v1/tests/{test.id}").get_json()
    assert body["status"] == "done" and body["report"]["id"] == stored.report_id
    assert body["delivery"]["tls_version"] == "TLSv1.3"


def test_inbox_replicas_on_one_database_present_one_certificate(
    tmp_path,
    engine,
    postgres_url,  # noqa: F811
):
    """No configured certificate: the first inbox makes the self-signed pair and keeps it in the
    store; another inbox (another data directory, as on another machine) takes the same one."""
    import ssl

    certs = []
    for name in ("a", "b"):
        config = inbox_config(tmp_path / name)
        config = config.replace(web=dataclasses.replace(config.web, database_url=postgres_url))
        inbox = InboxServer(config, engine=engine).start()
        try:
            with smtp(inbox.port, tls=True) as client:
                certs.append(ssl.DER_cert_to_PEM_cert(client.sock.getpeercert(binary_form=True)))
        finally:
            inbox.stop()
        assert not (tmp_path / name / "inbox-tls").exists()
    assert certs[0] == certs[1]
