"""HTML checks on the facts of one lexbor parse: hidden text done right, images, active content."""

from __future__ import annotations

from tests.scorer.checks._helpers import analyze, ids

BODY = "<p>Five books we loved this month, from a thriller to a history of the pencil.</p>"


def test_preheader_at_the_top_is_not_hidden_text(offline_engine):
    html = (
        "<div style='display:none;font-size:1px;max-height:0;overflow:hidden'>"
        "Five books we loved &zwnj;&nbsp;&zwnj;&nbsp;</div>" + BODY
    )
    assert "HTML_HIDDEN_TEXT" not in ids(analyze(offline_engine, text="x", html=html))


def test_preheader_padded_past_the_raw_limit_is_still_a_preheader(offline_engine):
    """The ESP shape of foff-milter-2025's Capital One and Klaviyo mail: a one-line preview
    followed by hundreds of characters of &#847;&zwnj;&nbsp; padding."""
    padding = "&#847; &zwnj; &nbsp; " * 150
    html = (
        "<div style='display:none;max-height:0;overflow:hidden'>"
        f"Please visit the Alerts section of your account. {padding}</div>" + BODY
    )
    assert "HTML_HIDDEN_TEXT" not in ids(analyze(offline_engine, text="x", html=html))


def test_long_hidden_salad_at_the_top_is_hidden_text_whatever_its_padding(offline_engine):
    """foff-milter-2025 spam: 500 letters of chat hidden where a preheader goes."""
    salad = (
        "I meant to reply sooner, but the week kept getting ahead of me and I wanted to "
        "say thanks for the recipe you sent, we finally tried it on Sunday with the kids "
        "and it turned out great, although the oven ran hot and the crust browned early, "
        "so next time I will lower it a little and add the cheese later in the bake. "
    ) * 2
    html = (
        "<div style='display:none;max-height:0;overflow:hidden'>"
        f"{salad}{'&zwnj;&nbsp;' * 40}</div>" + BODY
    )
    assert "HTML_HIDDEN_TEXT" in ids(analyze(offline_engine, text="x", html=html))


def test_hidden_block_after_content_is_hidden_text(offline_engine):
    html = BODY + "<div style='display:none'>replica watches cheap pills casino bonus money</div>"
    finding = analyze(offline_engine, text="x", html=html).get("HTML_HIDDEN_TEXT")
    assert finding is not None and finding.params["reasons"] == ["display:none"]


def test_mobile_only_block_shown_by_media_query_is_not_hidden(offline_engine):
    html = (
        "<style>.m{display:none} @media (max-width:600px){td[class*=m]{display:block!important}}"
        "</style>" + BODY + "<table><tr><td class='m'>Tap a cover to read the first chapter of "
        "each book.</td></tr></table>"
    )
    assert "HTML_HIDDEN_TEXT" not in ids(analyze(offline_engine, text="x", html=html))


def test_font_size_zero_container_with_sized_children_is_visible(offline_engine):
    html = (
        "<div style='font-size:0'><span style='font-size:14px'>Column one text here</span>"
        "<span style='font-size:14px'>Column two text here, with more words</span></div>" + BODY
    )
    assert "HTML_HIDDEN_TEXT" not in ids(analyze(offline_engine, text="x", html=html))


def test_white_on_white_inline_is_hidden(offline_engine):
    html = (
        BODY + "<div style='background-color:#fff'><font color='#FFFFFF'>"
        "online pharmacy lowest prices no prescription needed</font></div>"
    )
    finding = analyze(offline_engine, text="x", html=html).get("HTML_HIDDEN_TEXT")
    assert finding is not None and "text colour equals the background" in map(
        str, finding.params["reasons"]
    )


def test_cid_and_relative_images_with_text_are_fine(offline_engine):
    html = (
        "<img src='cid:logo@example.com' alt='Example' width='160' height='40'>"
        "<img src='images/hero.jpg' alt='Books' width='600' height='240'>" + BODY * 4
    )
    report = analyze(offline_engine, text="x", html=html)
    assert not ids(report) & {"HTML_IMAGE_HEAVY", "HTML_IMG_NO_ALT", "URI_IP_LITERAL"}


def test_image_only_mail_grades_highest(offline_engine):
    only = analyze(
        offline_engine,
        text="x",
        html="<img src='https://c.example.com/a.jpg' alt='a' width='600' height='800'>",
    ).get("HTML_IMAGE_HEAVY")
    some = analyze(
        offline_engine,
        text="x",
        html="<img src='https://c.example.com/a.jpg' alt='a'"
        " width='600' height='800'><p>Our offer: see the image for details today.</p>"
        "<p>Thanks for reading this month, from all of us here.</p>",
    ).get("HTML_IMAGE_HEAVY")
    assert only is not None and some is not None and only.score > some.score


def test_spacer_and_tracking_images_need_no_alt(offline_engine):
    html = BODY + (
        "<img src='https://t.example.com/o.gif' width='1' height='1'>"
        "<img src='https://c.example.com/s.gif' width='2' height='20'>"
    )
    report = analyze(offline_engine, text="x", html=html)
    assert "HTML_IMG_NO_ALT" not in ids(report)
    assert report.get("HTML_TRACKING_PIXEL").score == 0


def test_password_form_replaces_plain_form(offline_engine):
    html = "<form action='https://x.example.net/'><input name='u'><input type='password'></form>"
    report = analyze(offline_engine, text="x", html=html)
    assert "HTML_FORM_PASSWORD" in ids(report) and "HTML_FORM" not in ids(report)


def test_javascript_links_count_as_script(offline_engine):
    html = BODY + "<a href='javascript:void(0)' onclick='go()'>Open</a>"
    finding = analyze(offline_engine, text="x", html=html).get("HTML_SCRIPT")
    assert finding is not None and any("javascript:" in e for e in finding.evidence)


def test_gmail_clip_measures_the_html_part(offline_engine, fixture_bytes):
    finding = offline_engine.analyze(fixture_bytes("html_gmail_clip.eml")).get("HTML_GMAIL_CLIP")
    assert finding.params["kb"] > 102
