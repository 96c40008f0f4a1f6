"""The mailbox providers' sender requirements as a pass/fail/warn/unknown checklist.

The requirement texts, SMTP replies and outcome texts are rule data (rules/lists/requirements.yaml:
scorer.requirement_specs, `ctx.rules.lists.requirements`); this module only judges, one
registered test per `test:` name the data may use. A requirement whose input is absent (no sending
IP, offline, a draft not yet signed) is `unknown` with the reason, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from scorer.auth import dkim as dkim_auth
from scorer.checks import auth
from scorer.context import Context
from scorer.kind import applies
from scorer.message import Message
from scorer.registry import requirement_test, requirements
from scorer.report import REQUIREMENT_STATUSES, Finding, Requirement
from scorer.requirement_specs import Spec
from scorer.ruledata import LANGS
from scorer.unsubscribe import has_visible_unsubscribe, unsubscribe_uris

_MSGID = re.compile(r"^<[^<>@\s]+@[^<>@\s]+>$")

Outcome = tuple[str, str, dict[str, Any]]
"""(status, detail key, params)."""


class _Facts:
    """What the judges read, computed on first use (most of it is already in ctx.memo)."""

    def __init__(self, msg: Message, ctx: Context, findings: list[Finding]) -> None:
        self.msg = msg
        self.ctx = ctx
        self.findings = {f.id: f for f in findings}

    @property
    def online(self) -> bool:
        return self.ctx.dns is not None

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
            return "unknown", "offline", {}
        if not domain:
            return "unknown", "no_domain", {}
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
            reason = f"{record.lookups} DNS lookups, {record.void_lookups} void"
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
            return "unknown", "offline", {}
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
            return "unknown", "offline", {}
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
            policy = f"{policy}; t=y, test mode: applied as {lookup.applied_policy}"
        return "pass", "dmarc.present", {**params, "policy": policy}

    def dmarc_result(self) -> Outcome:
        if not self.online:
            return "unknown", "offline", {}
        verdict = auth.dmarc_verdict(self.msg, self.ctx)
        if verdict is None:
            return "unknown", "no_domain", {}
        domain = self.msg.from_domain
        params = {"domain": domain, "policy": verdict.policy or "none", "reason": verdict.detail}
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


def _spf_or_dkim(facts: _Facts, _params: Mapping[str, Any]) -> Outcome:
    spf_status, _k, _p = facts.spf()
    dkim_status, _k2, _p2 = facts.dkim()
    if spf_status == "pass" or dkim_status == "pass":
        how = " and ".join(
            n for n, s in (("SPF", spf_status), ("DKIM", dkim_status)) if s == "pass"
        )
        return "pass", "auth.pass", {"how": how}
    if spf_status == "fail" and dkim_status == "fail":
        return "fail", "auth.fail", {}
    if not facts.online:
        return "unknown", "offline", {}
    return "unknown", "auth.unknown", {"spf": spf_status, "dkim": dkim_status}


def _alignment(facts: _Facts, _params: Mapping[str, Any]) -> Outcome:
    if not facts.online:
        return "unknown", "offline", {}
    domain = facts.msg.from_domain
    if not domain:
        return "unknown", "no_domain", {}
    lookup = auth.dmarc_lookup(facts.msg, facts.ctx)
    record = lookup.record if lookup else None
    spf_id, dkim_ids = auth.aligned_identifiers(facts.msg, facts.ctx)
    summary = auth.dkim_summary(facts.msg, facts.ctx)
    if summary is not None and summary.signatures:
        dkim_ids = [s.domain for s in summary.passing] or dkim_ids
    ids = [(f"SPF domain {spf_id}", spf_id, record.aspf if record else "r")] if spf_id else []
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
        return "unknown", "offline", {}
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
    if count == 0:
        return "fail", "from.missing", {}
    if count > 1:
        return "fail", "from.many_headers", {"count": count}
    if len(msg.from_addresses) > 1:
        return "fail", "from.many_addresses", {"count": len(msg.from_addresses)}
    if not msg.from_address or "@" not in msg.from_address.addr_spec:
        return "fail", "from.invalid", {}
    return "pass", "from.pass", {"value": msg.from_address.addr_spec}


Test = Callable[[_Facts, Mapping[str, Any]], Outcome]
"""A requirement test: the message's facts and the row's `params` → (status, detail key, params)."""
TESTS: dict[str, Test] = {
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
for _name, _test in TESTS.items():
    requirement_test(_name)(_test)


class _Defaulting(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return "…"


@requirements
def provider_requirements(msg: Message, ctx: Context, findings: list[Finding]) -> list[Requirement]:
    """One entry per provider rule, judged from the message, the delivery facts and DNS.

    A rule the provider applies only to other kinds of message (one-click unsubscribe on a
    receipt) is not judged: it passes as not applicable, with the reason as its detail.
    """
    catalogue = ctx.rules.lists.requirements
    specs, details, as_of = catalogue.specs, catalogue.details, catalogue.as_of
    if as_of:
        ctx.sections["requirements_as_of"] = as_of
    facts = _Facts(msg, ctx, findings)
    kind = ctx.kind
    cache: dict[str, Outcome] = {}
    entries = []
    for spec in specs:
        if kind is not None and not applies(spec.applies_to, kind.value):
            entries.append(_not_applicable(spec, {lang: kind.not_required(lang) for lang in LANGS}))
            continue
        key = f"{spec.test}:{sorted(spec.params.items())}"
        if key not in cache:
            cache[key] = TESTS[spec.test](facts, spec.params)
        status, detail_key, params = cache[key]
        assert status in REQUIREMENT_STATUSES
        texts = details.get(detail_key) or {"en": detail_key, "ja": detail_key}
        values = _Defaulting({k: str(v) for k, v in params.items()})
        detail = {
            lang: texts[lang].format_map(values) if "{" in texts[lang] else texts[lang]
            for lang in LANGS
        }
        entries.append(
            Requirement(
                id=spec.id,
                status=status,
                detail=detail,
                advice=spec.advice if status in ("fail", "warn", "unknown") else {},
                title=spec.title,
                smtp_reply=spec.smtp_reply,
                provider=spec.provider,
                references=spec.references,
                effective_from=spec.effective_from,
                sources=tuple(src.url for src in spec.sources),
            )
        )
    return entries


def _not_applicable(spec: Spec, reason: dict[str, str]) -> Requirement:
    return Requirement(
        id=spec.id,
        status="pass",
        detail=reason,
        title=spec.title,
        provider=spec.provider,
        references=spec.references,
        effective_from=spec.effective_from,
        sources=tuple(src.url for src in spec.sources),
        applicable=False,
    )
