"""`spamscore spamd` against Debian's spamc (SpamAssassin's own client), aiospamc (a
third-party Python client, for `Compress: zlib`), and raw bytes for what no client sends."""

from __future__ import annotations

import asyncio
import re
import subprocess
import zlib

import pytest

from scorer.opinions import Endpoint, spamd_opinion
from scorer.verdict import shown_score
from tests.web.spamd.conftest import HAM, SPAM, require

SCORE_LINE = re.compile(rb"^(-?\d+\.\d)/(\d+\.\d)\n")


def spamc(server, *args: str, message: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [require("spamc"), "-d", "127.0.0.1", "-p", str(server.port), *args],
        input=message,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def expected(offline_engine):
    return {path: offline_engine.analyze(path.read_bytes(), threshold=5.0) for path in (SPAM, HAM)}


@pytest.mark.parametrize("path", [SPAM, HAM], ids=["spam", "ham"])
def test_check_prints_score_and_exits_1_for_spam(spamd, expected, path):
    report = expected[path]
    result = spamc(spamd, "-c", message=path.read_bytes())
    match = SCORE_LINE.match(result.stdout)
    assert match, result.stdout
    assert float(match.group(1)) == pytest.approx(report.score, abs=0.051)
    assert match.group(2) == b"5.0"
    assert result.returncode == (1 if report.is_spam else 0)
    assert report.is_spam == (path == SPAM)


def test_full_report_lists_every_finding_with_its_points(spamd, expected):
    result = spamc(spamd, "-R", message=SPAM.read_bytes())
    assert result.returncode == 0  # spamc -R reports; only -c and -E set the exit code
    assert SCORE_LINE.match(result.stdout)
    text = result.stdout.decode()
    report = expected[SPAM]
    assert " pts rule name" in text
    for finding in report.findings:
        assert re.search(rf"^\s*{finding.score:.1f} {finding.id}\b", text, re.M), finding.id
    assert "How to fix it" in text
    assert re.search(r"^Full report: http://127\.0\.0\.1:8025/r/\S+$", text, re.M)


def test_our_own_spamd_client_reads_our_report_table(spamd, expected):
    """scorer.opinions parses spamd REPORT replies; ours must read as SpamAssassin's do."""
    opinion = spamd_opinion(Endpoint("127.0.0.1", spamd.port), SPAM.read_bytes(), timeout=30)
    report = expected[SPAM]
    assert opinion["is_spam"] is True
    assert opinion["threshold"] == 5.0
    assert {r["name"] for r in opinion["rules"]} == set(report.finding_ids())


def test_symbols_are_our_finding_ids(spamd, expected):
    result = spamc(spamd, "-y", message=SPAM.read_bytes())
    assert result.returncode == 0
    assert result.stdout.decode().strip().split(",") == expected[SPAM].finding_ids()


def test_report_if_spam_is_empty_for_ham(spamd):
    ham = spamc(spamd, "-r", message=HAM.read_bytes())
    assert (ham.returncode, ham.stdout) == (0, b"")
    spam = spamc(spamd, "-r", message=SPAM.read_bytes())
    assert b" pts rule name" in spam.stdout


def test_process_rewrites_headers_and_keeps_the_body(spamd, expected):
    forged = b"X-Spam-Flag: NO\r\nX-Spam-Status: No, score=-100\r\n\tforged=yes\r\n"
    original = forged + SPAM.read_bytes()
    result = spamc(spamd, "-E", message=original)
    assert result.returncode == 1  # -E: filter, and exit 1 for spam
    out = result.stdout
    head, _, body = out.partition(b"\r\n\r\n")  # the fixture has CRLF line endings
    assert body == SPAM.read_bytes().partition(b"\r\n\r\n")[2]
    assert b"X-Spam-Flag: YES" in head
    assert b"X-Spam-Flag: NO" not in head and b"forged=yes" not in head
    ids = ",".join(expected[SPAM].finding_ids()).encode()
    score = re.escape(shown_score(expected[SPAM]).encode())
    status = re.search(
        rb"X-Spam-Status: Yes, score=" + score + rb" required=5\.0\r\n\ttests=([^\r]+)", head
    )
    assert status and status.group(1) == ids
    assert re.search(rb"^X-Spam-Report-URL: http://127\.0\.0\.1:8025/r/[\w-]+\r$", head, re.M)
    assert b"\nSubject: Make money fast\r\n" in head


def test_process_keeps_a_ham_message_unflagged(spamd):
    result = spamc(spamd, "-E", message=HAM.read_bytes())
    assert result.returncode == 0
    assert b"X-Spam-Status: No, score=-1.5" in result.stdout
    assert b"X-Spam-Flag" not in result.stdout


def test_headers_returns_only_the_header_block(spamd):
    message = SPAM.read_bytes()
    request = b"HEADERS SPAMC/1.5\r\nContent-length: %d\r\n\r\n" % len(message)
    reply = spamd.exchange(request + message)
    head, _, block = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"SPAMD/1.1 0 EX_OK\r\nContent-length: %d\r\nSpam: True" % len(block))
    assert block.startswith(b"X-Spam-Checker-Version: spamscore")
    assert block.endswith(b"\r\n\r\n") and b"Act now" not in block
    # spamc --headers puts the original body back under the new header block
    result = spamc(spamd, "--headers", message=message)
    link = re.compile(rb"X-Spam-Report-URL: \S+")  # each request stores a new report
    expected = link.sub(b"", block + message.partition(b"\r\n\r\n")[2])
    assert link.sub(b"", result.stdout) == expected


