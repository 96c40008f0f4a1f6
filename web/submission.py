"""Turn what a caller sent (a raw message, an upload, composed fields) into raw bytes + delivery.

The API and the form share this, so a message is accepted or refused the same way in both.
Every refusal is an `InputError` naming the field, which the API answers with 400.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scorer.compose import compose_message
from scorer.draft import SENDING_PLATFORM_ADDS, DraftInfo, body_draft, looks_like_message
from scorer.kind import CHOICES, KindError, stated_kind

DELIVERY_FIELDS = ("sender_ip", "helo", "mail_from", "dkim_selector")
KIND_FIELD = "kind"
BIMI_FIELDS = {"bimi_svg": 262_144, "bimi_certificate": 65_536}
"""Uploads checked for BIMI readiness, with their size caps (a 32 KiB logo limit is then a
finding, not a refusal)."""
BIMI_FETCH = "bimi_fetch"
COMPOSE_FIELDS = ("from", "to", "subject", "html", "text", "headers")
RAW_FIELDS = ("raw", "raw_base64")
_MAX_SHORT_FIELD = 998
_MAX_HEADERS = 100


class InputError(ValueError):
    """A request field is missing, of the wrong type or out of range."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid_request"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


@dataclass(frozen=True)
class Submission:
    raw: bytes
    delivery: dict[str, Any] = field(default_factory=dict)
    kind: str | None = None
    """The kind the caller states (marketing, transactional, personal); None: auto."""
    draft: DraftInfo | None = None
    """Set when the input was a body or composed fields, not a whole message."""
    fields: dict[str, str] | None = None
    """The composed fields as given (kept so "Edit and check again" shows them again)."""

    def options(self) -> dict[str, Any]:
        return {"delivery": dict(self.delivery)}


def pasted(raw: bytes, delivery: dict[str, Any], kind: str | None = None) -> Submission:
    """A pasted or uploaded message; a body without a header block (HTML or text copied out of
    an ESP's editor) becomes a draft that lists the headers it could not have."""
    if looks_like_message(raw):
        return Submission(raw, delivery, kind)
    draft = body_draft(raw)
    fields = {"html": draft.html or "", "text": draft.text or ""}
    return Submission(draft.to_message(), delivery, kind, draft.info(), fields)


def from_json(data: Any) -> Submission:
    """A JSON body: `{raw}` / `{raw_base64}`, or composed fields; delivery facts beside either."""
    if not isinstance(data, Mapping):
        raise InputError("the JSON body must be an object")
    known = (
        set(DELIVERY_FIELDS)
        | set(COMPOSE_FIELDS)
        | set(RAW_FIELDS)
        | set(BIMI_FIELDS)
        | {BIMI_FETCH, KIND_FIELD}
    )
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(f"unknown field(s): {', '.join(unknown)}", field=unknown[0])
    delivery = delivery_from(data)
    kind = kind_from(data)
    given_raw = [name for name in RAW_FIELDS if data.get(name) is not None]
    given_composed = [name for name in COMPOSE_FIELDS if data.get(name) is not None]
    if given_raw and given_composed:
        raise InputError(
            f"send raw or composed fields, not both ({given_raw[0]} and {given_composed[0]})",
            field=given_composed[0],
        )
    if len(given_raw) > 1:
        raise InputError("send raw or raw_base64, not both", field="raw_base64")
    if "raw" in given_raw:
        raw = data["raw"]
        if not isinstance(raw, str):
            raise InputError("raw must be a string (the message source)", field="raw")
        return pasted(raw_bytes(raw), delivery, kind)
    if "raw_base64" in given_raw:
        encoded = data["raw_base64"]
        if not isinstance(encoded, str):
            raise InputError("raw_base64 must be a string", field="raw_base64")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise InputError("raw_base64 is not valid base64", field="raw_base64") from None
        return pasted(raw, delivery, kind)
    if not given_composed:
        raise InputError("send raw, raw_base64, or composed fields (from, subject, html, text)")
    return composed_submission(data, delivery, kind)


def kind_from(data: Mapping[str, Any]) -> str | None:
    """The stated kind from a JSON body, a query or a form: None for absent, empty or auto."""
    value = data.get(KIND_FIELD)
    if value is None or value == "":
        return None
    try:
        return stated_kind(value)
    except KindError:
        raise InputError(f"kind must be one of {', '.join(CHOICES)}", field=KIND_FIELD) from None


