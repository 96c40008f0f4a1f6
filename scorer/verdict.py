"""A report's verdict as other mail tools write it: SpamAssassin's `X-Spam-*` headers, its
score line, and rspamd's action names.

The protocol faces (the spamd listener, the rspamd- and Postmark-compatible endpoints, the
milter path through spamass-milter) all take their markup from here, so a verdict reads the
same whichever tool asked. Rewriting keeps the body byte for byte: headers are added at the top
and any `X-Spam-*` header the sender wrote is removed first, so a forged `X-Spam-Flag: NO`
never travels on beside ours.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from scorer.report import Report

NO_ACTION = "no action"
ADD_HEADER = "add header"
REJECT = "reject"
_MAX_TESTS_CHARS = 900  # X-Spam-Status stays well under the 998-octet line limit once folded
_X_SPAM = re.compile(rb"^x-spam-[^:\r\n]*:", re.IGNORECASE)


@dataclass(frozen=True)
class Thresholds:
    """Scores at which a message is spam (`add header`) and at which an MTA should refuse it."""

    spam: float = 5.0
    reject: float = 10.0

    def action(self, score: float) -> str:
        """rspamd's action for `score`: `reject`, `add header` or `no action`."""
        if score >= self.reject:
            return REJECT
        if score >= self.spam:
            return ADD_HEADER
        return NO_ACTION


def shown_score(report: Report) -> str:
    """The score with one decimal, as spamd prints it, never contradicting the verdict: a
    4.96 that is not spam shows as 4.9, not 5.0 (SpamAssassin's get_tag_value_for_score)."""
    text = f"{report.score:.1f}"
    if not report.is_spam and float(text) >= report.threshold:
        text = f"{report.threshold - 0.1:.1f}"
    elif report.is_spam and float(text) < report.threshold:
        text = f"{report.threshold:.1f}"
    return text


def spam_line(report: Report, *, yes_no: bool = False) -> str:
    """`True ; 7.5 / 5.0`: the value of spamd's `Spam:` response header."""
    words = ("Yes", "No") if yes_no else ("True", "False")  # REPORT_IFSPAM says Yes/No
    word = words[0] if report.is_spam else words[1]
    return f"{word} ; {shown_score(report)} / {report.threshold:.1f}"


def test_names(report: Report) -> list[str]:
    """Ids of every finding, by impact (SpamAssassin's `tests=` and SYMBOLS list)."""
    return [f.id for f in report.findings]


def spam_headers(
    report: Report,
    *,
    version: str,
    report_url: str | None = None,
    hostname: str | None = None,
) -> list[tuple[str, str]]:
    """The `X-Spam-*` headers for `report`, in SpamAssassin's names and formats, plus the link
    to the stored report when there is one."""
    host = hostname or socket.gethostname()
    tests = ",".join(test_names(report)) or "none"
    if len(tests) > _MAX_TESTS_CHARS:
        tests = tests[: tests.rfind(",", 0, _MAX_TESTS_CHARS)] + ",..."
    yes = "Yes" if report.is_spam else "No"
    status = (
        f"{yes}, score={shown_score(report)} required={report.threshold:.1f}\n\ttests="
        + _fold(tests)
        + f"\n\tversion={version}"
    )
    headers = [("X-Spam-Checker-Version", f"spamscore {version} on {host}")]
    if report.is_spam:
        headers.append(("X-Spam-Flag", "YES"))
    headers.append(("X-Spam-Level", "*" * max(0, min(50, int(report.score)))))
    headers.append(("X-Spam-Status", status))
    headers.append(("X-Spam-Score", f"{report.score:.2f}"))
    if report_url:
        headers.append(("X-Spam-Report-URL", report_url))
    return headers


def _fold(tests: str, width: int = 70) -> str:
    lines: list[str] = []
    current = ""
    for name in tests.split(","):
        piece = name if not current else "," + name
        if current and len(current) + len(piece) > width:
            lines.append(current + ",")
            current = name
        else:
            current += piece
    lines.append(current)
    return "\n\t".join(lines)


