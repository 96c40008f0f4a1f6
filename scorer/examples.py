"""Turn a rule's hit/miss examples into messages and run them (the rule tests use this).

An example is inline text, composed fields, or a `file:` naming a fixture message in a folder the
caller gives: the library does not know where a project keeps its fixtures (this one keeps them
in tests/data/messages).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scorer.compose import compose_message
from scorer.context import Delivery
from scorer.dnsbudget import FixedAllowance
from scorer.report import Finding, Report
from scorer.rules import Example


def example_bytes(example: Example, fixtures_dir: Path) -> bytes:
    """The raw message an example describes (inline text, a fixture file, or composed fields)."""
    if example.file is not None:
        return (fixtures_dir / example.file).read_bytes()
    if example.message is not None:
        text = example.message
        if "\r\n" not in text:
            text = text.replace("\n", "\r\n")
        return text.encode("utf-8", "surrogateescape")
    fields: dict[str, Any] = dict(example.compose or {})
    if "from" in fields:
        fields["from_"] = fields.pop("from")
    return compose_message(**fields)


def run_example(
    engine: Any, rule_id: str, example: Example, fixtures_dir: Path
) -> tuple[Report, Finding | None]:
    """Analyse the example's message; return the report and the rule's finding (or None)."""
    raw = example_bytes(example, fixtures_dir)
    limits = engine.settings.limits.replace(**example.limits) if example.limits else None
    offline = example.offline if example.offline is not None else None
    report = engine.analyze(
        raw,
        delivery=Delivery.from_mapping(dict(example.context)),
        limits=limits,
        offline=offline,
        kind=example.kind,
        dns_allowance=FixedAllowance(example.dns_budget)
        if example.dns_budget is not None
        else None,
    )
    return report, report.get(rule_id)
