"""DKIM (RFC 6376, RFC 8463 ed25519): verify every signature over the raw bytes with dkimpy.

dkimpy fetches keys through `dnsfunc=`, which we point at the per-message `DnsSession`; a DNS
failure raises our own exception through dkimpy (which only swallows its own errors), so it
becomes a `temperror`, never a "fail". Keys under 1024 bits are verified but not accepted
(RFC 8301 §3.2), so the weak key can be named in the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import dkim
from dkim.util import InvalidTagValueList, parse_tag_value

from scorer.dns import DnsSession

MIN_KEY_BITS = 1024
"""RFC 8301 §3.2 and the mailbox providers: shorter RSA keys do not count."""
RECOMMENDED_KEY_BITS = 2048


class DnsUnavailableError(Exception):
    """A key lookup timed out or failed; carried through dkimpy as a temperror."""


@dataclass
class SignatureResult:
    index: int
    result: str
    """pass, fail (signature or body hash does not verify), permerror (malformed signature or
    key, key missing), or temperror (DNS failed)."""
    reason: str = ""
    domain: str = ""
    selector: str = ""
    algorithm: str = ""
    identity: str = ""
    key_type: str = ""
    key_bits: int = 0
    signed_headers: tuple[str, ...] = ()
    crypto_ok: bool = False
    """The signature verifies cryptographically (even when the key is too short to count)."""

    @property
    def passed(self) -> bool:
        return self.result == "pass"


@dataclass
class KeyResult:
    """A published key checked without a signature (for a draft that is not yet signed)."""

    name: str
    status: str
    """ok, none (no key record), permerror (unusable record), temperror."""
    key_type: str = ""
    key_bits: int = 0
    reason: str = ""
    record: str = ""


class _Recorder:
    """A logger stand-in that keeps dkimpy's messages, to explain a failure."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def debug(self, *args: Any, **_: Any) -> None:
        pass

    info = debug

    def error(self, msg: Any, *args: Any, **_: Any) -> None:
        self.messages.append(str(msg) % args if args else str(msg))

    warning = error


def _dnsfunc(session: DnsSession):  # type: ignore[no-untyped-def]
    def lookup(name: bytes, timeout: float = 5) -> bytes | None:
        text = name.decode("ascii", "replace") if isinstance(name, bytes) else str(name)
        answer = session.txt(text.rstrip("."))
        if answer.temperror:
            raise DnsUnavailableError(answer.describe())
        texts = answer.raw_texts()
        return texts[0] if answer.ok and texts else None

    return lookup


def signature_tags(value: str) -> dict[str, str]:
    """Tags of one DKIM-Signature value (offline); {} when it does not parse."""
    try:
        tags = parse_tag_value(value.encode("utf-8", "surrogateescape"))
    except (InvalidTagValueList, ValueError):
        return {}
    return {
        k.decode("ascii", "replace").lower(): v.decode("utf-8", "replace") for k, v in tags.items()
    }


def signed_header_names(tags: dict[str, str]) -> tuple[str, ...]:
    return tuple(h.strip().lower() for h in re.split(r"\s*:\s*", tags.get("h", "")) if h.strip())


def verify_all(session: DnsSession, raw: bytes) -> list[SignatureResult]:
    """One result per DKIM-Signature header, topmost first."""
    recorder = _Recorder()
    try:
        verifier = dkim.DKIM(raw, logger=recorder, minkey=0)
    except Exception as exc:  # dkimpy raises on messages it cannot split into headers and body
        return [SignatureResult(0, "permerror", f"message could not be read: {exc}")]
    signatures = [v for k, v in verifier.headers if k.lower() == b"dkim-signature"]
    lookup = _dnsfunc(session)
    results = []
    for index, header in enumerate(signatures):
        recorder.messages.clear()
        verifier.keysize = 0
        verifier.ktag = None
        tags = signature_tags(header.decode("utf-8", "surrogateescape"))
        base = SignatureResult(
            index,
            "permerror",
            domain=tags.get("d", "").strip().lower(),
            selector=tags.get("s", "").strip(),
            algorithm=tags.get("a", "").strip().lower(),
            identity=tags.get("i", "").strip(),
            signed_headers=signed_header_names(tags),
        )
        try:
            ok = verifier.verify(idx=index, dnsfunc=lookup)
        except DnsUnavailableError as exc:
            base.result, base.reason = "temperror", str(exc)
            results.append(base)
            continue
        except dkim.DKIMException as exc:
            # A body that no longer matches bh= is a failed signature; every other complaint
            # (missing tags, bad i=, expired x=, bad c=) makes the signature unusable.
            mismatch = "body hash mismatch" in str(exc)
            base.result, base.reason = ("fail" if mismatch else "permerror"), str(exc)
            base.key_bits = int(verifier.keysize or 0)
            base.key_type = verifier.ktag.decode("ascii", "replace") if verifier.ktag else ""
            results.append(base)
            continue
        except Exception as exc:  # hostile input must not take the check down
            base.result, base.reason = "permerror", f"{type(exc).__name__}: {exc}"
            results.append(base)
            continue
        base.key_bits = int(verifier.keysize or 0)
        base.key_type = (verifier.ktag or b"").decode("ascii", "replace") if verifier.ktag else ""
        reason = "; ".join(recorder.messages)
        if ok:
            base.crypto_ok = True
            if base.key_type == "rsa" and base.key_bits < MIN_KEY_BITS:
                base.result = "fail"
                base.reason = (
                    f"RSA key of {base.key_bits} bits is under {MIN_KEY_BITS} (RFC 8301 §3.2)"
                )
            else:
                base.result = "pass"
        elif not base.key_bits:  # the key was never loaded: missing or unusable
            base.result, base.reason = "permerror", reason or "key not usable"
        else:
            base.result, base.reason = "fail", reason or "signature does not verify"
        results.append(base)
    return results


def check_key(session: DnsSession, selector: str, domain: str) -> KeyResult:
    """The key at `selector._domainkey.domain`: present, parseable, its type and length."""
    name = f"{selector.strip()}._domainkey.{domain.strip().rstrip('.')}".lower()
    answer = session.txt(name)
    if answer.temperror:
        return KeyResult(name, "temperror", reason=answer.describe())
    texts = answer.raw_texts()
    if not answer.ok or not texts:
        return KeyResult(name, "none", reason="no key record")
    record = texts[0]
    try:
        _pk, bits, ktag, _tlsrpt = dkim.evaluate_pk(name.encode(), record)
    except dkim.DKIMException as exc:
        return KeyResult(
            name, "permerror", reason=str(exc), record=record.decode("ascii", "replace")
        )
    except Exception as exc:  # a corrupt p= can break the ASN.1 parser in other ways
        return KeyResult(
            name,
            "permerror",
            reason=f"{type(exc).__name__}: {exc}",
            record=record.decode("ascii", "replace"),
        )
    if ktag is None:
        return KeyResult(name, "permerror", reason="key record is for another service (s=)")
    return KeyResult(
        name,
        "ok",
        key_type=ktag.decode("ascii"),
        key_bits=int(bits or 0),
        record=record.decode("ascii", "replace"),
    )


@dataclass
class DkimSummary:
    """What the checks and requirements need, computed once per message (ctx.memo)."""

    signatures: list[SignatureResult] = field(default_factory=list)
    key: KeyResult | None = None

    @property
    def passing(self) -> list[SignatureResult]:
        return [s for s in self.signatures if s.passed]

    @property
    def temperror(self) -> bool:
        return any(s.result == "temperror" for s in self.signatures) or (
            self.key is not None and self.key.status == "temperror"
        )