def header_block(headers: Iterable[tuple[str, str]], eol: bytes = b"\r\n") -> bytes:
    """`Name: value` lines; a value's own line breaks become folded continuation lines."""
    out = []
    for name, value in headers:
        text = f"{name}: {value}".replace("\r\n", "\n").replace("\n", eol.decode())
        out.append(text.encode("utf-8", "surrogateescape") + eol)
    return b"".join(out)


def rewrite(raw: bytes, headers: Iterable[tuple[str, str]]) -> bytes:
    """`raw` with every `X-Spam-*` header removed and `headers` added on top; the rest of the
    header block and the body are kept byte for byte, in the message's own line endings."""
    eol = b"\r\n" if b"\r\n" in raw[:4096] else b"\n"
    start = 0
    prefix = b""
    if raw.startswith(b"From "):  # an mbox envelope line stays first
        cut = raw.find(b"\n") + 1 or len(raw)
        prefix, start = raw[:cut], cut
    end = _header_end(raw, start)
    kept = _without_x_spam(raw[start:end])
    return prefix + header_block(headers, eol) + kept + raw[end:]


def headers_only(raw: bytes) -> bytes:
    """The header block of `raw` up to and including the blank line (spamd's HEADERS)."""
    end = _header_end(raw, 0)
    for sep in (b"\r\n\r\n", b"\n\n"):
        index = raw.find(sep, 0, end + len(sep))
        if index >= 0:
            return raw[: index + len(sep)]
    return raw[:end] + (b"\r\n" if b"\r\n" in raw[:4096] else b"\n")


def _header_end(raw: bytes, start: int) -> int:
    """Index where the header block ends (the blank line stays with the body)."""
    candidates = [i for i in (raw.find(b"\r\n\r\n", start), raw.find(b"\n\n", start)) if i >= 0]
    if not candidates:
        return len(raw)
    index = min(candidates)
    return index + (2 if raw.startswith(b"\r\n", index) else 1)


def x_spam_names(raw: bytes) -> list[str]:
    """Names of the `X-Spam-*` headers `raw` already carries (written by the sender, or by a
    filter before us), as written."""
    block = raw[: _header_end(raw, 0)]
    names = []
    for line in block.splitlines():
        if _X_SPAM.match(line):
            name = line.split(b":", 1)[0].decode("ascii", "replace")
            if name not in names:
                names.append(name)
    return names


def _without_x_spam(block: bytes) -> bytes:
    lines = block.splitlines(keepends=True)
    out: list[bytes] = []
    dropping = False
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            if not dropping:
                out.append(line)
            continue
        dropping = bool(_X_SPAM.match(line))
        if not dropping:
            out.append(line)
    return b"".join(out)


def text_report(report: Report, *, lang: str | None = None, report_url: str | None = None) -> str:
    """spamd's REPORT body: a short preamble, SpamAssassin's `pts rule name description` table
    (so tools that read spamd reports read ours), then the fixes, biggest first."""
    data = report.to_dict(lang)
    verdict = "has identified" if report.is_spam else "has NOT identified"
    lines = [f"spamscore, a pre-send spam analyzer, {verdict} this email as spam."]
    if report.incomplete is not None:
        unread = ", ".join([*report.incomplete["limits"], *report.incomplete["checks"]])
        lines.append(
            f"The analysis did not finish ({unread}): the verdict is inconclusive, and an "
            "unfinished analysis is treated as spam."
        )
    lines += [
        "",
        f"Content analysis details:   ({shown_score(report)} points, "
        f"{report.threshold:.1f} required)",
        "",
        " pts rule name              description",
        "---- ---------------------- --------------------------------------------------",
    ]
    for finding in data["findings"]:
        title = " ".join(str(finding["title"]).split())
        lines.append(f"{finding['score']:4.1f} {finding['id']:<22} {title}")
    fixes = [f for f in data["findings"] if f["score"] > 0 and f.get("advice")]
    if fixes:
        lines += ["", "How to fix it, biggest first:"]
        for finding in fixes:
            advice = " ".join(str(finding["advice"]).split())
            lines.append(f" * {finding['id']}: {advice}")
    if report_url:
        lines += ["", f"Full report: {report_url}"]
    return "\n".join(lines) + "\n"
