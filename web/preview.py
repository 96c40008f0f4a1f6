"""The message as a reader would see it, made safe to show inside our own page.

Three layers, so one mistake is not enough: the HTML is stripped of everything active (scripts,
event handlers, frames, refresh and base tags, javascript: links); it is served from its own
route under a CSP that allows no script and no request out (remote images only when asked);
and the page frames it in an iframe sandbox without allow-scripts or allow-same-origin.
Inline (cid:) images are turned into data: URLs so they show without any request.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser

from scorer.message import Message, parse
from scorer.settings import Limits

_DROP_TAGS = (
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "link",
    "meta",
    "base",
    "portal",
    "noscript",
)
_URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "background", "poster")
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
_MAX_INLINE_IMAGE_BYTES = 2 * 1024 * 1024
_MAX_INLINE_IMAGES_BYTES = 8 * 1024 * 1024
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp")


def preview_csp(remote_images: bool) -> str:
    images = "data: cid: https:" if remote_images else "data: cid:"
    return (
        f"default-src 'none'; img-src {images}; style-src 'unsafe-inline'; "
        "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
    )


def preview_document(raw: bytes, limits: Limits | None = None) -> str:
    """A complete, inert HTML document showing the message body (HTML, else its text)."""
    return document_for(parse(raw, limits))


def document_for(msg: Message) -> str:
    """`preview_document` of a message already parsed (at check time: web.render)."""
    if msg.html.strip():
        body = sanitize(msg.html, inline_images(msg))
    else:
        body = (
            '<pre style="white-space:pre-wrap;word-wrap:break-word;'
            'font:14px/1.5 system-ui,sans-serif;margin:16px">'
            f"{html.escape(msg.plain_text or '')}</pre>"
        )
    # Our own <base> makes links open outside the frame (the sandbox allows only that popup).
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><base target="_blank">'
        f"</head><body>{body}</body></html>"
    )


def sanitize(markup: str, images: dict[str, str] | None = None) -> str:
    """The HTML body without anything that can run or load by itself."""
    tree = LexborHTMLParser(markup)
    for tag in _DROP_TAGS:
        for node in tree.css(tag):
            node.decompose()
    images = images or {}
    root = tree.root
    if root is None:
        return ""
    for node in _walk(tree):
        attrs = node.attributes
        for name in list(attrs):
            lowered = name.lower()
            value = (attrs[name] or "").strip()
            squashed = "".join(value.split()).lower()
            if (
                lowered.startswith("on")
                or lowered in ("ping", "srcdoc", "http-equiv")
                or (lowered in _URL_ATTRS and squashed.startswith(_BAD_SCHEMES))
            ):
                del node.attrs[name]
            elif lowered == "src" and squashed.startswith("cid:"):
                key = value[4:].strip().strip("<>")
                if key in images:
                    node.attrs[name] = images[key]
        if node.tag == "a":
            node.attrs["rel"] = "noopener noreferrer"
    body = tree.body
    head_styles = "".join(node.html or "" for node in tree.css("head style"))
    return head_styles + (body.inner_html if body is not None else "")


def _walk(tree: LexborHTMLParser) -> Iterator:  # type: ignore[type-arg]
    root = tree.root
    if root is None:
        return
    for node in root.traverse(include_text=False):
        if node.tag and not node.tag.startswith("-"):
            yield node


def inline_images(msg: Message | bytes) -> dict[str, str]:
    """Content-ID → data: URL for the message's inline images (bounded in size), from the MIME
    parts the parser decoded (their first 250, as the parser's own part limit)."""
    if isinstance(msg, bytes):
        msg = parse(msg)
    found: dict[str, str] = {}
    total = 0
    for part in msg.parts:
        if not part.content_id or part.content_type not in _IMAGE_TYPES:
            continue
        payload = part.payload
        if len(payload) > _MAX_INLINE_IMAGE_BYTES:
            continue
        total += len(payload)
        if total > _MAX_INLINE_IMAGES_BYTES:
            break
        encoded = base64.b64encode(payload).decode("ascii")
        found[part.content_id] = f"data:{part.content_type};base64,{encoded}"
    return found
