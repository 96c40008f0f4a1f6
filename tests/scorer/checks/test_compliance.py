"""Unsubscribe headers (RFC 2369/8058) and the 特定電子メール法 display items (advice only)."""

from __future__ import annotations

import pytest

from scorer.checks.compliance import _ADDRESS, _POSTCODE
from scorer.message import parse
from tests.scorer._corpus import corpus_message
from tests.scorer.checks._helpers import analyze, ids

ONE_CLICK = {
    "List-Unsubscribe": "<https://example.com/u/1>, <mailto:u@example.com>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}


def test_one_click_needs_https_and_the_post_header(offline_engine):
    assert not ids(analyze(offline_engine, headers=ONE_CLICK)) & {
        "LIST_UNSUB_MISSING",
        "LIST_UNSUB_NO_ONE_CLICK",
        "LIST_UNSUB_INVALID",
    }
    wrong_post = dict(ONE_CLICK, **{"List-Unsubscribe-Post": "List-Unsubscribe=Yes"})
    finding = analyze(offline_engine, headers=wrong_post).get("LIST_UNSUB_NO_ONE_CLICK")
    assert finding.params["missing"] == ["List-Unsubscribe-Post: List-Unsubscribe=One-Click"]
    http_only = dict(ONE_CLICK, **{"List-Unsubscribe": "<http://example.com/u/1>"})
    assert "LIST_UNSUB_NO_ONE_CLICK" in ids(analyze(offline_engine, headers=http_only))


def test_invalid_header_refines_no_one_click(offline_engine):
    report = analyze(offline_engine, headers={"List-Unsubscribe": "https://example.com/u"})
    assert report.get("LIST_UNSUB_INVALID").score > 0
    general = report.get("LIST_UNSUB_NO_ONE_CLICK")  # a contract id: refined, never hidden
    assert general.score == 0 and general.refined_by == ("LIST_UNSUB_INVALID",)


def test_unsubscribe_merge_tags_count_as_a_body_link(offline_engine):
    report = analyze(
        offline_engine,
        headers=ONE_CLICK,
        text="x",
        html="<p>News</p><a href='*|UNSUB|*'>Opt out here</a>",
    )
    assert "LIST_UNSUB_NO_BODY_LINK" not in ids(report)


def test_japanese_legal_items_are_advice_with_zero_score(offline_engine, fixture_bytes):
    report = offline_engine.analyze(fixture_bytes("ja_newsletter_no_footer.eml"))
    legal = [f for f in report.findings if f.id.startswith("LEGAL_JP_")]
    assert {f.id for f in legal} == {
        "LEGAL_JP_NO_OPTOUT",
        "LEGAL_JP_NO_ADDRESS",
        "LEGAL_JP_NO_SENDER_NAME",
        "LEGAL_JP_NO_CONTACT",
    }
    assert all(f.score == 0 and f.severity == "warning" for f in legal)


def test_japanese_legal_items_only_on_japanese_marketing(offline_engine):
    transactional = analyze(
        offline_engine,
        subject="パスワード再設定のご案内",
        text="以下のリンクからパスワードを再設定してください。有効期限は24時間です。"
        "お心当たりのない場合は、このメールを破棄してください。よろしくお願いします。",
    )
    english = analyze(offline_engine, headers=ONE_CLICK, text="Our spring sale starts today.")
    for report in (transactional, english):
        assert not any(i.startswith("LEGAL_JP_") for i in ids(report))


def test_corpus_japanese_ham_signature_has_an_address(offline_engine):
    """hard_ham/00039 (reference §5) carries 〒101-0062 東京都千代田区…: the address is found."""
    raw = corpus_message("spamassassin-2003", "ham", "hard_ham/00039.")
    if raw is None:
        pytest.skip("shared corpus not available")

    text = parse(raw).all_text_nfkc
    assert _POSTCODE.search(text) and _ADDRESS.search(text)


def test_unsubscribe_requirements_follow_the_findings(offline_engine, fixture_bytes):
    def statuses(name: str) -> dict[str, str]:
        report = offline_engine.analyze(fixture_bytes(name))
        return {r.id: r.status for r in report.requirements if r.id.startswith("gmail.")}

    clean = statuses("newsletter_clean_modern.eml")
    assert clean["gmail.one_click_unsubscribe"] == "pass"
    assert clean["gmail.visible_unsubscribe_link"] == "pass"
    # Gmail's bulk rule: mailto alone does not qualify, and a missing header fails it
    assert statuses("list_unsub_mailto_only.eml")["gmail.one_click_unsubscribe"] == "fail"
    assert statuses("list_unsub_missing.eml")["gmail.one_click_unsubscribe"] == "fail"
    report = offline_engine.analyze(fixture_bytes("list_unsub_mailto_only.eml"))
    entry = next(r for r in report.requirements if r.id == "gmail.one_click_unsubscribe")
    assert "mailto" in entry.to_dict("en")["detail"]
    assert entry.to_dict("ja")["advice"].startswith("List-Unsubscribe: <https://")
    ids = [r.id for r in report.requirements]
    assert len(ids) == len(set(ids)), "each requirement appears once"


def test_retail_opt_out_sentence_is_a_way_to_unsubscribe(offline_engine):
    """foff-milter-2025 ham (Walgreens, Williams-Sonoma): the opt-out is a sentence ending in
    "click here", with no word "unsubscribe"; a sale with no opt-out at all still fires."""
    sale = (
        "<p>Big deals this week on vitamins and skin care. "
        "<a href='https://shop.example.com/deals'>Shop now</a></p>"
    )
    opt_out = (
        "<p>If you no longer wish to receive these emails, please "
        "<a href='https://t.shop.example.com/r/?id=9'>click here</a>.</p>"
    )
    assert "LIST_UNSUB_NONE" not in ids(analyze(offline_engine, html=sale + opt_out))
    assert "LIST_UNSUB_NONE" in ids(analyze(offline_engine, html=sale))
