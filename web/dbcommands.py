"""`spamscore db upgrade` and `spamscore db current`: the store's schema, by hand.

Replicas migrate an older schema by themselves at start (web.schema, under a lock); these are
for a deployment that runs migrations as their own step (a Kubernetes init container or Job,
with SPAMSCORE_DB_AUTO_UPGRADE=0 on the replicas), and to see where a database stands.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register_db(sub: Any) -> None:
    parser = sub.add_parser(
        "db",
        help="the store's schema: upgrade it, or show its revision",
        description="The store's database schema (DATABASE_URL, else SQLite in the data dir).",
    )
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION")
    upgrade = actions.add_parser(
        "upgrade",
        help="migrate the schema to this release's (once, under a lock; safe to run often)",
    )
    upgrade.set_defaults(func=run_upgrade)
    current = actions.add_parser(
        "current",
        help="print the schema's revision and this release's; exit 0 if they match, else 1",
    )
    current.set_defaults(func=run_current)
    parser.set_defaults(func=_missing_action)


def _missing_action(_args: argparse.Namespace) -> int:
    from scorer.errors import UsageError

    raise UsageError("missing action: spamscore db upgrade|current")


def run_upgrade(_args: argparse.Namespace) -> int:
    from web import schema
    from web.config import WebConfig
    from web.store import ReportStore

    config = WebConfig.from_env()
    store = ReportStore(config.database_url, retention_days=config.retention_days)
    try:
        before = store.schema_status()
        action = store.open()  # under the lock: another process may have done it meanwhile
    finally:
        store.dispose()
    head = schema.head_revision()
    if action == "upgraded":
        print(f"database schema upgraded from {before.current or 'none'} to {head}")
    else:
        print(f"database schema is current ({head})")
    return 0


def run_current(_args: argparse.Namespace) -> int:
    from web.config import WebConfig
    from web.store import ReportStore

    config = WebConfig.from_env()
    store = ReportStore(config.database_url)
    try:
        found = store.schema_status()
    finally:
        store.dispose()
    print(f"database schema: {found.current or 'none'}; this spamscore: {found.head}")
    if found.state == "current":
        print("current")
        return 0
    if found.state == "behind":
        print("behind: run `spamscore db upgrade` (or start spamscore serve)", file=sys.stderr)
    else:
        print(
            "newer than this spamscore knows: run the newer release against this database",
            file=sys.stderr,
        )
    return 1
