"""Issue 11: the hand-written Japanese legitimate fixtures are never flagged by the shipped
engine (offline). The Japanese legitimate seeds are measured out of fold by
`spamscore eval --per-source` (models/README.md); fixtures are never trained on.

Not listed: jis_subject_sjis_body_no_charset.eml, a charset fixture whose whole text is the
standard spam call to action (こんにちは。今すぐ登録してください。) sent as undeclared 8-bit
Shift_JIS: it scores 6.1 (the classifier 0.90, corroborated by two MIME findings)."""

from __future__ import annotations

import pytest

from tests.conftest import MESSAGES

JAPANESE_LEGITIMATE = [
    "classifier_ja_shop_newsletter.eml",
    "ja_newsletter_compliant.eml",
    "ja_newsletter_no_footer.eml",
    "ja_shop_newsletter_souryou_muryou.eml",
    "jis_halfwidth_and_vendor_chars.eml",
    "jis_label_sjis_body.eml",
    "hdr_jis_halfwidth_kana_subject.eml",
]


@pytest.mark.parametrize("name", JAPANESE_LEGITIMATE)
def test_japanese_legitimate_fixture_is_not_flagged(offline_engine, name):
    report = offline_engine.analyze((MESSAGES / name).read_bytes())
    assert not report.is_spam, (report.score, report.finding_ids())
