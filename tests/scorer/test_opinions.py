"""Other engines' opinions, from the real spamd and rspamd on loopback (started by the test
command with ../shared/anchors/start.sh; this fixture starts them if they are not up yet)."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from scorer.compose import compose_message
from scorer.opinions import Endpoint, OpinionError, rspamd_opinion, spamd_opinion
from scorer.pipeline import Engine
from scorer.settings import Settings
from tests.support.anchors import RSPAMD, SPAMD, ensure_anchor_engines

from ..conftest import network_settings

SPAMMY = compose_message(
    subject="FREE CASH NOW!!!",
    text="Buy cheap pills now, limited offer, click here",
    headers={"Date": None, "Message-ID": None},
)


@pytest.fixture(scope="session")
def dns_settings(dns_server) -> Settings:
    """Online settings whose DNS goes to the test server, never to the machine's resolver."""
    return network_settings(dns_server)


@pytest.fixture(scope="session")
def anchor_engines(dns_settings):
    ensure_anchor_engines()
    return Engine(dns_settings.replace(spamd_host=SPAMD, rspamd_url=RSPAMD))


@pytest.fixture
def silent_port():
    """A TCP port that accepts connections and never answers (a hung engine)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_spamd_reports_score_and_rules(anchor_engines):
    opinion = spamd_opinion(Endpoint.parse(SPAMD, 783), SPAMMY, timeout=30)
    names = {rule["name"] for rule in opinion["rules"]}
    assert {"MISSING_DATE", "MISSING_MID"} <= names
    assert opinion["threshold"] == 5.0
    assert opinion["score"] == pytest.approx(sum(r["score"] for r in opinion["rules"]), abs=0.05)


def test_rspamd_reports_score_and_symbols(anchor_engines):
    opinion = rspamd_opinion(RSPAMD, SPAMMY, timeout=30)
    names = {rule["name"] for rule in opinion["rules"]}
    assert "MISSING_DATE" in names and "SUBJ_ALL_CAPS" in names
    assert opinion["action"] and isinstance(opinion["score"], float)


def test_opinions_appear_in_the_report_and_never_change_our_score(anchor_engines, dns_settings):
    with_engines = anchor_engines.analyze(SPAMMY).to_dict()
    without = Engine(dns_settings).analyze(SPAMMY).to_dict()
    assert set(with_engines["engines"]) == {"spamassassin", "rspamd"}
    assert with_engines["engines"]["spamassassin"]["rules"]
    assert with_engines["score"] == without["score"]
    assert [f["id"] for f in with_engines["findings"]] == [f["id"] for f in without["findings"]]


def test_a_stopped_engine_is_skipped_with_the_reason(dns_settings):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    engine = Engine(
        dns_settings.replace(spamd_host=f"127.0.0.1:{port}", rspamd_url=f"http://127.0.0.1:{port}")
    )
    report = engine.analyze(SPAMMY).to_dict()
    reasons = {s["check"]: s["reason"] for s in report["skipped"]}
    assert "unreachable" in reasons["engine.spamassassin"]
    assert "unreachable" in reasons["engine.rspamd"]
    assert "engines" not in report


def test_a_hung_engine_is_skipped_after_the_short_timeout(silent_port, dns_settings):
    engine = Engine(
        dns_settings.replace(
            spamd_host=f"127.0.0.1:{silent_port}",
            rspamd_url=f"http://127.0.0.1:{silent_port}",
            opinions_timeout_ms=400,
        )
    )
    started = time.monotonic()
    report = engine.analyze(SPAMMY).to_dict()
    elapsed = time.monotonic() - started
    reasons = {s["check"]: s["reason"] for s in report["skipped"]}
    assert "timed out" in reasons["engine.spamassassin"]
    assert "timed out" in reasons["engine.rspamd"]
    assert elapsed < 2.0, f"took {elapsed:.2f}s with a 0.4s engine timeout"


def test_bad_endpoints_are_refused():
    with pytest.raises(OpinionError):
        Endpoint.parse("host:notaport", 783)
    with pytest.raises(OpinionError):
        rspamd_opinion("ftp://x", b"", timeout=1)
