"""Every message of every shared corpus gets a report: no exception, serialisable, in budget."""

from __future__ import annotations

import csv
import tarfile

import pytest

from ..conftest import SHARED

ARCHIVES = sorted((SHARED / "corpus").glob("*/*.tar.gz"))


def _manifest_count(archive) -> int:
    label = archive.name.split(".", 1)[0]
    with open(archive.parent / "MANIFEST.tsv", encoding="utf-8") as handle:
        return sum(1 for row in csv.DictReader(handle, delimiter="\t") if row["label"] == label)


def test_the_shared_corpora_are_there():
    assert len(ARCHIVES) >= 4, f"expected the shared corpora beside the project, found {ARCHIVES}"


@pytest.mark.parametrize("archive", ARCHIVES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_corpus_message_gets_a_report(offline_engine, archive, record_property):
    budget = offline_engine.settings.limits.time_budget_ms
    count = 0
    failures = []
    with tarfile.open(archive) as tar:
        for member in tar:
            if not member.isfile():
                continue
            data = tar.extractfile(member).read()
            try:
                report = offline_engine.analyze(data)
                report.to_json()
                if report.elapsed_ms > budget:
                    failures.append(f"{member.name}: {report.elapsed_ms} ms over budget")
            except Exception as exc:
                failures.append(f"{member.name}: {type(exc).__name__}: {exc}")
            count += 1
    record_property("messages", count)
    print(
        f"{archive.parent.name}/{archive.name}: {count} messages analysed, {len(failures)} failures"
    )
    assert not failures, failures[:10]
    assert count == _manifest_count(archive)
