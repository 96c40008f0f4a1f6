"""A guarded HTTPS fetcher for the opt-in fetches (BIMI `l=` logos and `a=` mark certificates).

The URL comes from someone else's DNS, so it is hostile input: it may name an address inside
our network (server-side request forgery), redirect there, be slow, or be huge. Every fetch:

- is HTTPS only, with certificate and host-name verification (a redirect to http is refused);
- resolves the host once through our resolver (`scorer.dns`) and connects to that very address,
  so a second DNS answer cannot move the connection elsewhere (DNS rebinding);
- refuses every address that is not globally routable: loopback, private (10/8, 172.16/12,
  192.168/16, fc00::/7), link-local (169.254/16, fe80::/10), shared (100.64/10), multicast,
  reserved, unspecified, documentation and benchmarking ranges, and IPv4-mapped, NAT64 and 6to4
  IPv6 forms of any of these; the same for every redirect, at most `MAX_REDIRECTS`;
- caps the body (`max_bytes`, also after gzip) and the whole exchange (`timeout_s`);
- sends no cookies and keeps none, no credentials, no Referer;
- serves only the purposes in `PURPOSES`: it never fetches unsubscribe or click-tracking links
  (a URL that looks like one is refused whatever the purpose).

Allow-list: `Fetcher(allow=...)` names (host, port) pairs that may be non-global, and `cafile`
adds a trust anchor. They exist for the tests, which serve HTTPS on 127.0.0.1 with a
certificate made at run time; nothing in the product passes them (no setting reaches them).
"""

from __future__ import annotations

import gzip
import http.client
import io
import ipaddress
import socket
import ssl
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from scorer.dns import DnsSession

PURPOSES = ("bimi-indicator", "bimi-evidence")
"""What the fetcher may be asked for. Links in a message (unsubscribe, tracking) are never it."""
MAX_REDIRECTS = 3
DEFAULT_MAX_BYTES = 65_536
DEFAULT_TIMEOUT_S = 5.0
USER_AGENT = "spamscore-bimi-check/1 (+https://github.com/spamscore)"
_REFUSED_PATH_WORDS = ("unsubscribe", "optout", "opt-out", "/track/", "/click", "/wf/click")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SHARED = ipaddress.ip_network("100.64.0.0/10")


