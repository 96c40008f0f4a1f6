"""Load the rule set, everything under rules/, and validate it strictly.

A rule file (rules/*.yaml) holds one category: its score cap and its rules. Every rule carries
its id, score (or graded scores), texts in English and Japanese, advice, references, how it is
checked, and hit/miss examples. The data lists in rules/lists/ (scorer.lists) are the other half
of the rule set: `RuleSet.lists`. Unknown keys, regexes that do not compile, texts missing a
language, and ids no check can emit are all errors at load time, so bad rule data never reaches
a report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

from scorer import i18n
from scorer.errors import RuleError
from scorer.kind import KINDS, parse_applies_to
from scorer.lists import Lists, load_lists
from scorer.paths import rules_dir, shipped_rules_dir
from scorer.phrases import PhraseMatcher, normalize
from scorer.prefilter import (
    has_wide_char,
    max_width,
    may_contain,
    needs_wide_char,
    required_literals,
    top_level_branches,
    windowed_search,
)
from scorer.ruledata import bilingual, load_yaml

ID_PREFIXES = (
    "HDR_",
    "SUBJ_",
    "MIME_",
    "LIST_UNSUB_",
    "BODY_",
    "HTML_",
    "URI_",
    "SPF_",
    "DKIM_",
    "DMARC_",
    "BIMI_",
    "ARC_",
    "RBL_",
    "URIBL_",
    "DNS_",
    "RDNS_",
    "TLS_",
    "ML_",
    "LEGAL_",
    "LIMIT_",
)
CHECK_TYPES = ("code", "header", "body", "uri", "phrases")
TEXT_TARGETS = ("subject", "body", "visible", "plain", "html", "headers")
STATUSES = ("stable", "preview", "deprecated")
WRITTEN_FROM = (
    "spamassassin-2003",
    "foff-milter-2025",
    "legit-templates",
    "phishing-pot-2020s",
    "ja-phish-lists",
    "seed",
    "reference",
)
"""What a rule's `written_from` may name: the corpus sets whose messages were read to write it,
`seed` (models/seed), or `reference` (../shared/reference and the public sources it cites).
A set named there is not unseen for that rule; the model card quotes this."""
_ID_RE = regex.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_RULE_KEYS = {
    "id",
    "score",
    "grades",
    "levels",
    "severity",
    "check",
    "network",
    "description",
    "why",
    "advice",
    "references",
    "examples",
    "header",
    "pattern",
    "flags",
    "phrases",
    "target",
    "params",
    "replaces",
    "status",
    "old_names",
    "written_from",
    "applies_to",
    "contract",
    "corroborates",
}
_FILE_KEYS = {"category", "cap", "floor", "corroboration", "params", "description", "rules"}
_EXAMPLE_KEYS = {
    "expect",
    "message",
    "file",
    "compose",
    "context",
    "score",
    "evidence",
    "note",
    "limits",
    "offline",
    "kind",
    "dns_budget",
}
_REGEX_TIMEOUT_S = 0.05
_FLAG_BITS = {"i": regex.IGNORECASE, "m": regex.MULTILINE, "s": regex.DOTALL, "x": regex.VERBOSE}


@dataclass(frozen=True)
class Grade:
    min: float
    score: float


@dataclass(frozen=True)
class Example:
    expect: str
    message: str | None = None
    file: str | None = None
    compose: Mapping[str, Any] | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    limits: Mapping[str, Any] = field(default_factory=dict)
    score: float | None = None
    evidence: str | None = None
    note: str = ""
    offline: bool | None = None
    kind: str | None = None
    """The kind the example's message is stated to be (default: decided from the message)."""
    dns_budget: int | None = None
    """The caller's DNS allowance in queries (scorer.dnsbudget; default: none)."""


