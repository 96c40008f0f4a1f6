"""Parsing real and hostile mail into Message: line endings, mbox lines, NULs, Japanese corpus."""

from __future__ import annotations

import pytest

from scorer.compose import compose_message
from scorer.message import parse
from tests.scorer._corpus import corpus_message


def _corpus(source: str, label: str, prefix: str) -> bytes:
    raw = corpus_message(source, label, prefix)
    if raw is None:
        pytest.skip("shared corpus not available")
    return raw


def test_lf_and_crlf_parse_to_the_same_message():
    crlf = compose_message(subject="Line endings", text="one\ntwo", html="<p>one<br>two</p>")
    lf = crlf.replace(b"\r\n", b"\n")
    a, b = parse(crlf), parse(lf)
    assert a.crlf and not b.crlf
    assert (a.subject, a.plain_text.strip(), a.html_doc.visible_text) == (
        b.subject,
        b.plain_text.strip(),
        b.html_doc.visible_text,
    )
    assert a.long_lines == b.long_lines == 0


def test_leading_mbox_from_line_is_not_a_header():
    raw = b"From someone@example.com Thu Jan 15 09:30:00 2026\n" + compose_message().replace(
        b"\r\n", b"\n"
    )
    msg = parse(raw)
    assert msg.had_mbox_from
    assert msg.from_address is not None and msg.from_address.addr_spec == "news@example.com"
    assert not any(name.startswith("From ") for name, _ in msg.headers)


def test_nul_bytes_are_dropped_from_text():
    raw = compose_message(text="safe text").replace(b"safe text", b"sa\x00fe te\x00xt")
    msg = parse(raw)
    assert msg.plain_text.strip() == "safe text"


def test_8bit_junk_everywhere_never_raises():
    junk = bytes(range(128, 256))
    raw = (
        b"From: \xff\xfe <a@example.com>\r\nSubject: " + junk + b"\r\nContent-Type: text/html;"
        b" charset=\xff\r\n\r\n<p>" + junk * 20 + b"</p>"
    )
    msg = parse(raw)
    assert msg.html_doc is not None
    assert msg.header_info["subject"].raw_8bit


def test_utf8_display_name_keeps_one_valid_from():
    raw = "From: Café 🍰 <news@example.com>\r\nSubject: x\r\n\r\nhi\r\n".encode()
    msg = parse(raw)
    assert msg.from_parse_ok and msg.from_address.display_name == "Café 🍰"


def test_folded_from_is_one_valid_mailbox():
    """foff-milter-2025 ham (a NetSuite invoice): From folded between the quoted display name
    and <address> is valid RFC 5322; it was read as unparseable (HDR_FROM_INVALID, 2.0)."""
    for eol in ("\r\n", "\n"):
        raw = (
            f'From: "Evergreen Tree Care (info@evergreen.example)"{eol} <system@sent-via.example>'
            f"{eol}Subject: Invoice{eol}{eol}Your invoice is attached.{eol}"
        ).encode()
        msg = parse(raw)
        assert msg.from_parse_ok
        assert msg.from_address.addr_spec == "system@sent-via.example"
        assert msg.from_address.display_name == "Evergreen Tree Care (info@evergreen.example)"


def test_broken_from_is_still_unparseable_after_unfolding():
    msg = parse(
        b"From: Anna <anna@example.org\r\n <second@example.org>\r\nSubject: x\r\n\r\nhi\r\n"
    )
    assert not msg.from_parse_ok


def test_corpus_jis_subject_and_cp932_body_without_charset():
    """spam/00263 (reference §1d): JIS subject, raw CP932 body, CTE 7bit, no charset."""
    msg = parse(_corpus("spamassassin-2003", "spam", "spam/00263."))
    assert msg.subject == "しじみともものコラボレーション"
    part = msg.text_parts[0]
    assert part.charset_label is None and part.eight_bit_in_7bit
    assert part.decoded.codec == "cp932" and "しじみ" in msg.plain_text
    assert msg.header_info["subject"].jis_words_not_ascii_end == 1  # ends in ESC ( J


def test_corpus_iso_2022_jp_ham_decodes_cleanly():
    msg = parse(_corpus("spamassassin-2003", "ham", "hard_ham/00039."))
    assert msg.subject == "日本語の件名（サブジェクト）\u3000スパムメールではありません！"
    assert msg.from_parse_ok  # Outlook's quoted encoded-word display name
    assert "いつもお世話になっております" in msg.plain_text
    assert all(p.decoded.replacements == 0 for p in msg.parts if p.decoded)


