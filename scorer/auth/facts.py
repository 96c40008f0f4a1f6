"""Authentication facts of one message, decided once: what SPF, DKIM, DMARC, alignment and
reverse DNS say, for the checks (scorer/checks/auth.py, bimi.py) and the providers' requirement
checklist (scorer/checks/requirements.py) alike.

Each lookup is done once per message through `ctx.memo` (DMARC reuses the SPF and DKIM results);
the verdicts (`*_verdict`) turn them into pass / fail / warn / unknown with a reason key whose
texts are rule data (`details` in rules/lists/requirements.yaml). A draft (no sending IP, no
signature) is judged on the sender's published DNS; a message that arrived, on what happened.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from scorer.auth import dkim as dkim_auth
from scorer.auth import dmarc as dmarc_auth
from scorer.auth import envelope
from scorer.auth import spf as spf_auth
from scorer.context import Context
from scorer.i18n import T
from scorer.message import Message
from scorer.registry import Skip
from scorer.urls import has_public_suffix

Verdict = tuple[str, str, dict[str, Any]]
"""(status: pass | fail | warn | unknown, reason key, the reason's parameters)."""

MEMO_SPF_RECORD = "auth.spf.record"
MEMO_SPF_RESULT = "auth.spf.result"
MEMO_DKIM = "auth.dkim"
MEMO_DMARC = "auth.dmarc"
MEMO_DMARC_VERDICT = "auth.dmarc.verdict"
MEMO_ORG_DOMAINS = "auth.dmarc.org_domains"
MEMO_RDNS = "auth.rdns"
MEMO_FROM_MISSING = "auth.from.missing"
_MAX_PTR_NAMES = 10


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
            complete = complete and is_sent(msg, ctx)
        return dmarc_auth.evaluate(
            lookup,
            spf_result=spf_value,
            spf_domain=spf_id,
            dkim_pass_domains=passing,
            dkim_complete=complete,
            org_of=org_domain_of(ctx),
        )

    return ctx.memo.get(MEMO_DMARC_VERDICT, compute)


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


def is_sent(msg: Message, ctx: Context) -> bool:
    """A message we know went through SMTP rather than a draft: the delivery facts say so (the
    SMTP test inbox, or a caller giving --sender-ip / --helo). Received lines are not read:
    they are transit headers, which a pasted draft lacks and a pasted received message carries,
    and the score must not depend on them (tests/scorer/test_transit_headers.py)."""
    return bool(ctx.delivery.sender_ip or ctx.delivery.helo)


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


# --- verdicts: pass / fail / unknown, with the reason ------------------------------------------


def _online(ctx: Context) -> bool:
    return ctx.dns is not None


def _not_online(ctx: Context) -> Verdict:
    """Why a DNS-based verdict is unknown: offline, or a resolver that failed its sanity check."""
    status = ctx.dns_status
    if status is not None and not status.trusted:
        return "unknown", "dns_untrusted", {}
    return "unknown", "offline", {}


def _from_missing(msg: Message, ctx: Context) -> Verdict | None:
    """A From domain that does not exist fails every verdict about it, for one cause."""
    if from_domain_missing(msg, ctx):
        return "fail", "from.nxdomain", {"domain": msg.from_domain}
    return None


def _remembered(ctx: Context, key: str, compute: Callable[[], Verdict]) -> Verdict:
    return ctx.memo.get("auth.verdict." + key, compute)


def spf_verdict(msg: Message, ctx: Context) -> Verdict:
    """SPF of the envelope domain (the From domain when no envelope sender is known)."""
    domain, _ = spf_domain(msg, ctx)
    return _remembered(
        ctx,
        "spf",
        lambda: _spf(msg, ctx, domain, lambda: spf_record(msg, ctx), lambda: spf_result(msg, ctx)),
    )


def spf_from_verdict(msg: Message, ctx: Context) -> Verdict:
    """SPF of the header From domain, as docomo checks it."""
    return _remembered(
        ctx,
        "spf_from",
        lambda: _spf(
            msg,
            ctx,
            msg.from_domain,
            lambda: spf_from_record(msg, ctx),
            lambda: spf_from_result(msg, ctx),
        ),
    )


def _spf(
    msg: Message,
    ctx: Context,
    domain: str,
    record_of: Callable[[], Any],
    result_of: Callable[[], Any],
) -> Verdict:
    if not _online(ctx):
        return _not_online(ctx)
    if not domain:
        return "unknown", "no_domain", {}
    if domain == msg.from_domain and (missing := _from_missing(msg, ctx)):
        return missing
    record = record_of()
    assert record is not None
    params: dict[str, Any] = {"domain": domain, "ip": sender_ip(ctx) or ""}
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


def dkim_verdict(msg: Message, ctx: Context) -> Verdict:
    """A passing DKIM signature (the aligned, strongest one), or why there is none."""
    return _remembered(ctx, "dkim", lambda: _dkim(msg, ctx))


def _dkim(msg: Message, ctx: Context) -> Verdict:
    if not _online(ctx):
        return _not_online(ctx)
    summary = dkim_summary(msg, ctx)
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
        if is_sent(msg, ctx):
            return "fail", "dkim.unsigned", {}
        return "unknown", "dkim.draft", {}
    passing = summary.passing
    if passing:
        best = max(
            passing,
            key=lambda s: (is_aligned(ctx, s.domain, msg.from_domain), s.key_bits),
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


def authenticated_verdict(msg: Message, ctx: Context) -> Verdict:
    """SPF or DKIM passes (what Gmail asks of every sender)."""
    spf_status, _k, _p = spf_verdict(msg, ctx)
    dkim_status, _k2, _p2 = dkim_verdict(msg, ctx)
    if spf_status == "pass" or dkim_status == "pass":
        both = spf_status == dkim_status
        how = T("req.how_both") if both else ("SPF" if spf_status == "pass" else "DKIM")
        return "pass", "auth.pass", {"how": how}
    if spf_status == "fail" and dkim_status == "fail":
        return "fail", "auth.fail", {}
    if not _online(ctx):
        return _not_online(ctx)
    return (
        "unknown",
        "auth.unknown",
        {"spf": T(f"status.{spf_status}"), "dkim": T(f"status.{dkim_status}")},
    )


def dmarc_record_verdict(msg: Message, ctx: Context) -> Verdict:
    """A DMARC record applies to the From domain (RFC 9989 `t=y` is said: not enforcing)."""
    if not _online(ctx):
        return _not_online(ctx)
    if missing := _from_missing(msg, ctx):
        return missing
    lookup = dmarc_lookup(msg, ctx)
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


def dmarc_result_verdict(msg: Message, ctx: Context) -> Verdict:
    """The DMARC result when the inputs allow one."""
    if not _online(ctx):
        return _not_online(ctx)
    if missing := _from_missing(msg, ctx):
        return missing
    verdict = dmarc_verdict(msg, ctx)
    if verdict is None:
        return "unknown", "no_domain", {}
    domain = msg.from_domain
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


def alignment_verdict(msg: Message, ctx: Context) -> Verdict:
    """The SPF domain or a (passing) DKIM d= aligns with From, under the record's modes."""
    if not _online(ctx):
        return _not_online(ctx)
    domain = msg.from_domain
    if not domain:
        return "unknown", "no_domain", {}
    if missing := _from_missing(msg, ctx):
        return missing
    lookup = dmarc_lookup(msg, ctx)
    record = lookup.record if lookup else None
    spf_id, dkim_ids = aligned_identifiers(msg, ctx)
    summary = dkim_summary(msg, ctx)
    if summary is not None and summary.signatures:
        dkim_ids = [s.domain for s in summary.passing] or dkim_ids
    ids: list[tuple[Any, str, str]] = (
        [(T("req.spf_domain", domain=spf_id), spf_id, record.aspf if record else "r")]
        if spf_id
        else []
    )
    ids += [(f"DKIM d={d}", d, record.adkim if record else "r") for d in dkim_ids]
    for label, value, mode in ids:
        if is_aligned(ctx, value, domain, mode):
            return "pass", "align.pass", {"identifier": label, "domain": domain}
    if not ids:
        return "unknown", "align.unknown", {}
    return (
        "fail",
        "align.fail",
        {"identifiers": ", ".join(v for _l, v, _m in ids), "domain": domain},
    )


def ptr_verdict(msg: Message, ctx: Context) -> Verdict:
    """The sending IP has a PTR name that resolves back to it (FCrDNS)."""
    if not _online(ctx):
        return _not_online(ctx)
    ip = sender_ip(ctx)
    if not ip:
        return "unknown", "ptr.no_ip", {}
    status = rdns_status(msg, ctx)
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
