"""Finding, Requirement and Report, and the v1 JSON they serialise to.

Findings are stored language-neutral (id, score, evidence, params); titles and advice are
rendered from the rule data when the report is serialised, so one stored report can be shown
in English or Japanese. The v1 field names are a public contract (ARCHITECTURE.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scorer import i18n
from scorer.i18n import T
from scorer.kind import Kind

if TYPE_CHECKING:
    from scorer.message import Message
    from scorer.rules import RuleSet

REPORT_VERSION = 1
SEVERITIES = ("info", "warning", "error")
REQUIREMENT_STATUSES = ("pass", "fail", "warn", "unknown")
VERDICT_SPAM = "spam"
VERDICT_NOT_SPAM = "not_spam"
VERDICT_INCONCLUSIVE = "inconclusive"
FLOOR_FINDING_ID = "LIMIT_INCOMPLETE"
"""The score floor of an inconclusive report: a consequence of the other findings, never one
the classifier reads (scorer.finish._floor)."""


@dataclass(frozen=True)
class Finding:
    id: str
    category: str
    score: float
    severity: str
    evidence: tuple[str | T, ...] = ()
    """Each item is a quote (a header line, a URL, a DNS record: shown as it is) or a `T`, our
    words with their data, shown in the reader's language."""
    params: dict[str, Any] = field(default_factory=dict)
    refined_by: tuple[str, ...] = ()
    """A contract id another finding refines (scorer.findings): listed with score 0, counted
    under the refinements named here."""

    def to_dict(self, rules: RuleSet | None, lang: str) -> dict[str, Any]:
        rule = rules.get(self.id) if rules is not None else None
        data: dict[str, Any] = {
            "id": self.id,
            "category": self.category,
            "score": self.score,
            "severity": self.severity,
            "title": rule.text("description", lang, self.params) if rule else self.id,
            "advice": rule.text("advice", lang, self.params) if rule else "",
            "why": rule.text("why", lang, self.params) if rule else "",
            "evidence": [i18n.render(e, lang) for e in self.evidence],
            "references": list(rule.references) if rule else [],
            "params": i18n.render(dict(self.params), lang),
        }
        if self.refined_by:
            data["refined_by"] = list(self.refined_by)
        return data

    def not_applicable_dict(self, rules: RuleSet | None, lang: str, kind: Kind) -> dict[str, Any]:
        """A finding of a rule that does not bind this kind of message: listed, not scored."""
        rule = rules.get(self.id) if rules is not None else None
        data = {
            "id": self.id,
            "category": self.category,
            "title": rule.text("description", lang, self.params) if rule else self.id,
            "reason": kind.not_required(lang),
            "score_if_applicable": self.score,
            "evidence": [i18n.render(e, lang) for e in self.evidence],
        }
        if self.refined_by:
            data["refined_by"] = list(self.refined_by)
        return data

    def to_storage(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "category": self.category,
            "score": self.score,
            "severity": self.severity,
            "evidence": i18n.to_json(list(self.evidence)),
            "params": i18n.to_json(dict(self.params)),
        }
        if self.refined_by:
            data["refined_by"] = list(self.refined_by)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(
            id=data["id"],
            category=data["category"],
            score=float(data["score"]),
            severity=data["severity"],
            evidence=tuple(i18n.from_json(list(data.get("evidence", ())))),
            params=dict(i18n.from_json(dict(data.get("params", {})))),
            refined_by=tuple(data.get("refined_by", ())),
        )


