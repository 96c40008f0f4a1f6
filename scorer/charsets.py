"""Charset decoding that survives real mail, with Japanese as a first-class case.

Python's codecs alone get Japanese mail wrong in known ways (see
../shared/reference/japanese-mail.md §1): no CP50220/CP50221 codec, `windows-31j` unknown before
3.13, NEC/IBM vendor characters fail in every `iso2022_*` codec, and Shift_JIS bodies are
routinely labelled ISO-2022-JP. This module keeps an alias map, a CP5022x decoder, and a
mislabel detector, and reports what it had to do so checks can turn it into findings.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from email.header import decode_header as _legacy_decode_header
from functools import lru_cache

#: Labels that mean "some flavour of ISO-2022-JP" (CP5022x included).
JIS_LABELS = frozenset(
    {
        "iso-2022-jp",
        "iso2022jp",
        "iso_2022_jp",
        "csiso2022jp",
        "x-iso-2022-jp",
        "iso-2022-jp-1",
        "iso-2022-jp-2",
        "iso-2022-jp-3",
        "iso-2022-jp-2004",
        "iso-2022-jp-ms",
        "iso-2022-jp-ext",
        "cp50220",
        "cp50221",
        "cp50222",
        "_iso-2022-jp$esc",
        "_iso-2022-jp$sio",
    }
)
#: Labels for Shift_JIS; browsers and webmail treat them all as CP932 (WHATWG).
SJIS_LABELS = frozenset(
    {
        "shift_jis",
        "shift-jis",
        "sjis",
        "x-sjis",
        "ms932",
        "ms_kanji",
        "csshiftjis",
        "windows-31j",
        "cp932",
        "x-ms-cp932",
        "shift_jisx0213",
        "shift_jis_2004",
    }
)
#: Labels that work in practice but are not the IANA-preferred name; advise UTF-8.
NONSTANDARD_LABELS = frozenset(
    {
        "x-sjis",
        "ms932",
        "cp932",
        "x-ms-cp932",
        "iso-2022-jp-ms",
        "cp50220",
        "cp50221",
        "cp50222",
        "_iso-2022-jp$esc",
        "_iso-2022-jp$sio",
        "x-user-defined",
        "x-unknown",
        "unknown-8bit",
    }
)
#: Label → Python codec, following the WHATWG Encoding Standard where Python differs.
_ALIASES = {
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "windows-1252": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "chinese": "gb18030",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "windows-874": "cp874",
    "tis-620": "cp874",
    "iso-8859-8-i": "iso8859-8",
    "x-mac-roman": "mac-roman",
    "x-euc-jp": "euc_jp",
    "euc-jp": "euc_jp",
}
_NO_LABEL = frozenset({"", "unknown-8bit", "x-unknown", "default", "none", "x-user-defined"})

_JIS_ESC = re.compile(rb"\x1b(\$[@B]|\([BJI])")
_VENDOR_RANGES = ((0x8740, 0x879C), (0xED40, 0xEEFC), (0xFA40, 0xFC4B))


@lru_cache(maxsize=1)
def vendor_chars() -> frozenset[str]:
    """Characters that exist only in CP932's NEC/IBM extensions (機種依存文字: ①, ㈱, Ⅰ, 纊 ...)."""
    chars: set[str] = set()
    for lo, hi in _VENDOR_RANGES:
        for code in range(lo, hi + 1):
            try:
                char = bytes((code >> 8, code & 0xFF)).decode("cp932")
            except UnicodeDecodeError:
                continue
            try:
                char.encode("iso2022_jp")
            except UnicodeEncodeError:
                chars.add(char)
    return frozenset(chars)


@dataclass
class Decoded:
    """Text decoded from bytes, and what had to be done to get it."""

    text: str
    label: str | None
    codec: str
    unknown_label: bool = False
    mislabelled: bool = False
    jis_8bit: bool = False
    jis_without_escape: bool = False
    replacements: int = 0
    halfwidth_kana: int = 0
    vendor_chars: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def nonstandard_label(self) -> bool:
        return self.label in NONSTANDARD_LABELS


