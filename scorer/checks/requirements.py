"""The mailbox providers' sender requirements as a pass/fail/warn/unknown checklist.

The requirement texts, SMTP replies and outcome texts are data (rules/lists/requirements.yaml,
validated on load); this module only judges. A requirement whose input is absent (no sending
IP, offline, a draft not yet signed) is `unknown` with the reason, never a guess.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from scorer import i18n
from scorer.auth import dkim as dkim_auth
from scorer.causes import load_causes
from scorer.checks import auth
from scorer.context import Context
from scorer.errors import RuleError
from scorer.i18n import T
from scorer.kind import applies, parse_applies_to
from scorer.message import Message
from scorer.paths import rules_dir
from scorer.registry import requirements
from scorer.report import REQUIREMENT_STATUSES, Finding, Requirement
from scorer.unsubscribe import has_visible_unsubscribe, unsubscribe_uris

LANGS = ("en", "ja")
_MSGID = re.compile(r"^<[^<>@\s]+@[^<>@\s]+>$")
_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")
_URL = re.compile(r"^https?://\S+$")

Outcome = tuple[str, str, dict[str, Any]]
"""(status, detail key, params)."""


@dataclass(frozen=True)
class Spec:
    id: str
    provider: str
    scope: str
    test: str
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
class Source:
    """A short verbatim quote from the page a requirement rests on, and the copy it came from."""

    url: str
    date: str | None
    """The date of the copy the quote was read from (None when the page could not be read)."""
    quote: str | None
    via: str = ""
    missing: str = ""
    """Why there is no quote (the page could not be found or read)."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"url": self.url, "date": self.date, "quote": self.quote}
        if self.via:
            out["via"] = self.via
        if self.missing:
            out["missing"] = self.missing
        return out


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


