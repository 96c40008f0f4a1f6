"""The `spamscore` command. `check` lives here; other subcommands (serve, train, eval, inbox,
send-test) are registered through the `spamscore.commands` entry-point group, so the engine
package never imports the web package.

Exit codes: 0 under the threshold, 1 at or over it, 2 on an error of use.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points
from typing import Any, NoReturn, TextIO

from scorer import i18n
from scorer.errors import MessageTooLargeError, SpamscoreError

EXIT_OK = 0
EXIT_SPAM = 1
EXIT_USAGE = 2


class UsageError(SpamscoreError):
    """An error of use: bad flag, unreadable file. Exit code 2, one line on stderr."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def add_analysis_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that runs an analysis (check, send-test)."""
    parser.add_argument("--json", action="store_true", help="print the v1 JSON report")
    parser.add_argument("--lang", choices=("en", "ja"), help="language of the report texts")
    parser.add_argument("--threshold", type=float, help="spam threshold (default 5.0)")


def _add_check(sub: Any) -> None:
    parser = sub.add_parser("check", help="analyse one message (a file, or - for stdin)")
    parser.add_argument("file", help="path to an RFC 5322 message (.eml), or - for stdin")
    add_analysis_options(parser)
    parser.add_argument("--offline", action="store_true", help="skip every network check")
    parser.add_argument("--sender-ip", help="IP address the message is (or will be) sent from")
    parser.add_argument("--helo", help="HELO/EHLO name of the sending server")
    parser.add_argument("--mail-from", help="envelope sender (default: Return-Path)")
    parser.add_argument("--dkim-selector", help="DKIM selector to check for an unsigned draft")
    parser.add_argument(
        "--nameserver",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="DNS server to query (repeatable; default: SPAMSCORE_NAMESERVERS or the system's)",
    )
    parser.set_defaults(func=run_check)


def read_input(path: str) -> bytes:
    """Bytes of `path`, or of stdin for `-`; unreadable input is an error of use."""
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


def run_check(args: argparse.Namespace) -> int:
    from scorer.context import Delivery
    from scorer.pipeline import Engine
    from scorer.settings import Settings

    raw = read_input(args.file)
    settings = Settings.from_env()
    if args.nameserver:
        settings = settings.replace(nameservers=tuple(args.nameserver))
    if args.offline:
        settings = settings.replace(offline=True)
    engine = Engine(settings)
    delivery = Delivery(
        sender_ip=args.sender_ip,
        helo=args.helo,
        mail_from=args.mail_from,
        dkim_selector=args.dkim_selector,
    )
    try:
        report = engine.analyze(raw, lang=args.lang, threshold=args.threshold, delivery=delivery)
    except MessageTooLargeError as exc:
        raise UsageError(str(exc)) from None
    print_report(report, as_json=args.json, lang=args.lang or settings.lang)
    return EXIT_SPAM if report.is_spam else EXIT_OK


def print_report(report: Any, *, as_json: bool, lang: str, out: TextIO | None = None) -> None:
    """Print a Report as JSON or as the readable text report."""
    out = out or sys.stdout
    if as_json:
        out.write(report.to_json(lang, indent=2) + "\n")
    else:
        out.write(format_text(report.to_dict(lang), lang))


def format_text(data: dict[str, Any], lang: str) -> str:
    """The readable report: verdict, categories, findings by impact with advice, checklist."""
    t = i18n.text
    lines: list[str] = []
    verdict = t("verdict.spam" if data["is_spam"] else "verdict.ham", lang)
    lines.append(
        f"{t('report.score', lang, score=data['score'], threshold=data['threshold'])}  [{verdict}]"
    )
    message = data.get("message") or {}
    if message.get("subject") is not None:
        lines.append(f"{t('report.subject', lang)}: {message['subject']}")
    if message.get("from"):
        lines.append(f"{t('report.from', lang)}: {message['from']}")
    nonzero = {k: v for k, v in data["categories"].items() if v}
    if nonzero:
        lines.append("")
        lines.append(t("report.categories", lang) + ":")
        capped = data.get("capped") or {}
        for name, value in sorted(nonzero.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {t('category.' + name, lang):<28} {value:+.2f}")
            if "uncorroborated" in capped.get(name, {}):
                limit = capped[name]
                lines.append(
                    "    " + t("report.uncorroborated", lang, raw=limit["raw"], cap=limit["cap"])
                )
    lines.append("")
    findings = data["findings"]
    if not findings:
        lines.append(t("report.no_findings", lang))
    else:
        lines.append(t("report.findings", lang) + ":")
        for finding in findings:
            severity = t("severity." + finding["severity"], lang)
            lines.append(f"  {finding['score']:+6.2f}  {severity:<8} {finding['id']}")
            lines.append(f"          {finding['title']}")
            for item in finding["evidence"][:5]:
                lines.append(f"          {t('report.evidence', lang)}: {item}")
            if finding["advice"] and finding["score"] > 0:
                lines.append(f"          {t('report.advice', lang)}: {finding['advice']}")
    if data.get("requirements"):
        lines.append("")
        lines.append(t("report.requirements", lang) + ":")
        for req in data["requirements"]:
            status = t("status." + req["status"], lang)
            reply = (
                f"  ({req['smtp_reply']})"
                if req.get("smtp_reply") and req["status"] == "fail"
                else ""
            )
            lines.append(f"  {status:<8} {req['id']}: {req['detail']}{reply}")
    classifier = data.get("classifier")
    if classifier and classifier.get("probability") is not None:
        lines.append("")
        # rule findings the model read are listed above already: show only the words
        text_features = [f for f in classifier.get("top_features", []) if f.get("source") != "rule"]
        words = ", ".join(
            f"{f['feature']}{' (subject)' if f.get('source') == 'subject' else ''} "
            f"{f['weight']:+.1f}"
            for f in text_features[:8]
        )
        lines.append(
            f"{t('report.classifier', lang)}: p(spam) = {classifier['probability']:.2f}"
            + (f"  [{words}]" if words else "")
        )
        if classifier.get("inconclusive"):
            lines.append(
                "  "
                + t(
                    "report.too_little_text",
                    lang,
                    words=classifier.get("words", 0),
                    min_words=classifier["inconclusive"].get("min_words", 0),
                )
            )
    if data.get("skipped"):
        lines.append("")
        skipped = ", ".join(f"{s['check']} ({s['reason']})" for s in data["skipped"])
        lines.append(f"{t('report.skipped', lang)}: {skipped}")
    lines.append(t("report.elapsed", lang, ms=data["elapsed_ms"]))
    return "\n".join(lines) + "\n"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="spamscore", description="Pre-send spam-score analyzer for email.")
    from scorer import __version__

    parser.add_argument("--version", action="version", version=f"spamscore {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add_check(sub)
    for entry in sorted(entry_points(group="spamscore.commands"), key=lambda e: e.name):
        if entry.name == "check":
            continue
        try:
            register = entry.load()
        except ImportError:
            continue  # an optional part (web, training) whose dependencies are not installed
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            raise UsageError("missing command (try: spamscore check FILE)")
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"spamscore: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SpamscoreError as exc:
        print(f"spamscore: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
