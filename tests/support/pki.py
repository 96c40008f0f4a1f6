"""Certificates made at test time (cryptography): a CA, TLS server certificates, and BIMI mark
certificates (VMC/CMC) with the RFC 3709 logotype extension holding a logo."""

from __future__ import annotations

import base64
import gzip
import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyasn1.codec.der import encoder
from pyasn1.type import univ
from pyasn1_modules import rfc3709

BIMI_EKU = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.31")
MARK_TYPE = x509.ObjectIdentifier("1.3.6.1.4.1.53087.1.13")
LOGOTYPE = x509.ObjectIdentifier("1.3.6.1.5.5.7.1.12")


@dataclass
class Issued:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def _name(cn: str, org: str, extra: list[x509.NameAttribute] | None = None) -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ]
    return x509.Name(attrs + (extra or []))


def _ski(builder: x509.CertificateBuilder, key) -> x509.CertificateBuilder:  # type: ignore[no-untyped-def]
    return builder.add_extension(
        x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
    )


def make_ca(cn: str = "Test Mark Root", org: str = "Test MVA, Inc.", *, days: int = 3650) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC) - timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn, org))
        .issuer_name(_name(cn, org))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
    )
    builder = _ski(builder, key)
    return Issued(key, builder.sign(key, hashes.SHA256()))


def _leaf_builder(ca: Issued, subject: x509.Name, key, not_before, not_after):  # type: ignore[no-untyped-def]
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
    )
    return _ski(builder, key)


def tls_server(ca: Issued, *, hosts: list[str], ips: list[str] = ()) -> Issued:  # type: ignore[assignment]
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC) - timedelta(days=1)
    names: list[x509.GeneralName] = [x509.DNSName(h) for h in hosts]
    names += [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    builder = _leaf_builder(ca, _name(hosts[0], "Test Server"), key, now, now + timedelta(days=30))
    builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    builder = builder.add_extension(
        x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
    )
    return Issued(key, builder.sign(ca.key, hashes.SHA256()))


def logotype_extension(svg: bytes, *, hash_of: bytes | None = None) -> bytes:
    """The DER of an RFC 3709 LogotypeExtn embedding `svg` gzipped in a data: URI."""
    uri = "data:image/svg+xml;base64," + base64.b64encode(gzip.compress(svg, mtime=0)).decode()
    extn = rfc3709.LogotypeExtn()
    image = rfc3709.LogotypeImage()
    details = image["imageDetails"]
    details["mediaType"] = "image/svg+xml"
    digest = rfc3709.HashAlgAndValue()
    digest["hashAlg"]["algorithm"] = univ.ObjectIdentifier("2.16.840.1.101.3.4.2.1")
    digest["hashValue"] = hashlib.sha256(hash_of if hash_of is not None else svg).digest()
    details["logotypeHash"].append(digest)
    details["logotypeURI"].append(uri)
    extn["subjectLogo"]["direct"]["image"].append(image)
    return encoder.encode(extn)


def mark_certificate(
    ca: Issued,
    *,
    domains: list[str],
    svg: bytes,
    mark: str = "Registered Mark",
    not_before: datetime | None = None,
    days: int = 365,
    eku: x509.ObjectIdentifier = BIMI_EKU,
    hash_of: bytes | None = None,
) -> Issued:
    """A VMC ("Registered Mark") or CMC ("Prior Use Mark") for `domains` embedding `svg`."""
    key = ec.generate_private_key(ec.SECP256R1())
    start = not_before or datetime.now(UTC) - timedelta(days=1)
    subject = _name(domains[0], "Brand Owner, Inc.", [x509.NameAttribute(MARK_TYPE, mark)])
    builder = _leaf_builder(ca, subject, key, start, start + timedelta(days=days))
    builder = builder.add_extension(
        x509.SubjectAlternativeName([x509.DNSName(d) for d in domains]), critical=False
    )
    builder = builder.add_extension(x509.ExtendedKeyUsage([eku]), critical=False)
    builder = builder.add_extension(
        x509.UnrecognizedExtension(LOGOTYPE, logotype_extension(svg, hash_of=hash_of)),
        critical=False,
    )
    return Issued(key, builder.sign(ca.key, hashes.SHA256()))