class _Facts:
    """What the judges read, computed on first use (most of it is already in ctx.memo)."""

    def __init__(self, msg: Message, ctx: Context, findings: list[Finding]) -> None:
        self.msg = msg
        self.ctx = ctx
        self.findings = {f.id: f for f in findings}

    @property
    def online(self) -> bool:
        return self.ctx.dns is not None

    def not_online(self) -> Outcome:
        """Why a DNS-based row is unknown: offline, or a resolver that failed its sanity check."""
        status = self.ctx.dns_status
        if status is not None and not status.trusted:
            return "unknown", "dns_untrusted", {}
        return "unknown", "offline", {}

    def from_missing(self) -> Outcome | None:
        """A From domain that does not exist fails every row about it, for one cause."""
        if auth.from_domain_missing(self.msg, self.ctx):
            return "fail", "from.nxdomain", {"domain": self.msg.from_domain}
        return None

    def spf(self) -> Outcome:
        """SPF of the envelope domain (the From domain when no envelope sender is known)."""
        domain, _ = auth.spf_domain(self.msg, self.ctx)
        return self._spf(
            domain,
            lambda: auth.spf_record(self.msg, self.ctx),
            lambda: auth.spf_result(self.msg, self.ctx),
        )

    def spf_from(self) -> Outcome:
        """SPF of the header From domain, as docomo checks it."""
        return self._spf(
            self.msg.from_domain,
            lambda: auth.spf_from_record(self.msg, self.ctx),
            lambda: auth.spf_from_result(self.msg, self.ctx),
        )

    def _spf(
        self, domain: str, record_of: Callable[[], Any], result_of: Callable[[], Any]
    ) -> Outcome:
        if not self.online:
            return self.not_online()
        if not domain:
            return "unknown", "no_domain", {}
        if domain == self.msg.from_domain and (missing := self.from_missing()):
            return missing
        record = record_of()
        assert record is not None
        params: dict[str, Any] = {"domain": domain, "ip": auth.sender_ip(self.ctx) or ""}
        if record.status == "temperror":
            return "unknown", "spf.temperror", {**params, "reason": record.error}
        if record.status == "none":
            return "fail", "spf.none", params
        if record.status == "permerror":
            return "fail", "spf.broken", {**params, "reason": record.error}
        if record.too_many_lookups or record.too_many_void_lookups:
            reason = T("req.spf_lookups", lookups=record.lookups, void=record.void_lookups)
            return "fail", "spf.broken", {**params, "reason": reason}
        result = result_of()
        if result is None:
            return "unknown", "spf.no_ip", params
        params["domain"] = result.domain or domain
        if result.result == "pass":
            return "pass", "spf.pass", params
        if result.result == "temperror":
            return "unknown", "spf.temperror", {**params, "reason": result.explanation}
        return "fail", "spf.result", {**params, "result": result.result}

    def dkim(self) -> Outcome:
        if not self.online:
            return self.not_online()
        summary = auth.dkim_summary(self.msg, self.ctx)
        assert summary is not None
        if summary.key is not None:
            key = summary.key
            params = {"name": key.name, "bits": key.key_bits, "reason": key.reason}
            if key.status == "temperror":
                return "unknown", "dkim.temperror", params
            if key.status != "ok":
                return "fail", "dkim.no_key", params
            if key.key_type == "rsa" and key.key_bits < dkim_auth.MIN_KEY_BITS:
                return "fail", "dkim.weak", params
            return "unknown", "dkim.key_ok", params
        if not summary.signatures:
            if auth._is_sent(self.msg, self.ctx):
                return "fail", "dkim.unsigned", {}
            return "unknown", "dkim.draft", {}
        passing = summary.passing
        if passing:
            best = max(
                passing,
                key=lambda s: (
                    auth.is_aligned(self.ctx, s.domain, self.msg.from_domain),
                    s.key_bits,
                ),
            )
            return "pass", "dkim.pass", {"domain": best.domain, "bits": best.key_bits}
        temp = [s for s in summary.signatures if s.result == "temperror"]
        if temp:
            return "unknown", "dkim.temperror", {"reason": temp[0].reason}
        weak = [
            s
            for s in summary.signatures
            if s.key_type == "rsa" and 0 < s.key_bits < dkim_auth.MIN_KEY_BITS
        ]
        if weak:
            return "fail", "dkim.weak", {"bits": weak[0].key_bits}
        reason = "; ".join(f"d={s.domain}: {s.reason or s.result}" for s in summary.signatures)
        return "fail", "dkim.fail", {"reason": reason}

    def dmarc_record(self) -> Outcome:
        if not self.online:
            return self.not_online()
        if missing := self.from_missing():
            return missing
        lookup = auth.dmarc_lookup(self.msg, self.ctx)
        if lookup is None:
            return "unknown", "no_domain", {}
        params = {"domain": lookup.policy_domain or lookup.from_domain, "reason": lookup.error}
        if lookup.status == "temperror":
            return "unknown", "dmarc.temperror", params
        if lookup.status == "none":
            return "fail", "dmarc.missing", {"domain": lookup.from_domain}
        if lookup.status == "permerror":
            return "fail", "dmarc.broken", params
        policy = lookup.policy or "none"
        if lookup.test_mode and policy != lookup.applied_policy:
            # RFC 9989 t=y: a record is there, but it is not enforcing (applied one level down)
            shown: Any = T("req.policy_test_mode", policy=policy, applied=lookup.applied_policy)
            return "pass", "dmarc.present", {**params, "policy": shown}
        return "pass", "dmarc.present", {**params, "policy": policy}

    def dmarc_result(self) -> Outcome:
        if not self.online:
            return self.not_online()
        if missing := self.from_missing():
            return missing
        verdict = auth.dmarc_verdict(self.msg, self.ctx)
        if verdict is None:
            return "unknown", "no_domain", {}
        domain = self.msg.from_domain
        reason = _VERDICT_WORDS.get(verdict.detail)
        params = {
            "domain": domain,
            "policy": verdict.policy or "none",
            "reason": T(reason) if reason else verdict.detail,
        }
        if verdict.result == "pass":
            return "pass", "dmarc.pass", params
        if verdict.result == "fail":
            return "fail", "dmarc.fail", params
        if verdict.result == "none":
            return "fail", "dmarc.missing", params
        if verdict.result == "permerror":
            return "fail", "dmarc.broken", params
        if verdict.result == "temperror":
            return "unknown", "dmarc.temperror", params
        return "unknown", "dmarc.unknown", params


_VERDICT_WORDS = {
    "needs the sending IP for SPF": "req.needs_ip",
    "no DMARC record": "req.no_dmarc_record",
}
"""scorer.auth.dmarc's reasons, in words a report can show in either language."""


