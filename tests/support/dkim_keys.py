"""DKIM keys made on the spot (cryptography, PyNaCl) and signing with dkimpy, for tests.

No private key is kept in the repository: tests make their own, and the fixture messages under
tests/data/messages were signed by tests/support/make_dkim_fixtures.py with keys it discarded.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import dkim
import nacl.signing
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


@dataclass(frozen=True)
class Key:
    kind: str
    """rsa or ed25519."""
    private: bytes
    """PEM (PKCS#1) for RSA; base64 seed for ed25519, as dkimpy takes them."""
    record: str
    """The TXT value to publish at <selector>._domainkey.<domain>."""


def _probable_prime(bits: int) -> int:
    """A random prime of `bits` bits (Miller-Rabin, 40 rounds): for test keys only."""
    while True:
        candidate = secrets.randbits(bits) | (1 << (bits - 1)) | 1
        if all(candidate % p for p in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31)) and _is_prime(
            candidate
        ):
            return candidate


def _is_prime(n: int) -> bool:
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(40):
        x = pow(secrets.randbelow(n - 3) + 2, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _small_rsa(bits: int) -> rsa.RSAPrivateKey:
    """cryptography refuses to generate keys under 1024 bits; weak-key tests need them."""
    e = 65537
    while True:
        p, q = _probable_prime(bits // 2), _probable_prime(bits // 2)
        n = p * q
        phi = (p - 1) * (q - 1)
        if p != q and n.bit_length() == bits and phi % e:
            break
    d = pow(e, -1, phi)
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), rsa.RSAPublicNumbers(e, n)
    )
    return numbers.private_key(unsafe_skip_rsa_key_validation=True)


def rsa_key(bits: int = 2048) -> Key:
    if bits < 1024:
        key = _small_rsa(bits)
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return Key("rsa", private, f"v=DKIM1; k=rsa; p={base64.b64encode(public).decode()}")


def ed25519_key() -> Key:
    signing = nacl.signing.SigningKey.generate()
    seed = base64.b64encode(bytes(signing))
    public = base64.b64encode(bytes(signing.verify_key)).decode()
    return Key("ed25519", seed, f"v=DKIM1; k=ed25519; p={public}")


def sign(
    message: bytes,
    key: Key,
    *,
    selector: str,
    domain: str,
    headers: Sequence[str] | None = None,
) -> bytes:
    """`message` with a DKIM-Signature prepended (relaxed/relaxed)."""
    include = [h.encode() for h in headers] if headers else None
    signature = dkim.sign(
        message,
        selector.encode(),
        domain.encode(),
        key.private,
        include_headers=include,
        canonicalize=(b"relaxed", b"relaxed"),
        signature_algorithm=b"ed25519-sha256" if key.kind == "ed25519" else b"rsa-sha256",
    )
    return signature + message
