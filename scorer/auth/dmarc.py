"""DMARC (RFC 7489, with the np/psd/t tags of its successor): record, discovery, alignment, result.

The organisational domain comes from the public-suffix list shipped with `publicsuffixlist`
(scorer.urls.registrable_domain): nothing is downloaded at run time. Record syntax follows
RFC 7489 §6.3–6.4: a missing or unknown-valued required tag is an error, unknown tags and
unusable report URIs are warnings; a record without `p` but with a valid `rua` is read as
`p=none` (§6.6.3 step 6).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scorer.dns import DnsSession
from scorer.urls import registrable_domain

POLICIES = ("none", "quarantine", "reject")
_URI = re.compile(r"^([a-z][a-z0-9+.\-]*):(\S+?)(?:!(\d+)([kmgt]?))?$", re.IGNORECASE)
_TAG_NAME = re.compile(r"^[a-z][a-z0-9_]*$", re.IGNORECASE)
_REPORT_SCHEMES = ("mailto", "http", "https")


class DmarcRecordError(ValueError):
    """The record cannot be used. `no_policy` marks §6.6.3: no valid p and no rua."""

    def __init__(self, message: str, *, no_policy: bool = False) -> None:
        super().__init__(message)
        self.no_policy = no_policy


@dataclass(frozen=True)
class DmarcRecord:
    text: str
    tags: dict[str, str]
    p: str
    sp: str
    np: str
    adkim: str = "r"
    aspf: str = "r"
    pct: int = 100
    rua: tuple[str, ...] = ()
    ruf: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def _uris(value: str, tag: str, warnings: list[str]) -> tuple[str, ...]:
    uris = []
    for item in value.split(","):
        uri = item.strip()
        if not uri:
            continue
        match = _URI.match(uri)
        if not match:
            raise DmarcRecordError(f"{tag}: {uri!r} is not a URI (use mailto:address)")
        if match.group(1).lower() not in _REPORT_SCHEMES:
            warnings.append(f"{tag}: {uri!r} uses a scheme no receiver reports to; ignored")
            continue
        uris.append(uri)
    return tuple(uris)


def validate_tag(tag: str, value: str) -> str | None:
    """The error for one tag value, or None when it is valid (RFC 7489 §6.3 grammar)."""
    low = value.lower()
    if tag == "v":
        return None if low == "dmarc1" else f"v={value} is not DMARC1"
    if tag in ("p", "sp", "np"):
        return None if low in POLICIES else f"{tag}={value} is not none, quarantine or reject"
    if tag in ("adkim", "aspf"):
        return None if low in ("r", "s") else f"{tag}={value} is not r or s"
    if tag == "pct":
        return (
            None
            if re.fullmatch(r"\d{1,3}", value) and int(value) <= 100
            else (f"pct={value} is not a whole number from 0 to 100")
        )
    if tag == "ri":
        return (
            None
            if re.fullmatch(r"\d{1,10}", value) and int(value) < 2**32
            else (f"ri={value} is not a number of seconds")
        )
    if tag == "fo":
        parts = [p.strip().lower() for p in value.split(":")]
        ok = all(p in ("0", "1", "d", "s") for p in parts) and len(parts) == len(set(parts))
        return None if ok else f"fo={value} is not a colon list of 0, 1, d, s"
    if tag == "rf":
        parts = [p.strip().lower() for p in value.split(":")]
        return (
            None
            if all(p in ("afrf", "iodef") for p in parts)
            else (f"rf={value} is not afrf or iodef")
        )
    if tag == "psd":
        return None if low in ("y", "n", "u") else f"psd={value} is not y, n or u"
    if tag == "t":
        return None if low in ("y", "n") else f"t={value} is not y or n"
    if tag in ("rua", "ruf"):
        try:
            warnings: list[str] = []
            _uris(value, tag, warnings)
        except DmarcRecordError as exc:
            return str(exc)
        return warnings[0] if warnings else None
    return None


def parse_record(text: str) -> DmarcRecord:
    """Parse a `_dmarc` TXT value; raises DmarcRecordError when it cannot be used."""
    record = text.strip()
    if record.startswith('"'):  # presentation format pasted from a DNS tool
        record = " ".join(part for part in re.findall(r'"([^"]*)"', record))
    if not record:
        raise DmarcRecordError("empty record")
    if record.lower().startswith("v=spf1"):
        raise DmarcRecordError("an SPF record where the DMARC record should be")
    tags: dict[str, str] = {}
    warnings: list[str] = []
    for index, part in enumerate(record.split(";")):
        part = part.strip()
        if not part or part == "\\":
            continue
        if "=" not in part:
            raise DmarcRecordError(f'missing tag or value: "{record}"')
        name, _, value = part.partition("=")
        name = name.strip().lower()
        value = value.strip().rstrip("\\").strip()
        if not _TAG_NAME.match(name):
            raise DmarcRecordError(f"bad tag name {name!r}")
        if index == 0 and name != "v":
            raise DmarcRecordError("the record must start with v=DMARC1")
        if name in tags:
            raise DmarcRecordError(f"tag {name} appears twice")
        if not value and name not in ("v", "p"):
            warnings.append(f"empty {name}= ignored")
            continue
        tags[name] = value
    if "v" not in tags:
        raise DmarcRecordError("the record must start with v=DMARC1")
    for name, value in tags.items():
        if name == "p":
            continue
        error = validate_tag(name, value)
        if error and name in ("rua", "ruf") and "ignored" in error:
            warnings.append(error)
        elif error:
            raise DmarcRecordError(error)
        elif name not in (
            "v",
            "sp",
            "np",
            "adkim",
            "aspf",
            "pct",
            "ri",
            "fo",
            "rf",
            "psd",
            "t",
            "rua",
            "ruf",
        ):
            warnings.append(f"unknown tag {name} ignored")
    rua = _uris(tags.get("rua", ""), "rua", warnings)
    ruf = _uris(tags.get("ruf", ""), "ruf", warnings)
    policy = tags.get("p")
    if policy is None or policy == "":
        if not rua:
            raise DmarcRecordError("no p= tag (and no rua to fall back on)", no_policy=True)
        warnings.append("no p= tag: read as p=none (RFC 7489 §6.6.3)")
        policy = "none"
    elif policy.lower() not in POLICIES:
        raise DmarcRecordError(f"p={policy} is not none, quarantine or reject")
    policy = policy.lower()
    sp = tags.get("sp", policy).lower()
    if "rua" not in tags:
        warnings.append("no rua= tag: you will receive no aggregate reports")
    return DmarcRecord(
        text=text,
        tags=tags,
        p=policy,
        sp=sp,
        np=tags.get("np", sp).lower(),
        adkim=tags.get("adkim", "r").lower(),
        aspf=tags.get("aspf", "r").lower(),
        pct=int(tags.get("pct", "100")),
        rua=rua,
        ruf=ruf,
        warnings=tuple(warnings),
    )


# --- alignment ---------------------------------------------------------------------------


def clean_domain(domain: str) -> str:
    return domain.strip().strip(".").lower()


def org_domain(domain: str) -> str:
    """The organisational domain (RFC 7489 §3.2) from the bundled public-suffix list."""
    name = clean_domain(domain)
    if not name or ".." in name:
        return name
    return registrable_domain(name)


def aligned(domain_a: str, domain_b: str, mode: str = "r") -> bool:
    """Identifier alignment (RFC 7489 §3.1): strict = same name; relaxed = same org domain."""
    a, b = clean_domain(domain_a), clean_domain(domain_b)
    if not a or not b or ".." in a or ".." in b:
        return False
    if a == b:
        return True
    return mode != "s" and org_domain(a) == org_domain(b)


# --- discovery ---------------------------------------------------------------------------


@dataclass
class DmarcLookup:
    """The policy record for a From domain (RFC 7489 §6.6.3)."""

    from_domain: str
    status: str
    """found, none, permerror (broken or several records), temperror."""
    record: DmarcRecord | None = None
    record_text: str = ""
    policy_domain: str = ""
    source: str = ""
    """"from" (the From domain's own record) or "org" (the organisational domain's)."""
    error: str = ""
    no_policy: bool = False
    nonexistent: bool = False
    """The From domain does not exist and the org record has np= (RFC 9989): np applies."""
    warnings: list[str] = field(default_factory=list)

    @property
    def policy(self) -> str | None:
        """The policy that applies to the From domain (p, or sp/np for a subdomain)."""
        if self.record is None:
            return None
        if self.source == "org" and self.from_domain != self.policy_domain:
            return self.record.np if self.nonexistent else self.record.sp
        return self.record.p


def _records_at(session: DnsSession, name: str) -> tuple[str, list[str], str]:
    answer = session.txt(name)
    if answer.temperror:
        return "temperror", [], answer.describe()
    texts = answer.texts()
    records = [t for t in texts if t.lstrip().lower().replace(" ", "").startswith("v=dmarc1")]
    return "ok", records, ""


def discover(session: DnsSession, from_domain: str) -> DmarcLookup:
    """Find and parse the DMARC record for `from_domain` (its own, else its org domain's)."""
    domain = clean_domain(from_domain)
    org = org_domain(domain)
    candidates = [(domain, "from")] + ([(org, "org")] if org and org != domain else [])
    for name, source in candidates:
        status, records, error = _records_at(session, f"_dmarc.{name}")
        if status == "temperror":
            return DmarcLookup(domain, "temperror", policy_domain=name, source=source, error=error)
        if not records:
            continue
        if text_starts_with_space := [r for r in records if r != r.lstrip()]:
            return DmarcLookup(
                domain,
                "permerror",
                policy_domain=name,
                source=source,
                error="the record starts with white space; receivers discard it",
                record_text=text_starts_with_space[0],
            )
        if len(records) > 1:
            return DmarcLookup(
                domain,
                "permerror",
                policy_domain=name,
                source=source,
                error=f"_dmarc.{name} has {len(records)} DMARC records; only one is allowed",
                record_text=records[0],
            )
        text = records[0]
        try:
            record = parse_record(text)
        except DmarcRecordError as exc:
            return DmarcLookup(
                domain,
                "permerror",
                policy_domain=name,
                source=source,
                error=str(exc),
                record_text=text,
                no_policy=exc.no_policy,
            )
        lookup = DmarcLookup(
            domain, "found", record, text, name, source, warnings=list(record.warnings)
        )
        if source == "org" and "np" in record.tags:
            exists = session.lookup(domain, "A")
            if exists.status == "nxdomain":
                lookup.nonexistent = True
                lookup.warnings.append(f"{domain} does not exist: np={record.np} applies")
        return lookup
    return DmarcLookup(domain, "none", policy_domain=org or domain)


@dataclass(frozen=True)
class DmarcVerdict:
    result: str
    """pass, fail, none (no usable policy), permerror, temperror, or unknown (inputs absent)."""
    spf_aligned: bool | None
    dkim_aligned: bool
    policy: str | None
    detail: str = ""


def evaluate(
    lookup: DmarcLookup,
    *,
    spf_result: str | None,
    spf_domain: str | None,
    dkim_pass_domains: list[str],
    dkim_complete: bool = True,
) -> DmarcVerdict:
    """DMARC for one message: pass when an aligned SPF pass or an aligned DKIM pass exists.

    `spf_result` None means SPF could not be evaluated (no sending IP): then only an aligned DKIM
    pass decides, and otherwise the result is `unknown`, never a guessed fail.
    """
    record = lookup.record
    mode_spf = record.aspf if record else "r"
    mode_dkim = record.adkim if record else "r"
    dkim_ok = any(aligned(d, lookup.from_domain, mode_dkim) for d in dkim_pass_domains)
    spf_ok: bool | None = None
    if spf_result is not None:
        spf_ok = (
            spf_result == "pass"
            and bool(spf_domain)
            and aligned(spf_domain or "", lookup.from_domain, mode_spf)
        )
    policy = lookup.policy
    if lookup.status == "temperror":
        return DmarcVerdict("temperror", spf_ok, dkim_ok, None, lookup.error)
    if lookup.status == "permerror":
        result = "none" if lookup.no_policy else "permerror"
        return DmarcVerdict(result, spf_ok, dkim_ok, None, lookup.error)
    if lookup.status == "none":
        return DmarcVerdict("none", spf_ok, dkim_ok, None, "no DMARC record")
    if dkim_ok or spf_ok:
        return DmarcVerdict("pass", spf_ok, dkim_ok, policy)
    if spf_ok is None or not dkim_complete:
        return DmarcVerdict("unknown", spf_ok, dkim_ok, policy, "needs the sending IP for SPF")
    return DmarcVerdict("fail", spf_ok, dkim_ok, policy)
