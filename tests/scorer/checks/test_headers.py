"""Header checks on composed drafts and fixtures: what fires, what must not, and the evidence."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.scorer.checks._helpers import analyze, ids


def test_future_date_is_measured_against_now(offline_engine):
    raw = __import__("scorer.compose", fromlist=["x"]).compose_message(
        date=datetime(2026, 3, 1, tzinfo=UTC)
    )
    early = offline_engine.analyze(raw, now=datetime(2026, 2, 1, tzinfo=UTC))
    late = offline_engine.analyze(raw, now=datetime(2026, 3, 5, tzinfo=UTC))
    assert early.get("HDR_DATE_FUTURE") is not None
    assert early.get("HDR_DATE_FUTURE").params["hours"] >= 24 * 28
    assert late.get("HDR_DATE_FUTURE") is None


def test_reply_to_freemail_refines_plain_mismatch(offline_engine):
    report = analyze(offline_engine, headers={"Reply-To": "claims.office@gmail.com"})
    assert report.get("HDR_REPLY_TO_FREEMAIL").score > 0
    general = report.get("HDR_REPLY_TO_MISMATCH")  # the organisations differ: the contract id
    assert general.score == 0 and general.refined_by == ("HDR_REPLY_TO_FREEMAIL",)


def test_one_webmail_box_answering_for_another_is_freemail_only(offline_engine):
    report = analyze(
        offline_engine,
        from_="Ann <ann.smith@gmail.com>",
        headers={"Reply-To": "claims.office@gmail.com"},
    )
    assert "HDR_REPLY_TO_FREEMAIL" in ids(report)
    assert "HDR_REPLY_TO_MISMATCH" not in ids(report)  # the same organisation: no mismatch


def test_reply_to_the_mailing_list_is_not_a_mismatch(offline_engine):
    report = analyze(
        offline_engine,
        from_="Ann <ann@university.example>",
        headers={
            "Reply-To": "team@lists.example.org",
            "List-Post": "<mailto:team@lists.example.org>",
        },
    )
    assert "HDR_REPLY_TO_MISMATCH" not in ids(report)


def test_reply_to_the_address_the_message_went_to_is_not_a_mismatch(offline_engine):
    """A draft posted to a list (no List-Post before the list server adds it), and a calendar
    invitation whose Reply-To is the invitee's own Gmail box (foff-milter-2025 ham)."""
    post = analyze(
        offline_engine,
        from_="Fel <felinda@frogstone.example>",
        to="forteana@groups.example.org",
        headers={"Reply-To": "forteana@groups.example.org"},
    )
    invite = analyze(
        offline_engine,
        from_="Google Calendar <calendar-notification@google.com>",
        to="stowe@gmail.com",
        headers={"Reply-To": "stowe@gmail.com"},
    )
    elsewhere = analyze(
        offline_engine,
        from_="Billing <billing@shop.example.com>",
        to="reader@example.org",
        headers={"Reply-To": "claims.office@gmail.com"},
    )
    assert not {"HDR_REPLY_TO_MISMATCH", "HDR_REPLY_TO_FREEMAIL"} & set(ids(post))
    assert not {"HDR_REPLY_TO_MISMATCH", "HDR_REPLY_TO_FREEMAIL"} & set(ids(invite))
    assert {"HDR_REPLY_TO_MISMATCH", "HDR_REPLY_TO_FREEMAIL"} <= set(ids(elsewhere))


def test_display_name_with_senders_own_address_is_fine(offline_engine):
    report = analyze(offline_engine, from_='"news@example.com" <news@mail.example.com>')
    assert "HDR_DISPLAY_NAME_SPOOF" not in ids(report)


def test_display_name_showing_the_reply_to_address_is_not_a_spoof(offline_engine):
    """foff-milter-2025 ham: an invoicing platform sends for the business, whose address is in
    the name and is the Reply-To. The same name replying elsewhere, or no Reply-To, is a spoof."""
    from_ = '"Evergreen Tree Care (info@evergreen.example)" <system@sent-via.example>'
    honest = analyze(offline_engine, from_=from_, headers={"Reply-To": "info@evergreen.example"})
    elsewhere = analyze(offline_engine, from_=from_, headers={"Reply-To": "pay@other.example"})
    assert "HDR_DISPLAY_NAME_SPOOF" not in ids(honest)
    assert "HDR_DISPLAY_NAME_SPOOF" in ids(elsewhere)
    assert "HDR_DISPLAY_NAME_SPOOF" in ids(analyze(offline_engine, from_=from_))


def test_brand_containing_a_domain_in_words_is_not_a_spoof(offline_engine):
    report = analyze(offline_engine, from_='"CNET News.com Daily Dispatch" <news@online.example>')
    assert "HDR_DISPLAY_NAME_SPOOF" not in ids(report)


def test_brand_display_name_off_brand_domain(offline_engine):
    hit = analyze(offline_engine, from_='"Microsoft account team" <no-reply@access-sec.example>')
    assert hit.get("HDR_FROM_BRAND_MISMATCH").params["brand"] == "Microsoft"
    own = analyze(offline_engine, from_='"Microsoft account team" <account@microsoft.com>')
    assert "HDR_FROM_BRAND_MISMATCH" not in ids(own)


