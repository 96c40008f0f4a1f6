"""Parse raw bytes once into a `Message`: decoded headers, MIME parts, text, HTML facts, URLs.

The stdlib `email` package (policy.default) gives the MIME tree and records defects instead of
raising. Header text and part payloads are decoded by `scorer.charsets`, which gets Japanese
mail right where the stdlib does not. Every limit in `Limits` is applied here; what was not
examined is recorded in `Message.limit_notes` so the report can say so. `parse()` never raises.
"""

from __future__ import annotations

import email
import email.utils
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import errors, policy
from email.message import Message as EmailMessage
from functools import cached_property, lru_cache

import numpy as np

import scorer.mergetags as mergetags
from scorer.charsets import Decoded, HeaderText, decode_bytes, decode_header_value
from scorer.htmldoc import HtmlDoc, parse_html
from scorer.htmlscan import measure as measure_html
from scorer.settings import Limits
from scorer.urls import Url, find_urls_in_text, make_url

# The MIME tree is parsed with compat32: the feed parser records the same structural defects under
# either policy, but policy.default parses Content-Type with a quadratic parser (1.0 s against
# 0.3 ms on corpus spam_2/00471, a Content-Type of 7,000 semicolons). policy.default's header
# classes are used where they earn their cost: the From and Reply-To addresses, under a size cap.
_STRUCTURE_POLICY = policy.compat32
_POLICY = policy.default.clone(raise_on_defect=False, max_line_length=0)
_MBOX_FROM = re.compile(rb"^From [^\r\n]*\r?\n")
_MAX_ADDRESS_HEADER = 4 * 1024
_MAX_HEADER_TEXT = 64 * 1024


@dataclass(frozen=True)
class Address:
    display_name: str
    addr_spec: str

    @property
    def domain(self) -> str:
        return (
            self.addr_spec.rpartition("@")[2].lower().rstrip(".") if "@" in self.addr_spec else ""
        )

    @property
    def local_part(self) -> str:
        return self.addr_spec.rpartition("@")[0]


@dataclass
class Part:
    """One MIME part (leaves and containers), in document order."""

    path: str
    depth: int
    content_type: str
    charset_label: str | None = None
    cte: str = ""
    disposition: str | None = None
    filename: str | None = None
    content_id: str | None = None
    """The Content-ID without its angle brackets (an inline image an HTML part shows)."""
    size: int = 0
    """Octets of the part's payload after transfer decoding."""
    payload: bytes = b""
    text: str | None = None
    decoded: Decoded | None = None
    defects: list[str] = field(default_factory=list)
    is_multipart: bool = False
    eight_bit_in_7bit: bool = False
    base64_ascii_text: bool = False
    content_id: str = ""
    """The Content-ID without its angle brackets (inline images are referred to by it)."""

    @property
    def is_attachment(self) -> bool:
        if self.is_multipart:
            return False
        if self.disposition == "attachment":
            return True
        if self.filename and not self.content_type.startswith("text/"):
            return True
        return bool(self.filename) and self.disposition != "inline"

    @property
    def is_body_text(self) -> bool:
        return (
            self.content_type in ("text/plain", "text/html")
            and not self.is_attachment
            and self.text is not None
        )


@dataclass
class LimitNote:
    """A limit that was reached, and what was therefore not examined."""

    id: str
    detail: str


