"""Applicability: bulk and marketing obligations are scored and judged only for the kinds they
bind, listed as not applicable otherwise, and a kind never changes a content score."""

from __future__ import annotations

import json

import pytest

from scorer.compose import compose_message
from scorer.errors import RuleError
from scorer.kind import KindError
from scorer.paths import rules_dir as shipped_rules_dir
from scorer.pipeline import Engine
from scorer.report import Report
from scorer.rules import load_rules
from scorer.settings import Settings
from tests.conftest import DATA

KINDS_DIR = DATA / "kinds"
UNSUB_RULES = {"LIST_UNSUB_MISSING", "LIST_UNSUB_NONE", "LIST_UNSUB_NO_ONE_CLICK"}
MARKETING_ONLY = (
    "gmail.one_click_unsubscribe",
    "gmail.visible_unsubscribe_link",
    "yahoo.one_click_unsubscribe",
    "outlook.unsubscribe",
)


def _fixture(kind: str, name: str) -> bytes:
    return (KINDS_DIR / kind / f"{name}.eml").read_bytes()


def _requirements(report: Report) -> dict:
    return {r.id: r for r in report.requirements}


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("transactional", "en_order_confirmation"),
        ("transactional", "en_password_reset"),
        ("transactional", "ja_receipt_iso2022"),
        ("personal", "en_lunch_invite"),
        ("personal", "ja_lunch"),
    ],
)
def test_receipts_and_notes_are_not_told_to_add_list_unsubscribe(offline_engine, kind, name):
    report = offline_engine.analyze(_fixture(kind, name))
    assert report.kind.value == kind
    assert not UNSUB_RULES & set(report.finding_ids())
    data = report.to_dict("en")
    for finding in data["findings"]:
        assert "List-Unsubscribe" not in finding["advice"], finding["id"]
    listed = {item["id"]: item for item in data["not_applicable"]}
    assert "LIST_UNSUB_MISSING" in listed or "LIST_UNSUB_NONE" in listed
    reason = f"Not required for {'transactional' if kind == 'transactional' else 'personal'}"
    assert all(item["reason"].startswith(reason) for item in listed.values())
    requirements = _requirements(report)
    for rid in MARKETING_ONLY:
        entry = requirements[rid].to_dict("ja")
        assert entry["status"] == "pass" and entry["applicable"] is False, rid
        assert entry["detail"].endswith("不要です。") and not entry["advice"]


def test_a_marketing_message_without_list_unsubscribe_still_fails(offline_engine):
    report = offline_engine.analyze(_fixture("marketing", "en_winback_offer"))
    assert report.kind.value == "marketing"
    assert "LIST_UNSUB_MISSING" in report.finding_ids()
    assert not report.not_applicable
    requirements = _requirements(report)
    assert requirements["gmail.one_click_unsubscribe"].status == "fail"
    assert requirements["yahoo.one_click_unsubscribe"].status == "fail"
    assert requirements["gmail.one_click_unsubscribe"].applicable


def test_stating_marketing_brings_the_obligations_back(offline_engine):
    raw = _fixture("transactional", "en_order_confirmation")
    auto = offline_engine.analyze(raw)
    stated = offline_engine.analyze(raw, kind="marketing")
    assert stated.kind.source == "caller" and stated.kind.detected == "transactional"
    assert "LIST_UNSUB_NONE" in stated.finding_ids()
    assert _requirements(stated)["gmail.one_click_unsubscribe"].status == "fail"
    assert stated.score == pytest.approx(
        auto.score + stated.get("LIST_UNSUB_NONE").score, abs=0.011
    )


def test_japanese_legal_items_are_not_applicable_to_a_receipt(offline_engine):
    report = offline_engine.analyze(_fixture("transactional", "ja_password_reset"))
    legal = {f.id for f in report.not_applicable if f.id.startswith("LEGAL_JP_")}
    assert legal and not any(i.startswith("LEGAL_JP_") for i in report.finding_ids())
    stated = offline_engine.analyze(
        _fixture("transactional", "ja_password_reset"), kind="marketing"
    )
    assert legal <= set(stated.finding_ids())


@pytest.mark.parametrize(
    "raw",
    [
        _fixture("transactional", "en_shipping_notice"),
        _fixture("marketing", "ja_timesale_html"),
        (DATA / "messages" / "classifier_text_account_urgency.eml").read_bytes(),
        (DATA / "messages" / "body_spam_phrases.eml").read_bytes(),
    ],
    ids=["shipping", "ja-sale", "phish", "spam"],
)
def test_a_kind_never_changes_a_content_score_or_the_model_input(offline_engine, raw):
    """Spam may claim any kind: only the obligations move, never content or the classifier."""
    reports = {
        kind: offline_engine.analyze(raw, kind=kind)
        for kind in ("marketing", "transactional", "personal")
    }
    first = reports["marketing"]
    for report in reports.values():
        assert report.classifier["probability"] == first.classifier["probability"]
        assert report.fired_ids() == first.fired_ids()
        for category, value in report.categories.items():
            if category not in ("compliance", "authentication"):
                assert value == first.categories[category], category
        assert report.score <= first.score  # marketing is judged on every rule


