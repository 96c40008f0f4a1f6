"""The inbox over real sockets: what it accepts, what it refuses with which SMTP code, how long it
waits, and what it stores (the inbox in this process on a free loopback port, demo engine)."""

from __future__ import annotations

import smtplib
import time

import pytest

from web.inbox.receiver import signs_received

from .conftest import SENDER_HELO, Line, new_test, plain_message, smtp


def test_a_test_address_gets_its_message_stored_exactly_and_analysed(start_inbox):
    inbox = start_inbox()
    test, address = new_test(inbox)
    body = "Hello,\n.a line that starts with a dot\n..and one with two\n"
    sent = plain_message(address, body=body)
    with smtp(inbox.port, tls=True) as client:
        refused = client.sendmail(f"bounces@{SENDER_HELO}", [address], sent)
    assert refused == {}
    stored = inbox.store.get_test(test.id)
    assert stored.status == "received" and stored.report_id
    row = inbox.store.get(stored.report_id)
    assert row.source == "inbox" and row.status == "done"
    # our Received line on top, then the bytes as they were sent (dot-stuffing undone)
    assert row.raw.startswith(b"Received: from " + SENDER_HELO.encode() + b" ([127.0.0.1])\r\n")
    assert row.raw.endswith(sent)
    trace = row.raw[: len(row.raw) - len(sent)]
    assert b"with ESMTPS" in trace and b"(using TLSv1.3" in trace
    assert f"for <{address}>".encode() in trace
    assert row.options["delivery"] == {
        "sender_ip": "127.0.0.1",
        "helo": SENDER_HELO,
        "mail_from": f"bounces@{SENDER_HELO}",
        "tls": True,
        "tls_version": "TLSv1.3",
    }
    assert row.report["delivery"]["tls_version"] == "TLSv1.3"


def test_plain_delivery_is_recorded_as_unencrypted(start_inbox):
    inbox = start_inbox()
    test, address = new_test(inbox)
    with smtp(inbox.port) as client:
        client.sendmail("", [address], plain_message(address))
    row = inbox.store.get(inbox.store.get_test(test.id).report_id)
    assert row.options["delivery"] == {
        "sender_ip": "127.0.0.1",
        "helo": SENDER_HELO,
        "mail_from": "<>",  # the null sender: SPF checks the HELO name
        "tls": False,
    }
    assert row.report["delivery"]["mail_from"] == "<>"
    assert b"with ESMTP id " in row.raw.split(b"\r\n\r\n")[0]


def test_no_received_line_when_a_signature_covers_received(start_inbox):
    inbox = start_inbox()
    test, address = new_test(inbox)
    signature = (
        b"DKIM-Signature: v=1; a=rsa-sha256; d=inbox-sender.example; s=x;\r\n"
        b"\th=from:to:subject:received:received; bh=AAAA; b=AAAA\r\n"
    )
    sent = signature + plain_message(address)
    assert signs_received(sent)
    with smtp(inbox.port) as client:
        client.sendmail("a@inbox-sender.example", [address], sent)
    row = inbox.store.get(inbox.store.get_test(test.id).report_id)
    assert row.raw == sent


def test_unknown_recipients_are_refused_with_550(start_inbox):
    inbox = start_inbox()
    never_issued = "test-" + "a" * 26 + "@localhost"
    cases = {
        never_issued: "5.1.1",
        "postmaster@localhost": "5.1.1",
        "test-abc@localhost": "5.1.1",
        "someone@example.org": "5.7.1",  # not our domain: we relay nothing
    }
    with smtp(inbox.port) as client:
        for address, enhanced in cases.items():
            client.mail("a@inbox-sender.example")
            code, text = client.rcpt(address)
            assert code == 550, address
            assert text.decode().startswith(enhanced), (address, text)
            client.rset()
    assert inbox.store.count() == 0


def test_a_test_takes_one_message_and_then_refuses(start_inbox):
    inbox = start_inbox()
    _test, address = new_test(inbox)
    with smtp(inbox.port) as client:
        client.sendmail("a@inbox-sender.example", [address], plain_message(address))
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            client.sendmail("a@inbox-sender.example", [address], plain_message(address))
    code, text = refused.value.recipients[address]
    assert code == 550 and text.startswith(b"5.2.1")
    assert inbox.store.count() == 1


def test_an_expired_test_address_is_refused(start_inbox):
    inbox = start_inbox()
    _test, address = new_test(inbox, hours=-1)
    with smtp(inbox.port) as client:
        client.mail("a@inbox-sender.example")
        code, text = client.rcpt(address)
    assert code == 550 and b"expired" in text


def test_one_message_for_two_tests_gives_each_its_report(start_inbox):
    inbox = start_inbox()
    first, first_address = new_test(inbox)
    second, second_address = new_test(inbox)
    with smtp(inbox.port) as client:
        client.sendmail(
            "a@inbox-sender.example", [first_address, second_address], b"Subject: x\r\n\r\nhi\r\n"
        )
    rows = [inbox.store.get(inbox.store.get_test(t.id).report_id) for t in (first, second)]
    assert [r.status for r in rows] == ["done", "done"]
    assert rows[0].id != rows[1].id and rows[0].report["score"] == rows[1].report["score"]
    assert b"\tfor <" not in rows[0].raw  # one trace "for" clause names a single recipient


def test_too_many_recipients_get_452(start_inbox):
    inbox = start_inbox(max_recipients=2)
    addresses = [new_test(inbox)[1] for _ in range(3)]
    with smtp(inbox.port) as client:
        client.mail("a@inbox-sender.example")
        replies = [client.rcpt(a)[0] for a in addresses]
    assert replies == [250, 250, 452]


