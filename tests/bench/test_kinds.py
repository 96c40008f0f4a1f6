"""bench/kinds.py: the kind distribution it prints is the decider's, per corpus set."""

from __future__ import annotations

import re

import pytest

from bench import kinds
from tests.conftest import SHARED


def test_distribution_of_the_legit_templates(capsys):
    if not (SHARED / "corpus" / "legit-templates" / "ham.tar.gz").exists():
        pytest.skip("shared corpus not available")
    assert kinds.main(["--only", "legit-templates:ham", "--list", "transactional"]) == 0
    out = capsys.readouterr().out
    row = re.search(r"legit-templates:ham\s+(\d+)\s+(\d+) \(.*?\)\s+(\d+) \(.*?\)\s+(\d+)", out)
    assert row, out
    total, marketing, transactional, personal = map(int, row.groups())
    assert total == marketing + transactional + personal == 213
    assert transactional >= 40  # receipts, invoices, resets, shipping and account notices
    listed = [line for line in out.splitlines() if line.startswith("  ")]
    assert len(listed) == transactional
    assert any("templates__meow__receipt" in line and "subject.receipt" in line for line in listed)


def test_an_unknown_set_is_reported_not_raised(capsys):
    assert kinds.main(["--only", "no-such-set:ham"]) == 0
    assert "(not available)" in capsys.readouterr().out
