"""Charset decoding as Japanese mail needs it (../shared/reference/japanese-mail.md §1)."""

from __future__ import annotations

import base64

import pytest

from scorer.charsets import decode_bytes, decode_cp5022x, decode_header_value, vendor_chars


def cp50221(text: str) -> bytes:
    """Encode like Windows CP50221: JIS X 0208 + NEC/IBM rows in ESC $ B, kana in ESC ( I."""
    out = bytearray()
    mode = "ascii"
    for ch in text:
        if ch.isascii():
            if mode != "ascii":
                out += b"\x1b(B"
                mode = "ascii"
            out += ch.encode()
        elif "\uff61" <= ch <= "\uff9f":
            if mode != "kana":
                out += b"\x1b(I"
                mode = "kana"
            out.append(ch.encode("cp932")[0] - 0x80)
        else:
            s1, s2 = ch.encode("cp932")
            s1 = s1 - 0x40 if s1 >= 0xE0 else s1
            c1 = (s1 - 0x81) * 2 + 0x21
            if s2 >= 0x9F:
                c1, c2 = c1 + 1, s2 - 0x7E
            else:
                c2 = s2 - 0x1F - (1 if s2 >= 0x80 else 0)
            if mode != "jis":
                out += b"\x1b$B"
                mode = "jis"
            out += bytes((c1, c2))
    if mode != "ascii":
        out += b"\x1b(B"
    return bytes(out)


def test_cp50221_kana_and_nec_characters_decode_right():
    text = "①ｾｰﾙのご案内 ㈱サンプル Ⅲ"
    result = decode_bytes(cp50221(text), "iso-2022-jp")
    assert result.text == text
    assert result.replacements == 0
    assert result.halfwidth_kana == 3
    assert set(result.vendor_chars) == {"①", "㈱", "Ⅲ"}


def test_python_iso2022_codecs_fail_where_we_do_not():
    data = cp50221("①㈱")
    with pytest.raises(UnicodeDecodeError):
        data.decode("iso2022_jp_ext")
    assert decode_bytes(data, "ISO-2022-JP").text == "①㈱"


def test_cp5022x_examples_from_the_reference():
    assert decode_cp5022x(b"\x1b$B-!\x1b(B") == "①"
    assert decode_cp5022x(b"\x1b$By!\x1b(B") == "纊"  # NEC-selected IBM row 0x79
    assert decode_cp5022x(b"\x1b(I1\x1b(B") == "ｱ"
    assert decode_cp5022x(b"\x0e1\x0f") == "ｱ"  # CP50222 SO/SI kana


def test_vendor_character_table_has_the_nec_specials_not_jis_x0208():
    chars = vendor_chars()
    assert {"①", "㈱", "Ⅰ", "№"} <= chars
    assert "あ" not in chars and "漢" not in chars


@pytest.mark.parametrize(
    ("encoding", "codec"), [("cp932", "cp932"), ("utf-8", "utf-8"), ("euc_jp", "euc_jp")]
)
def test_8bit_text_labelled_iso_2022_jp_is_detected_and_decoded(encoding, codec):
    text = "いつもご利用ありがとうございます。"
    result = decode_bytes(text.encode(encoding), "iso-2022-jp")
    assert result.text == text
    assert result.mislabelled and result.jis_8bit
    assert result.codec == codec


def test_shift_jis_label_decodes_as_cp932_with_vendor_characters():
    result = decode_bytes("①番の商品".encode("cp932"), "Shift_JIS")
    assert result.text == "①番の商品" and result.codec == "cp932"


def test_microsoft_labels_map_to_our_decoders():
    data = cp50221("テスト")
    for label in ("_iso-2022-jp$ESC", "csISO2022JP", "CP50221", '"iso-2022-jp"', "3Diso-2022-jp"):
        result = decode_bytes(data, label)
        assert result.text == "テスト", label
    assert decode_bytes(data, "_iso-2022-jp$ESC").nonstandard_label
    assert decode_bytes("テスト".encode("cp932"), "windows-31j").text == "テスト"


def test_unknown_charsets_fall_back_without_raising():
    ascii_result = decode_bytes(b"hello", "x-klingon")
    assert ascii_result.text == "hello" and ascii_result.unknown_label
    utf8 = decode_bytes("こんにちは".encode(), "x-klingon")
    assert utf8.text == "こんにちは" and utf8.unknown_label
    sjis = decode_bytes("こんにちは、お元気ですか".encode("cp932"), "x-klingon")
    assert sjis.text == "こんにちは、お元気ですか" and sjis.codec == "cp932"


def test_8bit_junk_decodes_with_replacements_and_never_raises():
    junk = bytes(range(128, 256)) * 4
    for label in (None, "utf-8", "iso-2022-jp", "shift_jis", "euc-jp", "us-ascii", "x-junk"):
        result = decode_bytes(junk, label)
        assert isinstance(result.text, str)


def _jis_word(text: str) -> str:
    return "=?ISO-2022-JP?B?" + base64.b64encode(text.encode("iso2022_jp")).decode() + "?="


def test_encoded_words_split_mid_character_are_rejoined():
    """Reference §1f: the first word ends in JIS mode, the second has no ESC $ B."""
    data = "日本語の件名です".encode("iso2022_jp")  # ESC $ B ... ESC ( B
    body = data[3:-3]
    first = b"\x1b$B" + body[:6]  # 日本語, still in JIS mode
    second = body[6:] + b"\x1b(B"
    header = " ".join(
        "=?ISO-2022-JP?B?" + base64.b64encode(part).decode() + "?=" for part in (first, second)
    )
    result = decode_header_value(header)
    assert result.text == "日本語の件名です"
    assert result.jis_words_not_ascii_end == 1


def test_utf8_character_split_across_words_is_rejoined():
    data = "件名".encode()
    header = " ".join(
        "=?UTF-8?B?" + base64.b64encode(part).decode() + "?=" for part in (data[:2], data[2:])
    )
    assert decode_header_value(header).text == "件名"


def test_header_with_nec_characters_decodes_instead_of_staying_raw():
    header = "=?ISO-2022-JP?B?" + base64.b64encode(cp50221("①お知らせ")).decode() + "?="
    result = decode_header_value(header)
    assert result.text == "①お知らせ"
    assert result.vendor_chars == "①" and result.undecoded_words == 0


def test_halfwidth_kana_in_a_header_word_is_counted():
    result = decode_header_value(
        "=?ISO-2022-JP?B?" + base64.b64encode(b"\x1b(I>0Y\x1b(B").decode() + "?="
    )
    assert result.text == "ｾｰﾙ" and result.halfwidth_kana == 3


def test_raw_8bit_header_records_its_codec():
    raw = "セール".encode("cp932").decode("ascii", "surrogateescape")
    result = decode_header_value(raw)
    assert result.text == "セール" and result.raw_8bit and result.raw_codec == "cp932"
