"""The trained classifier as scored buckets, like SpamAssassin's BAYES_00..BAYES_99.

The probability bands and their scores are data: each ML_ rule in rules/classifier.yaml gives
`params: {min_probability, max_probability}` (the lower bound included, the upper excluded except
1.0) and its score. The bands are disjoint, except a band with `params.stacks: true`: like
SpamAssassin's BAYES_999 on top of BAYES_99, it fires in addition to the band that holds its
range (ML_SPAM_97_100 adds to ML_SPAM_90_100). The report's `classifier` section carries the
probability and the features of *this* message that pushed it most, so the page can highlight
them.

The check runs late (after every offline check and pattern rule) because the model also reads
which offline findings the message has (`offline_finding_ids`): the same ids the report lists,
which is what training reads from the report (scorer.ml.train.rule_evidence).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from scorer.context import Context
from scorer.findings import model_ids
from scorer.i18n import T
from scorer.message import Message
from scorer.ml.features import structure_text
from scorer.registry import Hit, Skip, check

if TYPE_CHECKING:
    from scorer.rules import Rule, RuleSet

ML_IDS = (
    "ML_HAM_00_05",
    "ML_HAM_05_20",
    "ML_SPAM_50_70",
    "ML_SPAM_70_80",
    "ML_SPAM_80_90",
    "ML_SPAM_90_100",
    "ML_SPAM_97_100",
)
_EVIDENCE_FEATURES = 8


def offline_finding_ids(hits: Iterable[Any], rules: RuleSet) -> list[str]:
    """The ids of the findings `hits` become in the report, as the model reads them: decided by
    scorer.findings, the one place hits become findings."""
    return model_ids(hits, rules)


def _bands(rules: RuleSet, stacking: bool) -> list[tuple[Rule, float, float]]:
    found = []
    for rule_id in ML_IDS:
        rule = rules.get(rule_id)
        if rule is None or bool(rule.params.get("stacks", False)) != stacking:
            continue
        lower = float(rule.params.get("min_probability", 0.0))
        upper = float(rule.params.get("max_probability", 1.0))
        found.append((rule, lower, upper))
    return sorted(found, key=lambda item: item[1])


def buckets(rules: RuleSet) -> list[tuple[Rule, float, float]]:
    """(rule, lower, upper) for every declared disjoint ML_ bucket, lowest band first."""
    return _bands(rules, stacking=False)


def stacked_buckets(rules: RuleSet) -> list[tuple[Rule, float, float]]:
    """(rule, lower, upper) for the ML_ bands that fire on top of a disjoint one."""
    return _bands(rules, stacking=True)


def _holds(probability: float, lower: float, upper: float) -> bool:
    return lower <= probability < upper or (upper >= 1.0 and probability >= 1.0)


def bucket_for(probability: float, rules: RuleSet) -> Rule | None:
    """The disjoint ML_ rule whose band holds `probability`, or None (no band: no finding)."""
    for rule, lower, upper in buckets(rules):
        if _holds(probability, lower, upper):
            return rule
    return None


def buckets_for(probability: float, rules: RuleSet) -> list[Rule]:
    """Every ML_ rule that fires at `probability`: its disjoint band, then any stacked ones."""
    main = bucket_for(probability, rules)
    extra = [rule for rule, lo, hi in stacked_buckets(rules) if _holds(probability, lo, hi)]
    return ([main] if main is not None else []) + extra


DEFAULT_MIN_WORDS = 0


def min_words(rules: RuleSet) -> int:
    """Fewer distinct words than this and the classifier gives no verdict (classifier.yaml's
    `params.min_words`): a two-word note is not evidence either way."""
    category = rules.categories.get("classifier")
    return int(category.params.get("min_words", DEFAULT_MIN_WORDS)) if category else 0


def bands_for(probability: float, words: int | None, rules: RuleSet) -> list[Rule]:
    """The ML_ rules the check emits: none when the text is too short to judge, else
    `buckets_for`."""
    if words is not None and words < min_words(rules):
        return []
    return buckets_for(probability, rules)


def category_score(
    probability: float,
    words: int | None,
    others: float,
    rules: RuleSet,
    headroom: float | None = None,
) -> float:
    """The classifier category's total as the engine scores it, from p(spam), the words read,
    the support of the corroborating categories and how far the rest of the score is below
    the threshold: what `spamscore eval` adds to a classifier-off run's score."""
    raw = sum(rule.score for rule in bands_for(probability, words, rules))
    category = rules.categories.get("classifier")
    if category is None:
        return raw
    return category.total(raw, others, headroom)[0]


