"""Bulk-sender and legal display checks: List-Unsubscribe (RFC 2369/8058) and 特定電子メール法.

Gmail and Yahoo require one-click unsubscribe for bulk marketing mail (RFC 8058: an https URI in
List-Unsubscribe plus `List-Unsubscribe-Post: List-Unsubscribe=One-Click`) and a visible link in
the body. The Japanese display items (law §4, 施行規則 §9) are checked on Japanese mail, as
advice: their presence proves nothing about a message, so they never lower a score.

These checks say what the message lacks; whether that matters for this message is not theirs to
decide. Each rule's `applies_to` (rules/compliance.yaml) names the kinds it binds, and the
pipeline lists a finding for another kind (a receipt without List-Unsubscribe) as not
applicable instead of scoring it (scorer/kind.py decides the kind).
"""

from __future__ import annotations

import re

from scorer.checks.content import is_japanese
from scorer.context import Context
from scorer.i18n import T
from scorer.message import Message
from scorer.registry import Hit, check
from scorer.unsubscribe import UNSUB_TAGS, has_visible_unsubscribe, list_unsubscribe

_URI_IN_BRACKETS = re.compile(r"<\s*([^<>\s]{1,2000})\s*>")
_ONE_CLICK = re.compile(r"^\s*list-unsubscribe\s*=\s*one-click\s*$", re.IGNORECASE)

# ../shared/reference/japanese-mail.md §2g, matched on NFKC text.
_PREFS = (
    "北海道|青森県|岩手県|宮城県|秋田県|山形県|福島県|茨城県|栃木県|群馬県|埼玉県|千葉県|東京都|"
    "神奈川県|新潟県|富山県|石川県|福井県|山梨県|長野県|岐阜県|静岡県|愛知県|三重県|滋賀県|京都府|"
    "大阪府|兵庫県|奈良県|和歌山県|鳥取県|島根県|岡山県|広島県|山口県|徳島県|香川県|愛媛県|高知県|"
    "福岡県|佐賀県|長崎県|熊本県|大分県|宮崎県|鹿児島県|沖縄県"
)
_POSTCODE = re.compile(r"(?:〒|郵便番号[:：]?)\s*\d{3}\s*[-‐‑–—−ー―]\s*\d{4}(?!\d)")
_ADDRESS = re.compile(rf"(?:{_PREFS})[^\s,、。]{{1,20}}?[市区町村郡]")
_ORG_NAME = re.compile(
    r"株式会社|有限会社|合同会社|合資会社|合名会社|一般(?:社団|財団)法人|"
    r"公益(?:社団|財団)法人|特定非営利活動法人|NPO法人|\((?:株|有|同)\)"
)
_PHONE = re.compile(r"(?<!\d)(?:0\d{1,4}-\d{1,4}-\d{4}|0(?:120|800)-?\d{3}-?\d{3})(?!\d)")
_OPTOUT = re.compile(
    r"配信(?:停止|解除)|購読(?:停止|解除)|受信(?:拒否|停止)|登録解除|"
    r"(?:メール|メルマガ)[^\n]{0,10}(?:停止|解除)|unsubscribe|opt[- ]?out",
    re.IGNORECASE,
)
_INQUIRY = re.compile(r"問(?:い)?合(?:わ)?せ|苦情|ご意見|サポート(?:窓口|センター)")
_LINKISH = re.compile(r"https?://|www\.|mailto:|@[\w-]+\.", re.IGNORECASE)


@check("LIST_UNSUB_MISSING")
def unsubscribe_missing(msg: Message, ctx: Context) -> Hit | None:
    """No List-Unsubscribe header: Gmail and Yahoo require it of bulk and marketing senders."""
    if list_unsubscribe(msg) is not None:
        return None
    return Hit(evidence=[T("ev.no_header", header="List-Unsubscribe")])


def _uris(value: str) -> list[str]:
    return [m.group(1) for m in _URI_IN_BRACKETS.finditer(value)]


@check("LIST_UNSUB_INVALID")
def unsubscribe_invalid(msg: Message, ctx: Context) -> Hit | None:
    """A List-Unsubscribe with no `<mailto:...>` or `<https://...>` URI (RFC 2369 §3.2)."""
    value = list_unsubscribe(msg)
    if value is None:
        return None
    usable = [u for u in _uris(value) if u.lower().startswith(("mailto:", "https://", "http://"))]
    if usable:
        return None
    return Hit(evidence=[f"List-Unsubscribe: {value[:200]}"])


