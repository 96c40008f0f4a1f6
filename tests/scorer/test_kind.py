"""The kind decider (scorer.kind): what a message is, from what a draft has, in two languages."""

from __future__ import annotations

import copy
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from scorer.compose import compose_message
from scorer.errors import RuleError
from scorer.kind import (
    CHOICES,
    KINDS,
    KindError,
    applies,
    decide,
    load_spec,
    parse_applies_to,
    parse_spec,
    stated_kind,
)
from scorer.message import parse
from scorer.paths import rules_dir
from tests.conftest import DATA
from tests.scorer._corpus import corpus_message

KIND_FIXTURES = DATA / "kinds"
FIXTURES = sorted(KIND_FIXTURES.glob("*/*.eml"))


def _decide(raw: bytes, stated: str | None = None):
    return decide(parse(raw), stated)


def test_fixtures_cover_each_kind_in_english_and_japanese():
    counts = Counter((path.parent.name, path.name[:2]) for path in FIXTURES)
    for kind in KINDS:
        for lang in ("en", "ja"):
            assert counts[(kind, lang)] >= 10, (kind, lang, counts)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_kind_of_each_fixture(path: Path):
    kind = _decide(path.read_bytes())
    shown = [(e.signal, e.text) for e in kind.evidence]
    assert kind.value == path.parent.name, (kind.scores, shown)
    assert kind.source == "auto" and kind.detected == kind.value and not kind.defaulted
    # the evidence that decided it is there, and is for the kind decided
    assert any(e.kind == kind.value for e in kind.evidence)


# The evident cases of legit-templates (../shared/corpus): receipts, invoices, order and
# shipping notices, password resets, email confirmations, account notices, chosen by what the
# template says. The decider never reads the From address, which the corpus README says was
# assigned from the file name: it must find these from the content.
EVIDENT_TRANSACTIONAL = [
    "ColorlibHQ_email-templates/10__index",  # please verify your email
    "ColorlibHQ_email-templates/22__index",  # order receipt
    "ColorlibHQ_email-templates/23__index",  # reset your password
    "mailchimp_email-blueprints/templates__transactional_tabular",  # order summary
    "sendgrid_email-templates/dynamic-templates__receipt__receipt",
    "sendgrid_email-templates/merriweather-templates__email-confirmation",
    "sendgrid_email-templates/merriweather-templates__password-reset",
    "sendgrid_email-templates/merriweather-templates__receipt",
    "sendgrid_email-templates/paste-templates__email-confirmation",
    "sendgrid_email-templates/paste-templates__password-reset",
    "sendgrid_email-templates/paste-templates__receipt",
    "sendgrid_email-templates/use-cases__sendgrid-design-editor__merriweather-password-reset",
    "sendgrid_email-templates/use-cases__sendgrid-design-editor__paste-password-reset",
    *[
        f"sendwithus_templates/templates__{theme}__{name}"
        for theme in (
            "airmail",
            "cleave",
            "go",
            "narrative",
            "neopolitan",
            "oxygen",
            "skyline",
            "sunday",
            "zen-flat",
        )
        for name in ("confirm", "invoice", "ping")
    ],
    "sendwithus_templates/templates__goldstar__confirm",
    "sendwithus_templates/templates__goldstar__invoice",
    "sendwithus_templates/templates__goldstar__update",
    "sendwithus_templates/templates__mantra__receipt",
    "sendwithus_templates/templates__mantra__shipped",
    "sendwithus_templates/templates__meow__confirmation",
    "sendwithus_templates/templates__meow__receipt",
]
EVIDENT_MARKETING = [
    "ColorlibHQ_email-templates/8__index",  # up to 50% off
    "ColorlibHQ_email-templates/12__index",  # your shopping cart misses you
    "ColorlibHQ_email-templates/18__index",  # exclusive offers
    "ColorlibHQ_email-templates/24__index",  # Brief, issue 42
    "sendgrid_email-templates/dynamic-templates__special-sale__special_sale",
    "sendgrid_email-templates/merriweather-templates__digest",
    "sendwithus_templates/templates__meow__coupon",
    "sendwithus_templates/templates__oxygen__upsell",
    "sendwithus_templates/templates__cleave__reignite",
]


def _template(name: str) -> bytes:
    raw = corpus_message("legit-templates", "ham", name + ".eml")
    if raw is None:
        pytest.skip("shared corpus not available")
    return raw


@pytest.mark.parametrize("name", EVIDENT_TRANSACTIONAL)
def test_legit_template_receipts_and_notices_are_transactional(name):
    raw = _template(name)
    # the From pool of the corpus is an artefact: the same message from a marketing sender
    # address must come out the same
    swapped, count = re.subn(
        rb"(?m)^From: [^\r\n]*", b"From: Example Offers <offers@example.org>", raw, count=1
    )
    assert count == 1
    for message in (raw, swapped):
        kind = _decide(message)
        assert kind.value == "transactional", (name, kind.scores, kind.evidence)


@pytest.mark.parametrize("name", EVIDENT_MARKETING)
def test_legit_template_promotions_are_marketing(name):
    kind = _decide(_template(name))
    assert kind.value == "marketing", (name, kind.scores, kind.evidence)


def test_a_stated_kind_wins_and_the_detected_one_is_kept():
    raw = (KIND_FIXTURES / "personal" / "en_lunch_invite.eml").read_bytes()
    kind = _decide(raw, "marketing")
    assert (kind.value, kind.source, kind.detected) == ("marketing", "caller", "personal")
    assert "Personal" in kind.note("en") and "個人宛て" in kind.note("ja")
    assert _decide(raw, stated_kind("auto")).source == "auto"


