"""Build a raw message from parts (From, To, Subject, text, HTML, headers), as a draft would be.

The API's composed form, the web form's compose tab, body-only drafts and the rules' examples
all use this, so a composed draft is analysed exactly like a pasted one. The defaults are the
rule examples' sample sender and subject; the faces pass None for what the user left empty, so
a draft never carries a value the user did not write (None leaves the header out).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

EXAMPLE_FROM = "Example Shop <news@example.com>"
EXAMPLE_TO = "reader@example.org"
EXAMPLE_SUBJECT = "Your January update"
EXAMPLE_DATE = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
AUTO = "auto"
"""`message_id=AUTO`: a fresh Message-ID in the From domain (the rule examples' default)."""
_SMTP = policy.SMTP.clone(max_line_length=998)


def compose_message(
    *,
    from_: str | None = EXAMPLE_FROM,
    to: str | None = EXAMPLE_TO,
    subject: str | None = EXAMPLE_SUBJECT,
    text: str | None = None,
    html: str | None = None,
    headers: Mapping[str, str | None] | None = None,
    date: datetime | None = EXAMPLE_DATE,
    message_id: str | None = AUTO,
) -> bytes:
    """Raw RFC 5322 bytes (CRLF) for a message built from the given fields.

    A field given as None, or a header set to None in `headers`, is left out (a draft without
    a Subject, examples without a Date). With neither text nor html the body is one short
    plain line (the examples'); a face that must not invent a body passes `text=""`.
    """
    headers = dict(headers or {})
    msg = EmailMessage(policy=_SMTP)
    sender = from_ or ""
    domain = sender.rsplit("@", 1)[-1].strip("> ") if "@" in sender else "example.com"
    if message_id == AUTO:
        message_id = make_msgid(idstring="draft", domain=domain or None)
    defaults: dict[str, str | None] = {
        "From": from_,
        "To": to,
        "Subject": subject,
        "Date": format_datetime(date) if date is not None else None,
        "Message-ID": message_id,
    }
    for name, value in defaults.items():
        override = next((k for k in headers if k.lower() == name.lower()), None)
        if override is not None:
            value = headers.pop(override)
        if value is not None:
            msg[name] = value
    if text is None and html is None:
        text = (
            "Hello,\n\nHere is this month's news from our shop.\n\n"
            "Best regards,\nThe Example team\n"
        )
    if text is not None:
        msg.set_content(text, cte=_cte(text))
    if html is not None:
        if text is not None:
            msg.add_alternative(html, subtype="html", cte=_cte(html))
        else:
            msg.set_content(html, subtype="html", cte=_cte(html))
    for name, value in headers.items():
        if value is not None:
            msg[name] = value
    return msg.as_bytes()


def _cte(body: str) -> str:
    return (
        "7bit"
        if body.isascii() and max(map(len, body.splitlines() or [""])) <= 900
        else "quoted-printable"
    )
