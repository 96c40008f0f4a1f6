#!/usr/bin/env python3
"""Show that a change added refined contract ids to reports and changed nothing else.

    python -m bench.report_hashes --out /tmp/before.tsv                  # on the old code
    python -m bench.refined_diff --before /tmp/before.tsv [--out /tmp/after.tsv]  # new code

Every message is analysed as bench/report_hashes.py does (offline, one fixed "now"); its report
is hashed twice: whole, and without the findings that carry `refined_by` (a contract id listed
beside the rule that refines it, score 0; also taken out of the ids of the fix for its cause).
A message whose whole hash differs from before but whose hash without refined findings is the
same changed only by refinements; anything else is a real difference and is listed (exit 1).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import sys
import time
from collections import Counter
from pathlib import Path

from bench import report_hashes
from bench.report_hashes import CORPUS, NOW, canonical, messages


def _without_refined(data: dict) -> dict:
    """The report without the refined contract ids: not as findings, and not among the ids of
    the fix that owns their cause (a fix lists its cause's zero-score findings too)."""
    data = dict(data)
    refined = set()
    for key in ("findings", "not_applicable"):
        refined |= {f["id"] for f in data.get(key) or [] if f.get("refined_by")}
        data[key] = [f for f in data.get(key) or [] if not f.get("refined_by")]
    if isinstance(data.get("fixes"), list):
        data["fixes"] = [
            {**fix, "ids": [i for i in fix.get("ids", []) if i not in refined]}
            for fix in data["fixes"]
        ]
    return data


def _digest(parts: list[dict]) -> str:
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _job(item: tuple[str, bytes]) -> tuple[str, str, str, list[str]]:
    name, raw = item
    try:
        report = report_hashes._ENGINE.analyze(raw, now=NOW)  # type: ignore[union-attr]
        parts = [
            canonical(report.to_dict("en")),
            canonical(report.to_dict("ja")),
            canonical(report.to_storage()),
        ]
        refined = [
            f"{f.id}<{'+'.join(f.refined_by)}"
            for f in (*report.findings, *report.not_applicable)
            if f.refined_by
        ]
        return name, _digest(parts), _digest([_without_refined(p) for p in parts]), refined
    except Exception as exc:  # a report that cannot be made is a difference too
        error = f"error: {type(exc).__name__}: {exc}"
        return name, error, error, []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="report_hashes.py output")
    parser.add_argument("--corpus", action="append", help="a folder under ../shared/corpus")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--out", type=Path, help="also write the new hashes here, as --before")
    args = parser.parse_args(argv)
    folders = args.corpus or sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
    archives = [a for f in folders for a in sorted((CORPUS / f).glob("*.tar.gz"))]
    before = dict(
        line.split("\t", 1) for line in args.before.read_text().splitlines() if "\t" in line
    )
    started = time.perf_counter()
    with mp.get_context("fork").Pool(args.processes, initializer=report_hashes._init) as pool:
        results = pool.map(_job, messages(archives), chunksize=16)
    if args.out:
        args.out.write_text("".join(f"{name}\t{whole}\n" for name, whole, _b, _r in results))
    identical = only_refined = 0
    other: list[str] = []
    pairs: Counter[str] = Counter()
    for name, whole, bare, refined in results:
        pairs.update(refined)
        if before.get(name) == whole:
            identical += 1
        elif before.get(name) == bare:
            only_refined += 1
        else:
            other.append(name)
    print(f"{len(results)} reports in {time.perf_counter() - started:.0f} s")
    print(f"identical: {identical}; changed only by refined contract ids: {only_refined}")
    for pair, count in pairs.most_common():
        print(f"  {count:6d}  {pair}")
    for name in other[:50]:
        print(f"other change: {name}")
    print(f"other changes: {len(other)}")
    return 1 if other else 0


if __name__ == "__main__":
    sys.exit(main())
