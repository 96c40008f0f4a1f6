"""Skip regexes that cannot match: a Japanese pattern on text with no Japanese in it.

Most mail is not Japanese, and the Japanese rules' patterns (賞金が当た, 本人確認, ...) each cost a
full scan of the text for nothing. When the structure of a pattern shows that every match holds
a CJK character (CJK symbols and punctuation, kana, kanji, compatibility ideographs, full-width
forms: `CJK_RANGES`), a text without one cannot match it, and one scan of the text answers for
all such rules. Emoji do not count: most of today's newsletters carry one, and counting them
(as "at or above U+3000" did) sent every such message through every Japanese pattern.
SpamAssassin and rspamd prefilter their body rules the same way (required strings / hyperscan
literals).

The analysis reads the pattern with the standard library's own regex parser. Anything it
cannot read, or any branch it cannot prove, counts as "may match anything": the prefilter
only ever skips a search whose answer is certain.
"""

from __future__ import annotations

import re
import threading
from typing import Any

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
