"""The preview document: nothing active survives, inline images show without a request."""

from __future__ import annotations

import base64

from scorer.compose import compose_message
from web.preview import inline_images, preview_csp, preview_document, sanitize

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_scripts_handlers_and_navigation_are_removed():
    html = sanitize(
        '<html><head><meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/x">'
        '<base href="http://127.0.0.1:9/"><link rel="stylesheet" href="http://127.0.0.1:9/s.css">'
        "<style>p{color:red}</style></head><body>"
        '<p onclick="go()" OnMouseOver="go()">hi<script>alert(1)</script></p>'
        '<img src="x" onerror="alert(1)"><a href=" javascript:alert(1)">a</a>'
        '<a href="JaVaScRiPt:alert(2)" ping="http://127.0.0.1:9/p">b</a>'
        '<iframe src="http://127.0.0.1:9/f"></iframe><object data="x"></object>'
        '<embed src="x"><form action="javascript:x()"><button formaction="javascript:y()">'
        '</button></form><svg><a xlink:href="javascript:1"><text>t</text></a></svg>'
        '<iframe srcdoc="<script>alert(3)</script>"></iframe></body></html>'
    )
    lowered = html.lower()
    for banned in (
        "<script",
        "onerror",
        "onclick",
        "onmouseover",
        "javascript:",
        "<iframe",
        "<object",
        "<embed",
        "<meta",
        "<base",
        "<link",
        "ping=",
        "srcdoc",
    ):
        assert banned not in lowered, banned
    assert "<style>p{color:red}</style>" in html
    assert '<a rel="noopener noreferrer">a</a>' in html


def test_cid_images_become_data_urls():
    raw = (
        b"From: a@example.com\r\nSubject: pic\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/related; boundary="r"\r\n\r\n--r\r\n'
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b'<p>Logo: <img src="cid:logo@example.com"><img src="cid:missing"></p>\r\n--r\r\n'
        b"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
        b"Content-ID: <logo@example.com>\r\n\r\n" + base64.b64encode(PNG) + b"\r\n--r--\r\n"
    )
    assert inline_images(raw) == {
        "logo@example.com": "data:image/png;base64," + base64.b64encode(PNG).decode()
    }
    document = preview_document(raw)
    assert 'src="data:image/png;base64,' in document
    assert 'src="cid:missing"' in document


def test_plain_text_messages_are_escaped_into_a_pre():
    raw = compose_message(text="<b>not bold</b> & more\n")
    document = preview_document(raw)
    assert "&lt;b&gt;not bold&lt;/b&gt; &amp; more" in document
    assert "<b>" not in document


def test_document_opens_links_outside_the_frame():
    document = preview_document(compose_message(html='<a href="https://example.com/">x</a>'))
    assert document.startswith('<!DOCTYPE html><html><head><meta charset="utf-8">')
    assert '<base target="_blank">' in document
    assert '<a href="https://example.com/" rel="noopener noreferrer">x</a>' in document


def test_csp_blocks_everything_but_inline_styles_and_local_images():
    assert preview_csp(False) == (
        "default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'; "
        "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
    )
    assert "img-src data: cid: https:;" in preview_csp(True)


def test_garbage_does_not_break_the_preview():
    for raw in (b"", b"\xff\xfe\x00", b"Content-Type: text/html\r\n\r\n<<<<>>>><!--", b"x" * 10):
        assert preview_document(raw).startswith("<!DOCTYPE html>")


MXSS = '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">'
SVG_ANIMATE = (
    '<svg><a><animate attributeName="href" values="javascript:alert(2)"/>'
    '<text x="20" y="20">Click me</text></a></svg>'
)
MORE = [
    '<svg><style>&lt;/style&gt;&lt;img src=x onerror="alert(3)"&gt;</style></svg>',
    '<form><math><mtext></form><form><mglyph><style></math><img src onerror="alert(4)">',
    '<noscript><p title="</noscript><img src=x onerror=alert(5)>"></noscript>',
    '<a href="data:text/html,&lt;script&gt;alert(6)&lt;/script&gt;">x</a>',
    '<img src="data:image/svg+xml,&lt;svg onload=alert(7)&gt;">',
]


def test_mutation_xss_and_svg_animation_never_reach_the_frame():
    for payload in (MXSS, SVG_ANIMATE, *MORE):
        out = sanitize(f"<p>Hello</p>{payload}<p>Bye</p>").lower()
        for banned in ("onerror", "onload", "alert(", "javascript:", "<svg", "<math", "animate"):
            assert banned not in out, (payload, out)
        assert "<p>hello</p>" in out  # what came before the payload still shows


def test_the_allow_list_keeps_what_newsletters_are_made_of():
    markup = (
        "<style><!-- .btn{color:#fff} td>p{margin:0} --></style>"
        '<table width="600" cellpadding="0" bgcolor="#eeeeee"><tr><td align="center" '
        'style="padding:8px" class="btn"><font face="Arial" color="#333">Hi</font>'
        '<a href="https://shop.example/sale" class="btn">Shop</a>'
        '<a href="mailto:help@shop.example">Mail</a>'
        '<img src="https://shop.example/logo.png" alt="Logo" width="120"></td></tr></table>'
    )
    out = sanitize(markup)
    assert out.startswith("<style> .btn{color:#fff} td>p{margin:0} </style>")
    for kept in (
        'width="600"',
        'bgcolor="#eeeeee"',
        'style="padding:8px"',
        'class="btn"',
        '<font face="Arial" color="#333">',
        'href="https://shop.example/sale"',
        'href="mailto:help@shop.example"',
        'src="https://shop.example/logo.png"',
        'alt="Logo"',
    ):
        assert kept in out, kept


def test_css_cannot_close_its_style_element():
    out = sanitize("<style>p{content:'</style><img src=x onerror=alert(1)>'}</style>x")
    assert "onerror" not in out
    assert out.count("<style>") == out.count("</style>") <= 1


def test_the_preview_page_of_a_stored_message_holds_no_payload(client):
    """Through the route, as a browser gets it: the payloads are not in the HTML at all (CSP and
    the sandbox would only be the second and third layer)."""
    for payload in (MXSS, SVG_ANIMATE, *MORE):
        html = f"<p>Hello</p>{payload}"
        raw = compose_message(from_="Shop <news@shop.example>", subject="Sale", html=html)
        made = client.post(
            "/api/v1/check?offline=true", data=raw, content_type="message/rfc822"
        ).get_json()
        page = client.get(f"/r/{made['id']}/preview")
        assert page.status_code == 200
        out = page.get_data(as_text=True).lower()
        for banned in ("onerror", "onload", "alert(", "javascript:", "<svg", "<math", "<animate"):
            assert banned not in out, (payload, banned)
        assert "<p>hello</p>" in out
        assert "default-src 'none'" in page.headers["Content-Security-Policy"]  # no script
