#!/usr/bin/env python3
"""The kind (marketing, transactional, personal) the decider gives each corpus message.

    python bench/kinds.py                                   # distribution per source and label
    python bench/kinds.py --only foff-milter-2025:ham --list transactional   # with evidence
    python bench/kinds.py --author-headers                  # as `spamscore eval` sees them

Reads ../shared/corpus at run time. By default each message is decided as received (the decider
reads no transit header anyway); `--author-headers` first strips every header a draft would not
have, as `spamscore eval` does (scorer.ml.corpus.normalise), which also drops List-Unsubscribe.
"""

from __future__ import annotations

import argparse
import sys
import tarfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scorer.kind import KINDS, decide  # noqa: E402
from scorer.message import parse  # noqa: E402
from scorer.ml.corpus import normalise  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
SETS = (
    ("foff-milter-2025", "ham"),
    ("foff-milter-2025", "spam"),
    ("legit-templates", "ham"),
    ("spamassassin-2003", "ham"),
    ("spamassassin-2003", "spam"),
    ("phishing-pot-2020s", "spam"),
    ("ja-phish-lists", "spam"),
)


def members(source: str, label: str):
    path = CORPUS / source / f"{label}.tar.gz"
    if not path.exists():
        return
    with tarfile.open(path) as tar:
        for member in sorted((m for m in tar if m.isfile()), key=lambda m: m.name):
            handle = tar.extractfile(member)
            if handle is not None:
                yield member.name, handle.read()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="SOURCE:LABEL (repeatable)")
    parser.add_argument("--list", choices=KINDS, help="print each message decided as this kind")
    parser.add_argument("--author-headers", action="store_true", help="strip as eval does")
    args = parser.parse_args(argv)
    sets = [tuple(s.split(":", 1)) for s in args.only] if args.only else SETS
    print(f"{'set':<30} {'n':>5}  " + "  ".join(f"{k:>15}" for k in KINDS) + "  median ms")
    for source, label in sets:
        counts: Counter[str] = Counter()
        times = []
        for name, raw in members(source, label):
            if args.author_headers:
                raw = normalise(raw)
            msg = parse(raw)
            started = time.perf_counter()
            kind = decide(msg)
            times.append((time.perf_counter() - started) * 1000)
            counts[kind.value] += 1
            if args.list == kind.value:
                evidence = "; ".join(f"{e.signal} {e.weight:g} {e.text!r}" for e in kind.evidence)
                print(f"  {name}  [{msg.subject!r:.60}]  {kind.scores}  {evidence}")
        total = sum(counts.values())
        if not total:
            print(f"{source + ':' + label:<30} (not available)")
            continue
        cells = "  ".join(f"{counts[k]:>5} ({100 * counts[k] / total:5.1f}%)" for k in KINDS)
        times.sort()
        print(f"{source + ':' + label:<30} {total:>5}  {cells}  {times[len(times) // 2]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