@dataclass(frozen=True)
class Phrase:
    label: str
    weight: float


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    score: float
    check: str
    description: Mapping[str, str]
    why: Mapping[str, str]
    advice: Mapping[str, str]
    severity: str | None = None
    network: bool = False
    grades: tuple[Grade, ...] = ()
    levels: Mapping[str, float] = field(default_factory=dict)
    """Named levels a check reports (`Hit.level`: `+all`, `no_text`) and the score of each."""
    references: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    header: tuple[str, ...] = ()
    target: tuple[str, ...] = ()
    pattern: Any = None
    phrases: tuple[Phrase, ...] = ()
    phrase_matcher: PhraseMatcher | None = None
    """`check: phrases` rules: the phrase engine (scorer.phrases) over `phrases`."""
    params: Mapping[str, Any] = field(default_factory=dict)
    replaces: tuple[str, ...] = ()
    status: str = "stable"
    old_names: tuple[str, ...] = ()
    written_from: tuple[str, ...] = ()
    """The sets the rule was written from (see WRITTEN_FROM); empty for rules older than the
    field."""
    source: str = ""
    needs_wide: bool = False
    """Every match of `pattern` holds a CJK-range character (scorer.prefilter)."""
    literals: tuple[tuple[str, ...], ...] | None = None
    """Every match of `pattern` holds one case-folded string of each group (scorer.prefilter)."""
    width: int | None = None
    """The longest match of `pattern` when short (scorer.prefilter.max_width)."""
    branches: tuple[tuple[Any, tuple[tuple[str, ...], ...] | None, int | None], ...] = ()
    """`pattern`'s top-level alternatives, compiled, each with its own required literals and
    longest match: searched one by one when the pattern is a long alternation
    (scorer.prefilter)."""
    applies_to: tuple[str, ...] = ()
    """The kinds of message the rule binds (scorer.kind); empty: every kind."""
    contract: bool = False
    """A public contract id (API users filter on it): it keeps firing with its meaning, and a
    rule that `replaces` it refines it instead of hiding it (scorer.findings)."""
    corroborates: bool = True
    """Whether the finding may corroborate another category (`corroboration` in a category's
    data, e.g. the classifier's). False for findings that say which software wrote or encoded
    the mail (a transfer encoding, a charset label, a missing Message-ID), not what the mail
    says, where it links or who sent it: they do not make a text more likely to be spam."""

    def score_for(self, value: float | None, level: str | None = None) -> float | None:
        """The score of a hit: the fixed score, the score of its `level`, or the grade `value`
        reaches (None: no grade reached)."""
        if self.levels:
            return self.levels.get(level or "")
        if not self.grades:
            return self.score
        if value is None:
            return None
        chosen = None
        for grade in self.grades:
            if value >= grade.min:
                chosen = grade.score
        return chosen

    def severity_for(self, score: float) -> str:
        if self.severity:
            return self.severity
        if score <= 0:
            return "info"
        return "warning" if score < 2.0 else "error"

    def text(self, name: str, lang: str, params: Mapping[str, Any] | None = None) -> str:
        """The rule's `name` text (description, why, advice) in `lang`, params filled in."""
        texts: Mapping[str, str] = getattr(self, name)
        template = texts.get(lang) or texts.get("en") or ""
        if "{" not in template:
            return template
        return i18n.fill(template, params or {}, lang, compact=True)

    def segments(
        self, name: str, lang: str, params: Mapping[str, Any] | None = None
    ) -> list[tuple[str, bool]]:
        """The same text as (piece, is_parameter) pairs (a page marks parameters as data)."""
        texts: Mapping[str, str] = getattr(self, name)
        template = texts.get(lang) or texts.get("en") or ""
        return i18n.segments(template, params or {}, lang, compact=True)

    def search(self, text: str) -> Any:
        """Search the compiled pattern with a time limit (hostile input must not hang us)."""
        if self.needs_wide and not has_wide_char(text):
            return None  # cannot match: no Japanese/Chinese in the text
        if self.literals and not may_contain(text, self.literals):
            return None  # cannot match: none of the words every match holds is in the text
        if not self.branches:
            return windowed_search(self.pattern, text, self.literals, self.width, _REGEX_TIMEOUT_S)
        best = None  # the leftmost match, the earlier branch on a tie: what the alternation finds
        for branch, literals, width in self.branches:
            if literals and not may_contain(text, literals):
                continue
            match = windowed_search(branch, text, literals, width, _REGEX_TIMEOUT_S)
            if match is not None and (best is None or match.start() < best.start()):
                best = match
        return best


