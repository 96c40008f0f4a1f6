"""MIME structure checks: parts, attachments, line length, transfer encodings and charsets.

Charset facts come from `scorer.charsets` through `Part.decoded` (what the decoder had to do), so
Japanese mislabels (Shift_JIS labelled ISO-2022-JP, CP5022x vendor characters, half-width kana)
become findings here without re-reading any bytes.
"""

from __future__ import annotations

import re

import scorer.mergetags as mergetags
from scorer.context import Context
from scorer.i18n import T
from scorer.message import Message, Part
from scorer.registry import Hit, Skip, check

_RISKY_EXT = frozenset(
    [
        "exe",
        "scr",
        "com",
        "pif",
        "bat",
        "cmd",
        "vbs",
        "vbe",
        "js",
        "jse",
        "wsf",
        "wsh",
        "wsc",
        "hta",
        "msi",
        "msp",
        "mst",
        "jar",
        "ps1",
        "psm1",
        "psd1",
        "lnk",
        "reg",
        "cpl",
        "dll",
        "sys",
        "inf",
        "iso",
        "img",
        "vhd",
        "vhdx",
        "docm",
        "dotm",
        "xlsm",
        "xltm",
        "xlam",
        "xlsb",
        "pptm",
        "potm",
        "ppam",
        "ppsm",
        "sldm",
        "one",
        "onepkg",
        "chm",
        "appx",
        "appxbundle",
        "msix",
        "msixbundle",
        "apk",
        "app",
        "dmg",
        "pkg",
        "sh",
        "ace",
        "arj",
        "scf",
        "url",
        "website",
        "settingcontent-ms",
        "library-ms",
        "xll",
        "gadget",
        "application",
    ]
)
_HTML_EXT = frozenset({"htm", "html", "shtml", "xhtml", "mht", "mhtml", "svg", "svgz"})
_DOC_EXT = frozenset(
    [
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "txt",
        "rtf",
        "jpg",
        "jpeg",
        "png",
        "gif",
        "zip",
        "rar",
        "csv",
        "odt",
        "jpg",
        "mp3",
        "mp4",
        "wav",
    ]
)
_RISKY_TYPES = (
    "application/x-msdownload",
    "application/x-msdos-program",
    "application/x-ms-",
    "application/hta",
    "application/x-sh",
    "application/java-archive",
    "application/vnd.ms-word.document.macroenabled",
    "application/vnd.ms-excel.sheet.macroenabled",
)
_WORD = re.compile(r"[a-z0-9]{2,}|[\u3040-\u30ff\u4e00-\u9fff]", re.IGNORECASE)
_MERGE_TAG = mergetags.PATTERN


@check("MIME_HTML_ONLY")
def html_only(msg: Message, ctx: Context) -> Hit | None:
    """HTML with no text/plain alternative: filters (SA, rspamd) and screen readers prefer both."""
    if not msg.html_parts or msg.text_parts:
        return None
    if ctx.assumes_missing("text/plain"):
        raise Skip("text/plain is not part of the draft", code="draft_missing", header="text/plain")
    return Hit(
        evidence=[T("ev.part_type", part=p.path, type="text/html") for p in msg.html_parts][:3]
    )


_ASCII_WORD = re.compile(r"[a-z0-9]{2,}")
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _tokens(text: str, limit: int = 20_000) -> set[str]:
    text = _MERGE_TAG.sub(" ", text[:limit]).lower()
    if not _CJK_CHAR.search(text):
        return set(_ASCII_WORD.findall(text))  # no CJK: words only, found in C
    tokens: set[str] = set()
    previous = ""
    for match in _WORD.finditer(text):
        token = match.group(0)
        if len(token) == 1 and not token.isascii():  # CJK: character bigrams
            if previous:
                tokens.add(previous + token)
            previous = token
            continue
        previous = ""
        tokens.add(token)
    return tokens


@check("MIME_ALT_PARTS_DIFFER")
def alternative_parts_differ(msg: Message, ctx: Context) -> Hit | None:
    """text/plain and text/html alternatives that say different things (SA MPART_ALT_DIFF)."""
    if not msg.text_parts or not msg.html_parts or msg.html_doc is None:
        return None
    html_tokens = _tokens(
        msg.html_doc.visible_text + " " + " ".join(img.alt or "" for img in msg.html_doc.images)
    )
    text_tokens = _tokens(msg.plain_text)
    if len(html_tokens) < 20:
        return None  # image-only HTML is judged by the HTML checks
    common = len(html_tokens & text_tokens)
    # Share of the HTML's words the text part also has: a stub text part scores near 0.
    coverage = common / len(html_tokens)
    if coverage >= 0.5:
        return None
    percent = round(coverage * 100)
    return Hit(
        evidence=[
            T("ev.text_covers_html", percent=percent),
            T("ev.text_part_starts", text=msg.plain_text.strip()[:120]),
        ],
        params={"percent": percent},
        value=100 - percent,
    )