def normalize_label(label: str | None) -> str | None:
    """Lower-case a charset label and repair the usual damage (quotes, QP-mangled `3D`)."""
    if label is None:
        return None
    cleaned = str(label).strip().strip("\"'").strip().lower()
    if cleaned.startswith("3d") and _codec_for(cleaned[2:]):
        cleaned = cleaned[2:]
    cleaned = cleaned.rstrip(";,\"' ")
    return cleaned or None


def _codec_for(label: str) -> str | None:
    """The Python codec name for a label, or None when neither we nor Python know it."""
    if label in JIS_LABELS:
        return "iso2022_jp_ext"
    if label in SJIS_LABELS:
        return "cp932"
    if label in _ALIASES:
        return _ALIASES[label]
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):
        return None


def is_known_label(label: str | None) -> bool:
    norm = normalize_label(label)
    return norm is None or norm in _NO_LABEL or _codec_for(norm) is not None


def decode_cp5022x(data: bytes, errors: str = "replace") -> str:
    """Decode ISO-2022-JP as Windows does (CP50220/50221/50222): NEC/IBM rows and kana included.

    JIS X 0208 pairs are shifted to Shift_JIS and decoded with cp932; the reference note §1g
    shows this agrees with `iso2022_jp` on all 6,879 JIS X 0208 cells but six.
    """
    out = bytearray()
    mode = b"(B"
    i = 0
    n = len(data)
    while i < n:
        match = _JIS_ESC.match(data, i)
        if match:
            mode = match.group(1)
            i = match.end()
            continue
        byte = data[i]
        if byte in (0x0E, 0x0F):
            mode = b"(I" if byte == 0x0E else b"(B"
            i += 1
            continue
        if mode in (b"$B", b"$@") and 0x21 <= byte <= 0x7E and i + 1 < n:
            c1, c2 = byte, data[i + 1]
            s1 = ((c1 - 0x21) >> 1) + 0x81
            s1 += 0x40 if s1 > 0x9F else 0
            s2 = c2 + (0x1F if c1 & 1 else 0x7E)
            s2 += 1 if (c1 & 1 and s2 >= 0x7F) else 0
            out += bytes((s1, s2))
            i += 2
            continue
        if mode == b"(I" and 0x21 <= byte <= 0x5F:
            out.append(byte + 0x80)
            i += 1
            continue
        out.append(byte)
        i += 1
    return out.decode("cp932", errors)


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_JAPANESE_CHAR = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]")


def _japanese_ratio(text: str) -> float:
    """Share of non-ASCII characters that are kana, kanji or Japanese punctuation."""
    non_ascii = len(_NON_ASCII.findall(text))
    if not non_ascii:
        return 0.0
    return len(_JAPANESE_CHAR.findall(text)) / non_ascii


def _count_halfwidth_kana(text: str) -> int:
    if text.isascii():  # a flag CPython keeps on the string: no scan (most header values)
        return 0
    return len(_HALFWIDTH_KANA.findall(text))


_PUA_OR_KANA = re.compile(r"[\ue000-\uf8ff\uff61-\uff9f]")


def _best_japanese(data: bytes) -> tuple[str, str] | None:
    """The strict decode of 8-bit Japanese bytes that reads most like Japanese.

    UTF-8 first (multi-byte UTF-8 does not happen by chance); then CP932 or EUC-JP, whichever
    gives more kana/kanji and fewer half-width kana or private-use characters: EUC-JP bytes
    often decode "successfully" as CP932 half-width kana garbage, and the reverse.
    """
    text = _try(data, "utf-8")
    if text is not None:
        return "utf-8", text
    scored = []
    for codec in ("cp932", "euc_jp"):
        text = _try(data, codec)
        if text is not None:
            odd = len(_PUA_OR_KANA.findall(text))
            scored.append((_japanese_ratio(text) - odd / max(1, len(text)), codec, text))
    if not scored:
        return None
    _, codec, text = max(scored)
    return codec, text


def _annotate_japanese(result: Decoded) -> Decoded:
    if not result.text.isascii():
        result.halfwidth_kana = _count_halfwidth_kana(result.text)
        found = set(result.text) & vendor_chars()
        result.vendor_chars = "".join(sorted(found))
    return result


