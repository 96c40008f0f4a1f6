#!/usr/bin/env python3
"""A hash of every report over the shared corpora, to show a speed change left reports as they were.

    python bench/report_hashes.py --out /tmp/before.tsv          # on the old code
    python bench/report_hashes.py --out /tmp/after.tsv --compare /tmp/before.tsv

Every message of every archive under ../shared/corpus (8,259 messages; `--corpus` to pick) is
analysed offline at one fixed "now", with the shipped rules and model, and the v1 report in
English and in Japanese, and its stored form, are hashed without what may differ between
runs (elapsed_ms and each check's ms) and without the rules version (a hash of rules/).
One line per message: `archive:member<TAB>sha256`. `--compare` lists the messages whose hash
changed (and exits 1 if any did), so a commit that says "reports identical" can be checked on
the whole corpus.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import sys
import tarfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

_ENGINE = None


def _init() -> None:
    global _ENGINE
    from scorer.pipeline import Engine
    from scorer.settings import Settings

    _ENGINE = Engine(Settings(offline=True))


def canonical(data: dict) -> dict:
    """The report without its timings and without the rules version: that is a hash of the rule
    files, so a change that edits rule data (even to leave every report as it was) changes it."""
    data = dict(data)
    data.pop("elapsed_ms", None)
    if isinstance(data.get("versions"), dict):
        data["versions"] = {k: v for k, v in data["versions"].items() if k != "rules"}
    data["checks"] = {
        name: {k: v for k, v in status.items() if k != "ms"}
        for name, status in (data.get("checks") or {}).items()
    }
    return data


def report_hash(raw: bytes) -> str:
    report = _ENGINE.analyze(raw, now=NOW)  # type: ignore[union-attr]
    parts = [
        canonical(report.to_dict("en")),
        canonical(report.to_dict("ja")),
        canonical(report.to_storage()),
    ]
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _job(item: tuple[str, bytes]) -> tuple[str, str]:
    name, raw = item
    try:
        return name, report_hash(raw)
    except Exception as exc:  # a report that cannot be made is a difference too
        return name, f"error: {type(exc).__name__}: {exc}"


def messages(archives: list[Path]):
    for archive in archives:
        label = f"{archive.parent.name}/{archive.name}"
        with tarfile.open(archive) as tar:
            for member in tar:
                if member.isfile():
                    yield f"{label}:{member.name}", tar.extractfile(member).read()  # type: ignore[union-attr]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="write the hashes here")
    parser.add_argument("--compare", type=Path, help="hashes from before; list what changed")
    parser.add_argument(
        "--corpus",
        action="append",
        help="a folder under ../shared/corpus (repeatable; default all)",
    )
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    folders = args.corpus or sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
    archives = [a for f in folders for a in sorted((CORPUS / f).glob("*.tar.gz"))]
    if not archives:
        print(f"no archives under {CORPUS}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    with mp.get_context("fork").Pool(args.processes, initializer=_init) as pool:
        results = pool.map(_job, messages(archives), chunksize=16)
    args.out.write_text("".join(f"{name}\t{digest}\n" for name, digest in results))
    print(f"{len(results)} reports hashed in {time.perf_counter() - started:.0f} s -> {args.out}")
    if not args.compare:
        return 0
    before = dict(
        line.split("\t", 1) for line in args.compare.read_text().splitlines() if "\t" in line
    )
    changed = [name for name, digest in results if before.get(name) != digest]
    missing = sorted(set(before) - {name for name, _ in results})
    for name in changed[:50]:
        print(f"changed: {name}")
    print(f"{len(changed)} of {len(results)} reports changed; {len(missing)} missing")
    return 1 if changed or missing else 0


if __name__ == "__main__":
    sys.exit(main())
