"""Link checks: shorteners, IP literals, anchor text that names another site, disguised hosts.

Lists (shorteners, free hosts, trackers, abused TLDs, brands) are rule data: `ctx.rules.lists`.
Anchor-text mismatch compares *registrable* domains (PSL), so `links.brand.com` under
`brand.com` is fine, and only anchor text that itself shows a URL or domain counts: a click
tracker behind "Read more" is normal. Known ESP click trackers behind a shown domain get a
low-scored finding of their own (advice: use a branded tracking domain), not the phishing one.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from scorer.context import Context
from scorer.i18n import T
from scorer.message import Message
from scorer.registry import Hit, check
from scorer.urls import Url, host_in, registrable_domain, shown_domains

_SOCIAL = frozenset(
    {
        "facebook.com",
        "twitter.com",
        "x.com",
        "instagram.com",
        "linkedin.com",
        "youtube.com",
        "pinterest.com",
        "tiktok.com",
        "t.me",
        "line.me",
        "wa.me",
        "whatsapp.com",
        "threads.net",
        "google.com",
        "apple.com",
        "w3.org",
    }
)
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyz")
_CYRILLIC_LOOKALIKE = frozenset("аеорсухіјѕԁһӏԛԝаорсеуѵхӡ")


def _clickable(msg: Message) -> list[Url]:
    return [u for u in msg.http_urls if u.source in ("a", "text", "html-text", "form")]


@check("URI_SHORTENER")
def shorteners(msg: Message, ctx: Context) -> Hit | None:
    """Links through public URL shorteners: they hide the destination and are shared by spam."""
    listed = ctx.rules.lists.domains["url_shorteners"]
    found = [u.url for u in _clickable(msg) if u.host and host_in(u.host, listed)]
    found = list(dict.fromkeys(found))
    if not found:
        return None
    return Hit(
        evidence=found[:6], params={"count": len(found), "url": found[0][:80]}, value=len(found)
    )


@check("URI_IP_LITERAL")
def ip_literals(msg: Message, ctx: Context) -> Hit | None:
    """Links or images on a bare IP address: no domain reputation, no TLS name; phishing hosts."""
    found = list(dict.fromkeys(u.url for u in msg.http_urls if u.is_ip))
    if not found:
        return None
    return Hit(evidence=found[:6], params={"count": len(found), "url": found[0][:80]})


def _in_href(domain: str, url: str) -> bool:
    """True when a redirect wrapper carries the shown domain in its path or query."""
    decoded = unquote(unquote(url)).lower()
    return ("//" + domain) in decoded or ("." + domain) in decoded or ("=" + domain) in decoded


@check(
    "anchor_text",
    emits=("URI_TEXT_MISMATCH", "URI_TEXT_MISMATCH_BRAND", "URI_TEXT_MISMATCH_TRACKER"),
)
def anchor_text_mismatch(msg: Message, ctx: Context) -> list[Hit]:
    """Anchor text that shows a URL or domain the link does not go to (rspamd PHISHING)."""
    trackers = ctx.rules.lists.domains["esp_trackers"]
    brands = ctx.rules.lists.brands
    phishing: list[T] = []
    branded: list[T] = []
    tracked: list[T] = []
    shown_param = ""
    brand_param = ""
    sender = msg.from_address
    sender_org = registrable_domain(sender.domain) if sender and sender.domain else ""
    for url in msg.urls:
        if url.source != "a" or not url.anchor_text or url.scheme not in ("http", "https"):
            continue
        if not url.domain:
            continue
        for shown in shown_domains(url.anchor_text)[:3]:
            shown_org = registrable_domain(shown)
            if not shown_org or shown_org == url.domain:
                continue
            if _in_href(shown_org, url.url):
                continue
            item = T("ev.text_shows", shown=shown, host=url.host)
            brand = brands.for_domain(shown_org)
            if brand and brands.for_domain(url.domain) != brand:
                branded.append(item)
                brand_param = brand_param or brands.label(brand)
                phishing.append(item)
                shown_param = shown_param or shown
            elif host_in(url.host, trackers) or url.domain == sender_org:
                # An ESP's tracker, or the sender's own branded tracking domain behind a site
                # name (click.emdeals.michaels.com showing affirm.com): what the advice asks for.
                tracked.append(item)
            else:
                phishing.append(item)
                shown_param = shown_param or shown
            break
    hits = []
    if phishing:
        hits.append(
            Hit(
                "URI_TEXT_MISMATCH",
                phishing[:6],
                {"count": len(phishing), "shown": shown_param},
                value=len(phishing),
            )
        )
    if branded:
        hits.append(
            Hit(
                "URI_TEXT_MISMATCH_BRAND",
                branded[:6],
                {"count": len(branded), "brand": brand_param},
            )
        )
    if tracked:
        hits.append(Hit("URI_TEXT_MISMATCH_TRACKER", tracked[:6], {"count": len(tracked)}))
    return hits


@check("URI_USERINFO")
def userinfo(msg: Message, ctx: Context) -> Hit | None:
    """`http://paypal.com@evil.example/`: the part before @ is a disguise; browsers go to host."""
    found = [u.url for u in msg.http_urls if u.userinfo]
    if not found:
        return None
    return Hit(evidence=found[:4])


def _confusable_label(label: str) -> bool:
    letters = [c for c in label if c.isalpha()]
    if not letters:
        return False
    has_latin = any(c in _LATIN for c in letters)
    non_latin = [c for c in letters if c not in _LATIN]
    cyr_or_greek = [c for c in non_latin if "\u0370" <= c <= "\u04ff"]
    if has_latin and cyr_or_greek:
        return True
    # all-Cyrillic labels made only of Latin look-alikes (аррӏе)
    return (
        bool(cyr_or_greek)
        and len(cyr_or_greek) == len(letters)
        and all(c in _CYRILLIC_LOOKALIKE for c in cyr_or_greek)
    )


@check("URI_IDN_CONFUSABLE")
def idn_confusable(msg: Message, ctx: Context) -> Hit | None:
    """Internationalised hosts that mix Latin with Cyrillic/Greek look-alikes (UTS #39 §5.2).

    Japanese and other single-script IDNs (例え.jp) are fine and are not flagged.
    """
    found = []
    for url in msg.http_urls:
        if "xn--" not in url.host:
            continue
        for label in url.host.split("."):
            if not label.startswith("xn--"):
                continue
            try:
                decoded = label.encode("ascii").decode("idna")
            except UnicodeError:
                continue
            if _confusable_label(decoded):
                found.append(T("ev.host_decoded", host=url.host, decoded=decoded))
                break
    if not found:
        return None
    return Hit(evidence=list(dict.fromkeys(found))[:4])


@check("URI_FREE_HOSTING")
def free_hosting(msg: Message, ctx: Context) -> Hit | None:
    """Links to free site builders and file/IPFS hosts that phishing kits live on."""
    listed = ctx.rules.lists.domains["free_hosting"]
    found = list(
        dict.fromkeys(u.url for u in _clickable(msg) if u.host and host_in(u.host, listed))
    )
    if not found:
        return None
    return Hit(evidence=found[:6], params={"count": len(found)}, value=len(found))


@check("URI_DATA_LINK")
def data_links(msg: Message, ctx: Context) -> Hit | None:
    """A link or form to a data: URL: a whole phishing page packed into the message."""
    found = [u.url[:80] for u in msg.urls if u.scheme == "data" and u.source in ("a", "form")]
    if not found:
        return None
    return Hit(evidence=found[:3])


@check("URI_NONSTANDARD_PORT")
def nonstandard_port(msg: Message, ctx: Context) -> Hit | None:
    found = [u.url for u in _clickable(msg) if u.port not in (None, 80, 443)]
    if not found:
        return None
    return Hit(evidence=list(dict.fromkeys(found))[:4])


@check("URI_SUSPICIOUS_TLD")
def suspicious_tld(msg: Message, ctx: Context) -> Hit | None:
    """Links under top-level domains that abuse reports rank worst (data: abused_tlds.txt)."""
    listed = ctx.rules.lists.domains["abused_tlds"]
    found = []
    for url in _clickable(msg):
        if not url.is_ip and host_in(url.host, listed) not in (None, url.host):
            found.append(url.host)
    found = list(dict.fromkeys(found))
    if not found:
        return None
    return Hit(evidence=found[:6], params={"hosts": found[:3]}, value=len(found))


@check("URI_HTTP_MIXED")
def http_mixed(msg: Message, ctx: Context) -> Hit | None:
    """Plain http:// links next to https:// ones: insecure, and some clients warn on click."""
    links = [u for u in msg.http_urls if u.source == "a"]
    insecure = [u.url for u in links if u.scheme == "http" and not u.is_ip]
    if not insecure or not any(u.scheme == "https" for u in links):
        return None
    return Hit(evidence=list(dict.fromkeys(insecure))[:4], params={"count": len(insecure)})


@check("URI_MANY_DOMAINS")
def many_domains(msg: Message, ctx: Context) -> Hit | None:
    """Links to many different sites: link farms and hijacked-list spam (graded by count)."""
    domains = [
        d for d in dict.fromkeys(u.domain for u in _clickable(msg) if u.domain) if d not in _SOCIAL
    ]
    if len(domains) < 10:
        return None
    return Hit(evidence=domains[:12], params={"count": len(domains)}, value=len(domains))


_ENCODED_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://[^/?#\s]*%[0-9a-f]{2}", re.IGNORECASE)


@check("URI_ENCODED_HOST")
def encoded_host(msg: Message, ctx: Context) -> Hit | None:
    """A link whose host name is written in %-escapes (`http://w%77%77.%65xample.com`): browsers
    decode it, readers and filters do not; no site writes its own address that way."""
    found = [u.url for u in _clickable(msg) if _ENCODED_HOST.match(u.url)]
    found = list(dict.fromkeys(found))
    if not found:
        return None
    return Hit(evidence=[u[:150] for u in found[:4]], params={"count": len(found)})
