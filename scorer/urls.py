"""URL facts: find links in text, split them safely, and name their registrable domain (PSL).

Hostile URLs are normal input here, so nothing in this module raises on a broken URL: it yields
a `Url` whose `host` is empty and whose `valid` is False instead.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from publicsuffixlist import PublicSuffixList

_MAX_URL_CHARS = 2048

# Bounded, linear patterns: a scheme URL, or a bare www. host. No nested quantifiers.
_TEXT_URL = re.compile(
    r"""(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>"'`\x00-\x1f\u3000-\u303f\uff08\uff09]{1,2048}""",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}>'\"»」』】、。"
_IPV4_DOTTED = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_IPV4_OBFUSCATED = re.compile(r"^(?:0x[0-9a-f]+|\d+)(?:\.(?:0x[0-9a-f]+|\d+)){0,3}$", re.IGNORECASE)
_HOST_OK = re.compile(r"^[a-z0-9\-_.]+$")
_DOMAIN_IN_TEXT = re.compile(
    r"(?:https?://)?((?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})\b", re.IGNORECASE
)


@lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


@lru_cache(maxsize=1)
def _psl_strict() -> PublicSuffixList:
    return PublicSuffixList(accept_unknown=False)


@lru_cache(maxsize=8192)
def registrable_domain(host: str) -> str:
    """The organisational (registrable) domain of `host`, via the bundled public-suffix list.

    IP literals and hosts that are themselves a public suffix return the host unchanged.
    """
    host = host.strip(".").lower()
    if not host or is_ip_literal(host):
        return host
    try:
        private = _psl().privatesuffix(host)
    except Exception:  # the PSL library is strict about odd labels
        private = None
    return private or host


@lru_cache(maxsize=8192)
def is_ip_literal(host: str) -> bool:
    """True for `1.2.3.4`, `[2001:db8::1]`, and obfuscated IPv4 such as `3232235777` or `0x7f.1`."""
    host = host.strip("[]")
    if not host:
        return False
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    if _IPV4_OBFUSCATED.match(host) and not _IPV4_DOTTED.match(host):
        # Browsers accept decimal, octal and hex IPv4 forms (WHATWG URL "IPv4 parser").
        return any(c.isdigit() for c in host) and (
            (host.isdigit() and len(host) >= 8) or "0x" in host.lower() or host.count(".") >= 1
        )
    return False


@dataclass(frozen=True)
class Url:
    """One link as found in the message."""

    url: str
    scheme: str
    host: str
    domain: str
    source: str
    """Where it was found: text, a (href), img (src), form (action), css, other."""
    anchor_text: str = ""
    valid: bool = True
    userinfo: str = ""
    """What precedes `@` in the authority (`http://paypal.com@evil.example/`): a disguise."""
    port: int | None = None

    @property
    def is_ip(self) -> bool:
        return bool(self.host) and is_ip_literal(self.host)


def make_url(raw: str, source: str, anchor_text: str = "") -> Url:
    """Split `raw` into a `Url`; malformed input gives `valid=False`, never an exception."""
    base = _split_url(raw)
    # The constructor, not dataclasses.replace: this runs for every link of every message.
    return Url(
        base.url,
        base.scheme,
        base.host,
        base.domain,
        source,
        anchor_text,
        base.valid,
        base.userinfo,
        base.port,
    )


@lru_cache(maxsize=8192)
def _split_url(raw: str) -> Url:
    """The source-independent part of `make_url`, cached: newsletters repeat their links and
    campaigns repeat them across messages (a 20 KB newsletter: 74 links, 8 distinct)."""
    source, anchor_text = "", ""
    text = raw.strip()[:_MAX_URL_CHARS]
    if text.lower().startswith("www."):
        text = "http://" + text
    try:
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").rstrip(".")
        userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
        port = parts.port
    except ValueError:
        return Url(text, "", "", "", source, anchor_text, valid=False)
    if scheme in ("http", "https", "ftp"):
        host = unquote(host).lower()
        valid = bool(host)
        if host and not is_ip_literal(host):
            try:
                host = host.encode("idna").decode("ascii") if not host.isascii() else host
            except UnicodeError:
                valid = False
            if valid and not _HOST_OK.match(host):
                valid = False
        domain = registrable_domain(host) if valid else ""
        return Url(text, scheme, host, domain, source, anchor_text, valid, unquote(userinfo), port)
    if scheme == "mailto":
        address = unquote(parts.path).split("?", 1)[0]
        host = address.rsplit("@", 1)[-1].lower() if "@" in address else ""
        return Url(
            text, scheme, host, registrable_domain(host) if host else "", source, anchor_text
        )
    return Url(text, scheme, "", "", source, anchor_text, valid=bool(scheme))


def find_urls_in_text(text: str, limit: int) -> list[str]:
    """Scheme and www. URLs in plain text, trailing punctuation trimmed, at most `limit`."""
    found: list[str] = []
    for match in _TEXT_URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        if url.count("(") < url.count(")"):
            url = url.rstrip(")")
        found.append(url)
        if len(found) >= limit:
            break
    return found


_URLISH_TOKEN = re.compile(r"^(?:https?://|www\.)", re.IGNORECASE)
_WHOLE_DOMAIN = re.compile(
    r"^(?:https?://)?(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?::\d{1,5})?(?:/\S*)?$",
    re.IGNORECASE,
)


def shown_domains(text: str) -> list[str]:
    """Hosts that `text` *presents as a link target*: a URL, a www. name, or a bare domain.

    "https://www.paypal.com/" and "paypal.com" count; "CNET News.com Daily" does not (a brand
    that contains a domain, in words), and neither does "Read more".
    """
    text = text.strip().strip("<>()[]\"'.,;:!?")
    if not text or len(text) > 500:
        return []
    if _WHOLE_DOMAIN.match(text):
        return domains_in_text(_host_part(text))
    hosts: list[str] = []
    for token in text.split():
        token = token.strip("<>()[]\"'.,;:!?")
        if _URLISH_TOKEN.match(token):
            hosts.extend(domains_in_text(_host_part(token)))
    return hosts


def _host_part(url_text: str) -> str:
    """What a shown URL names as its target: the scheme and host, not the names in its path or
    query (`http://opt-out.mailer.net/?e=jm@reader.com` shows opt-out.mailer.net only)."""
    scheme, sep, rest = url_text.partition("://")
    if not sep:
        scheme, rest = "", url_text
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    return f"{scheme}://{host}" if sep else host


def domains_in_text(text: str) -> list[str]:
    """Host names a reader would take for a link target in anchor text (`paypal.com`, `https://x.y`)."""
    hosts = []
    for match in _DOMAIN_IN_TEXT.finditer(text[:500]):
        host = match.group(1).lower()
        if _known_suffix(host):
            hosts.append(host)
    return hosts


def has_public_suffix(host: str) -> bool:
    """True when `host` is a name under a real public suffix (not `localhost`, not `corp1`)."""
    return bool(host) and _known_suffix(host.lower().rstrip("."))


@lru_cache(maxsize=8192)
def _known_suffix(host: str) -> bool:
    """True when `host` ends in a real public suffix and is more than the suffix itself."""
    psl = _psl_strict()
    return psl.publicsuffix(host) is not None and not psl.is_public(host)


def host_in(host: str, domains: frozenset[str]) -> str | None:
    """The entry of `domains` that `host` is or is under (`a.b.bit.ly` → `bit.ly`), or None."""
    host = host.lower().rstrip(".")
    while host:
        if host in domains:
            return host
        dot = host.find(".")
        if dot < 0:
            return None
        host = host[dot + 1 :]
    return None