@dataclass(frozen=True)
class Corroboration:
    """A category that may not decide a verdict alone: unless the positive totals of the
    categories in `sources` reach `needs` points, it adds at most `cap`."""

    needs: float
    cap: float
    sources: tuple[str, ...] = ()
    """The categories whose findings can corroborate (empty: every other category)."""

    def support(self, totals: Mapping[str, float], own: str) -> float:
        """How many points the corroborating categories give (their positive totals, counting
        only the findings whose rule `corroborates`: `scorer.scoring` sums them)."""
        return sum(
            max(0.0, value)
            for name, value in totals.items()
            if name != own and (not self.sources or name in self.sources)
        )


@dataclass(frozen=True)
class Category:
    name: str
    cap: float | None
    floor: float | None
    description: Mapping[str, str]
    rule_ids: tuple[str, ...]
    corroboration: Corroboration | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    """Settings of the category's own check (data, like a rule's params)."""

    def total(
        self, raw: float, others: float = 0.0, headroom: float | None = None
    ) -> tuple[float, dict[str, float] | None]:
        """The category's contribution to the score from the sum of its findings (`raw`), the
        support of the categories that can corroborate it (`others`) and how far the rest of
        the score is below the threshold (`headroom`), and how it was limited (None: not at
        all). Uncorroborated, a category adds at most its corroboration cap and never enough
        to cross the threshold by itself. The one place where caps, floors and corroboration
        are applied: the pipeline and `spamscore eval` both call it."""
        total = raw
        limited: dict[str, float] | None = None
        cap = self.cap
        corroboration = self.corroboration
        if corroboration is not None and others < corroboration.needs:
            cap = corroboration.cap if cap is None else min(cap, corroboration.cap)
            if headroom is not None:
                # Below the threshold by the smallest step a report shows (scores are
                # rounded to 0.01); never below zero: it does not take points from the rules.
                cap = min(cap, max(0.0, round(headroom - 0.01, 2)))
        if cap is not None and total > cap:
            limited = {"raw": round(raw, 2), "cap": cap}
            if cap != self.cap:
                limited["uncorroborated"] = round(others, 2)
            total = cap
        if self.floor is not None and total < self.floor:
            limited = {"raw": round(raw, 2), "floor": self.floor}
            total = self.floor
        return total, limited


