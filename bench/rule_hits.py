#!/usr/bin/env python3
"""Per-rule hit rates on ham and spam, and the score distribution, over the shared corpora.

    python bench/rule_hits.py                         # all four archives, offline, no classifier
    python bench/rule_hits.py --only legit --hits HTML_HIDDEN_TEXT   # list the messages a rule hits
    python bench/rule_hits.py --over 5 --only sa-easy_ham            # list ham at or over 5.0

Runs the offline pipeline (`Engine(Settings(offline=True, use_classifier=False))`) the way the
service does, so what it prints is what users get from the rules alone. Groups follow the corpus
layout: spamassassin-2003 ham splits into easy_ham, easy_ham_2 and hard_ham, its spam into spam
and spam_2; legit-templates is modern ham; phishing-pot-2020s is modern spam. Rule scores here are
after replacement but before category caps; message scores are the report's (capped) totals.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import tarfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
ARCHIVES = [
    ("spamassassin-2003", "ham"),
    ("spamassassin-2003", "spam"),
    ("legit-templates", "ham"),
    ("phishing-pot-2020s", "spam"),
]
SHORT = {"spamassassin-2003": "sa", "legit-templates": "legit", "phishing-pot-2020s": "phish"}


def group_of(source: str, member: str) -> str:
    if source == "spamassassin-2003":
        return "sa-" + member.split("/", 1)[0]
    return SHORT[source]


def load(only: set[str] | None) -> list[tuple[str, str, str, bytes]]:
    """(group, label, member name, raw bytes) for every message in the archives."""
    out = []
    for source, label in ARCHIVES:
        path = CORPUS / source / f"{label}.tar.gz"
        if not path.exists():
            print(f"missing {path}", file=sys.stderr)
            continue
        with tarfile.open(path) as tar:
            for member in sorted((m for m in tar if m.isfile()), key=lambda m: m.name):
                group = group_of(source, member.name)
                if only and group not in only:
                    continue
                fh = tar.extractfile(member)
                if fh is not None:
                    out.append((group, label, member.name, fh.read()))
    return out


_ENGINE = None


def _init() -> None:
    global _ENGINE
    sys.path.insert(0, str(ROOT))
    from scorer.pipeline import Engine
    from scorer.settings import Settings

    _ENGINE = Engine(Settings(offline=True, use_classifier=False))


def _score(item: tuple[str, str, str, bytes]) -> tuple[str, str, str, float, list, float]:
    group, label, name, raw = item
    started = time.perf_counter()
    report = _ENGINE.analyze(raw)  # type: ignore[union-attr]
    elapsed = (time.perf_counter() - started) * 1000
    hits = [(f.id, f.score) for f in report.findings]
    return group, label, name, report.score, hits, elapsed


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", action="append", help="group(s) to run, e.g. legit, sa-hard_ham")
    ap.add_argument("--threshold", type=float, default=5.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--hits", action="append", default=[], help="list messages hitting this id")
    ap.add_argument("--over", type=float, help="list messages scoring at or over this")
    ap.add_argument(
        "--min-rate", type=float, default=0.0, help="hide rules under this % everywhere"
    )
    args = ap.parse_args()

    items = load(set(args.only) if args.only else None)
    started = time.perf_counter()
    with mp.Pool(args.workers, initializer=_init) as pool:
        results = pool.map(_score, items, chunksize=16)
    wall = time.perf_counter() - started

    groups: dict[str, list] = defaultdict(list)
    for row in results:
        groups[row[0]].append(row)
    order = sorted(groups, key=lambda g: (groups[g][0][1], g))

    print(
        f"{len(results)} messages in {wall:.1f} s ({len(results) / wall:.0f} msg/s, "
        f"{args.workers} workers)"
    )
    times = [r[5] for r in results]
    print(
        f"per message: median {statistics.median(times):.1f} ms, p99 {pct(times, 99):.1f} ms, "
        f"max {max(times):.0f} ms"
    )
    print()
    print(
        f"{'group':14} {'label':5} {'n':>5} {'median':>7} {'p90':>6} {'p99':>6} {'max':>6} "
        f"{'>=' + format(args.threshold, 'g'):>7} {'>=2':>6}"
    )
    for group in order:
        rows = groups[group]
        scores = [r[3] for r in rows]
        over = sum(s >= args.threshold for s in scores) / len(scores) * 100
        over2 = sum(s >= 2 for s in scores) / len(scores) * 100
        print(
            f"{group:14} {rows[0][1]:5} {len(rows):5} {statistics.median(scores):7.2f} "
            f"{pct(scores, 90):6.2f} {pct(scores, 99):6.2f} {max(scores):6.2f} "
            f"{over:6.1f}% {over2:5.1f}%"
        )
    for label in ("ham", "spam"):
        rows = [r for r in results if r[1] == label]
        if rows:
            over = sum(r[3] >= args.threshold for r in rows) / len(rows) * 100
            print(f"{'all ' + label:20} {len(rows):5} {'':29} {over:6.1f}%")

    rule_hits: dict[str, Counter] = defaultdict(Counter)
    rule_scores: dict[str, list] = defaultdict(list)
    for group, _label, _name, _total, hits, _t in results:
        for rule_id, score in hits:
            rule_hits[rule_id][group] += 1
            rule_scores[rule_id].append(score)
    print()
    header = f"{'rule':32} {'score':>9}" + "".join(f" {g[:11]:>11}" for g in order)
    print(header)
    for rule_id in sorted(rule_hits):
        rates = [rule_hits[rule_id][g] / len(groups[g]) * 100 for g in order]
        if max(rates) < args.min_rate:
            continue
        scores = rule_scores[rule_id]
        shown = (
            f"{min(scores):g}" if min(scores) == max(scores) else f"{min(scores):g}-{max(scores):g}"
        )
        print(f"{rule_id:32} {shown:>9}" + "".join(f" {r:10.1f}%" for r in rates))

    for rule_id in args.hits:
        print(f"\nmessages hitting {rule_id}:")
        for group, _label, name, score, hits, _t in results:
            if any(h[0] == rule_id for h in hits):
                print(f"  {group:12} {score:6.2f} {name}")
    if args.over is not None:
        print(f"\nmessages at or over {args.over}:")
        for group, _label, name, score, hits, _t in sorted(results, key=lambda r: -r[3]):
            if score >= args.over:
                ids = " ".join(f"{i}={s:g}" for i, s in hits if s)
                print(f"  {group:12} {score:6.2f} {name}  {ids}")


if __name__ == "__main__":
    main()
