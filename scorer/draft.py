"""Body-only drafts (an `.html` or `.txt` template, pasted HTML) wrapped into a message.

A template in a repository, or HTML pasted into a form, has no headers: this builds the message
an ESP would send from it (From, To, Subject, Date, Message-ID; multipart/alternative when both
an HTML and a text body are given), so every face analyses a draft exactly like a full message.
Merge tags stay as written: the parser takes them out of what content rules read
(scorer.mergetags). `looks_like_message` tells a full message from a body, for callers that
accept either.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import scorer.mergetags as mergetags
from scorer.compose import compose_message

DEFAULT_FROM = "Draft Sender <draft@example.com>"
DEFAULT_TO = "recipient@example.org"
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".hbs", ".handlebars", ".liquid", ".j2", ".jinja")
TEXT_SUFFIXES = (".txt", ".text")
_HEADER_LINE = re.compile(rb"^[!-9;-~]{1,76}:[ \t]?[^\r\n]*\r?$")
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype|html|head|body|table|div|p|center)\b", re.I | re.S
)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_HEADING = re.compile(r"<h[1-3][^>]*>(.*?)</h[1-3]>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Draft:
    """The parts of a body-only draft; `to_message()` makes the raw message."""

    html: str | None = None
    text: str | None = None
    from_: str = DEFAULT_FROM
    to: str = DEFAULT_TO
    subject: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def to_message(self) -> bytes:
        subject = self.subject if self.subject is not None else guess_subject(self.html)
        return compose_message(
            from_=self.from_,
            to=self.to,
            subject=subject,
            html=self.html,
            text=self.text,
            headers=dict(self.headers),
        )


def looks_like_message(data: bytes) -> bool:
    """True when `data` starts with a header block (RFC 5322 fields, an mbox From_ line),
    False for a bare body: HTML, or text whose first line is not a `Name: value` field."""
    head = data.lstrip(b"\xef\xbb\xbf")[:4096]
    if _HTML_START.match(head):
        return False
    if head.startswith(b"From "):
        return True
    lines = head.splitlines()
    if not lines or not _HEADER_LINE.match(lines[0]):
        return False
    # a field line, then more fields or a blank line: a header block
    fields = 0
    for line in lines[:20]:
        if not line.strip():
            return fields >= 1
        if line[:1] in (b" ", b"\t") and fields:
            continue
        if not _HEADER_LINE.match(line):
            return False
        fields += 1
    return fields >= 2


def body_kind(data: bytes, name: str = "") -> str:
    """`html` or `text`: by the file name's suffix, else by the content."""
    suffix = Path(name).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    sample = data[:4096].decode("utf-8", "replace")
    return (
        "html"
        if _HTML_START.match(data[:4096]) or re.search(r"</(?:p|div|td|a|br)>", sample, re.I)
        else "text"
    )


def decode_body(data: bytes) -> str:
    """A template's text: UTF-8 (with or without BOM), else Windows-1252, never an error."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def guess_subject(html: str | None) -> str | None:
    """A subject for an HTML draft given none: its <title>, else its first h1-h3, when that is
    real text (not only a merge tag such as `*|MC:SUBJECT|*`)."""
    if not html:
        return None
    for pattern in (_TITLE, _HEADING):
        match = pattern.search(html[:200_000])
        if match:
            text = " ".join(html_lib.unescape(_TAGS.sub(" ", match.group(1))).split())
            if text and mergetags.neutralize(text).strip():
                return text[:200]
    return None
