"""BIMI readiness for the From domain: record, DMARC prerequisite, logo, mark certificate.

BIMI never changes the spam score (every BIMI finding scores 0): it says whether the brand's
logo can show, and what to fix. The logo and certificate are checked when the caller uploads
them (`Delivery.bimi_svg`, `bimi_certificate`) or, opt-in (`bimi_fetch`), fetched through the
guarded fetcher. The report section `bimi` gives the details and the per-provider answer.
"""

from __future__ import annotations

import re
from typing import Any

from scorer.auth import dmarc as dmarc_auth
from scorer.auth import facts as auth_facts
from scorer.bimi import Assessment, DmarcGate
from scorer.bimi import record as bimi_record
from scorer.bimi.svg import check_svg
from scorer.bimi.vmc import check_certificate
from scorer.context import Context
from scorer.fetch import Fetcher, FetchError, gunzip_capped
from scorer.i18n import T
from scorer.message import Message
from scorer.registry import Hit, Skip, check

BIMI_IDS = (
    "BIMI_READY",
    "BIMI_NONE",
    "BIMI_DECLINED",
    "BIMI_RECORD_INVALID",
    "BIMI_DMARC_NOT_ENFORCING",
    "BIMI_LOGO_INVALID",
    "BIMI_CERT_INVALID",
    "BIMI_FETCH_FAILED",
    "BIMI_TEMPERROR",
)
_SELECTOR = re.compile(r"(?:^|;)\s*s\s*=\s*([^;\s]+)", re.IGNORECASE)
_DEFAULT_FETCHER = Fetcher()


def selector_of(msg: Message) -> str:
    """The BIMI-Selector header's s= (draft §5.1), else "default"."""
    value = msg.header("BIMI-Selector") or ""
    if value.replace(" ", "").startswith("v=BIMI1"):
        found = _SELECTOR.search(value)
        if found and bimi_record.valid_selector(found.group(1)):
            return found.group(1).lower()
    return "default"


def dmarc_gate(ctx: Context, lookup: dmarc_auth.DmarcLookup) -> DmarcGate:
    """Quarantine or reject on the From domain and its organisational domain; no sp=none at the
    organisational domain; not in RFC 9989 test mode (t=y)."""
    reasons: list[Any] = []
    if lookup.status != "found" or lookup.record is None:
        return DmarcGate(False, [T("bimi.gate.no_record", domain=lookup.from_domain)])
    policy = lookup.policy or "none"
    if policy == "none":
        reasons.append(
            T(
                "bimi.gate.policy_none",
                domain=lookup.from_domain,
                name=f"_dmarc.{lookup.policy_domain}",
            )
        )
    if lookup.test_mode:
        reasons.append(T("bimi.gate.test_mode", name=f"_dmarc.{lookup.policy_domain}"))
    org = lookup.org_domain or dmarc_auth.psl_org_domain(lookup.from_domain)
    if org and org != lookup.policy_domain and ctx.dns is not None:
        org_lookup = dmarc_auth.discover(ctx.dns, org)
        if org_lookup.status == "found" and org_lookup.record is not None:
            record = org_lookup.record
            if record.p == "none":
                reasons.append(T("bimi.gate.org", org=org, what="p=none"))
            if record.sp == "none" and "sp" in record.tags:
                reasons.append(T("bimi.gate.org", org=org, what="sp=none"))
            if record.test_mode:
                reasons.append(T("bimi.gate.org", org=org, what=T("bimi.gate.t_y")))
        elif org_lookup.status != "found":
            reasons.append(T("bimi.gate.org", org=org, what=T("bimi.gate.no_usable")))
    elif lookup.record.sp == "none" and "sp" in lookup.record.tags:
        reasons.append(f"_dmarc.{lookup.policy_domain}: sp=none")
    return DmarcGate(not reasons, reasons)


def _fetcher(ctx: Context) -> Fetcher:
    return ctx.fetcher if isinstance(ctx.fetcher, Fetcher) else _DEFAULT_FETCHER


def _fetch(ctx: Context, url: str, purpose: str, problems: list[str]) -> bytes | None:
    try:
        fetcher = _fetcher(ctx)
        fetched = fetcher.fetch(url, ctx.dns, purpose=purpose)
    except FetchError as exc:
        problems.append(f"{url}: {exc} ({exc.reason})")
        return None
    return fetched.body