@dataclass
class RuleSet:
    """The rules by id, their categories, the old names still accepted, and the data lists."""

    rules: dict[str, Rule]
    categories: dict[str, Category]
    aliases: dict[str, str] = field(default_factory=dict)
    lists: Lists = field(default=None, repr=False)  # type: ignore[assignment]
    """rules/lists/ parsed (scorer.lists): what checks read instead of opening files."""
    source_hash: str = ""
    """SHA-256 over every file of the rule directory (rules, lists, requirements), when loaded
    from one; `version` falls back to a hash of the ids and scores."""

    @property
    def version(self) -> str:
        """What the report records as its rules version: a change to any rule, list, score or
        requirement gives another one, so two reports scored differently say so."""
        if self.source_hash:
            return "sha256:" + self.source_hash[:16]
        digest = hashlib.sha256()
        for rule in sorted(self.rules.values(), key=lambda r: r.id):
            digest.update(f"{rule.id}={rule.score};{rule.grades}\n".encode())
        for category in sorted(self.categories.values(), key=lambda c: c.name):
            digest.update(f"{category.name}:{category.cap}:{category.floor}\n".encode())
        return "sha256:" + digest.hexdigest()[:16]

    def get(self, rule_id: str) -> Rule | None:
        return self.rules.get(rule_id) or self.rules.get(self.aliases.get(rule_id, ""))

    def __contains__(self, rule_id: object) -> bool:
        return isinstance(rule_id, str) and self.get(rule_id) is not None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.rules.values())

    def __len__(self) -> int:
        return len(self.rules)

    def pattern_rules(self) -> list[Rule]:
        return [r for r in self.rules.values() if r.check != "code"]

    def subset(self, ids: Iterable[str]) -> RuleSet:
        """A rule set with only `ids` (tests hand the engine small rule sets)."""
        keep = {i: self.rules[i] for i in ids}
        cats = {
            name: Category(
                c.name,
                c.cap,
                c.floor,
                c.description,
                tuple(i for i in c.rule_ids if i in keep),
                c.corroboration,
                c.params,
            )
            for name, c in self.categories.items()
        }
        aliases = {k: v for k, v in self.aliases.items() if v in keep}
        return RuleSet(keep, cats, aliases, self.lists)

    def validate_checks(
        self,
        emitted: Mapping[str, Iterable[str]],
        *,
        complete: bool,
        requirement_tests: Iterable[str] | None = None,
    ) -> None:
        """Check rules against the registered checks: `emitted` maps check name → ids.

        Every `check: code` rule needs a check that emits it; with `complete`, every id a check
        can emit must be declared here (the full rule set must describe everything we report).
        Every provider requirement must name a registered test (`requirement_tests`, if given).
        """
        emitted_ids: dict[str, str] = {}
        for name, ids in emitted.items():
            for rule_id in ids:
                emitted_ids[rule_id] = name
        problems = []
        for rule in self.rules.values():
            if rule.check == "code" and rule.id not in emitted_ids:
                problems.append(f"{rule.source}: {rule.id} has check: code but no check emits it")
        if complete:
            for rule_id, name in emitted_ids.items():
                if rule_id not in self.rules:
                    problems.append(f"check {name!r} emits {rule_id}, which no rule file declares")
        if requirement_tests is not None and self.lists is not None:
            known = set(requirement_tests)
            for spec in self.lists.requirements.specs:
                if spec.test not in known:
                    problems.append(
                        f"lists/requirements.yaml: {spec.id}: unknown test {spec.test!r}"
                    )
        if problems:
            raise RuleError("; ".join(problems))


# --- loading ---------------------------------------------------------------------------------


def _texts(value: Any, where: str, *, required: bool = True) -> dict[str, str]:
    return bilingual(value, where, required=required, strip=True)


def _compile(pattern: Any, flags: Any, where: str) -> Any:
    if not isinstance(pattern, str) or not pattern:
        raise RuleError(f"{where}: pattern must be a non-empty string")
    bits = regex.VERSION0
    for flag in flags or []:
        if flag not in _FLAG_BITS:
            raise RuleError(f"{where}: unknown regex flag {flag!r} (use i, m, s, x)")
        bits |= _FLAG_BITS[flag]
    try:
        return regex.compile(pattern, bits)
    except regex.error as exc:
        raise RuleError(f"{where}: bad regex {pattern!r}: {exc}") from None


_MIN_BRANCHES = 4
"""Shorter alternations are searched whole: one scan costs less than several."""


def _branches(
    raw: Mapping[str, Any], where: str
) -> tuple[tuple[Any, tuple[tuple[str, ...], ...] | None, int | None], ...]:
    """A long alternation's branches, compiled with the rule's flags, with their literals (none
    when a branch has no literal)."""
    flags = "".join(raw.get("flags") or [])
    parts = top_level_branches(raw["pattern"], flags)
    if parts is None or len(parts) < _MIN_BRANCHES:
        return ()
    literals = [required_literals(part, flags) for part in parts]
    if not all(literals):
        return ()  # a branch that must always be searched gains nothing from the split
    return tuple(
        (_compile(part, raw.get("flags"), where), found, max_width(part, flags))
        for part, found in zip(parts, literals, strict=True)
    )


