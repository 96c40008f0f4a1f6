"""Corpus reading and cleaning: line endings, mbox lines, transit headers, duplicates, groups."""

from __future__ import annotations

import io
import tarfile

import pytest

from scorer.ml import corpus

RECEIVED = (
    b"From spammer@example.net  Mon Sep  2 12:00:00 2002\r\n"
    b"Received: from relay.example.net by mx.example.org\r\n"
    b"X-Spam-Status: Yes, score=12.3\r\n"
    b"X-Microsoft-Antispam: BCL:9\r\n"
    b"Authentication-Results: mx.example.org; spf=fail\r\n"
    b"List-Id: <ilug.linux.ie>\r\n"
    b"From: Seller <seller@shop.test>\r\n"
    b"Subject: Cheap watches\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b"Buy cheap watches today\r\n"
)


def test_normalise_keeps_only_what_a_draft_has():
    clean = corpus.normalise(RECEIVED)
    assert b"\r" not in clean
    assert not clean.startswith(b"From ")
    for header in (b"Received", b"X-Spam", b"X-Microsoft", b"Authentication-Results", b"List-Id"):
        assert header not in clean
    assert b"From: Seller <seller@shop.test>" in clean
    assert b"Subject: Cheap watches" in clean
    assert clean.endswith(b"Buy cheap watches today\n")


def test_normalise_keeps_the_reply_headers_the_authors_client_wrote():
    """Without In-Reply-To/References every real reply in the list ham would read as a fake
    `Re:` (SUBJ_FAKE_REPLY): they are written by the author's client, not by a relay."""
    reply = (
        b"Received: from relay.example.net\n"
        b"From: Ann <ann@example.org>\n"
        b"Subject: Re: build fails on arm64\n"
        b"In-Reply-To: <1@example.org>\n"
        b"References: <0@example.org>\n"
        b"  <1@example.org>\n"
        b"\n"
        b"Try the patch.\n"
    )
    clean = corpus.normalise(reply)
    assert b"In-Reply-To: <1@example.org>" in clean
    assert b"References: <0@example.org>\n  <1@example.org>" in clean
    assert b"Received" not in clean
    from scorer.pipeline import Engine
    from scorer.settings import Settings

    engine = Engine(Settings(offline=True, use_classifier=False))
    assert "SUBJ_FAKE_REPLY" not in engine.analyze(clean).finding_ids()
    stripped = clean.replace(b"In-Reply-To: <1@example.org>\n", b"").replace(
        b"References: <0@example.org>\n  <1@example.org>\n", b""
    )
    assert "SUBJ_FAKE_REPLY" in engine.analyze(stripped).finding_ids()


def _tar(path, members):
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def _msg(subject, body):
    return f"From: a@b.test\nSubject: {subject}\n\n{body}\n".encode()


def test_reads_source_folders_archives_and_plain_folders(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    _tar(source / "ham.tar.gz", {"ham/1": _msg("one", "hello there"), "ham/2": _msg("two", "x")})
    _tar(source / "spam.tar.gz", {"spam/1": _msg("buy", "cheap pills now")})
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.eml").write_bytes(_msg("three", "meeting notes"))
    samples = corpus.load([str(source), str(plain)], [str(source / "spam.tar.gz")])
    assert [(s.source, s.label) for s in samples] == [
        ("src", 0),
        ("src", 0),
        ("plain", 0),
        ("src", 1),
    ]
    with pytest.raises(corpus.CorpusError):
        corpus.read_messages(tmp_path / "missing", 0)


def test_exact_and_near_duplicates_are_dropped_and_campaigns_grouped():
    words = [f"w{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(300)]
    body = " ".join(words)
    samples = [
        corpus.Sample("s", "1", 1, _msg("Win big 123", body + " id 111")),
        corpus.Sample("s", "2", 1, _msg("Win big 456", body + " id 222")),  # same skeleton
        corpus.Sample("s", "3", 1, _msg("Win big", body + " extra")),  # SimHash 2 bits away
        corpus.Sample("s", "4", 0, _msg("Lunch", "shall we meet at noon on friday")),
        corpus.Sample("s", "5", 1, _msg("Lunch", "shall we meet at noon on friday")),  # conflict
    ]
    kept, stats = corpus.deduplicate(samples)
    assert [s.name for s in kept] == ["1"]
    assert (stats.exact, stats.near, stats.conflicting) == (2, 1, 1)
    grouped = [
        corpus.Sample("s", "a", 1, _msg("Re: [list] Hot deal 1", "alpha beta gamma")),
        corpus.Sample("s", "b", 1, _msg("Hot deal 22", "completely different words here")),
        corpus.Sample("s", "c", 0, _msg("Unrelated", "nothing in common at all")),
    ]
    corpus.assign_groups(grouped)
    assert grouped[0].group == grouped[1].group != grouped[2].group
