"""Feature extraction: what the author wrote, named spans, no corpus or transit artefacts."""

from __future__ import annotations

from pathlib import Path

from scorer.compose import compose_message
from scorer.message import parse
from scorer.ml.features import (
    cjk_segments,
    clean_subject,
    clean_text,
    extract,
    strip_list_footer,
    word_count,
)

MESSAGES = Path(__file__).resolve().parents[2] / "data" / "messages"


def _units(**fields):
    return extract(parse(compose_message(**fields)))


def test_words_carry_their_character_ngrams_and_readable_display():
    units = _units(subject="Hello", text="Guaranteed income")
    word = next(u for u in units if u.display == "Guaranteed")
    assert word.source == "body"
    assert word.keys[0] == "w:guaranteed"
    assert "g:gua" in word.keys and "g:teed " in word.keys


def test_obfuscated_spelling_shares_ngrams_with_the_real_word():
    real = {k for u in _units(text="viagra") for k in u.keys if k.startswith("g:")}
    fake = {k for u in _units(text="v1agra") for k in u.keys if k.startswith("g:")}
    assert real & fake, "character n-grams should overlap"


def test_function_words_are_not_features():
    displays = {u.display.lower() for u in _units(text="Please confirm your order with us")}
    assert "confirm" in displays and "order" in displays
    assert not displays & {"please", "your", "with", "us"}


def test_japanese_is_segmented_by_script_and_paired_by_character():
    assert cjk_segments("今すぐ無料登録して月収") == ["今", "すぐ", "無料登録", "して", "月収"]
    units = _units(subject="お知らせ", text="今すぐ無料登録")
    segment = next(u for u in units if u.display == "無料登録")
    assert "c:無料" in segment.keys and "c:登録" in segment.keys


def test_publisher_obfuscation_and_list_footers_are_removed():
    text = (
        "Great offer for zzzz@spamassassin.taint.org and phishing@pot today\n"
        "_______________________________________________\n"
        "Razor-users mailing list\n"
        "Razor-users@lists.sourceforge.net\n"
        "https://lists.sourceforge.net/lists/listinfo/razor-users\n"
    )
    cleaned = clean_text(text)
    assert "Great offer" in cleaned
    for artefact in ("zzzz", "taint", "phishing@pot", "mailing list", "listinfo", "____"):
        assert artefact not in cleaned
    assert strip_list_footer("just text\n") == "just text\n"


def test_subject_loses_reply_prefixes_and_list_tags():
    assert clean_subject("Re: [ILUG] Re: Fwd: cheap hosting") == "cheap hosting"


def test_urls_are_domains_not_words():
    units = _units(text="Visit https://shop.example-store.test/deal now")
    displays = {u.display for u in units}
    assert "https" not in displays
    assert "example-store.test" in displays
    assert next(u for u in units if u.display == "example-store.test").source == "link"


def test_structure_is_one_fact_per_feature():
    """No counts ("0 links" beside "0 link domains"), no layout flags: every shape fact the
    rules judge is read as their finding, so the model reads only attachment types here."""
    assert not [u for u in _units(subject="Hi", text="Hi") if u.source == "structure"]
    units = _units(html="<p>Hi</p><form action='https://evil.test/x'><input></form>")
    assert not [u for u in units if u.source == "structure"]
    raw = (MESSAGES / "mime_risky_attachment.eml").read_bytes()
    names = [u.display for u in extract(parse(raw)) if u.source == "structure"]
    assert names and all(name.startswith("attachment type .") for name in names)
    assert len(names) == len(set(names))


def test_a_two_word_note_has_almost_nothing_to_read():
    units = _units(subject="Hi", text="Hi")
    assert word_count(units) == 0
    assert word_count(_units(subject="Lunch", text="Shall we meet at noon on Friday?")) == 4


def test_lawful_footer_words_are_not_features():
    """An opt-out, a privacy notice and a web version are what every bulk sender must carry:
    in 2002 they were commoner in spam, today they say nothing."""
    footer = (
        "View in browser. You are receiving this because you subscribed. Unsubscribe or "
        "update your preferences. Privacy Policy."
    )
    displays = {u.display.lower() for u in _units(text="Our spring catalogue. " + footer)}
    assert "catalogue" in displays
    assert not displays & {"unsubscribe", "privacy", "policy", "browser", "preferences"}
    ja = {
        u.display for u in _units(text="新商品のご案内です。配信停止はこちら。プライバシーポリシー")
    }
    assert "新商品" in ja and not ja & {"配信停止", "プライバシーポリシー"}


def test_corpus_anonymisation_tokens_are_not_features():
    text = (
        "Hello user@example.com, reply to bounces+1234-mstowe=baddomain.com or see "
        "juliett.baddomain.com and hotel.baddomain.com. Dear <name>, your <email> at <domain>; "
        "phishing@pot zzzz@spamassassin.taint.org"
    )
    keys = " ".join(k for u in _units(text=text) for k in u.keys).lower()
    for token in ("baddomain", "mstowe", "juliett", "hotel", "example", "taint", "zzzz", "pot"):
        assert token not in keys, token
    assert not {u.display for u in _units(html='<a href="https://hotel.baddomain.com/x">x</a>')} & {
        "baddomain.com"
    }


def test_hostile_input_gives_units_without_error():
    for raw in (b"", b"\xff\xfe\x00garbage", b"Subject: =?utf-8?b?!!!?=\n\n" + b"A" * 50000):
        units = extract(parse(raw))
        assert isinstance(units, list)
