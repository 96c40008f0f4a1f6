"""Classifier words marked in the message text, safely."""

from __future__ import annotations

from web.highlight import feature_words, highlight


def test_words_are_marked_by_direction_and_the_rest_is_escaped():
    marked, cut = highlight(
        "Claim your FREE gift <script>x</script> freedom",
        [{"feature": "free", "weight": 1.3}, {"feature": "claim", "weight": -0.2}],
    )
    assert not cut
    assert str(marked) == (
        '<mark class="hl hl-ham" title="-0.20">Claim</mark> your '
        '<mark class="hl hl-spam" title="+1.30">FREE</mark> gift '
        "&lt;script&gt;x&lt;/script&gt; freedom"
    )


def test_phrases_win_over_their_words_and_japanese_matches_inside_text():
    marked, _ = highlight(
        "今すぐ無料でact now",
        [
            {"feature": "無料", "weight": 1.0},
            {"feature": "act now", "weight": 0.8},
            {"feature": "act", "weight": 0.1},
        ],
    )
    assert '<mark class="hl hl-spam" title="+1.00">無料</mark>' in marked
    assert '<mark class="hl hl-spam" title="+0.80">act now</mark>' in marked


def test_non_word_features_are_not_highlighted():
    words = feature_words(
        [
            {"feature": "header:x-mailer", "weight": 1.0},
            {"feature": "ok", "weight": "n/a"},
            {"feature": "", "weight": 1},
            {
                "feature": "URI_IP_LITERAL",
                "weight": 2.0,
                "source": "rule",
                "title": {"en": "Link to a bare IP address", "ja": "IP アドレス直接のリンク"},
            },
            {"feature": "fine", "weight": 0.5},
        ]
    )
    assert words == [("fine", 0.5)]


def test_long_text_is_cut():
    marked, cut = highlight("a" * 30_000, [])
    assert cut
    assert len(marked) == 20_000