def _decode_jis(data: bytes, label: str) -> Decoded:
    if not data.isascii():
        # 7-bit ISO-2022-JP cannot hold these bytes: the label lies (reference §1d).
        best = _best_japanese(data)
        if best is not None:
            codec, text = best
            res = Decoded(text, label, codec, mislabelled=True, jis_8bit=True)
            res.notes.append(f"labelled {label} but the bytes are {codec}")
            return _annotate_japanese(res)
        text = data.decode("cp932", "replace")
        res = Decoded(text, label, "cp932", mislabelled=True, jis_8bit=True)
        res.replacements = text.count("\ufffd")
        return _annotate_japanese(res)
    if b"\x1b" not in data:
        text = data.decode("ascii", "replace")
        res = Decoded(text, label, "ascii")
        if b"\x0e" in data:  # SO/SI half-width kana without any escape
            res = Decoded(decode_cp5022x(data), label, "cp5022x")
        return _annotate_japanese(res)
    text = _try(data, "iso2022_jp_ext")
    codec = "iso2022_jp_ext"
    if text is None or b"\x0e" in data:
        text = decode_cp5022x(data)
        codec = "cp5022x"
    res = Decoded(text, label, codec)
    res.replacements = text.count("\ufffd")
    return _annotate_japanese(res)


def _guess_unlabelled(data: bytes, label: str | None, unknown: bool) -> Decoded:
    text = _try(data, "utf-8")
    if text is not None:
        return Decoded(text, label, "utf-8", unknown_label=unknown, mislabelled=label is not None)
    if _JIS_ESC.search(data) and data.isascii():
        res = _decode_jis(data, "iso-2022-jp")
        res.label, res.unknown_label = label, unknown
        return res
    best = _best_japanese(data)
    if best is not None and _japanese_ratio(best[1]) > 0.85:
        codec, text = best
        res = Decoded(text, label, codec, unknown_label=unknown, mislabelled=label is not None)
        return _annotate_japanese(res)
    text = data.decode("cp1252", "replace")
    res = Decoded(text, label, "cp1252", unknown_label=unknown, mislabelled=label is not None)
    res.replacements = text.count("\ufffd")
    return res


def decode_bytes(data: bytes, label: str | None) -> Decoded:
    """Decode `data` declared as `label`, falling back sensibly; never raises."""
    norm = normalize_label(label)
    if norm in _NO_LABEL:
        norm = None
    if norm is None:
        if data.isascii():
            if b"\x1b$" in data:
                return _decode_jis(data, "iso-2022-jp")
            return Decoded(data.decode("ascii"), None, "ascii")
        return _guess_unlabelled(data, None, unknown=False)
    if norm in JIS_LABELS:
        return _decode_jis(data, norm)
    codec = _codec_for(norm)
    if codec is None:
        if data.isascii():
            return Decoded(data.decode("ascii"), norm, "ascii", unknown_label=True)
        return _guess_unlabelled(data, norm, unknown=True)
    if codec == "cp1252" and data.isascii():
        if b"\x1b$" in data:  # JIS text labelled us-ascii
            res = _decode_jis(data, norm)
            res.mislabelled = True
            return res
        return Decoded(data.decode("ascii"), norm, "ascii")
    if codec == "cp1252":
        # 8-bit text labelled ASCII or Latin-1 is UTF-8 far more often than chance.
        text = _try(data, "utf-8")
        if text is not None and norm in ("us-ascii", "ascii", "ansi_x3.4-1968"):
            return Decoded(text, norm, "utf-8", mislabelled=True)
    text = _try(data, codec)
    if text is not None:
        res = Decoded(text, norm, codec)
        return _annotate_japanese(res) if codec in ("cp932", "euc_jp") else res
    if codec != "utf-8":
        text = _try(data, "utf-8")
        if text is not None:
            return Decoded(text, norm, "utf-8", mislabelled=True)
    if codec == "cp932":
        text = _try(data, "euc_jp")
        if text is not None:
            return _annotate_japanese(Decoded(text, norm, "euc_jp", mislabelled=True))
    text = data.decode(codec, "replace")
    res = Decoded(text, norm, codec, replacements=text.count("\ufffd"))
    return _annotate_japanese(res) if codec in ("cp932", "euc_jp") else res


