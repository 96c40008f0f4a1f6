"""Content checks: spam phrasing (English and Japanese, graded), shouting, obfuscation, phishing.

Phrases are data (rules/lists/spam_phrases_*.yaml, `ctx.rules.lists.phrases`) matched once per
message on NFKC text. Japanese
is graded on combinations: everyday shop words (送料無料, セール, ポイント) weigh nothing alone and
only add a little once stronger wording is present (../shared/reference/japanese-mail.md §4b).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import regex

from scorer.brands import Brands
from scorer.context import Context
from scorer.i18n import T
from scorer.message import Message
from scorer.phrases import PhraseHit, normalize
from scorer.prefilter import has_wide_char
from scorer.registry import Hit, check
from scorer.urls import registrable_domain

_KANA = re.compile(r"[\u3041-\u30ff]")
_ZERO_WIDTH = re.compile(r"(?<=\w)[\u200b\u200c\u200d\u2060\u00ad\ufeff\u034f]+(?=\w)")
_LATIN = re.compile(r"[a-zA-Z]")
_CONFUSABLE_SCRIPT = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]")
_MIXED_WORD = re.compile(r"\b(?=\w*[a-zA-Z])(?=\w*[\u0370-\u03ff\u0400-\u04ff])\w{3,40}\b")
_URLISH = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MAX_SCAN = 200_000


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
    found = ctx.rules.lists.phrases["spam_phrases_en"].find(body_text(msg, ctx))
    if not found:
        return None
    value = sum(h.weight for h in found.values())
    return _phrase_hit(found, value, "BODY_SPAM_PHRASES") if value > 0 else None


@check("BODY_SPAM_PHRASES_JA")
def spam_phrases_ja(msg: Message, ctx: Context) -> Hit | None:
    """Japanese spam phrasing, graded on combinations: weak shop words count only beside strong."""
    found = ctx.rules.lists.phrases["spam_phrases_ja"].find(body_text(msg, ctx))
    if not found:
        return None
    strong = sum(h.weight for h in found.values() if h.weight > 0)
    weak = sum(1 for h in found.values() if h.weight == 0)
    if strong <= 0:
        return None
    bonus = float(_params(ctx, "BODY_SPAM_PHRASES_JA").get("weak_bonus", 0.0))
    value = strong + (bonus * weak if strong >= 1 else 0.0)
    return _phrase_hit(found, value, "BODY_SPAM_PHRASES_JA")


def _params(ctx: Context, rule_id: str) -> Mapping[str, Any]:
    """The data a graded rule gives its check (how much each part of the measure weighs)."""
    rule = ctx.rules.get(rule_id)
    return rule.params if rule is not None else {}


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


_EXCLAMATION = re.compile(r"(?<![Yy]ahoo)!(?![=A-Za-z0-9_(])")


@check("BODY_EXCESS_EXCLAIM")
def excess_exclamation(msg: Message, ctx: Context) -> Hit | None:
    """Many exclamation marks, or runs of them (!!!, ！！), across the body."""
    text = msg.visible_text[:50_000].replace("！", "!")
    if text.count("!") < 8:
        return None
    # Only the mark that ends a phrase: not C's `!=` and `!flag` in a quoted patch
    # (spamassassin-2003 hard_ham: 345 of them), nor the name "Yahoo!".
    total = len(_EXCLAMATION.findall(text))
    if total < 8:
        return None
    runs = len(re.findall(r"!{2,}", text))
    words = max(1, len(text.split()))
    # Long newsletters earn a few; density and runs are what shout (weights: the rule's params).
    params = _params(ctx, "BODY_EXCESS_EXCLAIM")
    per_run, full = float(params["per_run"]), float(params["full_weight_words"])
    value = runs * per_run + total * min(1.0, full / words)
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
    matcher = ctx.rules.lists.phrases["spam_phrases_en"]
    brands = ctx.rules.lists.brands
    hidden = set(matcher.find(normalize(clean))) - set(matcher.find(normalize(text)))
    hidden |= set(brands.in_text(clean, limit=_MAX_SCAN)) - set(
        brands.in_text(text, limit=_MAX_SCAN)
    )
    if not hidden:
        return None
    shown = sorted(brands.label(h) if h in brands.keys else h for h in hidden)
    return Hit(
        evidence=shown[:6], params={"count": len(shown), "words": shown[:3]}, value=len(shown)
    )


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


def _named_brand(msg: Message, brands: Brands, text: str) -> str | None:
    sender = msg.from_address
    candidates = []
    if sender and sender.display_name:
        candidates += brands.in_text(sender.display_name, display_name=True)
    candidates += brands.in_text(msg.subject or "")
    candidates += brands.in_text(text[:500])
    return candidates[0] if candidates else None


@check("BODY_PHISHING_BRAND")
def phishing_brand(msg: Message, ctx: Context) -> Hit | None:
    """A brand named + an account or payment lure + links and sender off the brand's domains."""
    text = body_text(msg, ctx)
    brands = ctx.rules.lists.brands
    brand = _named_brand(msg, brands, text)
    if brand is None:
        return None
    domains = brands.domains_of(brand)
    sender = msg.from_address
    if sender is not None and registrable_domain(sender.domain) in domains:
        return None
    lures = [
        h.phrase
        for h in ctx.rules.lists.phrases["spam_phrases_en"].find(text).values()
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
            T("ev.names_brand", brand=brands.label(brand)),
            T("ev.lure", text=lures[0]),
            T("ev.link", url=foreign[0][:150]),
        ],
        params={"brand": brands.label(brand), "lure": lures[0]},
    )


