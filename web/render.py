"""What a stored report's pages show of the message, kept at check time so viewing never parses.

The report page highlights the classifier's words in the text a reader sees, and the preview
frame shows the sanitised body. Both come from the parsed message, which exists only while
the message is checked; so they are made then, from the very `Message` the report was made
from, and stored beside the report (the `render` column), the text with its words already
marked (marking them on every view was a third of a 100 KB report page's CPU). A GET then
reads them back: no MIME parse, no HTML parse, no analysis, whatever the message's size
(issues 12 and 14). A report stored before these were kept (or before `highlighted` was), or
whose rendering failed, gets them once, on its first view.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from scorer.message import Message, parse
from scorer.settings import Limits
from web.highlight import MAX_TEXT, highlight
from web.preview import document_for

log = logging.getLogger(__name__)

RENDER_VERSION = 2
"""2: `highlighted` added. Rows of an older version are made again on their first view."""


def artefacts(msg: Message, top_features: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """The highlighter's text (the first MAX_TEXT characters a reader sees, and whether there
    was more), that text escaped with the classifier's `top_features` words marked (safe
    markup, web.highlight), and the complete sanitised preview document."""
    text = msg.visible_text
    return {
        "version": RENDER_VERSION,
        "text": text[:MAX_TEXT],
        "text_cut": len(text) > MAX_TEXT,
        "highlighted": str(highlight(text, top_features)[0]),
        "preview": document_for(msg),
    }


def artefacts_or_none(
    msg: Message, top_features: Iterable[dict[str, Any]] = ()
) -> dict[str, Any] | None:
    """`artefacts`, or None (logged) if making them fails: a report is stored either way, and
    its pages make them from the raw message on first view."""
    try:
        return artefacts(msg, top_features)
    except Exception:
        log.exception("could not make the report's page artefacts")
        return None


def from_raw(
    raw: bytes, limits: Limits, top_features: Iterable[dict[str, Any]] = ()
) -> dict[str, Any]:
    """`artefacts` for a report stored without them: the one parse its pages ever cost."""
    return artefacts(parse(raw, limits), top_features)


def top_features(report: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The classifier's features of a report (stored or v1 form), for `artefacts`."""
    classifier = (report or {}).get("classifier") or {}
    return list(classifier.get("top_features") or [])


def usable(render: Any) -> bool:
    return isinstance(render, dict) and render.get("version") == RENDER_VERSION