def _spf_or_dkim(facts: _Facts, _params: Mapping[str, Any]) -> Outcome:
    spf_status, _k, _p = facts.spf()
    dkim_status, _k2, _p2 = facts.dkim()
    if spf_status == "pass" or dkim_status == "pass":
        both = spf_status == dkim_status
        how = T("req.how_both") if both else ("SPF" if spf_status == "pass" else "DKIM")
        return "pass", "auth.pass", {"how": how}
    if spf_status == "fail" and dkim_status == "fail":
        return "fail", "auth.fail", {}
    if not facts.online:
        return facts.not_online()
    return (
        "unknown",
        "auth.unknown",
        {"spf": T(f"status.{spf_status}"), "dkim": T(f"status.{dkim_status}")},
    )


def _alignment(facts: _Facts, _params: Mapping[str, Any]) -> Outcome:
    if not facts.online:
        return facts.not_online()
    domain = facts.msg.from_domain
    if not domain:
        return "unknown", "no_domain", {}
    if missing := facts.from_missing():
        return missing
    lookup = auth.dmarc_lookup(facts.msg, facts.ctx)
    record = lookup.record if lookup else None
    spf_id, dkim_ids = auth.aligned_identifiers(facts.msg, facts.ctx)
    summary = auth.dkim_summary(facts.msg, facts.ctx)
    if summary is not None and summary.signatures:
        dkim_ids = [s.domain for s in summary.passing] or dkim_ids
    ids: list[tuple[Any, str, str]] = (
        [(T("req.spf_domain", domain=spf_id), spf_id, record.aspf if record else "r")]
        if spf_id
        else []
    )
    ids += [(f"DKIM d={d}", d, record.adkim if record else "r") for d in dkim_ids]
    for label, value, mode in ids:
        if auth.is_aligned(facts.ctx, value, domain, mode):
            return "pass", "align.pass", {"identifier": label, "domain": domain}
    if not ids:
        return "unknown", "align.unknown", {}
    return (
        "fail",
        "align.fail",
        {"identifiers": ", ".join(v for _l, v, _m in ids), "domain": domain},
    )


def _ptr(facts: _Facts, _params: Mapping[str, Any]) -> Outcome:
    if not facts.online:
        return facts.not_online()
    ip = auth.sender_ip(facts.ctx)
    if not ip:
        return "unknown", "ptr.no_ip", {}
    status = auth.rdns_status(facts.msg, facts.ctx)
    assert status is not None
    names = [str(n) for n in status["names"]]  # type: ignore[attr-defined]
    params = {"ip": ip, "names": ", ".join(names), "reason": status.get("error", "")}
    if status["status"] == "pass":
        return "pass", "ptr.pass", {**params, "name": status.get("confirmed", "")}
    if status["status"] == "temperror":
        return "unknown", "ptr.temperror", params
    if status["status"] == "mismatch":
        return "fail", "ptr.mismatch", params
    return "fail", "ptr.none", params


def _tls(facts: _Facts, _params: Mapping[str, Any]) -> Outcome:
    tls = facts.ctx.delivery.tls
    if tls is None:
        return "unknown", "tls.unknown", {}
    if tls:
        return "pass", "tls.pass", {"version": facts.ctx.delivery.tls_version or "TLS"}
    return "fail", "tls.fail", {}


def _one_click(facts: _Facts, params: Mapping[str, Any]) -> Outcome:
    msg = facts.msg
    if not msg.header_count("List-Unsubscribe"):
        return "fail", "unsub.missing", {}
    uris = unsubscribe_uris(msg)
    https = [u for u in uris if u.lower().startswith("https://")]
    mailto = [u for u in uris if u.lower().startswith("mailto:")]
    post = any(
        v.strip().lower().replace(" ", "") == "list-unsubscribe=one-click"
        for v in msg.header_all("List-Unsubscribe-Post")
    )
    if "DKIM_UNSUB_NOT_SIGNED" in facts.findings:
        finding = facts.findings["DKIM_UNSUB_NOT_SIGNED"]
        return "fail", "unsub.not_signed", {"headers": finding.params.get("headers", "")}
    if https and post:
        return "pass", "unsub.pass", {"uri": https[0]}
    if params.get("mailto_ok") and (mailto or https):
        return "pass", "unsub.mailto_pass", {"uri": (https or mailto)[0]}
    if not https and mailto:
        return "fail", "unsub.mailto_only", {}
    if not https:
        return "fail", "unsub.no_https", {}
    return "fail", "unsub.no_post", {}


