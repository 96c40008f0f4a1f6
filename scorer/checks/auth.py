"""Sender authentication checks: SPF, DKIM, DMARC and alignment, MX of the From domain, rDNS.

The lookups and what they mean are decided once per message in scorer.auth.facts, which the
requirements checklist reads too; these checks turn them into findings. A draft (no sending IP,
no signature) is checked against the sender's published DNS; a message that arrived is checked
for what happened.
"""

from __future__ import annotations

from scorer.auth import Envelope, facts
from scorer.auth import dkim as dkim_auth
from scorer.auth import dmarc as dmarc_auth
from scorer.auth import spf as spf_auth
from scorer.context import Context
from scorer.i18n import T
from scorer.message import Message
from scorer.registry import Hit, Skip, check

# --- what the checks need ---------------------------------------------------------------


def _need_ip(ctx: Context) -> str:
    ip = facts.sender_ip(ctx)
    if ip is None:
        given = ctx.delivery.sender_ip
        if given:
            raise Skip(f"{given!r} is not an IP address", code="bad_ip", value=given)
        raise Skip("no sending IP given", code="no_ip")
    return ip


def _need_dns(ctx: Context) -> None:
    if ctx.dns is None:
        raise Skip("offline")


def dmarc_suggestion(domain: str, policy: str = "none") -> str:
    """A DMARCbis (RFC 9989) record to publish: no pct/rf/ri, reports to the registered domain."""
    return f"v=DMARC1; p={policy}; rua=mailto:dmarc@{dmarc_auth.org_domain(domain) or domain}"


# --- SPF -------------------------------------------------------------------------------------

SPF_IDS = (
    "SPF_PASS",
    "SPF_FAIL",
    "SPF_SOFTFAIL",
    "SPF_NEUTRAL",
    "SPF_NONE",
    "SPF_PERMERROR",
    "SPF_TOO_MANY_LOOKUPS",
    "SPF_PERMISSIVE_ALL",
    "SPF_TEMPERROR",
)
_SPF_RESULT_IDS = {
    "pass": "SPF_PASS",
    "fail": "SPF_FAIL",
    "softfail": "SPF_SOFTFAIL",
    "neutral": "SPF_NEUTRAL",
    "permerror": "SPF_PERMERROR",
    "temperror": "SPF_TEMPERROR",
}


@check("spf", emits=SPF_IDS, network=True)
def spf_check(msg: Message, ctx: Context) -> list[Hit]:
    """The envelope (or, for a draft, From) domain's SPF record; the result for a known IP."""
    _need_dns(ctx)
    domain, why = facts.spf_domain(msg, ctx)
    if not domain:
        raise Skip("no envelope sender and no single From address", code="no_sender")
    facts.skip_if_from_missing(msg, ctx, domain)
    identity = T("ev.spf_identity_envelope") if why == "envelope" else T("ev.spf_identity_from")
    record = facts.spf_record(msg, ctx)
    assert record is not None
    hits: list[Hit] = []
    params = {"domain": domain, "identity": identity}
    if record.status == "temperror":
        hits.append(
            Hit("SPF_TEMPERROR", [T("ev.name_error", name=domain, error=record.error)], params)
        )
        return hits
    if record.status == "none":
        hits.append(Hit("SPF_NONE", [T("ev.no_spf_record", domain=domain)], params))
    elif record.status == "permerror":
        hits.append(
            Hit(
                "SPF_PERMERROR",
                [T("ev.name_error", name=domain, error=record.error)],
                {**params, "error": record.error},
            )
        )
    if record.too_many_lookups or record.too_many_void_lookups:
        costly = sorted(record.costs, key=lambda c: -c.lookups)
        terms = [f"{c.term} ({c.lookups})" for c in costly if c.lookups]
        evidence: list[T | str] = [
            T("ev.spf_lookup_terms", count=record.lookups, limit=spf_auth.MAX_LOOKUPS)
        ]
        if record.too_many_void_lookups:
            evidence.append(
                T(
                    "ev.spf_void_lookups",
                    count=record.void_lookups,
                    limit=spf_auth.MAX_VOID_LOOKUPS,
                    names=", ".join(record.void_names[:5]),
                )
            )
        hits.append(
            Hit(
                "SPF_TOO_MANY_LOOKUPS",
                evidence + terms,
                {
                    **params,
                    "count": record.lookups,
                    "void": record.void_lookups,
                    "terms": ", ".join(terms[:6]) or "-",
                    "over": max(record.lookups - spf_auth.MAX_LOOKUPS, 0),
                },
            )
        )
    if record.permissive_all:
        qualifier = record.all_qualifier or "+"
        hits.append(
            Hit(
                "SPF_PERMISSIVE_ALL",
                [f"{domain}: {record.record}"],
                {**params, "all": f"{qualifier}all"},
                level=f"{qualifier}all",
            )
        )
    result = facts.spf_result(msg, ctx)
    if result is not None and record.status != "none":
        rule_id = _SPF_RESULT_IDS.get(result.result)
        if rule_id == "SPF_PERMERROR" and record.status == "permerror":
            rule_id = None  # already reported from the record, with the same cause
        if rule_id:
            shown = {"ip": facts.sender_ip(ctx), "domain": result.domain, "result": result.result}
            if result.mechanism:
                item = T("ev.spf_result_matched", mechanism=result.mechanism, **shown)
            elif result.problem:
                item = T("ev.spf_result_problem", problem=result.problem, **shown)
            else:
                item = T("ev.spf_result", **shown)
            hits.append(
                Hit(
                    rule_id,
                    [item],
                    {**params, "ip": facts.sender_ip(ctx), "domain": result.domain or domain},
                )
            )
    return hits