@dataclass
class Message:
    """Everything checks may read about one message. Built only by `parse()`."""

    raw: bytes
    size: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    raw_headers: list[tuple[str, str]] = field(default_factory=list)
    """Header values as written (encoded-words undecoded, 8-bit as surrogates), for form checks."""
    header_decoding: list[tuple[str, HeaderText]] = field(default_factory=list)
    """Every header's decoding facts (header_info keeps only the first of each name)."""
    header_info: dict[str, HeaderText] = field(default_factory=dict)
    parts: list[Part] = field(default_factory=list)
    defects: list[tuple[str, str]] = field(default_factory=list)
    """(part path, defect name) from the stdlib parser and our own checks."""
    limit_notes: list[LimitNote] = field(default_factory=list)
    from_addresses: list[Address] = field(default_factory=list)
    from_parse_ok: bool = False
    reply_to: list[Address] = field(default_factory=list)
    to: list[Address] = field(default_factory=list)
    date: datetime | None = None
    plain_text: str = ""
    html: str = ""
    html_doc: HtmlDoc | None = None
    urls: list[Url] = field(default_factory=list)
    long_lines: int = 0
    max_line_length: int = 0
    had_mbox_from: bool = False
    crlf: bool = False
    parse_failed: str | None = None
    mime_depth: int = 0
    merge_tags: list[str] = field(default_factory=list)
    """Template merge tags found in the subject and body (a draft before the ESP fills it)."""
    templated_links: int = 0
    """Links whose target is a merge tag, left out of the link checks."""
    memo: dict[str, object] = field(default_factory=dict, repr=False, compare=False)
    """Derived facts several checks share, computed once by the first that needs them."""

    # --- headers -------------------------------------------------------------------------
    def header(self, name: str) -> str | None:
        """The first decoded value of header `name` (case-insensitive), or None."""
        values = self._header_index().get(name.lower())
        return values[0] if values else None

    def header_all(self, name: str) -> list[str]:
        return list(self._header_index().get(name.lower(), ()))

    def header_count(self, name: str) -> int:
        return len(self._header_index().get(name.lower(), ()))

    def _header_index(self) -> dict[str, list[str]]:
        """Decoded values by lower-cased name, in order: checks ask for headers by name some
        70 times a message, and each ask scanned (and lower-cased) every header. Made again if
        `headers` was replaced or grew since."""
        stamp = (id(self.headers), len(self.headers))
        cached = self.memo.get("header_index")
        if cached is not None and cached[0] == stamp:  # type: ignore[index]
            return cached[1]  # type: ignore[index,return-value]
        index: dict[str, list[str]] = {}
        for key, value in self.headers:
            index.setdefault(key.lower(), []).append(value)
        self.memo["header_index"] = (stamp, index)
        return index

    @cached_property
    def subject(self) -> str | None:
        """The decoded Subject with merge tags taken out (what the reader will see)."""
        value = self.header("Subject")
        return mergetags.neutralize(value) if value is not None else None

    @property
    def message_id(self) -> str | None:
        return self.header("Message-ID")

    @property
    def from_address(self) -> Address | None:
        return self.from_addresses[0] if len(self.from_addresses) == 1 else None

    @property
    def from_domain(self) -> str:
        addr = self.from_address
        return addr.domain if addr else ""

    # --- body ----------------------------------------------------------------------------
    @property
    def text_parts(self) -> list[Part]:
        return [p for p in self.parts if p.is_body_text and p.content_type == "text/plain"]

    @property
    def html_parts(self) -> list[Part]:
        return [p for p in self.parts if p.is_body_text and p.content_type == "text/html"]

    @property
    def attachments(self) -> list[Part]:
        return [p for p in self.parts if p.is_attachment]

    @cached_property
    def visible_text(self) -> str:
        """What a reader sees: the HTML rendering when there is HTML, else the plain text."""
        if self.html_doc is not None and self.html_doc.visible_text.strip():
            return mergetags.neutralize(self.html_doc.visible_text)
        return mergetags.neutralize(self.plain_text)

    @cached_property
    def all_text(self) -> str:
        """Plain and HTML-visible text together (each once), merge tags taken out, for phrase
        rules and the classifier."""
        plain = mergetags.neutralize(self.plain_text)
        html_text = mergetags.neutralize(self.html_doc.visible_text) if self.html_doc else ""
        if not plain:
            return html_text
        if not html_text or _same_words(plain, html_text):
            return plain
        return plain + "\n" + html_text

    @cached_property
    def all_text_nfkc(self) -> str:
        """`all_text` in NFKC form (half-width kana → full-width, ① → 1) for matching."""
        return unicodedata.normalize("NFKC", self.all_text)

    @cached_property
    def subject_nfkc(self) -> str:
        return unicodedata.normalize("NFKC", self.subject or "")

    @property
    def http_urls(self) -> list[Url]:
        return [u for u in self.urls if u.valid and u.scheme in ("http", "https")]

    @property
    def link_domains(self) -> list[str]:
        """Distinct registrable domains of http(s) links, in first-seen order."""
        return list(dict.fromkeys(u.domain for u in self.http_urls if u.domain))

    def summary(self) -> dict[str, object]:
        """A short description of the message for the report (no body text)."""
        addr = self.from_address
        return {
            "subject": self.header("Subject"),
            "from": addr.addr_spec if addr else self.header("From"),
            "date": self.date.isoformat() if self.date else None,
            "message_id": self.message_id,
            "size": self.size,
            "parts": len(self.parts),
            "attachments": len(self.attachments),
            "urls": len(self.urls),
            "has_html": bool(self.html_parts),
            "has_text": bool(self.text_parts),
        }


