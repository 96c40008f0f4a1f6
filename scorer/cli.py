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
from scorer.kind import AUTO, CHOICES

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
    parser = sub.add_parser(
        "check",
        help="analyse messages or body-only templates (.eml, .html, .txt; - for stdin)",
        description="Analyse each file: a full message (.eml), or a template body (.html, "
        ".txt) wrapped as a draft with --from/--subject. Globs are expanded (also quoted "
        "ones, with ** for subfolders); an .html and a .txt of the same name are one draft.",
    )
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="messages or templates, globs, or - for stdin"
    )
    add_analysis_options(parser)
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="text (default), json, sarif (GitHub code scanning), junit (CI test reports), "
        "github (workflow annotations)",
    )
    parser.add_argument(
        "--fail-on",
        action="append",
        default=[],
        metavar="SCORE|ID",
        help="fail a file at or over SCORE, or when it has finding ID (repeatable, or "
        "comma-separated); default: at or over the threshold",
    )
    parser.add_argument("--from", dest="from_", metavar="ADDRESS", help="From of a template draft")
    parser.add_argument("--subject", help="Subject of a template draft (default: its <title>)")
    parser.add_argument("--to", help="To of a template draft")
    parser.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="extra header for a template draft, e.g. List-Unsubscribe (repeatable)",
    )
    parser.add_argument("--offline", action="store_true", help="skip every network check")
    parser.add_argument("--sender-ip", help="IP address the message is (or will be) sent from")
    parser.add_argument("--helo", help="HELO/EHLO name of the sending server")
    parser.add_argument("--mail-from", help="envelope sender (default: Return-Path)")
    parser.add_argument("--dkim-selector", help="DKIM selector to check for an unsigned draft")
    parser.add_argument("--bimi-svg", metavar="FILE", help="BIMI logo (SVG) to check")
    parser.add_argument("--bimi-cert", metavar="FILE", help="BIMI mark certificate (PEM) to check")
    parser.add_argument(
        "--bimi-fetch",
        action="store_true",
        help="fetch the logo and certificate the BIMI record names (guarded, HTTPS only)",
    )
    parser.add_argument(
        "--kind",
        choices=CHOICES,
        default=AUTO,
        help="what the message is: auto (default: decided from the message), marketing, "
        "transactional or personal; bulk-mail rules apply only to the kinds they bind",
    )
    parser.add_argument(
        "--nameserver",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="DNS server to query (repeatable; default: SPAMSCORE_NAMESERVERS or the system's)",
    )
    parser.set_defaults(func=run_check)


