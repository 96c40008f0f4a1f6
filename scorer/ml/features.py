"""The classifier's features of a parsed Message: what the author wrote, not what the wire added.

Features come from the subject, the text a reader sees (plain and rendered HTML), the link
domains and the message's structure. Words are tokens for spaced scripts; runs of Japanese or
Chinese are cut where the script changes (kanji / hiragana / katakana), and every pair of adjacent
characters in a run is a token too, so unspaced text is covered without a dictionary.

Each token carries the text it came from (`display`) so an explanation can name words and spans,
never hashes. Corpus artefacts that a pre-send draft would not contain are removed here, at
training and prediction alike: the corpus publishers' obfuscated addresses and hosts, and the
footers that mailing-list servers append.

The model also reads which offline rules fired (`rule_feature_ids`): the rules are not trained,
so their findings are structured evidence the text model can weigh jointly with the words
(stacking). Only rules about what the author made are used; rules about transport, draft state
or data the training corpora lack are left out (RULE_FEATURE_SKIP says why for each).

Bump FEATURE_VERSION whenever a change here would give a saved model different inputs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, NamedTuple

import regex

from scorer.message import Message

FEATURE_VERSION = 3

MAX_TEXT_CHARS = 20_000
"""Characters of body text tokenised; spam says what it has to say early."""
MAX_UNITS = 2_000
"""Distinct words and spans kept per message, in order of first appearance."""
NGRAM_SIZES = (3, 4, 5)

# The publishers of the training corpora replaced addresses and hosts with these markers
# (SpamAssassin: zzzz@..., yyyy@..., spamassassin.taint.org, jm@jmason.org, qqqqqqqqqq-...;
# phishing_pot: phishing@pot; foff-milter: juliett.baddomain.com, hotel.baddomain.com, VERP
# parts like bounces+123-mstowe=baddomain.com, and the placeholders <domain>, <email>, <name>,
# <pet_name>, <fraudulent_email>). Reserved example domains carry no signal either.
_MARKERS = (
    r"zzzz|yyyy@|qqqqqqq|taint\.org|jmason|phishing@pot|@pot\b|baddomain|mstowe"
    r"|<(?:domain|email|name|pet_name|fraudulent_email)>"
)
_ARTIFACT = regex.compile(
    rf"\S*(?:{_MARKERS}|\bexample\.(?:com|org|net)\b)\S*",
    regex.IGNORECASE,
)
_ARTIFACT_HINT = regex.compile(rf"{_MARKERS}|example\.(?:com|org|net)", regex.IGNORECASE)
_ARTIFACT_DOMAINS = frozenset(
    {"taint.org", "jmason.org", "example.com", "example.org", "example.net", "baddomain.com"}
)

# Lines a mailing-list server appends (Mailman, SourceForge, Yahoo! Groups, ILUG): the author
# never wrote them, and they appear only in the list traffic that makes up the old ham.
_LIST_LINE = regex.compile(
    r"(?:/mailman/listinfo/|/lists/listinfo/|mailing list\s*$|^\S+ mailing list\b"
    r"|sf\.net email is sponsored|sourceforge\.net email is sponsored|yahoo! groups"
    r"|^irish linux users' group|for \(un\)subscription information|^list maintainer:"
    r"|to unsubscribe from this group, send an email)",
    regex.IGNORECASE | regex.MULTILINE,
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_SEPARATOR = regex.compile(r"^\s*(?:_{10,}|-{10,}|={10,})\s*$")
_FOOTER_WINDOW = 15

_SUBJECT_PREFIX = regex.compile(
    r"^\s*(?:(?:re|fwd?|aw|wg)\s*(?:\[\d+\])?\s*:\s*|\[[^\]]{1,40}\]\s*)+", regex.I
)

# Token classes: a run of CJK script, an amount of money, a word (letters/digits with inner
# apostrophes or dots), or a run of exclamation marks. (The stdlib `re` is ~1.7x faster than
# `regex` here, so the CJK ranges are spelled out.)
_CJK = "\u3005\u3006\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(
    rf"([{_CJK}]+)"
    r"|([$€£¥]\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s?(?:usd|eur|dollars|円|万円))"
    rf"|([^\W_{_CJK}]+(?:['’.][^\W_{_CJK}]+)*)"
    r"|(!{2,})",
    re.IGNORECASE,
)
# English function words: pronouns, articles, auxiliaries, prepositions, conjunctions and
# courtesy words. The 2002 ham is list discussion ("I think", "he said") and modern legitimate
# mail speaks to the reader ("your order", "please confirm") as spam does, so these words
# measured the era and the register, not spam: with them, half of the modern legitimate
# templates scored p(spam) >= 0.5.
_STOP_TEXT = """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves please thank thanks us let get got dear hi hello also may might must
    shall via per within without upon i'm you're we're it's don't can't won't i've you've
    we've i'll you'll we'll
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
# The footer every bulk sender must carry (an opt-out, a privacy notice, a web version): in the
# 2002 corpus these words were commoner in spam than in list discussion, so they taught the
# model that a lawful footer is spam evidence. They say nothing about the message either way,
# and the bulk-sender rules judge the footer itself.
_BOILERPLATE_TEXT = """
    unsubscribe unsubscribed unsubscribing unsubscription subscribe subscribed subscription
    subscriptions preferences privacy policy browser webversion optout opt-out
"""
BOILERPLATE_WORDS = frozenset(_BOILERPLATE_TEXT.split())
BOILERPLATE_SEGMENTS = frozenset(
    {"配信停止", "配信解除", "配信設定", "購読解除", "登録解除", "ブラウザ", "プライバシーポリシー"}
)
_DIGIT = regex.compile(r"\d")
_SCRIPT_HAN = regex.compile(r"[\p{Han}々〆ヶ]")
_SCRIPT_KATA = regex.compile(r"[\p{Katakana}ー]")
_MAX_WORD = 30


