"""Well-known brands that phishing imitates, and the domains they really send and link from.

Data in rules/lists/brands.yaml, part of the rule set (`RuleSet.lists.brands`). A brand is
*named* when one of its names appears as a word; names that are also everyday words or first
names (Chase, Apple, Target) count in a display name only when the rest of it is service wording
("Chase Online Banking", "Apple Support").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scorer.errors import RuleError
from scorer.phrases import PhraseMatcher, normalize
from scorer.ruledata import known_keys

_SPACED = re.compile(r"(?<!\w)((?:\w[ .\u00b7]){3,}\w)(?!\w)")
_WORD = re.compile(r"[\w'&+-]+")
_SERVICE_WORDS = frozenset(
    [
        "account",
        "accounts",
        "alert",
        "alerts",
        "billing",
        "card",
        "cards",
        "center",
        "centre",
        "customer",
        "customers",
        "care",
        "department",
        "help",
        "helpdesk",
        "id",
        "info",
        "inc",
        "llc",
        "ltd",
        "mail",
        "member",
        "members",
        "no-reply",
        "noreply",
        "notice",
        "notification",
        "notifications",
        "online",
        "banking",
        "bank",
        "official",
        "payment",
        "payments",
        "team",
        "security",
        "service",
        "services",
        "support",
        "system",
        "update",
        "verification",
        "via",
        "of",
        "the",
        "and",
        "from",
        "store",
        "pay",
        "plus",
        "prime",
        "message",
        "messages",
        "web",
        "wallet",
        "cloud",
        "pass",
        "premium",
        "business",
        "secure",
    ]
)


_BRAND_KEYS = ("names", "domains", "ambiguous")
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]{2,}$")


@dataclass(frozen=True)
class Brand:
    key: str
    names: tuple[str, ...]
    domains: frozenset[str]
    ambiguous: bool = False


@dataclass(frozen=True)
class Brands:
    """The brands of the rule set: who is named in a text, and whose domain a domain is."""

    brands: Mapping[str, Brand]
    matcher: PhraseMatcher = field(repr=False)
    by_domain: Mapping[str, str] = field(repr=False)

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self.brands)

    def domains_of(self, brand: str) -> frozenset[str]:
        found = self.brands.get(brand)
        return found.domains if found else frozenset()

    def label(self, brand: str) -> str:
        found = self.brands.get(brand)
        return found.names[0] if found and found.names else brand

    def in_text(self, text: str, *, display_name: bool = False, limit: int = 4000) -> list[str]:
        """Brand keys named in `text`, in order of first appearance."""
        norm = normalize(_unspace(text[:limit]) if display_name else text[:limit])
        found: list[str] = []
        for hit in self.matcher.find(norm).values():
            brand = self.brands.get(hit.group)
            if brand is not None and brand.ambiguous and not _only_service_words(norm, hit.phrase):
                continue
            if hit.group not in found:
                found.append(hit.group)
        return found

    def first_in_text(self, text: str, *, display_name: bool = False) -> str | None:
        found = self.in_text(text, display_name=display_name)
        return found[0] if found else None

    def for_domain(self, domain: str) -> str | None:
        """The brand whose registrable domain this is (`paypal.com` → paypal), or None. A domain
        two brands share (linkedin.com is Microsoft's and LinkedIn's) is the one listed last."""
        return self.by_domain.get(domain.lower())


def parse_brands(data: Any, where: str = "brands.yaml") -> Brands:
    """Validate rules/lists/brands.yaml: brand key → {names, domains, ambiguous}."""
    if not isinstance(data, dict) or not data:
        raise RuleError(f"{where}: must be a mapping of brand keys")
    brands: dict[str, Brand] = {}
    owner: dict[str, str] = {}
    for key, raw in data.items():
        here = f"{where}: {key}"
        known_keys(raw, here, _BRAND_KEYS, ("names", "domains"))
        names, domains = raw["names"], raw["domains"]
        if (
            not isinstance(names, list)
            or not names
            or not all(isinstance(n, str) and normalize(n).strip() for n in names)
        ):
            raise RuleError(f"{here}: names must be a non-empty list of names")
        if (
            not isinstance(domains, list)
            or not domains
            or not all(isinstance(d, str) and _DOMAIN.match(d) for d in domains)
        ):
            raise RuleError(f"{here}: domains must be a non-empty list of lower-case domains")
        for name in names:
            normal = normalize(name).strip()
            if owner.setdefault(normal, key) != key:
                raise RuleError(f"{here}: the name {name!r} is also {owner[normal]}'s")
        if not isinstance(raw.get("ambiguous", False), bool):
            raise RuleError(f"{here}: ambiguous must be true or false")
        brands[str(key)] = Brand(
            str(key), tuple(names), frozenset(domains), bool(raw.get("ambiguous", False))
        )
    matcher = PhraseMatcher([(n, 1.0, b.key) for b in brands.values() for n in b.names])
    by_domain = {d: b.key for b in brands.values() for d in data[b.key]["domains"]}
    return Brands(brands, matcher, by_domain)


def _unspace(text: str) -> str:
    """`A m a z o n` → `Amazon`: letter-spacing is a filter-evasion trick in display names."""
    return _SPACED.sub(lambda m: re.sub(r"[ .\u00b7]", "", m.group(1)), text)


def _only_service_words(text: str, name: str) -> bool:
    rest = text.replace(name, " ")
    words = [w for w in _WORD.findall(rest) if not w.isdigit()]
    return all(w in _SERVICE_WORDS for w in words)
