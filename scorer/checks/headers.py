"""Header checks: the fields RFC 5322 and the big mailbox providers require, and the ones that lie.

Each function reads the parsed `Message` (decoded headers, addresses, date, decoding facts) and
returns what it observed; the scores live in rules/headers.yaml.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

from scorer.brands import Brand
from scorer.context import Context
from scorer.i18n import T
from scorer.message import Message
from scorer.registry import Hit, Skip, check
from scorer.urls import (
    has_public_suffix,
    host_in,
    is_ip_literal,
    registrable_domain,
    shown_domains,
)

_MSGID = re.compile(r"^<[^<>@\s]{1,250}@[^<>@\s]{1,250}>$")
_EMAIL_IN_TEXT = re.compile(r"[\w.+-]{1,64}@((?:[\w-]{1,63}\.)+[a-z]{2,63})", re.IGNORECASE)
_SINGLE_INSTANCE = (
    "to",
    "cc",
    "subject",
    "date",
    "message-id",
    "reply-to",
    "sender",
    "in-reply-to",
    "references",
    "bcc",
)
_REPLY_PREFIX = re.compile(r"^\s*(?:re|aw|sv|vs|rif|返信)\s*(?:\[\d+\])?\s*[:：]", re.IGNORECASE)
# What a reply carries of the message it answers: two or more `>` lines, or the attribution a
# mail client writes above the quote (Outlook's "-----Original Message-----", "On … wrote:").
_QUOTED_LINE = re.compile(r"^[ \t]*>", re.MULTILINE)
_QUOTE_ATTRIBUTION = re.compile(
    r"^-{3,}\s*Original Message\s*-{3,}|^On\b.{5,200}\bwrote:\s*$", re.MULTILINE | re.IGNORECASE
)
_PUNCT_RUN = re.compile(
    r"[!?！？]{2,}|[$€£¥]{2,}|[☆★♪♥❤✨※◆◇■□●○▲△▼▽♡✓✔⚡🔥💰💥]{3,}|(?:[*#~=+]){3,}"
)
_EW_IN_ADDR = re.compile(
    r"<[^<>]*=\?[^?\s]+\?[bqBQ]\?[^?\s]*\?=[^<>]*@[^<>]*>|=\?[^?\s]+\?[bqBQ]\?"
    r"[^?\s]*\?=@"
)
_SPACED_LETTERS = re.compile(r"\b(?:\w[ .]){2,}\w\b")


def _not_in_draft(ctx: Context, header: str) -> None:
    """A draft body or composed draft cannot have `header`: say so instead of judging it."""
    if ctx.assumes_missing(header):
        raise Skip(f"{header} is not part of the draft", code="draft_missing", header=header)


@check("HDR_MISSING_MESSAGE_ID")
def missing_message_id(msg: Message, ctx: Context) -> Hit | None:
    """No Message-ID: Gmail requires one (sender guidelines); SA MISSING_MID, rspamd 2.5."""
    if msg.message_id and msg.message_id.strip():
        return None
    _not_in_draft(ctx, "Message-ID")
    return Hit(evidence=[T("ev.no_header", header="Message-ID")])


@check("HDR_MESSAGE_ID_INVALID")
def invalid_message_id(msg: Message, ctx: Context) -> Hit | None:
    """A Message-ID that is not `<left@right>` with a dotted right side (RFC 5322 §3.6.4)."""
    value = (msg.message_id or "").strip()
    if not value:
        return None
    # RFC 5322 id-right may be a single label (`@host`): valid, so only the syntax is checked.
    if _MSGID.match(value):
        return None
    return Hit(evidence=[f"Message-ID: {value[:200]}"], params={"value": value[:100]})


@check("HDR_MISSING_DATE")
def missing_date(msg: Message, ctx: Context) -> Hit | None:
    if msg.header("Date") is not None:
        return None
    _not_in_draft(ctx, "Date")
    return Hit(evidence=[T("ev.no_header", header="Date")])


@check("HDR_DATE_INVALID")
def invalid_date(msg: Message, ctx: Context) -> Hit | None:
    """A Date that does not parse as RFC 5322 date-time, or a year no mail was sent in."""
    value = msg.header("Date")
    if value is None:
        return None
    if msg.date is not None and msg.date.year >= 1980:
        return None
    return Hit(evidence=[f"Date: {value[:100]}"], params={"value": value[:100]})


@check("HDR_DATE_FUTURE")
def future_date(msg: Message, ctx: Context) -> Hit | None:
    """A Date more than a day ahead of now: clocks are never that wrong; it games sorting."""
    if msg.date is None or ctx.now is None:
        return None
    try:
        ahead = msg.date - ctx.now
    except TypeError:
        return None
    if ahead <= timedelta(hours=24):
        return None
    hours = int(ahead.total_seconds() // 3600)
    return Hit(evidence=[f"Date: {msg.header('Date')}"], params={"hours": hours}, value=hours)


@check("HDR_FROM_INVALID")
def from_invalid(msg: Message, ctx: Context) -> Hit | None:
    """From missing, repeated, or not exactly one parseable address (RFC 5322 §3.6.2; Gmail)."""
    if msg.from_parse_ok:
        return None
    values = msg.header_all("From")
    if not values:
        _not_in_draft(ctx, "From")
        return Hit(evidence=[T("ev.no_header", header="From")], params={"problem": T("ev.missing")})
    if len(values) > 1:
        return Hit(
            evidence=[f"From: {v[:150]}" for v in values], params={"problem": T("ev.repeated")}
        )
    return Hit(evidence=[f"From: {values[0][:200]}"], params={"problem": T("ev.unparseable")})


@check("HDR_FROM_DOMAIN_INVALID")
def from_domain_invalid(msg: Message, ctx: Context) -> Hit | None:
    """A From domain that is no Internet name (`@corp1`, `@shop.invalidtld`): nobody can reply,
    and SPF, DKIM and DMARC cannot apply to it."""
    sender = msg.from_address
    if sender is None or not sender.domain:
        return None
    domain = sender.domain.strip("[]")
    if is_ip_literal(domain) or has_public_suffix(domain):
        return None
    return Hit(evidence=[f"From: {sender.addr_spec}"], params={"domain": sender.domain})


@check("HDR_MISSING_TO")
def missing_to(msg: Message, ctx: Context) -> Hit | None:
    if msg.header("To") is not None or msg.header("Cc") is not None:
        return None
    _not_in_draft(ctx, "To")
    return Hit(evidence=[T("ev.no_to_cc")])


@check("HDR_MISSING_SUBJECT")
def missing_subject(msg: Message, ctx: Context) -> Hit | None:
    subject = msg.subject
    if subject is not None and subject.strip():
        return None
    if subject is None:
        _not_in_draft(ctx, "Subject")
    return Hit(
        evidence=[T("ev.no_header", header="Subject") if subject is None else T("ev.empty_subject")]
    )


@check("HDR_DUPLICATE")
def duplicate_headers(msg: Message, ctx: Context) -> Hit | None:
    """Single-instance fields given twice (RFC 5322 §3.6 table; Gmail asks for it explicitly)."""
    repeated = [name for name in _SINGLE_INSTANCE if msg.header_count(name) > 1]
    if not repeated:
        return None
    names = [n.title() for n in repeated]
    return Hit(
        evidence=[T("ev.header_times", header=n, count=msg.header_count(n)) for n in names],
        params={"headers": names},
    )


def _org(domain: str) -> str:
    return registrable_domain(domain) if domain else ""


@check("reply_to", emits=("HDR_REPLY_TO_MISMATCH", "HDR_REPLY_TO_FREEMAIL"))
def reply_to_mismatch(msg: Message, ctx: Context) -> list[Hit]:
    """Replies go to another organisation than the sender; to a freemail box is the classic scam.

    HDR_REPLY_TO_MISMATCH (a contract id) fires whenever the organisations differ; the freemail
    finding refines it (scorer.findings lists both, counting the cause once).
    """
    sender = msg.from_address
    if sender is None or not msg.reply_to:
        return []
    from_org = _org(sender.domain)
    list_post = (msg.header("List-Post") or "").lower()
    freemail = ctx.rules.lists.domains["freemail"]
    recipients = {a.addr_spec.lower() for a in msg.to}
    for addr in msg.reply_to:
        org = _org(addr.domain)
        # A webmail box (the domain itself is a webmail domain, not a list at groups.msn.com)
        # other than the sender's own.
        other_mailbox = (
            addr.domain.lower() in freemail and addr.addr_spec.lower() != sender.addr_spec.lower()
        )
        if not org or (org == from_org and not other_mailbox):
            continue
        if list_post and addr.addr_spec.lower() in list_post:
            continue  # a mailing list asking for replies to the list
        if addr.addr_spec.lower() in recipients:
            # Replies go back to whom the message went: the list or group a member posts to
            # (a draft has no List-Post yet), or the reader. Nobody collects them elsewhere.
            # spamassassin-2003 ham 737 (list posts), foff-milter-2025 ham 2 (Google Calendar
            # invitations, Reply-To the invitee's Gmail); spam 59, all of 2002.
            continue
        evidence = [f"From: {sender.addr_spec}", f"Reply-To: {addr.addr_spec}"]
        params = {"reply_domain": org, "from_domain": from_org}
        company_from = org in freemail and from_org not in freemail
        if company_from or (other_mailbox and from_org in freemail):
            # A company From with a webmail Reply-To, or one webmail box answering for another:
            # either way the replies go to a mailbox nobody can trace (SA FREEMAIL_REPLYTO).
            freemail_hit = Hit("HDR_REPLY_TO_FREEMAIL", evidence, params)
            if org == from_org:
                return [freemail_hit]
            return [Hit("HDR_REPLY_TO_MISMATCH", evidence, params), freemail_hit]
        return [Hit("HDR_REPLY_TO_MISMATCH", evidence, params)]
    return []


@check("HDR_DISPLAY_NAME_SPOOF")
def display_name_spoof(msg: Message, ctx: Context) -> Hit | None:
    """The From display name shows an address or domain that is not the sender's (Gmail 2025)."""
    sender = msg.from_address
    if sender is None or not sender.display_name:
        return None
    name = unicodedata.normalize("NFKC", sender.display_name)
    own = _org(sender.domain)
    shown = [m.group(1).lower() for m in _EMAIL_IN_TEXT.finditer(name)]
    replies = {a.addr_spec.lower() for a in msg.reply_to}
    if shown and {m.group(0).lower() for m in _EMAIL_IN_TEXT.finditer(name)} <= replies:
        # "Evergreen Tree Care (info@evergreen.example)" sent by an invoicing platform with
        # Reply-To that very address (foff-milter-2025 ham, NetSuite): the name says truly
        # who answers; nothing is disguised.
        shown = []
    shown += shown_domains(_EMAIL_IN_TEXT.sub(" ", name))
    for domain in shown:
        org = _org(domain)
        if org and org != own:
            return Hit(
                evidence=[f"From: {sender.display_name[:100]} <{sender.addr_spec}>"],
                params={"shown": domain, "domain": sender.domain},
            )
    return None


