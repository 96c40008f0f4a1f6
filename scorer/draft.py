"""Body-only drafts (an `.html` or `.txt` template, pasted HTML or text) wrapped into a message.

A template in a repository, or a body copied out of an ESP's editor, has no headers: this builds
the message from it with only what the user gave (From, To, Subject when known; a Subject from
the HTML's own <title>; multipart/alternative when both an HTML and a text body are given) and
never invents the rest. What it could not have is listed in `DraftInfo.assumed_missing`, which
the engine reports and does not judge (the sending platform adds those fields). Merge tags stay
as written: the parser takes them out of what content rules read (scorer.mergetags).
`looks_like_message` tells a full message from a body, for callers that accept either.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import scorer.mergetags as mergetags
from scorer.compose import compose_message

SENDING_PLATFORM_ADDS = ("Date", "Message-ID")
"""Fields every sending platform adds at send time: a draft is never judged on them."""
TEXT_PART = "text/plain"
"""An HTML body pasted alone lacks its plain-text alternative, which sending platforms
generate from the HTML: listed with the assumed-missing headers, not judged."""
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
class DraftInfo:
    """What kind of input a message was made from, and the fields it could not have."""

    input: str
    """`html_body`, `text_body`, `html_text_body` (a pasted or template body) or `composed`."""
    assumed_missing: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {"input": self.input, "assumed_missing": list(self.assumed_missing)}


@dataclass(frozen=True)
class Draft:
    """The parts of a body-only draft; `to_message()` makes the raw message, `info()` says what
    it lacks. None means not given: the header is left out, never filled with a sample."""

    html: str | None = None
    text: str | None = None
    from_: str | None = None
    to: str | None = None
    subject: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def shown_subject(self) -> str | None:
        return self.subject if self.subject is not None else guess_subject(self.html)

    def to_message(self) -> bytes:
        return compose_message(
            from_=self.from_,
            to=self.to,
            subject=self.shown_subject,
            html=self.html,
            text=self.text if (self.text is not None or self.html is not None) else "",
            headers=dict(self.headers),
            date=None,
            message_id=None,
        )

    def info(self) -> DraftInfo:
        given = {name.lower() for name in self.headers}
        fields = {"From": self.from_, "To": self.to, "Subject": self.shown_subject}
        missing = [name for name, value in fields.items() if not value]
        missing += [name for name in SENDING_PLATFORM_ADDS]
        if self.html and not self.text:
            missing.append(TEXT_PART)  # sending platforms make it from the HTML
        kind = (
            "html_text_body"
            if self.html and self.text
            else ("html_body" if self.html else "text_body")
        )
        return DraftInfo(kind, tuple(n for n in missing if n.lower() not in given))


def body_draft(data: bytes, name: str = "") -> Draft:
    """A pasted or uploaded body (no header block) as a Draft of its kind."""
    body = decode_body(data)
    if body_kind(data, name) == "html":
        return Draft(html=body)
    return Draft(text=body)


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
