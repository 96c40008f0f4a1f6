"""The public finding ids of the format/content checks: each fires on a fixture that shows it,
and a realistic clean modern newsletter fires none of them (both directions, with evidence)."""

from __future__ import annotations

import pytest

REQUIRED = {
    "HDR_MISSING_MESSAGE_ID": ("hdr_missing_message_id.eml", "no Message-ID"),
    "HDR_MISSING_DATE": ("hdr_missing_date.eml", "no Date"),
    "HDR_FROM_INVALID": ("hdr_from_two_addresses.eml", "From:"),
    "HDR_REPLY_TO_MISMATCH": ("hdr_reply_to_other_domain.eml", "other-company.example"),
    "HDR_DISPLAY_NAME_SPOOF": ("hdr_display_name_shows_other_domain.eml", "paypal.com"),
    "HDR_JP_HALFWIDTH_KANA": ("hdr_jis_halfwidth_kana_subject.eml", "ｾｰﾙ"),
    "SUBJ_ALL_CAPS": ("subj_all_caps.eml", "HUGE JANUARY"),
    "SUBJ_EXCESS_PUNCT": ("subj_excess_punctuation.eml", "!!!"),
    "MIME_HTML_ONLY": ("mime_html_only.eml", "text/html"),
    "MIME_LINE_TOO_LONG": ("mime_line_too_long.eml", "over 998"),
    "MIME_RISKY_ATTACHMENT": ("mime_risky_attachment.eml", "invoice.pdf.exe"),
    "LIST_UNSUB_MISSING": ("list_unsub_missing.eml", "no List-Unsubscribe"),
    "LIST_UNSUB_NO_ONE_CLICK": ("list_unsub_mailto_only.eml", "mailto:"),
    "BODY_SPAM_PHRASES": ("body_spam_phrases.eml", "make money fast"),
    "BODY_SPAM_PHRASES_JA": ("body_spam_phrases_ja.eml", "高収入"),
    "HTML_HIDDEN_TEXT": ("html_hidden_text.eml", "display:none"),
    "HTML_IMAGE_HEAVY": ("html_image_only.eml", "image(s)"),
    "HTML_IMG_NO_ALT": ("html_img_no_alt.eml", "logo.png"),
    "HTML_GMAIL_CLIP": ("html_gmail_clip.eml", "KB"),
    "URI_SHORTENER": ("uri_shortener.eml", "bit.ly"),
    "URI_IP_LITERAL": ("uri_ip_literal.eml", "203.0.113.7"),
    "URI_TEXT_MISMATCH": ("uri_text_mismatch.eml", "example-bank.com"),
}
CLEAN = "newsletter_clean_modern.eml"


@pytest.mark.parametrize("rule_id", sorted(REQUIRED))
def test_fixture_fires_its_rule_with_evidence(rule_id, offline_engine, fixture_bytes):
    name, evidence = REQUIRED[rule_id]
    report = offline_engine.analyze(fixture_bytes(name))
    finding = report.get(rule_id)
    assert finding is not None, f"{rule_id} did not fire on {name}: {report.finding_ids()}"
    assert finding.score > 0
    assert any(evidence in item for item in finding.evidence), finding.evidence


@pytest.fixture(scope="module")
def rules_engine():
    """The rules without the classifier (which reads the same wording a phrase rule does)."""
    from scorer.pipeline import Engine
    from scorer.settings import Settings

    return Engine(Settings(offline=True, use_classifier=False))


@pytest.mark.parametrize("rule_id", sorted(REQUIRED))
def test_fixture_is_otherwise_close_to_clean(rule_id, rules_engine, fixture_bytes):
    """Each fixture changes one thing from the clean newsletter or a plain draft: the rules must
    not pass the threshold on it (one root cause is never spam by itself)."""
    name, _ = REQUIRED[rule_id]
    report = rules_engine.analyze(fixture_bytes(name))
    assert report.score < report.threshold, report.finding_ids()


def test_clean_modern_newsletter_fires_none_of_the_required_ids(offline_engine, fixture_bytes):
    report = offline_engine.analyze(fixture_bytes(CLEAN))
    fired = set(report.finding_ids()) & set(REQUIRED)
    assert not fired, [report.get(i) for i in fired]
    # Nothing else that costs points either: only information may show (the tracking pixel,
    # and DKIM_NONE, which scores 0 on an unsigned draft: the ESP signs at send time), and the
    # classifier may credit the text as legitimate (a negative ML_HAM_ band).
    assert all(f.score <= 0 for f in report.findings), [
        (f.id, f.score, f.evidence) for f in report.findings
    ]
    assert report.score <= 0
    allowed = {"HTML_TRACKING_PIXEL", "DKIM_NONE", "ML_HAM_00_05", "ML_HAM_05_20"}
    assert {f.id for f in report.findings} <= allowed


def test_clean_newsletter_has_what_the_required_ids_look_for(offline_engine, fixture_bytes):
    """Guard against a vacuous clean fixture: it really has the parts the rules inspect."""
    from scorer.message import parse

    msg = parse(fixture_bytes(CLEAN))
    assert msg.text_parts and msg.html_parts
    assert msg.message_id and msg.date is not None and msg.from_parse_ok
    assert msg.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert msg.html_doc is not None and len(msg.html_doc.images) >= 3
    assert all(img.alt is not None for img in msg.html_doc.images)
    assert msg.html_doc.hidden, "the preheader is hidden text the rule must tolerate"
    assert any(u.source == "a" for u in msg.http_urls)
