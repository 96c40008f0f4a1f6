"""`spamscore spamd [--host --port --max-children]`, registered through the
`spamscore.commands` entry point. Nothing heavy is imported until the command runs."""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any


def register_spamd(sub: Any) -> None:
    parser = sub.add_parser(
        "spamd",
        help="answer SpamAssassin's spamd protocol (spamc, Exim, spamass-milter)",
        description="Listen for spamc/spamd protocol requests (SPAMC/1.x) and answer them with "
        "spamscore's verdict. Settings: README 'The spamd protocol' (SPAMSCORE_SPAMD_*).",
    )
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 783, as spamd)")
    parser.add_argument(
        "--max-children",
        type=int,
        help="worker processes (default: one per core, at most 8)",
    )
    parser.add_argument("--threads", type=int, help="analyses at once per worker (default 4)")
    parser.add_argument(
        "--allowed-ips",
        help="comma-separated addresses or networks that may connect (default: loopback)",
    )
    parser.set_defaults(func=run_spamd)


def run_spamd(args: argparse.Namespace) -> int:
    import gc
    import logging
    import os

    from scorer.errors import UsageError
    from scorer.pipeline import Engine
    from scorer.settings import Settings
    from web.config import WebConfig
    from web.service import Checker
    from web.spamd.config import SpamdConfig, parse_networks
    from web.spamd.server import Master, SpamdService, listen
    from web.store import ReportStore

    config = SpamdConfig.from_env()
    changes: dict[str, Any] = {}
    if args.host:
        changes["host"] = args.host
    if args.port is not None:
        if not 0 <= args.port < 65536:
            raise UsageError(f"--port must be 0-65535, not {args.port}")
        changes["port"] = args.port
    if args.max_children is not None:
        if args.max_children < 1:
            raise UsageError("--max-children must be at least 1")
        changes["max_children"] = args.max_children
    if args.threads is not None:
        if args.threads < 1:
            raise UsageError("--threads must be at least 1")
        changes["threads"] = args.threads
    if args.allowed_ips:
        changes["allowed"] = parse_networks(args.allowed_ips)
    config = dataclasses.replace(config, **changes)
    logging.basicConfig(
        level=os.environ.get("SPAMSCORE_LOG_LEVEL", "info").upper(),
        format="%(asctime)s [%(process)d] %(levelname)s %(message)s",
    )
    try:
        sock = listen(config.host, config.port)
    except OSError as exc:
        hint = (
            " (ports under 1024 need root or CAP_NET_BIND_SERVICE: try --port 1783)"
            if config.port < 1024
            else ""
        )
        raise UsageError(
            f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}{hint}"
        ) from None
    engine = Engine(Settings.from_env())
    web = WebConfig.from_env()
    store = ReportStore.from_config(web)
    if config.store:
        store.open()
    service = SpamdService(config, Checker(engine, store))
    # Load the checks, rules and model now, before the fork, so the workers share them.
    from web import warm_up_engine

    warm_up_engine(engine)
    store.dispose()
    gc.collect()
    gc.freeze()
    Master(service, sock).run()
    return 0