def test_co_branded_sender_naming_itself_is_not_a_brand_mismatch(offline_engine):
    """foff-milter-2025 ham: a partner brand beside the sender's own name, from its own domain."""
    for from_ in (
        '"Amazon Benefits at Fidelity" <Fidelity.Investments@mail.fidelity.com>',
        '"Synchrony for your PayPal Extras World Mastercard" <service@servicing.synchrony.com>',
        '"Apple Card Support" <no_reply@post.applecard.apple>',
    ):
        assert "HDR_FROM_BRAND_MISMATCH" not in ids(analyze(offline_engine, from_=from_)), from_
    for from_ in (  # foff-milter-2025 spam: the brand on a domain of its own name, or nobody's
        '"DocuSign" <noreply@docusign.me>',
        '"PayPal Security" <security@paypal.edu.fake.com>',
        '"Walmart Notices Center" <walmartnoticescenter@sinhil.example>',
        '"Amazon Benefits at Fidelity" <benefits@fidelity-rewards.example>',
    ):
        assert "HDR_FROM_BRAND_MISMATCH" in ids(analyze(offline_engine, from_=from_)), from_


def test_ambiguous_brand_names_need_service_words(offline_engine):
    person = analyze(offline_engine, from_='"Apple Martin" <apple.martin@example.org>')
    service = analyze(offline_engine, from_='"Apple Support" <support@apple-id.example>')
    assert "HDR_FROM_BRAND_MISMATCH" not in ids(person)
    assert "HDR_FROM_BRAND_MISMATCH" in ids(service)


def test_utf8_display_name_is_a_valid_from(offline_engine):
    raw = (
        "From: Café Élan 🍰 <news@example.com>\r\nTo: a@example.org\r\nSubject: hi\r\n"
        "Date: Thu, 15 Jan 2026 09:30:00 +0000\r\nMessage-ID: <1@example.com>\r\n\r\nhello\r\n"
    ).encode()
    report = offline_engine.analyze(raw)
    assert "HDR_FROM_INVALID" not in ids(report)
    assert [str(e) for e in report.get("HDR_RAW_8BIT").evidence] == ["From (raw 8-bit, utf-8)"]


def test_shift_jis_raw_header_scores_more_than_utf8(offline_engine):
    raw = (
        b"From: a@example.com\r\nTo: b@example.org\r\nSubject: "
        + "セールのお知らせ".encode("cp932")
        + b"\r\nDate: Thu, 15 Jan 2026 09:30:00 +0000\r\nMessage-ID: <1@example.com>\r\n\r\nhi\r\n"
    )
    sjis = offline_engine.analyze(raw).get("HDR_RAW_8BIT")
    utf8 = offline_engine.analyze(
        raw.replace("セールのお知らせ".encode("cp932"), "セールのお知らせ".encode())
    ).get("HDR_RAW_8BIT")
    assert sjis.score > utf8.score > 0


def test_encoded_word_in_address_replaces_from_invalid(offline_engine, fixture_bytes):
    report = offline_engine.analyze(
        b"From: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=@example.com\r\nTo: b@example.org\r\n"
        b"Subject: hi\r\nDate: Thu, 15 Jan 2026 09:30:00 +0000\r\nMessage-ID: <1@example.com>"
        b"\r\n\r\nhello\r\n"
    )
    assert "HDR_EW_IN_ADDRESS" in ids(report)
    general = report.get("HDR_FROM_INVALID")
    assert general.score == 0 and general.refined_by == ("HDR_EW_IN_ADDRESS",)


def test_subject_caps_ignores_short_acronyms_and_japanese(offline_engine):
    assert "SUBJ_ALL_CAPS" not in ids(analyze(offline_engine, subject="FYI: NASA update"))
    assert "SUBJ_ALL_CAPS" not in ids(analyze(offline_engine, subject="【重要】ご案内"))
    full_width = analyze(offline_engine, subject="ＦＲＥＥ ＭＯＮＥＹ ＮＯＷ ＦＯＲ ＹＯＵ")
    assert "SUBJ_ALL_CAPS" in ids(full_width)  # NFKC folds full-width letters first


def test_full_width_exclamation_runs_count(offline_engine):
    assert "SUBJ_EXCESS_PUNCT" in ids(analyze(offline_engine, subject="大特価！！！"))


def test_reply_prefix_with_references_is_a_real_reply(offline_engine):
    real = analyze(offline_engine, subject="RE: 見積もり", headers={"References": "<a@b.example>"})
    fake = analyze(offline_engine, subject="返信: 見積もり")
    assert "SUBJ_FAKE_REPLY" not in ids(real)
    assert "SUBJ_FAKE_REPLY" in ids(fake)


def test_reply_without_threading_headers_that_quotes_is_a_real_reply(offline_engine):
    """spamassassin-2003 ham: web mail and Exchange 5.5 replies carry no In-Reply-To, but they
    quote what they answer; the fake replies of spam quote nothing."""
    quoted = analyze(
        offline_engine,
        subject="Re: Selling Wedded Bliss",
        text="Eugen Leitl:\n>Clearly our ideas about relationships have\n"
        ">resulted in short ones.\n\nDon't swallow too quickly what you have read.\n",
    )
    outlook = analyze(
        offline_engine,
        subject="RE: The Curse of India's Socialism",
        text="The best comparison for India is China.\n\n-----Original Message-----\n"
        "From: John Hall\nSent: Wednesday\n\nIndia has had fifty years.\n",
    )
    one_chevron = analyze(
        offline_engine,
        subject="Re: your account",
        text="> Your account is on hold.\nClick below to confirm your details today.\n",
    )
    assert "SUBJ_FAKE_REPLY" not in ids(quoted)
    assert "SUBJ_FAKE_REPLY" not in ids(outlook)
    assert "SUBJ_FAKE_REPLY" in ids(one_chevron)
    assert "SUBJ_FAKE_REPLY" in ids(analyze(offline_engine, subject="Re: your order"))


def test_message_id_without_dot_is_valid_rfc5322(offline_engine):
    report = analyze(offline_engine, message_id="<1026255272511.JavaMail.root@agent2>")
    assert "HDR_MESSAGE_ID_INVALID" not in ids(report)
