"""Skip regexes that cannot match: a Japanese pattern on text with no Japanese in it, and a
pattern on text that holds none of the words every match must contain.

Most mail is not Japanese, and the Japanese rules' patterns (賞金が当た, 本人確認, ...) each cost a
full scan of the text for nothing. When the structure of a pattern shows that every match holds
a CJK character (CJK symbols and punctuation, kana, kanji, compatibility ideographs, full-width
forms: `CJK_RANGES`), a text without one cannot match it, and one scan of the text answers for
all such rules. Emoji do not count: most of today's newsletters carry one, and counting them
(as "at or above U+3000" did) sent every such message through every Japanese pattern.
SpamAssassin and rspamd prefilter their body rules the same way (required strings / hyperscan
literals).

The same parse gives a pattern's required literals: strings of which every match contains at
least one (`required_literals`). A family rule of many alternatives ("sent in compliance with",
"lenders compete for your loan", ...) cannot be skipped ahead by the regex engine, which tries
each alternative at each position of the text; `str.__contains__` on the case-folded text
answers in a fraction of that time whether any of its words ("compliance", "lender", ...) is
there at all. A pattern that is one alternation at its top is also split into its branches
(`top_level_branches`), each with its own literals, so that a long text holding the word of one
branch is searched for that branch only; the leftmost match over the branches is the match of
the whole alternation.

The analysis reads the pattern with the standard library's own regex parser. Anything it
cannot read, or any branch it cannot prove, counts as "may match anything": the prefilter
only ever skips a search whose answer is certain.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import ahocorasick

try:  # the standard library's pattern parser (private, so guarded: no parser, no prefilter)
    from re import _constants as _c
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - other Python implementations
    _c = _sre_parse = None  # type: ignore[assignment]

CJK_RANGES = (
    (0x3000, 0x9FFF),  # CJK symbols, kana, Bopomofo, Hangul jamo compat., CJK ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
    (0x20000, 0x3FFFF),  # CJK ideographs, extensions B and later
)
_WIDE = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in CJK_RANGES) + "]")
_LAST = threading.local()


def needs_wide_char(pattern: str) -> bool:
    """True when every match of `pattern` must contain a character of `CJK_RANGES`."""
    if _sre_parse is None:
        return False
    try:
        tree = _sre_parse.parse(pattern)
    except Exception:  # regex-module syntax the stdlib parser does not know
        return False
    try:
        return _sequence_needs(list(tree))
    except Exception:  # an opcode shape we did not expect: be safe
        return False


def has_wide_char(text: str) -> bool:
    """True when `text` holds a character of `CJK_RANGES`. The answer for the last text seen
    by this thread is kept, because every prefiltered rule asks about the same text in turn;
    an ASCII text is answered without a scan (str.isascii reads a flag CPython keeps on the
    string: a regex scan of 1 MB of text was 6 ms, asked 26 times a message over alternating
    texts)."""
    if text.isascii():
        return False
    if getattr(_LAST, "text", None) is text:
        return bool(_LAST.answer)
    answer = _WIDE.search(text) is not None
    _LAST.text, _LAST.answer = text, answer
    return answer


def _sequence_needs(items: list[tuple[Any, Any]]) -> bool:
    return any(_item_needs(op, av) for op, av in items)


def _item_needs(op: Any, av: Any) -> bool:
    if op is _c.LITERAL:
        return _cjk(av, av)
    if op is _c.IN:
        return bool(av) and all(_set_item_wide(kind, value) for kind, value in av)
    if op is _c.BRANCH:
        return all(_sequence_needs(list(branch)) for branch in av[1])
    if op is _c.SUBPATTERN:
        return _sequence_needs(list(av[-1]))
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        low, _high, body = av
        return low >= 1 and _sequence_needs(list(body))
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _sequence_needs(list(av))
    return False


def _set_item_wide(kind: Any, value: Any) -> bool:
    if kind is _c.LITERAL:
        return _cjk(value, value)
    if kind is _c.RANGE:
        return _cjk(*value)
    return False  # NEGATE, CATEGORY (\d, \w, ...) and anything else may match narrow text


def _cjk(low: int, high: int) -> bool:
    """True when every code point from `low` to `high` is in one of `CJK_RANGES`."""
    return any(start <= low and high <= end for start, end in CJK_RANGES)


MIN_LITERAL = 3
"""Shorter runs of literal characters are not worth a scan (nearly every text holds them)."""

MAX_GROUPS = 2
"""Groups checked per pattern: the most selective-looking; more cost a lookup each and rarely
skip a search the first two did not ("you", "the" are required too, and in every text)."""

_FOLDED = threading.local()

_KNOWN_LOCK = threading.Lock()
_KNOWN: set[str] = set()
_INDEX: tuple[frozenset[str], Any] | None = None
"""Every literal `required_literals` has handed out, and one Aho-Corasick automaton over them:
one pass over a text answers for all of them at once (a scan per literal cost 0.5 ms a
newsletter with 276 literals). Rebuilt when a rule set brings new literals."""


def _remember(groups: tuple[tuple[str, ...], ...]) -> None:
    global _INDEX
    fresh = {literal for group in groups for literal in group} - _KNOWN
    if fresh:
        with _KNOWN_LOCK:
            _KNOWN.update(fresh)
            _INDEX = None


def _index() -> tuple[frozenset[str], Any] | None:
    """The known literals and their automaton (built on first use after a change)."""
    global _INDEX
    index = _INDEX
    if index is None and _KNOWN:
        with _KNOWN_LOCK:
            known = frozenset(_KNOWN)
            automaton = ahocorasick.Automaton()
            for literal in known:
                automaton.add_word(literal, literal)
            automaton.make_automaton()
            index = _INDEX = (known, automaton)
    return index


def required_literals(pattern: str, flags: str = "") -> tuple[tuple[str, ...], ...] | None:
    """Groups of case-folded strings: every match of `pattern` holds at least one string of
    every group (a sequence needs each of its parts; an alternation one of its branches). None
    when the structure proves no group (then the pattern is always searched). Case-folded
    whatever the flags: a literal found in the case-folded text is a necessary condition for a
    case-sensitive match too. `flags` are the rule's (i, m, s, x): verbose mode changes the
    parse."""
    if _sre_parse is None:
        return None
    bits = 0
    for flag in flags:
        bits |= {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}[flag]
    try:
        tree = _sre_parse.parse(pattern, bits)
        groups = _sequence_groups(list(tree))
    except Exception:  # regex-module syntax the stdlib parser does not know, or a new opcode
        return None
    best = sorted(set(groups), key=_selectivity, reverse=True)[:MAX_GROUPS]
    found = tuple(sorted(tuple(sorted(group)) for group in best))
    _remember(found)
    return found or None


def may_contain(text: str, groups: tuple[tuple[str, ...], ...]) -> bool:
    """False only when the case-folded `text` lacks every string of one of `groups`."""
    folded, seen = _folded(text)
    for group in groups:  # plain loops: this runs for every rule and branch on every text
        for literal in group:
            found = seen.get(literal)
            if found is None:
                found = seen[literal] = literal in folded
            if found:
                break
        else:
            return False
    return True


def _folded(text: str) -> tuple[str, dict[str, bool]]:
    """`text.casefold()` and the literals already looked up in it, kept for the last few texts
    of this thread: every rule and branch asks about the same subject and body in turn."""
    cache = getattr(_FOLDED, "entries", None)
    if cache is None:
        cache = _FOLDED.entries = []
    for entry in cache:
        if entry[0] is text:
            return entry[1], entry[2]
    folded = text.casefold()
    seen: dict[str, bool] = {}
    index = _index()
    if index is not None:  # one pass for every known literal; others are scanned when asked
        known, automaton = index
        seen = dict.fromkeys(known, False)
        for _end, literal in automaton.iter(folded):
            seen[literal] = True
    cache.insert(0, (text, folded, seen))
    del cache[4:]
    return folded, seen


def _sequence_groups(items: list[tuple[Any, Any]]) -> list[frozenset[str]]:
    """Every group a sequence proves: each of its items must match, so each item's groups hold;
    a run of literal characters is one string."""
    groups: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= MIN_LITERAL:
            groups.append(frozenset({"".join(run).casefold()}))
        run.clear()

    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        flush()
        groups.extend(_item_groups(op, av))
    flush()
    return groups


def _selectivity(group: frozenset[str]) -> tuple[int, int]:
    """Longer words are rarer: the longest shortest string, then the fewest strings."""
    return min(map(len, group)), -len(group)


def _best(groups: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective-looking group."""
    return max(groups, key=_selectivity) if groups else None


