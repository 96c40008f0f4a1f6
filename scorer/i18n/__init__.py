"""English and Japanese texts that are not rule texts: labels, evidence, reasons, headlines.

Rule texts (title, why, advice) live with each rule in rules/*.yaml; this holds the rest, in
scorer/i18n/{en,ja}.yaml (the same keys and placeholders in both, checked by a test).

A check that explains something in words returns a `T` (a key and its parameters) instead of an
English string, so a stored report can be shown in either language: the words come from the
catalogue, the parameters (domains, counts, header values: data, never prose) are filled in.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LANGS = ("en", "ja")


@lru_cache(maxsize=2)
def _catalog(lang: str) -> dict[str, str]:
    path = Path(__file__).with_name(f"{lang}.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def has(key: str) -> bool:
    return key in _catalog("en")


def template(key: str, lang: str = "en") -> str:
    """The catalogue text for `key` in `lang` (English when missing, else the key itself)."""
    lang = lang if lang in LANGS else "en"
    return _catalog(lang).get(key) or _catalog("en").get(key) or key


def text(key: str, lang: str = "en", **params: object) -> str:
    """The text for `key` in `lang` (English when missing), with `{params}` filled in."""
    found = template(key, lang)
    return fill(found, params, lang) if params else found


class T(str):
    """A translatable text: a catalogue key and its parameters.

    It is a `str` holding the English text, so code and tests that read evidence as strings
    keep working; the report renders it in the reader's language (`render`, `segments`) and
    stores it language-neutral (`to_json`). A parameter may itself be a `T` (an enumerated
    value such as a problem kind), rendered in the same language.
    """

    key: str
    params: tuple[tuple[str, Any], ...]

    def __new__(cls, key: str, **params: Any) -> T:
        obj = super().__new__(cls, fill(template(key, "en"), params, "en"))
        obj.key = key
        obj.params = tuple(sorted(params.items()))
        return obj

    def __repr__(self) -> str:
        return f"T({self.key!r}, {dict(self.params)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.key, dict(self.params)))

    def kwargs(self) -> dict[str, Any]:
        return dict(self.params)

    def render(self, lang: str) -> str:
        return fill(template(self.key, lang), self.kwargs(), lang)

    def segments(self, lang: str) -> list[tuple[str, bool]]:
        """The rendered text as (piece, is_parameter) pairs, so a page can mark parameters
        (message content, names, numbers) apart from our words."""
        return segments(template(self.key, lang), self.kwargs(), lang)

    def to_json(self) -> dict[str, Any]:
        return {"t": self.key, "p": {k: to_json(v) for k, v in self.params}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> T:
        return cls(str(data["t"]), **{k: from_json(v) for k, v in (data.get("p") or {}).items()})


def _rebuild(key: str, params: dict[str, Any]) -> T:
    return T(key, **params)


def is_text_json(value: Any) -> bool:
    return isinstance(value, dict) and set(value) <= {"t", "p"} and isinstance(value.get("t"), str)


def to_json(value: Any) -> Any:
    """`value` with every `T` in it turned into its stored form."""
    if isinstance(value, T):
        return value.to_json()
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value


def from_json(value: Any) -> Any:
    """The inverse of `to_json`."""
    if is_text_json(value):
        return T.from_json(value)
    if isinstance(value, list):
        return [from_json(v) for v in value]
    if isinstance(value, dict):
        return {k: from_json(v) for k, v in value.items()}
    return value


def render(value: Any, lang: str) -> Any:
    """`value` with every `T` (or its stored form) rendered as a string in `lang`."""
    if isinstance(value, T):
        return value.render(lang)
    if is_text_json(value):
        return T.from_json(value).render(lang)
    if isinstance(value, list | tuple):
        return [render(v, lang) for v in value]
    if isinstance(value, dict):
        return {k: render(v, lang) for k, v in value.items()}
    return value


def show(value: Any, lang: str, *, compact: bool = False) -> str:
    """One parameter as text: lists joined, texts rendered; with `compact`, numbers without
    trailing zeros (rule texts: 2 not 2.0), else as Python writes them (0.0)."""
    if isinstance(value, T) or is_text_json(value):
        return render(value, lang)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and compact:
        return f"{value:g}"
    if isinstance(value, list | tuple):
        sep = "、" if lang == "ja" and any(isinstance(v, T) for v in value) else ", "
        return sep.join(show(v, lang, compact=compact) for v in value)
    return "" if value is None else str(value)


def _pieces(found: str) -> Iterator[tuple[str, str | None, str, str | None]]:
    yield from _parsed(found)


@lru_cache(maxsize=8192)
def _parsed(found: str) -> tuple[tuple[str, str | None, str, str | None], ...]:
    """A template's pieces, parsed once (the catalogue and rule texts are few and repeat)."""
    try:
        return tuple(string.Formatter().parse(found))
    except ValueError:  # a stray brace: show the text as it is
        return ((found, None, "", None),)


def segments(
    found: str, params: Mapping[str, Any], lang: str, *, compact: bool = False
) -> list[tuple[str, bool]]:
    """`found` filled with `params`, as (piece, is_parameter) pairs; a missing one shows `…`.

    A parameter that is itself a text (a `T`, or a list holding some) contributes its own
    pieces, so our words nested in a parameter stay marked as ours."""
    out: list[tuple[str, bool]] = []
    for literal, name, spec, _conv in _pieces(found):
        if literal:
            out.append((literal, False))
        if name is None:
            continue
        if name not in params:
            out.append(("…", True))
            continue
        value = params[name]
        if isinstance(value, T) or is_text_json(value):
            text = value if isinstance(value, T) else T.from_json(value)
            out.extend(text.segments(lang))
        elif isinstance(value, list | tuple) and any(isinstance(v, T) for v in value):
            sep = "、" if lang == "ja" else ", "
            for index, item in enumerate(value):
                if index:
                    out.append((sep, False))
                if isinstance(item, T):
                    out.extend(item.segments(lang))
                else:
                    out.append((show(item, lang, compact=compact), True))
        else:
            piece = format(value, spec) if spec and isinstance(value, int | float) else None
            out.append((piece if piece is not None else show(value, lang, compact=compact), True))
    return [(text, is_param) for text, is_param in out if text]


def fill(found: str, params: Mapping[str, Any], lang: str = "en", *, compact: bool = False) -> str:
    """`found` with its `{placeholders}` filled (a missing one shows `…`, never raises)."""
    if "{" not in found:
        return found
    out: list[str] = []
    for literal, name, spec, _conv in _parsed(found):
        if literal:
            out.append(literal)
        if name is None:
            continue
        if name not in params:
            out.append("…")
            continue
        value = params[name]
        if spec and isinstance(value, int | float) and not isinstance(value, bool):
            out.append(format(value, spec))
        else:
            out.append(show(value, lang, compact=compact))
    return "".join(out)


def pick_lang(accept_language: str | None, default: str = "en") -> str:
    """The best of our languages for an Accept-Language header value."""
    if not accept_language:
        return default
    best, best_q = default, -1.0
    for item in accept_language.split(","):
        tag, _, q = item.strip().partition(";q=")
        code = tag.strip().lower()[:2]
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        if code in LANGS and weight > best_q:
            best, best_q = code, weight
    return best