FORMATS = ("text", "json", "sarif", "junit", "github")


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
    from scorer.lint import FailPolicy, Input, collect_inputs, format_results, lint

    fmt = args.format or ("json" if args.json else "text")
    try:
        policy = FailPolicy.parse(args.fail_on)
        inputs: list[Input] = collect_inputs(args.files)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    engine = _engine(args)
    delivery = Delivery(
        sender_ip=args.sender_ip,
        helo=args.helo,
        mail_from=args.mail_from,
        dkim_selector=args.dkim_selector,
        bimi_svg=_read_text(args.bimi_svg),
        bimi_certificate=_read_text(args.bimi_cert),
        bimi_fetch=True if args.bimi_fetch else None,
    )
    try:
        headers = dict(_header_arg(h) for h in args.header)
        results = lint(
            engine,
            inputs,
            read=read_input,
            policy=policy,
            draft_fields={"from_": args.from_, "subject": args.subject, "to": args.to},
            headers=headers,
            lang=args.lang,
            threshold=args.threshold,
            delivery=delivery,
            kind=args.kind,
        )
    except (MessageTooLargeError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    lang = args.lang or engine.settings.lang
    if fmt == "text" and len(results) == 1 and results[0].wrapped is None:
        print_report(results[0].report, as_json=False, lang=lang)  # one message: as before
    elif fmt == "json" and len(results) == 1:
        print_report(results[0].report, as_json=True, lang=lang)  # the v1 report, as before
    else:
        sys.stdout.write(format_results(results, fmt, lang))
    return EXIT_SPAM if any(r.failed for r in results) else EXIT_OK


def _engine(args: argparse.Namespace) -> Any:
    from scorer.pipeline import Engine
    from scorer.settings import Settings

    settings = Settings.from_env()
    if args.nameserver:
        settings = settings.replace(nameservers=tuple(args.nameserver))
    if args.offline:
        settings = settings.replace(offline=True)
    return Engine(settings)


def _header_arg(value: str) -> tuple[str, str]:
    name, sep, rest = value.partition(":")
    if not sep or not name.strip() or any(c in name for c in " \t\r\n"):
        raise UsageError(f"--header must be 'Name: value', not {value!r}")
    if "\r" in rest or "\n" in rest:
        raise UsageError("--header must be one line")
    return name.strip(), rest.strip()


def _read_text(path: str | None) -> str | None:
    """A BIMI upload given on the command line (an unreadable file is an error of use)."""
    if not path:
        return None
    try:
        return open(path, encoding="utf-8", errors="replace").read(1_048_576)
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror}") from None


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
    kind = data.get("kind")
    if kind:
        lines.append(_kind_line(kind, lang))
    nonzero = {k: v for k, v in data["categories"].items() if v}
    if nonzero:
        lines.append("")
        lines.append(t("report.categories", lang) + ":")
        for name, value in sorted(nonzero.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {t('category.' + name, lang):<28} {value:+.2f}")
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
            if finding.get("refined_by"):
                ids = ", ".join(finding["refined_by"])
                lines.append(f"          {t('report.refined_by', lang, ids=ids)}")
            for item in finding["evidence"][:5]:
                lines.append(f"          {t('report.evidence', lang)}: {item}")
            if finding["advice"] and finding["score"] > 0:
                lines.append(f"          {t('report.advice', lang)}: {finding['advice']}")
    not_applicable = data.get("not_applicable") or []
    if not_applicable:
        lines.append("")
        lines.append(t("report.not_applicable", lang, kind=kind["label"] if kind else "") + ":")
        for item in not_applicable:
            lines.append(f"  {item['id']}: {item['title']}")
        lines.append(f"  ({not_applicable[0]['reason']})")
    if data.get("requirements"):
        lines.append("")
        as_of = data.get("requirements_as_of")
        dated = f" ({t('report.rules_as_of', lang, date=as_of)})" if as_of else ""
        lines.append(t("report.requirements", lang) + dated + ":")
        for req in data["requirements"]:
            applicable = req.get("applicable", True)
            status = t("status." + req["status"] if applicable else "status.not_applicable", lang)
            failing = req["status"] == "fail"
            reply = f"  ({req['smtp_reply']})" if req.get("smtp_reply") and failing else ""
            since = (
                f"  [{t('report.since', lang, date=req['effective_from'])}]"
                if failing and req.get("effective_from")
                else ""
            )
            lines.append(f"  {status:<8} {req['id']}: {req['detail']}{reply}{since}")
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
    if data.get("skipped"):
        lines.append("")
        skipped = ", ".join(f"{s['check']} ({s['reason']})" for s in data["skipped"])
        lines.append(f"{t('report.skipped', lang)}: {skipped}")
    lines.append(t("report.elapsed", lang, ms=data["elapsed_ms"]))
    return "\n".join(lines) + "\n"


def _kind_line(kind: dict[str, Any], lang: str) -> str:
    """`Kind: Transactional (decided from the message: subject "Your receipt", ...)`."""
    t = i18n.text
    how = t("report.kind_source." + kind["source"], lang)
    shown = [
        f'{e["label"]} "{e["text"]}"' if e.get("text") else e["label"]
        for e in kind.get("evidence", [])
        if e["kind"] == kind["detected"] and kind["source"] == "auto"
    ][:3]
    line = f"{t('report.kind', lang)}: {kind['label']} ({how}{': ' if shown else ''}"
    line += "; ".join(shown) + ")"
    if kind.get("note"):
        line += f" {kind['note']}"
    return line


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
