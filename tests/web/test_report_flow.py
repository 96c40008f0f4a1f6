"""What people paste and how they iterate, on the shipped engine: body-only drafts, Compose that
invents nothing, the form's samples scoring as their names say (offline and against the test
DNS server), fixes first, Edit and check again with the comparison, POST /api/v1/compare."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scorer.pipeline import Engine
from scorer.settings import Settings
from tests.conftest import network_settings
from tests.web.conftest import post_form

ROOT = Path(__file__).resolve().parents[2]
DRAFTS = ROOT / "tests" / "data" / "drafts"
SAMPLES = ROOT / "web" / "samples"


@pytest.fixture(scope="module")
def shipped_offline():
    engine = Engine(Settings(offline=True))
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def shipped_online(dns_server):
    engine = Engine(network_settings(dns_server))
    yield engine
    engine.close()


@pytest.fixture
def client(make_app, shipped_offline):
    return make_app(engine=shipped_offline).test_client()


def _check(client, **form) -> str:
    answer = post_form(client, "/check", form)
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    return answer.headers["Location"]


@pytest.mark.parametrize("online", [False, True], ids=["offline", "test-dns"])
def test_the_form_samples_score_as_their_names_say(shipped_offline, shipped_online, online):
    engine = shipped_online if online else shipped_offline
    newsletter = engine.analyze((SAMPLES / "newsletter.eml").read_bytes())
    promo = engine.analyze((SAMPLES / "promo.eml").read_bytes())
    assert not newsletter.is_spam and newsletter.score < 2.0, newsletter.finding_ids()
    assert promo.is_spam and promo.score >= 10, promo.finding_ids()
    # the reserved .example From domain is one finding, never four
    ids = set(newsletter.finding_ids())
    assert not ids & {"DNS_FROM_NXDOMAIN", "SPF_NONE", "DMARC_MISSING", "DNS_FROM_NO_MX"}


def test_a_pasted_html_body_is_checked_as_a_draft(client):
    html = (DRAFTS / "spring_sale_v2.html").read_text(encoding="utf-8")
    location = _check(client, mode="paste", raw=html)
    page = client.get(location + "?lang=en").get_data(as_text=True)
    assert 'id="draft-note"' in page and "Checked as a draft body (HTML)" in page
    # the subject comes from the HTML's own <title>; nothing else is filled in
    assert "From, To, Date, Message-ID, text/plain" in page
    assert "Defect" not in page  # no Python class names
    report_id = location.rsplit("/", 1)[1]
    stored = client.get(f"/api/v1/reports/{report_id}").get_json()
    assert stored["draft"]["input"] == "html_body"
    assert not stored["is_spam"], [f["id"] for f in stored["findings"]]
    ids = {f["id"] for f in stored["findings"]}
    assert stored["message"]["subject"] == "Spring sale"
    assert not ids & {
        "HDR_FROM_INVALID",
        "HDR_MISSING_TO",
        "HDR_MISSING_SUBJECT",
        "HDR_MISSING_DATE",
        "HDR_MISSING_MESSAGE_ID",
        "MIME_HTML_ONLY",
        "MIME_STRUCTURE_DEFECT",
    }
    assert {s["check"] for s in stored["skipped"] if s["code"] == "draft_missing"} >= {
        "HDR_MISSING_TO",
        "HDR_MISSING_DATE",
        "MIME_HTML_ONLY",
    }
    # the form offers Compose with the body filled in
    compose = client.get(f"/?edit={report_id}&mode=compose").get_data(as_text=True)
    assert 'aria-selected="true"' in compose.split('id="tab-compose"')[1][:80]
    assert "Our spring collection is here" in compose.split('name="html"')[1][:2000]


def test_pasted_plain_text_is_a_text_draft(client):
    text = "Hello,\n\nour spring collection is in the shop this week.\n\nThe Green Leaf team\n"
    location = _check(client, mode="paste", raw=text)
    report = client.get("/api/v1/reports/" + location.rsplit("/", 1)[1]).get_json()
    assert report["draft"]["input"] == "text_body" and not report["is_spam"]
    assert "text/plain" not in report["draft"]["assumed_missing"]


def test_compose_invents_nothing(client):
    location = _check(
        client,
        mode="compose",
        **{"from": "Shop <news@shop.example>"},
        subject="",
        text="Our spring collection is here.",
    )
    report_id = location.rsplit("/", 1)[1]
    raw = client.get(f"/api/v1/reports/{report_id}/raw").get_data()
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert not re.search(rb"^(Subject|To|Date|Message-ID):", head, re.M | re.I), head
    report = client.get(f"/api/v1/reports/{report_id}").get_json()
    ids = {f["id"] for f in report["findings"]}
    assert {"HDR_MISSING_SUBJECT", "HDR_MISSING_TO"} <= ids  # left empty: the findings say so
    assert not ids & {"HDR_MISSING_DATE", "HDR_MISSING_MESSAGE_ID"}  # the platform adds these
    assert report["draft"] == {
        "input": "composed",
        "assumed_missing": ["Date", "Message-ID"],
        "message": "Checked as a composed draft. Added by your sending platform, so not "
        "checked: Date, Message-ID.",
    }


def test_compose_api_invents_nothing_either(client):
    made = client.post(
        "/api/v1/check", json={"from": "Shop <news@shop.example>", "html": "<p>Hi there</p>"}
    ).get_json()
    assert "HDR_MISSING_SUBJECT" in {f["id"] for f in made["findings"]}
    assert made["message"]["subject"] is None


def test_fixes_come_first_with_the_score_after_each(client):
    location = _check(client, mode="paste", raw=(SAMPLES / "promo.eml").read_text("utf-8"))
    page = client.get(location + "?lang=en").get_data(as_text=True)
    summary = page.split('id="fixes"')[1].split('class="facts"')[0]
    assert "What to change first" in summary and "→" in summary
    assert page.index('id="fixes"') < page.index('id="findings"')
    assert re.search(r'<p class="headline" id="headline">\d+ changes to reach the inbox</p>', page)
    assert "counted at most 5.0" in page


def test_edit_and_check_again_keeps_the_draft_and_compares(client):
    first = _check(client, mode="paste", raw=(SAMPLES / "promo.eml").read_text("utf-8"))
    first_id = first.rsplit("/", 1)[1]
    form = client.get(f"/?edit={first_id}").get_data(as_text=True)
    assert "FREE GIFT" in form or "MEGA DEALS" in form  # the draft is back in the paste box
    assert f'name="previous" value="{first_id}"' in form
    edited = (SAMPLES / "newsletter.eml").read_text("utf-8")
    second = _check(client, mode="paste", raw=edited, previous=first_id)
    assert second.endswith(f"?compare={first_id}")
    page = client.get(second + "&lang=en").get_data(as_text=True)
    compared = page.split('id="compare"')[1].split("</section>")[0]
    assert "Findings gone" in compared and "URI_SHORTENER" in compared
    assert re.search(r"Score \d+\.\d → -?\d+\.\d \(−\d+\.\d\)", compared)
    assert 'id="versions-note"' not in compared  # same rules and model
    missing = client.get(second.split("?")[0] + "?compare=nothing-like-this").get_data(True)
    assert "No earlier report with this link or id" in missing


def test_compare_api_on_two_drafts(client):
    v1 = (DRAFTS / "spring_sale_v1.html").read_text("utf-8")
    v2 = (DRAFTS / "spring_sale_v2.html").read_text("utf-8")
    answer = client.post("/api/v1/compare", json={"before": {"raw": v1}, "after": {"raw": v2}})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["before"]["id"] and body["after"]["id"]
    assert body["delta"] == round(body["score_after"] - body["score_before"], 2) < 0
    assert "URI_SHORTENER" in {f["id"] for f in body["removed"]}
    assert body["versions"]["differs"] == []
    # by stored ids, in Japanese
    again = client.post(
        "/api/v1/compare?lang=ja",
        json={"before": body["before"]["id"], "after": body["after"]["id"]},
    ).get_json()
    assert again["delta"] == body["delta"] and again["summary"].startswith("スコア")
    bad = client.post("/api/v1/compare", json={"before": "nope", "after": {"raw": v2}})
    assert bad.status_code == 404 and bad.get_json()["error"]["field"] == "before"
    assert client.post("/api/v1/compare", json={"before": 1}).status_code == 400
    assert client.post("/api/v1/compare", data="x").status_code == 415


def test_retry_after_only_on_429(make_app, shipped_offline):
    client = make_app(engine=shipped_offline, rate_limit="2 per minute").test_client()
    raw = (SAMPLES / "newsletter.eml").read_bytes()
    answers = [
        client.post("/api/v1/check?store=false", data=raw, content_type="message/rfc822")
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert [("Retry-After" in a.headers) for a in answers] == [False, False, True]
    assert "X-RateLimit-Remaining" in answers[0].headers


def test_reports_record_their_rules_and_model_versions(client):
    made = client.post(
        "/api/v1/check",
        data=(SAMPLES / "newsletter.eml").read_bytes(),
        content_type="message/rfc822",
    ).get_json()
    versions = made["versions"]
    assert re.fullmatch(r"sha256:[0-9a-f]{16}", versions["rules"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d\.[0-9a-f]{12}", versions["model"])
    page = client.get(made["links"]["html"]).get_data(as_text=True)
    assert versions["rules"] in page and versions["model"] in page


def test_an_untrusted_resolver_is_a_banner_not_findings(make_app):
    """A resolver that says NXDOMAIN for everything: the page says so and scores nothing on
    DNS; the CLI prints one DNS line."""
    from scorer.settings import Limits
    from tests.support.dns_server import DNSTestServer

    with DNSTestServer({}) as lying:
        limits = Limits().replace(dns_timeout_ms=300)
        engine = Engine(Settings(nameservers=(lying.address,), limits=limits))
        try:
            client = make_app(engine=engine).test_client()
            raw = (SAMPLES / "newsletter.eml").read_text("utf-8")
            location = _check(client, mode="paste", raw=raw)
            page = client.get(location + "?lang=en").get_data(as_text=True)
            japanese = client.get(location + "?lang=ja").get_data(as_text=True)
            report = client.get("/api/v1/reports/" + location.rsplit("/", 1)[1]).get_json()
        finally:
            engine.close()
    assert 'id="dns-banner"' in page and "the DNS resolver says that names which exist" in page
    assert "DNS のチェックは実行していません" in japanese
    assert report["dns"]["status"] == "untrusted" and not report["is_spam"]
    network = {"DNS_FROM_NXDOMAIN", "SPF_NONE", "DMARC_MISSING", "DNS_FROM_NO_MX"}
    assert not {f["id"] for f in report["findings"]} & network


def test_the_cli_prints_one_dns_line_for_an_untrusted_resolver(capsys):
    from scorer.cli import main
    from tests.support.dns_server import DNSTestServer

    with DNSTestServer({}) as lying:
        main(["check", "--nameserver", lying.address, str(SAMPLES / "newsletter.eml")])
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("DNS: ")]
    assert len(lines) == 1 and "not run" in lines[0]
    assert "dns_untrusted" not in out and "the DNS resolver is not answering correctly" in out