def test_corpus_mishodaku_spam_subject():
    msg = parse(_corpus("spamassassin-2003", "spam", "spam/00325."))
    assert msg.subject == "未承諾広告※灼熱！出会いの広場"
    assert "配信" in msg.plain_text or "不要" in msg.plain_text


def test_corpus_microsoft_esc_label_on_english_text():
    msg = parse(_corpus("phishing-pot-2020s", "spam", "sample-666.eml"))
    part = msg.text_parts[0]
    assert part.charset_label == "_iso-2022-jp$esc"
    assert part.decoded.nonstandard_label and not part.decoded.unknown_label
    assert msg.plain_text.lstrip().startswith("Attn: Beneficiary")


def test_raw_headers_keep_encoded_words_and_decoding_facts_every_header():
    raw = (
        b"From: =?UTF-8?B?44OG44K544OI?= <a@example.com>\r\nSubject: =?x-bad?Q?x?=\r\n"
        b"Subject: second\r\n\r\nhi\r\n"
    )
    msg = parse(raw)
    assert dict(msg.raw_headers)["From"].startswith("=?UTF-8?B?")
    assert [name for name, _ in msg.header_decoding].count("Subject") == 2
    assert msg.header_decoding[1][1].unknown_charsets == ("x-bad",)


def _same_structure(a, b) -> bool:
    if isinstance(a.get_payload(), list) or isinstance(b.get_payload(), list):
        pa, pb = a.get_payload(), b.get_payload()
        if not (isinstance(pa, list) and isinstance(pb, list) and len(pa) == len(pb)):
            return False
        if not all(_same_structure(x, y) for x, y in zip(pa, pb, strict=True)):
            return False
    elif a.get_payload() != b.get_payload():
        return False
    return (
        a._headers == b._headers
        and a.get_unixfrom() == b.get_unixfrom()
        and [type(d) for d in a.defects] == [type(d) for d in b.defects]
        and (a.preamble, a.epilogue) == (b.preamble, b.epilogue)
    )


def test_the_single_part_shortcut_parses_as_the_stdlib_does():
    """message._parse_structure skips the feed parser's line loop for single-part bodies; on
    every shape of header block, separator and line ending it must build what the stdlib
    builds (headers, payload, defects), and parse multipart and message/* whole."""
    import email
    import random

    from scorer.message import _STRUCTURE_POLICY, _parse_structure

    pieces = [
        b"Subject: x",
        b"From: a@b",
        b"Content-Type: text/plain",
        b"Content-Type: multipart/mixed; boundary=z",
        b"Content-Type: message/rfc822",
        b" folded",
        b"\tfold",
        b"not a header",
        b"",
        b"body",
        b"--z",
        b"From x",
        b"X:",
        b":bad",
        b"\xff\xfe: y",
        b"Content-Type: text/html; charset=\xe9",
    ]
    endings = [b"\r\n", b"\n", b"\r"]
    rng = random.Random(7)
    shortcut = 0
    for _ in range(3000):
        lines = [rng.choice(pieces) + rng.choice(endings) for _ in range(rng.randint(0, 12))]
        data = b"".join(lines)
        ours = _parse_structure(data)
        theirs = email.message_from_bytes(data, policy=_STRUCTURE_POLICY)
        assert _same_structure(ours, theirs), data
        shortcut += isinstance(ours.get_payload(), str) and bool(ours.get_payload())
    assert shortcut > 300  # the shortcut was taken, not only the fallback


def test_the_line_cut_is_at_the_limit_line():
    """The line limit's cut (found by counting 64 KB pieces) ends on the max_lines-th line
    break, on short lines, long lines and pieces that end inside a line."""
    import random

    from scorer.message import Message, _bound_lines

    rng = random.Random(3)
    for _ in range(200):
        chunks = [b"\n", b"ab\n", b"\r\n", b"q", b"x" * rng.randint(0, 70_000) + b"\n"]
        data = b"".join(rng.choice(chunks) for _ in range(rng.randint(2, 3000)))
        lines = data.count(b"\n")
        if lines < 2:
            continue
        limit = rng.randint(1, lines - 1)
        msg = Message(raw=data, size=len(data))
        cut = _bound_lines(msg, data, limit)
        assert cut.count(b"\n") == limit and cut.endswith(b"\n") and data.startswith(cut)
        assert [note.id for note in msg.limit_notes] == ["LIMIT_LINES"]
