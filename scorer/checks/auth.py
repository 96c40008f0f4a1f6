"""Sender authentication checks: SPF, DKIM, DMARC and alignment, MX of the From domain, rDNS.

Each protocol's work is done once per message through `ctx.memo` (DMARC reuses the SPF and DKIM
results; the requirements checklist reads them all). A draft (no sending IP, no signature) is
checked against the sender's published DNS; a message that arrived is checked for what happened.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from scorer.auth import Envelope, envelope
from scorer.auth import dkim as dkim_auth
from scorer.auth import dmarc as dmarc_auth
from scorer.auth import spf as spf_auth
from scorer.context import Context
from scorer.i18n import T
from scorer.message import Message
from scorer.registry import Hit, Skip, check
from scorer.urls import has_public_suffix

MEMO_SPF_RECORD = "auth.spf.record"
MEMO_SPF_RESULT = "auth.spf.result"
MEMO_DKIM = "auth.dkim"
MEMO_DMARC = "auth.dmarc"
MEMO_DMARC_VERDICT = "auth.dmarc.verdict"
MEMO_ORG_DOMAINS = "auth.dmarc.org_domains"
MEMO_MX = "auth.mx"
MEMO_RDNS = "auth.rdns"
MEMO_FROM_MISSING = "auth.from.missing"
_MAX_PTR_NAMES = 10


# --- shared per-message results ------------------------------------------------------------


def spf_domain(msg: Message, ctx: Context) -> tuple[str, str]:
    """(domain whose SPF is checked, why that one): the envelope's, else the From domain's."""
    env = envelope(msg, ctx)
    if env.domain:
        return env.domain, "envelope"
    return msg.from_domain, "from"


def spf_record(msg: Message, ctx: Context) -> spf_auth.SpfRecordReport | None:
    domain, _why = spf_domain(msg, ctx)
    if not domain or ctx.dns is None:
        return None
    return ctx.memo.get(MEMO_SPF_RECORD, lambda: spf_auth.analyse_record(ctx.dns, domain))


def sender_ip(ctx: Context) -> str | None:
    """The sending IP in canonical form; None when absent or not an IP address."""
    value = (ctx.delivery.sender_ip or "").strip().strip("[]")
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def _need_ip(ctx: Context) -> str:
    ip = sender_ip(ctx)
    if ip is None:
        given = ctx.delivery.sender_ip
        if given:
            raise Skip(f"{given!r} is not an IP address", code="bad_ip", value=given)
        raise Skip("no sending IP given", code="no_ip")
    return ip


def spf_result(msg: Message, ctx: Context) -> spf_auth.SpfResult | None:
    """check_host() for the given sending IP, or None without an IP (a draft)."""
    ip = sender_ip(ctx)
    if not ip or ctx.dns is None:
        return None
    env = envelope(msg, ctx)

    def compute() -> spf_auth.SpfResult:
        sender = env.sender
        if sender is None:  # a draft: the ESP's bounce address is unknown; use From, say so
            sender = msg.from_address.addr_spec if msg.from_address else ""
        return spf_auth.check_host(ctx.dns, ip, sender, env.helo or None)

    return ctx.memo.get(MEMO_SPF_RESULT, compute)


def spf_from_record(msg: Message, ctx: Context) -> spf_auth.SpfRecordReport | None:
    """The header From domain's SPF record (Japanese carriers check this one)."""
    domain = msg.from_domain
    if not domain or ctx.dns is None:
        return None
    if spf_domain(msg, ctx)[0] == domain:
        return spf_record(msg, ctx)
    return ctx.memo.get(MEMO_SPF_RECORD + ".from", lambda: spf_auth.analyse_record(ctx.dns, domain))


