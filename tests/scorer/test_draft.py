"""Body-only drafts: recognised, wrapped without invented values, and what they lack listed."""

from __future__ import annotations

import pytest

from scorer.compose import compose_message
from scorer.draft import Draft, body_draft, looks_like_message
from scorer.message import parse


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n", True),
        (b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", False),
        (b"<table><tr><td>Hi</td></tr></table>", False),
        (b"Hello Anna,\n\nthe March roast is back.\n", False),
        (b"Dear customer: your order shipped\n\nThanks\n", False),
    ],
)
def test_a_body_is_told_from_a_message(data, message):
    assert looks_like_message(data) is message


def test_an_html_body_becomes_a_draft_with_no_invented_headers():
    draft = body_draft(b"<html><body><h2>Spring sale</h2><p>Our new linen.</p></body></html>")
    raw = draft.to_message()
    msg = parse(raw)
    for name in ("From", "To", "Date", "Message-ID"):
        assert msg.header(name) is None, name
    assert msg.subject == "Spring sale"  # its own heading, not an invented one
    info = draft.info()
    assert info.input == "html_body"
    assert info.assumed_missing == ("From", "To", "Date", "Message-ID", "text/plain")


def test_a_text_body_draft():
    info = body_draft(b"Hello,\n\nour news.\n").info()
    assert info.input == "text_body"
    assert info.assumed_missing == ("From", "To", "Subject", "Date", "Message-ID")


def test_given_fields_are_not_listed_as_missing():
    info = Draft(html="<p>x</p>", text="x", from_="A <a@example.com>", subject="S").info()
    assert info.input == "html_text_body" and info.assumed_missing == ("To", "Date", "Message-ID")


def test_compose_leaves_out_what_is_none():
    raw = compose_message(from_=None, to=None, subject=None, date=None, message_id=None, text="")
    head = raw.split(b"\r\n\r\n", 1)[0].lower()
    for name in (b"from:", b"to:", b"subject:", b"date:", b"message-id:"):
        assert name not in head
    example = compose_message()  # the rule examples keep their sample values
    assert b"Subject: Your January update" in example and b"Message-ID: <" in example
