"""What the inbox does with a recipient and a message, apart from speaking SMTP: decide whether a
recipient is a test address we issued, store what arrived exactly as received (with our own
Received line on top when no signature covers Received), and analyse it with the delivery facts.

Plain blocking code: the SMTP side runs it in worker threads (web.inbox.smtp).
"""

from __future__ import annotations

import ipaddress
import logging
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from scorer.auth.dkim import signature_tags, signed_header_names
from web.inbox.addresses import parse_address
from web.service import AnalysisFailedError, Checker
from web.store import ReportStore

log = logging.getLogger(__name__)

TEMPFAIL = "451 4.3.0 Temporary failure on our side; please try again later"
_HELO_SAFE = re.compile(r"[^A-Za-z0-9.\-:\[\]_]")
_MAX_FACT = 255
_SIGNATURE_HEADERS = ("dkim-signature:", "arc-message-signature:")


@dataclass(frozen=True)
class Arrival:
    """One message as the wire gave it, with the facts of its SMTP session."""

    content: bytes
    """DATA as received: dot-unstuffed, line endings as sent (CRLF on the wire)."""
    peer_ip: str
    helo: str
    mail_from: str
    """The envelope sender; "" for the null sender <>."""
    recipients: Sequence[str]
    tls_version: str | None = None
    tls_cipher: str | None = None
    esmtp: bool = True
    smtputf8: bool = False
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def delivery(self) -> dict[str, Any]:
        """The facts the analysis uses (scorer.context.Delivery fields)."""
        facts: dict[str, Any] = {
            "sender_ip": self.peer_ip,
            "helo": _clean(self.helo),
            # "<>" (not "") for the null sender: SPF then checks the HELO name (RFC 7208 2.4)
            "mail_from": _clean(self.mail_from) if self.mail_from else "<>",
            "tls": self.tls_version is not None,
        }
        if self.tls_version:
            facts["tls_version"] = self.tls_version
        return facts


def canonical_ip(peer: str) -> str:
    """The peer address as one string: an IPv4-mapped IPv6 address becomes the IPv4 one."""
    try:
        address = ipaddress.ip_address(peer.split("%", 1)[0])
    except ValueError:
        return peer
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def _clean(value: str) -> str:
    """A client-given string safe to store and show: valid UTF-8, no controls, bounded."""
    text = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(c if c.isprintable() else "?" for c in text)[:_MAX_FACT]