def _item_groups(op: Any, av: Any) -> list[frozenset[str]]:
    if op is _c.SUBPATTERN:
        return _sequence_groups(list(av[-1]))
    if op is _c.BRANCH:
        branches = [_best(_sequence_groups(list(branch))) for branch in av[1]]
        if not all(branches):
            return []  # one branch with no required literal: nothing is required
        return [frozenset().union(*branches)]  # type: ignore[arg-type]
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        low, _high, body = av
        return _sequence_groups(list(body)) if low >= 1 else []
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _sequence_groups(list(av))
    return []  # classes, anchors, look-arounds, back-references: no literal proven


def top_level_branches(pattern: str, flags: str = "") -> list[str] | None:
    """The alternatives of a pattern that is one alternation at its top level ("a|b(c|d)|e"
    gives a, b(c|d), e), or None for any other shape (the split is checked against the parse)."""
    if _sre_parse is None:
        return None
    bits = 0
    for flag in flags:
        bits |= {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}[flag]
    if bits & re.VERBOSE:
        return None  # whitespace and comments would need their own reading
    try:
        tree = list(_sre_parse.parse(pattern, bits))
    except Exception:
        return None
    if len(tree) != 1 or tree[0][0] is not _c.BRANCH:
        return None
    parts: list[str] = []
    depth, start, index, in_class = 0, 0, 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1 : index + 2] == "^":
                index += 1
            if pattern[index + 1 : index + 2] == "]":  # a literal ] first in the class
                index += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
        index += 1
    parts.append(pattern[start:])
    return parts if len(parts) == len(tree[0][1][1]) else None


