"""The public contract ids: each fires on its fixture, and a refinement never hides one.

The contract is the rule data (`contract: true`): the format and content ids of issue 2 (their
fixtures are in test_required_ids.py) and the authentication ids of issue 3 (their fixtures are
the rules' own hit examples, run against the test DNS server). Wherever a rule that `replaces` a
contract id fires and the contract id's own condition holds, both are listed: the contract id
with score 0 and `refined_by`, so API users filtering on it still see the message.
"""

from __future__ import annotations

import re
import shutil

import pytest

from scorer.examples import run_example
from scorer.paths import shipped_rules_dir
from scorer.pipeline import Engine
from scorer.rules import load_rules
from scorer.settings import Settings
from tests.conftest import MESSAGES, network_settings
from tests.scorer.checks.test_required_ids import REQUIRED

AUTH_CONTRACT = {
    "SPF_PASS",
    "SPF_FAIL",
    "SPF_SOFTFAIL",
    "SPF_NEUTRAL",
    "SPF_NONE",
    "SPF_PERMERROR",
    "SPF_TOO_MANY_LOOKUPS",
    "SPF_PERMISSIVE_ALL",
    "SPF_TEMPERROR",
    "DKIM_VALID",
    "DKIM_INVALID",
    "DKIM_NONE",
    "DKIM_WEAK_KEY",
    "DKIM_NOT_ALIGNED",
    "DKIM_UNSUB_NOT_SIGNED",
    "DKIM_TEMPERROR",
    "DMARC_PASS",
    "DMARC_FAIL",
    "DMARC_MISSING",
    "DMARC_PERMERROR",
    "DMARC_POLICY_NONE",
    "DMARC_NOT_ALIGNED",
    "DMARC_TEMPERROR",
    "DNS_FROM_NO_MX",
    "RDNS_NONE",
    "RDNS_MISMATCH",
    "RBL_LISTED",
    "RBL_BLOCKED",
    "RBL_TEMPERROR",
    "URIBL_LISTED",
}
"""Issue 3's table of authentication ids API users rely on."""
RULES = load_rules()
CONTRACT = sorted(r.id for r in RULES if r.contract)
REFINEMENTS = sorted(
    (rule.id, general) for rule in RULES for general in rule.replaces if RULES.get(general).contract
)


def test_the_contract_in_the_rule_data_is_the_published_one():
    assert set(CONTRACT) == set(REQUIRED) | AUTH_CONTRACT
    assert len(REFINEMENTS) >= 7  # every `replaces` pair on a contract id is tested below


@pytest.fixture(scope="module")
def unrefined_dir(tmp_path_factory):
    """The shipped rules with every `replaces` of a contract id taken out: what fires when
    nothing refines the contract ids (the oracle for "its condition holds")."""
    target = tmp_path_factory.mktemp("unrefined") / "rules"
    shutil.copytree(shipped_rules_dir(), target)
    refiners = {rule_id for rule_id, _ in REFINEMENTS}
    for path in target.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for rule_id in refiners:
            text = re.sub(
                rf"(  - id: {rule_id}\n(?:(?!  - id: ).*\n)*?)    replaces: \[[^\]]*\]\n",
                r"\1",
                text,
            )
        path.write_text(text, encoding="utf-8")
    assert not any(load_rules(target).get(r).replaces for r in refiners)
    return target


@pytest.fixture(scope="module")
def unrefined_engines(unrefined_dir, dns_server):
    rules = load_rules(unrefined_dir)
    offline = Engine(Settings(offline=True), rules=rules)
    network = Engine(network_settings(dns_server), rules=rules)
    yield {"offline": offline, "network": network}
    network.close()


def _engine(rule, request):
    return request.getfixturevalue("network_engine" if rule.network else "offline_engine")


def _listed(report, rule_id):
    return next((f for f in (*report.findings, *report.not_applicable) if f.id == rule_id), None)