_LINKISH = re.compile(r"(?:https?://|www\.)\S+|\[[^\]\n]{0,40}\]+", re.IGNORECASE)
_TEXT_WORD = re.compile(r"\w{2,}")


@check("MIME_TEXT_PART_ONLY_LINKS")
def text_part_only_links(msg: Message, ctx: Context) -> Hit | None:
    """A text/plain alternative that is nothing but links beside an HTML part with real prose.

    Mail libraries and ESPs derive the text part from the HTML, words included; a text part
    of bare URLs is what bulk-mailing scripts write to fill the slot.
    """
    if not msg.text_parts or not msg.html_parts or msg.html_doc is None:
        return None
    plain = msg.plain_text[:50_000]
    if "://" not in plain or len(_TEXT_WORD.findall(_LINKISH.sub(" ", plain[:3000]))) > 3:
        return None  # the first lines already hold words: a real text part
    links = len(re.findall(r"https?://", plain, re.IGNORECASE))
    if not links:
        return None
    words = _TEXT_WORD.findall(_LINKISH.sub(" ", plain))
    html_words = len(_TEXT_WORD.findall(msg.html_doc.visible_text[:50_000]))
    if len(words) > 3 or html_words < 40:
        return None
    return Hit(
        evidence=[T("ev.text_part_links", links=links, words=len(words)), plain.strip()[:120]],
        params={"links": links, "words": html_words},
    )


@check("MIME_LINE_TOO_LONG")
def line_too_long(msg: Message, ctx: Context) -> Hit | None:
    """A line over 998 octets (RFC 5322 §2.1.1): MTAs may break it mid-tag or bounce."""
    if not msg.long_lines:
        return None
    return Hit(
        evidence=[T("ev.long_lines", count=msg.long_lines, longest=msg.max_line_length)],
        params={"count": msg.long_lines, "longest": msg.max_line_length},
    )


def _extensions(filename: str) -> list[str]:
    name = filename.strip().strip(".").lower()
    parts = name.split(".")
    return [p.strip() for p in parts[1:]] if len(parts) > 1 else []


def _risky_reason(part: Part) -> T | str | None:
    filename = part.filename or ""
    if "\u202e" in filename:
        return T("ev.attach_rtl")
    exts = _extensions(filename)
    if exts and exts[-1] in _RISKY_EXT:
        if len(exts) >= 2 and exts[-2] in _DOC_EXT:
            return T("ev.attach_double", ext=f".{exts[-2]}.{exts[-1]}")
        return T("ev.attach_ext", ext=f".{exts[-1]}")
    if len(exts) >= 2 and exts[-2] in _DOC_EXT and exts[-1] in _HTML_EXT:
        return T("ev.attach_double", ext=f".{exts[-2]}.{exts[-1]}")
    if re.search(r"\.(?:pdf|docx?|xlsx?|jpe?g)\s{3,}\S", filename, re.IGNORECASE):
        return T("ev.attach_spaces")
    if part.content_type.startswith(_RISKY_TYPES):
        return part.content_type
    return None


@check("attachments", emits=("MIME_RISKY_ATTACHMENT", "MIME_HTML_ATTACHMENT"))
def risky_attachments(msg: Message, ctx: Context) -> list[Hit]:
    """Executable, script, macro-enabled, disk-image, double-extension or HTML attachments."""
    risky: list[T] = []
    html: list[str] = []
    for part in msg.attachments:
        reason = _risky_reason(part)
        if reason:
            risky.append(T("ev.attach", name=part.filename or part.content_type, reason=reason))
            continue
        exts = _extensions(part.filename or "")
        if (exts and exts[-1] in _HTML_EXT) or (
            part.content_type in ("text/html", "image/svg+xml") and part.disposition == "attachment"
        ):
            html.append(part.filename or part.content_type)
    hits = []
    if risky:
        hits.append(Hit("MIME_RISKY_ATTACHMENT", risky[:8], {"files": risky[:3]}))
    if html:
        hits.append(Hit("MIME_HTML_ATTACHMENT", html[:8], {"files": html[:3]}))
    return hits


@check("MIME_BASE64_ASCII_TEXT")
def base64_ascii_text(msg: Message, ctx: Context) -> Hit | None:
    """A text part in base64 although it is plain ASCII: hides words from naive filters."""
    parts = [p for p in msg.parts if p.base64_ascii_text and p.is_body_text and p.size > 0]
    if not parts:
        return None
    return Hit(
        evidence=[
            T("ev.part_type_size", part=p.path, type=p.content_type, size=p.size) for p in parts
        ][:4]
    )