def spf_from_result(msg: Message, ctx: Context) -> spf_auth.SpfResult | None:
    """check_host() with the header From address as the sender."""
    ip = sender_ip(ctx)
    address = msg.from_address
    if not ip or ctx.dns is None or address is None:
        return None
    if spf_domain(msg, ctx)[0] == msg.from_domain:
        return spf_result(msg, ctx)
    return ctx.memo.get(
        MEMO_SPF_RESULT + ".from",
        lambda: spf_auth.check_host(ctx.dns, ip, address.addr_spec, ctx.delivery.helo or None),
    )


def dkim_summary(msg: Message, ctx: Context) -> dkim_auth.DkimSummary | None:
    if ctx.dns is None:
        return None

    def compute() -> dkim_auth.DkimSummary:
        summary = dkim_auth.DkimSummary()
        if msg.header_count("DKIM-Signature"):
            summary.signatures = dkim_auth.verify_all(ctx.dns, msg.raw)
        elif ctx.delivery.dkim_selector and msg.from_domain:
            summary.key = dkim_auth.check_key(ctx.dns, ctx.delivery.dkim_selector, msg.from_domain)
        return summary

    return ctx.memo.get(MEMO_DKIM, compute)


def dmarc_lookup(msg: Message, ctx: Context) -> dmarc_auth.DmarcLookup | None:
    if ctx.dns is None or not msg.from_domain:
        return None
    return ctx.memo.get(MEMO_DMARC, lambda: dmarc_auth.discover(ctx.dns, msg.from_domain))


def org_domain_of(ctx: Context) -> Callable[[str], str] | None:
    """Organisational domains by the RFC 9989 tree walk, memoised for this message.

    None offline (callers then fall back to the public-suffix list, as RFC 7489 did).
    """
    if ctx.dns is None:
        return None
    cache: dict[str, str] = ctx.memo.get(MEMO_ORG_DOMAINS, dict)

    def find(domain: str) -> str:
        name = dmarc_auth.clean_domain(domain)
        if name not in cache:
            cache[name] = dmarc_auth.organizational_domain(ctx.dns, name)
        return cache[name]

    return find


def is_aligned(ctx: Context, domain_a: str, domain_b: str, mode: str = "r") -> bool:
    """DMARC identifier alignment with the tree-walk organisational domains (RFC 9989 §4.10.2)."""
    return dmarc_auth.aligned(domain_a, domain_b, mode, org_domain_of(ctx))


def aligned_identifiers(msg: Message, ctx: Context) -> tuple[str | None, list[str]]:
    """The SPF domain (envelope, when known) and the DKIM d= domains the message will carry."""
    env = envelope(msg, ctx)
    spf_id = env.domain or None
    dkim_ids = [
        dkim_auth.signature_tags(value).get("d", "").strip().lower()
        for value in msg.header_all("DKIM-Signature")
    ]
    dkim_ids = [d for d in dkim_ids if d]
    if not dkim_ids and ctx.delivery.dkim_selector and msg.from_domain:
        dkim_ids = [msg.from_domain]  # a draft to be signed with the given selector at From
    return spf_id, dkim_ids


def dmarc_verdict(msg: Message, ctx: Context) -> dmarc_auth.DmarcVerdict | None:
    lookup = dmarc_lookup(msg, ctx)
    if lookup is None:
        return None

    def compute() -> dmarc_auth.DmarcVerdict:
        result = spf_result(msg, ctx)
        env = envelope(msg, ctx)
        summary = dkim_summary(msg, ctx)
        passing = [s.domain for s in summary.passing] if summary else []
        complete = summary is not None and not summary.temperror
        spf_value = result.result if result is not None else None
        spf_id = env.domain or (result.domain if result is not None else None)
        if not msg.header_count("DKIM-Signature"):
            complete = complete and _is_sent(msg, ctx)
        return dmarc_auth.evaluate(
            lookup,
            spf_result=spf_value,
            spf_domain=spf_id,
            dkim_pass_domains=passing,
            dkim_complete=complete,
            org_of=org_domain_of(ctx),
        )

    return ctx.memo.get(MEMO_DMARC_VERDICT, compute)