# --- DKIM ------------------------------------------------------------------------------------

DKIM_IDS = (
    "DKIM_VALID",
    "DKIM_INVALID",
    "DKIM_NONE",
    "DKIM_WEAK_KEY",
    "DKIM_NOT_ALIGNED",
    "DKIM_KEY_PUBLISHED",
    "DKIM_TEMPERROR",
)


_WEAK_LEVELS = ("under_2048_bits", "under_1024_bits")
"""DKIM_WEAK_KEY's levels, weakest last (RFC 8301: under 1024 bits must not be used)."""


def _key_hit(key_type: str, bits: int, where: str) -> Hit | None:
    if key_type != "rsa" or not bits or bits >= dkim_auth.RECOMMENDED_KEY_BITS:
        return None
    level = _WEAK_LEVELS[1] if bits < dkim_auth.MIN_KEY_BITS else _WEAK_LEVELS[0]
    return Hit(
        "DKIM_WEAK_KEY",
        [T("ev.key_bits", where=where, type="RSA", bits=bits)],
        {"bits": bits},
        level=level,
    )


@check("dkim", emits=DKIM_IDS, network=True)
def dkim_check(msg: Message, ctx: Context) -> list[Hit]:
    """Verify every DKIM-Signature; for an unsigned draft, the key at the given selector."""
    _need_dns(ctx)
    summary = facts.dkim_summary(msg, ctx)
    assert summary is not None
    hits: list[Hit] = []
    if summary.key is not None:
        key = summary.key
        params = {
            "name": key.name,
            "domain": msg.from_domain,
            "selector": ctx.delivery.dkim_selector or "",
        }
        if key.status == "temperror":
            hits.append(Hit("DKIM_TEMPERROR", [key.reason], params))
        elif key.status == "none":
            hits.append(
                Hit(
                    "DKIM_NONE",
                    [T("ev.no_key_at", name=key.name)],
                    params,
                    level="no_key_at_selector",
                )
            )
        elif key.status == "permerror":
            hits.append(
                Hit("DKIM_INVALID", [T("ev.name_error", name=key.name, error=key.reason)], params)
            )
        else:
            hits.append(
                Hit(
                    "DKIM_KEY_PUBLISHED",
                    [T("ev.key_bits", where=key.name, type=key.key_type, bits=key.key_bits)],
                    {**params, "bits": key.key_bits},
                )
            )
            weak = _key_hit(key.key_type, key.key_bits, key.name)
            if weak:
                hits.append(weak)
        return hits
    if not summary.signatures:
        return hits
    weakest: Hit | None = None
    for sig in summary.signatures:
        label = f"d={sig.domain} s={sig.selector}"
        params = {"domain": sig.domain, "selector": sig.selector}
        if sig.result == "pass":
            hits.append(
                Hit(
                    "DKIM_VALID",
                    [T("ev.key_bits", where=label, type=sig.key_type, bits=sig.key_bits)],
                    params,
                )
            )
        elif sig.result == "temperror":
            hits.append(
                Hit("DKIM_TEMPERROR", [T("ev.name_error", name=label, error=sig.reason)], params)
            )
        else:
            hits.append(
                Hit(
                    "DKIM_INVALID",
                    [T("ev.dkim_result", label=label, result=sig.result, reason=sig.reason)],
                    {**params, "reason": sig.reason},
                )
            )
        weak = _key_hit(sig.key_type, sig.key_bits, label)
        if weak and (
            weakest is None
            or _WEAK_LEVELS.index(weak.level or "") > _WEAK_LEVELS.index(weakest.level or "")
        ):
            weakest = weak
    if weakest:
        hits.append(weakest)
    passing = summary.passing
    aligned = any(facts.is_aligned(ctx, s.domain, msg.from_domain) for s in passing)
    if passing and msg.from_domain and not aligned:
        signers = ", ".join(sorted({s.domain for s in passing}))
        hits.append(
            Hit(
                "DKIM_NOT_ALIGNED",
                [T("ev.dkim_not_aligned", domain=msg.from_domain, signers=signers)],
                {"from_domain": msg.from_domain, "domains": signers},
            )
        )
    return hits