_JA_LURES = ("BODY_JA_ACCOUNT_SUSPEND", "BODY_JA_PAYMENT_UPDATE")
_JA_WEAK_LURES = (
    "BODY_JA_SECURITY_ALERT",
    "BODY_JA_VERIFY_REQUEST",
    "BODY_JA_DELIVERY_FAILURE",
    "BODY_JA_POINTS_EXPIRY",
)
"""Lures that real notices use every day (delivery, points, KYC re-checks): they count only
beside a threatened sanction, never beside a mere 【重要】 subject."""
_JA_PRESSURE = ("BODY_JA_DEADLINE_SANCTION", "BODY_JA_DUNNING_THREAT", "BODY_JA_IF_NOT_SANCTION")
_JA_URGENT_SUBJECT = re.compile(
    r"【(?:重要|緊急|至急|最終(?:通告|警告)|要対応|必ずお読みください)】|緊急|至急"
)


@check("BODY_JA_PHISHING")
def japanese_phishing(msg: Message, ctx: Context) -> Hit | None:
    """Japanese phishing as a combination (§4): account/payment lure + pressure + off-brand link.

    Each part is legitimate alone (real cards do write 本人確認 and 【重要】); together, with a link
    that is not the named brand's, they are the 2020s lure of Amazon/楽天/えきねっと copies.
    Everyday lures (a parcel, points, a details check) need a threatened sanction. Without any
    link, a named brand whose mail does not come from the brand's domains, with an account or
    payment lure and a sanction (or a sender name or subject that claims the brand), is the
    same copy with its link stripped (a list or a filter removed the HTML part).
    """
    text = body_text(msg, ctx)
    if not has_wide_char(text):
        return None  # every lure below is Japanese
    strong = _lure_rules(ctx, _JA_LURES, text)
    weak = _lure_rules(ctx, _JA_WEAK_LURES, text) if not strong else []
    if not strong and not weak:
        return None
    sanction = _lure_rules(ctx, _JA_PRESSURE, text)
    pressure = list(sanction)
    if strong and _JA_URGENT_SUBJECT.search(msg.subject_nfkc):
        pressure.append(msg.subject_nfkc[:40])
    brands = ctx.rules.lists.brands
    brand = _named_brand(msg, brands, text)
    if not pressure and weak and brand and _brand_in_sender_or_subject(msg, brands, brand):
        # The sender name or subject claims the brand: impersonation stands in for a threat.
        pressure.append(T("ev.claims_brand", brand=brands.label(brand)))
    if not pressure:
        return None
    lures = strong or weak
    domains = brands.domains_of(brand) if brand else frozenset()
    sender = msg.from_address
    if brand and sender is not None and registrable_domain(sender.domain) in domains:
        return None
    if not brand and sender is not None and sender.domain:
        domains = frozenset([registrable_domain(sender.domain)])  # no brand: own site is fine
    foreign = _foreign_links(msg, domains)
    if foreign:
        where = T("ev.link", url=foreign[0][:150])
    elif (
        strong
        and brand
        and sender is not None
        and not msg.http_urls
        and (sanction or _brand_in_sender_or_subject(msg, brands, brand))
    ):
        where = T("ev.sender", address=sender.addr_spec)
    else:
        return None
    evidence = [T("ev.lure", text=lures[0]), T("ev.pressure", text=pressure[0]), where]
    if brand:
        evidence.insert(0, T("ev.names_brand", brand=brands.label(brand)))
    return Hit(evidence=evidence, params={"lure": lures[0]})


