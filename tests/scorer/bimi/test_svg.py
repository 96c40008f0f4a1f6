"""The SVG Tiny PS profile check on the fixture logos."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorer.bimi.svg import MAX_BYTES, check_svg

BIMI = Path(__file__).parents[2] / "data" / "bimi"


def test_a_valid_tiny_ps_logo_passes():
    report = check_svg((BIMI / "valid_tiny_ps.svg").read_bytes())
    assert report.ok, report.errors
    assert report.title == "Example Shop"


@pytest.mark.parametrize(
    ("fixture", "codes"),
    [
        ("with_script.svg", {"script"}),
        ("with_raster.svg", {"raster"}),
        ("too_big.svg", {"too_big"}),
    ],
)
def test_fixture_logos_fail_for_their_reason(fixture, codes):
    report = check_svg((BIMI / fixture).read_bytes())
    assert codes <= report.codes(), report.errors
    if fixture == "too_big.svg":
        assert report.size > MAX_BYTES and report.codes() == {"too_big"}


@pytest.mark.parametrize(
    ("svg", "code"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" version="1.1"><title>x</title></svg>',
            "profile",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps"/>',
            "no_title",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps" x="1">'
            b"<title>x</title></svg>",
            "root_position",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps">'
            b'<title>x</title><use href="https://evil.example/a.svg#x"/></svg>',
            "external",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps">'
            b'<title>x</title><rect style="fill:url(https://evil.example/p)"/></svg>',
            "external",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps">'
            b'<title>x</title><foreignObject><p xmlns="http://www.w3.org/1999/xhtml"/>'
            b"</foreignObject></svg>",
            "raster",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps">'
            b'<title>x</title><animate attributeName="r"/></svg>',
            "animation",
        ),
        (b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>', "not_xml"),
        (b"<svg", "not_xml"),
        (b'<html xmlns="http://www.w3.org/1999/xhtml"/>', "not_svg"),
    ],
)
def test_profile_rules(svg, code):
    assert code in check_svg(svg).codes()


def test_metadata_may_hold_foreign_markup():
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps">'
        b"<title>x</title><metadata><rdf:RDF xmlns:rdf="
        b'"http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata></svg>'
    )
    assert check_svg(svg).ok
