"""SpamAssassin's spamc/spamd protocol (SPAMC/1.x), as `spamd/PROTOCOL` documents it and
spamd 4.0 answers it: reading a request, and writing each command's response.

Requests: `CHECK`, `SYMBOLS`, `REPORT`, `REPORT_IFSPAM`, `PROCESS`, `HEADERS`, `PING`, `SKIP`
and `TELL`, with the `Content-length`, `User` and `Compress: zlib` headers. Responses follow
spamd byte for byte where clients parse them (Exim `sscanf`s the REPORT reply, spamass-milter
reads the PROCESS headers): the status line, `Content-length`, `Spam: True ; S / T` and the
version-dependent layout (1.2 and older get no multiple headers). Errors are spamd's own
sysexits codes on one status line, after which the connection is closed.
"""

from __future__ import annotations

import asyncio
import re
import zlib
from dataclasses import dataclass, field

from scorer.report import Report
from scorer.verdict import headers_only, rewrite, spam_line, test_names, text_report

# sysexits.h, as spamd names them
EX_OK = 0
EX_DATAERR = 65
EX_UNAVAILABLE = 69
EX_SOFTWARE = 70
EX_TEMPFAIL = 75
EX_PROTOCOL = 76
EX_NOPERM = 77
EX_TIMEOUT = 79
_NAMES = {
    EX_OK: "EX_OK",
    EX_DATAERR: "EX_DATAERR",
    EX_UNAVAILABLE: "EX_UNAVAILABLE",
    EX_SOFTWARE: "EX_SOFTWARE",
    EX_TEMPFAIL: "EX_TEMPFAIL",
    EX_PROTOCOL: "EX_PROTOCOL",
    EX_NOPERM: "EX_NOPERM",
    EX_TIMEOUT: "EX_TIMEOUT",
}

CHECKING = ("CHECK", "SYMBOLS", "REPORT", "REPORT_IFSPAM", "PROCESS", "HEADERS")
COMMANDS = (*CHECKING, "PING", "SKIP", "TELL")
_REQUEST_LINE = re.compile(r"^([A-Z_]+) SPAMC/(\d{1,3})\.(\d{1,3})\s*$")
_MAX_LINE = 8192
_MAX_HEADERS = 256  # spamd: "max 255 headers"


class ProtocolError(Exception):
    """A request spamd would refuse: the status line to send, then close."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text

    def status_line(self) -> bytes:
        return f"SPAMD/1.0 {self.code} {self.text}\r\n".encode("utf-8", "replace")


def bad_header(detail: str) -> ProtocolError:
    """EX_PROTOCOL with spamd's wording ("Bad header line: (...)")."""
    return ProtocolError(EX_PROTOCOL, f"Bad header line: ({detail})")


def unavailable(detail: str) -> ProtocolError:
    return ProtocolError(EX_UNAVAILABLE, f"Service Unavailable: {detail}")


@dataclass
class Request:
    method: str
    version: tuple[int, int]
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def user(self) -> str | None:
        return self.headers.get("user")


async def read_request(reader: asyncio.StreamReader, *, max_bytes: int) -> Request:
    """Read one request; raises ProtocolError for anything spamd would refuse, including a
    message over `max_bytes` (EX_DATAERR). The caller bounds the time it may take."""
    line = await _line(reader)
    if line is None:
        raise bad_header("closed before headers")
    match = _REQUEST_LINE.match(line)
    if not match or match.group(1) not in COMMANDS:
        shown = line[:80].encode("ascii", "backslashreplace").decode()
        raise bad_header(f"unknown command or protocol: {shown}")
    method = match.group(1)
    version = (int(match.group(2)), int(match.group(3)))
    request = Request(method, version)
    if method in ("PING", "SKIP"):
        if version >= (1, 5):  # 1.5 clients send a (usually empty) header block
            request.headers = await _headers(reader)
        return request
    if version > (1, 0) or method == "TELL":
        request.headers = await _headers(reader)
    request.body = await _body(reader, request.headers, max_bytes)
    return request


async def _line(reader: asyncio.StreamReader) -> str | None:
    try:
        raw = await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            return None
        raise bad_header("EOF during headers") from None
    except asyncio.LimitOverrunError:
        raise bad_header(f"header line longer than {_MAX_LINE} bytes") from None
    return raw.rstrip(b"\r\n").decode("latin-1")


