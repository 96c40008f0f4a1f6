"""MIME checks: attachments, encodings, Japanese charset findings and parser defects."""

from __future__ import annotations

from tests.scorer.checks._helpers import ids

HEAD = (
    "From: a@example.com\r\nTo: b@example.org\r\nSubject: Files\r\n"
    "Date: Thu, 15 Jan 2026 09:30:00 +0000\r\nMessage-ID: <1@example.com>\r\nMIME-Version: 1.0\r\n"
)


def _with_attachment(filename: str, ctype: str = "application/octet-stream") -> bytes:
    return (
        HEAD + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain"
        "\r\n\r\nSee attached.\r\n--b\r\nContent-Type: " + ctype + "\r\nContent-Disposition: "
        'attachment; filename="' + filename + '"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        "TVqQAAMAAAAEAAAA\r\n--b--\r\n"
    ).encode()


def test_risky_attachment_kinds(offline_engine):
    for name in (
        "setup.exe",
        "report.docm",
        "scan.pdf.js",
        "invoice.iso",
        "photo.jpg.scr",
        "statement\u202efdp.exe",
    ):
        report = offline_engine.analyze(_with_attachment(name))
        assert "MIME_RISKY_ATTACHMENT" in ids(report), name
    for name in ("report.pdf", "photo.jpg", "data.csv"):
        assert "MIME_RISKY_ATTACHMENT" not in ids(offline_engine.analyze(_with_attachment(name)))


def test_html_and_svg_attachments_are_their_own_finding(offline_engine):
    report = offline_engine.analyze(_with_attachment("remittance.svg", "image/svg+xml"))
    assert "MIME_HTML_ATTACHMENT" in ids(report)
    assert "MIME_RISKY_ATTACHMENT" not in ids(report)


def test_jis_label_on_shift_jis_bytes(offline_engine, fixture_bytes):
    report = offline_engine.analyze(fixture_bytes("jis_label_sjis_body.eml"))
    finding = report.get("MIME_JIS_8BIT")
    assert finding is not None and finding.params["codec"] == "cp932"
    assert "MIME_CHARSET_MISLABELLED" not in ids(report)  # one root cause, one finding


def test_corpus_style_jis_subject_with_raw_cp932_body(offline_engine, fixture_bytes):
    report = offline_engine.analyze(fixture_bytes("jis_subject_sjis_body_no_charset.eml"))
    assert {"MIME_CHARSET_MISSING", "MIME_BAD_CTE_7BIT"} <= ids(report)


def test_cp5022x_body_reports_kana_and_vendor_characters(offline_engine, fixture_bytes):
    report = offline_engine.analyze(fixture_bytes("jis_halfwidth_and_vendor_chars.eml"))
    assert report.get("MIME_JIS_HALFWIDTH_KANA").params["count"] == 3
    chars = report.get("MIME_JIS_VENDOR_CHARS").params["chars"]
    assert "①" in chars and "㈱" in chars


def test_lost_boundary_is_a_structure_defect(offline_engine):
    raw = (
        HEAD + "Content-Type: multipart/alternative; boundary=abc\r\n\r\n--xyz\r\n"
        "Content-Type: text/plain\r\n\r\nhello\r\n"
    ).encode()
    finding = offline_engine.analyze(raw).get("MIME_STRUCTURE_DEFECT")
    assert finding is not None
    assert any("Boundary" in d.key for d in finding.params["defects"])


def test_base64_utf8_japanese_is_not_bogus(offline_engine):
    raw = (
        HEAD + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64"
        "\r\n\r\n44GT44KT44Gr44Gh44GvCg==\r\n"
    ).encode()
    assert "MIME_BASE64_ASCII_TEXT" not in ids(offline_engine.analyze(raw))


def test_stub_text_part_differs_from_html(offline_engine):
    from scorer.compose import compose_message

    html = "<p>" + " ".join(f"word{i}" for i in range(80)) + "</p>"
    stub = offline_engine.analyze(
        compose_message(text="View this email in your browser.", html=html)
    )
    same = offline_engine.analyze(compose_message(text=html[3:-4], html=html))
    assert stub.get("MIME_ALT_PARTS_DIFFER").params["percent"] < 10
    assert "MIME_ALT_PARTS_DIFFER" not in ids(same)