def _is_sent(msg: Message, ctx: Context) -> bool:
    """A message we know went through SMTP rather than a draft: the delivery facts say so (the
    SMTP test inbox, or a caller giving --sender-ip / --helo). Received lines are not read:
    they are transit headers, which a pasted draft lacks and a pasted received message carries,
    and the score must not depend on them (tests/scorer/test_transit_headers.py)."""
    return bool(ctx.delivery.sender_ip or ctx.delivery.helo)


def _need_dns(ctx: Context) -> None:
    if ctx.dns is None:
        raise Skip("offline")


def from_domain_missing(msg: Message, ctx: Context) -> str | None:
    """`invalid` or `nxdomain` when DNS says the From domain does not exist, else None.

    One root cause, one finding: a From domain with no public suffix that does not resolve is
    HDR_FROM_DOMAIN_INVALID (an offline finding), a registrable one DNS_FROM_NXDOMAIN; SPF,
    DMARC, MX and BIMI of that domain then say why they were not judged instead of adding
    SPF_NONE, DMARC_MISSING and the rest on top. The MX question is the one mx_check asks
    (memoised by the DNS session), so this costs no extra query.
    """
    domain = msg.from_domain
    if not domain or ctx.dns is None:
        return None

    def compute() -> str | None:
        assert ctx.dns is not None
        if ctx.dns.lookup(domain, "MX").status != "nxdomain":
            return None
        return "nxdomain" if has_public_suffix(domain) else "invalid"

    return ctx.memo.get(MEMO_FROM_MISSING, compute)