WINDOW_MAX_WIDTH = 1000
"""Patterns whose matches may be longer than this are always searched whole."""
WINDOW_MARGIN = 64
"""Characters kept beyond a match's reach on each side of a window (look-arounds, word edges)."""
WINDOW_MIN_TEXT = 4096
"""Shorter texts are searched whole: one scan of them costs less than finding the windows."""


def max_width(pattern: str, flags: str = "") -> int | None:
    """The longest match `pattern` can have, or None when unbounded or unknown."""
    if _sre_parse is None or "x" in flags:
        return None
    try:
        high = _sre_parse.parse(pattern).getwidth()[1]
    except Exception:
        return None
    return high if high <= WINDOW_MAX_WIDTH else None


def windowed_search(
    compiled: Any,
    text: str,
    groups: tuple[tuple[str, ...], ...] | None,
    width: int | None,
    timeout: float,
) -> Any:
    """`compiled.search(text)`, run only around the places where one of the words every match
    holds occurs, when the longest match is short (`width`) and the text long. Every match holds
    an occurrence and lies within `width` of it, so the merged windows hold every match, the
    leftmost first; a match that reaches a window's cut end (where the cut could have changed
    the answer) sends the search back to the whole text."""
    if width is None or not groups or len(text) < WINDOW_MIN_TEXT:
        return compiled.search(text, timeout=timeout)
    folded = _folded(text)[0]
    if len(folded) != len(text):  # case folding moved the offsets (ß -> ss): no windows
        return compiled.search(text, timeout=timeout)
    group = min(groups, key=lambda literals: sum(folded.count(word) for word in literals))
    spans: list[tuple[int, int]] = []
    for word in group:
        start = folded.find(word)
        while start != -1:
            reach = width + WINDOW_MARGIN
            spans.append((max(0, start - reach), min(len(text), start + len(word) + reach)))
            start = folded.find(word, start + 1)
    merged: list[list[int]] = []
    for low, high in sorted(spans):
        if merged and low <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    for low, high in merged:
        match = compiled.search(text, low, high, timeout=timeout)
        if match is None:
            continue
        if high == len(text) or match.end() <= high - WINDOW_MARGIN:
            return match
        return compiled.search(text, timeout=timeout)
    return None