_UNSUB_HEADERS = ("list-unsubscribe", "list-unsubscribe-post")


@check("dkim_signatures", emits=("DKIM_NONE", "DKIM_UNSUB_NOT_SIGNED"))
def dkim_signatures(msg: Message, ctx: Context) -> list[Hit]:
    """What the signatures say without DNS: none at all, or h= missing the unsubscribe headers."""
    values = msg.header_all("DKIM-Signature")
    if not values:
        if ctx.delivery.dkim_selector:
            return []  # the network check looks up the key at that selector
        sent = facts.is_sent(msg, ctx)
        what = T("ev.no_header", header="DKIM-Signature") if sent else T("ev.draft_unsigned")
        level = "sent_unsigned" if sent else "draft"
        return [Hit("DKIM_NONE", [what], {"domain": msg.from_domain}, level=level)]
    present = [h for h in _UNSUB_HEADERS if msg.header_count(h)]
    if not present:
        return []
    signed = [set(dkim_auth.signed_header_names(dkim_auth.signature_tags(v))) for v in values]
    if any(all(h in names for h in present) for names in signed):
        return []
    missing = sorted({h for names in signed for h in present if h not in names})
    return [
        Hit(
            "DKIM_UNSUB_NOT_SIGNED",
            [T("ev.h_does_not_list", headers=", ".join(missing))],
            {"headers": ", ".join(missing)},
        )
    ]


# --- DMARC -----------------------------------------------------------------------------------

DMARC_IDS = (
    "DMARC_PASS",
    "DMARC_FAIL",
    "DMARC_MISSING",
    "DMARC_PERMERROR",
    "DMARC_POLICY_NONE",
    "DMARC_NOT_ALIGNED",
    "DMARC_NO_RUA",
    "DMARC_TEMPERROR",
    "DMARC_TEST_MODE",
    "DMARC_PCT_PARTIAL",
    "DMARC_OBSOLETE_TAGS",
    "DMARC_RFC7489_DIFFERS",
)


