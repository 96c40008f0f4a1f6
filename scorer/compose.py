"""Build a raw message from parts (From, To, Subject, text, HTML, headers), as a draft would be.

The API's composed form, the web form's compose tab and the rules' examples all use this, so a
composed draft is analysed exactly like a pasted one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

_FIXED_DATE = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
_SMTP = policy.SMTP.clone(max_line_length=998)


def compose_message(
    *,
    from_: str = "Example Shop <news@example.com>",
    to: str = "reader@example.org",
    subject: str | None = "Your January update",
    text: str | None = None,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
    date: datetime | None = None,
    message_id: str | None = None,
) -> bytes:
    """Raw RFC 5322 bytes (CRLF) for a message built from the given fields.

    A header set to None in `headers` is left out, so examples can show a missing Date or
    Message-ID. With neither text nor html the body is one short plain line.
    """
    headers = dict(headers or {})
    msg = EmailMessage(policy=_SMTP)
    domain = from_.rsplit("@", 1)[-1].strip("> ") if "@" in from_ else "example.com"
    defaults: dict[str, str | None] = {
        "From": from_,
        "To": to,
        "Subject": subject,
        "Date": format_datetime(date or _FIXED_DATE),
        "Message-ID": message_id or make_msgid(idstring="draft", domain=domain or None),
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
