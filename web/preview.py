"""The message as a reader would see it, made safe to show inside our own page.

Three layers, so one mistake is not enough. First, the HTML goes through ammonia (nh3), a
maintained sanitiser that parses it as browsers do (html5ever) and writes out only what an
allow-list names: layout and text elements, their presentational attributes, http(s), mailto
and tel links, and images (inline `cid:` ones turned into `data:image/...` URLs). Everything
else goes, with the content of script-like elements: no SVG or MathML (so no
`<svg><animate attributeName=href values="javascript:...">` and no mutation XSS through
`<math><mtext><table><mglyph><style>`), no event handlers, frames, forms, refresh or base.
The message's own <style> blocks are kept as CSS text with every "<" escaped, so none can
close its element. Second, the document is served from its own route under a CSP that allows
no script and no request out (remote images only when asked). Third, the page frames it in
an iframe sandbox without allow-scripts or allow-same-origin.

The HTML is the engine's, already cut at the message's limits (scorer.htmlscan), so the
sanitiser's own parser never sees an attribute or nesting bomb.
"""

from __future__ import annotations

import base64
import html
import re

import nh3

from scorer.message import Message, parse
from scorer.settings import Limits

_TAGS = frozenset(
    {
        *("a", "abbr", "address", "article", "aside", "b", "bdi", "bdo", "big", "blockquote"),
        *("br", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "details"),
        *("dfn", "div", "dl", "dt", "em", "figcaption", "figure", "font", "footer", "h1", "h2"),
        *("h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd", "li", "main"),
        *("mark", "nav", "ol", "p", "pre", "q", "s", "samp", "section", "small", "span"),
        *("strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th"),
        *("thead", "time", "tr", "tt", "u", "ul", "var", "wbr"),
    }
)
_GENERIC_ATTRIBUTES = frozenset(
    {
        *("style", "class", "id", "align", "valign", "width", "height", "bgcolor", "border"),
        *("dir", "lang", "title", "role", "nowrap", "cellpadding", "cellspacing", "colspan"),
        *("rowspan", "color", "face", "size", "background", "hspace", "vspace", "start", "type"),
        *("span", "headers", "scope", "abbr", "summary", "datetime", "open", "cite"),
    }
)
_ATTRIBUTES = {
    "*": set(_GENERIC_ATTRIBUTES),
    "a": {"href", "name"},
    "img": {"src", "alt"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid", "data"}
_CLEAN_CONTENT = {"script", "style", "title", "textarea", "noscript", "template", "xmp"}
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp")
_DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp|bmp);base64,[A-Za-z0-9+/=]*\Z")
_SAFE_LINK = re.compile(r"(?:https?:|mailto:|tel:)", re.IGNORECASE)
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)(?:</style\s*>|\Z)", re.IGNORECASE | re.DOTALL)
_MAX_CSS_CHARS = 200_000
_MAX_INLINE_IMAGE_BYTES = 2 * 1024 * 1024
_MAX_INLINE_IMAGES_BYTES = 8 * 1024 * 1024


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
        images = inline_images(msg) if "cid:" in msg.html.lower() else {}
        body = sanitize(msg.html, images)
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
    """The HTML body without anything that can run or load by itself: the message's CSS (made
    inert) and ammonia's allow-listed rendering of its markup."""
    images = images or {}

    def attribute(tag: str, name: str, value: str) -> str | None:
        value = value.strip()
        if name == "src" and tag == "img":
            if value.lower().startswith("cid:"):
                return images.get(value[4:].strip().strip("<>"), value)
            if value.lower().startswith("data:"):
                return value if _DATA_IMAGE.match(value) else None
            return value
        if name in ("href", "background", "cite"):
            if name == "background" and value.lower().startswith(("http:", "https:", "cid:")):
                return value
            return value if _SAFE_LINK.match(value) or not _has_scheme(value) else None
        return value

    cleaner = nh3.Cleaner(
        tags=set(_TAGS),
        clean_content_tags=set(_CLEAN_CONTENT),
        attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
        attribute_filter=attribute,
        url_schemes=set(_URL_SCHEMES),
        strip_comments=True,
        link_rel="noopener noreferrer",
    )
    return _inert_css(markup) + cleaner.clean(markup)


def _has_scheme(value: str) -> bool:
    scheme, colon, _rest = value.partition(":")
    return bool(colon) and scheme.replace("+", "").replace("-", "").replace(".", "").isalnum()


def _inert_css(markup: str) -> str:
    """The message's <style> blocks as one. A block that holds markup after its comment
    wrapping is taken off (`<!-- ... -->` is the usual email wrapping; real CSS has no "<") is
    not CSS but a payload aimed at a parser (mutation XSS hides one in a <style> inside MathML
    or SVG), and is dropped; any "<" left is escaped for CSS (\\3c ), so nothing ends our
    <style> early. What the CSS loads is the CSP's business (no fonts, no imports, images
    only as asked)."""
    blocks = []
    for match in _STYLE_BLOCK.finditer(markup):
        css = match.group(1).replace("<!--", "").replace("-->", "")
        if "<" not in css and "&lt;" not in css.lower():
            blocks.append(css)
    css = "\n".join(blocks)[:_MAX_CSS_CHARS].replace("<", "\\3c ")
    return f"<style>{css}</style>" if css.strip() else ""


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