def _levels(value: Any, where: str) -> dict[str, float]:
    """`levels: {name: score}`: what the check observed, by name, and what each scores."""
    if not isinstance(value, dict) or not value:
        raise RuleError(f"{where}: levels must be a non-empty mapping of name to score")
    out = {}
    for name, score in value.items():
        if not isinstance(name, str) or not name or isinstance(score, bool):
            raise RuleError(f"{where}: levels map names to scores")
        try:
            out[name] = float(score)
        except (TypeError, ValueError):
            raise RuleError(f"{where}: the score of level {name!r} must be a number") from None
    return out


def _example(raw: Any, where: str) -> Example:
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: an example must be a mapping")
    unknown = set(raw) - _EXAMPLE_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown example keys {sorted(unknown)}")
    if raw.get("expect") not in ("hit", "miss"):
        raise RuleError(f"{where}: expect must be hit or miss")
    sources = [k for k in ("message", "file", "compose") if raw.get(k) is not None]
    if len(sources) != 1:
        raise RuleError(f"{where}: give exactly one of message, file, compose")
    if "compose" in raw and not isinstance(raw["compose"], dict):
        raise RuleError(f"{where}: compose must be a mapping")
    for key in ("context", "limits"):
        if key in raw and not isinstance(raw[key], dict):
            raise RuleError(f"{where}: {key} must be a mapping")
    return Example(
        expect=raw["expect"],
        message=raw.get("message"),
        file=raw.get("file"),
        compose=raw.get("compose"),
        context=raw.get("context") or {},
        limits=raw.get("limits") or {},
        score=float(raw["score"]) if raw.get("score") is not None else None,
        evidence=raw.get("evidence"),
        note=raw.get("note", ""),
        offline=raw.get("offline"),
        kind=_example_kind(raw.get("kind"), where),
        dns_budget=int(raw["dns_budget"]) if raw.get("dns_budget") is not None else None,
    )