class Unit(NamedTuple):
    """A span of the message and the feature keys it produces.

    `display` is what a reader recognises (a word, a phrase, a Japanese segment, a link domain,
    a description of the structure); `keys` are the hashed features it contributes (a word and
    its character n-grams, say). A message's vector is the sum of its distinct units' keys, so
    explanations add up per unit: a word is named, never its n-grams or their hashes.
    """

    id: str
    """Identifies the keys (the first key, or the span for Japanese): equal ids, equal keys."""
    display: str
    source: str
    """Where it came from: subject, body, link or structure."""
    keys: tuple[str, ...]


# --- text cleaning ---------------------------------------------------------------------------


def strip_list_footer(text: str) -> str:
    """Remove a mailing-list footer at the end and list boilerplate lines anywhere."""
    lines = text.split("\n")
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = max(0, end - _FOOTER_WINDOW)
    cut = None
    for index in range(start, end):
        if _LIST_LINE.search(lines[index]):
            cut = index
            break
    if cut is not None:
        # Take the separator and list-name lines just above the first marker with it.
        while cut > start and (_SEPARATOR.match(lines[cut - 1]) or not lines[cut - 1].strip()):
            cut -= 1
        lines = lines[:cut]
    return "\n".join(line for line in lines if not _LIST_LINE.search(line))


def clean_text(text: str) -> str:
    """Body text as the author wrote it: NFKC, no list footer, no corpus obfuscation markers,
    no URLs (their domains are features of their own; `https` and `www` are not words)."""
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT_CHARS])
    if "listinfo" in text or "sponsored" in text or "Yahoo" in text or "Irish" in text:
        text = strip_list_footer(text)
    return _URL.sub(" ", _scrub(text))


_LAST_SPACE = regex.compile(r"(?r)\s")
_NEXT_SPACE = regex.compile(r"\s")


def _scrub(text: str) -> str:
    """Replace each whitespace-delimited token holding a marker with a space.

    Same result as `_ARTIFACT.sub(" ", text)`, but only the tokens around a marker are looked
    at: on a whole text that pattern backtracks over every run of non-spaces (2 ms on a 20 KB
    newsletter that names example.com).
    """
    out: list[str] = []
    pos = 0
    for hint in _ARTIFACT_HINT.finditer(text):
        if hint.start() < pos:
            continue
        before = _LAST_SPACE.search(text, 0, hint.start())
        start = before.end() if before else 0
        after = _NEXT_SPACE.search(text, hint.end())
        end = after.start() if after else len(text)
        if _ARTIFACT.search(text[start:end]):
            out.append(text[pos:start])
            out.append(" ")
            pos = end
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def clean_subject(subject: str | None) -> str:
    """The subject without reply/forward prefixes and list tags (added by clients and lists)."""
    text = unicodedata.normalize("NFKC", subject or "")
    text = _SUBJECT_PREFIX.sub("", text)
    return _scrub(text).strip()


# --- tokens ----------------------------------------------------------------------------------


