"""Template filters: a little inline Markdown for the API docs page, rule templates for people."""

from __future__ import annotations

import re

from flask import Flask
from markupsafe import Markup, escape

_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def inline_markdown(text: str) -> Markup:
    """`code` and **bold** only (what openapi.yaml uses), everything else escaped."""
    html = str(escape(" ".join(text.split())))
    html = _CODE.sub(r"<code>\1</code>", html)
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    return Markup(html)


def unfilled(text: str) -> str:
    """A rule text with its {placeholders} shown as an ellipsis (they are filled per finding)."""
    return _PLACEHOLDER.sub("…", text)


def provider_name(provider: str, lang: str) -> str:
    """A mailbox provider's name in `lang` (Yahoo メール, ドコモ)."""
    from scorer.matrix import provider_name as name

    return name(provider, lang)


def register(app: Flask) -> None:
    app.add_template_filter(inline_markdown, "md")
    app.add_template_filter(unfilled, "unfilled")
    app.add_template_filter(provider_name, "provider_name")
