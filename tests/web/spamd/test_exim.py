"""A real MTA end to end on loopback: Debian's Exim (exim4-daemon-heavy) with its `spam =` ACL
condition pointed at `spamscore spamd` (spamd_address). SMTP in; the delivered message carries
our verdict headers; a message over the reject score is refused at DATA. Exim runs with its own
configuration in a temporary folder on a free port (never the system MTA's)."""

from __future__ import annotations

import shutil
import smtplib
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from scorer.draft import Draft
from tests.support.processes import free_port
from tests.web.spamd.conftest import HAM, SPAM

SPAMMY = Path(__file__).resolve().parents[2] / "data" / "templates" / "promo_spammy.html"

CONFIG = """
primary_hostname = mta.spamscore.test
exim_user = {user}
exim_group = {user}
never_users =
keep_environment =
tls_advertise_hosts =
spool_directory = {root}/spool
log_file_path = {root}/log/%slog
daemon_smtp_ports = {port}
local_interfaces = 127.0.0.1
spamd_address = 127.0.0.1 {spamd_port}
acl_smtp_rcpt = acl_check_rcpt
acl_smtp_data = acl_check_data

begin acl
acl_check_rcpt:
  accept
acl_check_data:
  warn  spam       = nobody:true
        add_header = X-Spam-Score: $spam_score
        add_header = X-Spam-Bar: $spam_bar
        add_header = X-Spam-Report: $spam_report
  deny  spam       = nobody
        condition  = ${{if >={{$spam_score_int}}{{100}}}}
        message    = rejected as spam (score $spam_score)
  accept

begin routers
everyone:
  driver = accept
  transport = to_file

begin transports
to_file:
  driver = appendfile
  file = {root}/mail/inbox
  user = {user}
  mode = 0666
"""


@pytest.fixture(scope="module")
def exim(spamd):
    binary = shutil.which("exim4") or shutil.which("exim")
    if binary is None:
        pytest.skip("Exim is not installed (exim4-daemon-heavy, scripts/apt-packages.txt)")
    # Exim drops to its own user (a -C configuration costs it root): pytest's folders are
    # private to root, so this one is made readable to that user.
    root = Path(tempfile.mkdtemp(prefix="spamscore-exim-"))
    for sub in ("spool", "log", "mail"):
        (root / sub).mkdir()
    root.chmod(0o777)
    for sub in ("spool", "log", "mail"):
        (root / sub).chmod(0o777)
    port = free_port()
    user = "Debian-exim" if _user_exists("Debian-exim") else "exim"
    config = root / "exim.conf"
    config.write_text(CONFIG.format(root=root, port=port, spamd_port=spamd.port, user=user))
    # -bdf: the listening daemon in the foreground, -odi: deliver at once, -oX: our port only
    proc = subprocess.Popen(
        [binary, "-C", str(config), "-bdf", "-odi", "-oX", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=2) as client:
                client.noop()
            break
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("Exim did not start listening")
    assert proc.poll() is None, f"Exim exited: {_logs(root)}"
    yield port, root
    proc.terminate()
    proc.wait(timeout=10)
    shutil.rmtree(root, ignore_errors=True)


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _deliver(port: int, raw: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
        client.sendmail("sender@example.com", ["reader@example.org"], raw)


def _delivered(root: Path, token: bytes, timeout: float = 20) -> bytes:
    inbox = root / "mail" / "inbox"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if inbox.exists():
            for message in inbox.read_bytes().split(b"\nFrom sender@example.com "):
                if token in message:
                    return message
        time.sleep(0.1)
    raise AssertionError(f"not delivered: {_logs(root)}")


def _logs(root: Path) -> str:
    return " | ".join(p.read_text()[-1500:] for p in sorted((root / "log").glob("*")))


def test_delivered_spam_carries_our_verdict(exim):
    port, root = exim
    _deliver(port, SPAM.read_bytes())
    message = _delivered(root, b"Subject: Make money fast")
    head = message.partition(b"\n\n")[0]
    assert b"\nX-Spam-Bar: +++++" in head
    score = float(head.split(b"X-Spam-Score: ", 1)[1].split(b"\n", 1)[0])
    assert score >= 5.0
    assert b"X-Spam-Report: spamscore, a pre-send spam analyzer, has identified" in head
    assert b"BODY_SPAM_PHRASES      Spam phrasing" in head


def test_delivered_ham_is_marked_clean(exim):
    port, root = exim
    _deliver(port, HAM.read_bytes())
    message = _delivered(root, b"Subject: Your January picks")
    assert b"has NOT identified this email as spam" in message
    assert b"ML_HAM_00_05" in message


def test_over_the_reject_score_exim_refuses_the_message(exim, offline_engine):
    port, _root = exim
    raw = Draft(html=SPAMMY.read_text(), from_="Deals <deals@example.com>").to_message()
    assert offline_engine.analyze(raw).score >= 10
    with pytest.raises(smtplib.SMTPDataError) as refused:
        _deliver(port, raw)
    assert refused.value.smtp_code == 550
    assert b"rejected as spam" in refused.value.smtp_error
