#!/usr/bin/env python3
"""Benchmark the engine on a corpus, alone or side by side with SpamAssassin and rspamd.

    python bench/engine.py                       # SpamAssassin public corpus, offline, 2 processes
    python bench/engine.py --sample 1000 --compare   # same messages through spamd and rspamd too
    python bench/engine.py --corpus PATH [--corpus PATH ...] --json

Prints messages/s (wall clock, N worker processes), median and p99 ms per message (measured
inside the worker around `Engine.analyze`), the classifier's own median cost, peak RSS per
worker, and the error count (must be 0). With --compare, SpamAssassin and rspamd
(../shared/anchors; start them with ../shared/anchors/start.sh) score the very same messages in
the same run, each with as many concurrent requests as we have processes, and the ratios are
printed. This machine is noisy: quote medians, and re-run before trusting a small difference.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ANCHORS = SHARED / "anchors"
DEFAULT_CORPUS = [
    SHARED / "corpus" / "spamassassin-2003" / "ham.tar.gz",
    SHARED / "corpus" / "spamassassin-2003" / "spam.tar.gz",
]

sys.path.insert(0, str(ANCHORS))


def load(paths: list[Path], sample: int | None, seed: int) -> list[tuple[str, bytes]]:
    from anchors_common import load_messages  # ../shared/anchors: the same loader the anchors use

    messages: list[tuple[str, bytes]] = []
    for path in paths:
        messages.extend(
            (f"{path.parent.name}/{path.name}:{name}", data)
            for name, data in load_messages(str(path))
        )
    if sample is not None and sample < len(messages):
        messages = random.Random(seed).sample(messages, sample)
    return messages


_ENGINE = None


def _init_worker(use_classifier: bool) -> None:
    global _ENGINE
    from scorer.pipeline import Engine
    from scorer.settings import Settings

    _ENGINE = Engine(Settings(offline=True, use_classifier=use_classifier))
    # Warm up: the first analysis loads the public-suffix list and the model.
    from scorer.compose import compose_message

    _ENGINE.analyze(
        compose_message(subject="warm up", html="<p>warm <a href='https://x.example'>up</a></p>")
    )


def _score(item: tuple[str, bytes]) -> dict:
    name, data = item
    started = time.perf_counter()
    try:
        report = _ENGINE.analyze(data)  # type: ignore[union-attr]
    except Exception as exc:
        return {
            "name": name,
            "error": f"{type(exc).__name__}: {exc}",
            "ms": (time.perf_counter() - started) * 1000,
        }
    ms = (time.perf_counter() - started) * 1000
    classifier_ms = report.checks.get("classifier", {}).get("ms")
    return {
        "name": name,
        "ms": ms,
        "score": report.score,
        "is_spam": report.is_spam,
        "classifier_ms": classifier_ms,
        "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def quality(results: list[dict]) -> dict:
    """Recall and false-positive rate where the archive name gives the label (ham/spam)."""
    counts = {"tp": 0, "fp": 0, "tn": 0, "fn": 0}
    for r in results:
        if "error" in r:
            continue
        archive = r.get("file", r.get("name", "")).split(":", 1)[0]
        label = "spam" if "/spam" in archive else "ham" if "/ham" in archive else None
        if label is None:
            continue
        predicted = bool(r["is_spam"])
        key = ("t" if predicted == (label == "spam") else "f") + ("p" if predicted else "n")
        counts[key] += 1
    spam = counts["tp"] + counts["fn"]
    ham = counts["tn"] + counts["fp"]
    return counts | {
        "recall": round(counts["tp"] / spam, 4) if spam else None,
        "fpr": round(counts["fp"] / ham, 4) if ham else None,
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(-(-q * len(ordered) // 100)) - 1))
    return ordered[index]


def run_ours(messages: list[tuple[str, bytes]], processes: int, use_classifier: bool) -> dict:
    ctx = mp.get_context("fork")
    with ctx.Pool(processes, initializer=_init_worker, initargs=(use_classifier,)) as pool:
        pool.map(_score, messages[: processes * 2])  # unmeasured warm-up in every worker
        started = time.perf_counter()
        results = pool.map(_score, messages, chunksize=8)
        wall = time.perf_counter() - started
    ok = [r for r in results if "error" not in r]
    latencies = [r["ms"] for r in ok]
    classifier = [r["classifier_ms"] for r in ok if r.get("classifier_ms") is not None]
    return {
        "engine": "spamscore (offline" + (", classifier" if use_classifier else "") + ")",
        "messages": len(results),
        "errors": len(results) - len(ok),
        "error_examples": [f"{r['name']}: {r['error']}" for r in results if "error" in r][:3],
        "processes": processes,
        "wall_s": round(wall, 3),
        "msgs_per_s": round(len(results) / wall, 1),
        "median_ms": round(statistics.median(latencies), 3),
        "p99_ms": round(percentile(latencies, 99), 3),
        "max_ms": round(max(latencies), 1),
        "classifier_median_ms": round(statistics.median(classifier), 4) if classifier else None,
        "peak_rss_mb": round(max(r["rss_kb"] for r in ok) / 1024, 1),
        "quality": quality(results),
    }


def run_anchor(engine: str, messages: list[tuple[str, bytes]], jobs: int) -> dict:
    import argparse as ap

    from anchors_common import score_all

    if engine == "sa":
        import score_sa

        score_one = score_sa.scan
        label = "SpamAssassin 4.0.1 (spamd --local, no Bayes)"
    else:
        import score_rspamd

        score_one = score_rspamd.make_scorer(ap.Namespace(threshold=None))
        label = "rspamd 3.4 (no network modules, no Bayes)"
    for name, data in messages[:4]:
        score_one(name, data)
    started = time.perf_counter()
    results = list(score_all(score_one, messages, jobs))
    wall = time.perf_counter() - started
    ok = [r for r in results if "error" not in r]
    latencies = [r["ms"] for r in ok]
    return {
        "engine": label,
        "messages": len(results),
        "errors": len(results) - len(ok),
        "processes": jobs,
        "wall_s": round(wall, 3),
        "msgs_per_s": round(len(results) / wall, 1),
        "median_ms": round(statistics.median(latencies), 3) if latencies else None,
        "p99_ms": round(percentile(latencies, 99), 3) if latencies else None,
        "quality": quality(results),
    }


def anchor_up(engine: str) -> bool:
    from compare import engine_up

    try:
        return engine_up(engine)
    except Exception:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        action="append",
        type=Path,
        help="directory or .tar.gz of messages (repeatable; default: SA corpus)",
    )
    parser.add_argument("--sample", type=int, help="a seeded random sample of N messages")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--no-classifier", action="store_true", help="rules only")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also run SpamAssassin and rspamd (../shared/anchors) on them",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    messages = load(args.corpus or DEFAULT_CORPUS, args.sample, args.seed)
    if not messages:
        print("no messages found", file=sys.stderr)
        return 2
    results = {"ours": run_ours(messages, args.processes, not args.no_classifier)}
    if args.compare:
        for engine in ("sa", "rspamd"):
            if not anchor_up(engine):
                print(f"{engine} is not answering: run ../shared/anchors/start.sh", file=sys.stderr)
                return 2
            results[engine] = run_anchor(engine, messages, args.processes)
        ours = results["ours"]
        results["ratios"] = {
            f"throughput_vs_{e}": round(ours["msgs_per_s"] / results[e]["msgs_per_s"], 1)
            for e in ("sa", "rspamd")
        } | {
            f"median_latency_{e}_over_ours": round(results[e]["median_ms"] / ours["median_ms"], 1)
            for e in ("sa", "rspamd")
        }
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for key in ("ours", "sa", "rspamd"):
            if key in results:
                r = results[key]
                print(
                    f"{r['engine']}: {r['messages']} msgs, {r['errors']} errors, "
                    f"{r['msgs_per_s']} msg/s with {r['processes']} procs, "
                    f"median {r['median_ms']} ms, p99 {r['p99_ms']} ms"
                    + (
                        f", classifier median {r['classifier_median_ms']} ms"
                        if r.get("classifier_median_ms") is not None
                        else ""
                    )
                    + (f", peak RSS {r['peak_rss_mb']} MB/worker" if "peak_rss_mb" in r else "")
                )
                q = r["quality"]
                if q["recall"] is not None or q["fpr"] is not None:
                    print(
                        f"    recall {q['recall']}, false-positive rate {q['fpr']} "
                        f"(TP/FP/TN/FN {q['tp']}/{q['fp']}/{q['tn']}/{q['fn']})"
                    )
        if "ratios" in results:
            print("ratios:", ", ".join(f"{k} = {v}x" for k, v in results["ratios"].items()))
    return 1 if results["ours"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
