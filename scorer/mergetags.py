"""Template merge tags: the placeholders an ESP fills in at send time.

A draft still holds them: Mailchimp `*|FNAME|*`, Handlebars/Liquid/Jinja `{{ first_name }}`
and `{% if %}` blocks, `%%unsubscribe%%` (Salesforce, SendGrid legacy). They are not text the
reader will see, so content rules and the classifier read the text with them taken out (a
`*|MC:SUBJECT|*` is not shouting), and a link whose target is a tag (`href="*|UNSUB|*"`,
`{{ unsubscribe_url }}`) is not a link we can judge. One pattern, used by every check.
"""

from __future__ import annotations

import re

PATTERN = re.compile(
    r"\*\|[^|\r\n]{1,60}\|\*"  # Mailchimp *|FNAME|*, *|IF:X|*
    r"|\{\{[^{}\r\n]{1,80}\}\}"  # Handlebars / Jinja / Liquid {{ x }}, {{{ x }}} inside
    r"|\{%[^%\r\n]{1,80}%\}"  # Jinja / Liquid {% if x %}
    r"|%%[A-Za-z0-9_:.\- ]{1,60}%%"  # %%unsubscribe_center_url%%
)
_SPACES = re.compile(r"[ \t]{2,}")


def has_tags(text: str) -> bool:
    return ("*|" in text or "{{" in text or "{%" in text or "%%" in text) and bool(
        PATTERN.search(text)
    )


def find(text: str) -> list[str]:
    """The distinct tags in `text`, in order of first appearance."""
    return list(dict.fromkeys(PATTERN.findall(text))) if has_tags(text) else []


def neutralize(text: str) -> str:
    """`text` with every tag taken out (spaces around it collapsed): what content rules read."""
    if not has_tags(text):
        return text
    return _SPACES.sub(" ", PATTERN.sub(" ", text))


def link_target(url: str) -> str | None:
    """A URL as link checks should see it: None when its scheme or host is a tag (there is
    nothing to judge until the ESP fills it in), else the URL with tags in its path or query
    replaced by a neutral token."""
    if not has_tags(url):
        return url
    stripped = url.strip()
    first = PATTERN.match(stripped)
    if first is not None:
        return None
    scheme, sep, rest = stripped.partition("://")
    if sep:
        authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
        if has_tags(authority) or "{" in authority or "|" in authority:
            return None
    elif has_tags(scheme):
        return None
    return PATTERN.sub("tag", stripped)
