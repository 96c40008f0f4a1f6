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

from scorer.auth import facts as auth_facts
from scorer.context import Context
from scorer.kind import applies
from scorer.message import Message
from scorer.registry import requirement_test, requirement_tests, requirements
from scorer.report import REQUIREMENT_STATUSES, Finding, Requirement
from scorer.requirement_specs import Catalogue, Spec
from scorer.ruledata import LANGS
from scorer.unsubscribe import has_visible_unsubscribe, unsubscribe_uris

_MSGID = re.compile(r"^<[^<>@\s]+@[^<>@\s]+>$")

Outcome = auth_facts.Verdict
"""(status, detail key, params): the detail key names a text in the data's `details`."""


class _Facts:
    """What a test reads besides the message: the context and this report's findings."""

    def __init__(self, msg: Message, ctx: Context, findings: list[Finding]) -> None:
        self.msg = msg
        self.ctx = ctx
        self.findings = {f.id: f for f in findings}


def _auth(verdict: Callable[[Message, Context], Outcome]) -> Callable[..., Outcome]:
    """A test that is an authentication verdict of scorer.auth.facts, decided there once."""
    return lambda facts, _params: verdict(facts.msg, facts.ctx)


for _name, _verdict in {
    "spf_pass": auth_facts.spf_verdict,
    "spf_from_pass": auth_facts.spf_from_verdict,
    "dkim_pass": auth_facts.dkim_verdict,
    "spf_or_dkim": auth_facts.authenticated_verdict,
    "dmarc_record": auth_facts.dmarc_record_verdict,
    "dmarc_pass": auth_facts.dmarc_result_verdict,
    "alignment": auth_facts.alignment_verdict,
    "ptr": auth_facts.ptr_verdict,
}.items():
    requirement_test(_name)(_auth(_verdict))


@requirement_test("tls")
def _tls(facts: _Facts, _params: Mapping[str, Any]) -> Outcome:
    tls = facts.ctx.delivery.tls
    if tls is None:
        return "unknown", "tls.unknown", {}
    if tls:
        return "pass", "tls.pass", {"version": facts.ctx.delivery.tls_version or "TLS"}
    return "fail", "tls.fail", {}


@requirement_test("one_click")
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


@requirement_test("unsubscribe_present")
def _unsubscribe_present(facts: _Facts, _params: Mapping[str, Any]) -> Outcome:
    if unsubscribe_uris(facts.msg):
        return "pass", "unsub.present", {}
    return "warn", "unsub.recommended", {}


@requirement_test("message_id")
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


@requirement_test("visible_unsubscribe")
def _visible_unsubscribe(facts: _Facts, _params: Mapping[str, Any]) -> Outcome:
    """An unsubscribe link or wording a reader can see in the body.

    A missing link is `warn`, not `fail`: Gmail words it beside the header rule, and the rule
    only reaches this test for marketing mail (its `applies_to`; scorer.kind decides the kind).
    """
    if has_visible_unsubscribe(facts.msg):
        return "pass", "unsub.visible", {}
    return "warn", "unsub.not_visible", {}


@requirement_test("message_id_unique")
def _message_id_unique(facts: _Facts, _params: Mapping[str, Any]) -> Outcome:
    """No other message of the batch carries the same Message-ID (Gmail's 421 4.7.28 quota)."""
    copies = facts.ctx.delivery.message_id_copies
    if copies is None:
        return "unknown", "msgid.unique_unknown", {}
    if copies > 1:
        return "fail", "msgid.shared", {"count": copies}
    return "pass", "msgid.unique", {}


@requirement_test("single_from")
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


