"""Content checks: spam phrasing (English and Japanese, graded), shouting, obfuscation, phishing.

Phrases are data (rules/lists/spam_phrases_*.yaml) matched once per message on NFKC text. Japanese
is graded on combinations: everyday shop words (送料無料, セール, ポイント) weigh nothing alone and
only add a little once stronger wording is present (../shared/reference/japanese-mail.md §4b).
"""

from __future__ import annotations

import re

import regex

from scorer.checks._brands import brand_domains, brand_label, brands_in_text
from scorer.checks._lists import PhraseHit, normalize, phrase_matcher
from scorer.context import Context
from scorer.i18n import T
from scorer.message import Message
from scorer.registry import Hit, check
from scorer.urls import registrable_domain

_KANA = re.compile(r"[\u3041-\u30ff]")
_ZERO_WIDTH = re.compile(r"(?<=\w)[\u200b\u200c\u200d\u2060\u00ad\ufeff\u034f]+(?=\w)")
_LATIN = re.compile(r"[a-zA-Z]")
_CONFUSABLE_SCRIPT = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]")
_MIXED_WORD = re.compile(r"\b(?=\w*[a-zA-Z])(?=\w*[\u0370-\u03ff\u0400-\u04ff])\w{3,40}\b")
_URLISH = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MAX_SCAN = 200_000
_WEAK_BONUS = 0.25


def body_text(msg: Message, ctx: Context) -> str:
    """Subject and body text, NFKC + case-folded + whitespace-collapsed, computed once."""
    return ctx.memo.get(
        "content.body_text",
        lambda: normalize((msg.subject or "") + "\n" + msg.all_text[:_MAX_SCAN]),
    )


def is_japanese(msg: Message, ctx: Context) -> bool:
    """Japanese mail: enough kana in the subject and text (kanji alone could be Chinese)."""
    return ctx.memo.get(
        "content.is_japanese",
        lambda: len(_KANA.findall((msg.subject or "") + msg.visible_text[:20_000])) >= 20,
    )


def _phrase_hit(found: dict[str, PhraseHit], value: float, rule_id: str) -> Hit:
    ordered = sorted(found.values(), key=lambda h: -h.weight)
    shown = [h.phrase for h in ordered]
    return Hit(
        rule_id, shown[:8], {"count": len(found), "phrases": shown[:5]}, value=round(value, 2)
    )


@check("BODY_SPAM_PHRASES")
def spam_phrases(msg: Message, ctx: Context) -> Hit | None:
    """English spam phrasing, graded by the summed weight of the distinct phrases found."""
    found = phrase_matcher("spam_phrases_en.yaml").find(body_text(msg, ctx))
    if not found:
        return None
    value = sum(h.weight for h in found.values())
    return _phrase_hit(found, value, "BODY_SPAM_PHRASES") if value > 0 else None


@check("BODY_SPAM_PHRASES_JA")
def spam_phrases_ja(msg: Message, ctx: Context) -> Hit | None:
    """Japanese spam phrasing, graded on combinations: weak shop words count only beside strong."""
    found = phrase_matcher("spam_phrases_ja.yaml").find(body_text(msg, ctx))
    if not found:
        return None
    strong = sum(h.weight for h in found.values() if h.weight > 0)
    weak = sum(1 for h in found.values() if h.weight == 0)
    if strong <= 0:
        return None
    value = strong + (_WEAK_BONUS * weak if strong >= 1 else 0.0)
    return _phrase_hit(found, value, "BODY_SPAM_PHRASES_JA")


_UPPER = regex.compile(r"\p{Lu}")
_LOWER = regex.compile(r"\p{Ll}")


@check("BODY_ALL_CAPS")
def body_all_caps(msg: Message, ctx: Context) -> Hit | None:
    """Body letters mostly capitals (SA UPPERCASE_50_75 / _75_100)."""
    text = msg.visible_text[:50_000]
    upper = len(_UPPER.findall(text))
    if upper < 150:
        return None
    lower = len(_LOWER.findall(text))
    ratio = upper / (upper + lower)
    if ratio < 0.5:
        return None
    percent = round(ratio * 100)
    sample = next(
        (line for line in text.splitlines() if sum(c.isupper() for c in line) > 20), text[:100]
    )
    return Hit(
        evidence=[T("ev.caps_share", percent=percent), sample[:120]],
        params={"percent": percent},
        value=percent,
    )


