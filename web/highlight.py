"""Mark the classifier's words in the message text, so a reader sees what pushed the verdict.

The text is escaped first and only our own `<mark>` tags are added, so the result is safe to
put into the page as markup.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

import regex
from markupsafe import Markup

_MAX_TEXT = 20_000
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
    cut = len(text) > _MAX_TEXT
    text = text[:_MAX_TEXT]
    words = feature_words(top_features)
    if not words:
        return Markup(html.escape(text)), cut
    weights = {word.lower(): weight for word, weight in words}
    # Longest first, so a phrase wins over a word inside it; Japanese (no spaces) anywhere.
    alternatives = []
    for word in sorted(weights, key=len, reverse=True):
        escaped = regex.escape(word).replace(r"\ ", r"\s+")
        # ASCII words end where ASCII letters end, so "act" matches in "でact" but not "react".
        boxed = rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])"
        alternatives.append(boxed if word.isascii() else escaped)
    pattern = regex.compile("|".join(alternatives), regex.IGNORECASE)
    out: list[str] = []
    last = 0
    try:
        matches = list(pattern.finditer(text, timeout=0.5))
    except TimeoutError:
        return Markup(html.escape(text)), cut
    for match in matches:
        out.append(html.escape(text[last : match.start()]))
        key = " ".join(match.group(0).lower().split())
        weight = weights.get(key, 0.0)
        kind = "spam" if weight > 0 else "ham"
        out.append(
            f'<mark class="hl hl-{kind}" title="{weight:+.2f}">{html.escape(match.group(0))}</mark>'
        )
        last = match.end()
    out.append(html.escape(text[last:]))
    return Markup("".join(out)), cut
