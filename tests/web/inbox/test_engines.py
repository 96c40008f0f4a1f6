"""Other engines' opinions in a test send's report: the real spamd and rspamd on loopback (started
by scripts/test.sh with ../shared/anchors/start.sh; started here if they are not up yet), and
unreachable ones listed as skipped, on the report page too."""

from __future__ import annotations

import socket

import pytest

from scorer.pipeline import Engine
from tests.conftest import network_settings
from tests.support.anchors import RSPAMD, SPAMD, ensure_anchor_engines

from .conftest import SENDER_DOMAIN, new_test, smtp

pytestmark = pytest.mark.slow

SPAMMY = (
    "Subject: FREE CASH NOW!!! Claim your prize\r\n"
    f"From: Winner Dept <win@{SENDER_DOMAIN}>\r\n"
    "To: you@example.org\r\n"
    "\r\n"
    "CONGRATULATIONS!!! You have been selected. Buy cheap pills now, limited offer, click here,\r\n"
    "100% free, no risk, act now!!! Wire the fee today to claim your $1,000,000.\r\n"
).encode()


@pytest.fixture(scope="module")
def anchors_up() -> None:
    ensure_anchor_engines()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _send_and_load(inbox, make_app):
    test, address = new_test(inbox)
    with smtp(inbox.port, tls=True) as client:
        client.sendmail(f"win@{SENDER_DOMAIN}", [address], SPAMMY)
    report_id = inbox.store.get_test(test.id).report_id
    client = make_app().test_client()
    data = client.get(f"/api/v1/tests/{test.id}").get_json()
    page = client.get(f"/r/{report_id}").get_data(as_text=True)
    return data["report"], page


def test_spamassassin_and_rspamd_give_their_opinions(anchors_up, dns_server, start_inbox, make_app):
    engine = Engine(network_settings(dns_server).replace(spamd_host=SPAMD, rspamd_url=RSPAMD))
    try:
        report, page = _send_and_load(start_inbox(engine_=engine), make_app)
    finally:
        engine.close()
    engines = report["engines"]
    spamassassin, rspamd = engines["spamassassin"], engines["rspamd"]
    assert spamassassin["threshold"] == 5.0 and spamassassin["rules"]
    assert spamassassin["score"] == pytest.approx(
        sum(r["score"] for r in spamassassin["rules"]), abs=0.1
    )
    assert {"MISSING_DATE", "MISSING_MID"} <= {r["name"] for r in spamassassin["rules"]}
    rspamd_rules = {r["name"] for r in rspamd["rules"]}
    assert rspamd["action"] and "MISSING_MID" in rspamd_rules
    # rspamd read our Received line (TLS) and the envelope the inbox passed it
    assert {"RCVD_TLS_ALL", "FROM_EQ_ENVFROM"} <= rspamd_rules
    assert not [s for s in report["skipped"] if s["check"].startswith("engine.")]
    # the report page shows both, with their rules
    assert 'id="engines"' in page
    assert 'data-engine="spamassassin"' in page and 'data-engine="rspamd"' in page
    assert spamassassin["rules"][0]["name"] in page and rspamd["rules"][0]["name"] in page


def test_unreachable_engines_are_listed_as_skipped(dns_server, start_inbox, make_app):
    engine = Engine(
        network_settings(dns_server).replace(
            spamd_host=f"127.0.0.1:{_closed_port()}",
            rspamd_url=f"http://127.0.0.1:{_closed_port()}",
        )
    )
    try:
        report, page = _send_and_load(start_inbox(engine_=engine), make_app)
    finally:
        engine.close()
    assert "engines" not in report
    skipped = {s["check"]: s["reason"] for s in report["skipped"]}
    assert "unreachable" in skipped["engine.spamassassin"]
    assert "unreachable" in skipped["engine.rspamd"]
    assert 'id="engines"' in page and "Not available:" in page
    assert page.count('class="engine-skipped"') == 2


def test_no_engines_section_when_none_is_configured(start_inbox, make_app):
    _report, page = _send_and_load(start_inbox(), make_app)
    assert 'id="engines"' not in page