async def _headers(reader: asyncio.StreamReader) -> dict[str, str]:
    headers: dict[str, str] = {}
    for _ in range(_MAX_HEADERS):
        line = await _line(reader)
        if line is None:
            raise bad_header("EOF during headers")
        if not line:
            return headers
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise bad_header("header not in 'Name: value' format")
        key = name.strip().lower()
        value = value.strip()
        if key == "content-length" and not value.isdigit():
            raise bad_header("Content-Length contains non-numeric bytes")
        if key == "user" and any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
            raise bad_header("User header contains control chars")
        if key == "compress" and value.lower() != "zlib":
            raise bad_header(f"compression type not supported: {value[:40]}")
        headers[key] = value
    raise bad_header("too many headers")


async def _body(reader: asyncio.StreamReader, headers: dict[str, str], max_bytes: int) -> bytes:
    compressed = "compress" in headers
    length = int(headers["content-length"]) if "content-length" in headers else None
    if compressed and length is None:
        raise unavailable("Compress requires Content-length header")
    if length is not None:
        if length > max_bytes:
            raise too_large(length, max_bytes)
        try:
            data = await reader.readexactly(length)
        except asyncio.IncompleteReadError as exc:
            raise bad_header(
                f"Content-Length mismatch: Expected {length} bytes, got {len(exc.partial)} bytes"
            ) from None
    else:
        data = await reader.read(max_bytes + 1)
        while data and len(data) <= max_bytes:
            more = await reader.read(max_bytes + 1 - len(data))
            if not more:
                break
            data += more
        if len(data) > max_bytes:
            raise too_large(len(data), max_bytes, at_least=True)
    if compressed:
        data = inflate(data, max_bytes)
    return data


def inflate(data: bytes, max_bytes: int) -> bytes:
    """zlib-decompress a request body, refusing more than `max_bytes` out (a zip bomb stops
    there) and a stream without its end (spamd: EX_UNAVAILABLE)."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise unavailable(f"zlib: {exc}") from None
    if len(out) > max_bytes:
        raise too_large(len(out), max_bytes, at_least=True)
    if not inflater.eof:
        raise unavailable("zlib: failed to find end of zlib stream")
    return out


def too_large(size: int, limit: int, *, at_least: bool = False) -> ProtocolError:
    size_text = "" if at_least else f"{size} bytes, "
    return ProtocolError(
        EX_DATAERR,
        f"Message too large: {size_text}over the limit of {limit} bytes "
        "(SPAMSCORE_MAX_MESSAGE_BYTES)",
    )


def pong() -> bytes:
    return b"SPAMD/1.5 0 PONG\r\n"


def tell_not_supported() -> ProtocolError:
    """spamd answers TELL with EX_UNAVAILABLE when learning is off; ours is always off."""
    return unavailable(
        "TELL is not supported: spamscore does not learn from reports (its classifier is "
        "trained offline with `spamscore train`)"
    )


def response(
    request: Request,
    report: Report,
    *,
    headers: list[tuple[str, str]],
    report_url: str | None = None,
    lang: str | None = None,
) -> bytes:
    """The full response to a checking command, laid out as spamd 4.0 lays it out for the
    request's protocol version; `headers` are the X-Spam-* headers PROCESS/HEADERS add."""
    method, version = request.method, request.version
    status = b"SPAMD/1.1 0 EX_OK\r\n"
    spam = f"Spam: {spam_line(report, yes_no=method == 'REPORT_IFSPAM')}".encode()
    if method in ("PROCESS", "HEADERS"):
        body = rewrite(request.body, headers)
        if method == "HEADERS":
            body = headers_only(body)
        if version >= (1, 3):
            return status + b"Content-length: %d\r\n" % len(body) + spam + b"\r\n\r\n" + body
        if version >= (1, 2):
            return status + b"Content-length: %d\r\n\r\n" % len(body) + body
        return b"SPAMD/1.0 0 EX_OK\r\n" + body
    if method == "CHECK":
        return status + spam + b"\r\n\r\n"
    if method == "SYMBOLS":
        text = ",".join(test_names(report)).encode()
        if version < (1, 3):
            text += b"\r\n"
    elif method == "REPORT" or report.is_spam:
        text = text_report(report, lang=lang, report_url=report_url).encode("utf-8")
    else:  # REPORT_IFSPAM on a message that is not spam
        text = b""
    if version >= (1, 3):
        return status + b"Content-length: %d\r\n" % len(text) + spam + b"\r\n\r\n" + text
    return status + spam + b"\r\n\r\n" + text
