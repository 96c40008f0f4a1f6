"""Root causes: which findings and failing provider requirements one change fixes.

Data in rules/lists/causes.yaml, part of the rule set (`RuleSet.lists.causes`, validated when
the rules load). A finding listed under no cause is its own cause (`finding:<ID>`), so every
finding belongs to exactly one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scorer.errors import RuleError
from scorer.ruledata import bilingual, known_keys

FINDING_PREFIX = "finding:"


@dataclass(frozen=True)
class Cause:
    id: str
    findings: tuple[str, ...]
    requirements: tuple[str, ...]
    """Requirement outcome keys (requirements.yaml `details`) this cause makes fail."""
    title: dict[str, str]


@dataclass(frozen=True)
class Causes:
    by_id: dict[str, Cause]
    by_finding: dict[str, str]
    by_outcome: dict[str, str]

    def of_finding(self, finding_id: str) -> str:
        return self.by_finding.get(finding_id, FINDING_PREFIX + finding_id)

    def of_outcome(self, outcome: str) -> str | None:
        return self.by_outcome.get(outcome)

    def title(self, cause: str, lang: str) -> str | None:
        found = self.by_id.get(cause)
        return (found.title.get(lang) or found.title["en"]) if found else None

    def validate(self, rule_ids: Iterable[str], outcomes: Iterable[str]) -> None:
        """Every id and outcome named here must exist (the full rule set and checklist)."""
        known_ids, known_outcomes = set(rule_ids), set(outcomes)
        bad = sorted(set(self.by_finding) - known_ids)
        bad += sorted(set(self.by_outcome) - known_outcomes)
        if bad:
            raise RuleError(f"causes.yaml names unknown finding ids or outcomes: {bad}")


def parse_causes(data: Any, where: str = "causes.yaml") -> Causes:
    """Validate the causes data strictly: each cause has findings, requirement outcomes and a
    bilingual title; a finding or an outcome belongs to one cause at most."""
    known_keys(data, where, ("causes",), ("causes",))
    if not isinstance(data["causes"], dict):
        raise RuleError(f"{where}: causes must be a mapping")
    by_id: dict[str, Cause] = {}
    by_finding: dict[str, str] = {}
    by_outcome: dict[str, str] = {}
    for cause_id, raw in data["causes"].items():
        here = f"{where}: {cause_id}"
        keys = ("findings", "requirements", "title")
        known_keys(raw, here, keys, keys)
        cause = Cause(
            str(cause_id),
            tuple(str(i) for i in raw["findings"] or ()),
            tuple(str(o) for o in raw["requirements"] or ()),
            bilingual(raw["title"], f"{here}.title"),
        )
        for finding_id in cause.findings:
            if finding_id in by_finding:
                raise RuleError(f"{here}: {finding_id} is already under {by_finding[finding_id]}")
            by_finding[finding_id] = cause.id
        for outcome in cause.requirements:
            if outcome in by_outcome:
                raise RuleError(f"{here}: {outcome} is already under {by_outcome[outcome]}")
            by_outcome[outcome] = cause.id
        by_id[cause.id] = cause
    return Causes(by_id, by_finding, by_outcome)


def load_causes() -> Causes:
    """The shipped (or SPAMSCORE_RULES_DIR) rule set's causes; an engine reads its own rule
    set's (`engine.rules.lists.causes`)."""
    from scorer.rules import load_rules

    return load_rules().lists.causes
