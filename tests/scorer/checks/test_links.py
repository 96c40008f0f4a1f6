"""Link checks: registrable-domain comparison, ESP trackers, shorteners and disguised hosts."""

from __future__ import annotations

from scorer.urls import shown_domains
from tests.scorer.checks._helpers import analyze, ids


def _link(href: str, text: str) -> str:
    return f"<p>Hello, here is the news. <a href='{href}'>{text}</a></p>"


def test_tracker_behind_plain_words_is_fine(offline_engine):
    report = analyze(
        offline_engine,
        text="x",
        html=_link("https://u1.ct.sendgrid.net/ls/click?upn=abc", "Read the full story"),
    )
    assert not ids(report) & {"URI_TEXT_MISMATCH", "URI_TEXT_MISMATCH_TRACKER"}


def test_tracker_behind_a_shown_domain_is_low_scored_advice(offline_engine):
    report = analyze(
        offline_engine,
        text="x",
        html=_link("https://mandrillapp.com/track/click/30/example.org?p=abc", "www.example.org"),
    )
    assert "URI_TEXT_MISMATCH" not in ids(report)  # the wrapper carries example.org
    report = analyze(
        offline_engine,
        text="x",
        html=_link("https://mandrillapp.com/track/click/30?p=abc", "www.example.org"),
    )
    assert report.get("URI_TEXT_MISMATCH_TRACKER").score < 1


def test_same_registrable_domain_is_not_a_mismatch(offline_engine):
    report = analyze(
        offline_engine,
        text="x",
        html=_link("https://links.shop.example.co.uk/c/1", "https://shop.example.co.uk/"),
    )
    assert "URI_TEXT_MISMATCH" not in ids(report)


def test_shown_url_to_another_site_is_a_mismatch(offline_engine):
    finding = analyze(
        offline_engine,
        text="x",
        html=_link("https://collect.example.net/x", "https://www.example-bank.com/login"),
    ).get("URI_TEXT_MISMATCH")
    assert finding is not None and finding.params["shown"] == "www.example-bank.com"


def test_shown_brand_url_to_another_site_is_the_brand_finding(offline_engine):
    report = analyze(
        offline_engine,
        text="x",
        html=_link("https://collect.example.net/x", "https://www.amazon.co.jp/"),
    )
    assert report.get("URI_TEXT_MISMATCH_BRAND").params["brand"] == "Amazon"
    general = report.get("URI_TEXT_MISMATCH")  # the contract id stays, counted once
    assert general.score == 0 and general.refined_by == ("URI_TEXT_MISMATCH_BRAND",)


def test_shortener_list_matches_subdomains_not_lookalikes(offline_engine):
    assert "URI_SHORTENER" in ids(analyze(offline_engine, text="https://www.bit.ly/abc"))
    assert "URI_SHORTENER" not in ids(analyze(offline_engine, text="https://notbit.ly/abc"))


def test_japanese_idn_is_not_confusable_but_mixed_script_is(offline_engine):
    japanese = "https://" + "例え.テスト".encode("idna").decode() + "/"
    mixed = "https://" + "pаypal.com".encode("idna").decode() + "/"  # Cyrillic а
    assert "URI_IDN_CONFUSABLE" not in ids(analyze(offline_engine, text=japanese))
    assert "URI_IDN_CONFUSABLE" in ids(analyze(offline_engine, text=mixed))


def test_ip_literal_images_and_obfuscated_ipv4(offline_engine):
    report = analyze(offline_engine, text="x", html="<img alt='a' src='http://0x7f.1/a.png'>")
    assert "URI_IP_LITERAL" in ids(report)


def test_many_domains_ignores_social_links(offline_engine):
    social = " ".join(
        f"https://{d}/shop"
        for d in (
            "facebook.com",
            "twitter.com",
            "instagram.com",
            "linkedin.com",
            "youtube.com",
            "pinterest.com",
            "tiktok.com",
            "x.com",
            "line.me",
            "example.com",
        )
    )
    assert "URI_MANY_DOMAINS" not in ids(analyze(offline_engine, text=social))


def test_senders_own_tracking_domain_showing_a_partner_url_is_a_tracker(offline_engine):
    """foff-milter-2025 ham (Michaels): the ESP's click tracker on the sender's own domain
    behind "affirm.com" and "michaelscustomframing.com": the branded tracking domain our
    own advice recommends, not a disguise."""
    html = (
        "<p>Pay over time with <a href='https://click.emdeals.shop.example/?qs=1'>affirm.com</a>."
        " Frames at <a href='https://click.emdeals.shop.example/?qs=2'>framing.example.net</a></p>"
    )
    report = analyze(offline_engine, from_="Deals <deals@emdeals.shop.example>", html=html)
    assert "URI_TEXT_MISMATCH" not in ids(report)
    assert report.get("URI_TEXT_MISMATCH_TRACKER").params["count"] == 2


def test_own_domain_link_showing_a_brand_or_from_elsewhere_is_still_a_mismatch(offline_engine):
    brand = analyze(
        offline_engine,
        from_="Alerts <alerts@secure-notice.example>",
        html="<p><a href='https://secure-notice.example/login'>www.paypal.com</a></p>",
    )
    other = analyze(
        offline_engine,
        from_="Deals <deals@emdeals.shop.example>",
        html="<p><a href='https://go.elsewhere.example/c/1'>framing.example.net</a></p>",
    )
    assert "URI_TEXT_MISMATCH_BRAND" in ids(brand)
    assert "URI_TEXT_MISMATCH" in ids(other)


def test_shown_url_names_its_host_not_the_names_in_its_query(offline_engine):
    """spamassassin-2003 spam and hard_ham: the text of an opt-out link is the link itself,
    `http://opt-out.mailer.net/?e=jm@reader.com`; reader.com in its query is no target it
    shows. A shown URL on another host is still a mismatch."""
    same = "http://opt-out.consumer-pack.net/?e=jm@netnote-inc.com"
    other = "http://www.netnote-inc.com/?e=jm@consumer-pack.net"
    assert shown_domains(same) == ["opt-out.consumer-pack.net"]
    assert "URI_TEXT_MISMATCH" not in ids(analyze(offline_engine, html=_link(same, same)))
    assert "URI_TEXT_MISMATCH" in ids(analyze(offline_engine, html=_link(same, other)))
