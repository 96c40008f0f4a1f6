"""DNS blocklists: the sending IP on IP lists (DNSBL), link and From domains on domain lists.

Zones and the meaning of their answers are rule data (scorer.dnsbl, `ctx.rules.lists.zones`). All
queries of a message run in parallel under its DNS deadline. An answer that means "your resolver
may not query this list" (Spamhaus 127.255.255.x, URIBL 127.0.0.1) is never a listing: it is a
zero-score *_BLOCKED finding telling the operator to fix their resolver.
"""

from __future__ import annotations

import ipaddress

from scorer.context import Context
from scorer.dnsbl import Code, Zone
from scorer.i18n import T
from scorer.message import Message
from scorer.registry import Hit, Skip, check
from scorer.urls import is_ip_literal, registrable_domain

MAX_DOMAINS = 60
"""Distinct domains looked up per message (the DNS query cap bounds the total as well)."""


def reversed_ip(ip: str) -> str | None:
    """The DNSBL query label for `ip`: 4.3.2.1 for IPv4, nibbles for IPv6."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if address.version == 4:
        return ".".join(reversed(str(address).split(".")))
    return ".".join(reversed(address.exploded.replace(":", "")))


def _query(
    ctx: Context,
    items: list[tuple[str, Zone]],
    listed_id: str,
    blocked_id: str,
    temp_id: str,
    shown: str | None = None,
) -> list[Hit]:
    """Ask each zone about each label; `shown` names the subject in evidence (the IP address
    rather than its reversed query label)."""
    assert ctx.dns is not None
    answers = ctx.dns.lookup_many([(f"{label}.{zone.zone}", "A") for label, zone in items])
    listed: list[tuple[str, Zone, Code, str]] = []
    blocked: dict[str, T] = {}
    failed: list[T] = []
    for (label, zone), answer in zip(items, answers, strict=True):
        subject = shown or label
        if answer.temperror:
            failed.append(T("ev.zone_failed", zone=zone.zone, error=answer.error or "-"))
            continue
        if not answer.ok:
            continue
        for address in answer.records:
            code = zone.classify(address)
            if code is None:
                continue  # an answer outside the documented codes is not trusted as a listing
            if code.kind == "blocked":
                blocked[zone.zone] = T(
                    "ev.zone_answered", zone=zone.zone, code=address, meaning=code.meaning
                )
            else:
                listed.append((subject, zone, code, address))
    hits: list[Hit] = []
    if listed:
        worst = max(code.rank for _s, _z, code, _a in listed)
        evidence = [
            T(
                "ev.listed",
                item=subject,
                list=zone.name,
                zone=zone.zone,
                code=address,
                meaning=code.meaning,
            )
            for subject, zone, code, address in listed
        ]
        hits.append(
            Hit(
                listed_id,
                evidence,
                {
                    "items": ", ".join(dict.fromkeys(s for s, *_ in listed)),
                    "zones": ", ".join(dict.fromkeys(z.name for _s, z, *_ in listed)),
                    "lookup": ", ".join(dict.fromkeys(z.info for _s, z, *_ in listed if z.info)),
                },
                value=float(worst),
            )
        )
    if blocked:
        hits.append(Hit(blocked_id, list(blocked.values()), {"zones": ", ".join(blocked)}))
    if failed:
        hits.append(Hit(temp_id, failed, {"count": len(failed)}))
    return hits


@check("dnsbl", emits=("RBL_LISTED", "RBL_BLOCKED", "RBL_TEMPERROR"), network=True)
def ip_blocklists(msg: Message, ctx: Context) -> list[Hit]:
    """The sending IP on each IP blocklist, queried in parallel."""
    if ctx.dns is None:
        raise Skip("offline")
    given = ctx.delivery.sender_ip
    if not given:
        raise Skip("no sending IP given", code="no_ip")
    label = reversed_ip(given.strip().strip("[]"))
    if label is None:
        raise Skip(f"{given!r} is not an IP address", code="bad_ip", value=given)
    ip = given.strip().strip("[]")
    v6 = ":" in ip
    items = [(label, zone) for zone in ctx.rules.lists.zones.ip if zone.ipv6 or not v6]
    hits = _query(ctx, items, "RBL_LISTED", "RBL_BLOCKED", "RBL_TEMPERROR", shown=ip)
    for hit in hits:
        hit.params = {**hit.params, "ip": ip}
    return hits


@check("uribl", emits=("URIBL_LISTED", "URIBL_BLOCKED", "URIBL_TEMPERROR"), network=True)
def domain_blocklists(msg: Message, ctx: Context) -> list[Hit]:
    """Every link domain and the From domain on each domain blocklist, in parallel."""
    if ctx.dns is None:
        raise Skip("offline")
    domains = [d for d in msg.link_domains if d and not is_ip_literal(d)]
    if msg.from_domain:
        domains.append(registrable_domain(msg.from_domain))
    domains = list(dict.fromkeys(d.lower().rstrip(".") for d in domains))[:MAX_DOMAINS]
    if not domains:
        return []
    items = [(domain, zone) for domain in domains for zone in ctx.rules.lists.zones.domain]
    return _query(ctx, items, "URIBL_LISTED", "URIBL_BLOCKED", "URIBL_TEMPERROR")
