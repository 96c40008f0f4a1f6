"""DKIM with keys made in the test, published on the test DNS server, verified by our code."""

from __future__ import annotations

import time

import pytest

from scorer.auth import dkim as dkim_auth
from scorer.compose import compose_message
from scorer.dns import Resolver
from tests.support.dkim_keys import ed25519_key, rsa_key, sign

DOMAIN = "dkim-test.example"


@pytest.fixture(scope="module")
def keys(dns_server):
    made = {
        "rsa2048": rsa_key(2048),
        "rsa1024": rsa_key(1024),
        "rsa512": rsa_key(512),
        "ed": ed25519_key(),
    }
    zones = {f"{name}._domainkey.{DOMAIN}": [{"TXT": key.record}] for name, key in made.items()}
    zones[f"broken._domainkey.{DOMAIN}"] = [{"TXT": "v=DKIM1; k=rsa; p=AAAA"}]
    zones[f"sf._domainkey.{DOMAIN}"] = ["SERVFAIL"]
    dns_server.zones.update(zones)
    return made


@pytest.fixture
def session(dns_server):
    resolver = Resolver([dns_server.address], timeout_ms=300)
    return resolver.session(deadline=time.monotonic() + 5, max_queries=100)


def _message() -> bytes:
    return compose_message(from_=f"News <news@{DOMAIN}>", message_id=f"<k@{DOMAIN}>")


@pytest.mark.parametrize(
    ("selector", "kind", "bits"),
    [("rsa2048", "rsa", 2048), ("rsa1024", "rsa", 1024), ("ed", "ed25519", 256)],
)
def test_valid_signatures(keys, session, selector, kind, bits):
    raw = sign(_message(), keys[selector], selector=selector, domain=DOMAIN)
    [result] = dkim_auth.verify_all(session, raw)
    assert (result.result, result.key_type, result.key_bits) == ("pass", kind, bits)
    assert result.domain == DOMAIN and "from" in result.signed_headers


def test_key_under_1024_bits_does_not_count(keys, session):
    raw = sign(_message(), keys["rsa512"], selector="rsa512", domain=DOMAIN)
    [result] = dkim_auth.verify_all(session, raw)
    assert result.result == "fail" and result.crypto_ok and result.key_bits == 512
    assert "RFC 8301" in result.reason


def test_changed_body_fails(keys, session):
    raw = sign(_message(), keys["ed"], selector="ed", domain=DOMAIN) + b"added footer\r\n"
    [result] = dkim_auth.verify_all(session, raw)
    assert result.result == "fail" and "body hash" in result.reason


def test_two_signatures_each_get_a_result(keys, session):
    raw = sign(_message(), keys["rsa2048"], selector="rsa2048", domain=DOMAIN)
    raw = sign(raw, keys["ed"], selector="ed", domain=DOMAIN)
    results = dkim_auth.verify_all(session, raw)
    assert [(r.selector, r.result) for r in results] == [("ed", "pass"), ("rsa2048", "pass")]


@pytest.mark.parametrize(
    ("selector", "result"), [("missing", "permerror"), ("broken", "permerror"), ("sf", "temperror")]
)
def test_key_problems(keys, session, selector, result):
    raw = sign(_message(), keys["rsa2048"], selector="rsa2048", domain=DOMAIN)
    raw = raw.replace(b"s=rsa2048", f"s={selector}".encode(), 1)
    [outcome] = dkim_auth.verify_all(session, raw)
    assert outcome.result == result


@pytest.mark.parametrize(
    ("selector", "status", "bits"),
    [
        ("rsa2048", "ok", 2048),
        ("ed", "ok", 256),
        ("missing", "none", 0),
        ("broken", "permerror", 0),
        ("sf", "temperror", 0),
    ],
)
def test_published_key_for_a_draft(keys, session, selector, status, bits):
    key = dkim_auth.check_key(session, selector, DOMAIN)
    assert (key.status, key.key_bits) == (status, bits)


def test_garbage_is_a_permerror_not_an_exception(session):
    raw = b"DKIM-Signature: v=1; a=rsa-sha256; d=x; s=y; b=!!\r\nFrom: a@b\r\n\r\nhi\r\n"
    [result] = dkim_auth.verify_all(session, raw)
    assert result.result == "permerror"
