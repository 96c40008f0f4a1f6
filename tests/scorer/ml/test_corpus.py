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


def _msg(subject, body, domain="b.test"):
    return f"From: a@{domain}\nSubject: {subject}\n\n{body}\n".encode()


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
        corpus.Sample("s", "a", 1, _msg("Re: [list] Hot deal 1", "alpha beta gamma", "a.test")),
        corpus.Sample("s", "b", 1, _msg("Hot deal 22", "completely different words", "b.test")),
        corpus.Sample("s", "c", 0, _msg("Unrelated", "nothing in common at all", "c.test")),
        # The same sender domain joins a group; freemail and placeholders do not.
        corpus.Sample("s", "d", 0, _msg("Invoice May", "your invoice is ready", "c.test")),
        corpus.Sample("s", "e", 1, _msg("Cheap meds", "pills here", "gmail.com")),
        corpus.Sample("s", "f", 1, _msg("Lottery win", "claim it", "gmail.com")),
        corpus.Sample("s", "g", 1, _msg("Prize", "yours now", "example.com")),
        corpus.Sample("s", "h", 1, _msg("Gift card", "take it", "example.com")),
    ]
    corpus.assign_groups(grouped)
    group = {s.name: s.group for s in grouped}
    assert group["a"] == group["b"] != group["c"]
    assert group["c"] == group["d"]
    assert len({group["e"], group["f"], group["g"], group["h"]}) == 4


def test_manifest_notes_drop_hand_made_files_and_repos_are_units(tmp_path):
    source = tmp_path / "templates"
    source.mkdir()
    _tar(
        source / "ham.tar.gz",
        {
            "acme_repo/a.eml": _msg("one", "hello"),
            "acme_repo/b.eml": _msg("two", "there"),
            "other_repo/c.eml": _msg("three", "again"),
        },
    )
    (source / "MANIFEST.tsv").write_text(
        "label\tpath\tsize\tsha256\tsource\tnote\n"
        "ham\tacme_repo/a.eml\t1\tx\tacme/repo/a.html\t\n"
        "ham\tacme_repo/b.eml\t1\tx\tacme/repo/b.html\ttiny: likely hand-made\n"
        "ham\tother_repo/c.eml\t1\tx\tother/repo/c.html\t\n",
        "utf-8",
    )
    samples = corpus.read_messages(source, 0)
    assert [(s.member, s.unit) for s in samples] == [
        ("acme_repo/a.eml", "templates/acme_repo"),
        ("other_repo/c.eml", "templates/other_repo"),
    ]
    assert len(corpus.read_messages(source, 0, drop_hand_made=False)) == 3
    assert [s.origin for s in corpus.load([str(source)], [], exclude=["templates/other_*"])] == [
        "templates/acme_repo/a.eml"
    ]


def test_mailman_footer_and_verdict_tag_are_list_artefacts():
    import base64

    body = (
        "本文です。\n_______________________________________________\n"
        "Linux-nvdimm mailing list -- l@lists.01.org\n"
        "To unsubscribe send an email to l-leave@lists.01.org\n"
    )
    raw = (
        b"List-Id: <l.lists.01.org>\nFrom: a@b.test\nSubject: =?utf-8?b?"
        + base64.b64encode("[spam] 重要なお知らせ".encode())
        + b"?=\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        + base64.b64encode(body.encode())
        + b"\n"
    )
    from scorer.message import parse

    msg = parse(corpus.normalise(raw))
    assert msg.subject == "重要なお知らせ"
    assert "本文です" in msg.all_text and "mailing list" not in msg.all_text
    plain = b"From: a@b.test\nSubject: [spam] hi\n\nbody\n"
    assert corpus.strip_list_artifacts(plain) == plain, "only list mail is rewritten"
