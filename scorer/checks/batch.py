"""Facts about a message that only its batch shows: the same Message-ID on several messages.

A template that hard-codes its Message-ID sends thousands of messages with one identifier;
Gmail then rejects them temporarily (421 4.7.28, "exceeded the quota for sending messages that
have the same Message-ID"). The batch API counts the copies before it analyses each message
(`Delivery.message_id_copies`, see `message_id_counts`); a single message cannot show this.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from email.parser import BytesHeaderParser
from email.policy import compat32

from scorer.context import Context
from scorer.i18n import T
from scorer.message import Message
from scorer.registry import Hit, check

_HEADERS = BytesHeaderParser(policy=compat32)
MAX_HEADER_BYTES = 262_144
"""Only the header block is read to find the Message-ID (the analysis reads the rest)."""


def message_id_of(raw: bytes) -> str:
    """The Message-ID header value of a raw message, stripped; "" when there is none."""
    head = raw[:MAX_HEADER_BYTES]
    end = head.find(b"\r\n\r\n")
    if end < 0:
        end = head.find(b"\n\n")
    headers = _HEADERS.parsebytes(head if end < 0 else head[: end + 2])
    value = headers.get("Message-ID")
    return " ".join(str(value).split()) if value else ""


def message_id_counts(raws: Iterable[bytes]) -> list[int | None]:
    """For each message, how many messages of the batch share its Message-ID (None: it has none)."""
    ids = [message_id_of(raw) for raw in raws]
    counts = Counter(i for i in ids if i)
    return [counts[i] if i else None for i in ids]


@check("HDR_MESSAGE_ID_SHARED")
def message_id_shared(msg: Message, ctx: Context) -> Hit | None:
    """This message's Message-ID is on other messages of the same batch."""
    copies = ctx.delivery.message_id_copies
    if not copies or copies < 2:
        return None
    value = msg.header("Message-ID") or ""
    return Hit(
        evidence=[T("ev.msgid_on_copies", value=value.strip()[:200], count=copies)],
        params={"count": copies, "value": value.strip()[:200]},
    )