@dataclass(frozen=True)
class Requirement:
    """One provider rule (e.g. `gmail.dkim`) and whether this message meets it.

    A rule that does not bind this kind of message (one-click unsubscribe on a receipt) has
    `applicable` False and status `pass`: nothing the provider asks is missing.
    """

    id: str
    status: str
    detail: dict[str, str]
    advice: dict[str, str] = field(default_factory=dict)
    title: dict[str, str] = field(default_factory=dict)
    smtp_reply: str | None = None
    provider: str = ""
    references: tuple[str, ...] = ()
    effective_from: str = ""
    """When the provider's rule took effect (YYYY-MM-DD or YYYY-MM)."""
    sources: tuple[str, ...] = ()
    """The pages the rule rests on (their quotes are in rules/lists/requirements.yaml)."""
    row: str = ""
    """What is required, the same for every provider that requires it (the matrix row)."""
    outcome: str = ""
    """Why it has this status: a key of requirements.yaml `details` (with `params`)."""
    params: dict[str, Any] = field(default_factory=dict)
    cause: str | None = None
    """The root cause of a failure (rules/lists/causes.yaml): one fix per cause."""
    applicable: bool = True

    def to_dict(self, lang: str) -> dict[str, Any]:
        data = {
            "id": self.id,
            "provider": self.provider or self.id.split(".", 1)[0],
            "status": self.status,
            "title": _pick(self.title, lang),
            "detail": _pick(self.detail, lang),
            "advice": _pick(self.advice, lang),
            "smtp_reply": self.smtp_reply,
            "references": list(self.references),
            "effective_from": self.effective_from or None,
            "sources": list(self.sources),
            "applicable": self.applicable,
        }
        if self.row:
            data["row"] = self.row
        if self.outcome:
            data["outcome"] = self.outcome
        if self.cause:
            data["cause"] = self.cause
        return data

    def to_storage(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "detail": self.detail,
            "advice": self.advice,
            "title": self.title,
            "smtp_reply": self.smtp_reply,
            "provider": self.provider,
            "references": list(self.references),
            "effective_from": self.effective_from,
            "sources": list(self.sources),
            "row": self.row,
            "outcome": self.outcome,
            "params": i18n.to_json(dict(self.params)),
            "cause": self.cause,
            "applicable": self.applicable,
        }

    @classmethod
    def from_storage(cls, data: dict[str, Any]) -> Requirement:
        return cls(
            id=data["id"],
            status=data["status"],
            detail=dict(data.get("detail", {})),
            advice=dict(data.get("advice", {})),
            title=dict(data.get("title", {})),
            smtp_reply=data.get("smtp_reply"),
            provider=data.get("provider", ""),
            references=tuple(data.get("references", ())),
            effective_from=data.get("effective_from", ""),
            sources=tuple(data.get("sources", ())),
            row=data.get("row", ""),
            outcome=data.get("outcome", ""),
            params=dict(i18n.from_json(dict(data.get("params") or {}))),
            cause=data.get("cause"),
            applicable=bool(data.get("applicable", True)),
        )


def _pick(texts: dict[str, str], lang: str) -> str:
    return texts.get(lang) or texts.get("en") or ""


@dataclass(frozen=True)
class Skipped:
    """A check that did not run. `reason` is short English (stable, for programs); `code` and
    `params` give the reader's text (scorer/i18n `skip.<code>`)."""

    check: str
    reason: str
    code: str = ""
    params: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str) -> str:
        if self.code and i18n.has("skip." + self.code):
            return i18n.text("skip." + self.code, lang, **dict(self.params))
        return self.reason

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {"check": self.check, "reason": self.reason}
        if self.code:
            data["code"] = self.code
        if lang is not None:
            data["text"] = self.text(lang)
        return data

    def to_storage(self) -> dict[str, Any]:
        data = self.to_dict()
        if self.params:
            data["params"] = i18n.to_json(dict(self.params))
        return data

    @classmethod
    def from_storage(cls, data: dict[str, Any]) -> Skipped:
        params = i18n.from_json(dict(data.get("params") or {}))
        code = data.get("code", "")
        return cls(data["check"], data["reason"], code, tuple(sorted(params.items())))


