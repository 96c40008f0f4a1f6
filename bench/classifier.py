"""Classifier cost per message and model load time (a script, not a timed test).

    .venv/bin/python bench/classifier.py [--corpus PATH ...] [--limit N] [--json]

Messages are parsed first (parsing belongs to the pipeline, shared by every check); the timed
part is `Model.analyze` (features, hashing, p(spam) and the explanation), as the check calls it.
The first pass warms the per-word caches, as a long-running service would; both passes are shown.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scorer.ml import corpus
from scorer.ml.classifier import Model
from scorer.paths import models_dir

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def measure(model: Model, messages: list) -> dict[str, float]:
    """Median, p95 and mean milliseconds of `model.analyze` over parsed `messages`."""
    times = []
    for msg in messages:
        started = time.perf_counter()
        model.analyze(msg)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 4),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 4),
        "mean_ms": round(statistics.fmean(times), 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", default=[], help="ham/spam folder or archive")
    parser.add_argument("--model", default=str(models_dir()))
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    model = Model.load(args.model)
    load_ms = (time.perf_counter() - started) * 1000
    paths = args.corpus or [
        str(SHARED / "spamassassin-2003" / "ham.tar.gz"),
        str(SHARED / "spamassassin-2003" / "spam.tar.gz"),
        str(SHARED / "phishing-pot-2020s" / "spam.tar.gz"),
        str(SHARED / "legit-templates" / "ham.tar.gz"),
    ]
    samples = [s for p in paths for s in corpus.read_messages(p, 1)]
    if args.limit:
        samples = samples[: args.limit]
    messages = [s.message for s in samples]
    for msg in messages:
        msg.all_text  # noqa: B018 - computed by the pipeline before the check runs
    result = {
        "messages": len(messages),
        "load_ms": round(load_ms, 1),
        "cold": measure(model, messages),
        "warm": measure(model, messages),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{result['messages']} messages; model loaded in {result['load_ms']} ms\n"
            f"first pass: {result['cold']['median_ms']} ms median, {result['cold']['p95_ms']} p95\n"
            f"warm:       {result['warm']['median_ms']} ms median, {result['warm']['p95_ms']} p95"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
