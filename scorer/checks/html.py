"""HTML checks: hidden text, image-heavy layouts, missing alt text, size, active content.

Everything comes from the one `HtmlDoc` built at parse time. Legitimate templates hide a short
preheader at the top and hide mobile-only blocks that a @media rule shows; neither is hidden
text in the spam sense, so both are left out here.
"""

from __future__ import annotations

import re

import scorer.mergetags as mergetags
from scorer.context import Context
from scorer.htmldoc import HtmlDoc, HtmlImage
from scorer.i18n import T
from scorer.message import Message
from scorer.registry import Hit, check
from scorer.urls import host_in, make_url

_GMAIL_CLIP_BYTES = 102 * 1024
_PREHEADER_MAX_CHARS = 600
_PREHEADER_MAX_POSITION = 40
# Letters of a preheader once the invisible padding is gone: ESPs (Klaviyo, Salesforce, the
# banks' own senders) pad the preview text with hundreds of characters of &#847;&zwnj;&nbsp;
# so the body does not leak into the inbox preview, which takes the raw block past
# _PREHEADER_MAX_CHARS while what it says stays a line (foff-milter-2025 ham: 43 of 213, at most
# 137 letters; hidden salad in foff-milter-2025 spam starts at 477).
_PREHEADER_MAX_LETTERS = 200
_FILLER = re.compile(r"[\s\u200b-\u200d\u2060\u034f\u00ad\ufeff\u00a0&;|.·͏‌ ]+")
_MERGE_TAG = mergetags.PATTERN
_FONT_HOSTS = frozenset(
    {
        "fonts.googleapis.com",
        "use.typekit.net",
        "fonts.bunny.net",
        "use.fontawesome.com",
        "fast.fonts.net",
        "cloud.typography.com",
    }
)
_DEFAULT_IMAGE_AREA = 200 * 150


def _doc(msg: Message) -> HtmlDoc | None:
    return msg.html_doc if msg.html_doc is not None and msg.html_parts else None


def hidden_content(doc: HtmlDoc) -> list[tuple[str, str]]:
    """(text, reason) of hidden text that is not a preheader, filler or template markup."""
    out = []
    first = True
    for block in doc.hidden:
        text = _MERGE_TAG.sub(" ", block.text)
        meaningful = _FILLER.sub("", text)
        if not meaningful:
            continue
        is_preheader = (
            first
            and block.position <= _PREHEADER_MAX_POSITION
            and (len(text) <= _PREHEADER_MAX_CHARS or len(meaningful) <= _PREHEADER_MAX_LETTERS)
            and block.reason != "text colour equals background"
        )
        first = False
        if is_preheader:
            continue
        out.append((text.strip(), block.reason))
    return out


_HIDDEN_WORDS = {
    "hidden attribute": "ev.hidden_attribute",
    "text colour equals background": "ev.hidden_same_colour",
    "text-indent off page": "ev.hidden_text_indent",
    "positioned off page": "ev.hidden_off_page",
}


def hidden_reason(reason: str) -> T | str:
    """How a block is hidden: a CSS declaration as it is, our words for the rest."""
    if reason in _HIDDEN_WORDS:
        return T(_HIDDEN_WORDS[reason])
    if reason.endswith(" with overflow:hidden"):
        return T("ev.hidden_overflow", css=reason.removesuffix(" with overflow:hidden"))
    return reason


@check("HTML_HIDDEN_TEXT")
def hidden_text(msg: Message, ctx: Context) -> Hit | None:
    """Text hidden by display:none, visibility, zero or tiny font, or colour equal to background."""
    doc = _doc(msg)
    if doc is None:
        return None
    blocks = hidden_content(doc)
    if not blocks:
        return None
    chars = sum(len(_FILLER.sub("", text)) for text, _ in blocks)
    if chars < 20:
        return None
    reasons = [hidden_reason(r) for r in dict.fromkeys(reason for _, reason in blocks)]
    evidence = [
        T("ev.hidden", how=hidden_reason(reason), text=text[:100]) for text, reason in blocks[:5]
    ]
    return Hit(evidence=evidence, params={"chars": chars, "reasons": reasons[:3]}, value=chars)


def _content_images(doc: HtmlDoc) -> list[HtmlImage]:
    return [
        i
        for i in doc.images
        if not i.hidden
        and not i.is_tracking_pixel
        and not (i.width is not None and i.width <= 2)
        and not (i.height is not None and i.height <= 2)
    ]


