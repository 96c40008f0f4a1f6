"""Sender authentication, one module per protocol: spf, dkim, dmarc; and the identities they use.

Everything here takes a per-message `scorer.dns.DnsSession` explicitly, never a global resolver,
so tests point it at the DNS server on 127.0.0.1 and the pipeline bounds it per message.
"""

from __future__ import annotations

from dataclasses import dataclass

from scorer.context import Context
from scorer.message import Message


@dataclass(frozen=True)
class Envelope:
    """The SMTP identities SPF checks, and where they came from."""

    sender: str | None
    """MAIL FROM address; "" for the null sender; None when unknown (a draft)."""
    helo: str | None
    source: str
    """"delivery" (given by the caller or the SMTP inbox), "return-path", or "" when unknown."""

    @property
    def domain(self) -> str:
        if self.sender and "@" in self.sender:
            return self.sender.rpartition("@")[2].strip().strip(".").lower()
        if self.sender == "" and self.helo:
            return self.helo.strip().strip(".").lower()
        return ""


def envelope(msg: Message, ctx: Context) -> Envelope:
    """MAIL FROM from the delivery facts, else the Return-Path header, else unknown."""
    helo = ctx.delivery.helo
    if ctx.delivery.mail_from is not None:
        return Envelope(_bare(ctx.delivery.mail_from), helo, "delivery")
    return_path = msg.header("Return-Path")
    if return_path is not None:
        return Envelope(_bare(return_path), helo, "return-path")
    return Envelope(None, helo, "")


def _bare(address: str) -> str:
    text = address.strip()
    if "<" in text and ">" in text:
        text = text[text.index("<") + 1 : text.rindex(">")]
    return text.strip()