def test_harvesting_recipients_gets_the_connection_closed(start_inbox):
    inbox = start_inbox(max_bad_recipients=3)
    line = Line(inbox.port)
    assert line.reply().startswith("220")
    assert line.command("EHLO probe.example").startswith("250")
    assert line.command("MAIL FROM:<a@probe.example>").startswith("250")
    replies = [line.command(f"RCPT TO:<user{i}@localhost>")[:3] for i in range(4)]
    assert replies == ["550", "550", "550", "421"]
    assert line.closed()
    line.close()


def test_declared_size_over_the_limit_is_refused_at_mail_from(start_inbox):
    inbox = start_inbox(max_message_bytes=50_000)
    _test, address = new_test(inbox)
    with smtp(inbox.port) as client:
        assert client.esmtp_features["size"] == "50000"
        code, text = client.mail("a@inbox-sender.example", ["SIZE=50001"])
        assert code == 552 and text.startswith(b"5.3.4")
        # smtplib declares SIZE itself: the same refusal, before any data is sent
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            client.sendmail(
                "a@inbox-sender.example", [address], plain_message(address, body="x" * 60_000)
            )
    assert refused.value.smtp_code == 552


def test_oversize_data_without_a_declared_size_is_refused_with_552(start_inbox):
    inbox = start_inbox(max_message_bytes=50_000)
    test, address = new_test(inbox)
    with smtp(inbox.port) as client:
        client.mail("a@inbox-sender.example")
        assert client.rcpt(address)[0] == 250
        code, text = client.data(plain_message(address, body=("y" * 70 + "\n") * 1000))
        assert code == 552 and text.startswith(b"5.3.4")
        # the connection goes on, and the test still waits for a message that fits
        client.sendmail("a@inbox-sender.example", [address], plain_message(address))
    assert inbox.store.get_test(test.id).status == "received"


def test_a_client_that_stalls_is_dropped_after_the_idle_timeout(start_inbox):
    inbox = start_inbox(idle_timeout=1.0)
    line = Line(inbox.port)
    started = time.monotonic()
    assert line.reply().startswith("220")
    assert line.reply().startswith("421 4.4.2")
    assert line.closed()
    assert 0.9 <= time.monotonic() - started < 3.0
    line.close()


def test_a_client_that_stalls_inside_data_is_dropped_too(start_inbox):
    inbox = start_inbox(idle_timeout=1.0)
    test, address = new_test(inbox)
    line = Line(inbox.port)
    line.reply()
    line.command("EHLO slow.example")
    line.command("MAIL FROM:<a@slow.example>")
    assert line.command(f"RCPT TO:<{address}>").startswith("250")
    assert line.command("DATA").startswith("354")
    line.send("Subject: half a message")
    started = time.monotonic()
    assert line.reply().startswith("421")
    assert line.closed()
    assert time.monotonic() - started < 3.0
    line.close()
    assert inbox.store.get_test(test.id).status == "waiting"


def test_a_slow_drip_is_cut_at_the_session_limit(start_inbox):
    inbox = start_inbox(idle_timeout=1.0, session_timeout=2.0)
    line = Line(inbox.port)
    line.reply()
    started = time.monotonic()
    reply = ""
    while time.monotonic() - started < 5:  # a NOOP every half second keeps it from idling
        reply = line.command("NOOP")
        if reply.startswith("421"):
            break
        time.sleep(0.5)
    assert reply.startswith("421 4.4.2") and "time limit" in reply
    assert 1.8 <= time.monotonic() - started < 3.5
    line.close()


def test_connections_past_the_limit_get_421_at_once(start_inbox):
    inbox = start_inbox(max_connections=2)
    held = [Line(inbox.port), Line(inbox.port)]
    assert [h.reply()[:3] for h in held] == ["220", "220"]
    extra = Line(inbox.port)
    assert extra.reply().startswith("421 4.7.0")
    assert extra.closed()
    extra.close()
    held[0].command("QUIT")
    held[0].close()
    time.sleep(0.2)
    again = Line(inbox.port)
    assert again.reply().startswith("220")
    again.close()
    held[1].close()


def test_starttls_is_offered_and_no_login_is(start_inbox):
    inbox = start_inbox()
    with smtp(inbox.port) as client:
        assert client.has_extn("starttls") and not client.has_extn("auth")
        client.starttls()
        client.ehlo()
        assert not client.has_extn("auth") and not client.has_extn("starttls")


def test_the_self_signed_certificate_is_made_once_and_reused(start_inbox, tmp_path):
    first = start_inbox()
    cert = (tmp_path / "inbox-tls" / "cert.pem").read_bytes()
    key = tmp_path / "inbox-tls" / "key.pem"
    assert key.stat().st_mode & 0o077 == 0
    second = start_inbox()
    assert (tmp_path / "inbox-tls" / "cert.pem").read_bytes() == cert
    assert first.port != second.port


def test_a_broken_tls_handshake_frees_its_connection_slot(start_inbox):
    inbox = start_inbox(max_connections=1)
    line = Line(inbox.port)
    line.reply()
    line.command("EHLO broken.example")
    assert line.command("STARTTLS").startswith("220")
    line.send(b"this is not a TLS ClientHello\r\n" * 4)
    assert line.closed()
    line.close()
    time.sleep(0.2)
    with smtp(inbox.port, tls=True) as client:  # the one slot is free again, TLS still works
        assert client.noop()[0] == 250
