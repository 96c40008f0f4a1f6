"""Compare two reports of a draft: what a change fixed, what it broke, and the score delta.

Works on v1 report dicts (the API's JSON, a stored report, `spamscore check --json` output), so
the web page, `POST /api/v1/compare` and `spamscore diff` give the same answer. Each report
records the rules and model versions it was scored with; when they differ the comparison says
so, because part of the difference may then be the rule set's, not the draft's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scorer import i18n

_VERSION_PARTS = ("rules", "model", "spamscore")


def compare(before: Mapping[str, Any], after: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The difference from `before` to `after` (both v1 report dicts)."""
    old = {f["id"]: f for f in before.get("findings", [])}
    new = {f["id"]: f for f in after.get("findings", [])}
    added = [_finding(new[i]) for i in new if i not in old]
    removed = [_finding(old[i]) for i in old if i not in new]
    same_language = before.get("lang", "en") == after.get("lang", "en")
    changed = []
    for finding_id in new:
        if finding_id not in old:
            continue
        a, b = old[finding_id], new[finding_id]
        # evidence in two languages cannot be compared word for word: then only scores count
        gone = [e for e in a.get("evidence", []) if e not in b.get("evidence", [])]
        came = [e for e in b.get("evidence", []) if e not in a.get("evidence", [])]
        if not same_language:
            gone, came = [], []
        if a["score"] != b["score"] or gone or came:
            changed.append(
                {
                    **_finding(b),
                    "score_before": a["score"],
                    "score_after": b["score"],
                    "evidence_removed": gone,
                    "evidence_added": came,
                }
            )
    added.sort(key=lambda f: -f["score"])
    removed.sort(key=lambda f: -f["score"])
    changed.sort(key=lambda f: -abs(f["score_after"] - f["score_before"]))
    score_before, score_after = float(before["score"]), float(after["score"])
    versions = _versions(before, after)
    out: dict[str, Any] = {
        "score_before": score_before,
        "score_after": score_after,
        "delta": round(score_after - score_before, 2),
        "threshold": after.get("threshold"),
        "is_spam_before": bool(before.get("is_spam")),
        "is_spam_after": bool(after.get("is_spam")),
        "added": added,
        "removed": removed,
        "changed": changed,
        "unchanged": sum(1 for i in new if i in old) - len(changed),
        "requirements": _requirements(before, after),
        "versions": versions,
    }
    out["summary"] = summary(out, lang)
    if versions["differs"]:
        out["versions_note"] = i18n.text(
            "compare.versions_differ", lang, parts=", ".join(versions["differs"])
        )
    return out


def _finding(item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": item["id"],
        "title": item.get("title", item["id"]),
        "category": item.get("category"),
        "score": item["score"],
        "evidence": list(item.get("evidence", [])),
    }


def _versions(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    old = before.get("versions") or {}
    new = after.get("versions") or {}
    differs = [part for part in _VERSION_PARTS if old.get(part) != new.get(part)]
    if not old or not new:
        differs = ["unknown"] if old != new else []
    return {"before": dict(old), "after": dict(new), "differs": differs}


def _requirements(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[str]]:
    old = {r["id"]: r["status"] for r in before.get("requirements", [])}
    new = {r["id"]: r["status"] for r in after.get("requirements", [])}
    fixed = [i for i, s in new.items() if s == "pass" and old.get(i) in ("fail", "warn")]
    broken = [i for i, s in new.items() if s in ("fail", "warn") and old.get(i) == "pass"]
    return {"fixed": fixed, "broken": broken}


def summary(diff: Mapping[str, Any], lang: str) -> str:
    """`Score 7.2 → 3.1 (−4.1): 3 findings gone, 1 new, 1 changed.`"""
    delta = diff["delta"]
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    return i18n.text(
        "compare.summary",
        lang,
        before=f"{diff['score_before']:.1f}",
        after=f"{diff['score_after']:.1f}",
        delta=f"{sign}{abs(delta):.1f}",
        removed=len(diff["removed"]),
        added=len(diff["added"]),
        changed=len(diff["changed"]),
    )
