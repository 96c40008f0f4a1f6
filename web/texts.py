"""Page texts in English and Japanese, and which of the two this request is shown in.

The web pages' own texts live in web/i18n/{en,ja}.yaml; labels shared with the CLI (categories,
statuses, severities) come from scorer.i18n. The language is, in order: `?lang=`, the `lang`
cookie a previous switch set, then the browser's Accept-Language.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from flask import g, request
from markupsafe import Markup

from scorer import i18n

LANGS = i18n.LANGS
LANG_COOKIE = "lang"
_DIR = Path(__file__).with_name("i18n")


@lru_cache(maxsize=2)
def catalog(lang: str) -> dict[str, str]:
    data = yaml.safe_load((_DIR / f"{lang}.yaml").read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in data.items()}


def text(key: str, lang: str, **params: object) -> str:
    """The page text for `key` (then the shared label, then English, then the key itself)."""
    lang = lang if lang in LANGS else "en"
    template = catalog(lang).get(key)
    if template is None:
        shared = i18n.text(key, lang)
        if shared != key:
            return shared.format(**params) if params else shared
        template = catalog("en").get(key, key)
    return template.format(**params) if params else template


def marked(key: str, lang: str, **params: object) -> Markup:
    """`text()` as HTML with its parameters marked as data (translate="no")."""
    from web.markup import pieces

    lang = lang if lang in LANGS else "en"
    template = catalog(lang).get(key) or catalog("en").get(key) or i18n.template(key, lang)
    return pieces(i18n.segments(template, params, lang))


def requested_lang(default: str = "en") -> str:
    """The language of this request's page (cached on `g`)."""
    cached = g.get("lang")
    if cached:
        return cached
    asked = request.args.get("lang", "")
    if asked in LANGS:
        lang = asked
        g.lang_chosen = True
    elif request.cookies.get(LANG_COOKIE) in LANGS:
        lang = request.cookies[LANG_COOKIE]
    else:
        lang = i18n.pick_lang(request.headers.get("Accept-Language"), default)
    g.lang = lang
    return lang
