"""Well-known brands that phishing imitates, and the domains they really send and link from.

Data in rules/lists/brands.yaml. A brand is *named* when one of its names appears as a word;
names that are also everyday words or first names (Chase, Apple, Target) count in a display
name only when the rest of it is service wording ("Chase Online Banking", "Apple Support").
"""

from __future__ import annotations

import re
from functools import lru_cache

from scorer.phrases import PhraseMatcher, normalize, yaml_list

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


@lru_cache(maxsize=1)
def _brands() -> dict[str, dict]:
    return dict(yaml_list("brands.yaml") or {})


@lru_cache(maxsize=1)
def _matcher() -> PhraseMatcher:
    entries = []
    for key, spec in _brands().items():
        for name in spec.get("names") or []:
            entries.append((str(name), 1.0, key))
    return PhraseMatcher(entries)


def brand_domains(brand: str) -> frozenset[str]:
    spec = _brands().get(brand) or {}
    return frozenset(str(d).lower() for d in spec.get("domains") or [])


def brand_label(brand: str) -> str:
    spec = _brands().get(brand) or {}
    names = spec.get("names") or [brand]
    return str(names[0])


def _unspace(text: str) -> str:
    """`A m a z o n` → `Amazon`: letter-spacing is a filter-evasion trick in display names."""
    return _SPACED.sub(lambda m: re.sub(r"[ .\u00b7]", "", m.group(1)), text)


def brands_in_text(text: str, *, display_name: bool = False, limit: int = 4000) -> list[str]:
    """Brand keys named in `text`, in order of first appearance."""
    norm = normalize(_unspace(text[:limit]) if display_name else text[:limit])
    hits = _matcher().find(norm)
    found: list[str] = []
    for hit in hits.values():
        spec = _brands().get(hit.group) or {}
        if spec.get("ambiguous") and not _only_service_words(norm, hit.phrase):
            continue
        if hit.group not in found:
            found.append(hit.group)
    return found


def brand_in_text(text: str, *, display_name: bool = False) -> str | None:
    found = brands_in_text(text, display_name=display_name)
    return found[0] if found else None


def _only_service_words(text: str, name: str) -> bool:
    rest = text.replace(name, " ")
    words = [w for w in _WORD.findall(rest) if not w.isdigit()]
    return all(w in _SERVICE_WORDS for w in words)


@lru_cache(maxsize=1)
def _domain_index() -> dict[str, str]:
    return {
        str(d).lower(): key for key, spec in _brands().items() for d in spec.get("domains") or []
    }


def brand_for_domain(domain: str) -> str | None:
    """The brand whose registrable domain this is (`paypal.com` → paypal), or None."""
    return _domain_index().get(domain.lower())