class FetchError(Exception):
    """The fetch was refused or failed; `reason` is a short code, the message says why."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Fetched:
    url: str
    """The final URL (after redirects)."""
    address: str
    """The IP address the connection went to."""
    status: int
    content_type: str
    body: bytes
    redirects: tuple[str, ...] = ()


def refusal(address: str) -> str | None:
    """Why an IP address may not be fetched from, or None when it is globally routable."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            inner = refusal(str(embedded))
            return f"IPv6 form of an address that is {inner}" if inner else None
    for test, what in (
        (ip.is_loopback, "loopback"),
        (ip.is_unspecified, "unspecified"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED, "shared (carrier-grade NAT)"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
        (not ip.is_global, "not globally routable"),
    ):
        if test:
            return what
    return None


def refuse_link(url: str) -> str | None:
    """Why a URL must never be fetched by us (it unsubscribes or records a click), or None."""
    lowered = url.lower()
    if lowered.startswith("mailto:"):
        return "a mailto: link"
    path = urlsplit(lowered).path + "?" + urlsplit(lowered).query
    for word in _REFUSED_PATH_WORDS:
        if word in path:
            return f"looks like an unsubscribe or tracking link ({word!r})"
    return None


@dataclass
class Fetcher:
    """Fetches over HTTPS under the rules in the module docstring. Thread-safe; no state kept."""

    max_bytes: int = DEFAULT_MAX_BYTES
    timeout_s: float = DEFAULT_TIMEOUT_S
    allow: frozenset[tuple[str, int]] = frozenset()
    """(host, port) pairs exempt from the address rules: tests only (see the module docstring)."""
    cafile: str | None = None
    """An extra trust anchor (PEM), for the tests' own certificate authority."""
    _context: ssl.SSLContext | None = field(default=None, init=False, repr=False)

    def context(self) -> ssl.SSLContext:
        if self._context is None:
            context = ssl.create_default_context(cafile=self.cafile)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            self._context = context
        return self._context

    def fetch(self, url: str, session: DnsSession, *, purpose: str) -> Fetched:
        """GET `url` for `purpose`; raises FetchError (and nothing else) when refused or failed."""
        if purpose not in PURPOSES:
            raise FetchError("purpose", f"the fetcher does not fetch for {purpose!r}")
        deadline = time.monotonic() + self.timeout_s
        redirects: list[str] = []
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            response = self._one(current, session, deadline)
            if response.status in (301, 302, 303, 307, 308):
                location = response.content_type  # _one puts Location here for a redirect
                if not location:
                    raise FetchError("redirect", f"{current}: redirect without a Location")
                redirects.append(current)
                current = urljoin(current, location)
                continue
            return Fetched(
                current,
                response.address,
                response.status,
                response.content_type,
                response.body,
                tuple(redirects),
            )
        raise FetchError("redirect", f"more than {MAX_REDIRECTS} redirects from {url}")

    # --- one request -------------------------------------------------------------------------
    def _one(self, url: str, session: DnsSession, deadline: float) -> Fetched:
        refused = refuse_link(url)
        if refused:
            raise FetchError("link", f"{url}: {refused}; such links are never fetched")
        parts = urlsplit(url)
        if parts.scheme != "https":
            raise FetchError("scheme", f"{url}: only https is fetched")
        if parts.username or parts.password:
            raise FetchError("credentials", f"{url}: a URL with credentials is not fetched")
        host = (parts.hostname or "").rstrip(".").lower()
        if not host:
            raise FetchError("host", f"{url}: no host")
        port = parts.port or 443
        address = self._address(host, port, session)
        left = deadline - time.monotonic()
        if left <= 0:
            raise FetchError("timeout", f"{url}: time limit of {self.timeout_s:g} s reached")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            raw = socket.create_connection((address, port), timeout=left)
        except OSError as exc:
            raise FetchError("connect", f"{host} ({address}): {exc}") from None
        tls: ssl.SSLSocket | None = None
        responses: list[http.client.HTTPResponse] = []
        try:
            tls = self.context().wrap_socket(
                raw, server_hostname=host, do_handshake_on_connect=False
            )
            tls.settimeout(max(deadline - time.monotonic(), 0.01))
            tls.do_handshake()
            request = (
                f"GET {path} HTTP/1.1\r\nHost: {parts.netloc.rsplit('@', 1)[-1]}\r\n"
                f"User-Agent: {USER_AGENT}\r\nAccept: image/svg+xml, application/pkix-cert, "
                "application/x-pem-file, */*;q=0.5\r\nAccept-Encoding: gzip\r\n"
                "Connection: close\r\n\r\n"
            )
            tls.sendall(request.encode("ascii", "strict"))
            response = http.client.HTTPResponse(tls, method="GET")
            responses.append(response)
            response.begin()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location") or ""
                return Fetched(url, address, response.status, location, b"")
            if response.status != 200:
                raise FetchError("status", f"{url}: HTTP {response.status}")
            declared = response.getheader("Content-Length")
            if declared and declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError("size", f"{url}: {declared} bytes, over {self.max_bytes}")
            body = self._read(response, url, deadline)
            encoding = (response.getheader("Content-Encoding") or "").lower()
            content_type = response.getheader("Content-Type") or ""
        except FetchError:
            raise
        except ssl.SSLCertVerificationError as exc:
            why = exc.verify_message
            raise FetchError("tls", f"{host}: certificate not trusted ({why})") from None
        except (OSError, ssl.SSLError, http.client.HTTPException, ValueError) as exc:
            what = "timeout" if isinstance(exc, TimeoutError) else "http"
            raise FetchError(what, f"{url}: {type(exc).__name__}: {exc}"[:300]) from None
        finally:
            for opened in responses:
                opened.close()
            if tls is not None:
                tls.close()
            raw.close()
        if encoding == "gzip":
            body = self._gunzip(body, url)
        return Fetched(url, address, 200, content_type, body)

    def _address(self, host: str, port: int, session: DnsSession) -> str:
        """Resolve once through our resolver; the first allowed address is the one used."""
        candidates = [host] if _is_ip(host) else self._resolve(host, session)
        reasons = []
        for address in candidates:
            if (host, port) in self.allow or (address, port) in self.allow:
                return address
            why = refusal(address)
            if why is None:
                return address
            reasons.append(f"{address} is {why}")
        raise FetchError("address", f"{host}: refused: " + "; ".join(reasons))

    @staticmethod
    def _resolve(host: str, session: DnsSession) -> list[str]:
        a, aaaa = session.addresses(host)
        if a.temperror and aaaa.temperror:
            raise FetchError("dns", f"{host}: {a.describe()}")
        candidates = [str(x) for x in (*a.records, *aaaa.records)]
        if not candidates:
            raise FetchError("dns", f"{host}: no A or AAAA record")
        return candidates

    def _read(self, response: http.client.HTTPResponse, url: str, deadline: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() > deadline:
                raise FetchError("timeout", f"{url}: time limit of {self.timeout_s:g} s reached")
            chunk = response.read1(16_384)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError("size", f"{url}: over {self.max_bytes} bytes")
            chunks.append(chunk)

    def _gunzip(self, body: bytes, url: str) -> bytes:
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out = decompressor.decompress(body, self.max_bytes + 1)
        except zlib.error as exc:
            raise FetchError("gzip", f"{url}: bad gzip: {exc}") from None
        if len(out) > self.max_bytes or decompressor.unconsumed_tail:
            raise FetchError("size", f"{url}: over {self.max_bytes} bytes once decompressed")
        return out


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def gunzip_capped(data: bytes, limit: int) -> bytes:
    """Decompress an .svgz upload under the same cap as a fetch (a small file can expand)."""
    if data[:2] != b"\x1f\x8b":
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise FetchError("gzip", f"bad gzip: {exc}") from None
    if len(out) > limit:
        raise FetchError("size", f"over {limit} bytes once decompressed")
    return out


def allow_list(pairs: Iterable[tuple[str, int]]) -> frozenset[tuple[str, int]]:
    """The tests' allow-list: (host, port) pairs exempt from the address rules."""
    return frozenset((h.lower(), int(p)) for h, p in pairs)
