"""One lexbor parse gives WHATWG-correct text, and the hiding, link and form facts checks read."""

from __future__ import annotations

import warnings

import pytest

from scorer.htmldoc import parse_html

TRICKY = [
    "<b><i>bold italic</b> italic only</i> plain",
    "<p>one<p>two<div>three</div>four",
    "<table><tr><td>cell</td></tr>stray text<tr><td>cell two</td></tr></table>after",
    "<script>document.write('</div><p>not text</p>')</script><p>real text</p>",
    "<!-- a comment --!> visible <!-- another -- > still comment --> after comment",
    "<title>in body title</title><p>para</p>",
    "<p>a &amp; b &lt;c&gt; &notit; &#x1F600; &copy</p>",
    "<ul><li>one<li>two</ul><select><option>opt</select>",
    "<p>unclosed <a href=x>link <div>block in link</div> tail",
    "<style>p{color:red}</style><textarea>typed &amp; raw</textarea><p>end",
    "<html><head><meta charset=utf-8></head><body><center><font color=red>old</font></center>",
    "<p>x<table><tr><td>in</td></tr></table>y</p><br/>z",
]


def _html5lib_words(markup: str) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import html5lib

        tree = html5lib.parse(markup, namespaceHTMLElements=False)
    skip = {"script", "style", "head", "title", "template", "noscript"}
    words: list[str] = []

    def walk(element) -> None:
        if element.tag in skip:
            return
        if element.text:
            words.extend(element.text.split())
        for child in element:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                words.extend(child.tail.split())

    walk(tree)
    return words


@pytest.mark.parametrize("markup", TRICKY)
def test_visible_text_matches_the_whatwg_reference_parser(markup):
    ours = parse_html(markup, max_nodes=10_000).visible_text.split()
    assert ours == _html5lib_words(markup)


def test_hidden_text_has_a_reason_and_a_position():
    doc = parse_html(
        "<div style='display:none'>pre</div><p>Hello world</p>"
        "<span style='font-size:0px'>late hidden</span>",
        max_nodes=1000,
    )
    assert [(h.text, h.reason, h.position) for h in doc.hidden] == [
        ("pre", "display:none", 0),
        ("late hidden", "font-size:0", len("Hello world")),
    ]


def test_class_rules_and_media_queries():
    doc = parse_html(
        "<style>.x{display:none} .m{display:none} @media (max-width:600px){.m{display:block}}"
        "</style><p class='x'>gone</p><p class='m'>mobile</p><p>shown</p>",
        max_nodes=1000,
    )
    assert doc.hidden_text == "gone"
    assert "mobile" in doc.visible_text


def test_quirks_tables_do_not_inherit_font_colour():
    doc = parse_html(
        "<body bgcolor='#ffffff'><font color='#ffffff'><table><tr><td>legal footer</td></tr>"
        "</table></font><font color='#ffffff'>white words</font></body>",
        max_nodes=1000,
    )
    assert "legal footer" in doc.visible_text
    assert doc.hidden_text == "white words"


def test_links_images_forms_and_inputs():
    doc = parse_html(
        "<a href=' https://e.example/x '>Go <img src='a.png' alt='Arrow'></a>"
        "<form action='https://f.example/'><input type=PASSWORD><input></form>"
        "<img src='https://t.example/p.gif' width=1 height=1>",
        max_nodes=1000,
    )
    assert doc.links[0].href == "https://e.example/x" and doc.links[0].text == "Go Arrow"
    assert doc.form_actions == ["https://f.example/"]
    assert doc.input_types == ["password", "text"]
    assert doc.images[1].is_tracking_pixel and not doc.images[0].is_tracking_pixel
