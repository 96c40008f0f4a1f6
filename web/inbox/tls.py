"""STARTTLS for the inbox: the configured certificate, or a self-signed one made on first run.

Senders deliver with opportunistic TLS (RFC 7435) and do not check a certificate they have no
reason to trust, so a self-signed one is enough to learn whether, and with which version, a
sender encrypts. It is made once and reused: on the SQLite default, into the data directory;
on a shared database (PostgreSQL), into the store, so every inbox replica behind one MX name
presents the same certificate and none needs another's data directory (the first replica to
start makes it, the others take it). Configured files (SPAMSCORE_INBOX_TLS_CERT/_KEY, e.g. a
Kubernetes Secret) take precedence over both.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import ipaddress
import os
import ssl
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from scorer.errors import SettingsError

if TYPE_CHECKING:
    from web.store import ReportStore

_DIR = "inbox-tls"
_VALID_DAYS = 825


def self_signed_paths(data_dir: Path) -> tuple[Path, Path]:
    return data_dir / _DIR / "cert.pem", data_dir / _DIR / "key.pem"


def ensure_self_signed(data_dir: Path, hostname: str) -> tuple[Path, Path]:
    """The self-signed pair in the data directory, made now if absent (key mode 0600)."""
    cert_path, key_path = self_signed_paths(data_dir)
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    # Two inboxes starting at once on one data directory must not pair one's key with the
    # other's certificate.
    lock = os.open(cert_path.parent / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (cert_path.exists() and key_path.exists()):
            cert, key = _make_pair(hostname)
            _write_atomic(key_path, key, 0o600)
            _write_atomic(cert_path, cert, 0o644)
    finally:
        os.close(lock)
    return cert_path, key_path


def shared_self_signed(store: ReportStore, hostname: str) -> ssl.SSLContext:
    """A server context on the self-signed pair kept in the shared store, made now (and
    stored, first writer wins) if no replica made one yet."""
    name = f"inbox_tls:{hostname[:50]}"
    pem = store.get_value(name)
    if pem is None:
        cert, key = _make_pair(hostname)
        pem = store.put_value_if_absent(name, key + cert)
    return context_from_pem(pem)


def context_from_pem(pem: bytes) -> ssl.SSLContext:
    """A server context on a PEM key and certificate held in memory. The ssl module loads a
    chain only from files: they are written to a private temporary directory and removed at
    once (the context keeps its own copy)."""
    with tempfile.TemporaryDirectory(prefix="spamscore-tls-") as tmp:
        path = Path(tmp) / "pair.pem"
        _write_atomic(path, pem, 0o600)
        return server_context(path, path)


def _make_pair(hostname: str) -> tuple[bytes, bytes]:
    """A new self-signed certificate and its key, PEM: (cert, key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname[:64])])
    now = dt.datetime.now(dt.UTC)
    try:
        alt: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(hostname))
    except ValueError:
        alt = x509.DNSName(hostname)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=_VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName([alt]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_bytes


def _write_atomic(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    """A server context on the pair (TLS 1.2 and later); SettingsError if it cannot be read."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(str(cert), str(key))
    except (OSError, ssl.SSLError) as exc:
        raise SettingsError(f"cannot load the inbox TLS certificate {cert}: {exc}") from None
    return context
