"""From hits to findings, in one place: merging, `replaces`, refinements and `applies_to`.

Checks and pattern rules report hits; what the report lists is decided here, once, for the
pipeline and for the classifier (which reads the same finding ids as features):

- Hits of one id merge into one finding: evidence joined, the highest measured value and the
  highest-scoring level kept; the rule maps them to a score.
- A rule's `applies_to` names the kinds of message it binds (scorer.kind.applies). A finding for
  another kind is not scored but listed as not applicable, so it never silently disappears.
- A finding that `replaces` another counts one cause once: the replaced one is hidden where the
  replacing one is itself scored (or among the not applicable), so a rule that does not apply
  never hides one that does.
- Except a public contract id (`contract: true`): a refinement never hides it. It is listed
  beside the refinement with score 0 and `refined_by`, so an API user filtering on the contract
  ids still finds the message, and the cause still counts once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scorer.i18n import T
from scorer.kind import applies
from scorer.registry import Hit
from scorer.report import Finding
from scorer.rules import RuleSet

MAX_EVIDENCE_ITEMS = 20
MAX_EVIDENCE_CHARS = 300


def merge(hits: Iterable[Hit], rules: RuleSet) -> dict[str, Hit]:
    """One hit per declared id, in the order ids first appear (undeclared ids are dropped)."""
    merged: dict[str, Hit] = {}
    for hit in hits:
        assert hit.id is not None
        rule = rules.get(hit.id)
        if rule is None:
            continue
        previous = merged.get(hit.id)
        if previous is None:
            merged[hit.id] = Hit(hit.id, list(hit.evidence), dict(hit.params), hit.value, hit.level)
            continue
        previous.evidence = [*previous.evidence, *hit.evidence]
        if hit.value is not None:
            previous.value = max(previous.value or 0.0, hit.value)
        if hit.level is not None and (
            previous.level is None
            or rule.levels.get(hit.level, float("-inf"))
            > rule.levels.get(previous.level, float("-inf"))
        ):
            previous.level = hit.level
    return merged


def findings(
    hits: Iterable[Hit], rules: RuleSet, kind: str | None = None
) -> tuple[list[Finding], list[Finding]]:
    """The findings of a message of `kind` (None: every rule binds), and those of rules that do
    not bind its kind, each sorted by score then category and id."""
    merged = merge(hits, rules)
    binding = {
        rule_id
        for rule_id in merged
        if kind is None or applies(rules.get(rule_id).applies_to, kind)  # type: ignore[union-attr]
    }
    replacing: dict[str, list[str]] = {}  # replaced id -> the present ids that replace it
    for rule_id in merged:
        for other in rules.get(rule_id).replaces:  # type: ignore[union-attr]
            replacing.setdefault(other, []).append(rule_id)
    listed: list[Finding] = []
    not_applicable: list[Finding] = []
    for rule_id, hit in merged.items():
        rule = rules.get(rule_id)
        assert rule is not None
        scored = rule_id in binding
        by = [r for r in replacing.get(rule_id, ()) if r in binding or not scored]
        score = rule.score_for(hit.value, hit.level)
        if score is None or (by and not rule.contract):
            continue
        finding = Finding(
            id=rule.id,
            category=rule.category,
            score=0.0 if by else score,
            severity="info" if by else rule.severity_for(score),
            evidence=clip_evidence(hit.evidence),
            params={k: _jsonable(v) for k, v in hit.params.items()},
            refined_by=tuple(sorted(by)),
        )
        (listed if scored else not_applicable).append(finding)
    listed.sort(key=lambda f: (-f.score, f.category, f.id))
    not_applicable.sort(key=lambda f: (-f.score, f.category, f.id))
    return listed, not_applicable


def model_ids(hits: Iterable[Hit], rules: RuleSet) -> list[str]:
    """The finding ids the classifier reads: every rule binding (the kind decides obligations,
    never model input), and a refined contract id left out, as the model was trained."""
    listed, _ = findings(hits, rules)
    return sorted({f.id for f in listed if not f.refined_by})


def clip_evidence(evidence: Iterable[str | T]) -> tuple[str | T, ...]:
    """At most 20 distinct items; long quotes (and long text inside a T) cut at 300 characters."""
    items: list[str | T] = []
    for item in evidence:
        if isinstance(item, T):
            clipped: str | T = (
                T(item.key, **{k: _cut(v) for k, v in item.params})
                if any(_cut(v) is not v for _, v in item.params)
                else item  # nothing to cut: the same text (a T is never changed in place)
            )
        else:
            clipped = _cut(str(item))
        if clipped not in items:
            items.append(clipped)
        if len(items) >= MAX_EVIDENCE_ITEMS:
            break
    return tuple(items)


def _cut(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_EVIDENCE_CHARS:
        return value[: MAX_EVIDENCE_CHARS - 1] + "…"
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool | T) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)