@check("LIST_UNSUB_NO_ONE_CLICK")
def unsubscribe_no_one_click(msg: Message, ctx: Context) -> Hit | None:
    """List-Unsubscribe without an https URI plus the RFC 8058 one-click POST header."""
    value = list_unsubscribe(msg)
    if value is None:
        return None
    https = [u for u in _uris(value) if u.lower().startswith("https://")]
    post = msg.header("List-Unsubscribe-Post")
    missing = []
    if not https:
        missing.append("an https:// URI in List-Unsubscribe")
    if post is None or not _ONE_CLICK.match(post):
        missing.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
    if not missing:
        return None
    evidence = [f"List-Unsubscribe: {value[:200]}"]
    if post is not None:
        evidence.append(f"List-Unsubscribe-Post: {post[:100]}")
    return Hit(evidence=evidence, params={"missing": missing})


@check("LIST_UNSUB_NO_BODY_LINK")
def unsubscribe_no_body_link(msg: Message, ctx: Context) -> Hit | None:
    """Bulk mail (it has List-Unsubscribe) with no visible unsubscribe link or wording."""
    if list_unsubscribe(msg) is None or has_visible_unsubscribe(msg):
        return None
    return Hit(evidence=[T("ev.unsub_no_body_link")])


def _jp_text(msg: Message, ctx: Context) -> str:
    return ctx.memo.get("compliance.jp_text", lambda: msg.all_text_nfkc[:200_000])


@check(
    "jp_display",
    emits=(
        "LEGAL_JP_NO_OPTOUT",
        "LEGAL_JP_NO_ADDRESS",
        "LEGAL_JP_NO_SENDER_NAME",
        "LEGAL_JP_NO_CONTACT",
    ),
)
def japanese_display_items(msg: Message, ctx: Context) -> list[Hit]:
    """特定電子メール法 §4 display items on Japanese mail (advice; never negative). The law binds
    advertising mail: the rules' `applies_to: [marketing]` keeps them off a receipt's score."""
    if not is_japanese(msg, ctx):
        return []
    text = _jp_text(msg, ctx)
    hits = []
    optout_ok = False
    for match in _OPTOUT.finditer(text):
        window = text[max(0, match.start() - 60) : match.end() + 60]
        if _LINKISH.search(window) or UNSUB_TAGS.search(window):
            optout_ok = True
            break
    if not optout_ok and msg.html_doc is not None:
        optout_ok = any(_OPTOUT.search(link.text) for link in msg.html_doc.links)
    if not optout_ok:
        hits.append(Hit("LEGAL_JP_NO_OPTOUT", [T("ev.jp_no_optout")]))
    if not (_POSTCODE.search(text) or _ADDRESS.search(text)):
        hits.append(Hit("LEGAL_JP_NO_ADDRESS", [T("ev.jp_no_address")]))
    if not _ORG_NAME.search(text):
        hits.append(Hit("LEGAL_JP_NO_SENDER_NAME", [T("ev.jp_no_sender_name")]))
    contact = False
    for match in _INQUIRY.finditer(text):
        window = text[max(0, match.start() - 80) : match.end() + 120]
        if _PHONE.search(window) or _LINKISH.search(window):
            contact = True
            break
    if not contact:
        hits.append(Hit("LEGAL_JP_NO_CONTACT", [T("ev.jp_no_contact")]))
    return hits


@check("LIST_UNSUB_NONE")
def no_opt_out_at_all(msg: Message, ctx: Context) -> Hit | None:
    """HTML mail with links and no way at all to opt out: no header, no link, no wording.

    Every marketing law (CAN-SPAM, 特定電子メール法, ePrivacy) requires an opt-out in each
    message; bulk HTML without one is mostly spam (SpamAssassin corpus: 0-0.3% of list ham,
    22-31% of spam, 49% of 2020s phishing). Receipts and password resets are exempt, which the
    advice says.
    """
    if list_unsubscribe(msg) is not None or not msg.html_parts:
        return None
    if not any(u.source in ("a", "text", "html-text") for u in msg.http_urls):
        return None
    if has_visible_unsubscribe(msg):
        return None
    return Hit(evidence=[T("ev.no_unsubscribe_at_all")])
