"""DMARC as RFC 9989 (DMARCbis, May 2026) defines it, with RFC 7489's answer kept beside it.

Policy discovery and the organisational domain come from the DNS tree walk of RFC 9989 §4.10:
the `_dmarc` records published up the tree (at most eight queries), a `psd=y` record marking a
public suffix and `psd=n` an organisational domain. RFC 7489 took the organisational domain from
the public-suffix list (`publicsuffixlist`, bundled: nothing is downloaded at run time); that
answer is still computed (`DmarcLookup.rfc7489`) because many receivers still run it, and the
report says where the two disagree.

Record syntax follows RFC 9989 §4.7–4.8: unknown tags are ignored with a warning; `pct`, `rf`
and `ri` were removed (Appendix C.5.2), so a record that still has them is valid, with a note;
`t=y` is test mode (the policy is applied one level down, §4.7); a record without `p` is read
as `p=none` when it has a usable `rua` (§4.10.1). `parse_record(..., spec="rfc7489")` applies
RFC 7489 §6.3 instead (bad pct/rf/ri values are errors; np/psd/t are unknown tags).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from scorer.dns import DnsSession
from scorer.urls import registrable_domain

RFC9989 = "rfc9989"
RFC7489 = "rfc7489"
POLICIES = ("none", "quarantine", "reject")
REMOVED_TAGS = ("pct", "rf", "ri")
"""Tags RFC 9989 removed (Appendix C.5.2): still accepted, never applied."""
MAX_WALK_QUERIES = 8
"""RFC 9989 §4.10: a tree walk makes at most eight queries, whatever the number of labels."""
_KNOWN = {
    RFC9989: {"v", "p", "sp", "np", "adkim", "aspf", "fo", "psd", "t", "rua", "ruf"},
    RFC7489: {"v", "p", "sp", "adkim", "aspf", "pct", "fo", "rf", "ri", "rua", "ruf"},
}
_URI = re.compile(r"^([a-z][a-z0-9+.\-]*):(\S+?)(?:!(\d+)([kmgt]?))?$", re.IGNORECASE)
_TAG_NAME = re.compile(r"^[a-z][a-z0-9_]*$", re.IGNORECASE)
_REPORT_SCHEMES = ("mailto", "http", "https")
_WEAKER = {"reject": "quarantine", "quarantine": "none", "none": "none"}


class DmarcRecordError(ValueError):
    """The record cannot be used.

    `no_policy` marks a record without a valid `p` (or with a bad `sp`/`np`) and without a usable
    `rua`: RFC 9989 §4.10.1 then applies no DMARC at all. `reads_as_none` marks the same fault
    *with* a usable `rua`: RFC 9989 receivers act as if the record said `p=none`.
    """

    def __init__(self, message: str, *, no_policy: bool = False, reads_as_none: bool = False):
        super().__init__(message)
        self.no_policy = no_policy
        self.reads_as_none = reads_as_none


@dataclass(frozen=True)
class DmarcRecord:
    text: str
    tags: dict[str, str]
    p: str
    sp: str
    np: str
    adkim: str = "r"
    aspf: str = "r"
    pct: int | None = None
    """The pct value when present and well formed (RFC 9989 ignores it; RFC 7489 applies it)."""
    psd: str = "u"
    t: str = "n"
    rua: tuple[str, ...] = ()
    ruf: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    spec: str = RFC9989

    @property
    def removed_tags(self) -> tuple[str, ...]:
        """Tags present in the record that RFC 9989 removed."""
        return tuple(t for t in REMOVED_TAGS if t in self.tags)

    @property
    def test_mode(self) -> bool:
        """t=y (RFC 9989 §4.7): the owner is testing; the policy is applied one level down."""
        return self.t == "y"

    def applied(self, policy: str) -> str:
        """The policy an RFC 9989 receiver applies to failing mail (t=y weakens it by one)."""
        return _WEAKER[policy] if self.test_mode else policy


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
        if match.group(3):
            warnings.append(f"{tag}: the !size suffix of {uri!r} is obsolete (RFC 9989 §4.8)")
        uris.append(uri)
    return tuple(uris)


def validate_tag(tag: str, value: str) -> str | None:
    """The error for one tag value, or None when it is well formed.

    Each tag is checked against the grammar of the RFC that defines it: pct, rf and ri against
    RFC 7489 §6.3 (RFC 9989 removed them, so `parse_record` only notes these errors), the others
    against RFC 9989 §4.8.
    """
    low = value.lower()
    if tag == "v":
        return None if low == "dmarc1" else f"v={value} is not DMARC1"
    if tag in ("p", "sp", "np"):
        return None if low in POLICIES else f"{tag}={value} is not none, quarantine or reject"
    if tag in ("adkim", "aspf"):
        return None if low in ("r", "s") else f"{tag}={value} is not r or s"
    if tag == "pct":
        ok = re.fullmatch(r"\d{1,3}", value) and int(value) <= 100
        return None if ok else f"pct={value} is not a whole number from 0 to 100"
    if tag == "ri":
        ok = re.fullmatch(r"\d{1,10}", value) and int(value) < 2**32
        return None if ok else f"ri={value} is not a number of seconds"
    if tag == "fo":
        parts = [p.strip().lower() for p in value.split(":")]
        ok = all(p in ("0", "1", "d", "s") for p in parts) and len(parts) == len(set(parts))
        return None if ok else f"fo={value} is not a colon list of 0, 1, d, s"
    if tag == "rf":
        parts = [p.strip().lower() for p in value.split(":")]
        ok = all(p in ("afrf", "iodef") for p in parts)
        return None if ok else f"rf={value} is not afrf or iodef"
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
        unusable = [w for w in warnings if "ignored" in w]
        return unusable[0] if unusable else None
    return None


def _split(record: str) -> tuple[dict[str, str], list[str]]:
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
    return tags, warnings


def parse_record(text: str, *, spec: str = RFC9989) -> DmarcRecord:
    """Parse a `_dmarc` TXT value under RFC 9989 (default) or RFC 7489.

    Raises DmarcRecordError when the record cannot be used as written.
    """
    if spec not in _KNOWN:
        raise ValueError(f"unknown DMARC specification {spec!r}")
    record = text.strip()
    if record.startswith('"'):  # presentation format pasted from a DNS tool
        record = " ".join(part for part in re.findall(r'"([^"]*)"', record))
    if not record:
        raise DmarcRecordError("empty record")
    if record.lower().startswith("v=spf1"):
        raise DmarcRecordError("an SPF record where the DMARC record should be")
    tags, warnings = _split(record)
    known = _KNOWN[spec]
    policy_error = ""
    for name, value in tags.items():
        error = validate_tag(name, value) if name != "p" else None
        if name not in known:
            if name in REMOVED_TAGS:
                note = f"{name}= was removed in RFC 9989: receivers following it ignore it"
                warnings.append(note + (f" ({error})" if error else ""))
            elif name in _KNOWN[RFC9989]:
                warnings.append(f"{name}= is an RFC 9989 tag; RFC 7489 receivers ignore it")
            else:
                warnings.append(f"unknown tag {name} ignored")
            continue
        if error and name in ("rua", "ruf") and "ignored" in error:
            warnings.append(error)
        elif error and name in ("sp", "np"):
            policy_error = policy_error or error
        elif error:
            raise DmarcRecordError(error)
    rua = _uris(tags.get("rua", ""), "rua", warnings)
    ruf = _uris(tags.get("ruf", ""), "ruf", warnings)
    policy = tags.get("p")
    section = "RFC 9989 §4.10.1" if spec == RFC9989 else "RFC 7489 §6.6.3"
    if policy and policy.lower() not in POLICIES:
        policy_error = f"p={policy} is not none, quarantine or reject"
    if policy_error:
        reads_as_none = bool(rua) and spec == RFC9989
        hint = f" ({section}: with this rua= receivers read it as p=none)" if reads_as_none else ""
        raise DmarcRecordError(policy_error + hint, reads_as_none=reads_as_none)
    if not policy:
        if not rua:
            raise DmarcRecordError("no p= tag (and no rua to fall back on)", no_policy=True)
        warnings.append(f"no p= tag: read as p=none ({section})")
        policy = "none"
    policy = policy.lower()
    sp = tags.get("sp", policy).lower() if "sp" in known else policy
    np = tags.get("np", sp).lower() if "np" in known else sp
    if "rua" not in tags:
        warnings.append("no rua= tag: you will receive no aggregate reports")
    pct = tags.get("pct")
    return DmarcRecord(
        text=text,
        tags=tags,
        p=policy,
        sp=sp,
        np=np,
        adkim=tags.get("adkim", "r").lower(),
        aspf=tags.get("aspf", "r").lower(),
        pct=int(pct) if pct is not None and validate_tag("pct", pct) is None else None,
        psd=tags.get("psd", "u").lower() if "psd" in known else "u",
        t=tags.get("t", "n").lower() if "t" in known else "n",
        rua=rua,
        ruf=ruf,
        warnings=tuple(warnings),
        spec=spec,
    )


# --- names -------------------------------------------------------------------------------


def clean_domain(domain: str) -> str:
    return domain.strip().strip(".").lower()


def psl_org_domain(domain: str) -> str:
    """RFC 7489 §3.2: the organisational domain from the bundled public-suffix list."""
    name = clean_domain(domain)
    if not name or ".." in name:
        return name
    return registrable_domain(name)


org_domain = psl_org_domain
"""Where a record should be published, and RFC 7489's answer; DNS-free."""