def _same_words(a: str, b: str) -> bool:
    return a.split() == b.split()


def _to_bytes(raw: bytes | str) -> bytes:
    if isinstance(raw, bytes):
        return raw
    return raw.encode("utf-8", "surrogateescape")


def parse(
    raw: bytes | str, limits: Limits | None = None, *, deadline: float | None = None
) -> Message:
    """Parse `raw` into a Message. Never raises; problems become defects and limit notes.

    What costs more than linear time is counted before it is parsed (lines before the MIME
    parser, attributes and depth before the HTML parser) and cut at the limits. `deadline` (a
    time.monotonic() value: the analysis's time budget) is looked at between the stages; a
    stage not started in time is a LIMIT_TIME_BUDGET note."""
    limits = limits or Limits()
    data = _to_bytes(raw)
    msg = Message(raw=data, size=len(data))
    match = _MBOX_FROM.match(data)
    if match:
        msg.had_mbox_from = True
        data = data[match.end() :]
    msg.crlf = b"\r\n" in data[:4096]
    data = _bound_lines(msg, data, limits.max_lines)
    _measure_lines(msg, data)
    header_end = _header_block_end(data)
    if header_end > limits.max_header_bytes:
        msg.limit_notes.append(
            LimitNote(
                "LIMIT_HEADER_BYTES",
                f"header block is {header_end} bytes; "
                f"only the first {limits.max_header_bytes} were read",
            )
        )
        cut = data.rfind(b"\n", 0, limits.max_header_bytes) + 1
        data = data[:cut] + b"\n" + data[header_end:]
    data, cut_at = _bound_mime_nesting(data, limits.max_mime_depth)
    if cut_at is not None:
        msg.limit_notes.append(
            LimitNote(
                "LIMIT_MIME_DEPTH",
                f"MIME parts nested deeper than {limits.max_mime_depth} levels (from byte "
                f"{cut_at}) were not examined",
            )
        )
    try:
        parsed = _parse_structure(data)
    except RecursionError:
        msg.parse_failed = "MIME structure too deeply nested for the parser"
        msg.limit_notes.append(
            LimitNote("LIMIT_MIME_DEPTH", "nesting too deep to parse; the body was not examined")
        )
        parsed = _headers_only(data)
    except Exception as exc:  # the stdlib parser should not raise, but hostile input finds bugs
        msg.parse_failed = f"{type(exc).__name__}: {exc}"[:200]
        parsed = _headers_only(data)
    _read_headers(msg, parsed)
    _read_addresses(msg, parsed)
    if _out_of_time(msg, deadline, "the message body"):
        return msg
    _walk(msg, parsed, limits)
    if _out_of_time(msg, deadline, "the text and HTML"):
        return msg
    _collect_text(msg, limits, deadline)
    _collect_urls(msg, limits)
    msg.merge_tags = mergetags.find(
        (msg.header("Subject") or "") + "\n" + msg.plain_text[:200_000] + "\n" + msg.html[:500_000]
    )[:100]
    return msg


_BOUNDARY_DECL = re.compile(rb"boundary\s*=", re.IGNORECASE)
_MIME_EVENTS = re.compile(
    rb'^--(?P<delim>[^\r\n]{1,200}?)[ \t]*\r?$|boundary\s*=\s*"?(?P<decl>[^";\r\n]{1,200})',
    re.IGNORECASE | re.MULTILINE,
)


def _bound_mime_nesting(data: bytes, max_depth: int) -> tuple[bytes, int | None]:
    """Cut the message where multipart nesting passes `max_depth`, before the stdlib sees it.

    The feed parser checks every open boundary on every line, so its cost is lines x depth
    (76 ms for 2,000 lines under 250 levels; seconds for a large body). A linear scan of
    boundary declarations and delimiter lines finds the depth; it only runs when there are more
    declarations than the depth limit, which real mail never has.
    """
    # Counting the bare word first is ~20x cheaper than the case-blind regex and bounds it.
    if data.lower().count(b"boundary") <= max_depth or (
        len(_BOUNDARY_DECL.findall(data)) <= max_depth
    ):
        return data, None
    stack: list[bytes] = []
    for event in _MIME_EVENTS.finditer(data):
        declared = event.group("decl")
        if declared is not None:
            stack.append(declared.strip())
            if len(stack) > max_depth:
                line_start = data.rfind(b"\n", 0, event.start()) + 1
                return data[:line_start], line_start
            continue
        delimiter = event.group("delim")
        closing = delimiter.endswith(b"--")
        name = delimiter[:-2] if closing else delimiter
        if name in stack:
            index = len(stack) - 1 - stack[::-1].index(name)
            del stack[index + (0 if closing else 1) :]
    return data, None


