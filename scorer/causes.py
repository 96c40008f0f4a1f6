"""Root causes: which findings and failing provider requirements one change fixes.

Data in rules/lists/causes.yaml, validated on load. A finding listed under no cause is its own
cause (`finding:<ID>`), so every finding belongs to exactly one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from scorer.errors import RuleError
from scorer.paths import rules_dir

LANGS = ("en", "ja")
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


def load_causes(path: str | None = None) -> Causes:
    return _load(path or str(rules_dir() / "lists" / "causes.yaml"))


@lru_cache(maxsize=4)
def _load(path: str) -> Causes:
    file = Path(path)
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    if set(data) != {"causes"} or not isinstance(data["causes"], dict):
        raise RuleError(f"{file.name}: needs one key, causes")
    by_id: dict[str, Cause] = {}
    by_finding: dict[str, str] = {}
    by_outcome: dict[str, str] = {}
    for cause_id, raw in data["causes"].items():
        where = f"{file.name}: {cause_id}"
        if not isinstance(raw, dict) or set(raw) != {"findings", "requirements", "title"}:
            raise RuleError(f"{where}: needs findings, requirements and title")
        title = raw["title"]
        if not isinstance(title, dict) or set(title) != set(LANGS) or not all(title.values()):
            raise RuleError(f"{where}: title needs en and ja")
        cause = Cause(
            cause_id,
            tuple(raw["findings"] or ()),
            tuple(raw["requirements"] or ()),
            {k: str(v) for k, v in title.items()},
        )
        for finding_id in cause.findings:
            if finding_id in by_finding:
                raise RuleError(f"{where}: {finding_id} is already under {by_finding[finding_id]}")
            by_finding[finding_id] = cause_id
        for outcome in cause.requirements:
            if outcome in by_outcome:
                raise RuleError(f"{where}: {outcome} is already under {by_outcome[outcome]}")
            by_outcome[outcome] = cause_id
        by_id[cause_id] = cause
    return Causes(by_id, by_finding, by_outcome)
