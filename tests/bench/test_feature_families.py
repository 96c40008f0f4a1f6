"""bench/feature_families.py: each candidate family reads what it says from a message."""

from __future__ import annotations

from bench import feature_families as ff
from scorer.message import parse

RAW = (
    b"From: Cash Desk <win4you99@example.net>\n"
    b"To: someone@example.org\n"
    b"Subject: FREE money inside!   ab12cd\n"
    b"X-Mailer: Microsoft Outlook Express 6.00.2600.0000\n"
    b"MIME-Version: 1.0\n"
    b'Content-Type: multipart/alternative; boundary="b"\n\n'
    b"--b\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 7bit\n\n"
    b"Claim your FREE prize at http://prize.test/claim/now?id=1 today.\n"
    b"--b\nContent-Type: text/html; charset=iso-8859-1\n\n"
    b'<html><body><font color="red">Claim your FREE prize</font></body></html>\n'
    b"--b--\n"
)


def test_families_read_the_message():
    msg = parse(RAW)
    assert ff.mail_program(msg) == ["mua:microsoft outlook"]
    shape = ff.mime_shape(msg)
    assert {"ct:multipart/alternative", "cs:iso-8859-1", "cte:7bit"} <= set(shape)
    sender = ff.sender(msg)
    assert "fromw:cash" in sender and "from:digit" in sender and "fromlp:win" in sender
    assert {"t:font", "a:color"} <= set(ff.markup(msg))
    subject = ff.subject_shape(msg)
    assert "s:bang" in subject and "s:trailtag" in subject
    assert {"up:claim", "up:now"} <= set(ff.link_paths(msg))
    assert {"sC:free", "C:free"} <= set(ff.capital_words(msg))


def test_family_matrix_is_binary_at_the_token_value():
    msgs = [type("S", (), {"message": parse(RAW)})(), type("S", (), {"message": parse(b"\n")})()]
    matrix = ff.family_matrix(msgs, "caps")
    assert matrix.shape == (2, ff.HASH_SLOTS)
    assert matrix[0].nnz >= 2 and matrix[1].nnz == 0
    assert set(matrix.data.tolist()) == {ff.TOKEN_VALUE}
    assert ff.family_matrix(msgs, "baseline").shape == (2, 0)
