"""Feature extraction: what the author wrote, named spans, no corpus or transit artefacts."""

from __future__ import annotations

from scorer.compose import compose_message
from scorer.message import parse
from scorer.ml.features import cjk_segments, clean_subject, clean_text, extract, strip_list_footer


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


def test_structure_units_are_described_in_words():
    units = _units(html="<p>Hi</p><form action='https://evil.test/x'><input></form>")
    names = {u.display for u in units if u.source == "structure"}
    assert "HTML form" in names


def test_hostile_input_gives_units_without_error():
    for raw in (b"", b"\xff\xfe\x00garbage", b"Subject: =?utf-8?b?!!!?=\n\n" + b"A" * 50000):
        units = extract(parse(raw))
        assert isinstance(units, list)