def raw_bytes(text: str) -> bytes:
    """A pasted message as bytes: lone surrogates kept byte-for-byte, bare LF left as sent."""
    return text.encode("utf-8", "surrogateescape")


def composed_submission(
    data: Mapping[str, Any], delivery: dict[str, Any], kind: str | None = None
) -> Submission:
    """Composed fields as a draft: what the user left empty stays out (and the findings say
    so); Date and Message-ID, which the sending platform adds, are listed as not judged."""
    raw = composed(data)
    headers = data.get("headers") if isinstance(data.get("headers"), Mapping) else {}
    given = {str(name).lower() for name in headers}
    missing = tuple(name for name in SENDING_PLATFORM_ADDS if name.lower() not in given)
    fields = {
        name: data[name]
        for name in ("from", "to", "subject", "html", "text")
        if isinstance(data.get(name), str)
    }
    return Submission(raw, delivery, kind, DraftInfo("composed", missing), fields)


def composed(data: Mapping[str, Any]) -> bytes:
    """Raw bytes for composed fields (from, to, subject, html, text, headers), with nothing
    invented: an empty field is left out, and so are Date and Message-ID unless given."""
    fields: dict[str, Any] = {
        "from_": None,
        "to": None,
        "subject": None,
        "date": None,
        "message_id": None,
    }
    for name in ("from", "to", "subject"):
        value = data.get(name)
        if value is None or value == "":
            continue
        fields["from_" if name == "from" else name] = _short(value, name)
    for name in ("html", "text"):
        value = data.get(name)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise InputError(f"{name} must be a string", field=name)
        fields[name] = value
    if "html" not in fields and "text" not in fields:
        fields["text"] = ""
    headers = data.get("headers")
    if headers is not None:
        if not isinstance(headers, Mapping):
            raise InputError("headers must be an object of name: value", field="headers")
        if len(headers) > _MAX_HEADERS:
            raise InputError(f"at most {_MAX_HEADERS} headers", field="headers")
        clean: dict[str, str | None] = {}
        for name, value in headers.items():
            if not name or not all(33 <= ord(c) <= 126 and c != ":" for c in name):
                raise InputError(f"bad header name {name!r}", field="headers")
            if value is not None:
                value = _short(value, f"headers.{name}")
            clean[name] = value
        fields["headers"] = clean
    try:
        return compose_message(**fields)
    except (ValueError, TypeError) as exc:
        raise InputError(f"cannot build a message from these fields: {exc}") from None


def delivery_from(data: Mapping[str, Any]) -> dict[str, Any]:
    """Delivery facts (sender_ip, helo, mail_from, dkim_selector) from a JSON body or a query,
    and the BIMI inputs (bimi_svg, bimi_certificate uploads; bimi_fetch opt-in)."""
    delivery: dict[str, Any] = {}
    for name, limit in BIMI_FIELDS.items():
        value = data.get(name)
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            raise InputError(f"{name} must be a string", field=name)
        if len(value.encode("utf-8")) > limit:
            raise InputError(f"{name} is larger than {limit} bytes", field=name)
        delivery[name] = value
    fetch = data.get(BIMI_FETCH)
    if fetch not in (None, ""):
        if fetch not in (True, False, "true", "false", "1", "0"):
            raise InputError("bimi_fetch must be true or false", field=BIMI_FETCH)
        delivery[BIMI_FETCH] = fetch in (True, "true", "1")
    for name in DELIVERY_FIELDS:
        value = data.get(name)
        if value is None or value == "":
            continue
        delivery[name] = _short(value, name)
    if "sender_ip" in delivery:
        try:
            delivery["sender_ip"] = str(ipaddress.ip_address(delivery["sender_ip"].strip()))
        except ValueError:
            raise InputError(
                "sender_ip is not an IPv4 or IPv6 address", field="sender_ip"
            ) from None
    selector = delivery.get("dkim_selector")
    if selector is not None and not all(c.isalnum() or c in "-_." for c in selector):
        raise InputError(
            "dkim_selector may hold letters, digits, '-', '_' and '.'", field="dkim_selector"
        )
    return delivery


def _short(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{name} must be a string", field=name)
    if len(value) > _MAX_SHORT_FIELD:
        raise InputError(f"{name} is longer than {_MAX_SHORT_FIELD} characters", field=name)
    if "\r" in value or "\n" in value or "\x00" in value:
        raise InputError(f"{name} must be one line", field=name)
    return value