def walk_targets(domain: str) -> list[str]:
    """The names a tree walk queries, longest first (RFC 9989 §4.10 steps 3–7).

    The domain itself, then (with eight labels or more) its last seven labels, then one label
    fewer each time down to the top-level domain: never more than eight names.
    """
    labels = clean_domain(domain).split(".")
    if not labels or labels == [""]:
        return []
    names = [".".join(labels)]
    rest = labels[1:] if len(labels) < MAX_WALK_QUERIES else labels[-(MAX_WALK_QUERIES - 1) :]
    while rest:
        names.append(".".join(rest))
        rest = rest[1:]
    return names


# --- the tree walk -----------------------------------------------------------------------


@dataclass(frozen=True)
class WalkStep:
    """What `_dmarc.<name>` held: one usable record, none, or something receivers discard."""

    name: str
    status: str
    """record, none, broken (one record that cannot be parsed), several, temperror."""
    record: DmarcRecord | None = None
    text: str = ""
    error: str = ""
    no_policy: bool = False


def _records_at(session: DnsSession, name: str) -> tuple[str, list[str], str]:
    answer = session.txt(f"_dmarc.{name}")
    if answer.temperror:
        return "temperror", [], answer.describe()
    texts = answer.texts()
    records = [t for t in texts if t.lstrip().lower().replace(" ", "").startswith("v=dmarc1")]
    return "ok", records, ""


