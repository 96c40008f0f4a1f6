"""The rule set's data lists (rules/lists/), loaded and validated with the rules.

Lists are data, not code: URL shorteners, free hosting, ESP trackers, abused TLDs, freemail,
spam phrases, brands, blocklist zones, the kind decider's signals, the providers' requirements,
the root causes fixes are grouped by, and BIMI's providers and roots. They are read here, once
per rule directory, and reach the checks only through the rule set (`ctx.rules.lists`), so
`Engine(rules=load_rules(dir))` swaps them all and no check opens a file. A lists/ folder is
complete: a missing or unknown file is a load error, like an unknown key in a rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from scorer.bimi import DisplayProviders, parse_providers
from scorer.bimi.vmc import parse_roots
from scorer.brands import Brands, parse_brands
from scorer.causes import Causes, parse_causes
from scorer.dnsbl import Zones, parse_zones
from scorer.errors import RuleError
from scorer.kind import KindSpec, parse_spec
from scorer.phrases import PhraseMatcher, normalize
from scorer.requirement_specs import Catalogue, parse_catalogue
from scorer.ruledata import known_keys, load_yaml

DOMAIN_LISTS = ("url_shorteners", "free_hosting", "esp_trackers", "abused_tlds", "freemail")
"""One host name or suffix a line (`#` starts a comment): `<name>.txt`."""
PHRASE_LISTS = ("spam_phrases_en", "spam_phrases_ja")
"""Weighted phrase groups: `<name>.yaml`, group → {weight, phrases}."""
_DOMAIN_ENTRY = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9-]*[a-z0-9]$")


@dataclass(frozen=True)
class Lists:
    """Everything in one rules/lists/ folder, parsed and validated. Immutable."""

    source: str
    """The folder it was read from."""
    domains: Mapping[str, frozenset[str]]
    """By list name (DOMAIN_LISTS): lower-cased hosts and suffixes (scorer.urls.host_in)."""
    phrases: Mapping[str, PhraseMatcher]
    """By list name (PHRASE_LISTS): the phrase engine over the list's groups and weights."""
    brands: Brands
    zones: Zones
    kinds: KindSpec
    requirements: Catalogue
    bimi_providers: DisplayProviders
    mark_roots: tuple[Any, ...]
    """The Mark Verifying Authorities' root certificates (cryptography x509)."""
    causes: Causes
    """Root causes: which findings and requirement outcomes one change fixes (scorer.causes)."""


def _read_yaml(path: Path, where: str) -> Any:
    return load_yaml(path.read_text(encoding="utf-8"), where)


def parse_domain_list(text: str, where: str) -> frozenset[str]:
    """One entry a line, lower-cased; `#` starts a comment; a repeated entry is an error."""
    entries: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        entry = line.split("#", 1)[0].strip().lower()
        if not entry:
            continue
        if not _DOMAIN_ENTRY.match(entry):
            raise RuleError(f"{where}:{number}: {entry!r} is not a host name or suffix")
        if entry in entries:
            raise RuleError(f"{where}:{number}: {entry!r} is listed twice")
        entries.add(entry)
    if not entries:
        raise RuleError(f"{where}: lists nothing")
    return frozenset(entries)


def parse_phrase_list(data: Any, where: str) -> PhraseMatcher:
    """group → {weight, phrases}; a phrase in two places (after NFKC and case folding) is an
    error, since only one weight can apply to it."""
    if not isinstance(data, dict) or not data:
        raise RuleError(f"{where}: must map groups to {{weight, phrases}}")
    entries: list[tuple[str, float, str]] = []
    owner: dict[str, str] = {}
    for group, spec in data.items():
        here = f"{where}: {group}"
        known_keys(spec, here, ("weight", "phrases"), ("phrases",))
        weight = spec.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise RuleError(f"{here}: weight must be a number")
        phrases = spec["phrases"]
        if not isinstance(phrases, list) or not phrases:
            raise RuleError(f"{here}: phrases must be a non-empty list")
        for phrase in phrases:
            key = normalize(str(phrase)).strip()
            if not isinstance(phrase, str | int | float) or not key:
                raise RuleError(f"{here}: {phrase!r} is not a phrase")
            if key in owner:
                raise RuleError(f"{here}: {phrase!r} is already in {owner[key]}")
            owner[key] = str(group)
            entries.append((str(phrase), float(weight), str(group)))
    return PhraseMatcher(entries)


_PARSERS: dict[str, Callable[[Path, str], Any]] = {
    **{
        f"{name}.txt": lambda p, w: parse_domain_list(p.read_text("utf-8"), w)
        for name in DOMAIN_LISTS
    },
    **{
        f"{name}.yaml": lambda p, w: parse_phrase_list(_read_yaml(p, w), w) for name in PHRASE_LISTS
    },
    "brands.yaml": lambda p, w: parse_brands(_read_yaml(p, w), w),
    "dnsbl.yaml": lambda p, w: parse_zones(_read_yaml(p, w), w),
    "kinds.yaml": lambda p, w: parse_spec(_read_yaml(p, w), w),
    "requirements.yaml": lambda p, w: parse_catalogue(_read_yaml(p, w), w),
    "causes.yaml": lambda p, w: parse_causes(_read_yaml(p, w), w),
    "bimi/providers.yaml": lambda p, w: parse_providers(_read_yaml(p, w), w),
    "bimi/mva_roots.pem": lambda p, w: parse_roots(p.read_bytes(), w),
}
FILES = tuple(_PARSERS)
"""Every file a lists/ folder holds, relative to it."""


def load_lists(directory: Path | str) -> Lists:
    """Read and validate every file of a rules/lists/ folder (cached per folder)."""
    return _load(str(Path(directory).resolve()))


@lru_cache(maxsize=8)
def _load(directory: str) -> Lists:
    root = Path(directory)
    present = set()
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if path.is_file() and not any(p.startswith((".", "__")) for p in relative.parts):
            present.add(relative.as_posix())
    unknown = sorted(present - set(FILES))
    missing = sorted(set(FILES) - present)
    if unknown or missing:
        raise RuleError(
            f"lists/ in {root.parent}: unknown files {unknown}, missing {missing} "
            f"(a lists folder holds exactly {', '.join(FILES)})"
        )
    parsed = {name: parse(root / name, f"lists/{name}") for name, parse in _PARSERS.items()}
    return Lists(
        source=directory,
        domains={name: parsed[f"{name}.txt"] for name in DOMAIN_LISTS},
        phrases={name: parsed[f"{name}.yaml"] for name in PHRASE_LISTS},
        brands=parsed["brands.yaml"],
        zones=parsed["dnsbl.yaml"],
        kinds=parsed["kinds.yaml"],
        requirements=parsed["requirements.yaml"],
        bimi_providers=parsed["bimi/providers.yaml"],
        mark_roots=parsed["bimi/mva_roots.pem"],
        causes=parsed["causes.yaml"],
    )
