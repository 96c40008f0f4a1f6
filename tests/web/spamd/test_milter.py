"""The milter path: Debian's spamass-milter (which runs spamc) against `spamscore spamd`,
driven by miltertest (OpenDKIM's milter test harness) with a Lua script per message."""

from __future__ import annotations

import email
import signal
import subprocess
import time
from email import policy
from pathlib import Path

import pytest

from scorer.draft import Draft
from tests.web.spamd.conftest import HAM, SPAM, require

SPAMMY = Path(__file__).resolve().parents[2] / "data" / "templates" / "promo_spammy.html"
REJECT_AT = 10  # spamass-milter -r: refuse at or over this score


def _lua(text: str) -> str:
    return "[==[" + text + "]==]"


def milter_script(raw: bytes, socket: str) -> str:
    """A miltertest script: one SMTP transaction of `raw`, then the reply and added headers."""
    parsed = email.message_from_bytes(raw, policy=policy.compat32)
    body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")[2].decode("utf-8", "replace")
    lines = [
        f"conn = mt.connect({_lua(socket)}, 40, 0.25)",
        'if conn == nil then error("cannot connect to the milter") end',
        'mt.conninfo(conn, "client.example.net", "192.0.2.7")',
        'mt.helo(conn, "client.example.net")',
        'mt.mailfrom(conn, "<sender@example.com>")',
        'mt.rcptto(conn, "<reader@example.org>")',
    ]
    for name, value in parsed.raw_items():
        lines.append(f"mt.header(conn, {_lua(name)}, {_lua(' '.join(str(value).split()))})")
    lines += [
        "mt.eoh(conn)",
        f"mt.bodystring(conn, {_lua(body.replace(chr(10), chr(13) + chr(10)))})",
        "mt.eom(conn)",
        'mt.echo("reply=" .. string.char(mt.getreply(conn)))',
    ]
    for header in ("X-Spam-Flag", "X-Spam-Status", "X-Spam-Checker-Version"):
        lines.append(f'v = mt.getheader(conn, "{header}", 0)')
        lines.append(f'if v ~= nil then mt.echo("{header}: " .. v) end')
    lines.append("mt.disconnect(conn)")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def milter(spamd, tmp_path_factory):
    binary = require("spamass-milter")
    require("miltertest")
    folder = tmp_path_factory.mktemp("milter")
    socket = folder / "spamass.sock"
    log = (folder / "milter.log").open("wb")
    proc = subprocess.Popen(
        [
            binary,
            "-p",
            str(socket),
            "-r",
            str(REJECT_AT),
            "--",
            "-d",
            "127.0.0.1",
            "-p",
            str(spamd.port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while not socket.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert socket.exists(), f"spamass-milter did not start: {(folder / 'milter.log').read_text()}"
    yield f"unix:{socket}", folder
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def send(milter, raw: bytes, name: str) -> dict[str, str]:
    socket, folder = milter
    script = folder / f"{name}.lua"
    script.write_text(milter_script(raw, socket))
    result = subprocess.run(
        [require("miltertest"), "-s", str(script)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    seen: dict[str, str] = {}
    for line in result.stdout.splitlines():
        key, sep, value = line.partition("=" if line.startswith("reply=") else ": ")
        if sep and key in ("reply", "X-Spam-Flag", "X-Spam-Status", "X-Spam-Checker-Version"):
            seen[key] = value.strip()
    seen["output"] = result.stdout  # a folded X-Spam-Status goes on over several lines
    return seen


def test_spam_under_the_reject_score_gets_our_headers(milter, offline_engine):
    band = next(i for i in offline_engine.analyze(SPAM.read_bytes()).finding_ids() if "ML_" in i)
    seen = send(milter, SPAM.read_bytes(), "spam")
    assert seen["reply"] == "c"  # SMFIR_CONTINUE: delivered, marked
    assert seen["X-Spam-Flag"] == "YES"
    assert seen["X-Spam-Status"].startswith("Yes, score=")
    assert f"tests={band},BODY_SPAM_PHRASES" in seen["output"]
    assert seen["X-Spam-Checker-Version"].startswith("spamscore ")


def test_ham_is_marked_clean(milter):
    seen = send(milter, HAM.read_bytes(), "ham")
    assert seen["reply"] == "c"
    assert "X-Spam-Flag" not in seen
    assert seen["X-Spam-Status"].startswith("No, score=")


def test_over_the_reject_score_the_milter_rejects(milter, offline_engine):
    raw = Draft(html=SPAMMY.read_text(), from_="Deals <deals@example.com>").to_message()
    assert offline_engine.analyze(raw).score >= REJECT_AT
    seen = send(milter, raw, "reject")
    assert seen["reply"] == "y"  # SMFIR_REPLYCODE: the 5xx reply spamass-milter sends
