"""`spamscore inbox` (the SMTP test inbox) and `spamscore send-test` (send a file to it and print
its report), registered through the `spamscore.commands` entry points. Nothing heavy is imported
until a command runs.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

DEFAULT_API = "http://127.0.0.1:8025"


def register_inbox(sub: Any) -> None:
    parser = sub.add_parser(
        "inbox",
        help="start the SMTP test inbox (receives test sends and analyses them)",
        description="Start the SMTP test inbox beside the web service, sharing its store. "
        "Settings: README 'Three ways to test a message'.",
    )
    parser.add_argument(
        "--host", help="address to listen on (default 127.0.0.1; SPAMSCORE_INBOX_HOST)"
    )
    parser.add_argument("--port", type=int, help="port (default 2525; SPAMSCORE_INBOX_PORT)")
    parser.add_argument(
        "--domain", help="domain of the test addresses (default localhost; SPAMSCORE_INBOX_DOMAIN)"
    )
    parser.add_argument(
        "--hostname",
        help="our name in the greeting, Received lines and the self-signed certificate "
        "(default: the domain; SPAMSCORE_INBOX_HOSTNAME)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        help="seconds a silent client is kept (default 60; SPAMSCORE_INBOX_TIMEOUT)",
    )
    parser.add_argument(
        "--max-size",
        type=int,
        metavar="BYTES",
        help="largest message accepted (default: the engine's limit; SPAMSCORE_INBOX_MAX_BYTES)",
    )
    parser.set_defaults(func=run_inbox)


def run_inbox(args: argparse.Namespace) -> int:
    from scorer.errors import UsageError
    from web.inbox.addresses import valid_domain
    from web.inbox.config import InboxConfig

    config = InboxConfig.from_env()
    changes: dict[str, Any] = {}
    if args.host:
        changes["host"] = args.host
    if args.port is not None:
        if not 0 <= args.port < 65536:
            raise UsageError(f"--port must be 0-65535, not {args.port}")
        changes["port"] = args.port
    if args.domain:
        domain = args.domain.strip().lower().rstrip(".")
        if not valid_domain(domain):
            raise UsageError(f"--domain is not a host name: {args.domain!r}")
        changes["domain"] = domain
        if not args.hostname and not os.environ.get("SPAMSCORE_INBOX_HOSTNAME"):
            changes["hostname"] = domain
    if args.hostname:
        changes["hostname"] = args.hostname.strip().lower()
    if args.timeout is not None:
        if not args.timeout > 0:
            raise UsageError("--timeout must be positive")
        changes["idle_timeout"] = args.timeout
    if args.max_size is not None:
        if args.max_size <= 0:
            raise UsageError("--max-size must be positive")
        changes["max_message_bytes"] = min(args.max_size, config.max_message_bytes)
    config = config.replace(**changes)
    _logging()

    from web.inbox.server import InboxServer

    server = InboxServer(config)
    server.store.open()
    server.warm_up()
    server.store.maybe_purge(now=True)
    try:
        server.serve_forever()
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}"
        ) from None
    return 0


def _logging() -> None:
    level = os.environ.get("SPAMSCORE_LOG_LEVEL", "info").upper()
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # aiosmtpd logs every command at INFO; keep its warnings only.
    logging.getLogger("mail.log").setLevel(max(logging.WARNING, logging.root.level))


def register_send_test(sub: Any) -> None:
    from scorer.commands import add_analysis_options

    parser = sub.add_parser(
        "send-test",
        help="send a message to the SMTP test inbox and print its report",
        description="Send FILE to a test address over SMTP, wait for its analysis and print "
        "the report as `spamscore check` does (same exit codes).",
    )
    parser.add_argument("file", help="path to an RFC 5322 message (.eml), or - for stdin")
    parser.add_argument(
        "--to",
        metavar="ADDRESS",
        help="a test address (default: create one through the API)",
    )
    parser.add_argument(
        "--server",
        metavar="HOST:PORT",
        help="the inbox's SMTP server (default 127.0.0.1:2525; SPAMSCORE_INBOX_SERVER)",
    )
    parser.add_argument("--starttls", action="store_true", help="encrypt with STARTTLS")
    parser.add_argument(
        "--cafile",
        help="with --starttls, verify the inbox's certificate against this CA file "
        "(default: encrypt without verifying, as MTAs do)",
    )
    parser.add_argument(
        "--api",
        metavar="URL",
        help=f"the web service's base URL (default {DEFAULT_API}; SPAMSCORE_API_URL)",
    )
    parser.add_argument("--api-key", help="API key (default: SPAMSCORE_API_KEY)")
    parser.add_argument(
        "--mail-from",
        help="envelope sender (default: Return-Path, else the From address)",
    )
    parser.add_argument("--helo", help="our EHLO name (default: this machine's name)")
    parser.add_argument(
        "--wait",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long to wait for the report (default 60)",
    )
    add_analysis_options(parser)
    parser.set_defaults(func=run_send_test)


def run_send_test(args: argparse.Namespace) -> int:
    from web.inbox.sendtest import run

    return run(args)
