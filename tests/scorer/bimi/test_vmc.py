"""Mark certificates made at test time: chain, names, validity, EKU, logo, Apple's distrust."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509

from scorer.bimi.vmc import check_certificate
from scorer.rules import load_rules
from tests.support.pki import make_ca, mark_certificate

BIMI = Path(__file__).parents[2] / "data" / "bimi"
LOGO = (BIMI / "valid_tiny_ps.svg").read_bytes()
OTHER = LOGO.replace(b"#c8102e", b"#0050a0")


def test_a_valid_vmc_chains_names_the_domain_and_carries_the_logo():
    ca = make_ca()
    vmc = mark_certificate(ca, domains=["shop.example"], svg=LOGO)
    report = check_certificate(vmc.pem, domain="shop.example", logo=LOGO, roots=(ca.cert,))
    assert report.ok, report.errors
    assert report.kind == "VMC" and report.logo == LOGO and report.domains == ("shop.example",)


def test_a_certificate_that_does_not_match_the_logo():
    ca = make_ca()
    vmc = mark_certificate(ca, domains=["shop.example"], svg=LOGO)
    report = check_certificate(vmc.pem, domain="shop.example", logo=OTHER, roots=(ca.cert,))
    assert report.codes() == {"logo_mismatch"}


def test_the_embedded_logo_must_match_its_own_hash():
    ca = make_ca()
    vmc = mark_certificate(ca, domains=["shop.example"], svg=LOGO, hash_of=OTHER)
    report = check_certificate(vmc.pem, domain="shop.example", roots=(ca.cert,))
    assert "logo_hash" in report.codes()


def test_untrusted_expired_wrong_domain_and_wrong_eku():
    ca, stranger = make_ca(), make_ca("Someone Else", "Not an MVA")
    old = datetime.now(UTC) - timedelta(days=800)
    vmc = mark_certificate(
        stranger,
        domains=["other.example"],
        svg=LOGO,
        not_before=old,
        days=365,
        eku=x509.ObjectIdentifier("1.3.6.1.5.5.7.3.1"),
    )
    report = check_certificate(vmc.pem, domain="shop.example", logo=LOGO, roots=(ca.cert,))
    assert {"chain", "expired", "domain", "eku"} <= report.codes()


def test_a_cmc_is_told_apart_and_the_shipped_roots_load():
    ca = make_ca()
    cmc = mark_certificate(ca, domains=["shop.example"], svg=LOGO, mark="Prior Use Mark")
    assert check_certificate(cmc.pem, domain="shop.example", roots=(ca.cert,)).kind == "CMC"
    shipped = load_rules().lists.mark_roots
    names = [r.subject.rfc4514_string() for r in shipped]
    assert any("DigiCert Verified Mark Root CA" in n for n in names) and len(names) == 4
    # a test certificate does not chain to the real Mark Verifying Authorities
    assert "chain" in check_certificate(cmc.pem, domain="shop.example", roots=shipped).codes()


def test_not_pem():
    report = check_certificate(b"hello", domain="shop.example", roots=())
    assert report.codes() == {"not_pem"}