@check("HDR_FROM_BRAND_MISMATCH")
def from_brand_mismatch(msg: Message, ctx: Context) -> Hit | None:
    """The display name names a well-known brand but the address is not on the brand's domains."""
    sender = msg.from_address
    if sender is None or not sender.display_name:
        return None
    brands = ctx.rules.lists.brands
    named = brands.in_text(sender.display_name, display_name=True)
    if not named:
        return None
    org = _org(sender.domain)
    if any(org in brands.domains_of(brand) for brand in named):
        return None  # one of the brands it names sends it: a co-branded card or plan
    if _names_its_own_organisation(sender.display_name, org, [brands.brands[b] for b in named]):
        return None
    brand = named[0]
    return Hit(
        evidence=[f"From: {sender.display_name[:100]} <{sender.addr_spec}>"],
        params={"brand": brands.label(brand), "domain": sender.domain},
    )


def _names_its_own_organisation(display_name: str, org: str, named: list[Brand]) -> bool:
    """The display name also names the sender's own organisation, as a word of its own that is
    no name of the brand it mentions: "Amazon Benefits at Fidelity" from fidelity.com,
    "Synchrony for your PayPal Extras Mastercard" from synchrony.com (foff-milter-2025 ham).
    A lookalike domain built from the brand's own name (DocuSign from docusign.me) is not."""
    label = org.split(".", 1)[0].lower()
    if len(label) < 4:
        return False
    words = set(re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKC", display_name).lower()))
    if label not in words:
        return False
    brand_words = {re.sub(r"[^a-z0-9]", "", name.lower()) for b in named for name in b.names}
    return not any(label in w or (len(w) >= 4 and w in label) for w in brand_words)


@check("HDR_FROM_FREE_HOSTING")
def from_free_hosting(msg: Message, ctx: Context) -> Hit | None:
    """A From address on a site hosted by a free web platform (`x@my-app-42.firebaseapp.com`).

    Only a subdomain counts: the platforms' own mail comes from their apex domain, while a
    tenant's subdomain is a web site, not a mail domain any organisation sends from.
    """
    sender = msg.from_address
    if sender is None or not sender.domain:
        return None
    domain = sender.domain.lower().rstrip(".")
    platform = host_in(domain, ctx.rules.lists.domains["free_hosting"])
    if platform is None or platform == domain:
        return None
    return Hit(
        evidence=[f"From: {sender.addr_spec}"], params={"domain": domain, "platform": platform}
    )


@check("HDR_JP_HALFWIDTH_KANA")
def halfwidth_kana_in_headers(msg: Message, ctx: Context) -> Hit | None:
    """Half-width katakana (JIS X 0201, `ESC ( I`) in a header: outside ISO-2022-JP, garbles."""
    found = [
        (name, info.halfwidth_kana) for name, info in msg.header_decoding if info.halfwidth_kana
    ]
    if not found:
        return None
    count = sum(n for _, n in found)
    evidence = [f"{name}: {msg.header(name) or ''}"[:200] for name, _ in found]
    return Hit(
        evidence=evidence, params={"count": count, "headers": [n for n, _ in found]}, value=count
    )


@check("HDR_EW_JIS_NOT_ASCII_END")
def jis_word_not_ascii_end(msg: Message, ctx: Context) -> Hit | None:
    """An ISO-2022-JP encoded-word that ends outside ASCII mode (RFC 2047 §3 MUST)."""
    found = [
        (name, info.jis_words_not_ascii_end)
        for name, info in msg.header_decoding
        if info.jis_words_not_ascii_end
    ]
    if not found:
        return None
    return Hit(
        evidence=[T("ev.encoded_words", header=name, count=n) for name, n in found],
        params={"headers": [n for n, _ in found]},
    )


@check("HDR_EW_UNDECODED")
def undecoded_words(msg: Message, ctx: Context) -> Hit | None:
    """Encoded-words left as `=?...?=` text or in a charset nobody knows: readers see gibberish."""
    found: list[T] = []
    for name, info in msg.header_decoding:
        if info.undecoded_words or info.unknown_charsets:
            detail: str | T = ", ".join(info.unknown_charsets) or T("ev.malformed_ew")
            found.append(T("ev.header_detail", header=name, detail=detail))
    if not found:
        return None
    return Hit(evidence=found[:8], params={"count": len(found)})


@check("HDR_RAW_8BIT")
def raw_8bit_headers(msg: Message, ctx: Context) -> Hit | None:
    """Unencoded 8-bit bytes in a header: valid only as UTF-8 under SMTPUTF8 (RFC 6532)."""
    found = [
        (name, info.raw_codec or "?")
        for name, info in msg.header_decoding
        if info.raw_8bit and name.lower() not in ("received", "x-received")
    ]
    if not found:
        return None
    worst = "legacy_charset" if any(codec != "utf-8" for _, codec in found) else "utf8"
    return Hit(
        evidence=[T("ev.raw_8bit", header=name, codec=codec) for name, codec in found][:8],
        params={"headers": [n for n, _ in found]},
        level=worst,
    )


@check("HDR_EW_IN_ADDRESS")
def encoded_word_in_address(msg: Message, ctx: Context) -> Hit | None:
    """An encoded-word inside an addr-spec: RFC 2047 §5 forbids it; only spamware writes it."""
    for name, raw in msg.raw_headers:
        if name.lower() in ("from", "reply-to", "to", "sender") and _EW_IN_ADDR.search(raw):
            return Hit(evidence=[f"{name}: {raw[:200]}"], params={"header": name})
    return None


def _subject_letters(subject: str) -> tuple[int, int]:
    upper = lower = 0
    for word in subject.split():
        if word.startswith(("http", "www.")) or len(word) < 2:
            continue
        for char in word:
            if char.isupper():
                upper += 1
            elif char.islower():
                lower += 1
    return upper, lower


@check("SUBJ_ALL_CAPS")
def subject_all_caps(msg: Message, ctx: Context) -> Hit | None:
    """Subject letters mostly capitals (SA SUBJ_ALL_CAPS, rspamd 3.0): reads as shouting."""
    subject = msg.subject_nfkc
    upper, lower = _subject_letters(subject)
    if upper < 10 or upper / (upper + lower) < 0.8 or len(subject.split()) < 2:
        return None
    return Hit(evidence=[subject[:200]])


@check("SUBJ_EXCESS_PUNCT")
def subject_punctuation(msg: Message, ctx: Context) -> Hit | None:
    """Runs of !, ?, currency signs or decorative symbols in the subject."""
    subject = msg.subject_nfkc
    runs = [m.group(0) for m in _PUNCT_RUN.finditer(subject)]
    bangs = subject.count("!")
    if not runs and bangs < 3:
        return None
    return Hit(
        evidence=[subject[:200]],
        params={"runs": runs[:5] or ["!" * bangs]},
        value=len(runs) + (1 if bangs >= 3 else 0),
    )


@check("SUBJ_TOO_LONG")
def subject_too_long(msg: Message, ctx: Context) -> Hit | None:
    subject = msg.subject_nfkc
    if len(subject) <= 150:
        return None
    return Hit(evidence=[subject[:200]], params={"length": len(subject)}, value=len(subject))


@check("SUBJ_RECIPIENT_ADDRESS")
def subject_recipient_address(msg: Message, ctx: Context) -> Hit | None:
    """The recipient's own email address written into the subject (rspamd TO_IN_SUBJECT): mass
    mailers "personalise" with the only thing they know about the reader."""
    subject = (msg.subject or "").lower()
    if "@" not in subject:
        return None
    for addr in msg.to:
        spec = addr.addr_spec.lower()
        if "@" in spec and len(spec) >= 6 and spec in subject:
            return Hit(evidence=[(msg.subject or "")[:200]], params={"address": addr.addr_spec})
    return None


_SUBJECT_PADDING = re.compile(r"\S[ \t\u00a0\u3000]{5,}\S")


@check("SUBJ_WHITESPACE_PADDING")
def subject_whitespace_padding(msg: Message, ctx: Context) -> Hit | None:
    """A run of five or more spaces inside the subject: bulk mailers pad the visible subject so
    that a per-recipient token after it (`Free offer      27283`) falls out of the preview."""
    subject = msg.subject or ""
    match = _SUBJECT_PADDING.search(subject)
    if match is None:
        return None
    return Hit(evidence=[subject[:200]], params={"spaces": len(match.group(0)) - 2})


@check("SUBJ_FAKE_REPLY")
def subject_fake_reply(msg: Message, ctx: Context) -> Hit | None:
    """`Re:`/`Fwd:` with no In-Reply-To or References: a fake conversation to win the open."""
    subject = msg.subject_nfkc
    if not _REPLY_PREFIX.match(subject):
        return None
    if msg.header("In-Reply-To") or msg.header("References") or msg.header("Thread-Index"):
        return None
    if _quotes_earlier_mail(msg.visible_text[:_MAX_QUOTE_SCAN]):
        # A real reply from a client that writes no threading headers (web mail, Exchange 5.5):
        # spamassassin-2003 ham, 182 such replies; its spam, 7 (the fakes quote nothing).
        return None
    return Hit(evidence=[subject[:200]])


_MAX_QUOTE_SCAN = 20_000


def _quotes_earlier_mail(text: str) -> bool:
    if _QUOTE_ATTRIBUTION.search(text):
        return True
    quoted = _QUOTED_LINE.finditer(text)
    return next(quoted, None) is not None and next(quoted, None) is not None


# --- forged mailer headers, impossible dates, disguised names (issue 11: families that
# SpamAssassin's shipped rules catch offline and ours missed) ---------------------------------

_OUTLOOK_MAILER = re.compile(r"\bMicrosoft\s+Outlook\b|\bOutlook\s+Express\b", re.IGNORECASE)
_MAC_MAILER = re.compile(r"mac", re.IGNORECASE)
# The id Outlook and Outlook Express write: a 4-hex counter and the high half of the Windows
# FILETIME, then two 8-hex fields (`<001201c25d4d$b4e8a0a0$0100a8c0@host>`; Outlook 2010+ adds
# a `$` before the `@`).
_OUTLOOK_ID = re.compile(r"^<([0-9a-f]{4})([0-9a-f]{8})\$[0-9a-f]{8}\$[0-9a-f]{8}\$?@", re.I)
# Outlook 2000/2002 in Internet-only mode: 28 letters A–P (`<BCEFLMCEIJHPCPLGADJIGEEFCAAA.x@y>`).
_OUTLOOK_IMO_ID = re.compile(r"^<[A-P]{28}\.[^<>@\s]+@[^<>\s]+>$")
# Ids the Microsoft servers assign (Hotmail web mail, Exchange Online) sit beside Outlook's.
_MICROSOFT_SERVER_ID = re.compile(
    r"@(?:[\w-]+\.)*(?:hotmail|msn|live|outlook)\.com>$|\.phx\.gbl>$", re.IGNORECASE
)
# FILETIME high halves of 1995-01-01 and 2040-01-01: no real Outlook id carries another.
_FILETIME_HI_MIN, _FILETIME_HI_MAX = 0x01B90000, 0x01EC0000


@check("HDR_FORGED_OUTLOOK")
def forged_outlook(msg: Message, ctx: Context) -> Hit | None:
    """The headers claim Outlook but are not what Outlook writes: bulk-mailing software.

    Two observations, one cause: a Message-ID in Outlook's `$` layout whose embedded Windows
    timestamp is no date (spamware fills it with random hex or zero-padded fields), or an
    X-Mailer naming Outlook for Windows over a Message-ID Outlook never writes.
    """
    mid = (msg.message_id or "").strip()
    shape = _OUTLOOK_ID.match(mid)
    if shape is not None:
        stamp = int(shape.group(2), 16)
        if not _FILETIME_HI_MIN <= stamp <= _FILETIME_HI_MAX:
            return Hit(
                evidence=[
                    f"Message-ID: {mid[:120]}",
                    T("ev.msgid_timestamp", field=f"0x{stamp:08x}"),
                ],
                params={"what": "Message-ID", "value": mid[:80]},
            )
        return None
    mailer = msg.header("X-Mailer") or ""
    if not _OUTLOOK_MAILER.search(mailer) or _MAC_MAILER.search(mailer):
        return None
    if _OUTLOOK_IMO_ID.match(mid) or _MICROSOFT_SERVER_ID.search(mid):
        return None
    return Hit(
        evidence=[
            f"X-Mailer: {mailer[:100]}",
            f"Message-ID: {mid[:120]}" if mid else T("ev.no_header", header="Message-ID"),
        ],
        params={"what": "X-Mailer", "value": mailer[:80]},
    )


_DATE_ZONE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s+([^\s(]+)")
_NUMERIC_ZONE = re.compile(r"[+-]\d{4}")
_NAMED_ZONE = re.compile(r"[A-Za-z]{1,5}")


@check("HDR_DATE_ZONE_INVALID")
def date_zone_invalid(msg: Message, ctx: Context) -> Hit | None:
    """A Date whose time zone no place has (`-1900`, `+-0500`, `GMT+1`): hand-rolled dates.

    RFC 5322 zones are ±hhmm; the world's offsets run from -12:00 to +14:00 in quarter
    hours, and every mail program formats them from the system clock.
    """
    value = msg.header("Date")
    if not value:
        return None
    match = _DATE_ZONE.search(value)
    if match is None:
        return None  # no time at all: HDR_DATE_INVALID's business
    zone = match.group(1)
    if _NUMERIC_ZONE.fullmatch(zone):
        hours, minutes = int(zone[1:3]), int(zone[3:5])
        if hours <= 14 and minutes in (0, 15, 30, 45):
            return None
    elif _NAMED_ZONE.fullmatch(zone) and zone.upper() not in ("AM", "PM"):
        return None  # obsolete names (GMT, EST, UT): old but real; AM/PM is a 12-hour clock
    return Hit(evidence=[f"Date: {value[:100]}"], params={"zone": zone[:20]})


# Letters drawn from other blocks to look like styled or plain Latin: mathematical bold/italic/
# script/monospace (U+1D400-1D7FF), IPA look-alikes (ɑ, ɾ), small capitals, Cherokee and Lisu.
# Full-width Latin is left out: Japanese mail writes ＳＡＬＥ with it as a matter of course.
_STYLED_LETTER = re.compile(
    "[\U0001d400-\U0001d7ff\u0250-\u02af\u1d00-\u1d2b\u13a0-\u13f4\ua4d0-\ua4fd]"
)
_ARROW = re.compile(r"[\u2190-\u21ff\u27f0-\u27ff\u2900-\u297f\u2794-\u27bf\u2b00-\u2b2f]")
_ARROW_RUN = re.compile(
    r"[\u2190-\u21ff\u27f0-\u27ff\u2900-\u297f\u2794-\u27bf\u2b00-\u2b2f][\s.*_~`^]*"
    r"[\u2190-\u21ff\u27f0-\u27ff\u2900-\u297f\u2794-\u27bf\u2b00-\u2b2f]"
)
_INTERLEAVED = re.compile(r"(?:\w[\u200b\u200c\u200d\u2060\u00ad\ufeff]){4,}\w")


def _disguises(text: str) -> list[str]:
    found: list[tuple[str, T]] = []
    styled = _STYLED_LETTER.findall(text)
    if len(styled) >= 2:
        found.append(("styled", T("ev.styled_letters", letters="".join(styled[:8]))))
    if _ARROW_RUN.search(text) or len(_ARROW.findall(text)) >= 3:
        found.append(("arrow", T("ev.arrow_decorations", arrows="".join(_ARROW.findall(text)[:6]))))
    if _INTERLEAVED.search(text):
        found.append(("interleaved", T("ev.interleaved_letters")))
    return found


@check("HDR_DISGUISED_TEXT")
def disguised_text(msg: Message, ctx: Context) -> Hit | None:
    """Subject or sender name written in look-alike letters, arrow runs or interleaved
    invisible characters: text built to be read by people and missed by filters."""
    sender = msg.from_address
    places = [("Subject", msg.subject or "")]
    if sender is not None and sender.display_name:
        places.append(("From", sender.display_name))
    evidence: list[str | T] = []
    kinds: list[tuple[str, T]] = []
    for name, text in places:
        found = _disguises(text[:500])
        if found:
            evidence.append(f"{name}: {text[:120]}")
            kinds += found
    if not kinds:
        return None
    names = [T(f"ev.disguise.{kind}") for kind in dict.fromkeys(k for k, _ in kinds)]
    return Hit(evidence=evidence + [t for _, t in kinds[:4]], params={"kinds": names})


_TENANT_DOMAIN = re.compile(r"(?:^|\.)onmicrosoft\.com$", re.IGNORECASE)


@check("HDR_FROM_TENANT_DOMAIN")
def from_tenant_domain(msg: Message, ctx: Context) -> Hit | None:
    """From on a Microsoft 365 tenant's built-in `*.onmicrosoft.com` domain.

    Every tenant gets one for set-up and tests; organisations send from their own domain.
    Microsoft throttles external mail from these domains because spam runs through trial
    and compromised tenants that use them.
    """
    sender = msg.from_address
    if sender is None or not _TENANT_DOMAIN.search(sender.domain or ""):
        return None
    return Hit(evidence=[f"From: {sender.addr_spec}"], params={"domain": sender.domain})


@check("HDR_FROM_ABUSED_TLD")
def from_abused_tld(msg: Message, ctx: Context) -> Hit | None:
    """The sender's domain is under a top-level domain that abuse reports rank worst."""
    sender = msg.from_address
    domain = (sender.domain if sender else "").lower().rstrip(".")
    if not domain or is_ip_literal(domain):
        return None
    suffix = host_in(domain, ctx.rules.lists.domains["abused_tlds"])
    if suffix is None or suffix == domain:
        return None
    return Hit(evidence=[f"From: {sender.addr_spec}"], params={"domain": domain, "tld": suffix})


@check("HDR_HARVESTED_RECIPIENTS")
def harvested_recipients(msg: Message, ctx: Context) -> Hit | None:
    """Four or more visible recipients on three or more domains whose mailbox names start the
    same (mstone@a, mstoner@b, mstonestreet@c): an alphabetised slice of a harvested list, sent
    with everyone in To. Nobody writes to real contacts that way."""
    addresses = [a for a in msg.to if a.domain and len(a.local_part) >= 4]
    if len(addresses) < 5:
        return None
    by_prefix: dict[str, list] = {}
    for addr in addresses:
        by_prefix.setdefault(addr.local_part[:4].lower(), []).append(addr)
    group = max(by_prefix.values(), key=len)
    domains = {a.domain.lower() for a in group}
    if len(group) < 4 or len(domains) < 3:
        return None
    shown = [a.addr_spec for a in group[:4]]
    return Hit(evidence=shown, params={"count": len(group)}, value=len(group))
