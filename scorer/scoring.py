"""Scores from findings: per-category sums with the rule set's caps and floors, and the total.

One function decides what a set of findings scores (`category_totals`), so the report's score,
its `capped` notes and every what-if score in `fixes` are worked out the same way: a what-if
is the same sum over fewer findings, never a second analysis.
"""

from __future__ import annotations

from collections.abc import Iterable

from scorer.report import Finding
from scorer.rules import RuleSet


def _sums(findings: Iterable[Finding], rules: RuleSet) -> dict[str, float]:
    raw: dict[str, float] = {name: 0.0 for name in rules.categories}
    for finding in findings:
        raw[finding.category] = raw.get(finding.category, 0.0) + finding.score
    return raw


def _clamp(value: float, cap: float | None, floor: float | None) -> float:
    """A category's sum within its cap and floor: the one place the bounds are applied."""
    if cap is not None and value > cap:
        value = cap
    if floor is not None and value < floor:
        value = floor
    return round(value, 2)


def _bounded(name: str, value: float, rules: RuleSet) -> tuple[float, dict[str, float] | None]:
    """A category's bounded sum, and the note when a bound applied."""
    category = rules.categories.get(name)
    if category is None:
        return round(value, 2), None
    total = _clamp(value, category.cap, category.floor)
    note = None
    if category.cap is not None and value > category.cap:
        note = {"raw": round(value, 2), "cap": category.cap}
    elif category.floor is not None and value < category.floor:
        note = {"raw": round(value, 2), "floor": category.floor}
    return total, note


def category_totals(
    findings: Iterable[Finding], rules: RuleSet
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """(total per category, {category: {raw, cap|floor}} for each category a bound changed)."""
    totals: dict[str, float] = {}
    capped: dict[str, dict[str, float]] = {}
    for name, value in _sums(findings, rules).items():
        totals[name], note = _bounded(name, value, rules)
        if note is not None:
            capped[name] = note
    return totals, capped


def total(findings: Iterable[Finding], rules: RuleSet) -> float:
    """The message's score for these findings (caps and floors applied)."""
    totals, _capped = category_totals(findings, rules)
    return round(sum(totals.values()), 2)


def score_without(findings: Iterable[Finding], ids: Iterable[str], rules: RuleSet) -> float:
    """What-if: the score with the findings `ids` gone, everything else as it is."""
    return WhatIf(findings, rules).score_without(ids)


class WhatIf:
    """Many what-ifs over one report's findings: the category sums are made once, and each
    what-if takes its findings out of them and bounds each category as `category_totals`
    does (the same `_bounded`)."""

    def __init__(self, findings: Iterable[Finding], rules: RuleSet) -> None:
        self.findings = list(findings)
        self.rules = rules
        self.sums = _sums(self.findings, rules)
        self.by_id: dict[str, list[Finding]] = {}
        for finding in self.findings:
            self.by_id.setdefault(finding.id, []).append(finding)
        self.bounds = {
            name: (c.cap, c.floor) if (c := rules.categories.get(name)) else (None, None)
            for name in self.sums
        }

    def score_without(self, ids: Iterable[str]) -> float:
        sums = dict(self.sums)
        for finding_id in set(ids):
            for finding in self.by_id.get(finding_id, ()):
                sums[finding.category] -= finding.score
        bounds = self.bounds
        return round(sum(_clamp(value, *bounds[name]) for name, value in sums.items()), 2)