@check("bimi", emits=BIMI_IDS, network=True)
def bimi_check(msg: Message, ctx: Context) -> list[Hit]:
    """Would this From domain's brand logo show, and what stands in the way."""
    if ctx.dns is None:
        raise Skip("offline")
    domain = msg.from_domain
    if not domain:
        raise Skip("no single From address", code="no_from")
    auth_facts.skip_if_from_missing(msg, ctx)
    dmarc = auth_facts.dmarc_lookup(msg, ctx)
    assert dmarc is not None
    org = dmarc.org_domain or dmarc_auth.psl_org_domain(domain)
    selector = selector_of(msg)
    lookup = bimi_record.discover(ctx.dns, domain, org, selector)
    params: dict[str, Any] = {"domain": domain, "selector": selector, "name": lookup.name}
    if lookup.status == "temperror":
        return [Hit("BIMI_TEMPERROR", [lookup.error], params)]
    gate = dmarc_gate(ctx, dmarc) if dmarc.status != "temperror" else DmarcGate(False, [])
    assessment = Assessment(lookup, gate)
    hits: list[Hit] = []
    if lookup.status == "none":
        if gate.ok:
            hits.append(Hit("BIMI_NONE", [T("ev.no_txt_at", name=lookup.tried[0])], params))
        _section(ctx, assessment)
        return hits
    if lookup.status == "invalid":
        hits.append(
            Hit(
                "BIMI_RECORD_INVALID",
                [lookup.error, lookup.text],
                {**params, "error": lookup.error},
            )
        )
        _section(ctx, assessment)
        return hits
    record = lookup.record
    assert record is not None
    if record.declined:
        hits.append(Hit("BIMI_DECLINED", [f"{lookup.name}: {lookup.text}"], params))
        _section(ctx, assessment)
        return hits
    if not gate.ok:
        hits.append(
            Hit(
                "BIMI_DMARC_NOT_ENFORCING",
                gate.reasons,
                {**params, "reasons": gate.reasons},
            )
        )
    _logo_and_certificate(ctx, assessment, domain, org)
    logo, cert = assessment.logo, assessment.certificate
    if logo is not None and not logo.ok:
        hits.append(_problems("BIMI_LOGO_INVALID", logo.errors, params, assessment.logo_source))
    if cert is not None and not cert.ok:
        source = assessment.certificate_source
        hits.append(_problems("BIMI_CERT_INVALID", cert.errors, params, source))
    if assessment.problems:
        hits.append(Hit("BIMI_FETCH_FAILED", assessment.problems, params))
    lang = ctx.settings.lang
    at = ctx.now
    display = ctx.rules.lists.bimi_providers
    providers = assessment.providers(display, lang, at) if at else []
    showing = [p["name"] for p in providers if p["shows"] == "yes"]
    if (
        gate.ok
        and logo is not None
        and logo.ok
        and (cert is None or cert.ok)
        and not [h for h in hits if h.id != "BIMI_FETCH_FAILED"]
    ):
        shown = ", ".join(showing) if showing else "-"
        hits.append(
            Hit(
                "BIMI_READY",
                [f"{lookup.name}: {lookup.text}", T("ev.bimi_shows_at", providers=shown)],
                {**params, "providers": shown},
            )
        )
    _section(ctx, assessment, providers)
    return hits


def _problems(
    rule_id: str, errors: list[tuple[str, str]], params: dict[str, Any], source: str
) -> Hit:
    problems = [f"{code}: {detail}" for code, detail in errors]
    return Hit(rule_id, problems, {**params, "problems": "; ".join(problems), "source": source})


def _logo_and_certificate(ctx: Context, assessment: Assessment, domain: str, org: str) -> None:
    record = assessment.lookup.record
    assert record is not None
    delivery = ctx.delivery
    logo_bytes: bytes | None = None
    if delivery.bimi_svg:
        logo_bytes, assessment.logo_source = delivery.bimi_svg.encode("utf-8"), "uploaded"
    elif delivery.bimi_fetch and record.location:
        logo_bytes = _fetch(ctx, record.location, "bimi-indicator", assessment.problems)
        assessment.logo_source = record.location
    if logo_bytes is not None:
        try:
            logo_bytes = gunzip_capped(logo_bytes, 262_144)
        except FetchError as exc:
            assessment.problems.append(f"logo: {exc}")
            logo_bytes = None
    if logo_bytes is not None:
        assessment.logo = check_svg(logo_bytes)
    pem: bytes | None = None
    if delivery.bimi_certificate:
        pem, assessment.certificate_source = delivery.bimi_certificate.encode(), "uploaded"
    elif delivery.bimi_fetch and record.authority:
        pem = _fetch(ctx, record.authority, "bimi-evidence", assessment.problems)
        assessment.certificate_source = record.authority
    if pem is not None:
        assessment.certificate = check_certificate(
            pem,
            domain=domain,
            org_domain=org,
            logo=logo_bytes,
            at=ctx.now,
            roots=ctx.mark_roots if ctx.mark_roots is not None else ctx.rules.lists.mark_roots,
        )


def _section(
    ctx: Context, assessment: Assessment, providers: list[dict[str, Any]] | None = None
) -> None:
    lookup = assessment.lookup
    record = lookup.record
    logo, cert = assessment.logo, assessment.certificate
    ctx.sections["bimi"] = {
        "record": {
            "status": lookup.status,
            "name": lookup.name,
            "text": lookup.text,
            "location": record.location if record else "",
            "authority": record.authority if record else "",
            "warnings": list(record.warnings) if record else [],
            "error": lookup.error,
        },
        "dmarc": {"enforcing": assessment.dmarc.ok, "reasons": assessment.dmarc.reasons},
        "logo": None
        if logo is None
        else {
            "source": assessment.logo_source,
            "bytes": logo.size,
            "title": logo.title,
            "ok": logo.ok,
            "errors": [f"{c}: {d}" for c, d in logo.errors],
            "warnings": logo.warnings,
        },
        "certificate": None
        if cert is None
        else {
            "source": assessment.certificate_source,
            "kind": cert.kind,
            "issuer": cert.issuer,
            "not_before": cert.not_before.isoformat() if cert.not_before else None,
            "not_after": cert.not_after.isoformat() if cert.not_after else None,
            "domains": list(cert.domains),
            "ok": cert.ok,
            "errors": [f"{c}: {d}" for c, d in cert.errors],
            "warnings": cert.warnings,
        },
        "fetch_problems": assessment.problems,
        "providers": providers or [],
    }