_NAMES_PARTS = re.compile(rb"multipart|message/", re.IGNORECASE)


def _parse_structure(data: bytes) -> EmailMessage:
    """The stdlib's parse of `data`, without its per-line cost where it buys nothing.

    The feed parser reads a body line by line (1-2 µs a line: 0.2-0.4 s for a 9 MB text part)
    only to join the lines again when the message is not multipart/* or message/*. So the
    header block is parsed alone, and if it was all headers (nothing left over for a body)
    and the type has no parts, the rest is set as the payload exactly as the parser would
    (the same text: bytes as ASCII with surrogate escapes). Anything else is parsed whole. A
    header block that names a multipart or message/ type anywhere goes straight to the whole
    parse, so a multipart message's headers are not parsed twice."""
    end = _header_block_end(data)
    if end < len(data) and not _NAMES_PARTS.search(data, 0, end):
        head = email.message_from_bytes(data[:end], policy=_STRUCTURE_POLICY)
        if head.get_payload() == "" and head.get_content_maintype() not in (
            "multipart",
            "message",
        ):
            head.set_payload(data[end:].decode("ascii", "surrogateescape"))
            return head
    return email.message_from_bytes(data, policy=_STRUCTURE_POLICY)


def _headers_only(data: bytes) -> EmailMessage:
    end = _header_block_end(data)
    try:
        return email.message_from_bytes(data[:end] + b"\n", policy=_STRUCTURE_POLICY)
    except Exception:
        return email.message.Message(policy=_STRUCTURE_POLICY)


def _header_block_end(data: bytes) -> int:
    for sep in (b"\r\n\r\n", b"\n\n"):
        idx = data.find(sep)
        if idx >= 0:
            return idx + len(sep)
    return len(data)


def _out_of_time(msg: Message, deadline: float | None, what: str) -> bool:
    if deadline is None or time.monotonic() < deadline:
        return False
    msg.limit_notes.append(
        LimitNote("LIMIT_TIME_BUDGET", f"the time budget ran out before {what} was read")
    )
    return True


def _bound_lines(msg: Message, data: bytes, max_lines: int) -> bytes:
    """The message up to its `max_lines`-th line: the MIME parser's cost is per line. Counted
    in C first; the cut is looked for only when there are too many, by counting 64 KB at a
    time and then finding the line in that piece (a find per line took 150 ms for 250,000)."""
    lines = data.count(b"\n")
    if lines <= max_lines:
        return data
    start, seen, step = 0, 0, 1 << 16
    while seen + (here := data.count(b"\n", start, start + step)) < max_lines:
        seen += here
        start += step
    piece = np.frombuffer(data, dtype=np.uint8, count=min(step, len(data) - start), offset=start)
    cut = start + int(np.flatnonzero(piece == 10)[max_lines - seen - 1])
    msg.limit_notes.append(
        LimitNote(
            "LIMIT_LINES",
            f"the message has {lines} lines; only the first {max_lines} were read",
        )
    )
    return data[: cut + 1]


def _measure_lines(msg: Message, data: bytes) -> None:
    """Lines over 998 octets (RFC 5322 §2.1.1), from the positions of the line breaks: a list of
    every line cost 4 s and 300 MB on 5 million blank lines, a regex 1 s on 9 MB of short ones;
    numpy finds them in about 10 ms."""
    breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(data)]))
    long_ones = []
    for start, end in zip(starts[ends - starts > 998], ends[ends - starts > 998], strict=True):
        length = len(data[start:end].rstrip(b"\r"))
        if length > 998:  # a line ending in CR is counted with its CR above
            long_ones.append(length)
    msg.long_lines = len(long_ones)
    msg.max_line_length = max(long_ones, default=0)


