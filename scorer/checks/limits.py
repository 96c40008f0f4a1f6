"""Findings about the analysis itself: limits reached, so the user knows what was not examined."""

from __future__ import annotations

from scorer.context import Context
from scorer.message import Message
from scorer.registry import Hit, check

LIMIT_IDS = (
    "LIMIT_HEADER_BYTES",
    "LIMIT_MIME_DEPTH",
    "LIMIT_PARTS",
    "LIMIT_TEXT_CHARS",
    "LIMIT_HTML_BYTES",
    "LIMIT_HTML_NODES",
    "LIMIT_HTML_ATTRIBUTES",
    "LIMIT_HTML_DEPTH",
    "LIMIT_HTML_REOPENED",
    "LIMIT_LINES",
    "LIMIT_URLS",
)


@check("limits", emits=LIMIT_IDS)
def limits_reached(msg: Message, ctx: Context) -> list[Hit]:
    """One finding per limit the parser reached, with what it left out as evidence. (Parsing
    past the time budget is the pipeline's LIMIT_TIME_BUDGET; this check runs past it.)"""
    return [Hit(note.id, [note.detail]) for note in msg.limit_notes if note.id in LIMIT_IDS]