def test_ping(spamd):
    assert spamc(spamd, "-K", message=b"").returncode == 0


def test_stored_report_is_the_one_linked(spamd, expected):
    from web.store import ReportStore

    result = spamc(spamd, "-R", message=SPAM.read_bytes())
    report_id = re.search(rb"/r/([\w-]+)", result.stdout).group(1).decode()
    store = ReportStore(f"sqlite:///{spamd.data_dir / 'reports.sqlite3'}")
    try:
        row = store.get(report_id)
        assert row is not None and row.raw == SPAM.read_bytes()
        assert row.report["score"] == expected[SPAM].score
    finally:
        store.dispose()


def test_tell_is_refused_as_spamd_refuses_it_when_learning_is_off(spamd):
    # spamc exits 74 (EX_IOERR) on a refused TELL, with real spamd as with ours
    assert spamc(spamd, "-L", "spam", message=SPAM.read_bytes()).returncode == 74
    reply = spamd.exchange(b"TELL SPAMC/1.5\r\nMessage-class: spam\r\nSet: local\r\n\r\n")
    assert reply.startswith(b"SPAMD/1.0 69 Service Unavailable: TELL is not supported")


def test_zlib_compressed_request_from_aiospamc(spamd, expected):
    aiospamc = pytest.importorskip("aiospamc")
    response = asyncio.run(
        aiospamc.check(SPAM.read_bytes(), host="127.0.0.1", port=spamd.port, compress=True)
    )
    assert response.status_code == 0
    spam = response.headers["Spam"]
    assert spam.value is True and spam.score == pytest.approx(expected[SPAM].score)
    processed = asyncio.run(
        aiospamc.process(HAM.read_bytes(), host="127.0.0.1", port=spamd.port, compress=True)
    )
    assert processed.body.endswith(HAM.read_bytes().partition(b"\n\n")[2])


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"FROB SPAMC/1.5\r\n\r\n", b"SPAMD/1.0 76 Bad header line: (unknown command"),
        (b"CHECK SPAMC/1.5\r\nContent-length: 12x\r\n\r\n", b"SPAMD/1.0 76 Bad header line"),
        (b"CHECK SPAMC/1.5\r\nno colon here\r\n\r\n", b"SPAMD/1.0 76 Bad header line"),
        (
            b"CHECK SPAMC/1.5\r\nContent-length: 100\r\n\r\nSubject: short\r\n\r\nhi",
            b"SPAMD/1.0 76 Bad header line: (Content-Length mismatch: Expected 100 bytes, got 20",
        ),
        (b"CHECK SPAMC/1.5\r\nCompress: gzip\r\n\r\n", b"SPAMD/1.0 76 Bad header line"),
        (
            b"CHECK SPAMC/1.5\r\nCompress: zlib\r\nContent-length: 9\r\n\r\nnot zlib!",
            b"SPAMD/1.0 69 Service Unavailable: zlib",
        ),
        (b"CHECK SPAMC/1.5\r\n" + b"X: y\r\n" * 300, b"SPAMD/1.0 76 Bad header line: (too many"),
        (b"CHECK SPAMC/1.5\r\nUser: a\x01b\r\n\r\n", b"SPAMD/1.0 76 Bad header line: (User"),
        (b"", b"SPAMD/1.0 76 Bad header line: (closed before headers)"),
    ],
    ids=[
        "unknown-command",
        "bad-length",
        "bad-header",
        "short-body",
        "gzip",
        "bad-zlib",
        "too-many-headers",
        "control-chars",
        "empty",
    ],
)
def test_bad_requests_get_spamd_error_codes(spamd, request_bytes, status):
    reply = spamd.exchange(request_bytes)
    assert reply.startswith(status), reply
    assert reply.count(b"\r\n") == 1  # one status line, then the connection closes


