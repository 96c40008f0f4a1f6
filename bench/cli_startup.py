#!/usr/bin/env python3
"""How long `spamscore check` takes to start, and what it imports, for one or more checkouts.

    python bench/cli_startup.py                                   # this checkout
    python bench/cli_startup.py --tree /tmp/old-checkout --runs 15   # old and this, interleaved

Each run is a fresh interpreter that imports `scorer.cli` from the given tree and runs
`spamscore check --offline --json` on one small fixture message (the classifier off, so the
model load does not hide the start-up). Reported per tree: the median wall time of the whole
process, the number of modules loaded, and which of Flask, SQLAlchemy, scikit-learn, SciPy and
Jinja were among them. Trees are run in turn (old, new, old, new, ...) so a busy machine slows
both alike; quote the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MESSAGE = ROOT / "tests" / "data" / "messages" / "newsletter_clean_modern.eml"
HEAVY = ("flask", "sqlalchemy", "sklearn", "scipy", "jinja2", "werkzeug")

_PROBE = """
import json, sys
from scorer.cli import main
code = main(["check", "--offline", "--json", sys.argv[1]])
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[2].split(",")))
print(json.dumps({"modules": len(sys.modules), "heavy": heavy, "code": code}), file=sys.stderr)
"""


def run_once(tree: Path, message: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree), "SPAMSCORE_CLASSIFIER": "0"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(message), ",".join(HEAVY)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "{}"
    found = json.loads(last)
    found["seconds"] = elapsed
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", action="append", default=[], type=Path, help="another checkout")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--message", type=Path, default=MESSAGE)
    args = parser.parse_args(argv)
    trees = [*args.tree, ROOT]
    results: dict[Path, list[dict]] = {tree: [] for tree in trees}
    for tree in trees:
        run_once(tree, args.message)  # warm the file cache and the .pyc files
    for _ in range(args.runs):
        for tree in trees:
            results[tree].append(run_once(tree, args.message))
    base = None
    for tree in trees:
        runs = results[tree]
        median = statistics.median(r["seconds"] for r in runs)
        base = base or median
        print(
            f"{tree}: median {median * 1000:.0f} ms over {len(runs)} runs "
            f"({median / base:.2f}x the first), {runs[-1]['modules']} modules, "
            f"heavy: {', '.join(runs[-1]['heavy']) or 'none'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