def _read_headers(msg: Message, parsed: EmailMessage) -> None:
    try:
        items = list(parsed.raw_items())
    except Exception:
        items = []
    for name, value in items:
        raw_value = value if isinstance(value, str) else str(value)
        info = decode_header_value(raw_value[:_MAX_HEADER_TEXT])
        msg.raw_headers.append((name, raw_value[:_MAX_HEADER_TEXT]))
        msg.headers.append((name, info.text))
        msg.header_info.setdefault(name.lower(), info)
        msg.header_decoding.append((name, info))
    for defect in getattr(parsed, "defects", []):
        msg.defects.append(("headers", type(defect).__name__))


def _parse_address_header(parsed: EmailMessage, name: str) -> tuple[list[Address], bool]:
    """Addresses from header `name` via policy.default's parser; the bool says if it was clean."""
    raw_values = [v for k, v in _safe_raw_items(parsed) if k.lower() == name.lower()]
    if not raw_values:
        return [], False
    addresses: list[Address] = []
    clean = True
    for raw in raw_values:
        text = str(raw) if not isinstance(raw, str) else raw
        # Unfold (RFC 5322 §2.2.3) as email's own header_fetch_parse does: a From folded
        # between the display name and <address> is one valid mailbox, and the parser
        # rejects a line break inside an address part.
        text = "".join(text.splitlines())
        if len(text) > _MAX_ADDRESS_HEADER:
            return [], False
        if not text.isascii():
            # 8-bit bytes arrive as surrogates; as UTF-8 they are valid (RFC 6532), and as
            # another charset HDR_RAW_8BIT reports them: either way the address itself parses.
            text = decode_header_value(text).text if "=?" not in text else _unsurrogate(text)
        try:
            found, parsed_clean = _policy_addresses(name, text)
            clean = clean and parsed_clean
        except Exception:
            found = ()
            clean = False
        for display, addr_spec in found:
            if "=?" in display:
                display = decode_header_value(display).text
            if not addr_spec or addr_spec == "<>":
                clean = False
                continue
            addresses.append(Address(display, addr_spec))
    return addresses, clean


@lru_cache(maxsize=4096)
def _policy_addresses(name: str, text: str) -> tuple[tuple[tuple[str, str], ...], bool]:
    """(display name, addr-spec) pairs of one header value, and whether it parsed without a
    real defect. Cached: policy.default's parser costs ~0.2 ms, and a sender's From repeats
    on every message of a campaign."""
    header = _POLICY.header_factory(name, text)
    found = tuple((item.display_name or "", item.addr_spec or "") for item in header.addresses)
    return found, not any(not _benign_address_defect(d) for d in header.defects)


def _benign_address_defect(defect: Exception) -> bool:
    """Obsolete syntax and encoded-word quirks still give one usable address (Outlook quotes
    encoded-words; the HDR_EW_* findings report those separately)."""
    return isinstance(defect, errors.ObsoleteHeaderDefect) or "encoded" in str(defect)


