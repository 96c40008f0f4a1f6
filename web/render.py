"""What a stored report's pages show of the message, kept at check time so viewing never parses.

The report page highlights the classifier's words in the text a reader sees, and the preview
frame shows the sanitised body. Both come from the parsed message, which exists only while
the message is checked; so they are made then, from the very `Message` the report was made
from, and stored beside the report (the `render` column). A GET then reads them back: no MIME
parse, no HTML parse, no analysis, whatever the message's size (issues 12 and 14). A report
stored before these were kept, or whose rendering failed, gets them once, on its first view.
"""

from __future__ import annotations

import logging
from typing import Any

from scorer.message import Message, parse
from scorer.settings import Limits
from web.highlight import MAX_TEXT
from web.preview import document_for

log = logging.getLogger(__name__)

RENDER_VERSION = 1


def artefacts(msg: Message) -> dict[str, Any]:
    """The highlighter's text (the first MAX_TEXT characters a reader sees, and whether there
    was more) and the complete sanitised preview document."""
    text = msg.visible_text
    return {
        "version": RENDER_VERSION,
        "text": text[:MAX_TEXT],
        "text_cut": len(text) > MAX_TEXT,
        "preview": document_for(msg),
    }


def artefacts_or_none(msg: Message) -> dict[str, Any] | None:
    """`artefacts`, or None (logged) if making them fails: a report is stored either way, and
    its pages make them from the raw message on first view."""
    try:
        return artefacts(msg)
    except Exception:
        log.exception("could not make the report's page artefacts")
        return None


def from_raw(raw: bytes, limits: Limits) -> dict[str, Any]:
    """`artefacts` for a report stored without them: the one parse its pages ever cost."""
    return artefacts(parse(raw, limits))


def usable(render: Any) -> bool:
    return isinstance(render, dict) and render.get("version") == RENDER_VERSION