def _title_rule_features(features: list[dict[str, Any]], ctx: Context) -> None:
    """Give each rule finding among the top features its title in every language, filled from
    the finding's own parameters (the section is stored language-neutral)."""
    params: dict[str, Any] = {}
    for hit in ctx.offline_hits:
        params.setdefault(hit.id, hit.params)
    for feature in features:
        rule = ctx.rules.get(feature["feature"]) if feature["source"] == "rule" else None
        if rule is not None:
            found = params.get(rule.id, {})
            feature["title"] = {
                lang: rule.text("description", lang, found) for lang in rule.description
            }


@check("classifier", emits=ML_IDS, late=True)
def classifier_bucket(msg: Message, ctx: Context) -> list[Hit] | None:
    """Score the band the model's p(spam) falls in; name the words (and the rule findings) that
    pushed it there."""
    model = ctx.classifier
    if model is None:
        if not ctx.settings.use_classifier:
            raise Skip("classifier switched off (SPAMSCORE_CLASSIFIER=0)", code="classifier_off")
        raise Skip("no classifier model installed", code="no_model")
    prediction = model.analyze(msg, offline_finding_ids(ctx.offline_hits, ctx.rules))
    probability = prediction.probability
    fired = bands_for(probability, prediction.words, ctx.rules)
    rule = fired[0] if fired else None
    section = prediction.to_section()
    _title_rule_features(section["top_features"], ctx)
    section["bucket"] = rule.id if rule is not None else None
    needed = min_words(ctx.rules)
    if prediction.words is not None and prediction.words < needed:
        # Too little text for any verdict: the probability is shown, no band is scored.
        section["inconclusive"] = {"reason": "too_little_text", "min_words": needed}
    section["model"] = {
        "created": model.meta.get("created"),
        "feature_version": model.meta.get("feature_version"),
    }
    ctx.sections["classifier"] = section
    if rule is None:
        return None
    spammy = rule.id.startswith("ML_SPAM")
    pushing = [
        f for f in prediction.top_features if (f["weight"] > 0) == spammy and f["weight"] != 0
    ][:_EVIDENCE_FEATURES]
    # The advice asks the author to look at highlighted words, in the message's own language;
    # rule findings have their own advice, and an attachment type is not a word to rephrase.
    # A word can push from the subject and the body: name it once.
    words = list(
        dict.fromkeys(f["feature"] for f in pushing if f["source"] in ("subject", "body", "link"))
    )
    evidence: list[str | T] = [f"p(spam) = {probability:.3f}"] + [
        T(
            "ev.feature",
            feature=structure_text(f["key"]) if f.get("key") else f["feature"],
            weight=f"{f['weight']:+.3f}",
            source=T(f"ev.source.{f['source']}"),
        )
        for f in pushing
    ]
    params = {
        "probability": f"{100 * probability:.0f}%",
        # one text (a string in the JSON, as before) whose structure facts read in either language
        "features": T("ev.list", items=words) if words else "-",
    }
    # A stacked band repeats the probability, not the explanation its base band already gives.
    stacked_evidence = [evidence[0], T("ev.adds_to", id=rule.id)]
    return [
        Hit(band.id, evidence if band is rule else stacked_evidence, dict(params)) for band in fired
    ]