@check("BODY_EXCESS_EXCLAIM")
def excess_exclamation(msg: Message, ctx: Context) -> Hit | None:
    """Many exclamation marks, or runs of them (!!!, ！！), across the body."""
    text = msg.visible_text[:50_000].replace("！", "!")
    total = text.count("!")
    if total < 8:
        return None
    runs = len(re.findall(r"!{2,}", text))
    words = max(1, len(text.split()))
    # Long newsletters earn a few; density and runs are what shout.
    value = runs * 2 + total * min(1.0, 200 / words)
    if value < 10:
        return None
    return Hit(
        evidence=[T("ev.exclamations", total=total, runs=runs)],
        params={"count": total, "runs": runs},
        value=round(value, 1),
    )


@check("BODY_ZERO_WIDTH_OBFUSCATION")
def zero_width(msg: Message, ctx: Context) -> Hit | None:
    """Invisible characters that break up spam words or brand names (V\u200biagra, Pay\u200bPal).

    Only what the characters *hide* counts: templates also put zero-width joiners inside
    addresses and numbers to stop Apple's data detectors, which is harmless.
    """
    text = (msg.subject or "") + "\n" + msg.visible_text[:_MAX_SCAN]
    if not _ZERO_WIDTH.search(text):
        return None
    clean = _ZERO_WIDTH.sub("", text)
    matcher = phrase_matcher("spam_phrases_en.yaml")
    hidden = set(matcher.find(normalize(clean))) - set(matcher.find(normalize(text)))
    hidden |= set(brands_in_text(clean, limit=_MAX_SCAN)) - set(
        brands_in_text(text, limit=_MAX_SCAN)
    )
    if not hidden:
        return None
    shown = sorted(brand_label(h) if h in _brand_keys() else h for h in hidden)
    return Hit(
        evidence=shown[:6], params={"count": len(shown), "words": shown[:3]}, value=len(shown)
    )


def _brand_keys() -> frozenset[str]:
    from scorer.checks._brands import _brands

    return frozenset(_brands())


@check("BODY_MIXED_SCRIPT")
def mixed_script_words(msg: Message, ctx: Context) -> Hit | None:
    """Words mixing Latin with Cyrillic or Greek look-alikes (Pаypal): homoglyph disguise."""
    sender = msg.from_address
    text = " ".join(
        [msg.subject or "", sender.display_name if sender else "", msg.visible_text[:_MAX_SCAN]]
    )
    if not _CONFUSABLE_SCRIPT.search(text):
        return None
    words = list(dict.fromkeys(_MIXED_WORD.findall(text)))
    if len(words) < 1:
        return None
    return Hit(
        evidence=words[:6], params={"words": words[:3], "count": len(words)}, value=len(words)
    )


_GREETING_ADDRESS = re.compile(
    r"(?:^|[\s>])((?:hi|hello|hey|dear|greetings|ol[áa]|oi|prezad[oa]|car[oa]|hallo|liebe[r]?"
    r"|sehr geehrte[r]?|guten tag|bonjour|cher|ch[èe]re|hola|estimad[oa]|beste|geachte)"
    r"[ \t,:]+[\w.+'-]+@[\w-]+(?:\.[\w-]+)+)",
    re.IGNORECASE,
)


@check("BODY_GREETING_ADDRESS")
def greeting_address(msg: Message, ctx: Context) -> Hit | None:
    """The greeting names the reader by their email address ("Dear anna@example.org"): the
    sender knows nothing else about them, which is what a harvested list looks like."""
    match = _GREETING_ADDRESS.search(msg.visible_text[:1000])
    if match is None:
        return None
    return Hit(evidence=[match.group(1)[:100]])


@check("BODY_URL_ONLY")
def url_only(msg: Message, ctx: Context) -> Hit | None:
    """A body that is little more than a link (rspamd HFILTER_URL_ONLY)."""
    links = [u for u in msg.http_urls if u.source in ("a", "text", "html-text")]
    if not links:
        return None
    if msg.html_doc is not None and any(not i.is_tracking_pixel for i in msg.html_doc.images):
        return None  # image mail is judged by HTML_IMAGE_HEAVY
    if msg.attachments:
        return None
    rest = _URLISH.sub(" ", msg.visible_text)
    words = len(rest.split())
    if words >= 8 or len(rest.strip()) >= 60:
        return None
    return Hit(
        evidence=[links[0].url[:200], T("ev.words_besides_links", words=words)],
        params={"url": links[0].url[:100]},
    )