@check("dmarc", emits=DMARC_IDS, network=True)
def dmarc_check(msg: Message, ctx: Context) -> list[Hit]:
    """The From domain's DMARC record, identifier alignment, and the result when inputs allow."""
    _need_dns(ctx)
    if not msg.from_domain:
        raise Skip("no single From address", code="no_from")
    facts.skip_if_from_missing(msg, ctx)
    lookup = facts.dmarc_lookup(msg, ctx)
    assert lookup is not None
    domain = lookup.from_domain
    params = {"domain": domain, "suggestion": dmarc_suggestion(domain)}
    if lookup.status == "temperror":
        return [Hit("DMARC_TEMPERROR", [T("ev.dns_problem", error=lookup.error)], params)]
    hits: list[Hit] = []
    if lookup.status == "none":
        hits.append(
            Hit(
                "DMARC_MISSING",
                [
                    T("ev.no_txt_at", name=f"_dmarc.{domain}")
                    if lookup.policy_domain == domain
                    else T(
                        "ev.no_txt_at_either",
                        name=f"_dmarc.{domain}",
                        other=f"_dmarc.{lookup.policy_domain}",
                    )
                ],
                params,
            )
        )
    elif lookup.status == "permerror":
        hits.append(
            Hit(
                "DMARC_PERMERROR",
                [f"_dmarc.{lookup.policy_domain}: {lookup.error}", lookup.record_text],
                {**params, "error": lookup.error},
            )
        )
    elif lookup.policy == "none":
        hits.append(
            Hit(
                "DMARC_POLICY_NONE",
                [f"_dmarc.{lookup.policy_domain}: {lookup.record_text}"],
                {**params, "policy_domain": lookup.policy_domain},
            )
        )
    record = lookup.record
    if record is not None and not record.rua:
        hits.append(
            Hit(
                "DMARC_NO_RUA",
                [f"_dmarc.{lookup.policy_domain}: {lookup.record_text}"],
                {**params, "policy_domain": lookup.policy_domain},
            )
        )
    if record is not None:
        hits.extend(_dmarcbis_hits(lookup, record, params))
    changes = dmarc_auth.differences(lookup)
    if changes:
        summary = {**params, "changes": "; ".join(changes)}
        hits.append(Hit("DMARC_RFC7489_DIFFERS", changes, summary))
    spf_id, dkim_ids = facts.aligned_identifiers(msg, ctx)
    identifiers = ([spf_id] if spf_id else []) + dkim_ids
    if identifiers:
        spf_mode = record.aspf if record else "r"
        dkim_mode = record.adkim if record else "r"
        ok = (spf_id is not None and facts.is_aligned(ctx, spf_id, domain, spf_mode)) or any(
            facts.is_aligned(ctx, d, domain, dkim_mode) for d in dkim_ids
        )
        if not ok:
            evidence: list[T | str] = [f"From: {domain}"]
            if spf_id:
                evidence.append(T("ev.spf_envelope_domain", domain=spf_id))
            evidence.extend(f"DKIM d={d}" for d in dkim_ids)
            hits.append(
                Hit(
                    "DMARC_NOT_ALIGNED", evidence, {**params, "identifiers": ", ".join(identifiers)}
                )
            )
    verdict = facts.dmarc_verdict(msg, ctx)
    if verdict is not None:
        policy = verdict.policy or "none"
        if verdict.result == "pass":
            how = [
                T(f"ev.aligned_{name}_pass")
                for name, on in (("dkim", verdict.dkim_aligned), ("spf", verdict.spf_aligned))
                if on
            ]
            hits.append(
                Hit(
                    "DMARC_PASS",
                    [T("ev.dmarc_pass", domain=domain, how=how)],
                    {**params, "policy": policy},
                )
            )
        elif verdict.result == "fail":
            shown: str | T = lookup.policy or "none"
            if lookup.test_mode and shown != policy:
                shown = T("req.policy_test_mode", policy=shown, applied=policy)
            hits.append(
                Hit(
                    "DMARC_FAIL",
                    [T("ev.dmarc_fail", domain=domain, policy=shown)],
                    {**params, "policy": shown},
                )
            )
    return hits