def test_size_limit_is_the_engines_and_a_zip_bomb_stops_there(start_spamd):
    small = start_spamd(SPAMSCORE_MAX_MESSAGE_BYTES="100000")
    big = b"Subject: big\r\n\r\n" + b"x" * 100_000
    declared = small.exchange(b"CHECK SPAMC/1.5\r\nContent-length: %d\r\n\r\n" % len(big) + big)
    assert declared.startswith(b"SPAMD/1.0 65 Message too large: 100016 bytes")
    bomb = zlib.compress(b"Subject: bomb\r\n\r\n" + b"a" * 50_000_000, 9)  # 48 KB
    assert len(bomb) < 100_000
    reply = small.exchange(
        b"CHECK SPAMC/1.5\r\nCompress: zlib\r\nContent-length: %d\r\n\r\n" % len(bomb) + bomb
    )
    assert reply.startswith(b"SPAMD/1.0 65 Message too large: over the limit of 100000 bytes")
    undeclared = small.exchange(b"CHECK SPAMC/1.1\r\n\r\n" + big)  # no length: read to EOF
    assert undeclared.startswith(b"SPAMD/1.0 65 Message too large")
    # spamc itself, over the limit: the error is not a clean verdict
    result = spamc(small, "-c", "-x", message=big)
    assert result.returncode != 0 and result.stdout == b"0/0\n"


def test_a_silent_client_gets_ex_timeout_and_never_hangs_the_server(spamd):
    reply = spamd.exchange(b"CHECK SPAMC/1.5\r\nContent-length: 50\r\n\r\nSubj", shut=False)
    assert reply.startswith(b"SPAMD/1.0 79 Timeout: (2 second socket timeout")
    assert spamc(spamd, "-c", message=HAM.read_bytes()).returncode == 0  # still serving


def test_old_protocol_versions_get_spamds_old_layouts(spamd):
    message = HAM.read_bytes()
    v12 = spamd.exchange(b"REPORT SPAMC/1.2\r\nContent-length: %d\r\n\r\n" % len(message) + message)
    # Exim reads exactly this layout with sscanf: no Content-length, Spam: first
    assert re.match(rb"SPAMD/1\.1 0 EX_OK\r\nSpam: False ; -1\.5 / 5\.0\r\n\r\n", v12)
    v10 = spamd.exchange(b"PROCESS SPAMC/1.0\r\n" + message)
    assert v10.startswith(b"SPAMD/1.0 0 EX_OK\r\nX-Spam-Checker-Version: spamscore")
    symbols = spamd.exchange(
        b"SYMBOLS SPAMC/1.2\r\nContent-length: %d\r\n\r\n" % len(message) + message
    )
    assert symbols.endswith(b"\r\n") and b"ML_HAM_00_05" in symbols


def test_clients_off_the_allowed_networks_are_refused(start_spamd):
    closed = start_spamd(SPAMSCORE_SPAMD_ALLOWED_IPS="10.0.0.0/8")
    reply = closed.exchange(b"PING SPAMC/1.5\r\n\r\n")
    assert reply.startswith(b"SPAMD/1.0 77 Permission denied: 127.0.0.1")
    assert spamc(closed, "-c", "-x", message=HAM.read_bytes()).stdout == b"0/0\n"