def _unsubscribe_present(facts: _Facts, _params: Mapping[str, Any]) -> Outcome:
    if unsubscribe_uris(facts.msg):
        return "pass", "unsub.present", {}
    return "warn", "unsub.recommended", {}


def _message_id(facts: _Facts, _params: Mapping[str, Any]) -> Outcome:
    values = facts.msg.header_all("Message-ID")
    if not values and facts.ctx.assumes_missing("Message-ID"):
        return "unknown", "draft.not_given", {"header": "Message-ID"}
    if not values:
        return "fail", "msgid.missing", {}
    if len(values) > 1:
        return "fail", "msgid.many", {"count": len(values)}
    value = values[0].strip()
    if not _MSGID.match(value):
        return "fail", "msgid.invalid", {"value": value[:100]}
    return "pass", "msgid.pass", {"value": value[:100]}


def _visible_unsubscribe(facts: _Facts, _params: Mapping[str, Any]) -> Outcome:
    """An unsubscribe link or wording a reader can see in the body.

    A missing link is `warn`, not `fail`: Gmail words it beside the header rule, and the rule
    only reaches this test for marketing mail (its `applies_to`; scorer.kind decides the kind).
    """
    if has_visible_unsubscribe(facts.msg):
        return "pass", "unsub.visible", {}
    return "warn", "unsub.not_visible", {}


def _message_id_unique(facts: _Facts, _params: Mapping[str, Any]) -> Outcome:
    """No other message of the batch carries the same Message-ID (Gmail's 421 4.7.28 quota)."""
    copies = facts.ctx.delivery.message_id_copies
    if copies is None:
        return "unknown", "msgid.unique_unknown", {}
    if copies > 1:
        return "fail", "msgid.shared", {"count": copies}
    return "pass", "msgid.unique", {}


def _single_from(facts: _Facts, _params: Mapping[str, Any]) -> Outcome:
    msg = facts.msg
    count = msg.header_count("From")
    if count == 0 and facts.ctx.assumes_missing("From"):
        return "unknown", "draft.not_given", {"header": "From"}
    if count == 0:
        return "fail", "from.missing", {}
    if count > 1:
        return "fail", "from.many_headers", {"count": count}
    if len(msg.from_addresses) > 1:
        return "fail", "from.many_addresses", {"count": len(msg.from_addresses)}
    if not msg.from_address or "@" not in msg.from_address.addr_spec:
        return "fail", "from.invalid", {}
    return "pass", "from.pass", {"value": msg.from_address.addr_spec}


TESTS: dict[str, Callable[[_Facts, Mapping[str, Any]], Outcome]] = {
    "spf_pass": lambda facts, _p: facts.spf(),
    "spf_from_pass": lambda facts, _p: facts.spf_from(),
    "dkim_pass": lambda facts, _p: facts.dkim(),
    "spf_or_dkim": _spf_or_dkim,
    "dmarc_record": lambda facts, _p: facts.dmarc_record(),
    "dmarc_pass": lambda facts, _p: facts.dmarc_result(),
    "alignment": _alignment,
    "ptr": _ptr,
    "tls": _tls,
    "one_click": _one_click,
    "unsubscribe_present": _unsubscribe_present,
    "message_id": _message_id,
    "message_id_unique": _message_id_unique,
    "visible_unsubscribe": _visible_unsubscribe,
    "single_from": _single_from,
}


# --- data -------------------------------------------------------------------------------------


