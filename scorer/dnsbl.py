"""DNS blocklist zones and what their answer codes mean: rules/lists/dnsbl.yaml, validated.

`class` ranks a listing for the graded RBL_LISTED / URIBL_LISTED rules; `kind: blocked` codes
mean "this resolver may not query us" and are never a listing. Part of the rule set
(`RuleSet.lists.zones`); scorer/checks/blocklists.py queries them.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from scorer.errors import RuleError


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


@dataclass(frozen=True)
class Zones:
    ip: tuple[Zone, ...]
    """Zones queried with the sending IP."""
    domain: tuple[Zone, ...]
    """Zones queried with link and From domains."""


def parse_zones(data: Any, where: str = "dnsbl.yaml") -> Zones:
    """(IP zones, domain zones) from rules/lists/dnsbl.yaml, validated."""
    if not isinstance(data, dict) or set(data) - {"ip_zones", "domain_zones"}:
        raise RuleError(f"{where}: only ip_zones and domain_zones are allowed")
    return Zones(_zones(data.get("ip_zones"), where), _zones(data.get("domain_zones"), where))