def _dmarcbis_hits(
    lookup: dmarc_auth.DmarcLookup, record: dmarc_auth.DmarcRecord, params: dict[str, object]
) -> list[Hit]:
    """What RFC 9989 changed about this record: test mode, pct, and the tags it removed."""
    hits: list[Hit] = []
    where = f"_dmarc.{lookup.policy_domain}: {lookup.record_text}"
    params = {**params, "policy_domain": lookup.policy_domain}
    policy = lookup.policy or "none"
    if record.test_mode and policy != "none":
        hits.append(
            Hit(
                "DMARC_TEST_MODE",
                [where, T("req.policy_test_mode", policy=policy, applied=record.applied(policy))],
                {**params, "policy": policy, "applied": record.applied(policy)},
            )
        )
    pct_text = record.tags.get("pct")
    partial = pct_text is not None and record.pct != 100 and policy != "none"
    if partial:
        hits.append(
            Hit(
                "DMARC_PCT_PARTIAL",
                [where],
                {
                    **params,
                    "pct": pct_text,
                    "policy": policy,
                    "suggestion": dmarc_suggestion(lookup.from_domain, policy) + "; t=y",
                },
            )
        )
    removed = [t for t in record.removed_tags if not (partial and t == "pct")]
    if removed:
        tags = ", ".join(f"{t}={record.tags[t]}" for t in removed)
        evidence = [where, T("ev.removed_in_9989", tags=tags)]
        hits.append(Hit("DMARC_OBSOLETE_TAGS", evidence, {**params, "tags": tags}))
    return hits


# --- MX and reverse DNS ----------------------------------------------------------------------


@check("mx", emits=("DNS_FROM_NO_MX", "DNS_FROM_NXDOMAIN", "DNS_TEMPERROR"), network=True)
def mx_check(msg: Message, ctx: Context) -> list[Hit]:
    """The From domain must be able to receive mail: MX (not null), or at least an address."""
    _need_dns(ctx)
    domain = msg.from_domain
    if not domain:
        raise Skip("no single From address", code="no_from")
    assert ctx.dns is not None
    mx = ctx.dns.lookup(domain, "MX")
    params = {"domain": domain}
    if mx.temperror:
        return [Hit("DNS_TEMPERROR", [mx.describe_text()], params)]
    if mx.ok:
        if all(host in ("", ".") for _pref, host in mx.records):
            return [Hit("DNS_FROM_NO_MX", [T("ev.null_mx", domain=domain)], params)]
        return []
    if mx.status == "nxdomain":
        if facts.from_domain_missing(msg, ctx) == "invalid":  # HDR_FROM_DOMAIN_INVALID says it
            facts.skip_if_from_missing(msg, ctx)
        return [Hit("DNS_FROM_NXDOMAIN", [T("ev.nxdomain", name=domain)], params)]
    a, aaaa = ctx.dns.addresses(domain)
    if a.temperror or aaaa.temperror:
        return [Hit("DNS_TEMPERROR", [(a if a.temperror else aaaa).describe_text()], params)]
    if a.void and aaaa.void:
        return [Hit("DNS_FROM_NO_MX", [T("ev.no_mx_or_address", domain=domain)], params)]
    return []


@check("rdns", emits=("RDNS_NONE", "RDNS_MISMATCH", "RDNS_TEMPERROR"), network=True)
def rdns_check(msg: Message, ctx: Context) -> list[Hit]:
    """Reverse DNS of the sending IP, forward-confirmed (Gmail and Yahoo require it)."""
    _need_dns(ctx)
    ip = _need_ip(ctx)
    status = facts.rdns_status(msg, ctx)
    assert status is not None
    names = [str(n) for n in status["names"]]  # type: ignore[attr-defined]
    params = {"ip": ip, "names": ", ".join(names)}
    if status["status"] == "temperror":
        return [Hit("RDNS_TEMPERROR", [T("ev.dns_problem", error=str(status["error"]))], params)]
    if status["status"] in ("none", "invalid"):
        return [Hit("RDNS_NONE", [T("ev.no_ptr", ip=ip)], params)]
    if status["status"] == "mismatch":
        return [Hit("RDNS_MISMATCH", [T("ev.ptr_mismatch", ip=ip, name=n) for n in names], params)]
    return []


__all__ = ["Envelope"]