def test_an_unknown_stated_kind_is_an_error(offline_engine):
    with pytest.raises(KindError):
        offline_engine.analyze(compose_message(), kind="newsletter")


def test_kind_and_not_applicable_survive_storage(offline_engine):
    report = offline_engine.analyze(_fixture("personal", "ja_lunch"))
    stored = json.loads(json.dumps(report.to_storage()))
    again = Report.from_storage(stored, offline_engine.rules)
    assert again.kind == report.kind
    assert again.not_applicable == report.not_applicable
    assert again.to_dict("ja") == report.to_dict("ja")
    assert [r.applicable for r in again.requirements] == [r.applicable for r in report.requirements]


def test_an_old_stored_report_without_a_kind_still_renders(offline_engine):
    stored = offline_engine.analyze(compose_message()).to_storage()
    for key in ("kind", "not_applicable"):
        stored.pop(key)
    for requirement in stored["requirements"]:
        requirement.pop("applicable")
    data = Report.from_storage(stored, offline_engine.rules).to_dict("en")
    assert data["kind"] is None and data["not_applicable"] == []
    assert all(r["applicable"] for r in data["requirements"])


def test_the_kind_decider_failing_never_blanks_the_report(monkeypatch):
    import scorer.schedule as schedule

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(schedule, "decide", broken)
    engine = Engine(Settings(offline=True, use_classifier=False))
    report = engine.analyze(_fixture("transactional", "en_order_confirmation"))
    assert report.kind.value == "marketing" and report.checks["kind"]["status"] == "error"
    assert any(s.check == "kind" for s in report.skipped)
    assert "LIST_UNSUB_NONE" in report.finding_ids()  # judged on every rule, as before kinds


def test_a_replacing_rule_that_does_not_apply_hides_nothing_that_does(tmp_path):
    """LIST_UNSUB_NONE replaces LIST_UNSUB_MISSING; were the replaced rule to bind every kind,
    it must come back when the replacing one does not apply."""
    import shutil

    rules_dir = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), rules_dir)
    path = rules_dir / "compliance.yaml"
    text = path.read_text(encoding="utf-8")
    marker = (
        "  - id: LIST_UNSUB_MISSING\n    contract: true\n    score: 0.3\n    check: code\n"
        "    applies_to: [marketing]\n"
    )
    assert marker in text
    path.write_text(text.replace(marker, marker.replace("    applies_to: [marketing]\n", "")))
    engine = Engine(Settings(offline=True, use_classifier=False), rules=load_rules(rules_dir))
    report = engine.analyze(_fixture("transactional", "en_order_confirmation"))
    assert "LIST_UNSUB_MISSING" in report.finding_ids()
    assert [f.id for f in report.not_applicable] == ["LIST_UNSUB_NONE"]


def test_applies_to_is_validated_in_rules(tmp_path):
    bad = tmp_path / "compliance.yaml"
    bad.write_text(
        "category: compliance\ndescription: {en: a, ja: b}\nrules:\n"
        "  - {id: LIST_UNSUB_MISSING, score: 0.3, check: code, applies_to: [bulk],"
        " description: {en: a, ja: b}, why: {en: a, ja: b}, advice: {en: a, ja: b}}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match="applies_to"):
        load_rules(tmp_path)


def test_applies_to_is_validated_in_requirements(tmp_path):
    import yaml

    from scorer.requirement_specs import parse_catalogue

    path = shipped_rules_dir() / "lists" / "requirements.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    one_click = next(r for r in data["requirements"] if r["id"] == "gmail.one_click_unsubscribe")
    assert one_click["applies_to"] == ["marketing"]
    one_click["applies_to"] = ["bulk"]
    with pytest.raises(RuleError, match="applies_to"):
        parse_catalogue(data)


def test_marketing_only_rules_are_declared_so():
    rules = load_rules()
    for rule_id in (
        "LIST_UNSUB_MISSING",
        "LIST_UNSUB_NONE",
        "LIST_UNSUB_NO_ONE_CLICK",
        "LIST_UNSUB_NO_BODY_LINK",
        "DKIM_UNSUB_NOT_SIGNED",
        "LEGAL_JP_NO_OPTOUT",
        "LEGAL_JP_NO_ADDRESS",
        "LEGAL_JP_NO_SENDER_NAME",
        "LEGAL_JP_NO_CONTACT",
    ):
        assert rules.get(rule_id).applies_to == ("marketing",), rule_id
    # a broken header is a fault whatever the kind
    assert rules.get("LIST_UNSUB_INVALID").applies_to == ()
