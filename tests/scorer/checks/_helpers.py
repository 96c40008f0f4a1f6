"""Small helpers shared by the check tests: compose a draft, analyse it, look at one finding."""

from __future__ import annotations

from scorer.compose import compose_message


def analyze(engine, raw: bytes | None = None, **fields):
    if raw is None:
        if "from" in fields:
            fields["from_"] = fields.pop("from")
        raw = compose_message(**fields)
    return engine.analyze(raw)


def ids(report) -> set[str]:
    return set(report.finding_ids())
