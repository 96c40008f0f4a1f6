"""The trained classifier as scored buckets, like SpamAssassin's BAYES_00..BAYES_99.

The probability bands and their scores are data: each ML_ rule in rules/classifier.yaml gives
`params: {min_probability, max_probability}` (the lower bound included, the upper excluded except
1.0) and its score. The report's `classifier` section carries the probability and the features
of *this* message that pushed it most, so the page can highlight them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scorer.context import Context
from scorer.message import Message
from scorer.registry import Hit, Skip, check

if TYPE_CHECKING:
    from scorer.rules import Rule, RuleSet

ML_IDS = ("ML_HAM_00_05", "ML_SPAM_50_80", "ML_SPAM_80_95", "ML_SPAM_95_99", "ML_SPAM_99_100")
_EVIDENCE_FEATURES = 8


def buckets(rules: RuleSet) -> list[tuple[Rule, float, float]]:
    """(rule, lower, upper) for every declared ML_ bucket, lowest band first."""
    found = []
    for rule_id in ML_IDS:
        rule = rules.get(rule_id)
        if rule is None:
            continue
        lower = float(rule.params.get("min_probability", 0.0))
        upper = float(rule.params.get("max_probability", 1.0))
        found.append((rule, lower, upper))
    return sorted(found, key=lambda item: item[1])


def bucket_for(probability: float, rules: RuleSet) -> Rule | None:
    """The ML_ rule whose band holds `probability`, or None (no band: no finding)."""
    for rule, lower, upper in buckets(rules):
        if lower <= probability < upper or (upper >= 1.0 and probability >= 1.0):
            return rule
    return None


@check("classifier", emits=ML_IDS)
def classifier_bucket(msg: Message, ctx: Context) -> Hit | None:
    """Score the band the model's p(spam) falls in; name the words that pushed it there."""
    model = ctx.classifier
    if model is None:
        if not ctx.settings.use_classifier:
            raise Skip("classifier switched off (SPAMSCORE_CLASSIFIER=0)")
        raise Skip("no classifier model installed")
    prediction = model.analyze(msg)
    probability = prediction.probability
    rule = bucket_for(probability, ctx.rules)
    section = prediction.to_section()
    section["bucket"] = rule.id if rule is not None else None
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
    words = [f["feature"] for f in pushing]
    evidence = [f"p(spam) = {probability:.3f}"] + [
        f"{f['feature']} ({f['weight']:+.3f}, {f['source']})" for f in pushing
    ]
    return Hit(
        rule.id,
        evidence,
        {
            "probability": f"{100 * probability:.0f}%",
            "features": ", ".join(words) if words else "-",
        },
    )
