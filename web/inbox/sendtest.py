"""`spamscore send-test`: deliver a message to the test inbox over SMTP, as a sending system
would, then fetch the report the inbox made and print it like `spamscore check`.

Every failure (no API, refused recipient, message too big, no report in time) is an error of
use: exit 2 with one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import smtplib
import ssl
import sys
import time
import urllib.error
import urllib.request
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from typing import Any

from scorer.commands import EXIT_INCONCLUSIVE, EXIT_OK, EXIT_SPAM, read_input
from scorer.errors import UsageError
from scorer.textreport import format_text
from web.inbox.addresses import parse_address
from web.inbox.commands import DEFAULT_API
from web.inbox.config import DEFAULT_PORT

_POLL_SECONDS = 0.5
_SMTP_TIMEOUT = 120.0
_HTTP_TIMEOUT = 30.0
_FINAL = ("done", "failed", "expired", "deleted")


def run(args: argparse.Namespace) -> int:
    raw = to_wire(read_input(args.file))
    if not raw.strip():
        raise UsageError(f"{args.file} is empty")
    lang = args.lang or os.environ.get("SPAMSCORE_LANG") or "en"
    api = Api(
        args.api or os.environ.get("SPAMSCORE_API_URL") or DEFAULT_API,
        args.api_key or os.environ.get("SPAMSCORE_API_KEY") or None,
    )
    if args.to:
        parsed = parse_address(args.to)
        if parsed is None:
            raise UsageError(f"--to {args.to} is not a test address (test-<id>@<domain>)")
        test_id, address = parsed[0], args.to.strip().strip("<>")
        # Ask the web service about the test before sending: a wrong --api (another port,
        # another host) must fail here, not after the address has taken its one message.
        known = api.call("GET", f"/api/v1/tests/{test_id}")
        if known.get("status") != "waiting":
            raise UsageError(
                f"the test address {address} is {known.get('status')}: it takes no more mail "
                "(get a new one)"
            )
    else:
        created = api.call("POST", "/api/v1/tests")
        test_id, address = created["id"], created["address"]
    host, port = server_address(args.server or os.environ.get("SPAMSCORE_INBOX_SERVER"))
    sender = args.mail_from if args.mail_from is not None else envelope_sender(raw)
    send(
        raw,
        host=host,
        port=port,
        sender=sender,
        recipient=address,
        starttls=args.starttls,
        cafile=args.cafile,
        helo=args.helo,
    )
    test = wait_for_report(api, test_id, lang, args.wait)
    report = test["report"]
    if args.threshold is not None:
        report["threshold"] = args.threshold
        report["is_spam"] = report["score"] >= args.threshold or bool(report.get("incomplete"))
    if args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_text(report, lang))
        page = report.get("links", {}).get("html")
        if page:
            sys.stdout.write(f"{api.base}{page}\n")
    if report.get("verdict") == "inconclusive":
        return EXIT_INCONCLUSIVE
    return EXIT_SPAM if report["is_spam"] else EXIT_OK


def to_wire(raw: bytes) -> bytes:
    """The message with CRLF line ends, as SMTP carries it (a file on disk often has LF)."""
    return re.sub(rb"\r?\n", b"\r\n", raw)


def server_address(value: str | None) -> tuple[str, int]:
    if not value:
        return "127.0.0.1", DEFAULT_PORT
    host, sep, port = value.strip().rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise UsageError(f"--server must be HOST:PORT, not {value!r}")
    number = int(port)
    if not 0 < number < 65536:
        raise UsageError(f"--server port must be 1-65535, not {number}")
    return host.strip("[]"), number


def envelope_sender(raw: bytes) -> str:
    """Return-Path if the message has one, else the From address, else the null sender."""
    headers = BytesHeaderParser().parsebytes(raw)
    for name in ("Return-Path", "From"):
        values = [str(v) for v in headers.get_all(name) or []]
        for _display, addr in getaddresses(values):
            if "@" in addr:
                return addr
    return ""


def send(
    raw: bytes,
    *,
    host: str,
    port: int,
    sender: str,
    recipient: str,
    starttls: bool,
    cafile: str | None,
    helo: str | None,
) -> str:
    """Deliver `raw`; the inbox's final reply. Refusals become UsageError with the SMTP reply."""
    where = f"{host}:{port}"
    try:
        with smtplib.SMTP(host, port, local_hostname=helo, timeout=_SMTP_TIMEOUT) as smtp:
            smtp.ehlo()
            if starttls:
                if not smtp.has_extn("starttls"):
                    raise UsageError(f"the inbox at {where} does not offer STARTTLS")
                smtp.starttls(context=_client_context(cafile))
                smtp.ehlo()
            options = ["BODY=8BITMIME"] if _eight_bit(raw) and smtp.has_extn("8bitmime") else []
            smtp.sendmail(sender, [recipient], raw, mail_options=options)
            return "250"
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        raise UsageError(f"the inbox refused {recipient}: {code} {_text(text)}") from None
    except smtplib.SMTPSenderRefused as exc:
        raise UsageError(
            f"the inbox refused the message: {exc.smtp_code} {_text(exc.smtp_error)}"
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise UsageError(f"the inbox answered {exc.smtp_code} {_text(exc.smtp_error)}") from None
    except ssl.SSLError as exc:
        raise UsageError(f"STARTTLS with {where} failed: {exc.reason or exc}") from None
    except (OSError, smtplib.SMTPException) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise UsageError(f"cannot deliver to the inbox at {where}: {reason}") from None


def _client_context(cafile: str | None) -> ssl.SSLContext:
    if cafile:
        try:
            return ssl.create_default_context(cafile=cafile)
        except (OSError, ssl.SSLError) as exc:
            raise UsageError(f"cannot read --cafile {cafile}: {exc}") from None
    # Opportunistic TLS (RFC 7435), as MTAs deliver: encrypted, the certificate not checked.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _eight_bit(raw: bytes) -> bool:
    return any(b > 127 for b in raw)


def _text(value: bytes | str) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return " ".join(text.split())


def wait_for_report(api: Api, test_id: str, lang: str, seconds: float) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        test = api.call("GET", f"/api/v1/tests/{test_id}?lang={lang}")
        status = test.get("status")
        if status == "done" and test.get("report"):
            return test
        if status in _FINAL:
            raise UsageError(f"test {test_id} ended {status} without a report")
        if time.monotonic() >= deadline:
            raise UsageError(
                f"no report for test {test_id} after {seconds:g} s (status {status}); "
                "is the inbox running and sharing the web service's store?"
            )
        time.sleep(_POLL_SECONDS)


class Api:
    """The few JSON calls send-test makes; errors become one-line UsageErrors."""

    def __init__(self, base: str, key: str | None) -> None:
        self.base = base.rstrip("/")
        self.key = key

    def call(self, method: str, path: str) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        if self.key:
            headers["X-API-Key"] = self.key
        request = urllib.request.Request(
            self.base + path, data=b"" if method == "POST" else None, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=_HTTP_TIMEOUT) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise UsageError(f"the API answered {exc.code}: {_api_error(exc)}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise UsageError(f"cannot reach the API at {self.base}: {reason}") from None
        except ValueError:
            raise UsageError(f"the API at {self.base} did not answer JSON") from None


def _api_error(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read())
        return str(body["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return exc.reason or "error"
