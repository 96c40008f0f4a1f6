"""BIMI readiness through the whole pipeline: DNS from the test server, the logo and mark
certificate fetched (opt-in) from a real HTTPS server on 127.0.0.1 through the guarded fetcher,
allowed by the test allow-list, and certificates made at test time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scorer.compose import compose_message
from scorer.fetch import Fetcher
from scorer.pipeline import Engine
from tests.conftest import network_settings
from tests.support.https_server import HTTPSTestServer
from tests.support.pki import make_ca, mark_certificate

BIMI = Path(__file__).parents[2] / "data" / "bimi"
LOGO = (BIMI / "valid_tiny_ps.svg").read_bytes()
HOST = "bimi-assets.test"


@pytest.fixture(scope="module")
def https():
    with HTTPSTestServer(hosts=[HOST]) as server:
        yield server


@pytest.fixture(scope="module")
def mva():
    return make_ca("Test Verified Mark Root", "Test MVA, Inc.")


@pytest.fixture(scope="module")
def engine(dns_server, https, mva):
    base = f"https://{HOST}:{https.port}"
    dns_server.zones.update(
        {
            HOST: [{"A": "127.0.0.1"}],
            "brandco.example": [{"MX": [10, "mx.good.example"]}],
            "_dmarc.brandco.example": [{"TXT": "v=DMARC1; p=reject; rua=mailto:d@brandco.example"}],
            "default._bimi.brandco.example": [
                {"TXT": f"v=BIMI1; l={base}/logo.svg; a={base}/vmc.pem"}
            ],
            "default._bimi.dmarctest.example": [{"TXT": f"v=BIMI1; l={base}/logo.svg"}],
        }
    )
    fetcher = Fetcher(allow=frozenset({(HOST, https.port)}), cafile=https.cafile, timeout_s=3.0)
    engine = Engine(
        network_settings(dns_server).replace(use_classifier=False),
        fetcher=fetcher,
        mark_roots=(mva.cert,),
    )
    yield engine
    engine.close()


def _analyze(engine, domain: str, **delivery):
    raw = compose_message(from_=f"Brand <news@{domain}>", subject="Hello", text="Hi")
    report = engine.analyze(raw, delivery=delivery)
    return report, {f.id: f for f in report.findings}, report.to_dict("en").get("bimi")


def _providers(section):
    return {p["provider"]: p for p in section["providers"]}


def test_fetched_logo_and_vmc_make_bimi_ready(engine, https, mva):
    https.routes["/logo.svg"] = (200, {"Content-Type": "image/svg+xml"}, LOGO)
    vmc = mark_certificate(mva, domains=["brandco.example"], svg=LOGO)
    https.routes["/vmc.pem"] = (200, {"Content-Type": "application/x-pem-file"}, vmc.pem)
    _report, found, section = _analyze(engine, "brandco.example", bimi_fetch=True)
    assert "BIMI_READY" in found, found.keys()
    assert section["logo"]["ok"] and section["certificate"]["kind"] == "VMC"
    shows = {k: v["shows"] for k, v in _providers(section).items()}
    assert shows["gmail"] == "yes" and shows["apple"] == "yes"


def test_a_certificate_that_does_not_match_the_logo(engine, https, mva):
    https.routes["/logo.svg"] = (200, {}, LOGO.replace(b"#c8102e", b"#123456"))
    vmc = mark_certificate(mva, domains=["brandco.example"], svg=LOGO)
    https.routes["/vmc.pem"] = (200, {}, vmc.pem)
    _report, found, section = _analyze(engine, "brandco.example", bimi_fetch=True)
    assert "logo_mismatch" in found["BIMI_CERT_INVALID"].params["problems"]
    assert _providers(section)["gmail"]["shows"] == "no"


def test_an_entrust_vmc_issued_after_the_cutoff_shows_at_gmail_not_apple(engine, https, dns_server):
    entrust = make_ca("Entrust Verified Mark CA", "Entrust, Inc.")
    vmc = mark_certificate(
        entrust,
        domains=["brandco.example"],
        svg=LOGO,
        not_before=datetime(2025, 1, 10, tzinfo=UTC),
        days=1500,
    )
    https.routes["/logo.svg"] = (200, {}, LOGO)
    https.routes["/vmc.pem"] = (200, {}, vmc.pem)
    engine.mark_roots = (entrust.cert,)
    try:
        _report, _found, section = _analyze(engine, "brandco.example", bimi_fetch=True)
    finally:
        engine.mark_roots = None
    providers = _providers(section)
    assert providers["gmail"]["shows"] == "yes"
    assert providers["apple"]["shows"] == "no"
    assert any("Entrust" in why and "2024-11-15" in why for why in providers["apple"]["why"])


def test_uploads_are_checked_without_fetching(engine, https):
    https.hits.clear()
    svg = (BIMI / "with_script.svg").read_text()
    _report, found, section = _analyze(engine, "brandco.example", bimi_svg=svg)
    assert "script" in found["BIMI_LOGO_INVALID"].params["problems"]
    assert section["logo"]["source"] == "uploaded" and sum(https.hits.values()) == 0


def test_without_opt_in_nothing_is_fetched(engine, https):
    https.hits.clear()
    _report, found, section = _analyze(engine, "brandco.example")
    assert sum(https.hits.values()) == 0 and section["logo"] is None
    assert _providers(section)["gmail"]["shows"] == "unknown"
    assert not {"BIMI_READY", "BIMI_LOGO_INVALID", "BIMI_CERT_INVALID"} & set(found)


@pytest.mark.parametrize(
    ("domain", "reason"),
    [("dmarcnone.example", "policy none"), ("dmarctest.example", "t=y")],
)
def test_a_record_without_dmarc_enforcement(engine, domain, reason):
    _report, found, section = _analyze(engine, domain)
    assert reason in "; ".join(map(str, found["BIMI_DMARC_NOT_ENFORCING"].params["reasons"]))
    assert section["dmarc"]["enforcing"] is False
    assert all(p["shows"] == "no" for p in section["providers"])
