"""Content checks: English and Japanese phrasing graded on combinations, obfuscation, phishing."""

from __future__ import annotations

from tests.scorer.checks._helpers import analyze, ids


def test_single_souryou_muryou_in_a_shop_newsletter_does_not_fire(offline_engine, fixture_bytes):
    report = offline_engine.analyze(fixture_bytes("ja_shop_newsletter_souryou_muryou.eml"))
    assert "BODY_SPAM_PHRASES_JA" not in ids(report)
    assert report.score < 1.0, report.finding_ids()


def test_weak_words_alone_never_fire_however_many(offline_engine):
    text = "送料無料 セール ポイント10倍 クーポン 期間限定 会員限定 キャンペーン"
    assert "BODY_SPAM_PHRASES_JA" not in ids(analyze(offline_engine, text=text))


def test_weak_words_add_only_beside_strong_ones(offline_engine):
    strong = "完全無料で今すぐ始めよう"
    alone = analyze(offline_engine, text=strong).get("BODY_SPAM_PHRASES_JA")
    combined = analyze(offline_engine, text=strong + " 送料無料 セール クーポン 期間限定").get(
        "BODY_SPAM_PHRASES_JA"
    )
    assert alone is not None and combined is not None
    assert combined.score > alone.score
    assert "送料無料" in combined.evidence


def test_halfwidth_katakana_phrases_match_after_nfkc(offline_engine):
    report = analyze(offline_engine, text="ｶﾝﾀﾝ副業で高収入、今すぐ登録!")
    finding = report.get("BODY_SPAM_PHRASES_JA")
    assert finding is not None and "副業" in finding.evidence


def test_english_phrases_are_matched_on_word_edges(offline_engine):
    assert "BODY_SPAM_PHRASES" not in ids(analyze(offline_engine, text="Hurrying freelancers."))
    report = analyze(offline_engine, subject="Act NOW", text="Make  money\nfast, 100% FREE.")
    assert {"act now", "make money fast", "100% free"} <= set(
        report.get("BODY_SPAM_PHRASES").evidence
    )


def test_merge_tags_are_not_penalised(offline_engine):
    text = "Hi {{first_name}}, your order *|ORDER_ID|* has shipped. Manage: *|UPDATE_PROFILE|*"
    report = analyze(offline_engine, text=text)
    assert not ids(report) & {"BODY_SPAM_PHRASES", "BODY_ALL_CAPS", "BODY_EXCESS_EXCLAIM"}


def test_phishing_brand_needs_two_lures_and_an_off_brand_link(offline_engine):
    html = (
        "<p>Your PayPal account has been limited due to unusual activity. "
        "Confirm your identity within 24 hours: <a href='{}'>Secure page</a></p>"
    )
    phish = analyze(
        offline_engine,
        from_='"Service" <alert@mailer.example.net>',
        subject="PayPal notice",
        html=html.format("https://pp-verify.example.net/"),
    )
    real = analyze(
        offline_engine,
        from_='"Service" <alert@mailer.example.net>',
        subject="PayPal notice",
        html=html.format("https://www.paypal.com/signin"),
    )
    assert phish.get("BODY_PHISHING_BRAND").params["brand"] == "PayPal"
    assert "BODY_PHISHING_BRAND" not in ids(real)


def test_japanese_phishing_combination_replaces_its_parts(offline_engine):
    report = analyze(
        offline_engine,
        from_='"楽天市場" <info@rakuten-security.example>',
        subject="【重要】お支払い方法の確認",
        html="<p>お支払い方法の情報を更新してください。</p><a href='https://rakuten.example.net/'>ログイン</a>",
    )
    assert "BODY_JA_PHISHING" in ids(report)
    assert "BODY_JA_PAYMENT_UPDATE" not in ids(report)


def test_real_brand_notice_is_not_japanese_phishing(offline_engine):
    report = analyze(
        offline_engine,
        from_='"楽天カード" <info@mail.rakuten-card.co.jp>',
        subject="【重要】お支払い方法の確認",
        html="<p>お支払い方法の情報を更新してください。</p><a href='https://www.rakuten-card.co.jp/'>楽天e-NAVI</a>",
    )
    assert "BODY_JA_PHISHING" not in ids(report)


def test_zero_width_characters_that_hide_spam_words(offline_engine):
    text = "Ver\u200bify your acc\u00adount with Pay\u200dPal today."
    finding = analyze(offline_engine, text=text).get("BODY_ZERO_WIDTH_OBFUSCATION")
    assert finding is not None
    assert {"verify your account", "PayPal"} <= set(finding.evidence)


def test_zero_width_joiners_in_addresses_are_harmless(offline_engine):
    """Templates break addresses and numbers to stop Apple's data detectors."""
    text = "Add\u200cress: 2\u200c8 Land\u200cmark St\u200cate, Coun\u200ctry 2\u200c016"
    assert "BODY_ZERO_WIDTH_OBFUSCATION" not in ids(analyze(offline_engine, text=text))


def test_all_caps_body_needs_enough_letters(offline_engine):
    assert "BODY_ALL_CAPS" not in ids(analyze(offline_engine, text="OK, SEE YOU AT 5."))


def test_exclamation_marks_in_code_and_brand_names_are_not_shouting(offline_engine):
    """spamassassin-2003 hard_ham: a quoted kernel patch full of `!=` and `!flag`, and list
    footers that say "Yahoo! Groups"; shouting in English and Japanese still counts."""
    patch = "\n".join(f"> if (dev{i} != NULL && !ready{i}) return !flag{i};" for i in range(40))
    footer = "\n".join("Yahoo! Groups Sponsor. Yahoo! Mail." for _ in range(5))
    shout = "Wow!!! Amazing!!! You won't believe it!!! Buy now!!! Last day!!! Huge deals!!!"
    ja = "大特価！！今すぐ！！お得！！急いで！！最後！！"
    assert "BODY_EXCESS_EXCLAIM" not in ids(analyze(offline_engine, text=patch + "\n" + footer))
    assert "BODY_EXCESS_EXCLAIM" in ids(analyze(offline_engine, text=shout))
    assert "BODY_EXCESS_EXCLAIM" in ids(analyze(offline_engine, text=ja))