# --- headers ---------------------------------------------------------------------------------

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")


@dataclass
class HeaderText:
    """A header value decoded to text, with the problems met on the way."""

    text: str
    raw_8bit: bool = False
    charsets: tuple[str, ...] = ()
    jis_words_not_ascii_end: int = 0
    undecoded_words: int = 0
    unknown_charsets: tuple[str, ...] = ()
    halfwidth_kana: int = 0
    vendor_chars: str = ""
    raw_codec: str = ""
    """For unencoded 8-bit headers, the codec that decoded them (utf-8 is SMTPUTF8-valid)."""


def _word_bytes(encoding: str, payload: str) -> bytes | None:
    import base64
    import binascii
    import quopri

    try:
        if encoding in "bB":
            padded = payload + "=" * (-len(payload) % 4)
            return base64.b64decode(padded, validate=False)
        return quopri.decodestring(
            payload.replace("_", " ").encode("ascii", "replace"), header=True
        )
    except (binascii.Error, ValueError):
        return None


def _jis_ends_outside_ascii(data: bytes) -> bool:
    modes = _JIS_ESC.findall(data)
    return bool(modes) and modes[-1] != b"(B"  # RFC 2047 §3: ASCII itself, not JIS-Roman


def decode_header_value(raw: str) -> HeaderText:
    """Decode a raw header value (as `raw_items()` gives it) to text. Never raises.

    The legacy `email.header.decode_header` joins adjacent encoded words of one charset before
    decoding, which is what rescues ISO-2022-JP words split mid-character (reference §1f);
    each chunk then goes through `decode_bytes` so CP5022x and unknown labels still decode.
    """
    result = HeaderText(text="")
    value = raw
    if not value.isascii() and any("\udc80" <= c <= "\udcff" for c in value):
        result.raw_8bit = True
        data = value.encode("ascii", "surrogateescape")
        decoded = decode_bytes(data, None)
        value = decoded.text
        result.raw_codec = decoded.codec
    elif not value.isascii():
        result.raw_8bit = True
        result.raw_codec = "utf-8"
    if "=?" not in value:
        result.text = _unfold(value)
        result.halfwidth_kana = _count_halfwidth_kana(result.text)
        return result
    charsets: list[str] = []
    unknown: list[str] = []
    for match in _ENCODED_WORD.finditer(value):
        label = normalize_label(match.group(1).split("*", 1)[0]) or ""
        if label in JIS_LABELS:
            data = _word_bytes(match.group(2), match.group(3))
            if data is not None and _jis_ends_outside_ascii(data):
                result.jis_words_not_ascii_end += 1
    try:
        chunks = _legacy_decode_header(value)
    except Exception:  # the legacy decoder has raised on hostile input before
        chunks = [(value, None)]
    pieces: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            pieces.append(chunk)
            continue
        if charset is None:
            pieces.append(chunk.decode("ascii", "replace"))
            continue
        label = normalize_label(charset.split("*", 1)[0])
        if label and not is_known_label(label):
            unknown.append(label)
        decoded = decode_bytes(chunk, label)
        charsets.append(decoded.codec)
        if decoded.vendor_chars:
            result.vendor_chars += decoded.vendor_chars
        pieces.append(decoded.text)
    text = _unfold("".join(pieces))
    result.undecoded_words = len(_ENCODED_WORD.findall(text))
    result.text = text
    result.charsets = tuple(dict.fromkeys(charsets))
    result.unknown_charsets = tuple(dict.fromkeys(unknown))
    result.halfwidth_kana = _count_halfwidth_kana(text)
    return result


_FOLD = re.compile(r"\r?\n[ \t]*")


def _unfold(value: str) -> str:
    # Every fold holds a newline: most header values have none, and need no regex.
    return _FOLD.sub(" ", value).strip() if "\n" in value else value.strip()