def _script(char: str) -> str:
    if _SCRIPT_HAN.match(char):
        return "han"
    if _SCRIPT_KATA.match(char):
        return "kata"
    return "hira"


def cjk_segments(run: str) -> list[str]:
    """A run of Japanese/Chinese split where the script changes: 今すぐ登録 → 今, すぐ, 登録."""
    segments: list[str] = []
    current = run[0]
    kind = _script(run[0])
    for char in run[1:]:
        char_kind = _script(char)
        if char_kind == kind:
            current += char
        else:
            segments.append(current)
            current, kind = char, char_kind
    segments.append(current)
    return segments


def _word_key(word: str) -> str | None:
    if len(word) > _MAX_WORD:
        return None
    if word.isdigit():
        return f"#{min(len(word), 9)}"
    if any(c.isdigit() for c in word):
        return _DIGIT.sub("0", word)
    if len(word) < 2 or word in STOP_WORDS or word in BOILERPLATE_WORDS:
        return None
    return word


@lru_cache(maxsize=262_144)
def word_keys(prefix: str, word: str) -> tuple[str, ...]:
    """Keys of one lower-cased word: the word and its character 3- to 5-grams (with the word's
    edges marked), so `v1agra` still shares most features with `viagra`."""
    key = _word_key(word)
    if key is None:
        return ()
    keys = [f"{prefix}w:{key}"]
    if not key.startswith("#"):
        padded = f" {key} "
        for size in NGRAM_SIZES:
            for start in range(len(padded) - size + 1):
                keys.append(f"{prefix}g:{padded[start : start + size]}")
    return tuple(dict.fromkeys(keys))


def text_units(text: str, prefix: str, source: str) -> list[Unit]:
    """Words (with their n-grams), CJK segments with their character pairs, money amounts and
    runs of exclamation marks in `text` (already cleaned). Each unit once, so two units never
    show the same text. (Word pairs were tried: no gain over character n-grams, 40% slower.)"""
    units: list[Unit] = []
    seen: set[str] = set()
    for cjk, money, word, bang in _TOKEN.findall(text):
        if word:
            lowered = word.lower()
            if lowered not in seen:
                seen.add(lowered)
                keys = word_keys(prefix, lowered)
                if keys:
                    units.append(Unit(keys[0], word, source, keys))
                    if len(units) >= MAX_UNITS:
                        break
        elif cjk:
            offset = 0
            for segment in cjk_segments(cjk):
                # A segment owns its own pairs and the pair that starts in it and crosses over.
                pairs = cjk[offset : offset + len(segment) + 1]
                offset += len(segment)
                if segment in seen or segment in BOILERPLATE_SEGMENTS:
                    continue  # each segment once (its first context), so displays are unique
                seen.add(segment)
                keys = [f"{prefix}w:{segment}"]
                keys += [f"{prefix}c:{pairs[i : i + 2]}" for i in range(len(pairs) - 1)]
                units.append(Unit(f"{prefix}j:{pairs}", segment, source, tuple(keys)))
        elif money:
            if "$money" not in seen:
                seen.add("$money")
                units.append(Unit(f"{prefix}m:money", money, source, (f"{prefix}m:money",)))
        elif bang and "!!" not in seen:
            seen.add("!!")
            units.append(Unit(f"{prefix}x:!!", bang, source, (f"{prefix}x:!!",)))
    return units


def structure_name(key: str) -> str:
    """A readable name for a structure token (`x:attach_pdf` → `attachment type .pdf`)."""
    name = key.split(":", 1)[1]
    if name.startswith("attach_"):
        return f"attachment type .{name[len('attach_') :]}"
    return name


def structure_text(key: str) -> Any:
    """The same name as a translatable text (scorer.i18n `feature.*`), for reports."""
    from scorer.i18n import T

    name = key.split(":", 1)[1]
    if name.startswith("attach_"):
        return T("feature.attach_type", ext=name[len("attach_") :])
    return name