def _brand_in_sender_or_subject(msg: Message, brands: Brands, brand: str) -> bool:
    sender = msg.from_address
    names = brands.in_text(msg.subject or "")
    if sender is not None and sender.display_name:
        names += brands.in_text(sender.display_name, display_name=True)
    return brand in names


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


# --- families SpamAssassin's shipped rules catch offline that ours missed (issue 11) ---------
# Each is a combination or a disguise, written from what the spam shows, never a single word:
# the single words are ordinary in legitimate mail.

_MONEY = r"(?:US\s?\$|USD\s?|\$|€|£|EUR\s?|GBP\s?)"
_BIG_SUM = re.compile(
    _MONEY + r"\s?\d{1,3}(?:[,.]\d{3}){2,}(?:\.\d\d)?"
    r"|" + _MONEY + r"\s?\d+(?:[.,]\d+)?\s*(?:million|billion|m\b)"
    r"|\b\d+(?:[.,]\d+)?\s*(?:million|billion)\s*(?:united states\s+|us\s+)?"
    r"(?:dollars|usd|euros?|pounds)"
    r"|\((?:[a-z]+[\s-]+){1,6}(?:million|billion)\s+(?:united states\s+|us\s+)?"
    r"(?:dollars|euros?|pounds)",
    re.IGNORECASE,
)
_ADVANCE_FEE_STORY = re.compile(
    r"next of kin|transfer (?:of )?(?:the|this) (?:sum|funds?|money)|beneficiar(?:y|ies)"
    r"|barrister|late (?:husband|wife|father|client)|deceased|inheritance"
    r"|foreign (?:partner|account)"
    r"|strictly confidential|diplomatic|security company|compensation|unclaimed|lottery"
    r"|winning (?:number|notification)|claims? (?:agent|officer)|fiduciary|consignment"
    r"|your (?:assistance|cooperation)|bank draft|atm card|processing fee|god[- ]fearing"
    r"|terminal(?:ly)? ill|widow|reply urgently|contact (?:my|our|the) (?:lawyer|attorney|bank)",
    re.IGNORECASE,
)


_BIG_SUM_GATE = re.compile(r"\d[,.]\d{3}[,.]\d{3}|illion")
_STORY_GATE = frozenset(
    [
        "kin",
        "beneficiary",
        "beneficiaries",
        "barrister",
        "deceased",
        "inheritance",
        "confidential",
        "diplomatic",
        "compensation",
        "unclaimed",
        "lottery",
        "fiduciary",
        "consignment",
        "widow",
        "attorney",
        "lawyer",
        "atm",
        "god",
        "terminally",
        "urgently",
        "late",
        "transfer",
    ]
)
_WORD_TOKEN = re.compile(r"[a-z0-9']+")


def _words(msg: Message, ctx: Context) -> frozenset[str]:
    """The words of the subject and body (casefolded), computed once: a cheap gate so the
    combination checks below run their regexes only on the few messages that could match."""
    return ctx.memo.get(
        "content.words", lambda: frozenset(_WORD_TOKEN.findall(body_text(msg, ctx)[:10_000]))
    )


def _opening_if_words(
    msg: Message, ctx: Context, gates: tuple[frozenset[str], ...], chars: int
) -> str | None:
    """Subject and the first `chars` of visible text, if the message has a word of every gate."""
    words = _words(msg, ctx)
    if any(not words & gate for gate in gates):
        return None
    return (msg.subject or "") + "\n" + msg.visible_text[:chars]


