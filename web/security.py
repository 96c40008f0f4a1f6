"""Who may call the API, and the headers every response carries.

Keys: none needed on loopback by default; once keys are configured every API call must present
one (`X-API-Key: KEY` or `Authorization: Bearer KEY`), compared in constant time. Without keys,
clients that are not on loopback are refused unless `SPAMSCORE_API_OPEN=1` says the API is
meant to be open (behind a private network, say).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from flask import Request, Response

# The page itself: our own scripts and styles only, the preview frame from our own origin.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"


class ApiKeys:
    """The configured keys, held as SHA-256 digests so comparison time is independent of them."""

    def __init__(self, keys: tuple[str, ...], *, open_without_keys: bool = False) -> None:
        self._digests = [hashlib.sha256(k.encode("utf-8")).digest() for k in keys]
        self._identities = frozenset(identity_of(k) for k in keys)
        self.open_without_keys = open_without_keys

    @property
    def required(self) -> bool:
        return bool(self._digests)

    def valid(self, presented: str) -> bool:
        digest = hashlib.sha256(presented.encode("utf-8", "surrogateescape")).digest()
        matched = False
        for known in self._digests:  # no early exit: every key is compared every time
            matched |= hmac.compare_digest(digest, known)
        return matched

    def allows_without_key(self, remote_addr: str | None) -> bool:
        return not self.required and (self.open_without_keys or is_loopback(remote_addr))

    def knows_identity(self, who: str) -> bool:
        """`who` (a signed-in session's caller id) belongs to a key configured now."""
        return who in self._identities


def identity_of(key: str) -> str:
    """A key as callers are counted and reports owned: hashed, never the key itself."""
    return "key:" + hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:24]


def presented_key(request: Request) -> str | None:
    key = request.headers.get("X-API-Key")
    if key:
        return key.strip()
    auth = request.headers.get("Authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def caller_identity(request: Request, keys: ApiKeys) -> str:
    """Who is calling, as rate limits, quotas and stored reports count callers: a valid API
    key (hashed: the key itself is never stored), else the client IP (after trusted proxies)."""
    presented = presented_key(request)
    if presented and keys.required and keys.valid(presented):
        return identity_of(presented)
    if keys.required:
        from flask import session

        who = session.get("who")
        if isinstance(who, str) and keys.knows_identity(who):
            return who
    return "ip:" + (request.remote_addr or "unknown")


def is_loopback(address: str | None) -> bool:
    if not address:
        return False
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # Pages: a referrer only to our own origin. "no-referrer" would also make browsers send
    # `Origin: null` with our own forms, which web.access must refuse as from another site.
    is_page = (response.mimetype or "") == "text/html"
    headers.setdefault("Referrer-Policy", "same-origin" if is_page else "no-referrer")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if "Content-Security-Policy" not in headers:
        is_html = (response.mimetype or "") == "text/html"
        headers["Content-Security-Policy"] = PAGE_CSP if is_html else API_CSP
        headers.setdefault("X-Frame-Options", "DENY")
    return response