@pytest.mark.parametrize("value", ["Transactional", " personal ", "AUTO"])
def test_stated_kinds_are_case_and_space_insensitive(value):
    assert stated_kind(value) in (*KINDS, None)


@pytest.mark.parametrize("value", ["receipt", "", 3, "marketing,personal"])
def test_a_stated_kind_outside_the_choices_is_refused(value):
    with pytest.raises(KindError, match="auto, marketing, transactional, personal"):
        stated_kind(value)
    assert "auto" in CHOICES


def test_no_evidence_defaults_to_marketing_and_says_so():
    kind = _decide(
        compose_message(subject="Q", html="<p>Q</p><a href='https://example.com/a'>a</a>")
    )
    assert kind.value == "marketing" and kind.defaulted
    assert "marketing" in kind.note("en")


def test_layout_alone_does_not_make_a_message_personal():
    kind = _decide(compose_message(subject="x", text="Make money fast, guaranteed income."))
    assert kind.value == "marketing" and kind.scores["personal"] < load_spec().minimum


def test_a_calendar_invitation_is_transactional():
    """foff-milter-2025 ham: a Google Calendar invitation was judged marketing (no evidence),
    so it was told to add an unsubscribe it has no reason to carry (LIST_UNSUB_NONE)."""
    text = (
        "Llandover View Preservation Lunch & Learn\nFri May 15, 2026 12:30pm - 1pm (PDT)\n"
        "Join with Google Meet\nView all guest info\nReply for ann@example.org\nYes\nNo\n"
        "Maybe\nInvitation from Google Calendar\nYou are receiving this email because you are "
        "an attendee on the event. Forwarding this invitation could allow any recipient to "
        "modify your RSVP."
    )
    raw = compose_message(subject="Invitation: Lunch & Learn @ Fri May 15, 2026", text=text)
    assert _decide(raw).value == "transactional"


def test_transit_and_verdict_headers_are_never_read():
    base = (KIND_FIXTURES / "transactional" / "en_password_reset.eml").read_bytes()
    noisy = (
        b"Received: from mta.example.net by mx.example.org; Mon, 3 Mar 2025 09:00:00 +0000\r\n"
        b"Authentication-Results: mx.example.org; spf=pass; dkim=pass\r\n"
        b"ARC-Authentication-Results: i=1; mx.example.org; dmarc=pass\r\n"
        b"X-Spam-Status: Yes, score=12.0 tests=BULK\r\n"
        b"X-Spam-Flag: YES\r\n" + base
    )
    assert _decide(noisy).to_storage() == _decide(base).to_storage()


def test_json_evidence_names_the_signal_its_weight_and_what_it_saw():
    raw = (KIND_FIXTURES / "transactional" / "ja_order_confirmation.eml").read_bytes()
    data = _decide(raw).to_dict("ja")
    assert data["value"] == "transactional" and data["label"] == "取引メール"
    first = data["evidence"][0]
    assert set(first) == {"signal", "kind", "weight", "label", "text"}
    assert first["signal"] == "subject.order" and first["text"] == "ご注文ありがとう"
    assert first["label"] == "注文の文言 (件名)"
    assert (
        sum(e["weight"] for e in data["evidence"] if e["kind"] == "transactional")
        == (data["scores"]["transactional"])
    )


def test_storage_round_trip():
    from scorer.kind import Kind

    kind = _decide((KIND_FIXTURES / "marketing" / "en_spring_sale_html.eml").read_bytes())
    assert Kind.from_storage(kind.to_storage()) == kind


def test_applies_to():
    assert applies((), "personal") and applies(("marketing",), "marketing")
    assert not applies(("marketing",), "transactional")
    assert parse_applies_to(None, "x") == ()
    assert parse_applies_to(["marketing"], "x") == ("marketing",)
    for bad in (["bulk"], [], "marketing", ["marketing", "marketing"], list(KINDS)):
        with pytest.raises(RuleError):
            parse_applies_to(bad, "x")


def _spec_data() -> dict:
    path = rules_dir() / "lists" / "kinds.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _broken(change) -> dict:
    data = copy.deepcopy(_spec_data())
    change(data)
    return data


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(extra=1),
        lambda d: d["headers"][0].update(kind="bulk"),
        lambda d: d["headers"][0].update(names=["Received"]),
        lambda d: d["headers"][0].update(names=["X-Spam-Status"]),
        lambda d: d["headers"][0].update(pattern="("),
        lambda d: d["wording"][0]["phrases"].append(d["wording"][1]["phrases"][0]),
        lambda d: d["wording"][0].update(label={"en": "only English"}),
        lambda d: d["shapes"].append({**d["shapes"][0], "id": "shape.nothing_registered"}),
        lambda d: d["shapes"][0].update(weight=-1),
        lambda d: d.update(default="newsletter"),
    ],
    ids=[
        "unknown-key",
        "unknown-kind",
        "transit-header",
        "verdict-header",
        "bad-regex",
        "phrase-in-two-groups",
        "one-language",
        "shape-without-code",
        "negative-weight",
        "bad-default",
    ],
)
def test_bad_kind_data_is_refused(change):
    assert parse_spec(_spec_data())  # the shipped data itself is valid
    with pytest.raises(RuleError):
        parse_spec(_broken(change))