def _texts(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or set(value) != set(LANGS):
        raise RuleError(f"{where}: needs exactly en and ja texts")
    if not all(isinstance(v, str) and v.strip() for v in value.values()):
        raise RuleError(f"{where}: texts must be non-empty")
    fields = [{n for _, n, _, _ in string.Formatter().parse(value[lang]) if n} for lang in LANGS]
    if fields[0] != fields[1]:
        raise RuleError(f"{where}: en and ja use different placeholders")
    return {lang: value[lang] for lang in LANGS}


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
_SOURCE_KEYS = {"url", "date", "quote", "via", "missing"}
_TOP_KEYS = {"requirements", "details", "as_of", "providers"}


def _date(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _DATE.match(value):
        raise RuleError(f"{where}: must be a date, YYYY-MM-DD or YYYY-MM (got {value!r})")
    return value


def _sources(value: Any, where: str) -> tuple[Source, ...]:
    """Verbatim quotes with URL and date; a source not found says so instead of a quote."""
    if not isinstance(value, list) or not value:
        raise RuleError(f"{where}: needs a non-empty source list")
    out = []
    for index, raw in enumerate(value):
        here = f"{where}[{index}]"
        if not isinstance(raw, dict) or set(raw) - _SOURCE_KEYS:
            raise RuleError(f"{here}: keys must be among {sorted(_SOURCE_KEYS)}")
        url = raw.get("url")
        if not isinstance(url, str) or not _URL.match(url):
            raise RuleError(f"{here}: needs an http(s) url")
        quote, missing = raw.get("quote"), raw.get("missing") or ""
        if quote is None:
            if not isinstance(missing, str) or not missing.strip():
                raise RuleError(f"{here}: a source without a quote must say why in `missing`")
            date = raw.get("date")
            date = _date(date, f"{here}.date") if date is not None else None
        else:
            if not isinstance(quote, str) or not quote.strip() or len(quote) > 400:
                raise RuleError(f"{here}: quote must be a short non-empty verbatim text")
            date = _date(raw.get("date"), f"{here}.date")
        out.append(Source(url, date, quote, str(raw.get("via") or ""), missing))
    if not any(s.quote for s in out):
        raise RuleError(f"{where}: at least one source needs a verbatim quote")
    return tuple(out)


@lru_cache(maxsize=4)
def load_requirements(
    path: str | None = None,
) -> tuple[tuple[Spec, ...], dict[str, dict[str, str]]]:
    """Requirement specs and outcome texts from rules/lists/requirements.yaml, validated."""
    catalogue, details = _load(path)
    return catalogue.specs, details


def load_catalogue(path: str | None = None) -> Catalogue:
    """The requirements with their dates and sources, and the provider columns."""
    return _load(path)[0]


@lru_cache(maxsize=4)
def _load(path: str | None) -> tuple[Catalogue, dict[str, dict[str, str]]]:
    file = Path(path) if path else rules_dir() / "lists" / "requirements.yaml"
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    if not {"requirements", "details"} <= set(data) <= _TOP_KEYS:
        raise RuleError(f"{file.name}: needs requirements and details (and as_of, providers)")
    details = {k: _texts(v, f"{file.name}: details.{k}") for k, v in data["details"].items()}
    providers = _providers(data.get("providers") or {}, file.name)
    specs = []
    seen: set[str] = set()
    for raw in data["requirements"]:
        where = f"{file.name}: {raw.get('id', '?')}"
        if not isinstance(raw, dict) or set(raw) - _SPEC_KEYS:
            raise RuleError(f"{where}: keys must be among {sorted(_SPEC_KEYS)}")
        rid = raw.get("id", "")
        if not re.fullmatch(r"[a-z]+\.[a-z_]+", rid) or rid in seen:
            raise RuleError(f"{where}: id must be provider.rule and unique")
        seen.add(rid)
        if raw.get("test") not in TESTS:
            raise RuleError(f"{where}: unknown test {raw.get('test')!r}")
        if raw.get("provider") != rid.split(".")[0]:
            raise RuleError(f"{where}: provider must match the id")
        basis = raw.get("effective_basis", "stated")
        if basis not in ("stated", "published"):
            raise RuleError(f"{where}: effective_basis must be stated or published")
        note = raw.get("effective_note")
        specs.append(
            Spec(
                id=rid,
                provider=raw["provider"],
                scope=str(raw.get("scope", "all")),
                test=raw["test"],
                title=_texts(raw.get("title"), f"{where}.title"),
                advice=_texts(raw.get("advice"), f"{where}.advice"),
                smtp_reply=raw.get("smtp_reply"),
                params=dict(raw.get("params") or {}),
                references=tuple(raw.get("references") or ()),
                effective_from=_date(raw.get("effective_from"), f"{where}.effective_from"),
                effective_basis=basis,
                effective_note=_texts(note, f"{where}.effective_note") if note else {},
                sources=_sources(raw.get("source"), f"{where}.source"),
                applies_to=parse_applies_to(raw.get("applies_to"), f"{where}.applies_to"),
            )
        )
    as_of = data.get("as_of")
    if providers or as_of is not None:
        as_of = _date(as_of, f"{file.name}: as_of")
        dates = [s.date for spec in specs for s in spec.sources if s.date]
        if dates and max(dates) > as_of:
            raise RuleError(f"{file.name}: as_of {as_of} is older than a source ({max(dates)})")
        unknown = sorted({spec.provider for spec in specs} - set(providers))
        if providers and unknown:
            raise RuleError(f"{file.name}: providers has no entry for {', '.join(unknown)}")
    catalogue = Catalogue(str(as_of or ""), providers, tuple(specs))
    return catalogue, details


def _providers(data: Any, name: str) -> dict[str, Provider]:
    if not isinstance(data, dict):
        raise RuleError(f"{name}: providers must be a mapping")
    out = {}
    keys = {"name", "enforcement", "enforcement_from", "source", "withdrawn"}
    for pid, raw in data.items():
        where = f"{name}: providers.{pid}"
        if not isinstance(raw, dict) or set(raw) - keys:
            raise RuleError(f"{where}: keys must be among {sorted(keys)}")
        withdrawn = []
        for index, item in enumerate(raw.get("withdrawn") or []):
            here = f"{where}.withdrawn[{index}]"
            withdrawn.append(
                {
                    "what": _texts(item.get("what"), f"{here}.what"),
                    "removed": _date(item.get("removed"), f"{here}.removed"),
                    "source": _sources(item.get("source"), f"{here}.source"),
                }
            )
        out[pid] = Provider(
            id=pid,
            name=_texts(raw.get("name"), f"{where}.name"),
            enforcement=_texts(raw.get("enforcement"), f"{where}.enforcement"),
            enforcement_from=_date(raw.get("enforcement_from"), f"{where}.enforcement_from"),
            sources=_sources(raw.get("source"), f"{where}.source"),
            withdrawn=tuple(withdrawn),
        )
    return out


@requirements
def provider_requirements(msg: Message, ctx: Context, findings: list[Finding]) -> list[Requirement]:
    """One entry per provider rule, judged from the message, the delivery facts and DNS.

    A rule the provider applies only to other kinds of message (one-click unsubscribe on a
    receipt) is not judged: it passes as not applicable, with the reason as its detail.
    """
    specs, details = load_requirements()
    as_of = load_catalogue().as_of
    if as_of:
        ctx.sections["requirements_as_of"] = as_of
    causes = load_causes()
    facts = _Facts(msg, ctx, findings)
    kind = ctx.kind
    cache: dict[str, Outcome] = {}
    texts: dict[str, dict[str, str]] = {}
    entries = []
    for spec in specs:
        if kind is not None and not applies(spec.applies_to, kind.value):
            entries.append(_not_applicable(spec, {lang: kind.not_required(lang) for lang in LANGS}))
            continue
        key = f"{spec.test}:{sorted(spec.params.items())}"
        if key not in cache:
            cache[key] = TESTS[spec.test](facts, spec.params)
            status, detail_key, params = cache[key]
            texts[key] = {lang: detail_text(detail_key, params, lang, details) for lang in LANGS}
        status, detail_key, params = cache[key]
        assert status in REQUIREMENT_STATUSES
        entries.append(
            _entry(
                spec,
                status,
                dict(texts[key]),
                advice=spec.advice if status in ("fail", "warn", "unknown") else {},
                smtp_reply=spec.smtp_reply,
                outcome=detail_key,
                params=dict(params),
                cause=causes.of_outcome(detail_key) if status in ("fail", "warn") else None,
            )
        )
    return entries


def _entry(spec: Spec, status: str, detail: dict[str, str], **judged: Any) -> Requirement:
    """A requirement row: the spec's fixed facts, the status and what was judged."""
    return Requirement(
        id=spec.id,
        status=status,
        detail=detail,
        title=spec.title,
        provider=spec.provider,
        references=spec.references,
        effective_from=spec.effective_from,
        sources=tuple(src.url for src in spec.sources),
        row=spec.test,
        **judged,
    )


def detail_template(
    key: str, lang: str, details: Mapping[str, Mapping[str, str]] | None = None
) -> str:
    """The outcome text for `key` in `lang` (requirements.yaml `details`)."""
    texts = (details if details is not None else load_requirements()[1]).get(key)
    return (texts.get(lang) or texts["en"]) if texts else key


def detail_text(
    key: str,
    params: Mapping[str, Any],
    lang: str,
    details: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    return i18n.fill(detail_template(key, lang, details), params, lang)


def _not_applicable(spec: Spec, reason: dict[str, str]) -> Requirement:
    return _entry(spec, "pass", reason, outcome="not_applicable", applicable=False)
