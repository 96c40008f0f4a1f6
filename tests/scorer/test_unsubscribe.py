"""scorer.unsubscribe: the fast unsubscribe-wording search finds exactly what the pattern finds."""

from __future__ import annotations

import re

import pytest

from scorer.unsubscribe import UNSUB_WORDS, has_unsubscribe_words


@pytest.mark.parametrize(
    "text",
    [
        "",
        "To UNSUBSCRIBE click here",
        "Opt-Out anytime",
        "opt out",
        "OPTOUT",
        "Manage your Email Preferences",
        "STOP RECEIVING these",
        "If you no longer wish to receive these emails, please click here.",
        "If you prefer not to receive promotional email messages from us, please click here.",
        "Don’t want to receive these? Click here",
        "unſubscribe",  # long s: IGNORECASE matches it to s, lower() keeps it
        "EMAİL PREFERENCES",  # dotted capital I lowers to two characters
        "emaıl preferences",  # dotless i
        "UNSUBSCRİ",
        "配信停止はこちら",
        "メルマガ解除",
        "nothing to see here",
        "unsub scribe",
        "Kelvin: \u212aeep",
    ],
)
def test_same_answer_as_the_pattern(text: str) -> None:
    assert has_unsubscribe_words(text) == (UNSUB_WORDS.search(text) is not None)


def test_lower_case_differs_from_ignorecase_only_where_the_fallback_looks() -> None:
    """Over every code point: a character IGNORECASE matches to a letter of the pattern but
    whose lower() is not that letter must be one the fallback searches for (İ, ı, ſ)."""
    letters = {c for c in UNSUB_WORDS.pattern.lower() if c.isalpha()}
    any_letter = re.compile("[" + "".join(sorted(letters)) + "]", re.IGNORECASE)
    differ = set()
    for point in range(0x110000):
        char = chr(point)
        if any_letter.fullmatch(char) is not None and char.lower() not in letters:
            differ.add(char)
    assert differ <= {"\u0130", "\u0131", "\u017f"}
    assert {"\u0131", "\u017f"} <= differ


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # foff-milter-2025 ham: the opt-out sentences of Walgreens and Williams-Sonoma
        ("If you no longer wish to receive these emails, please click here.", True),
        (
            "If you prefer not to receive promotional email messages from us, please click here.",
            True,
        ),
        ("If you do not want to receive future e-mail from this group, click here", True),
        ("Don't want to receive these? Click here", True),
        ("We received your order and will ship it on Monday.", False),
        ("You will receive a receipt when the payment clears.", False),
    ],
)
def test_retail_opt_out_sentences_are_unsubscribe_wording(text: str, found: bool) -> None:
    assert has_unsubscribe_words(text) is found
