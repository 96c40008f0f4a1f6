"""The mailbox providers' sender requirements as data: rules/lists/requirements.yaml, validated.

Each row (`gmail.spf`, `yahoo.one_click_unsubscribe`, ...) names the test that judges it
(scorer/checks/requirements.py), its texts in English and Japanese, the SMTP reply the provider
gives, when it took effect and the verbatim sources it rests on; `details` holds the outcome
texts the tests fill in. The catalogue is part of the rule set (`RuleSet.lists.requirements`),
so a rule directory carries its own requirements and `/rules` documents them beside the rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scorer import i18n
from scorer.errors import RuleError
from scorer.kind import parse_applies_to
from scorer.ruledata import Source, bilingual, date, known_keys, sources

_ID = re.compile(r"[a-z]+\.[a-z_]+")
_SPEC_KEYS = {
    "id",
    "provider",
    "scope",
    "test",
    "title",
    "advice",
    "smtp_reply",
    "params",
    "references",
    "effective_from",
    "effective_basis",
    "effective_note",
    "source",
    "applies_to",
}
_TOP_KEYS = {"requirements", "details", "as_of", "providers"}
_PROVIDER_KEYS = {"name", "enforcement", "enforcement_from", "source", "withdrawn"}


@dataclass(frozen=True)
class Spec:
    id: str
    provider: str
    scope: str
    test: str
    """The registered requirement test that judges it (scorer.registry.requirement_tests)."""
    title: dict[str, str]
    advice: dict[str, str]
    smtp_reply: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    references: tuple[str, ...] = ()
    effective_from: str = ""
    """When the provider's rule took effect (YYYY-MM-DD or YYYY-MM)."""
    effective_basis: str = "stated"
    """"stated" by the source, or "published": the source gives no start date, this is its own."""
    effective_note: dict[str, str] = field(default_factory=dict)
    sources: tuple[Source, ...] = ()
    applies_to: tuple[str, ...] = ()
    """The kinds of message the provider applies it to (scorer.kind); empty: every kind."""


@dataclass(frozen=True)
class Provider:
    """A provider column: its name, how and since when it enforces, and on what source."""

    id: str
    name: dict[str, str]
    enforcement: dict[str, str]
    enforcement_from: str
    sources: tuple[Source, ...]
    withdrawn: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """The whole requirements file: rules as of a date, providers, rows and outcome texts."""

    as_of: str
    providers: dict[str, Provider]
    specs: tuple[Spec, ...]
    details: Mapping[str, dict[str, str]] = field(default_factory=dict)
    """Outcome texts by key (`spf.pass`, `unsub.missing`, ...), filled from a test's params."""

    def get(self, spec_id: str) -> Spec | None:
        return next((s for s in self.specs if s.id == spec_id), None)

    def detail_template(self, key: str, lang: str) -> str:
        """The outcome text for `key` in `lang`, its placeholders unfilled (the key itself when
        the data has no such text)."""
        texts = self.details.get(key)
        return (texts.get(lang) or texts["en"]) if texts else key

    def detail_text(self, key: str, params: Mapping[str, Any], lang: str) -> str:
        """The outcome text for `key` in `lang`, filled from the test's params."""
        return i18n.fill(self.detail_template(key, lang), params, lang)


def parse_catalogue(data: Any, name: str = "requirements.yaml") -> Catalogue:
    """Validate the requirements data strictly (unknown keys, texts, dates, sources)."""
    if not isinstance(data, dict) or not {"requirements", "details"} <= set(data) <= _TOP_KEYS:
        raise RuleError(f"{name}: needs requirements and details (and as_of, providers)")
    if not isinstance(data["details"], dict) or not isinstance(data["requirements"], list):
        raise RuleError(f"{name}: details is a mapping and requirements a list")
    details = {k: bilingual(v, f"{name}: details.{k}") for k, v in data["details"].items()}
    providers = _providers(data.get("providers") or {}, name)
    specs = []
    seen: set[str] = set()
    for raw in data["requirements"]:
        where = f"{name}: {raw.get('id', '?') if isinstance(raw, dict) else '?'}"
        known_keys(raw, where, _SPEC_KEYS, ("id", "provider", "test", "title", "advice"))
        rid = raw.get("id", "")
        if not isinstance(rid, str) or not _ID.fullmatch(rid) or rid in seen:
            raise RuleError(f"{where}: id must be provider.rule and unique")
        seen.add(rid)
        if not isinstance(raw.get("test"), str) or not raw["test"]:
            raise RuleError(f"{where}: test must name a requirement test")
        if raw.get("provider") != rid.split(".")[0]:
            raise RuleError(f"{where}: provider must match the id")
        basis = raw.get("effective_basis", "stated")
        if basis not in ("stated", "published"):
            raise RuleError(f"{where}: effective_basis must be stated or published")
        params = raw.get("params") or {}
        if not isinstance(params, dict):
            raise RuleError(f"{where}: params must be a mapping")
        note = raw.get("effective_note")
        specs.append(
            Spec(
                id=rid,
                provider=raw["provider"],
                scope=str(raw.get("scope", "all")),
                test=raw["test"],
                title=bilingual(raw.get("title"), f"{where}.title"),
                advice=bilingual(raw.get("advice"), f"{where}.advice"),
                smtp_reply=raw.get("smtp_reply"),
                params=dict(params),
                references=tuple(raw.get("references") or ()),
                effective_from=date(raw.get("effective_from"), f"{where}.effective_from"),
                effective_basis=basis,
                effective_note=bilingual(note, f"{where}.effective_note") if note else {},
                sources=sources(raw.get("source"), f"{where}.source"),
                applies_to=parse_applies_to(raw.get("applies_to"), f"{where}.applies_to"),
            )
        )
    as_of = data.get("as_of")
    if providers or as_of is not None:
        as_of = date(as_of, f"{name}: as_of")
        dates = [s.date for spec in specs for s in spec.sources if s.date]
        if dates and max(dates) > as_of:
            raise RuleError(f"{name}: as_of {as_of} is older than a source ({max(dates)})")
        unknown = sorted({spec.provider for spec in specs} - set(providers))
        if providers and unknown:
            raise RuleError(f"{name}: providers has no entry for {', '.join(unknown)}")
    return Catalogue(str(as_of or ""), providers, tuple(specs), details)


def _providers(data: Any, name: str) -> dict[str, Provider]:
    if not isinstance(data, dict):
        raise RuleError(f"{name}: providers must be a mapping")
    out = {}
    for pid, raw in data.items():
        where = f"{name}: providers.{pid}"
        known_keys(raw, where, _PROVIDER_KEYS)
        withdrawn = []
        for index, item in enumerate(raw.get("withdrawn") or []):
            here = f"{where}.withdrawn[{index}]"
            known_keys(item, here, ("what", "removed", "source"))
            withdrawn.append(
                {
                    "what": bilingual(item.get("what"), f"{here}.what"),
                    "removed": date(item.get("removed"), f"{here}.removed"),
                    "source": sources(item.get("source"), f"{here}.source"),
                }
            )
        out[pid] = Provider(
            id=pid,
            name=bilingual(raw.get("name"), f"{where}.name"),
            enforcement=bilingual(raw.get("enforcement"), f"{where}.enforcement"),
            enforcement_from=date(raw.get("enforcement_from"), f"{where}.enforcement_from"),
            sources=sources(raw.get("source"), f"{where}.source"),
            withdrawn=tuple(withdrawn),
        )
    return out
