"""Mark the classifier's words in the message text, so a reader sees what pushed the verdict.

The text is escaped first and only our own `<mark>` tags are added, so the result is safe to
put into the page as markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import regex
from markupsafe import Markup, escape

MAX_TEXT = 20_000
"""Characters of the message text the report page shows and highlights."""
_MAX_FEATURES = 40


def feature_words(top_features: Iterable[dict[str, Any]]) -> list[tuple[str, float]]:
    """(word, weight) for features that are plain words or phrases (not `header:` features)."""
    words = []
    for item in list(top_features)[:_MAX_FEATURES]:
        if item.get("source") == "rule":
            continue  # a rule finding the model read, not a word in the text
        feature = str(item.get("feature", "")).strip()
        try:
            weight = float(item.get("weight", 0.0))
        except (TypeError, ValueError):
            continue
        if not feature or ":" in feature or len(feature) > 60:
            continue
        words.append((feature, weight))
    return words


def highlight(text: str, top_features: Iterable[dict[str, Any]]) -> tuple[Markup, bool]:
    """Escaped `text` with each feature word in `<mark>`; also whether the text was cut."""
    cut = len(text) > MAX_TEXT
    text = text[:MAX_TEXT]
    words = feature_words(top_features)
    if not words:
        return Markup(escape(text)), cut
    weights = {word.lower(): weight for word, weight in words}
    # Longest first, so a phrase wins over a word inside it; Japanese (no spaces) anywhere.
    order = sorted(weights, key=len, reverse=True)
    try:
        spans = _literal_spans(text, order)
        if spans is None:
            spans = _pattern_spans(text, order)
    except TimeoutError:
        return Markup(escape(text)), cut
    # The text between and inside the marks, escaped in one call: joined on NUL, which the
    # text never holds (the parser drops NULs from parts, lexbor replaces them in HTML).
    pieces: list[str] = []
    last = 0
    for start, end, _key in spans:
        pieces.append(text[last:start])
        pieces.append(text[start:end])
        last = end
    pieces.append(text[last:])
    joined = "\x00".join(pieces)
    if joined.count("\x00") != len(pieces) - 1:
        escaped = [escape(piece) for piece in pieces]
    else:
        escaped = str(escape(joined)).split("\x00")
    tags: dict[str, str] = {}
    out: list[str] = [escaped[0]]
    for index, (_start, _end, key) in enumerate(spans):
        tag = tags.get(key)
        if tag is None:
            weight = weights.get(key, 0.0)
            kind = "spam" if weight > 0 else "ham"
            tag = tags[key] = f'<mark class="hl hl-{kind}" title="{weight:+.2f}">'
        out += (tag, escaped[2 * index + 1], "</mark>", escaped[2 * index + 2])
    return Markup("".join(out)), cut


_ASCII_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def _literal_spans(text: str, order: list[str]) -> list[tuple[int, int, str]] | None:
    """(start, end, word) of every match, as the alternation of `_pattern_spans` finds them
    (leftmost first, at one place the earlier word in `order`, no overlaps), by substring search
    in the lower-cased text: about 10x faster than that pattern on a long newsletter. None when
    a word holds a space (phrases match any run of whitespace) or lower-casing changes the
    text's length (its positions would not be the text's)."""
    lowered = text.lower()
    if len(lowered) != len(text) or any(" " in word for word in order):
        return None
    size = len(text)
    found: list[tuple[int, int, int]] = []
    for rank, word in enumerate(order):
        length = len(word)
        # ASCII words end where ASCII letters end, so "act" matches in "でact" but not "react".
        boxed = word.isascii()
        at = lowered.find(word)
        while at >= 0:
            end = at + length
            if not boxed or (
                (at == 0 or text[at - 1] not in _ASCII_ALNUM)
                and (end == size or text[end] not in _ASCII_ALNUM)
            ):
                found.append((at, rank, end))
            at = lowered.find(word, at + 1)
    found.sort()
    spans = []
    position = 0
    for start, rank, end in found:
        if start >= position:
            spans.append((start, end, order[rank]))
            position = end
    return spans


def _pattern_spans(text: str, order: list[str]) -> list[tuple[int, int, str]]:
    alternatives = []
    for word in order:
        escaped = regex.escape(word).replace(r"\ ", r"\s+")
        boxed = rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])"
        alternatives.append(boxed if word.isascii() else escaped)
    pattern = regex.compile("|".join(alternatives), regex.IGNORECASE)
    return [
        (match.start(), match.end(), " ".join(match.group(0).lower().split()))
        for match in pattern.finditer(text, timeout=0.5)
    ]