class Receiver:
    """The store and the analyzer behind one inbox."""

    def __init__(self, checker: Checker, *, domain: str, hostname: str) -> None:
        self.checker = checker
        self.domain = domain.lower()
        self.hostname = hostname

    @property
    def store(self) -> ReportStore:
        return self.checker.store

    # --- RCPT TO ---------------------------------------------------------------------------
    def check_recipient(self, address: str) -> str | None:
        """None when `address` is a test waiting for its message, else the SMTP reply."""
        parsed = parse_address(address)
        domain = address.rpartition("@")[2].strip().rstrip(">").rstrip(".").lower()
        if domain != self.domain:
            return (
                f"550 5.7.1 <{_clean(address)}>: relay access denied; "
                f"we take mail for test addresses @{self.domain} only"
            )
        if parsed is None:
            return f"550 5.1.1 <{_clean(address)}>: no such test address"
        test = self.store.get_test(parsed[0])
        if test is None or test.domain != parsed[1]:
            return f"550 5.1.1 <{_clean(address)}>: no such test address (unknown or expired)"
        if test.status != "waiting":
            return (
                f"550 5.2.1 <{_clean(address)}>: this test already received its message; "
                "create a new test"
            )
        if not test.accepting():
            return f"550 5.1.1 <{_clean(address)}>: this test address has expired"
        return None

    # --- DATA ------------------------------------------------------------------------------
    def store_arrival(self, arrival: Arrival) -> list[str]:
        """Store the message for each recipient test still waiting; the new report ids."""
        raw = self.as_stored(arrival)
        options = {"delivery": arrival.delivery()}
        report_ids = []
        seen: set[str] = set()
        for recipient in arrival.recipients:
            parsed = parse_address(recipient)
            if parsed is None or parsed[0] in seen:
                continue
            seen.add(parsed[0])
            new = self.store.attach_message(parsed[0], raw, options=options)
            if new is not None:
                report_ids.append(new.id)
        return report_ids

    def analyse(self, report_ids: Sequence[str]) -> None:
        """Analyse the stored message once and keep the report under every id. A failure is
        logged and left to the web service, which re-makes a pending report when fetched."""
        if not report_ids:
            return
        started = time.monotonic()
        try:
            loaded = self.checker.load(report_ids[0])
        except AnalysisFailedError:
            return  # logged by the checker; the row says failed
        if loaded is None:
            return
        row, report = loaded
        storage = report.to_storage()
        for report_id in report_ids[1:]:
            self.store.set_report(report_id, storage, row.render)
        delivery = row.options.get("delivery", {})
        log.info(
            "report %s: %s bytes from %s (%s), score %.2f, analysed in %.0f ms",
            ",".join(report_ids),
            len(row.raw),
            delivery.get("sender_ip"),
            delivery.get("tls_version") or "no TLS",
            report.score,
            (time.monotonic() - started) * 1000,
        )

    def as_stored(self, arrival: Arrival) -> bytes:
        """The bytes we keep and analyse: our Received line, then the message as received.
        Without the line when a signature covers Received: then adding one could break it."""
        content = arrival.content
        if signs_received(content):
            return content
        return self.trace_header(arrival, newline=_newline(content)) + content

    def trace_header(self, arrival: Arrival, *, newline: bytes = b"\r\n") -> bytes:
        """A Received line (RFC 5321 4.4), 7-bit, folded."""
        helo = _HELO_SAFE.sub("?", arrival.helo)[:_MAX_FACT] or "unknown"
        protocol = ("UTF8SMTP" if arrival.smtputf8 else "ESMTP") if arrival.esmtp else "SMTP"
        lines = [f"Received: from {helo} ([{arrival.peer_ip}])"]
        if arrival.tls_version:
            protocol += "S"
            cipher = f" with cipher {arrival.tls_cipher}" if arrival.tls_cipher else ""
            lines.append(f"\t(using {arrival.tls_version}{cipher})")
        lines.append(
            f"\tby {self.hostname} (spamscore test inbox) with {protocol} id {secrets.token_hex(6)}"
        )
        recipients = list(dict.fromkeys(arrival.recipients))
        rcpt = f"for <{recipients[0]}>" if len(recipients) == 1 else ""
        date = format_datetime(arrival.at.astimezone(UTC))
        lines.append(f"\t{rcpt}; {date}" if rcpt else f"\t; {date}")
        text = "\r\n".join(lines).encode("ascii", "replace")
        return text.replace(b"\r\n", newline) + newline


def _newline(content: bytes) -> bytes:
    first = content.find(b"\n")
    return b"\r\n" if first > 0 and content[first - 1 : first] == b"\r" else b"\n"


def signs_received(content: bytes) -> bool:
    """Whether a DKIM or ARC signature in the header lists Received among its signed headers."""
    end = len(content)
    for separator in (b"\r\n\r\n", b"\n\n"):
        at = content.find(separator)
        if at >= 0:
            end = min(end, at)
    header = content[:end].decode("utf-8", "surrogateescape")
    fields: list[str] = []
    for line in re.split(r"\r?\n", header):
        if line[:1] in (" ", "\t") and fields:
            fields[-1] += line
        else:
            fields.append(line)
    for value in fields:
        lowered = value.lower()
        for name in _SIGNATURE_HEADERS:
            if lowered.startswith(name):
                tags = signature_tags(value[len(name) :])
                if "received" in signed_header_names(tags):
                    return True
    return False