def _lure_rules(ctx: Context, ids: tuple[str, ...], text: str) -> list[str]:
    found = []
    for rule_id in ids:
        rule = ctx.rules.get(rule_id)
        if rule is None or rule.pattern is None:
            continue
        try:
            match = rule.search(text)
        except TimeoutError:
            continue
        if match:
            found.append(match.group(0)[:60])
    return found


def _foreign_links(msg: Message, domains: frozenset[str]) -> list[str]:
    links = [u for u in msg.http_urls if u.source in ("a", "form", "text", "html-text")]
    return [u.url for u in links if u.domain and u.domain not in domains]


def _named_brand(msg: Message, text: str) -> str | None:
    sender = msg.from_address
    candidates = []
    if sender and sender.display_name:
        candidates += brands_in_text(sender.display_name, display_name=True)
    candidates += brands_in_text(msg.subject or "")
    candidates += brands_in_text(text[:500])
    return candidates[0] if candidates else None


@check("BODY_PHISHING_BRAND")
def phishing_brand(msg: Message, ctx: Context) -> Hit | None:
    """A brand named + an account or payment lure + links and sender off the brand's domains."""
    text = body_text(msg, ctx)
    brand = _named_brand(msg, text)
    if brand is None:
        return None
    domains = brand_domains(brand)
    sender = msg.from_address
    if sender is not None and registrable_domain(sender.domain) in domains:
        return None
    lures = [
        h.phrase
        for h in phrase_matcher("spam_phrases_en.yaml").find(text).values()
        if h.group == "phishing"
    ]
    lures += _lure_rules(ctx, _JA_LURES, text)
    if len(lures) < 2:
        return None  # one lure phrase is ordinary in security news and real notices
    foreign = _foreign_links(msg, domains)
    if not foreign:
        return None
    return Hit(
        evidence=[
            T("ev.names_brand", brand=brand_label(brand)),
            T("ev.lure", text=lures[0]),
            T("ev.link", url=foreign[0][:150]),
        ],
        params={"brand": brand_label(brand), "lure": lures[0]},
    )


_JA_LURES = ("BODY_JA_ACCOUNT_SUSPEND", "BODY_JA_PAYMENT_UPDATE")
_JA_PRESSURE = ("BODY_JA_DEADLINE_SANCTION", "BODY_JA_DUNNING_THREAT")
_JA_URGENT_SUBJECT = re.compile(
    r"【(?:重要|緊急|至急|最終(?:通告|警告)|要対応|必ずお読みください)】|緊急|至急"
)


@check("BODY_JA_PHISHING")
def japanese_phishing(msg: Message, ctx: Context) -> Hit | None:
    """Japanese phishing as a combination (§4): account/payment lure + pressure + off-brand link.

    Each part is legitimate alone (real cards do write 本人確認 and 【重要】); together, with a link
    that is not the named brand's, they are the 2020s lure of Amazon/楽天/えきねっと copies.
    """
    text = body_text(msg, ctx)
    lures = _lure_rules(ctx, _JA_LURES, text)
    if not lures:
        return None
    pressure = _lure_rules(ctx, _JA_PRESSURE, text)
    if _JA_URGENT_SUBJECT.search(msg.subject_nfkc):
        pressure.append(msg.subject_nfkc[:40])
    if not pressure:
        return None
    brand = _named_brand(msg, text)
    domains = brand_domains(brand) if brand else frozenset()
    sender = msg.from_address
    if brand and sender is not None and registrable_domain(sender.domain) in domains:
        return None
    foreign = _foreign_links(msg, domains)
    if not foreign:
        return None
    evidence = [
        T("ev.lure", text=lures[0]),
        T("ev.pressure", text=pressure[0]),
        T("ev.link", url=foreign[0][:150]),
    ]
    if brand:
        evidence.insert(0, T("ev.names_brand", brand=brand_label(brand)))
    return Hit(evidence=evidence, params={"lure": lures[0]})


@check("BODY_JA_AUTO_WITHDRAW")
def auto_withdraw(msg: Message, ctx: Context) -> Hit | None:
    """自動退会処理 with a link: えきねっと's real notices carry no URL (Impress Watch 2022)."""
    text = body_text(msg, ctx)
    if "自動退会" not in text:
        return None
    links = [u for u in msg.http_urls if u.source in ("a", "text", "html-text")]
    if not links:
        return None
    return Hit(evidence=["自動退会", links[0].url[:150]])