@check("HTML_IMAGE_HEAVY")
def image_heavy(msg: Message, ctx: Context) -> Hit | None:
    """Little visible text against the image area: image-only mail hides its words from filters."""
    doc = _doc(msg)
    if doc is None:
        return None
    images = _content_images(doc)
    if not images:
        return None
    text_chars = len("".join(_MERGE_TAG.sub("", doc.visible_text).split()))
    area = sum((i.width or 200) * (i.height or 150) for i in images)
    if text_chars >= 400 or (text_chars >= 150 and area < 250_000):
        return None
    # the level is what the reader sees; rules/html.yaml scores each
    if text_chars < 20:
        level = "no_text"
    elif text_chars < 150:
        level = "a_line_or_two"
    else:
        level = "short_text"
    return Hit(
        evidence=[T("ev.image_area", images=len(images), kpx=area // 1000, chars=text_chars)],
        params={"images": len(images), "chars": text_chars},
        level=level,
    )


@check("HTML_IMG_NO_ALT")
def images_without_alt(msg: Message, ctx: Context) -> Hit | None:
    """Images with no alt attribute: blocked images leave a blank; screen readers say nothing."""
    doc = _doc(msg)
    if doc is None:
        return None
    missing = [i for i in _content_images(doc) if i.alt is None]
    if not missing:
        return None
    return Hit(
        evidence=[i.src[:150] or T("ev.no_src") for i in missing[:6]],
        params={"count": len(missing)},
        value=len(missing),
    )


@check("HTML_GMAIL_CLIP")
def gmail_clip(msg: Message, ctx: Context) -> Hit | None:
    """An HTML part over ~102 KB: Gmail clips it, hiding the footer, unsubscribe link and pixel."""
    largest = max((p.size for p in msg.html_parts), default=0)
    if largest <= _GMAIL_CLIP_BYTES:
        return None
    kb = round(largest / 1024)
    return Hit(evidence=[T("ev.html_kb", kb=kb)], params={"kb": kb}, value=kb)


@check(
    "active_content",
    emits=(
        "HTML_SCRIPT",
        "HTML_IFRAME",
        "HTML_EMBED",
        "HTML_FORM",
        "HTML_FORM_PASSWORD",
        "HTML_META_REFRESH",
    ),
)
def active_content(msg: Message, ctx: Context) -> list[Hit]:
    """Scripts, frames, plug-ins, forms, refresh redirects: stripped by clients, used by phish."""
    doc = _doc(msg)
    if doc is None:
        return []
    hits = []
    tags = doc.risky_tags
    js_links = [link.href for link in doc.links if link.href.lower().startswith("javascript:")]
    if tags.get("script") or doc.event_handlers or js_links:
        evidence: list[T | str] = []
        if tags.get("script"):
            evidence.append(T("ev.elements", count=tags["script"], tags="<script>"))
        if doc.event_handlers:
            evidence.append(T("ev.event_handlers", count=doc.event_handlers))
        evidence += js_links[:2]
        hits.append(Hit("HTML_SCRIPT", evidence))
    frames = tags.get("iframe", 0) + tags.get("frame", 0) + tags.get("frameset", 0)
    if frames:
        hits.append(
            Hit(
                "HTML_IFRAME",
                [s or T("ev.no_src") for s in doc.frame_sources[:4]]
                or [T("ev.elements", count=frames, tags="<iframe>/<frame>")],
            )
        )
    embeds = tags.get("embed", 0) + tags.get("object", 0) + tags.get("applet", 0)
    if embeds:
        hits.append(
            Hit("HTML_EMBED", [T("ev.elements", count=embeds, tags="<embed>/<object>/<applet>")])
        )
    if "password" in doc.input_types:
        hits.append(
            Hit(
                "HTML_FORM_PASSWORD",
                [T("ev.form_action", action=a or "-") for a in doc.form_actions[:3]]
                or [T("ev.password_input")],
            )
        )
    elif tags.get("form") or doc.input_types:
        hits.append(
            Hit(
                "HTML_FORM",
                [T("ev.form_action", action=a or "-") for a in doc.form_actions[:3]]
                or [T("ev.input_fields")],
            )
        )
    refresh = [c for c in doc.meta_refresh if "url=" in c.lower()]
    if refresh:
        hits.append(Hit("HTML_META_REFRESH", refresh[:2]))
    return hits


@check("HTML_EXTERNAL_CSS")
def external_css(msg: Message, ctx: Context) -> Hit | None:
    """Linked or @import-ed stylesheets: most clients drop them, so the layout falls apart."""
    doc = _doc(msg)
    if doc is None:
        return None
    sheets = []
    for href in doc.external_css:
        url = make_url(href, "css")
        if url.host and host_in(url.host, _FONT_HOSTS):
            continue  # web fonts degrade gracefully
        sheets.append(href)
    if not sheets:
        return None
    return Hit(evidence=sheets[:4], params={"count": len(sheets)})


@check("HTML_DATA_URI")
def data_uris(msg: Message, ctx: Context) -> Hit | None:
    """data: URIs: Gmail and Outlook block data: images, and phishing kits embed pages this way."""
    doc = _doc(msg)
    if doc is None or not doc.data_uris:
        return None
    return Hit(
        evidence=[T("ev.data_uris", count=doc.data_uris)],
        params={"count": doc.data_uris},
        value=doc.data_uris,
    )


@check("HTML_TRACKING_PIXEL")
def tracking_pixel(msg: Message, ctx: Context) -> Hit | None:
    """Information: a remote 1x1 or hidden image (open tracking). Normal; clipping hides it."""
    doc = _doc(msg)
    if doc is None:
        return None
    pixels = [i.src for i in doc.images if i.is_tracking_pixel]
    if not pixels:
        return None
    return Hit(evidence=[p[:150] for p in pixels[:3]], params={"count": len(pixels)})


_COMMENT = re.compile(r"<!--[^>]{0,60}-->")


@check("HTML_COMMENT_SPLIT_WORDS")
def comment_split_words(msg: Message, ctx: Context) -> Hit | None:
    """Words broken by HTML comments (`V<!-- x -->iagra`): invisible in the page, and there only
    to keep word filters from reading the word."""
    html = msg.html[:200_000] if msg.html else ""
    found = []
    if "<!--" in html:
        for match in _COMMENT.finditer(html):
            start, end = match.start(), match.end()
            if start and end < len(html) and html[start - 1].isalpha() and html[end].isalpha():
                found.append(html[start - 1 : end + 1])
    if len(found) < 3:
        return None
    return Hit(evidence=found[:5], params={"count": len(found)}, value=len(found))