@pytest.mark.parametrize("rule_id", CONTRACT)
def test_every_contract_id_fires_on_its_fixture(rule_id, request):
    rule = RULES.get(rule_id)
    engine = _engine(rule, request)
    if rule_id in REQUIRED:
        name, evidence = REQUIRED[rule_id]
        report = engine.analyze((MESSAGES / name).read_bytes())
        finding = _listed(report, rule_id)
        assert finding is not None, (name, report.finding_ids())
        assert any(evidence in item for item in finding.evidence), finding.evidence
        return
    hits = [e for e in rule.examples if e.expect == "hit"]
    assert hits, f"{rule_id} has no hit example"
    for example in hits:
        report, _ = run_example(engine, rule_id, example, MESSAGES)
        assert _listed(report, rule_id) is not None, (example, report.finding_ids())


@pytest.mark.parametrize(("refinement", "general"), REFINEMENTS)
def test_a_refinement_lists_the_contract_id_it_refines(
    refinement, general, request, unrefined_engines
):
    rule = RULES.get(refinement)
    engine = _engine(rule, request)
    plain = unrefined_engines["network" if rule.network else "offline"]
    applied = 0
    for example in (e for e in rule.examples if e.expect == "hit"):
        report, found = run_example(engine, refinement, example, MESSAGES)
        assert found is not None, (refinement, example)
        without, _ = run_example(plain, refinement, example, MESSAGES)
        holds = _listed(without, general) is not None
        listed = _listed(report, general)
        assert (listed is not None) == holds, (general, example, report.finding_ids())
        if holds:
            applied += 1
            assert listed.score == 0 and refinement in listed.refined_by
    assert applied, f"no hit example of {refinement} shows {general} refined"


def test_refined_ids_are_counted_once_and_the_model_reads_what_it_was_trained_on(
    offline_engine,
):
    raw = (MESSAGES / "uri_text_mismatch.eml").read_bytes()
    report = offline_engine.analyze(raw)
    assert not report.get("URI_TEXT_MISMATCH").refined_by  # alone it is scored as ever
    from scorer.compose import compose_message

    brand = compose_message(
        subject="Account notice",
        html="<p><a href='https://paypal-review.example.net/login'>https://www.paypal.com/</a></p>",
    )
    report = offline_engine.analyze(brand)
    general = report.get("URI_TEXT_MISMATCH")
    assert general.score == 0 and general.severity == "info"
    assert general.to_dict(report.rules, "en")["refined_by"] == ["URI_TEXT_MISMATCH_BRAND"]
    assert "URI_TEXT_MISMATCH" not in report.fired_ids()
    assert report.categories["links"] == report.get("URI_TEXT_MISMATCH_BRAND").score


def test_a_refined_contract_id_of_another_kind_is_listed_as_not_applicable(offline_engine):
    """LIST_UNSUB_NONE refines LIST_UNSUB_MISSING; on a receipt neither binds, and both are
    listed as not applicable, the contract id with score_if_applicable 0."""
    from scorer.compose import compose_message

    raw = compose_message(
        subject="Your order 1234 has shipped",
        html="<p>Your order has shipped. <a href='https://shop.example.com/t/1'>Track it</a></p>",
    )
    report = offline_engine.analyze(raw, kind="transactional")
    listed = {f.id: f for f in report.not_applicable}
    assert {"LIST_UNSUB_NONE", "LIST_UNSUB_MISSING"} <= set(listed)
    assert listed["LIST_UNSUB_MISSING"].refined_by == ("LIST_UNSUB_NONE",)
    data = report.to_dict()["not_applicable"]
    missing = next(item for item in data if item["id"] == "LIST_UNSUB_MISSING")
    assert missing["score_if_applicable"] == 0 and missing["refined_by"] == ["LIST_UNSUB_NONE"]
    marketing = offline_engine.analyze(raw, kind="marketing")
    assert marketing.get("LIST_UNSUB_MISSING").refined_by == ("LIST_UNSUB_NONE",)
