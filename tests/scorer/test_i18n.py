"""scorer/i18n: both catalogues hold the same keys and placeholders; every key the engine names
in code exists; T texts survive storage and render in either language."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml

from scorer import i18n
from scorer.i18n import T

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = {
    lang: yaml.safe_load((ROOT / "scorer" / "i18n" / f"{lang}.yaml").read_text("utf-8"))
    for lang in ("en", "ja")
}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders():
    en, ja = CATALOGUES["en"], CATALOGUES["ja"]
    assert set(en) == set(ja), set(en) ^ set(ja)
    for key in en:
        assert _fields(str(en[key])) == _fields(str(ja[key])), key


def test_japanese_texts_are_japanese():
    """A Japanese text that is only ASCII is an untranslated copy (ids and symbols aside)."""
    allowed = {
        "category.html",
        "report.dns",
        "ev.list",
        "ev.source.html",
        "ev.name_error",
        "ev.dns_answer",
        "ev.attach",
        "ev.where_chars",
        "ev.hidden",
        "ev.dmarc_pass",
        "ev.header_detail",
        "ev.part_charset",
        "ev.key_bits",
        "ev.dkim_result",
        "ev.dns_problem",
        "ev.text_part_starts",
        "capped.join",
        "req.how_both",
        "ev.ptr_mismatch",
    }
    for key, text in CATALOGUES["ja"].items():
        if key in allowed:
            continue
        assert not str(text).isascii(), f"{key}: {text!r}"


def _keys_named_in_code() -> set[str]:
    found: set[str] = set()
    pattern = re.compile(r"""\bT\(\s*f?["']([a-z_.]+)["']""")
    for path in (ROOT / "scorer").rglob("*.py"):
        for key in pattern.findall(path.read_text("utf-8")):
            if not key.endswith("."):
                found.add(key)
    return found


def test_every_key_named_in_code_exists():
    missing = sorted(k for k in _keys_named_in_code() if k not in CATALOGUES["en"])
    assert missing == []


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_nested_texts_render_and_survive_storage(lang):
    text = T("ev.defect_in_part", defect=T("defect.HtmlParseError"), parts=["1", "2"])
    stored = i18n.to_json([text, "From: a@example.com"])
    back = i18n.from_json(stored)
    assert back[0] == text and back[1] == "From: a@example.com"
    rendered = text.render(lang)
    assert ("HTML" in rendered) and "1, 2" in rendered
    assert rendered == i18n.render(stored[0], lang)
    pieces = text.segments(lang)
    # a nested text is our words (unmarked); only data is marked as a parameter
    assert [p for p, is_param in pieces if is_param] == ["1, 2"]
    assert "".join(p for p, _ in pieces) == rendered
    assert i18n.render(T("defect.HtmlParseError"), lang) in "".join(
        p for p, is_param in pieces if not is_param
    )


def test_a_missing_parameter_shows_an_ellipsis_not_an_error():
    assert T("ev.no_header").render("en") == "no … header"
    assert i18n.fill("{a} {b:.1f} {", {"a": 1, "b": 2.25}) == "{a} {b:.1f} {"
    assert i18n.fill("{a} {b:.1f}", {"a": 1, "b": 2.25}) == "1 2.2"
