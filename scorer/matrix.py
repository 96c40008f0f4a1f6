"""Provider requirements as one matrix: a row per requirement, a column per provider.

Several providers ask for the same thing (a DMARC record: Gmail, Yahoo, Outlook.com, iCloud);
listed per provider, one missing record reads as seven problems. Here it is one row with a cell
per provider that requires it; a failing cell carries the SMTP code that provider answers with,
and the row names its root cause, so the fix list shows it once. Rows where every cell passes
(or no provider requires it) are collapsed; so are rows not checked for one shared reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from scorer import i18n

ORDER = {"fail": 0, "warn": 1, "unknown": 2, "pass": 3, "not_applicable": 4}
_PERMANENT = re.compile(r"\b(5\d\d)[ ;-]+(5\.\d{1,3}\.\d{1,3})")
_TEMPORARY = re.compile(r"\b(4\d\d)[ ;-]+(4\.\d{1,3}\.\d{1,3})")
_ENHANCED = re.compile(r"\b([45]\.\d{1,3}\.\d{1,3})\b")


def smtp_code(reply: str | None) -> str | None:
    """The refusal code of a provider's SMTP reply text: `550 5.7.26` (the permanent one when
    both are given), else the temporary one, else a bare enhanced status code."""
    if not reply:
        return None
    for pattern in (_PERMANENT, _TEMPORARY):
        found = pattern.search(reply)
        if found:
            return f"{found.group(1)} {found.group(2)}"
    found = _ENHANCED.search(reply)
    if found:
        return found.group(1)
    return None


def providers_of(requirements: Iterable[Mapping[str, Any]]) -> list[str]:
    """Provider columns in the order the checklist gives them."""
    return list(
        dict.fromkeys(str(r.get("provider") or r["id"].split(".")[0]) for r in requirements)
    )


def build(requirements: list[Mapping[str, Any]], lang: str) -> dict[str, Any]:
    """`{providers, rows, open, collapsed}` from the report's `requirements` (dicts in `lang`).

    `open` holds the rows with a failing or warning cell, worst first; `collapsed` the others,
    grouped by why (`pass`: all met; `unknown:<outcome>`: not checked for that reason).
    """
    providers = providers_of(requirements)
    rows: dict[str, dict[str, Any]] = {}
    for req in requirements:
        key = str(req.get("row") or req["id"].split(".", 1)[-1])
        provider = str(req.get("provider") or req["id"].split(".")[0])
        row = rows.setdefault(
            key,
            {"row": key, "title": _row_title(key, req, lang), "cells": {}, "causes": []},
        )
        status = str(req["status"]) if req.get("applicable", True) else "not_applicable"
        row["cells"][provider] = {
            "id": req["id"],
            "status": status,
            "detail": req.get("detail") or "",
            "outcome": req.get("outcome") or "",
            "smtp_code": smtp_code(req.get("smtp_reply")) if status == "fail" else None,
            "smtp_reply": req.get("smtp_reply") if status == "fail" else None,
            "effective_from": req.get("effective_from"),
        }
        cause = req.get("cause")
        if cause and cause not in row["causes"]:
            row["causes"].append(cause)
    open_rows, collapsed = [], {}
    for row in rows.values():
        statuses = [c["status"] for c in row["cells"].values()]
        row["status"] = min(statuses, key=lambda s: ORDER.get(s, 9))
        details = list(dict.fromkeys(c["detail"] for c in row["cells"].values()))
        row["detail"] = details[0] if len(details) == 1 else ""
        if row["status"] in ("fail", "warn"):
            open_rows.append(row)
            continue
        if row["status"] == "not_applicable":
            group = "not_applicable"
        elif row["status"] == "pass":
            group = "pass"
        else:
            outcomes = {c["outcome"] for c in row["cells"].values() if c["status"] == "unknown"}
            group = "unknown:" + (outcomes.pop() if len(outcomes) == 1 else "mixed")
        collapsed.setdefault(group, []).append(row)
    open_rows.sort(key=lambda r: (ORDER.get(r["status"], 9), -_count(r, "fail")))
    return {
        "providers": [{"id": p, "name": provider_name(p, lang)} for p in providers],
        "rows": list(rows.values()),
        "open": open_rows,
        "collapsed": [
            {"group": group, "rows": items, "label": _group_label(group, items, lang)}
            for group, items in sorted(
                collapsed.items(), key=lambda kv: (kv[0] != "pass", kv[0] != "not_applicable")
            )
        ],
    }


def _count(row: Mapping[str, Any], status: str) -> int:
    return sum(1 for c in row["cells"].values() if c["status"] == status)


def _row_title(key: str, req: Mapping[str, Any], lang: str) -> str:
    found = f"matrix.row.{key}"
    return i18n.text(found, lang) if i18n.has(found) else str(req.get("title") or key)


def provider_name(provider: str, lang: str) -> str:
    """The provider's name from the requirements catalogue (Yahoo メール, ドコモ) of the shipped
    (or SPAMSCORE_RULES_DIR) rule set."""
    from scorer.rules import load_rules

    known = load_rules().lists.requirements.providers.get(provider)
    if known is None:
        return provider
    return known.name.get(lang) or known.name["en"]


def _group_label(group: str, rows: list[Mapping[str, Any]], lang: str) -> str:
    titles = [str(r["title"]) for r in rows]
    if group == "pass":
        return i18n.text("matrix.collapsed.pass", lang, n=len(rows), rows=titles)
    if group == "not_applicable":
        reason = next(
            (c["detail"] for r in rows for c in r["cells"].values() if c.get("detail")), ""
        )
        return i18n.text("matrix.collapsed.not_applicable", lang, rows=titles, why=reason)
    detail = str(rows[0].get("detail") or "").rstrip(".。")
    return i18n.text("matrix.collapsed.unknown", lang, n=len(rows), why=detail, rows=titles)
