"""Everything under rules/ is the rule set: `Engine(rules=load_rules(dir))` swaps the lists too.

Each test copies the shipped rules/ to a temporary directory, changes one list file, and shows the
engine built on that copy judges differently from the shipped one; the rest checks that lists
are validated as strictly as rules.
"""

from __future__ import annotations

import shutil

import pytest
import yaml

from scorer.compose import compose_message
from scorer.errors import RuleError
from scorer.lists import FILES, load_lists, parse_domain_list, parse_phrase_list
from scorer.paths import shipped_rules_dir
from scorer.pipeline import Engine
from scorer.rules import load_rules
from scorer.settings import Settings

SETTINGS = Settings(offline=True, use_classifier=False)


@pytest.fixture
def rules_copy(tmp_path):
    """A writable copy of the shipped rules/ (lists included)."""
    target = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), target)
    return target


@pytest.fixture(scope="module")
def shipped_engine():
    return Engine(SETTINGS)


def _edit_yaml(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _link_message(url: str) -> bytes:
    return compose_message(
        from_="News <news@shop.example>",
        subject="Our spring range",
        html=f'<p>The spring range is here. <a href="{url}">See it</a>.</p>',
    )


def test_a_temporary_url_shortener_list_changes_what_uri_shortener_fires_on(
    rules_copy, shipped_engine
):
    (rules_copy / "lists" / "url_shorteners.txt").write_text(
        "# only our own test shortener\nsho.rt.example\n", encoding="utf-8"
    )
    swapped = Engine(SETTINGS, rules=load_rules(rules_copy))
    bitly = _link_message("https://bit.ly/3xYzAbC")
    ours = _link_message("https://sho.rt.example/abc")

    assert "URI_SHORTENER" in shipped_engine.analyze(bitly).finding_ids()
    assert "URI_SHORTENER" not in shipped_engine.analyze(ours).finding_ids()
    assert "URI_SHORTENER" not in swapped.analyze(bitly).finding_ids()
    finding = swapped.analyze(ours).get("URI_SHORTENER")
    assert finding is not None and finding.evidence == ("https://sho.rt.example/abc",)


def test_a_temporary_requirement_spec_changes_the_checklist(rules_copy, shipped_engine):
    def change(data):
        row = next(r for r in data["requirements"] if r["id"] == "gmail.one_click_unsubscribe")
        del row["applies_to"]  # binds every kind of message in this copy
        extra = dict(next(r for r in data["requirements"] if r["id"] == "gmail.single_from"))
        extra["id"] = "gmail.single_from_again"
        data["requirements"].append(extra)

    _edit_yaml(rules_copy / "lists" / "requirements.yaml", change)
    swapped = Engine(SETTINGS, rules=load_rules(rules_copy))
    receipt = compose_message(
        from_="Shop <orders@shop.example>",
        subject="Your receipt for order 1042",
        text="Thank you for your order 1042. Total paid: $25.00.",
    )

    def rows(engine):
        return {r.id: r for r in engine.analyze(receipt, kind="transactional").requirements}

    before, after = rows(shipped_engine), rows(swapped)
    assert not before["gmail.one_click_unsubscribe"].applicable
    assert before["gmail.one_click_unsubscribe"].status == "pass"
    assert after["gmail.one_click_unsubscribe"].applicable
    assert after["gmail.one_click_unsubscribe"].status == "fail"
    assert "gmail.single_from_again" not in before
    assert after["gmail.single_from_again"].status == "pass"


def test_a_temporary_brand_changes_what_the_brand_rules_see(rules_copy, shipped_engine):
    def change(data):
        data["examplebank"] = {"names": ["Examplebank"], "domains": ["examplebank.example"]}

    _edit_yaml(rules_copy / "lists" / "brands.yaml", change)
    swapped = Engine(SETTINGS, rules=load_rules(rules_copy))
    spoof = compose_message(
        from_="Examplebank <alerts@secure-login.example>",
        subject="Statement ready",
        text="Your statement is ready.",
    )
    real = compose_message(
        from_="Examplebank <alerts@examplebank.example>",
        subject="Statement ready",
        text="Your statement is ready.",
    )
    assert "HDR_FROM_BRAND_MISMATCH" not in shipped_engine.analyze(spoof).finding_ids()
    finding = swapped.analyze(spoof).get("HDR_FROM_BRAND_MISMATCH")
    assert finding is not None and finding.params["brand"] == "Examplebank"
    assert "HDR_FROM_BRAND_MISMATCH" not in swapped.analyze(real).finding_ids()


def test_a_requirement_naming_an_unknown_test_is_refused_by_the_engine(rules_copy):
    def change(data):
        data["requirements"][0]["test"] = "telepathy"

    _edit_yaml(rules_copy / "lists" / "requirements.yaml", change)
    rules = load_rules(rules_copy)  # the data itself is well-formed
    with pytest.raises(RuleError, match="unknown test 'telepathy'"):
        Engine(SETTINGS, rules=rules)


def test_the_rule_set_carries_every_list_and_a_subset_keeps_them():
    rules = load_rules()
    lists = rules.lists
    assert lists.source == str((shipped_rules_dir() / "lists").resolve())
    assert "bit.ly" in lists.domains["url_shorteners"]
    assert lists.phrases["spam_phrases_en"].find("make money fast")
    assert lists.brands.for_domain("paypal.com") == "paypal"
    assert lists.zones.ip and lists.zones.domain
    assert lists.kinds.default == "marketing"
    assert lists.requirements.get("gmail.spf") is not None
    assert lists.bimi_providers.providers and len(lists.mark_roots) >= 1
    assert rules.subset(["URI_SHORTENER"]).lists is lists


def test_a_rule_directory_without_lists_reads_the_shipped_ones(tmp_path):
    shutil.copy(shipped_rules_dir() / "links.yaml", tmp_path / "links.yaml")
    rules = load_rules(tmp_path)
    assert rules.lists is load_rules().lists
    assert set(rules.categories) == {"links"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: (d / "url_shorteners.txt").unlink(), "missing"),
        (lambda d: (d / "notes.txt").write_text("x\n"), "unknown files"),
        (lambda d: (d / "freemail.txt").write_text("gmail.com\nGMAIL.com\n"), "listed twice"),
        (lambda d: (d / "freemail.txt").write_text("not a domain!\n"), "not a host name"),
    ],
)
def test_a_lists_folder_is_complete_and_well_formed(rules_copy, change, message):
    change(rules_copy / "lists")
    with pytest.raises(RuleError, match=message):
        load_rules(rules_copy)


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        ("brands.yaml", lambda d: d["paypal"].update(colour="blue"), "unknown keys"),
        ("brands.yaml", lambda d: d["paypal"].update(domains=["PayPal.COM"]), "lower-case"),
        ("brands.yaml", lambda d: d["netflix"]["names"].append("PayPal"), "also paypal"),
        ("spam_phrases_en.yaml", lambda d: d["money"].update(weight="high"), "number"),
        (
            "spam_phrases_en.yaml",
            lambda d: d["money"]["phrases"].append("Make  Money FAST"),
            "already in money",
        ),
        ("dnsbl.yaml", lambda d: d.update(extra_zones=[]), "only ip_zones"),
        ("kinds.yaml", lambda d: d["kinds"]["marketing"]["label"].pop("ja"), "'ja'"),
        (
            "requirements.yaml",
            lambda d: d["requirements"][0]["title"].update(en="Use {domain}"),
            "different placeholders",
        ),
        (
            "bimi/providers.yaml",
            lambda d: d["providers"][0].update(certificates=["VMC", "EV"]),
            "certificates",
        ),
        ("bimi/providers.yaml", lambda d: d["providers"][0]["name"].pop("ja"), "'ja'"),
    ],
)
def test_list_data_is_validated_like_rules(rules_copy, name, change, message):
    _edit_yaml(rules_copy / "lists" / name, change)
    with pytest.raises(RuleError, match=message):
        load_rules(rules_copy)


def test_mark_roots_must_be_certificates(rules_copy):
    (rules_copy / "lists" / "bimi" / "mva_roots.pem").write_text("not a certificate\n")
    with pytest.raises(RuleError, match=r"mva_roots\.pem"):
        load_rules(rules_copy)


def test_list_parsers_alone():
    assert parse_domain_list("# c\nBit.ly  # shortener\n\nt.co\n", "x") == {"bit.ly", "t.co"}
    matcher = parse_phrase_list({"a": {"weight": 2, "phrases": ["act now"]}}, "x")
    assert matcher.find("please act now.")["act now"].weight == 2.0
    assert set(FILES) >= {"url_shorteners.txt", "requirements.yaml", "bimi/mva_roots.pem"}
    assert load_lists(shipped_rules_dir() / "lists") is load_rules().lists
