"""English and Japanese texts that are not rule texts: labels for the CLI, web and categories.

Rule texts (title, why, advice) live with each rule in rules/*.yaml; this holds the rest.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

LANGS = ("en", "ja")


@lru_cache(maxsize=2)
def _catalog(lang: str) -> dict[str, str]:
    path = Path(__file__).with_name(f"{lang}.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def text(key: str, lang: str = "en", **params: object) -> str:
    """The text for `key` in `lang` (English when missing), with `{params}` filled in."""
    lang = lang if lang in LANGS else "en"
    template = _catalog(lang).get(key) or _catalog("en").get(key) or key
    return template.format(**params) if params else template


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