@check("BODY_ADVANCE_FEE")
def advance_fee(msg: Message, ctx: Context) -> Hit | None:
    """A large sum of money told as a story of next of kin, lawyers, lotteries or transfers:
    the advance-fee (419) letter, whose opening asks for nothing but a reply."""
    if len(_words(msg, ctx) & _STORY_GATE) < 2 or not _BIG_SUM_GATE.search(
        body_text(msg, ctx)[:20_000]
    ):
        return None
    text = (msg.subject or "") + "\n" + msg.visible_text[:20_000]
    amount = _BIG_SUM.search(text)
    if amount is None:
        return None
    story = list(dict.fromkeys(m.group(0).lower() for m in _ADVANCE_FEE_STORY.finditer(text)))
    if len(story) < 3:
        return None
    return Hit(
        evidence=[amount.group(0)[:60], *story[:4]],
        params={"amount": amount.group(0)[:40], "story": story[:3]},
    )


# "$1,250" or "$1250": a sum written without the thousands comma is a sum too
_AMOUNT = r"(?:\$|US\$|USD\s?)\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d\d)?(?:\s?[kK]\b)?"
_RANGE = _AMOUNT + r"(?:\s*(?:-|to)\s*" + _AMOUNT + r")?\+?"
_PER = r"\s*(?:/|a|per|each|every|in a|in one|within)\s*(?:day|week|month|hour|wk|mo)\b"
_INCOME_CLAIM = re.compile(
    r"\b(?:earn(?:ing|ed|s)?|make|making|made|income of|pays you|paid you|generate|bring in"
    r"|profits? of|pocket)\b[^.!?\n]{0,40}?"
    + _RANGE
    + _PER
    + r"|"
    + _RANGE
    + _PER
    + r"[^.!?\n]{0,60}\b(?:from home|at home|part[- ]time|spare time"
    r"|guaranteed|no experience|working from|with (?:our|this) (?:system|program))",
    re.IGNORECASE,
)


@check("BODY_INCOME_CLAIM")
def income_claim(msg: Message, ctx: Context) -> Hit | None:
    """A promise of so many dollars a week or month: the work-at-home and MLM pitch."""
    text = (msg.subject or "") + "\n" + msg.visible_text[:_MAX_SCAN]
    if "$" not in text and "USD" not in text:
        return None
    for index, amount in enumerate(_AMOUNT_START.finditer(text)):
        if index >= 20:
            break
        window = text[max(0, amount.start() - 60) : amount.start() + 140]
        match = _INCOME_CLAIM.search(window)
        if match is not None:
            return Hit(evidence=[match.group(0)[:120]], params={"claim": match.group(0)[:80]})
    return None


_AMOUNT_START = re.compile(r"(?:\$|USD)\s?\d")


_FORM_FIELD = re.compile(
    r"^[ \t*>-]*(?:full |your |first |last |home |work |cell )?(?:name|address|city|state"
    r"|province|zip(?: code)?|postal code|phone(?: number)?|telephone|e-?mail(?: address)?|age"
    r"|occupation|country|nationality|date of birth|sex|marital status|mobile|fax|bank name"
    r"|account (?:number|no\.?)|amount|company|best time to call|id number)"
    r"[ \t]*[:*]?[ \t]*(?:_{3,}|\.{4,}|\[[ \t]*\])?[ \t:]*$",
    re.IGNORECASE | re.MULTILINE,
)


_FORM_GATE = frozenset(
    ["address", "phone", "telephone", "email", "mail", "city", "age", "occupation"]
)


@check("BODY_REPLY_FORM")
def reply_form(msg: Message, ctx: Context) -> Hit | None:
    """Five or more blank personal-data fields (Name: ___, Phone: ___) to fill in and mail back.

    Receipts and account mail show these labels with values beside them; a form with blanks
    is a request for the reader's details by reply, outside any site's privacy controls.
    """
    words = _words(msg, ctx)
    if "name" not in words or not words & _FORM_GATE:
        return None
    text = msg.plain_text[:_MAX_SCAN] or msg.visible_text[:_MAX_SCAN]
    fields = [m.group(0).strip(" \t*>-:_.") for m in _FORM_FIELD.finditer(text)]
    labels = list(dict.fromkeys(f.lower() for f in fields if f))
    if len(labels) < 5:
        return None
    return Hit(evidence=labels[:6], params={"count": len(labels)}, value=len(labels))


