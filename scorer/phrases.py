"""The one phrase engine: which of many phrases occur in a text, in one pass.

Spam phrases, brand names, the kind decider's wording and `check: phrases` rules are all matched
here, on `normalize`d text, with one Aho-Corasick automaton (pyahocorasick) per phrase set: a
regex alternation of a few hundred phrases costs 30-600 ms on 100 KB of text, the automaton well
under a millisecond. The phrase sets themselves are rule data (scorer.lists).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ahocorasick

from scorer.prefilter import has_wide_char

_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """The form phrases are matched in: NFKC, case-folded, whitespace runs as one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold())


@dataclass(frozen=True)
class PhraseHit:
    phrase: str
    weight: float
    group: str


class PhraseMatcher:
    """Find which of many phrases occur in a text, in one pass, with word edges for Latin words."""

    def __init__(self, entries: list[tuple[str, float, str]]) -> None:
        self._automaton = ahocorasick.Automaton()
        keys = []
        for phrase, weight, group in entries:
            key = normalize(phrase).strip()
            if key:
                self._automaton.add_word(key, (key, float(weight), group))
                keys.append(key)
        self._automaton.make_automaton()
        self.size = len(entries)
        self._wide_only = bool(keys) and all(has_wide_char(key) for key in keys)
        """Every phrase holds a Japanese/Chinese character (scorer.prefilter): a text without
        one cannot hold a phrase, and most mail is not Japanese."""

    def find(self, text: str) -> dict[str, PhraseHit]:
        """Distinct phrases found in `text` (already `normalize`d), keyed by phrase."""
        found: dict[str, PhraseHit] = {}
        if not text or not self.size or (self._wide_only and not has_wide_char(text)):
            return found
        # Leftmost-longest matches: 無料 inside 完全無料 is one phrase, not two.
        for end, (key, weight, group) in self._automaton.iter_long(text):
            if key in found:
                continue
            start = end - len(key) + 1
            if key[0].isascii() and key[0].isalnum() and start > 0 and _wordish(text[start - 1]):
                continue
            if (
                key[-1].isascii()
                and key[-1].isalnum()
                and end + 1 < len(text)
                and _wordish(text[end + 1])
            ):
                continue
            found[key] = PhraseHit(key, weight, group)
        return found


def _wordish(char: str) -> bool:
    return char.isalnum() or char == "_"