def _unsurrogate(text: str) -> str:
    try:
        return text.encode("ascii", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return text


def _read_addresses(msg: Message, parsed: EmailMessage) -> None:
    raw_from = [v for k, v in _safe_raw_items(parsed) if k.lower() == "from"]
    try:
        addresses, clean = _parse_address_header(parsed, "From")
    except Exception:
        addresses, clean = [], False
    msg.from_addresses = addresses
    msg.from_parse_ok = (
        clean
        and len(raw_from) == 1
        and len(addresses) == 1
        and "@" in (addresses[0].addr_spec if addresses else "")
    )
    # Reply-To and To only need their addresses: the fast compat parser is enough there
    # (policy.default's parser costs ~0.2 ms a header; To can list hundreds of recipients).
    msg.reply_to = _fast_addresses(parsed, "reply-to")
    msg.to = _fast_addresses(parsed, "to")
    date_value = msg.header("Date")
    if date_value:
        try:
            date = email.utils.parsedate_to_datetime(date_value)
            msg.date = date if date.tzinfo else date.replace(tzinfo=UTC)
        except (TypeError, ValueError, IndexError, OverflowError):
            msg.date = None


def _fast_addresses(parsed: EmailMessage, name: str) -> list[Address]:
    values = [v for k, v in _safe_raw_items(parsed) if k.lower() == name]
    try:
        return [
            Address(decode_header_value(display).text if "=?" in display else display, addr)
            for display, addr in email.utils.getaddresses([v[:65536] for v in values])
            if addr and "@" in addr
        ]
    except Exception:  # getaddresses has raised on hostile input in some Python releases
        return []


def _safe_raw_items(parsed: EmailMessage) -> list[tuple[str, str]]:
    try:
        return [(k, str(v)) for k, v in parsed.raw_items()]
    except Exception:
        return []


def _walk(msg: Message, root: EmailMessage, limits: Limits) -> None:
    stack: list[tuple[EmailMessage, int, str]] = [(root, 0, "1")]
    while stack:
        part, depth, path = stack.pop()
        if len(msg.parts) >= limits.max_parts:
            msg.limit_notes.append(
                LimitNote(
                    "LIMIT_PARTS",
                    f"more than {limits.max_parts} MIME parts; the rest were not examined",
                )
            )
            return
        msg.mime_depth = max(msg.mime_depth, depth)
        info = _describe_part(part, depth, path)
        msg.parts.append(info)
        for defect in info.defects:
            msg.defects.append((path, defect))
        if not (info.is_multipart or info.content_type == "message/rfc822"):
            if not info.is_multipart:
                _decode_leaf(part, info)
            continue
        try:
            children = part.get_payload()
        except Exception:
            children = None
        if not isinstance(children, list):
            # multipart without a usable boundary: treat the body as one text part
            info.is_multipart = False
            _decode_leaf(part, info)
            continue
        if depth + 1 > limits.max_mime_depth:
            msg.limit_notes.append(
                LimitNote(
                    "LIMIT_MIME_DEPTH",
                    f"parts nested deeper than {limits.max_mime_depth} "
                    f"levels (under {path}) were not examined",
                )
            )
            continue
        for index in range(len(children) - 1, -1, -1):
            child = children[index]
            if isinstance(child, EmailMessage):
                stack.append((child, depth + 1, f"{path}.{index + 1}"))  # type: ignore[arg-type]


def _describe_part(part: EmailMessage, depth: int, path: str) -> Part:
    try:
        ctype = part.get_content_type()
    except Exception:
        ctype = "text/plain"
    info = Part(path=path, depth=depth, content_type=ctype)
    info.is_multipart = ctype.startswith("multipart/")
    try:
        charset = part.get_param("charset")
        if isinstance(charset, tuple):  # RFC 2231 form
            charset = charset[2]
        info.charset_label = str(charset).strip().lower() if charset else None
    except Exception:
        info.charset_label = None
    info.cte = str(part.get("Content-Transfer-Encoding", "") or "").strip().lower()
    try:
        info.disposition = part.get_content_disposition()
    except Exception:
        info.disposition = None
    try:
        filename = part.get_filename()
        if filename:
            info.filename = decode_header_value(str(filename)).text
    except Exception:
        info.filename = None
    try:
        content_id = part.get("Content-ID")
        if content_id:
            info.content_id = str(content_id).strip().strip("<>")[:998] or None
    except Exception:
        info.content_id = None
    info.defects = [type(d).__name__ for d in getattr(part, "defects", [])]
    try:
        info.content_id = str(part.get("Content-ID") or "").strip().strip("<>")
    except Exception:
        info.content_id = ""
    return info


def _undecoded_payload(part: EmailMessage) -> object:
    """The payload before transfer decoding; the stdlib raises on some hostile bodies."""
    try:
        return part.get_payload()
    except Exception:  # e.g. ValueError "embedded null character" from a bogus CTE
        return None


def _decode_leaf(part: EmailMessage, info: Part) -> None:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    raw_body = _undecoded_payload(part)
    if not isinstance(payload, bytes):
        payload = _to_bytes(raw_body) if isinstance(raw_body, str) else b""
    info.payload = payload
    info.size = len(payload)
    if isinstance(raw_body, str) and info.cte in ("", "7bit"):
        info.eight_bit_in_7bit = not raw_body.isascii()
    if not info.content_type.startswith("text/") and not (
        info.content_type == "message/rfc822" and not info.is_multipart
    ):
        return
    if info.is_attachment and info.content_type not in ("text/plain", "text/html"):
        return
    decoded = decode_bytes(payload, info.charset_label)
    info.decoded = decoded
    info.text = decoded.text.replace("\r\n", "\n").replace("\x00", "")
    if info.cte == "base64" and payload.isascii():
        info.base64_ascii_text = True


def _collect_text(msg: Message, limits: Limits, deadline: float | None = None) -> None:
    plain: list[str] = []
    html: list[str] = []
    budget = limits.max_text_chars
    html_budget = limits.max_html_bytes
    for part in msg.parts:
        if not part.is_body_text or part.text is None:
            continue
        if part.content_type == "text/plain":
            take = part.text[:budget]
            if len(take) < len(part.text):
                msg.limit_notes.append(
                    LimitNote(
                        "LIMIT_TEXT_CHARS",
                        f"text after {limits.max_text_chars} characters "
                        f"(part {part.path}) was not examined",
                    )
                )
            budget -= len(take)
            plain.append(take)
        else:
            take = part.text[:html_budget]
            if len(take) < len(part.text):
                msg.limit_notes.append(
                    LimitNote(
                        "LIMIT_HTML_BYTES",
                        f"HTML after {limits.max_html_bytes} characters "
                        f"(part {part.path}) was not examined",
                    )
                )
            html_budget -= len(take)
            html.append(take)
    msg.plain_text = "\n".join(plain)
    msg.html = "\n".join(html)
    if msg.html.strip():
        cut = _nth_index(msg.html, "<", limits.max_html_nodes)
        if cut >= 0:
            msg.html = msg.html[:cut]
            msg.limit_notes.append(
                LimitNote(
                    "LIMIT_HTML_NODES",
                    f"HTML after the first {limits.max_html_nodes} tags was not examined",
                )
            )
        cost = measure_html(
            msg.html,
            max_attributes=limits.max_html_attributes,
            max_element_attributes=limits.max_html_element_attributes,
            max_depth=limits.max_html_depth,
            max_reopened=limits.max_html_reopened,
        )
        if cost.cut is not None:
            msg.html = msg.html[: cost.cut.at]
            msg.limit_notes.append(LimitNote(cost.cut.id, cost.cut.detail))
        if _out_of_time(msg, deadline, "the HTML"):
            msg.html_doc = HtmlDoc()
            return
        try:
            msg.html_doc = parse_html(msg.html, max_nodes=limits.max_html_nodes)
        except Exception as exc:  # lexbor is robust; keep the report if it is not
            msg.defects.append(("html", f"HtmlParseError: {type(exc).__name__}"))
            msg.html_doc = HtmlDoc()
        if msg.html_doc.truncated and cut < 0:
            msg.limit_notes.append(
                LimitNote(
                    "LIMIT_HTML_NODES",
                    f"HTML elements after the first {limits.max_html_nodes} were not examined",
                )
            )


def _nth_index(text: str, needle: str, n: int) -> int:
    """Index of the n-th occurrence of `needle` (1-based), or -1 if there are fewer."""
    if text.count(needle) < n:
        return -1
    index = -1
    for _ in range(n):
        index = text.find(needle, index + 1)
    return index


def _collect_urls(msg: Message, limits: Limits) -> None:
    urls: list[Url] = []
    seen: set[tuple[str, str, str]] = set()
    distinct: set[str] = set()
    dropped = 0

    def add(raw: str, source: str, anchor: str = "") -> None:
        nonlocal dropped
        if not raw:
            return
        target = mergetags.link_target(raw)
        if target is None:  # href="*|UNSUB|*": nothing to judge until the ESP fills it in
            msg.templated_links += 1
            return
        raw = target
        anchor = mergetags.neutralize(anchor)
        key = (raw, source, anchor)
        if key in seen:
            return
        if raw not in distinct and len(distinct) >= limits.max_urls:
            dropped += 1
            return
        seen.add(key)
        distinct.add(raw)
        urls.append(make_url(raw, source, anchor))

    doc = msg.html_doc
    if doc is not None:
        for link in doc.links:
            add(link.href, "a", link.text)
        for image in doc.images:
            add(image.src, "img")
        for action in doc.form_actions:
            add(action, "form")
        for src in doc.frame_sources:
            add(src, "frame")
        for href in doc.external_css + doc.css_urls:
            add(href, "css")
        for found in find_urls_in_text(doc.visible_text, limits.max_urls + 1):
            add(found, "html-text")
    for found in find_urls_in_text(msg.plain_text, limits.max_urls + 1):
        add(found, "text")
    msg.urls = urls
    if dropped:
        msg.limit_notes.append(
            LimitNote(
                "LIMIT_URLS",
                f"links beyond the first {limits.max_urls} distinct ones were not examined",
            )
        )
