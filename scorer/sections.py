"""The words of the report's added sections, in the reader's language: the fixes and their
headline, the DNS status, what a draft was assumed to lack, and the categories that were capped.

The sections are stored language-neutral (ids, scores, codes); `localise` adds their texts to a
report dict each time it is shown, as the findings' titles are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scorer import i18n
from scorer.causes import FINDING_PREFIX, Causes, load_causes

if TYPE_CHECKING:
    from scorer.rules import RuleSet


def localise(data: dict[str, Any], lang: str, rules: RuleSet | None) -> None:
    """Add `title`/`advice` to each fix, `headline`, and `message` to `dns` and `draft`."""
    fixes = data.get("fixes")
    if isinstance(fixes, list):
        causes = rules.lists.causes if rules is not None else load_causes()
        _fixes(data, fixes, lang, causes)
        data["headline"] = headline(data, lang)
    dns = data.get("dns")
    if isinstance(dns, dict) and dns.get("status") not in (None, "ok"):
        key = f"dns.{dns.get('problem') or dns['status']}"
        figures = {k: dns[k] for k in ("queries", "seconds") if k in dns}
        dns["message"] = i18n.text(key, lang, **figures)
    draft = data.get("draft")
    if isinstance(draft, dict):
        names = draft.get("assumed_missing") or []
        draft["message"] = i18n.text(
            f"draft.{draft.get('input') or 'composed'}", lang, headers=", ".join(names)
        )
    if data.get("capped"):
        data["capped_note"] = capped_note(data, lang)


def _fixes(data: dict[str, Any], fixes: list[dict[str, Any]], lang: str, causes: Causes) -> None:
    findings = {f["id"]: f for f in data.get("findings", [])}
    requirements = {r["id"]: r for r in data.get("requirements", [])}
    for fix in fixes:
        shown = [findings[i] for i in fix.get("ids", []) if i in findings]
        lead = max(shown, key=lambda f: f["score"], default=None)
        failing = [requirements[r] for r in fix.get("requirements", []) if r in requirements]
        cause = str(fix.get("cause", ""))
        title = None if cause.startswith(FINDING_PREFIX) else causes.title(cause, lang)
        if not title:
            title = lead["title"] if lead else (failing[0]["title"] if failing else "")
        fix["title"] = title
        advice = lead["advice"] if lead and lead.get("advice") else ""
        if not advice and failing:
            advice = failing[0].get("advice") or ""
        fix["advice"] = advice
        fix["providers"] = sorted({r.get("provider", "") for r in failing if r.get("provider")})


def headline(data: dict[str, Any], lang: str) -> dict[str, Any]:
    """The plain sentence beside the score: how many changes reach the inbox."""
    fixes = data.get("fixes") or []
    needed = [f for f in fixes if f.get("needed")]
    count = len(needed)
    reachable = (not data.get("is_spam")) or any(
        f.get("score_after", data["score"]) < data["threshold"] for f in fixes
    )
    if count == 0:
        key = "headline.ready"
    elif not reachable:
        key = "headline.rewrite"
    elif not data.get("is_spam"):
        key = "headline.requirements_one" if count == 1 else "headline.requirements"
    else:
        key = "headline.changes_one" if count == 1 else "headline.changes"
    return {
        "changes": count,
        "reachable": reachable,
        "text": i18n.text(key, lang, n=count),
    }


def capped_note(data: dict[str, Any], lang: str) -> str:
    """`Links: findings add up to 9.3, counted at most 5.0` for each capped category."""
    parts = []
    for name, bound in data.get("capped", {}).items():
        label = i18n.text(f"category.{name}", lang)
        if "cap" in bound:
            parts.append(
                i18n.text("capped.cap", lang, category=label, raw=bound["raw"], cap=bound["cap"])
            )
        elif "floor" in bound:
            parts.append(
                i18n.text(
                    "capped.floor", lang, category=label, raw=bound["raw"], floor=bound["floor"]
                )
            )
    return i18n.text("capped.join", lang).join(parts)
