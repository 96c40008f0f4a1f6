"""Mark certificates (VMC and CMC): chain, validity, names, the logo inside, known distrust.

The certificate at `a=` is a PEM chain: the mark certificate, then its intermediates. It must
chain to a Mark Verifying Authority root (rules/lists/bimi/mva_roots.pem, which the rule set
loads: `RuleSet.lists.mark_roots`), be valid on the day asked about, carry the BIMI extended key
usage (1.3.6.1.5.5.7.3.31), name the From domain or its organisational domain, and embed the
logo (RFC 3709 logotype extension) that `l=` serves; the logo's own hash in the extension must
match it too. Chain building and signatures are done by `cryptography.x509.verification`; the
logotype is decoded with `pyasn1-modules` (RFC 3709). Known distrust (Apple and Entrust-issued
certificates after 2024-11-15) is data in rules/lists/bimi/providers.yaml.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import io
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography import x509
from cryptography.x509.oid import ExtensionOID, NameOID
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)
from pyasn1.codec.der import decoder
from pyasn1.error import PyAsn1Error
from pyasn1_modules import rfc3709

from scorer.errors import RuleError

OID_LOGOTYPE = x509.ObjectIdentifier("1.3.6.1.5.5.7.1.12")
OID_BIMI_EKU = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.31")
OID_MARK_TYPE = x509.ObjectIdentifier("1.3.6.1.4.1.53087.1.13")
SHA256 = "2.16.840.1.101.3.4.2.1"
VMC_MARKS = ("Registered Mark", "Government Mark")
CMC_MARKS = ("Prior Use Mark", "Modified Registered Mark")
MAX_LOGO_BYTES = 262_144


def parse_roots(pem: bytes, where: str = "bimi/mva_roots.pem") -> tuple[x509.Certificate, ...]:
    """The Mark Verifying Authorities' root certificates in a PEM file (at least one)."""
    try:
        roots = tuple(x509.load_pem_x509_certificates(pem))
    except ValueError as exc:
        raise RuleError(f"{where}: not a PEM certificate list: {exc}") from None
    if not roots:
        raise RuleError(f"{where}: holds no certificate")
    return roots


@dataclass
class MarkReport:
    """What was found about a mark certificate chain."""

    kind: str = ""
    """VMC, CMC, or "" when the mark type is missing."""
    subject: str = ""
    issuer: str = ""
    issuer_org: str = ""
    """The organisation of the issuing chain's root or top intermediate (e.g. "DigiCert, Inc.")."""
    not_before: datetime | None = None
    not_after: datetime | None = None
    domains: tuple[str, ...] = ()
    logo: bytes | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)
    """(code, detail): not_pem, chain, expired, not_yet_valid, eku, domain, no_logo,
    logo_hash, logo_mismatch."""
    warnings: list[str] = field(default_factory=list)
    chain_orgs: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self) -> set[str]:
        return {code for code, _ in self.errors}


