"""The BIMI Assertion Record (draft-brand-indicators-for-message-identification-10, §4.3).

`<selector>._bimi.<domain>` holds `v=BIMI1; l=<https logo URL>; a=<https certificate URL>`
(optionally `lps=` and `avp=`). Both `l=` and `a=` empty is a declination to publish (§4.3.1).
Discovery (§7.2) tries the From domain, then its organisational domain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scorer.dns import DnsSession

_SELECTOR = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")
KNOWN_TAGS = ("v", "l", "a", "lps", "avp")


class BimiRecordError(ValueError):
    """The record is not a usable BIMI Assertion Record."""


@dataclass(frozen=True)
class BimiRecord:
    text: str
    location: str
    """l=: the logo (SVG Tiny PS) URL, or "" (declined or evidence only)."""
    authority: str
    """a=: the mark certificate (VMC/CMC) URL, or ""."""
    avp: str = "brand"
    lps: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def declined(self) -> bool:
        return not self.location and not self.authority


def _https_uri(value: str, tag: str) -> str:
    if not value:
        return ""
    if "," in value:
        raise BimiRecordError(f"{tag}= must be a single URI")
    parts = urlsplit(value)
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise BimiRecordError(f"{tag}={value} is not an https URL with a host name")
    if "." not in parts.hostname.strip("."):
        raise BimiRecordError(f"{tag}={value}: the host must be a fully qualified domain name")
    return value


def parse_record(text: str) -> BimiRecord:
    """Parse a BIMI TXT value; raises BimiRecordError when it cannot be used."""
    record = text.strip()
    parts = [p.strip() for p in record.split(";")]
    tags: dict[str, str] = {}
    warnings: list[str] = []
    for index, part in enumerate(p for p in parts if p):
        name, sep, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not sep:
            raise BimiRecordError(f"{part!r} is not tag=value")
        if index == 0 and (name != "v" or value != "BIMI1"):
            raise BimiRecordError("the record must start with v=BIMI1 (exactly, case-sensitive)")
        if name.lower() in tags:
            raise BimiRecordError(f"tag {name} appears twice")
        if name.lower() not in KNOWN_TAGS:
            warnings.append(f"unknown tag {name} ignored")
            continue
        if name != name.lower():
            raise BimiRecordError(f"tag {name} must be lower case (receivers fix nothing, §4.3)")
        tags[name] = value
    if "v" not in tags:
        raise BimiRecordError("the record must start with v=BIMI1")
    if "l" not in tags:
        warnings.append("no l= tag: the logo location is required (empty l= declines)")
    location = _https_uri(tags.get("l", ""), "l")
    if location and not urlsplit(location).path.lower().endswith((".svg", ".svgz")):
        warnings.append(f"l={location} does not end in .svg: only SVG Tiny PS logos are used")
    authority = _https_uri(tags.get("a", ""), "a")
    avp = tags.get("avp", "brand")
    if avp not in ("brand", "personal"):
        warnings.append(f"avp={avp} is not brand or personal; ignored")
        avp = "brand"
    lps = tags.get("lps", "false")
    if lps not in ("true", "false"):
        warnings.append(f"lps={lps} is not true or false; read as false")
    return BimiRecord(text, location, authority, avp, lps == "true", tuple(warnings))


@dataclass
class BimiLookup:
    """Where the assertion record was found, and what it said."""

    status: str
    """found, none, invalid (several records or a syntax error), temperror."""
    name: str = ""
    record: BimiRecord | None = None
    text: str = ""
    error: str = ""
    tried: list[str] = field(default_factory=list)


def valid_selector(selector: str) -> bool:
    return bool(_SELECTOR.match(selector.lower())) and len(selector) <= 253


def discover(session: DnsSession, domain: str, org_domain: str, selector: str) -> BimiLookup:
    """§7.2: `<selector>._bimi.<From domain>`, else `<selector>._bimi.<organisational domain>`."""
    tried: list[str] = []
    for target in dict.fromkeys([domain, org_domain]):
        if not target:
            continue
        name = f"{selector}._bimi.{target}"
        tried.append(name)
        answer = session.txt(name)
        if answer.temperror:
            return BimiLookup("temperror", name, error=answer.describe(), tried=tried)
        records = [t for t in answer.texts() if t.lstrip().startswith("v=BIMI1")]
        if not records:
            continue
        if len(records) > 1:
            error = f"{name} has {len(records)} BIMI records; only one is allowed"
            return BimiLookup("invalid", name, text=records[0], error=error, tried=tried)
        try:
            return BimiLookup("found", name, parse_record(records[0]), records[0], tried=tried)
        except BimiRecordError as exc:
            return BimiLookup("invalid", name, text=records[0], error=str(exc), tried=tried)
    return BimiLookup("none", tried[0] if tried else "", tried=tried)