def _step(session: DnsSession, name: str, spec: str = RFC9989) -> WalkStep:
    status, records, error = _records_at(session, name)
    if status == "temperror":
        return WalkStep(name, "temperror", error=error)
    if not records:
        return WalkStep(name, "none")
    if len(records) > 1:
        return WalkStep(
            name,
            "several",
            text=records[0],
            error=f"_dmarc.{name} has {len(records)} DMARC records; only one is allowed",
        )
    text = records[0]
    if text != text.lstrip():
        error = "the record starts with white space; receivers discard it"
        return WalkStep(name, "broken", text=text, error=error)
    try:
        return WalkStep(name, "record", parse_record(text, spec=spec), text)
    except DmarcRecordError as exc:
        return WalkStep(name, "broken", text=text, error=str(exc), no_policy=exc.no_policy)


@dataclass(frozen=True)
class TreeWalk:
    """One RFC 9989 tree walk from `start` and the organisational domain it determines."""

    start: str
    steps: tuple[WalkStep, ...]

    @property
    def complete(self) -> bool:
        return not any(s.status == "temperror" for s in self.steps)

    @property
    def temperror(self) -> WalkStep | None:
        return next((s for s in self.steps if s.status == "temperror"), None)

    @property
    def psd_step(self) -> WalkStep | None:
        """The public suffix's record (psd=y) the walk stopped at, if any."""
        last = self.steps[-1] if self.steps else None
        if last and last.record is not None and last.record.psd == "y":
            return last
        return None

    @property
    def org_domain(self) -> str:
        """RFC 9989 §4.10.2: psd=n wins, else one label below a psd=y record (not the start),
        else the name with the fewest labels that has a record, else the start itself."""
        found = [s for s in self.steps if s.record is not None]
        for step in found:
            if step.record is not None and step.record.psd == "n":
                return step.name
            if step.record is not None and step.record.psd == "y" and step.name != self.start:
                labels = self.start.split(".")
                return ".".join(labels[-(step.name.count(".") + 2) :])
        if found:
            return min(found, key=lambda s: s.name.count(".")).name
        return self.start

    def at(self, name: str) -> WalkStep | None:
        return next((s for s in self.steps if s.name == name), None)


def tree_walk(session: DnsSession, domain: str) -> TreeWalk:
    """Query `_dmarc` up the tree from `domain` until a psd=y/psd=n record or the top."""
    start = clean_domain(domain)
    steps: list[WalkStep] = []
    for name in walk_targets(start):
        step = _step(session, name)
        steps.append(step)
        if step.status == "temperror":
            break
        if step.record is not None and step.record.psd in ("y", "n"):
            break
    return TreeWalk(start, tuple(steps))


