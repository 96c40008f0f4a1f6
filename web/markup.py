"""Our words and the data in them, marked apart in the page's HTML.

A finding's title, advice and evidence are templates filled with data: domains, header values,
phrases quoted from the message, counts. The page marks each piece of data `translate="no"`
(in a `.v` span) and leaves our words as they are, so a browser's translator, a screen reader's
language switch and our own tests can tell the message's content from the page's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from scorer import i18n
from scorer.i18n import T

_DATA = Markup('<span class="v" translate="no">{}</span>')


_OPEN, _CLOSE = str(_DATA).split("{}")


def pieces(parts: Iterable[tuple[str, bool]]) -> Markup:
    """(text, is_data) pairs as HTML: data in translate="no" spans, our words as they are.
    (Joined once: adding Markup to Markup, and Markup.format, were a fifth of a report page.)"""
    out: list[str] = []
    for text, is_data in parts:
        if is_data:
            out += (_OPEN, escape(format(text, "")), _CLOSE)
        else:
            out.append(escape(text))
    return Markup("".join(out))


def rule_text(rule: Any, name: str, lang: str, params: Mapping[str, Any]) -> Markup:
    """A rule's description, why or advice with its parameters marked."""
    if rule is None:
        return Markup("")
    return pieces(rule.segments(name, lang, params))


def evidence(item: str, lang: str) -> Markup:
    """One evidence item: our words with marked data (a T), or a quote, all of it data."""
    if isinstance(item, T):
        return pieces(item.segments(lang))
    return _DATA.format(item)


def text(key: str, lang: str, **params: Any) -> Markup:
    """A catalogue text (scorer/i18n) with its parameters marked."""
    return pieces(i18n.segments(i18n.template(key, lang), params, lang))


def data(value: Any) -> Markup:
    """A value shown as it is (an id, a header value, a URL): marked as data."""
    return _DATA.format(value)
