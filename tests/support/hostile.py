"""Hostile messages, as issue 14 measured them: each is obvious spam text followed by what once
stalled the engine or turned its verdict clean. The tests and bench/hostile.py share them."""

from __future__ import annotations

import quopri
from collections.abc import Callable

SPAM_TEXT = (
    "Make money fast! Earn extra cash from home, act now: this offer is 100% free with no "
    "obligation. Click here to claim your prize. Risk free, order today. "
)
MIB = 1024 * 1024


def message(body: bytes, *, content_type: str = "text/html", cte: str = "7bit") -> bytes:
    head = (
        "From: Deals <deals@example.com>\r\nTo: you@example.org\r\nSubject: Make money fast\r\n"
        "Date: Mon, 1 Dec 2025 10:00:00 +0000\r\nMessage-ID: <hostile@example.com>\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: {content_type}; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: {cte}\r\n\r\n"
    )
    return head.encode() + body


def spam_html() -> str:
    return f"<html><body><p>{SPAM_TEXT}</p>"


def attribute_bomb(count: int) -> bytes:
    """One <div> with `count` distinct attributes after the spam text (25,000: 0.2 MB; 90,000:
    0.6 MB; 200,000: 1.5 MB held a worker for 72 s)."""
    attributes = " ".join(f"a{i}" for i in range(count))
    return message(f"{spam_html()}<div {attributes}>x</div></body></html>".encode())


def deep_tags(depth: int, tag: str = "div") -> bytes:
    return message(f"{spam_html()}{f'<{tag}>' * depth}x".encode())


def quoted_printable(size: int = 9 * MIB, *, soft_breaks: bool = False) -> bytes:
    """A quoted-printable text body of `size` bytes: lines of text, or (soft_breaks) nothing but
    soft line breaks (3 bytes a line)."""
    text = quopri.encodestring((SPAM_TEXT * 3).encode()) + b"\r\n"
    filler = b"=\r\n" if soft_breaks else b"A" * 73 + b"=\r\n"
    body = text + filler * ((size - len(text)) // len(filler))
    return message(body, content_type="text/plain", cte="quoted-printable")


def blank_lines(size: int = 9 * MIB) -> bytes:
    """Spam text, then `size` bytes of empty lines (CRLF)."""
    return message(SPAM_TEXT.encode() + b"\r\n" + b"\r\n" * (size // 2), content_type="text/plain")


HOSTILE: dict[str, Callable[[], bytes]] = {
    "attributes-25k": lambda: attribute_bomb(25_000),
    "attributes-90k": lambda: attribute_bomb(90_000),
    "attributes-200k": lambda: attribute_bomb(200_000),
    "quoted-printable-9mb": quoted_printable,
    "qp-soft-breaks-9mb": lambda: quoted_printable(soft_breaks=True),
    "deep-div-10k": lambda: deep_tags(10_000),
    "deep-table-5k": lambda: deep_tags(5_000, "table"),
    "deep-b-10k": lambda: deep_tags(10_000, "b"),
    "blank-lines-9mb": blank_lines,
}
"""Name → message; every one was measured stalling the engine or evading its verdict."""