def organizational_domain(session: DnsSession, domain: str) -> str:
    """The organisational domain by the tree walk; the public-suffix list when DNS fails."""
    walk = tree_walk(session, domain)
    return walk.org_domain if walk.complete else psl_org_domain(domain)


def aligned(
    domain_a: str,
    domain_b: str,
    mode: str = "r",
    org_of: Callable[[str], str] | None = None,
) -> bool:
    """Identifier alignment: strict = the same name; relaxed = the same organisational domain.

    `org_of` gives the organisational domain (RFC 9989: `organizational_domain` with a DNS
    session); without it the public-suffix list decides, as RFC 7489 §3.2 did.
    """
    a, b = clean_domain(domain_a), clean_domain(domain_b)
    if not a or not b or ".." in a or ".." in b:
        return False
    if a == b:
        return True
    if mode == "s":
        return False
    find = org_of or psl_org_domain
    return find(a) == find(b)


# --- discovery -----------------------------------------------------------------------------


@dataclass
class Rfc7489View:
    """What an RFC 7489 receiver (public-suffix list, pct honoured) concludes for the domain."""

    status: str
    policy_domain: str = ""
    org_domain: str = ""
    policy: str | None = None
    record: DmarcRecord | None = None
    error: str = ""


@dataclass
class DmarcLookup:
    """The policy record for a From domain (RFC 9989 §4.10.1) and how it was found."""

    from_domain: str
    status: str
    """found, none, permerror (broken or several records), temperror."""
    record: DmarcRecord | None = None
    record_text: str = ""
    policy_domain: str = ""
    source: str = ""
    """"from" (the From domain's own record), "org" (its organisational domain's) or "psd"
    (the public suffix's, psd=y)."""
    error: str = ""
    no_policy: bool = False
    nonexistent: bool = False
    """The From domain does not exist (NXDOMAIN): np= applies to it (RFC 9989 §4.7)."""
    org_domain: str = ""
    walk: TreeWalk | None = None
    rfc7489: Rfc7489View | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def policy(self) -> str | None:
        """The published policy for the From domain: p, or sp/np for a subdomain."""
        if self.record is None:
            return None
        if self.source != "from" and self.from_domain != self.policy_domain:
            return self.record.np if self.nonexistent else self.record.sp
        return self.record.p

    @property
    def applied_policy(self) -> str | None:
        """The policy RFC 9989 receivers apply to failing mail (one level down with t=y)."""
        policy = self.policy
        return self.record.applied(policy) if policy and self.record else policy

    @property
    def test_mode(self) -> bool:
        return bool(self.record and self.record.test_mode)

    @property
    def enforcing(self) -> bool:
        """quarantine or reject, not in test mode: what BIMI and "enforcement" advice need."""
        return self.policy in ("quarantine", "reject") and not self.test_mode


def _lookup_from_step(domain: str, step: WalkStep, source: str) -> DmarcLookup:
    if step.status == "record" and step.record is not None:
        return DmarcLookup(
            domain,
            "found",
            step.record,
            step.text,
            step.name,
            source,
            warnings=list(step.record.warnings),
        )
    return DmarcLookup(
        domain,
        "permerror",
        policy_domain=step.name,
        source=source,
        error=step.error,
        record_text=step.text,
        no_policy=step.no_policy,
    )


def discover(session: DnsSession, from_domain: str) -> DmarcLookup:
    """Find the DMARC policy record for `from_domain` by the RFC 9989 tree walk.

    The From domain's own record applies if it has one; otherwise its organisational domain's;
    otherwise that of the public suffix above it (psd=y). The RFC 7489 answer is added as
    `rfc7489` for comparison.
    """
    domain = clean_domain(from_domain)
    walk = tree_walk(session, domain)
    lookup = _select(session, domain, walk)
    lookup.walk = walk
    lookup.org_domain = walk.org_domain if walk.complete else ""
    if lookup.status != "temperror":
        lookup.rfc7489 = _rfc7489(session, domain)
    return lookup


