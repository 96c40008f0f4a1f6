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


def register(app: Flask) -> None:
    app.add_template_filter(inline_markdown, "md")
    app.add_template_filter(unfilled, "unfilled")