def structure_units(msg: Message) -> list[Unit]:
    """The types of the attached files: the one fact about the message's shape that no rule
    finding already carries.

    One fact is one feature. Everything else the model used to read about the shape has a rule
    of its own, and the rule's finding is a feature (non-negative, explained by its id): a form
    (HTML_FORM), scripts and frames (HTML_SCRIPT, HTML_IFRAME, HTML_EMBED), hidden text
    (HTML_HIDDEN_TEXT), a link to an IP address (URI_IP_LITERAL), mostly images
    (HTML_IMAGE_HEAVY), capitals (SUBJ_ALL_CAPS, BODY_ALL_CAPS), no subject
    (HDR_MISSING_SUBJECT), many domains (URI_MANY_DOMAINS). Counts of links, link domains and
    images, a "no text" flag, plain text versus HTML and the length of the text are left out:
    they measure the era and the layout, not spam (in the 2002 corpus "0 links" and "0 link
    domains" each pushed a two-letter note to +1 log-odds; a modern newsletter has thirty
    images), and each link's domain is a feature of its own (`link_units`).
    """
    keys: list[str] = []
    for part in msg.attachments[:5]:
        name = (part.filename or "").lower()
        ext = name.rsplit(".", 1)[-1] if "." in name else part.content_type.split("/")[-1]
        if ext.isalnum() and len(ext) <= 8 and f"attach_{ext}" not in keys:
            keys.append(f"attach_{ext}")
    return [Unit(f"x:{k}", structure_name(f"x:{k}"), "structure", (f"x:{k}",)) for k in keys]


def link_units(msg: Message) -> list[Unit]:
    """Registrable domains of the message's web links (the domain itself only: a separate
    top-level-domain key was measured on grouped CV and did not rank better; abused TLDs are
    URI_SUSPICIOUS_TLD's finding, which the model reads)."""
    units: list[Unit] = []
    for domain in msg.link_domains[:50]:
        if domain in _ARTIFACT_DOMAINS or _ARTIFACT.fullmatch(domain):
            continue
        units.append(Unit(f"d:{domain}", domain, "link", (f"d:{domain}",)))
    return units


# Offline findings the classifier does not read. Each would teach the model something about the
# training corpora or the sending pipeline rather than about what the author wrote:
RULE_FEATURE_SKIP = frozenset(
    {
        # The corpora were stripped of List-* headers (scorer.ml.corpus), so these fire on every
        # training message; a draft gets its List-Unsubscribe from the ESP at send time.
        "LIST_UNSUB_MISSING",
        "LIST_UNSUB_NO_ONE_CLICK",
        "LIST_UNSUB_INVALID",
        "LIST_UNSUB_NO_BODY_LINK",
        # Written by the sending software, not the author, and absent from many drafts.
        "HDR_MISSING_MESSAGE_ID",
        "HDR_MESSAGE_ID_INVALID",
        "HDR_MISSING_DATE",
        "HDR_DATE_INVALID",
        "HDR_DATE_FUTURE",
        "HDR_MISSING_TO",
        "DKIM_NONE",
        # Drafts and test sends use placeholder domains; the seed set uses reserved ones.
        "HDR_FROM_DOMAIN_INVALID",
        # Mailing lists rewrite Reply-To and threading headers: in the 2002 ham these measure
        # list traffic, not honesty.
        "HDR_REPLY_TO_MISMATCH",
        "SUBJ_FAKE_REPLY",
        # Information and advice only (score 0 by design).
        "HTML_TRACKING_PIXEL",
        "LEGAL_JP_NO_OPTOUT",
        "LEGAL_JP_NO_ADDRESS",
        "LEGAL_JP_NO_SENDER_NAME",
        "LEGAL_JP_NO_CONTACT",
    }
)
_RULE_FEATURE_PREFIX_SKIP = ("ML_", "LIMIT_")
"""The classifier's own buckets, and limits the engine hit (they describe our settings)."""


def rule_feature_ids(ids: Iterable[str]) -> list[str]:
    """The finding ids the classifier reads, sorted: offline findings minus RULE_FEATURE_SKIP."""
    return sorted(
        {
            rule_id
            for rule_id in ids
            if rule_id not in RULE_FEATURE_SKIP
            and not rule_id.startswith(_RULE_FEATURE_PREFIX_SKIP)
        }
    )


def extract(msg: Message) -> list[Unit]:
    """Every distinct unit of `msg`: subject, body (at most MAX_UNITS), links, structure."""
    subject = clean_subject(msg.subject)
    text = clean_text(msg.all_text)
    units = text_units(subject, "s", "subject")
    units += text_units(text, "", "body")
    units += link_units(msg)
    units += structure_units(msg)
    return units


def word_count(units: Iterable[Unit]) -> int:
    """Distinct words and Japanese segments of the subject and body: how much text the model
    had to judge (money amounts and runs of "!" aside)."""
    return sum(
        1
        for unit in units
        if unit.source in ("subject", "body") and not unit.id.endswith(("m:money", "x:!!"))
    )
