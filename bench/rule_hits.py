#!/usr/bin/env python3
"""Per-rule hit rates on every ham and spam source, and the score distribution.

    python bench/rule_hits.py                 # training-allowed sources, offline, no classifier
    python bench/rule_hits.py --new           # only rules that say what they were written from
    python bench/rule_hits.py --classifier    # the shipped model on (whole pipeline)
    python bench/rule_hits.py --eval-only     # add phishing-pot-2020s and ja-phish-lists
    python bench/rule_hits.py --only legit --hits HTML_HIDDEN_TEXT   # list the messages a rule hits
    python bench/rule_hits.py --over 5 --only sa-easy_ham            # list ham at or over 5.0

Messages are read the way `spamscore eval` reads them (scorer.ml.corpus: LF line endings, no mbox
line, only the headers an author writes), then run through the offline pipeline
(`Engine(Settings(offline=True, use_classifier=False))`, or the shipped model with
--classifier), so what it prints is what users get. Groups: spamassassin-2003 ham splits into
easy_ham, easy_ham_2 and hard_ham, its spam into spam and spam_2; legit-templates and
foff-milter-2025 ham are modern legitimate mail, foff-milter-2025 spam is current spam; the
hand-written seeds (models/seed) and the test fixtures (tests/data/messages, mixed: most are
legitimate, a few show a spam rule) come last. phishing-pot-2020s and ja-phish-lists are
evaluation-only: they are left out unless --eval-only asks for them, so nobody tunes on them by
accident. Rule scores are after replacement but before category caps; message scores are the
report's (capped) totals.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SEED = ROOT / "models" / "seed"
FIXTURES = ROOT / "tests" / "data" / "messages"
# (group prefix, path, label); spamassassin-2003 groups are split further by member folder.
SOURCES = [
    ("sa", CORPUS / "spamassassin-2003" / "ham.tar.gz", 0),
    ("legit", CORPUS / "legit-templates" / "ham.tar.gz", 0),
    ("foff-ham", CORPUS / "foff-milter-2025" / "ham.tar.gz", 0),
    ("seed-en-ham", SEED / "en-ham", 0),
    ("seed-ja-ham", SEED / "ja-ham", 0),
    ("seed-intl-ham", SEED / "intl-ham", 0),
    ("fixtures", FIXTURES, 0),
    ("sa", CORPUS / "spamassassin-2003" / "spam.tar.gz", 1),
    ("foff-spam", CORPUS / "foff-milter-2025" / "spam.tar.gz", 1),
    ("seed-en-spam", SEED / "en-spam", 1),
    ("seed-ja-spam", SEED / "ja-spam", 1),
    ("seed-intl-spam", SEED / "intl-spam", 1),
]
EVAL_ONLY = [
    ("phish", CORPUS / "phishing-pot-2020s" / "spam.tar.gz", 1),
    ("ja-phish", CORPUS / "ja-phish-lists" / "spam.tar.gz", 1),
]


def group_of(prefix: str, name: str) -> str:
    if prefix == "sa":
        member = name.split(":", 1)[-1]
        return "sa-" + member.split("/", 1)[0]
    return prefix


def load(only: set[str] | None, eval_only: bool) -> list[tuple[str, int, str, bytes]]:
    """(group, label, message name, normalised bytes) for every message of the sources."""
    sys.path.insert(0, str(ROOT))
    from scorer.ml.corpus import read_messages

    out = []
    for prefix, path, label in SOURCES + (EVAL_ONLY if eval_only else []):
        if not path.exists():
            print(f"missing {path}", file=sys.stderr)
            continue
        for sample in read_messages(path, label):
            group = group_of(prefix, sample.name)
            if only and group not in only and prefix not in only:
                continue
            out.append((group, label, sample.name, sample.raw))
    return out


_ENGINE = None


def _init(classifier: bool) -> None:
    global _ENGINE
    sys.path.insert(0, str(ROOT))
    from scorer.pipeline import Engine
    from scorer.settings import Settings

    _ENGINE = Engine(Settings(offline=True, use_classifier=classifier))


def _score(item: tuple[str, int, str, bytes]) -> tuple[str, int, str, float, list, float]:
    group, label, name, raw = item
    started = time.perf_counter()
    report = _ENGINE.analyze(raw)  # type: ignore[union-attr]
    elapsed = (time.perf_counter() - started) * 1000
    hits = [(f.id, f.score) for f in report.findings]
    return group, label, name, report.score, hits, elapsed


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def _selected_rules(args: argparse.Namespace) -> set[str] | None:
    if not (args.new or args.rule):
        return None
    sys.path.insert(0, str(ROOT))
    from scorer.rules import load_rules

    chosen = set(args.rule or [])
    if args.new:
        chosen |= {rule.id for rule in load_rules() if rule.written_from}
    return chosen


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", action="append", help="group(s) to run, e.g. legit, sa-hard_ham")
    ap.add_argument("--threshold", type=float, default=5.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--classifier", action="store_true", help="run with the shipped model on")
    ap.add_argument(
        "--eval-only", action="store_true", help="add phishing-pot-2020s and ja-phish-lists"
    )
    ap.add_argument("--new", action="store_true", help="table only rules with written_from")
    ap.add_argument("--rule", action="append", help="table only this rule id (repeatable)")
    ap.add_argument("--hits", action="append", default=[], help="list messages hitting this id")
    ap.add_argument("--over", type=float, help="list messages scoring at or over this")
    ap.add_argument(
        "--min-rate", type=float, default=0.0, help="hide rules under this % everywhere"
    )
    args = ap.parse_args()

    items = load(set(args.only) if args.only else None, args.eval_only)
    selected = _selected_rules(args)
    started = time.perf_counter()
    with mp.Pool(args.workers, initializer=_init, initargs=(args.classifier,)) as pool:
        results = pool.map(_score, items, chunksize=16)
    wall = time.perf_counter() - started

    groups: dict[str, list] = defaultdict(list)
    for row in results:
        groups[row[0]].append(row)
    order = sorted(groups, key=lambda g: (groups[g][0][1], g))

    print(
        f"{len(results)} messages in {wall:.1f} s ({len(results) / wall:.0f} msg/s, "
        f"{args.workers} workers), classifier {'on' if args.classifier else 'off'}"
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
        label = "spam" if rows[0][1] else "ham"
        print(
            f"{group:14} {label:5} {len(rows):5} {statistics.median(scores):7.2f} "
            f"{pct(scores, 90):6.2f} {pct(scores, 99):6.2f} {max(scores):6.2f} "
            f"{over:6.1f}% {over2:5.1f}%"
        )

    rule_hits: dict[str, Counter] = defaultdict(Counter)
    rule_scores: dict[str, list] = defaultdict(list)
    for group, _label, _name, _total, hits, _t in results:
        for rule_id, score in hits:
            rule_hits[rule_id][group] += 1
            rule_scores[rule_id].append(score)
    print()
    print("hits per rule: count (percent of the group)")
    header = f"{'rule':32} {'score':>9}" + "".join(f" {g[:13]:>13}" for g in order)
    print(header)
    print(f"{'(messages)':32} {'':>9}" + "".join(f" {len(groups[g]):>13}" for g in order))
    ids = sorted(rule_hits) if selected is None else sorted(selected)
    from scorer.rules import load_rules

    declared = load_rules()
    for rule_id in ids:
        counts = [rule_hits[rule_id][g] for g in order]
        rates = [c / len(groups[g]) * 100 for c, g in zip(counts, order, strict=True)]
        if selected is None and max(rates) < args.min_rate:
            continue
        rule = declared.get(rule_id)
        scores = rule_scores[rule_id] or [rule.score if rule else 0.0]
        shown = (
            f"{min(scores):g}" if min(scores) == max(scores) else f"{min(scores):g}-{max(scores):g}"
        )
        cells = "".join(
            f" {c:5d} {r:5.1f}%" if c else f" {'·':>13}" for c, r in zip(counts, rates, strict=True)
        )
        print(f"{rule_id:32} {shown:>9}" + cells)

    for rule_id in args.hits:
        print(f"\nmessages hitting {rule_id}:")
        for group, _label, name, score, hits, _t in results:
            if any(h[0] == rule_id for h in hits):
                print(f"  {group:12} {score:6.2f} {name}")
    if args.over is not None:
        print(f"\nmessages at or over {args.over}:")
        for group, _label, name, score, hits, _t in sorted(results, key=lambda r: -r[3]):
            if score >= args.over:
                shown_ids = " ".join(f"{i}={s:g}" for i, s in hits if s)
                print(f"  {group:12} {score:6.2f} {name}  {shown_ids}")


if __name__ == "__main__":
    main()