def _obfuscated_name(word: str) -> str:
    """A pattern for `word` with look-alike digits/symbols and separators between letters."""
    swaps = {"a": "a@4", "i": "i1l!|", "o": "o0", "e": "e3", "l": "l1|i", "s": "s5$", "g": "g9"}
    letters = ["[" + re.escape(swaps.get(ch, ch)) + "]" for ch in word]
    return r"[\W_]{0,2}".join(letters)


_DRUG_NAMES = (
    "viagra",
    "cialis",
    "levitra",
    "xanax",
    "valium",
    "vicodin",
    "phentermine",
    "tramadol",
    "ambien",
    "propecia",
    "oxycontin",
    "hydrocodone",
    "xenical",
)
_DRUG_DISGUISED = re.compile(
    r"(?<![a-z])(?:" + "|".join(_obfuscated_name(d) for d in _DRUG_NAMES) + r")(?![a-z])"
)


@check("BODY_DRUG_NAME_DISGUISED")
def drug_name_disguised(msg: Message, ctx: Context) -> Hit | None:
    """A prescription drug name spelt with digits, symbols or separators (V1agra, C-i-a-l-i-s):
    nobody writes a drug name that way except to slip it past filters."""
    # The names sit in the subject and the opening lines of this kind of mail; one pass of
    # one case-sensitive pattern over lower-cased text is the cheap way to look.
    original = (msg.subject or "") + "\n" + msg.visible_text[:2000]
    text = original.lower()
    same_length = len(text) == len(original)  # show the sender's own spelling when we can
    found = [
        original[m.start() : m.end()] if same_length else m.group(0)
        for m in _DRUG_DISGUISED.finditer(text)
        if m.group(0) not in _DRUG_NAMES
    ]
    if not found:
        return None
    shown = list(dict.fromkeys(found))
    return Hit(evidence=shown[:6], params={"words": shown[:3]}, value=len(shown))


_CONDITION = re.compile(
    r"\b(?:prostate|tinnitus|neuropathy|toenail|fungus|joint (?:pain|stiffness)|knees?"
    r"|memory loss|dementia|alzheimer'?s|blood sugar|a1c|diabetes|arter(?:y|ies)|plaque|gums?"
    r"|bloat(?:ing)?|constipation|insomnia|eyesight|vision loss|belly fat|flab|weight"
    r"|erections?|stamina|libido|hair loss|wrinkles?|nerve (?:pain|damage)|blood pressure"
    r"|cholesterol|arthritis|sciatica|cavities|metabolism|brain fog|toxins?)\b",
    re.IGNORECASE,
)
_MIRACLE = re.compile(
    r"\b(?:(?:weird|odd|strange|simple|bizarre|unusual|tiny|secret|ancient|forgotten|bedtime"
    r"|morning|kitchen|shower|\d+[- ]second|\d+[- ]minute)\s+(?:[\w\"“”'-]+\s+)?(?:trick|hack"
    r"|ritual|method|remedy|fix|compound|ingredient|spice|candy|protein|flower|tea|soak|routine)"
    r"|melts?|flush(?:es)?(?: out)?|dissolves?|erases?|reverses?|vanish(?:es)?|wipes? out"
    r"|like butter|without (?:surgery|pills|drugs|medication)"
    r"|in (?:just |only |as little as )?\d+ (?:seconds?|minutes?|days?|hours?)"
    r"|\d+(?:\.\d+)?\s?(?:lbs?|pounds) in \d+)\b",
    re.IGNORECASE,
)
_AUTHORITY = re.compile(
    r"\b(?:harvard|stanford|yale|johns hopkins|mayo clinic|ivy league|nobel|scientists?"
    r"|researchers?|neuroscientists?|neurologist|podiatrist|doctors?|big pharma"
    r"|clinical (?:study|trial)|(?:new|recent|groundbreaking) (?:study|research|discovery))\b",
    re.IGNORECASE,
)


