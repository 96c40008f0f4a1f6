"""A score never depends on transit or verdict headers: a draft has none, a received message
has many (Received chains, Authentication-Results, ARC, X-Spam-*, X-Microsoft-Antispam*), and
the training corpora are stripped of them. Whole report, every category, the classifier's
probability: the same with and without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorer.ml.corpus import strip_transit_headers
from tests.conftest import MESSAGES, SHARED
from tests.scorer._corpus import _members

SPAM_VERDICT = (
    b"Received: from mx.relay.test (mx.relay.test [198.51.100.7])\r\n"
    b"\tby inbound.mail.test with ESMTPS id 4Xy; Tue, 3 Jun 2025 10:00:00 +0000\r\n"
    b"Received: from unknown (HELO bulk) ([203.0.113.9]) by mx.relay.test; Tue, 3 Jun 2025\r\n"
    b"Authentication-Results: inbound.mail.test; spf=fail smtp.mailfrom=x.test;\r\n"
    b"\tdkim=fail header.d=x.test; dmarc=fail (p=reject) header.from=x.test\r\n"
    b"Received-SPF: Fail (inbound.mail.test: domain of x.test does not designate 203.0.113.9)\r\n"
    b"ARC-Seal: i=1; a=rsa-sha256; d=relay.test; s=arc; cv=fail; b=AAAA\r\n"
    b"ARC-Authentication-Results: i=1; relay.test; spf=fail; dkim=fail\r\n"
    b"X-Spam-Status: Yes, score=24.1 required=5.0 tests=BAYES_99,URIBL_BLACK\r\n"
    b"X-Spam-Flag: YES\r\n"
    b"X-Spam-Score: 24.1\r\n"
    b"X-Microsoft-Antispam: BCL:9;\r\n"
    b"X-Microsoft-Antispam-Message-Info: =?us-ascii?Q?phish?=\r\n"
    b"X-Forefront-Antispam-Report: CIP:203.0.113.9;SCL:9;SFV:SPM;\r\n"
    b"X-MS-Exchange-Organization-SCL: 9\r\n"
    b"Return-Path: <bounce@x.test>\r\n"
    b"Delivered-To: user@inbound.mail.test\r\n"
)
HAM_VERDICT = (
    b"Received: from mail.sender.test (mail.sender.test [192.0.2.10])\r\n"
    b"\tby inbound.mail.test; Tue, 3 Jun 2025 10:00:00 +0000\r\n"
    b"Authentication-Results: inbound.mail.test; spf=pass; dkim=pass; dmarc=pass\r\n"
    b"X-Spam-Status: No, score=-3.2 required=5.0 tests=BAYES_00,DKIM_VALID\r\n"
    b"X-Microsoft-Antispam: BCL:0;\r\n"
    b"X-Forefront-Antispam-Report: SCL:1;SFV:NSPM;\r\n"
)


def _fingerprint(report) -> tuple:
    classifier = report.classifier or {}
    return (
        report.score,
        report.is_spam,
        tuple(sorted(report.categories.items())),
        tuple(sorted((f.id, f.score) for f in report.findings)),
        round(classifier.get("probability", -1.0), 9),
        tuple(sorted((r.id, r.status) for r in report.requirements)),
    )


def _with_headers(raw: bytes, block: bytes) -> bytes:
    newline = b"\r\n" if b"\r\n" in raw[:4096] else b"\n"
    return block.replace(b"\r\n", newline) + raw


FIXTURES = sorted(MESSAGES.glob("*.eml"))


@pytest.mark.parametrize("block", [SPAM_VERDICT, HAM_VERDICT], ids=["spam-verdict", "ham-verdict"])
def test_added_verdict_headers_change_nothing(offline_engine, block):
    assert strip_transit_headers(_with_headers(b"Subject: x\n\nhi\n", block)) == (
        b"Subject: x\n\nhi\n"
    )
    for path in FIXTURES:
        raw = path.read_bytes()
        plain = offline_engine.analyze(raw)
        received = offline_engine.analyze(_with_headers(raw, block))
        assert _fingerprint(received) == _fingerprint(plain), path.name


def _received_messages() -> list[tuple[str, bytes]]:
    found = []
    for source, label, step in (
        ("foff-milter-2025", "ham", 5),
        ("foff-milter-2025", "spam", 5),
        ("phishing-pot-2020s", "spam", 80),
        ("ja-phish-lists", "spam", 25),
    ):
        members = sorted(_members(source, label).items())
        found += [(f"{source}/{name}", data) for name, data in members[::step]]
    return found


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="needs ../shared/corpus")
def test_real_received_mail_scores_the_same_without_its_transit_headers(offline_engine):
    """Real received mail, headers as they arrived: stripping the transit and verdict headers
    leaves the report as it was."""
    messages = _received_messages()
    assert len(messages) >= 100
    stripped_any = 0
    for name, raw in messages:
        stripped = strip_transit_headers(raw)
        stripped_any += stripped != raw
        assert _fingerprint(offline_engine.analyze(stripped)) == _fingerprint(
            offline_engine.analyze(raw)
        ), name
    assert stripped_any >= 0.9 * len(messages), "the sample should carry transit headers"


def test_file_names_are_not_read():
    """The same bytes under two names give the same evidence: names are not data."""
    from scorer.ml import corpus
    from scorer.ml.evidence import message_id

    raw = (MESSAGES / FIXTURES[0].name).read_bytes()
    a = corpus.Sample("s", "legitimate_newsletter.eml", 0, raw)
    b = corpus.Sample("s", "spam_phishing_false_positive.eml", 0, raw)
    assert message_id(a.raw, a.label) == message_id(b.raw, b.label)
    assert a.keys == b.keys
    assert Path(a.name).name != Path(b.name).name