def _org(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return str(values[0].value) if values else ""


def check_certificate(
    pem: bytes,
    *,
    domain: str,
    org_domain: str = "",
    logo: bytes | None = None,
    at: datetime | None = None,
    roots: tuple[x509.Certificate, ...],
) -> MarkReport:
    """Check a VMC/CMC PEM chain for `domain`, against `logo` (the SVG at l=) when given."""
    report = MarkReport()
    at = at or datetime.now(UTC)
    try:
        chain = x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        report.errors.append(("not_pem", f"not a PEM certificate chain: {exc}"[:200]))
        return report
    if not chain:
        report.errors.append(("not_pem", "no certificate in the file"))
        return report
    leaf, intermediates = chain[0], chain[1:]
    report.subject = leaf.subject.rfc4514_string()
    report.issuer = leaf.issuer.rfc4514_string()
    report.not_before, report.not_after = leaf.not_valid_before_utc, leaf.not_valid_after_utc
    report.chain_orgs = tuple(o for o in (_org(c.issuer) for c in chain) if o)
    report.issuer_org = report.chain_orgs[-1] if report.chain_orgs else ""
    marks = leaf.subject.get_attributes_for_oid(OID_MARK_TYPE)
    mark = str(marks[0].value) if marks else ""
    report.kind = "VMC" if mark in VMC_MARKS else "CMC" if mark in CMC_MARKS else ""
    if not mark:
        report.warnings.append("the subject has no markType (VMC/CMC cannot be told apart)")
    _check_chain(leaf, intermediates, roots, at, report)
    if at < report.not_before:
        report.errors.append(("not_yet_valid", f"valid from {report.not_before:%Y-%m-%d}"))
    elif at > report.not_after:
        report.errors.append(("expired", f"expired on {report.not_after:%Y-%m-%d}"))
    elif (report.not_after - at).days < 30:
        report.warnings.append(f"expires on {report.not_after:%Y-%m-%d}, in under 30 days")
    _check_eku(leaf, report)
    _check_names(leaf, domain, org_domain, report)
    _check_logo(leaf, logo, report)
    return report


def _check_chain(
    leaf: x509.Certificate,
    intermediates: list[x509.Certificate],
    roots: tuple[x509.Certificate, ...],
    at: datetime,
    report: MarkReport,
) -> None:
    if not roots:
        report.errors.append(("chain", "no Mark Verifying Authority roots to check against"))
        return
    ee_policy = (
        ExtensionPolicy.permit_all()
        .require_present(x509.SubjectAlternativeName, Criticality.AGNOSTIC, None)
        .may_be_present(x509.ExtendedKeyUsage, Criticality.AGNOSTIC, None)
    )
    ca_policy = (
        ExtensionPolicy.permit_all()
        .require_present(x509.BasicConstraints, Criticality.AGNOSTIC, None)
        .may_be_present(x509.ExtendedKeyUsage, Criticality.AGNOSTIC, None)
    )
    verifier = (
        PolicyBuilder()
        .store(Store(list(roots)))
        .time(at)
        .max_chain_depth(5)
        .extension_policies(ee_policy=ee_policy, ca_policy=ca_policy)
        .build_client_verifier()
    )
    try:
        verifier.verify(leaf, intermediates)
    except VerificationError as exc:
        text = str(exc)
        if "candidates exhausted" in text or "no issuer" in text.lower():
            text = "not issued by a recognised Mark Verifying Authority"
        report.errors.append(("chain", text[:300]))


def _check_eku(leaf: x509.Certificate, report: MarkReport) -> None:
    try:
        usages = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        report.errors.append(("eku", "no extended key usage (BIMI needs 1.3.6.1.5.5.7.3.31)"))
        return
    if OID_BIMI_EKU not in usages:
        others = ", ".join(u.dotted_string for u in usages)
        report.errors.append(("eku", f"not a BIMI certificate (extended key usage {others})"))


def _check_names(leaf: x509.Certificate, domain: str, org_domain: str, report: MarkReport) -> None:
    try:
        san = leaf.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
    except x509.ExtensionNotFound:
        report.errors.append(("domain", "no subject alternative names"))
        return
    report.domains = tuple(n.lower().rstrip(".") for n in san.get_values_for_type(x509.DNSName))
    wanted = {d for d in (domain.lower(), org_domain.lower()) if d}
    if domain and not wanted & set(report.domains):
        report.errors.append(
            ("domain", f"names {', '.join(report.domains) or 'no domain'}, not {domain}")
        )


def embedded_logo(leaf: x509.Certificate) -> tuple[bytes | None, bytes | None, str]:
    """(the SVG in the logotype extension, its SHA-256 from the extension, a problem or "")."""
    try:
        raw = leaf.extensions.get_extension_for_oid(OID_LOGOTYPE).value
    except x509.ExtensionNotFound:
        return None, None, "no logotype extension (RFC 3709)"
    der = raw.value if isinstance(raw, x509.UnrecognizedExtension) else b""
    try:
        extn, _ = decoder.decode(der, asn1Spec=rfc3709.LogotypeExtn())
        details = extn["subjectLogo"]["direct"]["image"][0]["imageDetails"]
        uri = str(details["logotypeURI"][0])
        hashes = {
            str(h["hashAlg"]["algorithm"]): bytes(h["hashValue"]) for h in details["logotypeHash"]
        }
    except (PyAsn1Error, IndexError, KeyError, ValueError) as exc:
        return None, None, f"the logotype extension cannot be read: {type(exc).__name__}"
    if not uri.startswith("data:") or ";base64," not in uri:
        return None, hashes.get(SHA256), "the logotype is not an embedded data: URI"
    digest = hashes.get(SHA256)
    try:
        encoded = base64.b64decode(uri.split(";base64,", 1)[1], validate=False)
        data = encoded
        if data[:2] == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
                data = handle.read(MAX_LOGO_BYTES + 1)
    except (binascii.Error, OSError, EOFError, zlib.error) as exc:
        return None, digest, f"the embedded logo cannot be decoded: {exc}"
    if len(data) > MAX_LOGO_BYTES:
        return None, digest, "the embedded logo is too large"
    if digest is not None and hashlib.sha256(encoded).digest() == digest:
        digest = hashlib.sha256(data).digest()  # the hash covers the .svgz as embedded
    return data, digest, ""


def _check_logo(leaf: x509.Certificate, logo: bytes | None, report: MarkReport) -> None:
    embedded, digest, problem = embedded_logo(leaf)
    if problem:
        report.errors.append(("no_logo", problem))
        return
    assert embedded is not None
    report.logo = embedded
    if digest is not None and hashlib.sha256(embedded).digest() != digest:
        report.errors.append(("logo_hash", "the embedded logo does not match its own hash"))
    if logo is not None and hashlib.sha256(logo).digest() != hashlib.sha256(embedded).digest():
        report.errors.append(
            (
                "logo_mismatch",
                f"the certificate's logo (sha256 {hashlib.sha256(embedded).hexdigest()[:16]}…) "
                f"is not the logo at l= (sha256 {hashlib.sha256(logo).hexdigest()[:16]}…)",
            )
        )
