"""rspamd- and Postmark-compatible endpoints: rspamc (rspamd's own client) against the real
`spamscore serve`, and the JSON shapes through the Flask client."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

MESSAGES = Path(__file__).resolve().parents[1] / "data" / "messages"
SPAM = MESSAGES / "body_spam_phrases.eml"
KEY = "compat-test-key-0123456789"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`spamscore serve` (gunicorn) on the shipped engine, offline, API keys required."""
    from tests.web.conftest import ServeProcess

    tmp = tmp_path_factory.mktemp("compat")
    server = ServeProcess(
        tmp / "data",
        tmp,
        {"SPAMSCORE_OFFLINE": "1", "SPAMSCORE_API_KEYS": KEY, "SPAMSCORE_RATE_LIMIT": "off"},
        workers=1,
    )
    yield server
    server.stop()


def rspamc(server, *args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("rspamc")
    if binary is None:
        pytest.skip("rspamc is not installed (package rspamd, scripts/apt-packages.txt)")
    return subprocess.run(
        [binary, "-h", f"127.0.0.1:{server.port}", "-t", "30", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_rspamc_symbols_prints_our_symbols_with_their_evidence(served, offline_engine):
    # rspamc passes the SMTP facts (-i, -F), so the message counts as sent, as it does here
    delivery = {"sender_ip": "192.0.2.7", "mail_from": "bounce@example.com"}
    report = offline_engine.analyze(SPAM.read_bytes(), delivery=delivery)
    result = rspamc(
        served,
        "-P",
        KEY,
        "-i",
        "192.0.2.7",
        "-F",
        "bounce@example.com",
        "-r",
        "reader@example.org",
        "symbols",
        str(SPAM),
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Action: add header" in out and "Spam: true" in out
    assert re.search(rf"^Score: {report.score:.2f} / 5\.00$", out, re.M)
    printed = dict(re.findall(r"^Symbol: (\w+) \((-?\d+\.\d\d)\)", out, re.M))
    assert printed == {f.id: f"{f.score:.2f}" for f in report.findings}
    phrases = report.get("BODY_SPAM_PHRASES").evidence
    assert f"Symbol: BODY_SPAM_PHRASES (2.50)[{', '.join(phrases)}]" in out


def test_rspamc_needs_the_key_when_keys_are_configured(served):
    result = rspamc(served, "symbols", str(SPAM))
    assert result.returncode != 0
    assert "401" in result.stdout + result.stderr


def test_envelope_headers_reach_the_analysis(served):
    request = urllib.request.Request(
        f"{served.base}/checkv2",
        data=SPAM.read_bytes(),
        headers={
            "X-API-Key": KEY,
            "IP": "192.0.2.7",
            "Helo": "mail.example.com",
            "From": "<bounce@example.com>",
            "Rcpt": "reader@example.org",
            "Queue-Id": "4ABC123",
            "Settings": '{"actions": {"reject": 100}}',
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        data = json.load(response)
    assert data["messages"]["spamscore"].startswith("Settings and Settings-Id were ignored")
    report_id = data["spamscore"]["id"]
    fetch = urllib.request.Request(
        f"{served.base}/api/v1/reports/{report_id}", headers={"X-API-Key": KEY}
    )
    with urllib.request.urlopen(fetch, timeout=30) as response:
        stored = json.load(response)
    assert stored["delivery"] == {
        "sender_ip": "192.0.2.7",
        "helo": "mail.example.com",
        "mail_from": "bounce@example.com",
    }


def test_checkv2_json_is_rspamds(client, sample_bytes):
    forged = b"X-Spam-Flag: NO\r\n" + sample_bytes("promo")
    response = client.post("/checkv2?offline=true", data=forged)
    assert response.status_code == 200
    data = response.get_json()
    assert data["required_score"] == 5.0
    assert data["action"] in ("no action", "add header", "reject")
    assert data["action"] == ("add header" if 5.0 <= data["score"] < 10.0 else data["action"])
    for name, symbol in data["symbols"].items():
        assert symbol["name"] == name and isinstance(symbol["score"], float)
        assert symbol["description"]
    milter = data["milter"]
    assert milter["remove_headers"]["X-Spam-Flag"] == 0  # the forged one goes
    status = milter["add_headers"]["X-Spam-Status"]["value"]
    assert status.startswith(("Yes, score=", "No, score=")) and "\n" not in status
    assert data["spamscore"]["report_url"].startswith("http://localhost/r/")


def test_reject_action_from_our_reject_threshold(make_app, sample_bytes):
    from tests.web.webdemo import demo_engine

    engine = demo_engine(threshold=1.0, reject_threshold=2.0)
    client = make_app(engine=engine).test_client()
    data = client.post("/checkv2?store=false", data=sample_bytes("promo")).get_json()
    assert data["score"] >= 2.0 and data["action"] == "reject"
    assert data["thresholds"] == {"add header": 1.0, "reject": 2.0}
    assert "spamscore" not in data  # not stored: no link


def test_symbols_is_rspamds_v1_layout(client, sample_bytes):
    data = client.post("/symbols?offline=true", data=sample_bytes("promo")).get_json()
    metric = data["default"]
    assert {"is_spam", "score", "required_score", "action"} <= set(metric)
    assert any(isinstance(v, dict) and "name" in v for v in metric.values())


def test_rspamd_errors_are_rspamd_shaped(client, make_app):
    assert client.post("/checkv2", data=b"").get_json() == {
        "error": "the body is empty: send the raw message"
    }
    bad_ip = client.post("/checkv2", data=b"Subject: x\r\n\r\nhi", headers={"IP": "nope"})
    assert bad_ip.status_code == 400 and "IP header" in bad_ip.get_json()["error"]
    keyed = make_app(api_keys=("a-long-enough-api-key",)).test_client()
    assert keyed.post("/checkv2", data=b"x").status_code == 401
    remote = client.post("/checkv2", data=b"x", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert remote.status_code == 403 and "loopback" in remote.get_json()["error"]


@pytest.mark.parametrize("option", ["short", "long"])
def test_postmark_filter(client, sample_bytes, option):
    raw = sample_bytes("promo").decode("utf-8")
    data = client.post("/filter?offline=true", json={"email": raw, "options": option}).get_json()
    assert data["success"] is True
    assert re.fullmatch(r"-?\d+\.\d", data["score"])
    assert data["rules"] and all({"score", "description"} <= set(r) for r in data["rules"])
    if option == "long":
        assert " pts rule name" in data["report"]
    else:
        assert "report" not in data


def test_postmark_errors_are_postmark_shaped(client):
    for body in ({"email": 3}, {"email": "x", "options": "medium"}):
        response = client.post("/filter", json=body)
        assert response.status_code == 400
        data = response.get_json()
        assert data["success"] is False and data["message"]
    assert client.post("/filter", data="not json").get_json()["success"] is False