_CONDITION_GATE = frozenset(
    [
        "prostate",
        "tinnitus",
        "neuropathy",
        "toenail",
        "fungus",
        "joint",
        "knee",
        "knees",
        "memory",
        "dementia",
        "alzheimer's",
        "alzheimers",
        "blood",
        "a1c",
        "diabetes",
        "artery",
        "arteries",
        "plaque",
        "gum",
        "gums",
        "bloat",
        "bloating",
        "constipation",
        "insomnia",
        "eyesight",
        "vision",
        "belly",
        "flab",
        "weight",
        "erection",
        "erections",
        "stamina",
        "libido",
        "hair",
        "wrinkle",
        "wrinkles",
        "nerve",
        "cholesterol",
        "arthritis",
        "sciatica",
        "cavities",
        "metabolism",
        "brain",
        "toxin",
        "toxins",
    ]
)


_MIRACLE_GATE = frozenset(
    [
        "trick",
        "hack",
        "ritual",
        "remedy",
        "fix",
        "compound",
        "ingredient",
        "spice",
        "candy",
        "protein",
        "flower",
        "tea",
        "soak",
        "routine",
        "melt",
        "melts",
        "flush",
        "flushes",
        "dissolve",
        "dissolves",
        "erase",
        "erases",
        "reverse",
        "reverses",
        "vanish",
        "vanishes",
        "wipe",
        "wipes",
        "butter",
        "surgery",
        "pills",
        "drugs",
        "medication",
        "seconds",
        "second",
        "minutes",
        "minute",
        "days",
        "hours",
        "lbs",
        "pounds",
    ]
)


@check("BODY_MIRACLE_CURE")
def miracle_cure(msg: Message, ctx: Context) -> Hit | None:
    """A health condition, a miracle remedy ("this odd trick melts…") and borrowed authority
    (Harvard, doctors, a new study): the supplement advertorial, whatever the product."""
    text = _opening_if_words(msg, ctx, (_CONDITION_GATE, _MIRACLE_GATE), 3000)
    if text is None:
        return None
    condition = _CONDITION.search(text)
    if condition is None:
        return None
    hooks = list(dict.fromkeys(m.group(0).lower() for m in _MIRACLE.finditer(text)))
    authority = _AUTHORITY.search(text)
    if not hooks or (authority is None and len(hooks) < 2):
        return None
    evidence = [condition.group(0), *hooks[:2]]
    if authority is not None:
        evidence.append(authority.group(0))
    return Hit(evidence=evidence, params={"claim": hooks[0], "condition": condition.group(0)})


_REWARD_LURE = re.compile(
    r"\b(?:reward|gift|kit|bundle|prize|voucher|gift card|package|tool set|set|upgrade)\s+"
    r"(?:is|are|has been|have been)\s+(?:now\s+)?(?:ready|waiting|reserved|on hold|set aside"
    r"|yours|awaiting|approved|secured|queued|finalized|being held)"
    r"|\b(?:claim|redeem|collect)\s+(?:your|a|the)\s+(?:free\s+)?(?:[\w'-]+\s+){0,3}"
    r"(?:reward|gift|kit|bundle|prize|voucher|gift card|set)\b"
    r"|\b(?:reward|gift|prize)\s+is\s+yours\b|\byou(?:'ve| have) been (?:selected|chosen)\b",
    re.IGNORECASE,
)


_REWARD_GATE = frozenset(
    [
        "reward",
        "gift",
        "kit",
        "bundle",
        "prize",
        "voucher",
        "package",
        "set",
        "upgrade",
        "selected",
        "chosen",
        "claim",
        "redeem",
        "collect",
    ]
)


_REWARD_STATUS_GATE = frozenset(
    [
        "ready",
        "waiting",
        "reserved",
        "hold",
        "aside",
        "yours",
        "awaiting",
        "approved",
        "secured",
        "queued",
        "finalized",
        "held",
        "claim",
        "redeem",
        "collect",
        "selected",
        "chosen",
    ]
)


@check("BODY_REWARD_LURE")
def reward_lure(msg: Message, ctx: Context) -> Hit | None:
    """A prize or gift "reserved", "on hold" or "ready to claim" for the reader: the survey
    and shipping-fee scams that borrow retail brands."""
    text = _opening_if_words(msg, ctx, (_REWARD_GATE, _REWARD_STATUS_GATE), 4000)
    if text is None:
        return None
    match = _REWARD_LURE.search(text)
    if match is None:
        return None
    return Hit(evidence=[match.group(0)[:100]], params={"lure": match.group(0)[:60]})