def skip_if_from_missing(msg: Message, ctx: Context, domain: str | None = None) -> None:
    """Raise Skip when `domain` (default: the From domain) is the From domain and it does not
    exist: the finding about the domain stands for the whole cause."""
    if domain is not None and domain != msg.from_domain:
        return
    missing = from_domain_missing(msg, ctx)
    if missing == "invalid":
        raise Skip(
            "the From domain is not an Internet domain",
            code="from_domain_invalid",
            domain=msg.from_domain,
        )
    if missing == "nxdomain":
        raise Skip(
            "the From domain does not exist", code="from_domain_missing", domain=msg.from_domain
        )


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
    domain, why = spf_domain(msg, ctx)
    if not domain:
        raise Skip("no envelope sender and no single From address", code="no_sender")
    skip_if_from_missing(msg, ctx, domain)
    identity = T("ev.spf_identity_envelope") if why == "envelope" else T("ev.spf_identity_from")
    record = spf_record(msg, ctx)
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
                value=2.0 if qualifier == "+" else 1.0,
            )
        )
    result = spf_result(msg, ctx)
    if result is not None and record.status != "none":
        rule_id = _SPF_RESULT_IDS.get(result.result)
        if rule_id == "SPF_PERMERROR" and record.status == "permerror":
            rule_id = None  # already reported from the record, with the same cause
        if rule_id:
            facts = {"ip": sender_ip(ctx), "domain": result.domain, "result": result.result}
            if result.mechanism:
                item = T("ev.spf_result_matched", mechanism=result.mechanism, **facts)
            elif result.problem:
                item = T("ev.spf_result_problem", problem=result.problem, **facts)
            else:
                item = T("ev.spf_result", **facts)
            hits.append(
                Hit(
                    rule_id,
                    [item],
                    {**params, "ip": sender_ip(ctx), "domain": result.domain or domain},
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


def _key_hit(key_type: str, bits: int, where: str) -> Hit | None:
    if key_type != "rsa" or not bits or bits >= dkim_auth.RECOMMENDED_KEY_BITS:
        return None
    value = 2.0 if bits < dkim_auth.MIN_KEY_BITS else 1.0
    return Hit(
        "DKIM_WEAK_KEY",
        [T("ev.key_bits", where=where, type="RSA", bits=bits)],
        {"bits": bits},
        value=value,
    )


@check("dkim", emits=DKIM_IDS, network=True)
def dkim_check(msg: Message, ctx: Context) -> list[Hit]:
    """Verify every DKIM-Signature; for an unsigned draft, the key at the given selector."""
    _need_dns(ctx)
    summary = dkim_summary(msg, ctx)
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
            hits.append(Hit("DKIM_NONE", [T("ev.no_key_at", name=key.name)], params, value=1.0))
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
        if weak and (weakest is None or (weak.value or 0) > (weakest.value or 0)):
            weakest = weak
    if weakest:
        hits.append(weakest)
    passing = summary.passing
    aligned = any(is_aligned(ctx, s.domain, msg.from_domain) for s in passing)
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
        sent = _is_sent(msg, ctx)
        what = T("ev.no_header", header="DKIM-Signature") if sent else T("ev.draft_unsigned")
        return [Hit("DKIM_NONE", [what], {"domain": msg.from_domain}, value=1.0 if sent else 0.0)]
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
    skip_if_from_missing(msg, ctx)
    lookup = dmarc_lookup(msg, ctx)
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
    spf_id, dkim_ids = aligned_identifiers(msg, ctx)
    identifiers = ([spf_id] if spf_id else []) + dkim_ids
    if identifiers:
        spf_mode = record.aspf if record else "r"
        dkim_mode = record.adkim if record else "r"
        ok = (spf_id is not None and is_aligned(ctx, spf_id, domain, spf_mode)) or any(
            is_aligned(ctx, d, domain, dkim_mode) for d in dkim_ids
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
    verdict = dmarc_verdict(msg, ctx)
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
        if from_domain_missing(msg, ctx) == "invalid":  # HDR_FROM_DOMAIN_INVALID says it
            skip_if_from_missing(msg, ctx)
        return [Hit("DNS_FROM_NXDOMAIN", [T("ev.nxdomain", name=domain)], params)]
    a, aaaa = ctx.dns.addresses(domain)
    if a.temperror or aaaa.temperror:
        return [Hit("DNS_TEMPERROR", [(a if a.temperror else aaaa).describe_text()], params)]
    if a.void and aaaa.void:
        return [Hit("DNS_FROM_NO_MX", [T("ev.no_mx_or_address", domain=domain)], params)]
    return []


def rdns_status(msg: Message, ctx: Context) -> dict[str, object] | None:
    """PTR names of the sending IP and whether one resolves back to it (FCrDNS)."""
    ip = sender_ip(ctx)
    if not ip or ctx.dns is None:
        return None

    def compute() -> dict[str, object]:
        assert ctx.dns is not None
        address = ipaddress.ip_address(ip)
        ptr = ctx.dns.ptr(str(address))
        if ptr.temperror:
            return {"status": "temperror", "names": [], "error": ptr.describe()}
        names = list(ptr.records[:_MAX_PTR_NAMES]) if ptr.ok else []
        if not names:
            return {"status": "none", "names": [], "error": ""}
        rdtype = "A" if address.version == 4 else "AAAA"
        answers = ctx.dns.lookup_many([(n, rdtype) for n in names])
        for name, answer in zip(names, answers, strict=True):
            if answer.ok and any(ipaddress.ip_address(a) == address for a in answer.records):
                return {"status": "pass", "names": names, "confirmed": name, "error": ""}
        if any(a.temperror for a in answers):
            return {
                "status": "temperror",
                "names": names,
                "error": next(a.describe() for a in answers if a.temperror),
            }
        return {"status": "mismatch", "names": names, "error": ""}

    return ctx.memo.get(MEMO_RDNS, compute)


@check("rdns", emits=("RDNS_NONE", "RDNS_MISMATCH", "RDNS_TEMPERROR"), network=True)
def rdns_check(msg: Message, ctx: Context) -> list[Hit]:
    """Reverse DNS of the sending IP, forward-confirmed (Gmail and Yahoo require it)."""
    _need_dns(ctx)
    ip = _need_ip(ctx)
    status = rdns_status(msg, ctx)
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
