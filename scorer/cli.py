"""The `spamscore` command. `check` lives here; other subcommands (serve, train, eval, inbox,
send-test, spamd, db) are registered through the `spamscore.commands` entry-point group, so the
engine package never imports the web package. Their parsers are built lazily: `spamscore check`
loads no plugin at all (and so neither Flask nor SQLAlchemy), another command loads only its
own, and only help or an unknown command loads them all.

Exit codes: 0 under the threshold, 1 at or over it, 2 on an error of use.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points
from typing import Any, NoReturn, TextIO

from scorer.commands import (
    ENTRY_POINT_GROUP,
    EXIT_INCONCLUSIVE,
    EXIT_OK,
    EXIT_SPAM,
    EXIT_USAGE,
    add_analysis_options,
    read_input,
)
from scorer.errors import MessageTooLargeError, SpamscoreError, UsageError
from scorer.kind import AUTO, CHOICES
from scorer.textreport import format_text

__all__ = [
    "EXIT_INCONCLUSIVE",
    "EXIT_OK",
    "EXIT_SPAM",
    "EXIT_USAGE",
    "UsageError",
    "format_text",
    "main",
    "read_input",
]
BUILTIN_COMMANDS = ("check", "diff")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


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


def _add_diff(sub: Any) -> None:
    parser = sub.add_parser(
        "diff",
        help="compare two drafts (or two saved reports): findings gone, new and changed",
        description="Compare A (before) with B (after). Each is a message or template file "
        "(analysed as `spamscore check` would), or a report saved with `check --json` or "
        "downloaded from the web form. Reports scored with different rules or model versions "
        "are compared too, and the output says so.",
    )
    parser.add_argument("before", metavar="A", help="the earlier draft or report (- for stdin)")
    parser.add_argument("after", metavar="B", help="the later draft or report")
    parser.add_argument("--json", action="store_true", help="print the comparison as JSON")
    parser.add_argument("--lang", choices=("en", "ja"), help="language of the texts")
    parser.add_argument("--offline", action="store_true", help="skip every network check")
    parser.add_argument(
        "--nameserver", action="append", default=[], metavar="HOST[:PORT]", help="DNS server"
    )
    parser.set_defaults(func=run_diff)


def run_diff(args: argparse.Namespace) -> int:
    import json

    from scorer.compare import compare
    from scorer.textreport import format_diff

    engine = None
    lang = args.lang or "en"
    reports = []
    for path in (args.before, args.after):
        data = read_input(path)
        report = _saved_report(data)
        if report is None:
            if engine is None:
                engine = _engine(args)
                lang = args.lang or engine.settings.lang
            report = _analyse_file(engine, path, data, lang)
        reports.append(report)
    if engine is not None:
        engine.close()
    diff = compare(reports[0], reports[1], lang)
    if args.json:
        sys.stdout.write(json.dumps(diff, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_diff(diff, lang))
    return EXIT_OK


def _saved_report(data: bytes) -> dict[str, Any] | None:
    """A v1 report saved as JSON (check --json, the web form's download), else None."""
    import json

    head = data.lstrip()[:1]
    if head != b"{":
        return None
    try:
        found = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if isinstance(found, dict) and found.get("version") == 1 and "findings" in found:
        return found
    return None


def _analyse_file(engine: Any, path: str, data: bytes, lang: str) -> dict[str, Any]:
    """A message, or a template body wrapped as a draft, analysed as `check` does."""
    from scorer.draft import body_draft, looks_like_message
    from scorer.lint import HTML_SUFFIXES, TEXT_SUFFIXES

    draft = None
    suffix = path.lower().rsplit(".", 1)[-1] if "." in path else ""
    is_body = f".{suffix}" in HTML_SUFFIXES + TEXT_SUFFIXES or not looks_like_message(data)
    if is_body and f".{suffix}" != ".eml":
        wrapped = body_draft(data, path)
        data, draft = wrapped.to_message(), wrapped.info().to_dict()
    try:
        return engine.analyze(data, lang=lang, draft=draft).to_dict(lang)
    except MessageTooLargeError as exc:
        raise UsageError(str(exc)) from None


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
    if any(r.report.incomplete is not None for r in results):
        return EXIT_INCONCLUSIVE
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


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with the built-in commands and `command`'s plugin; every plugin when
    `command` is None or names none of them (help, or an error that lists the choices)."""
    parser = _Parser(prog="spamscore", description="Pre-send spam-score analyzer for email.")
    from scorer import __version__

    parser.add_argument("--version", action="version", version=f"spamscore {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add_check(sub)
    _add_diff(sub)
    if command in BUILTIN_COMMANDS:
        return parser  # `spamscore check` reads no entry point and imports no plugin
    entries = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)
    if any(entry.name == command for entry in entries):
        entries = [entry for entry in entries if entry.name == command]
    for entry in entries:
        if entry.name in BUILTIN_COMMANDS:
            continue
        try:
            register = entry.load()
        except ImportError:
            continue  # an optional part (web, training) whose dependencies are not installed
        register(sub)
    return parser


def command_of(argv: Sequence[str]) -> str | None:
    """The subcommand `argv` asks for (its first word that is not an option), if any."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(command_of(argv))
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