@dataclass
class Report:
    """The result of one analysis."""

    score: float
    threshold: float
    is_spam: bool
    categories: dict[str, float]
    findings: list[Finding]
    requirements: list[Requirement] = field(default_factory=list)
    classifier: dict[str, Any] | None = None
    skipped: list[Skipped] = field(default_factory=list)
    elapsed_ms: float = 0.0
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    message: dict[str, Any] = field(default_factory=dict)
    lang: str = "en"
    capped: dict[str, dict[str, float]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    """Further sections (e.g. `engines`, `delivery`), serialised at the top level."""
    rules: RuleSet | None = field(default=None, repr=False, compare=False)
    kind: Kind | None = None
    """What the message is and how that was decided (None: a report stored before kinds)."""
    not_applicable: list[Finding] = field(default_factory=list)
    """Findings of rules that do not bind this kind of message: listed with the reason, never
    scored."""
    incomplete: dict[str, Any] | None = None
    """What was not read or not checked (`limits`, `checks`, `score_before_floor`), when
    anything was: the verdict is then `inconclusive`, never clean (scorer.finish._floor)."""

    parsed: Message | None = field(default=None, repr=False, compare=False)
    """The parsed message the report was made from (never serialised): whoever stores the
    report keeps what its pages show from it (web.render) without parsing the message again."""

    @property
    def verdict(self) -> str:
        """`spam`, `not_spam`, or `inconclusive` when a limit or the budget stopped the analysis
        (its score is then at least the threshold and `is_spam` true: it fails closed)."""
        if self.incomplete is not None:
            return VERDICT_INCONCLUSIVE
        return VERDICT_SPAM if self.is_spam else VERDICT_NOT_SPAM

    def finding_ids(self) -> list[str]:
        return [f.id for f in self.findings]

    def fired_ids(self) -> list[str]:
        """Every rule that fired, scored or not applicable to this kind of message, sorted: what
        the classifier reads. The kind decides which obligations are scored, never a model input,
        so a message that claims to be a receipt reads to the model as it would otherwise. A
        refined contract id is left out: it only repeats its refinement (scorer.findings)."""
        listed = (*self.findings, *self.not_applicable)
        return sorted({f.id for f in listed if not f.refined_by} - {FLOOR_FINDING_ID})

    def get(self, finding_id: str) -> Finding | None:
        for finding in self.findings:
            if finding.id == finding_id:
                return finding
        return None

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The v1 report in `lang` (default: the language it was made in)."""
        lang = lang or self.lang
        kind = self.kind
        data = self._assemble(
            lang,
            [f.to_dict(self.rules, lang) for f in self.findings],
            [r.to_dict(lang) for r in self.requirements],
            [s.to_dict(lang) for s in self.skipped],
            kind.to_dict(lang) if kind else None,
            [f.not_applicable_dict(self.rules, lang, kind) for f in self.not_applicable]
            if kind
            else [],
        )
        for key, value in self.extra.items():
            data.setdefault(key, i18n.render(value, lang))
        from scorer import sections

        sections.localise(data, lang, self.rules)
        return data

    def _assemble(
        self,
        lang: str,
        findings: list[dict[str, Any]],
        requirements: list[dict[str, Any]],
        skipped: list[dict[str, Any]],
        kind: dict[str, Any] | None,
        not_applicable: list[dict[str, Any]],
    ) -> dict[str, Any]:
        return {
            "version": REPORT_VERSION,
            "score": self.score,
            "threshold": self.threshold,
            "is_spam": self.is_spam,
            "verdict": self.verdict,
            "incomplete": dict(self.incomplete) if self.incomplete is not None else None,
            "categories": dict(self.categories),
            "findings": findings,
            "requirements": requirements,
            "classifier": self.classifier,
            "skipped": skipped,
            "elapsed_ms": self.elapsed_ms,
            "lang": lang,
            "message": dict(self.message),
            "checks": {k: dict(v) for k, v in self.checks.items()},
            "capped": {k: dict(v) for k, v in self.capped.items()},
            "kind": kind,
            "not_applicable": not_applicable,
        }

    def to_json(self, lang: str | None = None, *, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(lang), ensure_ascii=False, indent=indent)

    def to_storage(self) -> dict[str, Any]:
        """Language-neutral form for the store; `from_storage` rebuilds the Report."""
        data = self._assemble(
            self.lang,
            [f.to_storage() for f in self.findings],
            [r.to_storage() for r in self.requirements],
            [s.to_storage() for s in self.skipped],
            self.kind.to_storage() if self.kind else None,
            [f.to_storage() for f in self.not_applicable],
        )
        for key, value in self.extra.items():
            data.setdefault(key, i18n.to_json(value))
        return data

    @classmethod
    def from_storage(cls, data: dict[str, Any], rules: RuleSet | None = None) -> Report:
        known = {
            "version",
            "score",
            "threshold",
            "is_spam",
            "categories",
            "findings",
            "requirements",
            "classifier",
            "skipped",
            "elapsed_ms",
            "lang",
            "message",
            "checks",
            "capped",
            "kind",
            "not_applicable",
            "verdict",
            "incomplete",
        }
        kind = data.get("kind")
        return cls(
            score=float(data["score"]),
            threshold=float(data["threshold"]),
            is_spam=bool(data["is_spam"]),
            categories=dict(data.get("categories", {})),
            findings=[Finding.from_dict(f) for f in data.get("findings", [])],
            requirements=[Requirement.from_storage(r) for r in data.get("requirements", [])],
            classifier=data.get("classifier"),
            skipped=[Skipped.from_storage(s) for s in data.get("skipped", [])],
            elapsed_ms=float(data.get("elapsed_ms", 0.0)),
            checks=dict(data.get("checks", {})),
            message=dict(data.get("message", {})),
            lang=data.get("lang", "en"),
            capped=dict(data.get("capped", {})),
            extra={k: i18n.from_json(v) for k, v in data.items() if k not in known},
            rules=rules,
            kind=Kind.from_storage(kind, _kinds_of(rules)) if kind else None,
            not_applicable=[Finding.from_dict(f) for f in data.get("not_applicable", [])],
            incomplete=dict(data["incomplete"]) if data.get("incomplete") else None,
        )


def _kinds_of(rules: RuleSet | None) -> Any:
    lists = getattr(rules, "lists", None)
    return lists.kinds if lists is not None else None
