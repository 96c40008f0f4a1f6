"""Ask SpamAssassin and rspamd for their opinion when configured; shown, never scored.

The check names (`engine.spamassassin`, `engine.rspamd`) and the report section (`engines`)
are public names and stay as they are.
"""

from __future__ import annotations

from scorer.context import Context
from scorer.message import Message
from scorer.opinions import Endpoint, OpinionError, rspamd_opinion, spamd_opinion
from scorer.registry import Skip, check


def _put(ctx: Context, name: str, opinion: dict) -> None:
    ctx.sections.setdefault("engines", {})[name] = opinion


@check("engine.spamassassin", emits=(), network=True, dns=False)
def spamassassin(msg: Message, ctx: Context) -> None:
    """SpamAssassin's score and rule hits (spamd at SPAMD_HOST), beside ours."""
    if not ctx.settings.spamd_host:
        return None
    timeout = min(ctx.settings.opinions_timeout_ms / 1000, max(ctx.time_left(), 0.1))
    try:
        endpoint = Endpoint.parse(ctx.settings.spamd_host, 783)
        _put(ctx, "spamassassin", spamd_opinion(endpoint, msg.raw, timeout))
    except OpinionError as exc:
        raise Skip(str(exc), code="engine_unavailable", detail=str(exc)) from None
    return None


@check("engine.rspamd", emits=(), network=True, dns=False)
def rspamd(msg: Message, ctx: Context) -> None:
    """rspamd's score, action and symbols (/checkv2 at RSPAMD_URL), beside ours."""
    if not ctx.settings.rspamd_url:
        return None
    timeout = min(ctx.settings.opinions_timeout_ms / 1000, max(ctx.time_left(), 0.1))
    delivery = ctx.delivery
    envelope = {
        "IP": delivery.sender_ip or "",
        "Helo": delivery.helo or "",
        "From": delivery.mail_from or "",
    }
    try:
        _put(ctx, "rspamd", rspamd_opinion(ctx.settings.rspamd_url, msg.raw, timeout, envelope))
    except OpinionError as exc:
        raise Skip(str(exc), code="engine_unavailable", detail=str(exc)) from None
    return None
