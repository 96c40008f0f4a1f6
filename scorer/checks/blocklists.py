"""DNS blocklists: the sending IP on IP lists (DNSBL), link and From domains on domain lists.

Zones and the meaning of their answers are data (rules/lists/dnsbl.yaml, validated on load). All
queries of a message run in parallel under its DNS deadline. An answer that means "your resolver
may not query this list" (Spamhaus 127.255.255.x, URIBL 127.0.0.1) is never a listing: it is a
zero-score *_BLOCKED finding telling the operator to fix their resolver.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from scorer.context import Context
from scorer.errors import RuleError
from scorer.i18n import T
from scorer.message import Message
from scorer.paths import rules_dir
from scorer.registry import Hit, Skip, check
from scorer.urls import is_ip_literal, registrable_domain

MAX_DOMAINS = 60
"""Distinct domains looked up per message (the DNS query cap bounds the total as well)."""


@dataclass(frozen=True)
class Code:
    low: int
    high: int
    mask: int
    kind: str
    rank: int
    meaning: str

    def matches(self, address: int) -> bool:
        if self.mask:
            last = address & 0xFF
            return (address >> 8) == (0x7F000000 >> 8) and bool(last & self.mask)
        return self.low <= address <= self.high


@dataclass(frozen=True)
class Zone:
    zone: str
    name: str
    codes: tuple[Code, ...]
    ipv6: bool = False
    info: str = ""

    def classify(self, answer: str) -> Code | None:
        try:
            address = int(ipaddress.IPv4Address(answer))
        except ValueError:
            return None
        exact = [c for c in self.codes if not c.mask and c.matches(address)]
        if exact:
            return exact[0]
        for code in self.codes:
            if code.mask and code.matches(address):
                return code
        return None


_ZONE_KEYS = {"zone", "name", "codes", "ipv6", "info"}
_CODE_KEYS = {"code", "range", "mask", "class", "kind", "meaning"}


def _code(raw: Any, where: str) -> Code:
    if not isinstance(raw, dict) or set(raw) - _CODE_KEYS:
        raise RuleError(f"{where}: a code has keys {sorted(_CODE_KEYS)}")
    given = [k for k in ("code", "range", "mask") if k in raw]
    if len(given) != 1:
        raise RuleError(f"{where}: give exactly one of code, range, mask")
    kind = raw.get("kind", "listed")
    if kind not in ("listed", "blocked"):
        raise RuleError(f"{where}: kind must be listed or blocked")
    rank = raw.get("class", 0)
    if kind == "listed" and rank not in (1, 2, 3):
        raise RuleError(f"{where}: a listing needs class 1, 2 or 3")
    if not isinstance(raw.get("meaning"), str):
        raise RuleError(f"{where}: meaning must be text")
    try:
        if "code" in raw:
            low = high = int(ipaddress.IPv4Address(str(raw["code"])))
            mask = 0
        elif "range" in raw:
            low, high = (int(ipaddress.IPv4Address(str(v))) for v in raw["range"])
            mask = 0
        else:
            low = high = 0
            mask = int(raw["mask"])
    except (ValueError, TypeError):
        raise RuleError(f"{where}: bad address in code") from None
    return Code(low, high, mask, kind, int(rank), raw["meaning"])


def _zones(items: Any, where: str) -> tuple[Zone, ...]:
    if not isinstance(items, list) or not items:
        raise RuleError(f"{where}: must be a non-empty list")
    zones = []
    for item in items:
        if not isinstance(item, dict) or set(item) - _ZONE_KEYS or "zone" not in item:
            raise RuleError(f"{where}: a zone has keys {sorted(_ZONE_KEYS)}")
        label = f"{where}: {item['zone']}"
        codes = tuple(_code(c, label) for c in item.get("codes") or [])
        if not codes:
            raise RuleError(f"{label}: needs codes")
        zones.append(
            Zone(
                str(item["zone"]).lower(),
                str(item.get("name") or item["zone"]),
                codes,
                bool(item.get("ipv6", False)),
                str(item.get("info", "")),
            )
        )
    return tuple(zones)


@lru_cache(maxsize=4)
def load_zones(path: str | None = None) -> tuple[tuple[Zone, ...], tuple[Zone, ...]]:
    """(IP zones, domain zones) from rules/lists/dnsbl.yaml, validated."""
    file = Path(path) if path else rules_dir() / "lists" / "dnsbl.yaml"
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    if set(data) - {"ip_zones", "domain_zones"}:
        raise RuleError(f"{file.name}: only ip_zones and domain_zones are allowed")
    return _zones(data.get("ip_zones"), file.name), _zones(data.get("domain_zones"), file.name)


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
    ip_zones, _ = load_zones()
    items = [(label, zone) for zone in ip_zones if zone.ipv6 or not v6]
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
    _, domain_zones = load_zones()
    items = [(domain, zone) for domain in domains for zone in domain_zones]
    return _query(ctx, items, "URIBL_LISTED", "URIBL_BLOCKED", "URIBL_TEMPERROR")
