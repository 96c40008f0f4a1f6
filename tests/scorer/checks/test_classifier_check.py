"""The classifier check: one scored bucket finding and the report's classifier section."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from scorer.checks.classifier import (
    ML_IDS,
    bucket_for,
    buckets,
    buckets_for,
    stacked_buckets,
)
from scorer.pipeline import Engine
from scorer.rules import load_rules
from scorer.settings import Settings

MESSAGES = Path(__file__).resolve().parents[2] / "data" / "messages"


def test_buckets_are_data_ordered_and_disjoint():
    rules = load_rules()
    found = buckets(rules)
    stacked = stacked_buckets(rules)
    assert [rule.id for rule, _, _ in found + stacked] == list(ML_IDS)
    for (_, _, upper), (_, lower, _) in itertools.pairwise(found):
        assert upper <= lower
    assert found[-1][2] == 1.0
    assert bucket_for(1.0, rules).id == "ML_SPAM_90_100"
    assert bucket_for(0.0, rules).id == "ML_HAM_00_05"
    assert bucket_for(0.3, rules) is None
    scores = [rule.score for rule, _, _ in found]
    ham = [rule.score for rule, _, _ in found if rule.id.startswith("ML_HAM")]
    spam = [rule.score for rule, _, _ in found if rule.id.startswith("ML_SPAM")]
    assert scores == ham + spam, "ham bands first, then spam bands"
    assert ham == sorted(ham) and all(score < 0 for score in ham)
    assert spam == sorted(spam) and all(score > 0 for score in spam)
    assert max(scores) <= 4.5 and min(scores) >= -1.9, "modest, like BAYES_00..BAYES_99"


def test_a_stacked_band_adds_to_the_top_band_like_bayes_999():
    rules = load_rules()
    [(extra, lower, upper)] = stacked_buckets(rules)
    top = bucket_for(1.0, rules)
    assert top.params["min_probability"] < lower and upper == 1.0
    assert [r.id for r in buckets_for(lower, rules)] == [top.id, extra.id]
    assert [r.id for r in buckets_for(lower - 0.001, rules)] == [top.id]
    assert buckets_for(0.3, rules) == []
    # Only the stacked band lets the classifier reach the threshold alone, and the category
    # cap allows exactly that sum.
    assert top.score < 5.0 <= top.score + extra.score <= rules.categories["classifier"].cap
    assert extra.score <= 0.6, "a small increment, like BAYES_999's 0.2 (rspamd's BAYES_SPAM 5.1)"


def test_spam_bucket_finding_and_report_section(offline_engine):
    report = offline_engine.analyze((MESSAGES / "classifier_text_get_rich_quick.eml").read_bytes())
    finding = report.get("ML_SPAM_90_100")
    assert finding is not None and finding.category == "classifier"
    assert finding.evidence[0].startswith("p(spam) = ")
    data = report.to_dict("en")
    section = data["classifier"]
    assert section["probability"] > 0.99
    assert section["bucket"] == "ML_SPAM_90_100"
    assert section["top_features"][0]["weight"] != 0
    assert {"feature", "weight", "source"} <= set(section["top_features"][0])
    # p > 0.99: the top band and the stacked one on top of it, summed under the category cap.
    assert {f.id for f in report.findings if f.category == "classifier"} == {
        "ML_SPAM_90_100",
        "ML_SPAM_97_100",
    }
    stacked = report.get("ML_SPAM_97_100")
    assert data["categories"]["classifier"] == finding.score + stacked.score
    # The stacked band gives the probability and points at its base band, without repeating
    # the explanation.
    assert list(stacked.evidence) == [finding.evidence[0], "adds to ML_SPAM_90_100"]
    rendered = next(f for f in data["findings"] if f["id"] == "ML_SPAM_90_100")
    assert "%" in rendered["title"] and "{" not in rendered["advice"]
    ja = report.to_dict("ja")
    assert "スパム確率" in next(f for f in ja["findings"] if f["id"] == "ML_SPAM_90_100")["title"]


def test_legitimate_text_earns_the_negative_bucket(offline_engine):
    raw = (MESSAGES / "classifier_text_team_meeting_notes.eml").read_bytes()
    report = offline_engine.analyze(raw)
    finding = report.get("ML_HAM_00_05")
    assert finding is not None and finding.score < 0
    assert report.to_dict("en")["classifier"]["probability"] < 0.05


def test_switched_off_classifier_is_skipped_not_clean():
    engine = Engine(Settings(offline=True, use_classifier=False))
    report = engine.analyze((MESSAGES / "classifier_text_get_rich_quick.eml").read_bytes())
    assert not any(f.id.startswith("ML_") for f in report.findings)
    assert report.classifier is None
    assert any(s.check == "classifier" for s in report.skipped)


@pytest.mark.parametrize("raw", [b"", b"\x00\xff" * 100, b"Subject: x\n\n" + "日本語".encode()])
def test_hostile_input_never_breaks_the_check(offline_engine, raw):
    report = offline_engine.analyze(raw)
    assert report.checks["classifier"]["status"] == "ok"


@pytest.mark.parametrize("path", sorted(MESSAGES.glob("*.eml"))[:60], ids=lambda p: p.name)
def test_the_model_reads_the_same_finding_ids_the_report_lists(path):
    """Training reads the finding ids from the report of a classifier-off run; the check
    computes them from the raw hits before scoring. They must agree, or the model would be
    trained on one thing and fed another."""
    seen: list[list[str]] = []

    class Recorder:
        def __init__(self) -> None:
            self.meta: dict = {}

        def analyze(self, msg, rule_ids=()):
            from scorer.ml.classifier import Prediction

            seen.append(list(rule_ids))
            return Prediction(0.3)

    engine = Engine(Settings(offline=True), classifier=Recorder())
    report = engine.analyze(path.read_bytes())
    plain = Engine(Settings(offline=True, use_classifier=False)).analyze(path.read_bytes())
    assert seen and seen[0] == plain.fired_ids()
    assert report.get("ML_HAM_00_05") is None  # p = 0.3 is in no band


def test_rule_findings_in_the_explanation_carry_their_titles(offline_engine):
    report = offline_engine.analyze((MESSAGES / "classifier_text_get_rich_quick.eml").read_bytes())
    rules = [f for f in report.classifier["top_features"] if f["source"] == "rule"]
    assert rules, "the strongest evidence here includes rule findings"
    for feature in rules:
        assert feature["feature"] in report.finding_ids()
        assert feature["weight"] > 0
        assert feature["title"]["en"] and feature["title"]["ja"]
    finding = report.get("ML_SPAM_90_100")
    assert not set(finding.params["features"].split(", ")) & {f["feature"] for f in rules}


def test_advice_names_a_word_once_even_when_subject_and_body_both_push(offline_engine):
    report = offline_engine.analyze((MESSAGES / "body_spam_phrases.eml").read_bytes())
    finding = next(f for f in report.findings if f.id.startswith("ML_SPAM"))
    top = report.to_dict("en")["classifier"]["top_features"]
    sources = {f["source"] for f in top if f["feature"] == "money"}
    assert sources == {"subject", "body"}  # the case this test is about
    words = finding.params["features"].split(", ")
    assert "money" in words and len(words) == len(set(words))


class _Fixed:
    """A stand-in model with a fixed probability and word count (the check's logic alone)."""

    def __init__(self, probability: float, words: int) -> None:
        self.meta: dict = {}
        self.probability = probability
        self.words = words

    def analyze(self, msg, rule_ids=()):
        from scorer.ml.classifier import Prediction

        return Prediction(self.probability, [], self.words)


def test_too_little_text_gives_no_verdict_either_way():
    from scorer.checks.classifier import min_words

    rules = load_rules()
    needed = min_words(rules)
    assert needed >= 5
    raw = b"From: a@b.test\nSubject: Hi\n\nHi\n"
    for probability in (0.999, 0.01):
        engine = Engine(Settings(offline=True), classifier=_Fixed(probability, needed - 1))
        report = engine.analyze(raw)
        assert not [f for f in report.findings if f.category == "classifier"]
        assert report.classifier["inconclusive"] == {
            "reason": "too_little_text",
            "min_words": needed,
        }
        assert report.classifier["probability"] == pytest.approx(probability)
    enough = Engine(Settings(offline=True), classifier=_Fixed(0.999, needed)).analyze(raw)
    assert enough.get("ML_SPAM_90_100") is not None
    assert "inconclusive" not in enough.classifier


def test_the_classifier_alone_cannot_reach_the_threshold():
    """Without `needs` points from other categories the classifier adds at most the
    corroboration cap, which keeps a message with nothing else wrong under 5.0."""
    rules = load_rules()
    category = rules.categories["classifier"]
    corroboration = category.corroboration
    assert corroboration is not None and corroboration.cap < 5.0
    from scorer.compose import compose_message

    clean = compose_message(
        from_="Mara Lind <mara@harbourline.com>",
        subject="Minutes from Tuesday",
        text="The budget review moves to Thursday; the draft is on the shared drive.\n",
    )
    engine = Engine(Settings(offline=True), classifier=_Fixed(0.999, 200))
    report = engine.analyze(clean)
    others = corroboration.support(report.categories, "classifier")
    assert others < corroboration.needs  # the case this test is about
    assert report.categories["classifier"] == corroboration.cap
    assert report.capped["classifier"]["uncorroborated"] == round(others, 2)
    assert report.score < 5.0 and not report.is_spam
    # A message whose rules already add `needs` points: the full category counts.
    spammy = (MESSAGES / "body_spam_phrases.eml").read_bytes()
    corroborated = engine.analyze(spammy)
    others = corroboration.support(corroborated.categories, "classifier")
    assert others >= corroboration.needs
    assert corroborated.categories["classifier"] == category.cap
    assert "classifier" not in corroborated.capped


def test_bulk_sender_obligations_do_not_corroborate_the_classifier():
    """A missing unsubscribe header or 特定電子メール法 display says the mail breaks a bulk
    sender's duty, not that its text is spam: those findings never let the classifier alone
    reach the threshold."""
    corroboration = load_rules().categories["classifier"].corroboration
    assert corroboration.sources and "compliance" not in corroboration.sources
    assert {"content", "links", "headers"} <= set(corroboration.sources)
    assert corroboration.support({"compliance": 3.0, "classifier": 5.0}, "classifier") == 0
    assert corroboration.support({"content": 1.5, "links": -1.0}, "classifier") == 1.5


def test_sender_software_artefacts_do_not_corroborate_the_classifier():
    """A finding corroborates the classifier when it says something about the content, the
    links or the sender's identity, not about which software wrote or encoded the mail: an
    HTML-only invoice without Message-ID and Date (2.7 points of headers and mime) stays
    under the threshold at p(spam) 0.999, and one content finding lets it through."""
    from scorer.compose import compose_message

    rules = load_rules()
    corroboration = rules.categories["classifier"].corroboration
    artefacts = {"HDR_MISSING_MESSAGE_ID", "HDR_MISSING_DATE", "MIME_HTML_ONLY"}
    assert not any(rules.get(i).corroborates for i in artefacts)
    html = (
        "<p>Invoice 2291 from Harbour Line Ltd is attached to your account page.</p>"
        "<p>Amount due 120.00 EUR by 14 January. Thank you for your order.</p>"
    )
    invoice = compose_message(
        from_="Harbour Line <billing@harbourline.com>",
        subject="Invoice 2291",
        html=html,
        message_id=None,
        date=None,
    )
    engine = Engine(Settings(offline=True), classifier=_Fixed(0.999, 200))
    report = engine.analyze(invoice)
    assert artefacts <= {f.id for f in report.findings}
    artefact_points = sum(f.score for f in report.findings if f.id in artefacts)
    assert artefact_points >= corroboration.needs, "would corroborate if they counted"
    assert report.capped["classifier"]["uncorroborated"] < corroboration.needs
    assert report.score < 5.0 and not report.is_spam
    # The same invoice with a link to a bare IP address (what it links to: content) is
    # corroborated, and the classifier's full band counts.
    lure = compose_message(
        from_="Harbour Line <billing@harbourline.com>",
        subject="Invoice 2291",
        html=html + '<p><a href="http://203.0.113.9/pay">Pay now</a></p>',
        message_id=None,
        date=None,
    )
    corroborated = engine.analyze(lure)
    assert corroborated.get("URI_IP_LITERAL") is not None
    assert "classifier" not in corroborated.capped
    assert corroborated.score >= 5.0 and corroborated.is_spam


def test_category_total_is_the_one_decider():
    from scorer.rules import Category, Corroboration

    category = Category("c", 5.0, -1.5, {}, (), Corroboration(needs=1.0, cap=4.0))
    assert category.total(5.0, 0.5) == (4.0, {"raw": 5.0, "cap": 4.0, "uncorroborated": 0.5})
    assert category.total(5.0, 1.0) == (5.0, None)
    assert category.total(6.0, 3.0) == (5.0, {"raw": 6.0, "cap": 5.0})
    assert category.total(-3.0, 0.0) == (-1.5, {"raw": -3.0, "floor": -1.5})
    assert category.total(3.0, 0.0) == (3.0, None)
    # Uncorroborated, it never takes the rest of the score over the threshold either: with
    # 1.9 points elsewhere (a compliance finding, say) it adds at most 5.0 - 1.9 - 0.01.
    assert category.total(5.0, 0.9, headroom=3.1) == (
        3.09,
        {"raw": 5.0, "cap": 3.09, "uncorroborated": 0.9},
    )
    assert category.total(5.0, 0.0, headroom=-2.0)[0] == 0.0, "never takes points away"
    assert category.total(5.0, 1.0, headroom=0.5) == (5.0, None), "corroborated: no limit"
    assert category.total(-1.5, 0.0, headroom=0.5) == (-1.5, None)