def _example_kind(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if value not in KINDS:
        raise RuleError(f"{where}: kind must be one of {KINDS}")
    return str(value)


def _as_tuple(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise RuleError(f"{where}: must be a string or a list of strings")


def _rule(raw: Any, category: str, source: str) -> Rule:
    if not isinstance(raw, dict):
        raise RuleError(f"{source}: every rule must be a mapping")
    rule_id = raw.get("id")
    where = f"{source}: {rule_id or '?'}"
    if not isinstance(rule_id, str) or not _ID_RE.match(rule_id):
        raise RuleError(f"{where}: id must be UPPER_SNAKE_CASE")
    if not rule_id.startswith(ID_PREFIXES):
        raise RuleError(f"{where}: id must start with one of {', '.join(ID_PREFIXES)}")
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown keys {sorted(unknown)}")
    check = raw.get("check")
    if check not in CHECK_TYPES:
        raise RuleError(f"{where}: check must be one of {CHECK_TYPES}")
    if sum(key in raw for key in ("score", "grades", "levels")) != 1:
        raise RuleError(f"{where}: give either score or grades (or levels)")
    grades: tuple[Grade, ...] = ()
    levels: dict[str, float] = {}
    if "levels" in raw:
        levels = _levels(raw["levels"], where)
        score = max(levels.values())
    elif "grades" in raw:
        items = raw["grades"]
        if not isinstance(items, list) or not items:
            raise RuleError(f"{where}: grades must be a non-empty list")
        try:
            grades = tuple(Grade(float(g["min"]), float(g["score"])) for g in items)
        except (KeyError, TypeError, ValueError):
            raise RuleError(f"{where}: each grade needs numeric min and score") from None
        if list(grades) != sorted(grades, key=lambda g: g.min) or len(
            {g.min for g in grades}
        ) != len(grades):
            raise RuleError(f"{where}: grades must have increasing min values")
        score = max(g.score for g in grades)
    else:
        try:
            score = float(raw["score"])
        except (TypeError, ValueError):
            raise RuleError(f"{where}: score must be a number") from None
    severity = raw.get("severity")
    if severity is not None and severity not in ("info", "warning", "error"):
        raise RuleError(f"{where}: severity must be info, warning or error")
    description = _texts(raw.get("description"), f"{where}.description")
    why = _texts(raw.get("why"), f"{where}.why")
    positive = score > 0 or any(g.score > 0 for g in grades)  # levels: score is their max
    advice = _texts(raw.get("advice"), f"{where}.advice", required=positive)
    network = raw.get("network", False)
    if not isinstance(network, bool):
        raise RuleError(f"{where}: network must be true or false")
    contract = raw.get("contract", False)
    if not isinstance(contract, bool):
        raise RuleError(f"{where}: contract must be true or false")
    corroborates = raw.get("corroborates", True)
    if not isinstance(corroborates, bool):
        raise RuleError(f"{where}: corroborates must be true or false")
    status = raw.get("status", "stable")
    if status not in STATUSES:
        raise RuleError(f"{where}: status must be one of {STATUSES}")
    params = raw.get("params") or {}
    if not isinstance(params, dict):
        raise RuleError(f"{where}: params must be a mapping")
    header = _as_tuple(raw.get("header"), f"{where}.header")
    target = _as_tuple(raw.get("target"), f"{where}.target")
    for item in target:
        if item not in TEXT_TARGETS:
            raise RuleError(f"{where}: target {item!r} is not one of {TEXT_TARGETS}")
    pattern = None
    phrases: tuple[Phrase, ...] = ()
    phrase_matcher = None
    if check == "code":
        for key in ("pattern", "phrases", "header", "flags", "target"):
            if key in raw:
                raise RuleError(f"{where}: {key} is only for pattern rules")
    elif check == "phrases":
        items = raw.get("phrases")
        if not isinstance(items, list) or not items:
            raise RuleError(f"{where}: phrases must be a non-empty list")
        parsed = []
        for item in items:
            if isinstance(item, str):
                parsed.append(Phrase(item, 1.0))
            elif isinstance(item, dict) and set(item) <= {"text", "weight"} and "text" in item:
                parsed.append(Phrase(str(item["text"]), float(item.get("weight", 1.0))))
            else:
                raise RuleError(f"{where}: a phrase is a string or {{text, weight}}")
        phrases = tuple(parsed)
        if len({normalize(p.label).strip() for p in parsed}) != len(parsed):
            raise RuleError(f"{where}: a phrase is listed twice")
        phrase_matcher = PhraseMatcher([(p.label, p.weight, "") for p in parsed])
        if not grades:
            raise RuleError(f"{where}: phrase rules are graded: give grades")
    else:
        pattern = _compile(raw.get("pattern"), raw.get("flags"), where)
        if check == "header" and not header:
            raise RuleError(f"{where}: header rules name the header(s) to read")
    examples = tuple(
        _example(e, f"{where}.examples[{i}]") for i, e in enumerate(raw.get("examples") or [])
    )
    refs = _as_tuple(raw.get("references"), f"{where}.references")
    written_from = _as_tuple(raw.get("written_from"), f"{where}.written_from")
    unknown_sets = [name for name in written_from if name not in WRITTEN_FROM]
    if unknown_sets:
        raise RuleError(f"{where}: written_from names unknown sets {unknown_sets}")
    return Rule(
        id=rule_id,
        category=category,
        score=score,
        check=check,
        description=description,
        why=why,
        advice=advice,
        severity=severity,
        network=network,
        grades=grades,
        levels=levels,
        references=refs,
        examples=examples,
        header=header,
        target=target or ("body",),
        pattern=pattern,
        phrases=phrases,
        phrase_matcher=phrase_matcher,
        params=params,
        replaces=_as_tuple(raw.get("replaces"), f"{where}.replaces"),
        status=status,
        old_names=_as_tuple(raw.get("old_names"), f"{where}.old_names"),
        written_from=written_from,
        source=source,
        needs_wide=pattern is not None and needs_wide_char(raw["pattern"]),
        literals=(
            required_literals(raw["pattern"], "".join(raw.get("flags") or []))
            if pattern is not None
            else None
        ),
        width=(
            max_width(raw["pattern"], "".join(raw.get("flags") or []))
            if pattern is not None
            else None
        ),
        branches=_branches(raw, where) if pattern is not None else (),
        applies_to=parse_applies_to(raw.get("applies_to"), f"{where}.applies_to"),
        contract=contract,
        corroborates=corroborates,
    )


def load_rules(directory: Path | str | None = None) -> RuleSet:
    """Load and validate every `*.yaml` in `directory` (default: the shipped rules/, or
    `SPAMSCORE_RULES_DIR`) and its `lists/` folder. A directory without `lists/` (a small test
    rule set) reads the shipped lists."""
    return _load_cached(str(Path(directory or rules_dir()).resolve()))


@lru_cache(maxsize=8)
def _load_cached(directory: str) -> RuleSet:
    path = Path(directory)
    files = sorted(path.glob("*.yaml"))
    if not files:
        raise RuleError(f"no rule files (*.yaml) in {path}")
    rules: dict[str, Rule] = {}
    categories: dict[str, Category] = {}
    aliases: dict[str, str] = {}
    for file in files:
        source = file.name
        data = load_yaml(file.read_text(encoding="utf-8"), source)
        if not isinstance(data, dict):
            raise RuleError(f"{source}: must be a mapping with category and rules")
        unknown = set(data) - _FILE_KEYS
        if unknown:
            raise RuleError(f"{source}: unknown keys {sorted(unknown)}")
        category = data.get("category")
        if category != file.stem:
            raise RuleError(f"{source}: category must be {file.stem!r} (the file name)")
        cap = data.get("cap")
        floor = data.get("floor")
        for name, value in (("cap", cap), ("floor", floor)):
            if value is not None and not isinstance(value, int | float):
                raise RuleError(f"{source}: {name} must be a number")
        corroboration = _corroboration(data.get("corroboration"), source)
        params = data.get("params") or {}
        if not isinstance(params, dict):
            raise RuleError(f"{source}: params must be a mapping")
        ids = []
        for raw in data.get("rules") or []:
            rule = _rule(raw, category, source)
            if rule.id in rules or rule.id in aliases:
                raise RuleError(f"{source}: {rule.id} is declared twice")
            rules[rule.id] = rule
            ids.append(rule.id)
            for old in rule.old_names:
                aliases[old] = rule.id
        categories[category] = Category(
            category,
            float(cap) if cap is not None else None,
            float(floor) if floor is not None else None,
            _texts(data.get("description"), f"{source}: description"),
            tuple(ids),
            corroboration,
            params,
        )
    for rule in rules.values():
        for other in rule.replaces:
            if other not in rules:
                raise RuleError(f"{rule.source}: {rule.id} replaces unknown id {other}")
    clash = set(aliases) & set(rules)
    if clash:
        raise RuleError(f"old_names reuse live ids: {sorted(clash)}")
    lists_dir = path / "lists"
    source_hash = directory_hash(path)
    if not lists_dir.is_dir():  # a rule directory without lists borrows the shipped ones
        lists_dir = shipped_rules_dir() / "lists"
        source_hash = hashlib.sha256(f"{source_hash}+{directory_hash(lists_dir)}".encode())
        source_hash = source_hash.hexdigest()
    return RuleSet(rules, categories, aliases, load_lists(lists_dir), source_hash)


def _corroboration(raw: Any, source: str) -> Corroboration | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not {"needs", "cap"} <= set(raw) <= {"needs", "cap", "from"}:
        raise RuleError(f"{source}: corroboration must be a mapping with needs, cap and from")
    needs, cap = raw["needs"], raw["cap"]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (needs, cap)):
        raise RuleError(f"{source}: corroboration needs and cap must be numbers")
    if needs <= 0:
        raise RuleError(f"{source}: corroboration needs must be above 0")
    sources = raw.get("from") or []
    if not isinstance(sources, list) or not all(isinstance(c, str) for c in sources):
        raise RuleError(f"{source}: corroboration from must be a list of categories")
    return Corroboration(float(needs), float(cap), tuple(sources))


def directory_hash(path: Path) -> str:
    """SHA-256 over the relative paths and bytes of every file under `path`, in sorted order."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        if "__pycache__" in file.parts or file.name.startswith("."):
            continue
        digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