@requirements
def provider_requirements(msg: Message, ctx: Context, findings: list[Finding]) -> list[Requirement]:
    """One entry per provider rule, judged from the message, the delivery facts and DNS.

    A rule the provider applies only to other kinds of message (one-click unsubscribe on a
    receipt) is not judged: it passes as not applicable, with the reason as its detail.
    """
    catalogue = ctx.rules.lists.requirements
    as_of = catalogue.as_of
    if as_of:
        ctx.sections["requirements_as_of"] = as_of
    causes = ctx.rules.lists.causes
    facts = _Facts(msg, ctx, findings)
    tests = requirement_tests()
    kind = ctx.kind
    cache: dict[str, Outcome] = {}
    texts: dict[str, dict[str, str]] = {}
    not_required: dict[str, str] | None = None
    entries = []
    for spec, key, sources in _prepared(catalogue):
        if kind is not None and not applies(spec.applies_to, kind.value):
            if not_required is None:
                not_required = {lang: kind.not_required(lang) for lang in LANGS}
            entries.append(_not_applicable(spec, dict(not_required), sources))
            continue
        if key not in cache:
            cache[key] = tests[spec.test](facts, spec.params)
            status, detail_key, params = cache[key]
            texts[key] = _detail_texts(catalogue, detail_key, params)
        status, detail_key, params = cache[key]
        assert status in REQUIREMENT_STATUSES
        entries.append(
            _entry(
                spec,
                status,
                dict(texts[key]),
                sources,
                advice=spec.advice if status in ("fail", "warn", "unknown") else {},
                smtp_reply=spec.smtp_reply,
                outcome=detail_key,
                params=dict(params),
                cause=causes.of_outcome(detail_key) if status in ("fail", "warn") else None,
            )
        )
    return entries


_PLAIN = (str, int, float, bool, type(None))
_TEXTS: dict[tuple[Any, ...], tuple[Catalogue, dict[str, str]]] = {}


def _detail_texts(catalogue: Catalogue, key: str, params: Mapping[str, Any]) -> dict[str, str]:
    """The outcome text in every language. Most outcomes repeat from message to message (the
    same key, no or the same plain params), so those are filled once; a text parameter (a `T`,
    equal to another by its English alone) is never part of a cache key, and a value's type is
    (1, 1.0 and True are equal keys but read differently). The entry holds its catalogue, so
    the id in the key cannot be another's."""
    if not all(type(value) in _PLAIN for value in params.values()):
        return {lang: catalogue.detail_text(key, params, lang) for lang in LANGS}
    cache_key = (id(catalogue), key, tuple((k, type(v), v) for k, v in sorted(params.items())))
    found = _TEXTS.get(cache_key)
    if found is None:
        if len(_TEXTS) > 4096:
            _TEXTS.clear()
        texts = {lang: catalogue.detail_text(key, params, lang) for lang in LANGS}
        found = _TEXTS[cache_key] = (catalogue, texts)
    return found[1]


_PREPARED: dict[int, tuple[Catalogue, list[tuple[Spec, str, tuple[str, ...]]]]] = {}


def _prepared(catalogue: Catalogue) -> list[tuple[Spec, str, tuple[str, ...]]]:
    """Each spec with what every message would work out again from it: the key of its test
    and params (specs that share one share the judgement) and its sources' URLs. Kept per
    catalogue (a rule set loads one; the catalogue is kept alive beside its id)."""
    found = _PREPARED.get(id(catalogue))
    if found is None or found[0] is not catalogue:
        prepared = [
            (
                spec,
                f"{spec.test}:{sorted(spec.params.items())}",
                tuple(src.url for src in spec.sources),
            )
            for spec in catalogue.specs
        ]
        if len(_PREPARED) > 16:
            _PREPARED.clear()
        found = _PREPARED[id(catalogue)] = (catalogue, prepared)
    return found[1]


def _entry(
    spec: Spec, status: str, detail: dict[str, str], sources: tuple[str, ...], **judged: Any
) -> Requirement:
    """A requirement row: the spec's fixed facts, the status and what was judged."""
    return Requirement(
        id=spec.id,
        status=status,
        detail=detail,
        title=spec.title,
        provider=spec.provider,
        references=spec.references,
        effective_from=spec.effective_from,
        sources=sources,
        row=spec.test,
        **judged,
    )


def _not_applicable(spec: Spec, reason: dict[str, str], sources: tuple[str, ...]) -> Requirement:
    return _entry(spec, "pass", reason, sources, outcome="not_applicable", applicable=False)