def _text_parts(msg: Message) -> list[Part]:
    return [p for p in msg.parts if p.decoded is not None]


@check("MIME_CHARSET_MISSING")
def charset_missing(msg: Message, ctx: Context) -> Hit | None:
    """8-bit text with no charset: every client guesses, and guesses differ (rspamd 0.5)."""
    found = [
        p
        for p in _text_parts(msg)
        if p.charset_label is None and not p.payload.isascii() and p.decoded is not None
    ]
    if not found:
        return None
    return Hit(
        evidence=[
            T("ev.part_decoded_as", part=p.path, type=p.content_type, codec=p.decoded.codec)
            for p in found
            if p.decoded
        ][:4]
    )


@check("MIME_CHARSET_UNKNOWN")
def charset_unknown(msg: Message, ctx: Context) -> Hit | None:
    found = [p for p in _text_parts(msg) if p.decoded and p.decoded.unknown_label]
    if not found:
        return None
    labels = sorted({p.charset_label or "" for p in found})
    return Hit(
        evidence=[T("ev.part_charset", part=p.path, charset=p.charset_label) for p in found][:4],
        params={"labels": labels},
    )


@check("MIME_CHARSET_MISLABELLED")
def charset_mislabelled(msg: Message, ctx: Context) -> Hit | None:
    """The bytes are not in the declared charset (the decoder had to fall back to another)."""
    found = [
        p
        for p in _text_parts(msg)
        if p.decoded
        and p.decoded.mislabelled
        and not p.decoded.jis_8bit
        and p.charset_label is not None
        and not p.decoded.unknown_label
    ]
    if not found:
        return None
    return Hit(
        evidence=[
            T("ev.part_mislabelled", part=p.path, label=p.charset_label, codec=p.decoded.codec)
            for p in found
            if p.decoded
        ][:4],
        params={"label": found[0].charset_label, "codec": found[0].decoded.codec},
    )


@check("MIME_BAD_CTE_7BIT")
def eight_bit_in_7bit(msg: Message, ctx: Context) -> Hit | None:
    """8-bit bytes under `7bit` (or no) transfer encoding: RFC 2045 §2.7 (rspamd R_BAD_CTE_7BIT)."""
    found = [p for p in msg.parts if p.eight_bit_in_7bit and not p.is_multipart]
    if not found:
        return None
    return Hit(
        evidence=[
            T("ev.part_cte", part=p.path, type=p.content_type, cte=p.cte or "-") for p in found
        ][:4]
    )


@check("MIME_JIS_8BIT")
def jis_8bit(msg: Message, ctx: Context) -> Hit | None:
    """A part labelled ISO-2022-JP holding 8-bit bytes: really Shift_JIS, UTF-8 or EUC-JP."""
    found = [p for p in _text_parts(msg) if p.decoded and p.decoded.jis_8bit]
    if not found:
        return None
    codec = found[0].decoded.codec if found[0].decoded else "?"
    return Hit(
        evidence=[
            T("ev.part_labelled_decoded", part=p.path, label=p.charset_label, codec=p.decoded.codec)
            for p in found
            if p.decoded
        ][:4],
        params={"codec": codec},
    )


@check("MIME_JIS_HALFWIDTH_KANA")
def halfwidth_kana_in_body(msg: Message, ctx: Context) -> Hit | None:
    """Half-width katakana in the body (`ESC ( I`, SO/SI or U+FF61-FF9F): mojibake risk."""
    found = [p for p in _text_parts(msg) if p.decoded and p.decoded.halfwidth_kana]
    if not found:
        return None
    count = sum(p.decoded.halfwidth_kana for p in found if p.decoded)
    return Hit(
        evidence=[
            T("ev.part_halfwidth", part=p.path, count=p.decoded.halfwidth_kana)
            for p in found
            if p.decoded
        ][:4],
        params={"count": count},
        value=count,
    )


@check("MIME_JIS_VENDOR_CHARS")
def vendor_chars(msg: Message, ctx: Context) -> Hit | None:
    """NEC/IBM vendor characters (①, ㈱, Ⅰ...): outside JIS X 0208, garbled by strict decoders."""
    chars: list[str] = []
    where: list[T | str] = []
    for part in _text_parts(msg):
        # Only legacy Japanese decodes record vendor characters; in UTF-8 they render fine.
        if part.decoded and part.decoded.vendor_chars:
            chars.extend(part.decoded.vendor_chars)
            where.append(T("ev.part_with_charset", part=part.path, charset=part.charset_label))
    for name, info in msg.header_decoding:
        if info.vendor_chars:
            chars.extend(info.vendor_chars)
            where.append(name)
    if not chars:
        return None
    shown = "".join(dict.fromkeys(chars))[:20]
    return Hit(
        evidence=[T("ev.where_chars", where=w, chars=shown) for w in where][:6],
        params={"chars": shown},
    )


