"""Scores from findings: per-category sums with the rule set's caps and floors, and the total.

One function decides what a set of findings scores (`bounded_totals`, through
`category_totals`), so the report's score, its `capped` notes, every what-if score in `fixes`
and `spamscore eval` are worked out the same way: a what-if
is the same sum over fewer findings, never a second analysis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from scorer.report import Finding
from scorer.rules import RuleSet

_UNLIMITED = float("inf")


def _sums(
    findings: Iterable[Finding], rules: RuleSet, corroborating: bool = False
) -> dict[str, float]:
    """Per category, the sum of its findings' scores; with `corroborating`, of the findings
    whose rule may corroborate another category only (`scorer.rules.Rule.corroborates`)."""
    raw: dict[str, float] = {name: 0.0 for name in rules.categories}
    for finding in findings:
        if corroborating:
            rule = rules.get(finding.id)
            if rule is not None and not rule.corroborates:
                continue
        raw[finding.category] = raw.get(finding.category, 0.0) + finding.score
    return raw


def _own_bounds(raw: Mapping[str, float], rules: RuleSet) -> dict[str, float]:
    """Each category's sum within its own cap and floor (corroboration not applied)."""
    out: dict[str, float] = {}
    for name, value in raw.items():
        category = rules.categories.get(name)
        out[name] = value if category is None else category.total(value, _UNLIMITED)[0]
    return out


def support(findings: Iterable[Finding], rules: RuleSet, category: str = "classifier") -> float:
    """How many points corroborate `category` for these findings: the positive totals of the
    categories its `corroboration.from` names, counting only findings whose rule
    `corroborates` (infinite when it needs no corroboration). What `bounded_totals` judges
    the category by, and what `spamscore eval` reads from a classifier-off run."""
    found = rules.categories.get(category)
    if found is None or found.corroboration is None:
        return float("inf")
    totals = _own_bounds(_sums(findings, rules, corroborating=True), rules)
    return found.corroboration.support(totals, category)


def bounded_totals(
    raw: Mapping[str, float],
    rules: RuleSet,
    threshold: float | None = None,
    corroborating: Mapping[str, float] | None = None,
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Each category's total from the sum of its findings' scores, and the categories that a
    cap, a floor or missing corroboration limited: the one place the bounds are applied
    (`scorer.rules.Category.total` for each category). Corroboration is judged on the other
    categories' totals after their own bounds, and an uncorroborated category never takes the
    score to the threshold by itself. `corroborating` holds the sums of the findings that
    may corroborate (`_sums(..., corroborating=True)`; None: every finding may)."""
    categories = rules.categories
    first: dict[str, float] = {}
    alone: dict[str, tuple[float, dict[str, float] | None]] = {}
    for name, value in raw.items():
        category = categories.get(name)
        if category is None:
            first[name] = value
            continue
        bounded = category.total(value, _UNLIMITED)
        first[name] = bounded[0]
        if category.corroboration is None:
            alone[name] = bounded  # the same call the second pass would make
    backing = first if corroborating is None else _own_bounds(corroborating, rules)
    totals: dict[str, float] = {}
    capped: dict[str, dict[str, float]] = {}
    for name, value in raw.items():
        category = categories.get(name)
        if category is None:
            totals[name] = round(value, 2)
            continue
        corroboration = category.corroboration
        if corroboration is None:
            total, limited = alone[name]
        else:
            others = corroboration.support(backing, name)
            rest = sum(v for other, v in first.items() if other != name)
            headroom = None if threshold is None else threshold - rest
            total, limited = category.total(value, others, headroom)
        if limited is not None:
            capped[name] = limited
        totals[name] = round(total, 2)
    return totals, capped


def category_totals(
    findings: Iterable[Finding], rules: RuleSet, threshold: float | None = None
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """(total per category, {category: {raw, cap|floor[, uncorroborated]}} for each category a
    bound changed)."""
    findings = list(findings)
    return bounded_totals(
        _sums(findings, rules), rules, threshold, _sums(findings, rules, corroborating=True)
    )


def total(findings: Iterable[Finding], rules: RuleSet, threshold: float | None = None) -> float:
    """The message's score for these findings (caps, floors and corroboration applied)."""
    totals, _capped = category_totals(findings, rules, threshold)
    return round(sum(totals.values()), 2)


def score_without(
    findings: Iterable[Finding],
    ids: Iterable[str],
    rules: RuleSet,
    threshold: float | None = None,
) -> float:
    """What-if: the score with the findings `ids` gone, everything else as it is."""
    return WhatIf(findings, rules, threshold).score_without(ids)


class WhatIf:
    """Many what-ifs over one report's findings: the category sums are made once, and each
    what-if takes its findings out of them and bounds each category as `category_totals`
    does (the same `bounded_totals`). The fixes ask many what-ifs that leave the same sums (a
    greedy order re-asks each pending fix after every step), so the score of each distinct set
    of sums is worked out once."""

    def __init__(
        self, findings: Iterable[Finding], rules: RuleSet, threshold: float | None = None
    ) -> None:
        self.findings = list(findings)
        self.rules = rules
        self.threshold = threshold
        self.sums = _sums(self.findings, rules)
        self.backing = _sums(self.findings, rules, corroborating=True)
        self.by_id: dict[str, list[Finding]] = {}
        for finding in self.findings:
            self.by_id.setdefault(finding.id, []).append(finding)
        self._scores: dict[tuple[float, ...], float] = {}

    def score_without(self, ids: Iterable[str]) -> float:
        sums = dict(self.sums)
        backing = dict(self.backing)
        for finding_id in set(ids):
            rule = self.rules.get(finding_id)
            for finding in self.by_id.get(finding_id, ()):
                sums[finding.category] -= finding.score
                if rule is None or rule.corroborates:
                    backing[finding.category] -= finding.score
        # the categories in one order (the dicts'), so equal sums give the same key
        key = (*sums.values(), *backing.values())
        score = self._scores.get(key)
        if score is None:
            totals, _capped = bounded_totals(sums, self.rules, self.threshold, backing)
            score = self._scores[key] = round(sum(totals.values()), 2)
        return score
