"""A real test send, end to end: `spamscore serve` and `spamscore inbox` as processes sharing one
data directory, the test DNS server publishing the sender's SPF (127.0.0.1), DKIM key (made
here), DMARC and reverse DNS, and a DKIM-signed message delivered over SMTP with STARTTLS from
127.0.0.1. What was evaluated on the wire must show in the stored report.
"""

from __future__ import annotations

import json
import smtplib
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from scorer.compose import compose_message
from tests.support.dkim_keys import Key, rsa_key, sign
from tests.support.processes import SPAMSCORE, free_port
from tests.web.conftest import ServeProcess

from .conftest import SENDER_DOMAIN, SENDER_HELO, InboxProcess, smtp

pytestmark = pytest.mark.slow

INBOX_DOMAIN = "inbox.test"
SELECTOR = "inbox"


def _request(url: str, *, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=b"" if method == "POST" else None, method=method)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _json(url: str, *, method: str = "GET") -> tuple[int, dict[str, Any]]:
    status, _headers, body = _request(url, method=method)
    return status, json.loads(body)


def _wait_done(base: str, test_id: str, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status, test = _json(f"{base}/api/v1/tests/{test_id}")
        assert status == 200
        if test["status"] == "done":
            return test
        assert test["status"] in ("waiting", "received"), test
        assert time.monotonic() < deadline, f"no report: {test}"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def dkim_key(dns_server) -> Key:
    key = rsa_key(2048)
    dns_server.zones.update({f"{SELECTOR}._domainkey.{SENDER_DOMAIN}": [{"TXT": key.record}]})
    return key


def network_env(dns_server) -> dict[str, str]:
    """The inbox analyses online, every query going to the test DNS server."""
    return {
        "SPAMSCORE_OFFLINE": "0",
        "SPAMSCORE_NAMESERVERS": dns_server.address,
        "SPAMSCORE_DNS_TIMEOUT_MS": "400",
        "SPAMSCORE_DNS_DEADLINE_MS": "3000",
        "SPAMSCORE_INBOX_DOMAIN": INBOX_DOMAIN,
        "SPAMD_HOST": "",
        "RSPAMD_URL": "",
    }


@pytest.fixture(scope="module")
def stack(tmp_path_factory, dns_server):
    """The web service and the inbox, as real processes on one data directory."""
    base = tmp_path_factory.mktemp("inbox-e2e")
    data = base / "data"
    web = ServeProcess(
        data, base, {"SPAMSCORE_OFFLINE": "1", "SPAMSCORE_INBOX_DOMAIN": INBOX_DOMAIN}, workers=1
    )
    try:
        inbox = InboxProcess(data, base, network_env(dns_server))
    except Exception:
        web.stop()
        raise
    yield web, inbox
    inbox.stop()
    web.stop()


def signed_message(key: Key, to: str, *, text: str) -> bytes:
    message = compose_message(
        from_=f"Inbox Sender <news@{SENDER_DOMAIN}>",
        to=to,
        subject="Your receipt for order 20417",
        text=text,
        message_id=f"<{time.monotonic_ns()}@{SENDER_DOMAIN}>",
    )
    return sign(
        message,
        key,
        selector=SELECTOR,
        domain=SENDER_DOMAIN,
        headers=["From", "To", "Subject", "Date", "Message-ID"],
    )


RECEIPT = (
    "Hello Ana,\n\nthank you for your order 20417. The two notebooks ship on Tuesday.\n"
    ".A line that starts with a dot (SMTP doubles it on the wire; DKIM must still verify).\n"
    "\nBest regards,\nThe Inbox Sender team\n"
)


def _send(port: int, sender: str, address: str, raw: bytes) -> None:
    with smtp(port, tls=True, helo=SENDER_HELO) as client:
        assert client.sendmail(sender, [address], raw) == {}


def test_a_signed_send_over_starttls_passes_spf_dkim_dmarc_and_shows_tls(stack, dkim_key):
    web, inbox = stack
    status, created = _json(f"{web.base}/api/v1/tests", method="POST")
    assert status == 201 and created["status"] == "waiting"
    address = created["address"]
    assert address == f"test-{created['id']}@{INBOX_DOMAIN}"
    raw = signed_message(dkim_key, address, text=RECEIPT)
    _send(inbox.port, f"bounces@{SENDER_DOMAIN}", address, raw)

    test = _wait_done(web.base, created["id"])
    report = test["report"]
    ids = {f["id"] for f in report["findings"]}
    assert {"SPF_PASS", "DKIM_VALID", "DMARC_PASS"} <= ids, sorted(ids)
    assert not ids & {"DKIM_INVALID", "SPF_FAIL", "DMARC_FAIL", "RDNS_NONE", "RDNS_MISMATCH"}
    assert test["delivery"] == {
        "sender_ip": "127.0.0.1",
        "helo": SENDER_HELO,
        "mail_from": f"bounces@{SENDER_DOMAIN}",
        "tls": True,
        "tls_version": "TLSv1.3",
    }
    assert report["delivery"]["tls"] is True
    requirements = {r["id"]: r["status"] for r in report["requirements"]}
    for rid in ("gmail.tls", "gmail.spf", "gmail.dkim", "gmail.ptr", "yahoo.dmarc_pass"):
        assert requirements[rid] == "pass", (rid, requirements)

    # stored byte for byte as received, under our own Received line
    status, _h, stored = _request(f"{web.base}{report['links']['raw']}")
    assert status == 200
    assert stored.endswith(raw)
    assert stored[: len(stored) - len(raw)].startswith(b"Received: from " + SENDER_HELO.encode())

    # the test's page now leads to the report page, which says how the message arrived
    status, headers, _body = _request(f"{web.base}{test['links']['html']}")
    assert status == 303 and headers["Location"].endswith(f"/r/{report['id']}")
    status, _h, page = _request(f"{web.base}/r/{report['id']}")
    assert status == 200
    assert b"How it arrived" in page and b"TLSv1.3" in page and SENDER_HELO.encode() in page


def test_a_tampered_body_fails_dkim(stack, dkim_key):
    web, inbox = stack
    _status, created = _json(f"{web.base}/api/v1/tests", method="POST")
    address = created["address"]
    raw = signed_message(dkim_key, address, text=RECEIPT)
    tampered = raw.replace(b"ship on Tuesday", b"ship on Friday!")
    assert tampered != raw
    _send(inbox.port, f"bounces@{SENDER_DOMAIN}", address, tampered)

    report = _wait_done(web.base, created["id"])["report"]
    ids = {f["id"] for f in report["findings"]}
    assert "DKIM_INVALID" in ids and "DKIM_VALID" not in ids, sorted(ids)
    assert "SPF_PASS" in ids  # the wire still authorises 127.0.0.1
    requirements = {r["id"]: r["status"] for r in report["requirements"]}
    assert requirements["gmail.dkim"] == "fail"


def test_a_bounce_with_the_null_sender_is_checked_by_its_helo_name(stack, dkim_key):
    web, inbox = stack
    _status, created = _json(f"{web.base}/api/v1/tests", method="POST")
    raw = signed_message(dkim_key, created["address"], text=RECEIPT)
    _send(inbox.port, "", created["address"], raw)
    test = _wait_done(web.base, created["id"])
    assert test["delivery"]["mail_from"] == "<>"
    spf = next(f for f in test["report"]["findings"] if f["id"] == "SPF_PASS")
    assert f"127.0.0.1 for {SENDER_HELO}: pass" in spf["evidence"][0]


def _send_test(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SPAMSCORE), "send-test", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_send_test_creates_a_test_sends_and_prints_the_report(stack, dkim_key, tmp_path):
    web, inbox = stack
    # a file on disk with LF line ends: send-test puts CRLF on the wire, the signature holds
    raw = signed_message(dkim_key, f"someone@{INBOX_DOMAIN}", text=RECEIPT)
    path = tmp_path / "receipt.eml"
    path.write_bytes(raw.replace(b"\r\n", b"\n"))
    common = ["--api", web.base, "--server", f"127.0.0.1:{inbox.port}", "--starttls"]
    common += ["--mail-from", f"bounces@{SENDER_DOMAIN}", "--helo", SENDER_HELO]

    done = _send_test(str(path), *common)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "DKIM_VALID" in done.stdout and "SPF_PASS" in done.stdout
    # the provider matrix: TLS is among the requirements met (collapsed into one line)
    met = [line for line in done.stdout.splitlines() if line.strip().startswith("Met (")]
    assert met and "Sent over TLS" in met[0]
    assert f"{web.base}/r/" in done.stdout

    as_json = _send_test(str(path), *common, "--json", "--threshold", "-100")
    assert as_json.returncode == 1  # at or over the threshold
    report = json.loads(as_json.stdout)
    assert report["version"] == 1 and report["is_spam"] is True and report["threshold"] == -100
    assert "DMARC_PASS" in {f["id"] for f in report["findings"]}


def test_send_test_errors_are_one_line_and_exit_2(stack, tmp_path):
    web, inbox = stack
    path = tmp_path / "note.eml"
    path.write_bytes(b"From: a@inbox-sender.example\nSubject: hi\n\nhello\n")
    never_issued = f"test-{'b' * 26}@{INBOX_DOMAIN}"
    refused = _send_test(
        str(path), "--to", never_issued, "--api", web.base, "--server", f"127.0.0.1:{inbox.port}"
    )
    # the API is asked before anything is sent: an address never issued fails there
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "404" in refused.stderr
    assert "no test with this id" in refused.stderr
    no_api = _send_test(str(path), "--api", f"http://127.0.0.1:{free_port()}")
    assert no_api.returncode == 2
    assert no_api.stderr.count("\n") == 1 and "cannot reach the API" in no_api.stderr
    not_a_test = _send_test(str(path), "--to", "someone@example.org")
    assert not_a_test.returncode == 2 and "not a test address" in not_a_test.stderr
    missing = _send_test(str(tmp_path / "nope.eml"), "--to", never_issued)
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_serve_with_inbox_starts_and_stops_both(tmp_path, dns_server):
    port = free_port()
    env = {
        **network_env(dns_server),
        "SPAMSCORE_SERVE_INBOX": "1",
        "SPAMSCORE_INBOX_PORT": str(port),
        "SPAMSCORE_OFFLINE": "1",
    }
    web = ServeProcess(tmp_path / "data", tmp_path, env, workers=1)
    try:
        status, created = _json(f"{web.base}/api/v1/tests", method="POST")
        assert status == 201
        with smtp(port) as client:
            client.sendmail(
                "a@inbox-sender.example", [created["address"]], b"Subject: hi\r\n\r\nhello\r\n"
            )
        test = _wait_done(web.base, created["id"])
        assert test["delivery"]["tls"] is False
        assert any(s["reason"] == "offline" for s in test["report"]["skipped"])
        # serve says the inbox runs, the form offers a test send, the page names the port
        assert f"SMTP test inbox: running on 127.0.0.1:{port}" in web.log.read_text()
        form = urllib.request.urlopen(f"{web.base}/", timeout=10).read()
        assert b'id="tab-send"' in form
        page = urllib.request.urlopen(f"{web.base}/t/{created['id']}", timeout=10).read()
        assert f"--server 127.0.0.1:{port}".encode() in page or b"/r/" in page
    finally:
        assert web.stop() == 0
    with pytest.raises(OSError):
        smtplib.SMTP("127.0.0.1", port, timeout=2)


def test_inbox_command_refuses_bad_settings(tmp_path):
    bad = subprocess.run(
        [str(SPAMSCORE), "inbox", "--domain", "not a domain"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"SPAMSCORE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--domain" in bad.stderr
    assert not Path(tmp_path / "reports.sqlite3").exists()