@check("MIME_CHARSET_NONSTANDARD")
def nonstandard_charset(msg: Message, ctx: Context) -> Hit | None:
    """Vendor labels (cp932, x-sjis, _iso-2022-jp$ESC, cp5022x): work in some clients only."""
    labels = sorted(
        {
            p.charset_label
            for p in _text_parts(msg)
            if p.decoded and p.decoded.nonstandard_label and p.charset_label
        }
    )
    if not labels:
        return None
    return Hit(evidence=[f"charset={label}" for label in labels], params={"labels": labels})


_CHINESE_CHARSETS = frozenset(
    [
        "gb2312",
        "gbk",
        "gb18030",
        "cp936",
        "euc-cn",
        "hz-gb-2312",
        "hz",
        "x-gbk",
        "big5",
        "big5-hkscs",
        "big5hkscs",
        "cp950",
        "x-euc-tw",
        "euc-tw",
    ]
)
"""Labels and the codec names scorer.charsets reports for them (headers give codecs)."""
_KANA_CHARS = re.compile(r"[\u3041-\u3096\u30a1-\u30fa]")
_CJK_CHARS = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u4e00-\u9fff]")


def _japanese_share(text: str) -> tuple[int, float]:
    kana = len(_KANA_CHARS.findall(text))
    cjk = len(_CJK_CHARS.findall(text))
    return kana, (kana / cjk if cjk else 0.0)


@check("MIME_JA_IN_CHINESE_CHARSET")
def japanese_in_chinese_charset(msg: Message, ctx: Context) -> Hit | None:
    """Japanese text (mostly kana) sent in a Chinese charset (GB2312, GBK, Big5).

    Japanese software writes UTF-8, ISO-2022-JP or Shift_JIS; Japanese carried in GB2312 comes
    from Chinese-language mailing tools, which is how much of the Amazon.co.jp/カード phishing
    is sent. A few の in Chinese copy are not enough: kana must be a real share of the text.
    """
    where: list[T] = []
    places: list[str | T] = []
    for part in _text_parts(msg):
        label = (part.charset_label or "").lower()
        if label in _CHINESE_CHARSETS and part.decoded is not None:
            kana, share = _japanese_share(part.decoded.text[:50_000])
            if kana >= 10 and share >= 0.2:
                places.append(T("ev.part", part=part.path))
                where.append(T("ev.part_charset_kana", part=part.path, charset=label, kana=kana))
    for name, info in msg.header_decoding:
        if name.lower() not in ("subject", "from"):
            continue
        charsets = [c.lower() for c in info.charsets if c.lower() in _CHINESE_CHARSETS]
        kana, share = _japanese_share(info.text)
        if charsets and kana >= 3 and share >= 0.2:
            where.append(
                T("ev.header_charset_text", header=name, charset=charsets[0], text=info.text[:60])
            )
            places.append(name)
    if not where:
        return None
    return Hit(evidence=where[:4], params={"where": places[0]})


@check("MIME_STRUCTURE_DEFECT")
def structure_defects(msg: Message, ctx: Context) -> Hit | None:
    """MIME defects the parser recorded (lost boundaries, bad base64, ...): broken or hostile.
    Which defects count, and how much each adds, is the rule's data (`params.defect_weights`)."""
    weights = _defect_weights(ctx)
    kinds: dict[str, list[str]] = {}
    for path, name in msg.defects:
        base = name.split(":", 1)[0]
        if base in weights:
            kinds.setdefault(base, []).append(path)
    if not kinds:
        return None
    weight = sum(weights[k] for k in kinds)
    # Python's defect class names are for us; the reader gets what each one means
    evidence = [
        T("ev.defect_in_part", defect=T(f"defect.{k}"), parts=v[:3]) for k, v in kinds.items()
    ]
    return Hit(
        evidence=evidence, params={"defects": [T(f"defect.{k}") for k in kinds]}, value=weight
    )


def _defect_weights(ctx: Context) -> dict[str, float]:
    rule = ctx.rules.get("MIME_STRUCTURE_DEFECT")
    return dict(rule.params.get("defect_weights") or {}) if rule is not None else {}


@check("MIME_MISSING_VERSION")
def missing_mime_version(msg: Message, ctx: Context) -> Hit | None:
    """MIME content (multipart or an encoding) without `MIME-Version: 1.0` (RFC 2045 §4)."""
    if msg.header("MIME-Version") is not None:
        return None
    ctype = (msg.header("Content-Type") or "").lower()
    cte = (msg.header("Content-Transfer-Encoding") or "").lower().strip()
    if not (ctype.startswith("multipart/") or cte in ("base64", "quoted-printable")):
        return None
    return Hit(evidence=[f"Content-Type: {ctype[:80]}" if ctype else f"CTE: {cte}"])
