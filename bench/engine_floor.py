#!/usr/bin/env python3
"""The engine's floor: what a message costs before any check does anything.

    python bench/engine_floor.py                      # SpamAssassin 2003, 400 messages
    python bench/engine_floor.py --corpus foff-milter-2025 --sample 300

In one process, on the same messages, taking turns, it measures the CPU time per message of:
the whole engine (offline, classifier on), the same Engine with no check, pattern rule or
classifier (the message is parsed, its kind decided and the Report built: findings, scores,
the provider checklist, fixes), and `scorer.message.parse` alone. Prints the median of
`--passes` passes for each. This is the cost no check-level optimisation can remove; compare it
with rspamd's whole request (`bench/http_api.py` prints its server CPU per message).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(SHARED / "anchors"))
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def load(corpus: str, sample: int, seed: int) -> list[bytes]:
    from anchors_common import load_messages  # ../shared/anchors: the loader the anchors use

    messages: list[bytes] = []
    for archive in sorted((SHARED / "corpus" / corpus).glob("*.tar.gz")):
        messages.extend(data for _name, data in load_messages(str(archive)))
    if sample < len(messages):
        messages = random.Random(seed).sample(messages, sample)
    return messages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus", default="spamassassin-2003", help="a folder of ../shared/corpus"
    )
    parser.add_argument("--sample", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    from scorer.message import parse
    from scorer.pipeline import Engine
    from scorer.settings import Settings

    messages = load(args.corpus, args.sample, args.seed)
    full = Engine(Settings(offline=True))
    bare = Engine(Settings(offline=True, use_classifier=False))
    bare.offline_checks, bare.late_checks, bare.network_checks = [], [], []
    bare.pattern_rules = []
    limits = full.settings.limits
    runs = {
        "engine": lambda raw: full.analyze(raw, now=NOW),
        "no_checks": lambda raw: bare.analyze(raw, now=NOW),
        "parse": lambda raw: parse(raw, limits),
    }
    for run in runs.values():  # warm up: the public-suffix list, the model, the caches
        for raw in messages:
            run(raw)
    passes: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.passes):
        for name, run in runs.items():
            started = time.process_time()
            for raw in messages:
                run(raw)
            passes[name].append((time.process_time() - started) * 1000 / len(messages))
    result = {
        "corpus": args.corpus,
        "messages": len(messages),
        "cpu_ms_per_message": {name: round(statistics.median(v), 3) for name, v in passes.items()},
        "passes": {name: [round(x, 3) for x in v] for name, v in passes.items()},
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    medians = result["cpu_ms_per_message"]
    print(f"{args.corpus}: {len(messages)} messages, CPU ms per message (median of {args.passes})")
    print(f"  whole engine (offline, classifier)       {medians['engine']:.3f}")
    print(f"  no checks: parse + kind + report         {medians['no_checks']:.3f}")
    print(f"  parse alone                              {medians['parse']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