def _select(session: DnsSession, domain: str, walk: TreeWalk) -> DmarcLookup:
    failed = walk.temperror
    if failed is not None:
        return DmarcLookup(
            domain, "temperror", policy_domain=failed.name, source="walk", error=failed.error
        )
    own = walk.at(domain)
    if own is not None and own.status != "none":
        return _lookup_from_step(domain, own, "from")
    org = walk.org_domain
    org_step = walk.at(org)
    if org_step is not None and org_step.status != "none" and org != domain:
        lookup = _lookup_from_step(domain, org_step, "org")
    elif walk.psd_step is not None and walk.psd_step.name != domain:
        lookup = _lookup_from_step(domain, walk.psd_step, "psd")
    else:
        return DmarcLookup(domain, "none", policy_domain=org or domain)
    if lookup.status == "found" and lookup.record is not None:
        exists = session.lookup(domain, "A")
        if exists.status == "nxdomain":
            lookup.nonexistent = True
            lookup.warnings.append(f"{domain} does not exist: np={lookup.record.np} applies")
    return lookup


def _rfc7489(session: DnsSession, domain: str) -> Rfc7489View:
    """RFC 7489 §6.6.3: the From domain's record, else the public-suffix-list org domain's."""
    org = psl_org_domain(domain)
    for name in dict.fromkeys([domain, org]):
        if not name:
            continue
        step = _step(session, name, RFC7489)
        if step.status == "temperror":
            return Rfc7489View("temperror", name, org, error=step.error)
        if step.status == "none":
            continue
        if step.record is None:
            return Rfc7489View("permerror", name, org, error=step.error)
        record = step.record
        policy = record.p if name == domain else record.sp
        return Rfc7489View("found", name, org, policy, record)
    return Rfc7489View("none", org or domain, org)


def differences(lookup: DmarcLookup) -> list[str]:
    """Where an RFC 7489 receiver reaches another answer than RFC 9989 for this From domain."""
    old = lookup.rfc7489
    if old is None or lookup.status == "temperror" or old.status == "temperror":
        return []
    out: list[str] = []
    if lookup.status != old.status:
        out.append(
            f"record: RFC 9989 {lookup.status}"
            + (f" at _dmarc.{lookup.policy_domain}" if lookup.status == "found" else "")
            + f"; RFC 7489 {old.status}"
            + (f" at _dmarc.{old.policy_domain}" if old.status == "found" else "")
            + (f" ({old.error})" if old.error else "")
        )
    elif lookup.status == "found" and lookup.policy_domain != old.policy_domain:
        out.append(
            f"policy record: RFC 9989 uses _dmarc.{lookup.policy_domain} ({lookup.source}); "
            f"RFC 7489 uses _dmarc.{old.policy_domain}"
        )
    if lookup.org_domain and old.org_domain and lookup.org_domain != old.org_domain:
        out.append(
            f"organisational domain: RFC 9989 tree walk {lookup.org_domain}; "
            f"RFC 7489 public-suffix list {old.org_domain} (relaxed alignment follows it)"
        )
    if lookup.status == "found" and old.status == "found":
        new_policy, old_policy = lookup.applied_policy, old.policy
        if lookup.test_mode and lookup.policy != "none":
            out.append(
                f"t=y: RFC 9989 applies {new_policy} instead of {lookup.policy}; "
                f"RFC 7489 receivers ignore t= and apply {old_policy}"
            )
        elif new_policy != old_policy:
            out.append(f"policy: RFC 9989 {new_policy}; RFC 7489 {old_policy}")
        pct = old.record.pct if old.record else None
        if pct is not None and pct < 100 and old_policy != "none":
            out.append(
                f"pct={pct}: RFC 7489 receivers apply {old_policy} to {pct}% of failing mail; "
                "RFC 9989 removed pct and applies it to all"
            )
    return out


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
    org_of: Callable[[str], str] | None = None,
) -> DmarcVerdict:
    """DMARC for one message: pass when an aligned SPF pass or an aligned DKIM pass exists.

    `spf_result` None means SPF could not be evaluated (no sending IP): then only an aligned DKIM
    pass decides, and otherwise the result is `unknown`, never a guessed fail. `org_of` gives the
    organisational domains for relaxed alignment (the tree walk); None uses the public-suffix list.
    """
    record = lookup.record
    mode_spf = record.aspf if record else "r"
    mode_dkim = record.adkim if record else "r"
    dkim_ok = any(aligned(d, lookup.from_domain, mode_dkim, org_of) for d in dkim_pass_domains)
    spf_ok: bool | None = None
    if spf_result is not None:
        spf_ok = (
            spf_result == "pass"
            and bool(spf_domain)
            and aligned(spf_domain or "", lookup.from_domain, mode_spf, org_of)
        )
    policy = lookup.applied_policy
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
