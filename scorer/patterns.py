"""Evaluate the rules that are only data: header, body, uri and phrase patterns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scorer.phrases import normalize
from scorer.registry import Hit

if TYPE_CHECKING:
    from scorer.message import Message
    from scorer.rules import Rule

_MAX_EVIDENCE = 8


def _target_text(msg: Message, target: str) -> str:
    if target == "subject":
        return msg.subject_nfkc
    if target == "body":
        return msg.all_text_nfkc
    if target == "visible":
        return msg.visible_text
    if target == "plain":
        return msg.plain_text
    if target == "html":
        return msg.html
    return "\n".join(f"{k}: {v}" for k, v in msg.headers)


def evaluate(rule: Rule, msg: Message) -> Hit | None:
    """Run one pattern rule; None when it does not match. Raises TimeoutError on a slow regex."""
    if rule.check == "header":
        evidence = []
        for name in rule.header:
            for value in msg.header_all(name):
                if rule.search(_nfkc(value)):
                    evidence.append(f"{name}: {value[:200]}")
        return Hit(rule.id, evidence[:_MAX_EVIDENCE]) if evidence else None
    if rule.check == "uri":
        evidence = [u.url[:300] for u in msg.urls if rule.search(u.url)]
        if not evidence:
            return None
        unique = list(dict.fromkeys(evidence))
        return Hit(rule.id, unique[:_MAX_EVIDENCE], {"count": len(unique)}, value=len(unique))
    if rule.check == "body":
        for target in rule.target:
            match = rule.search(_target_text(msg, target))
            if match:
                return Hit(rule.id, [match.group(0)[:200]])
        return None
    if rule.check == "phrases":
        found: dict[str, float] = {}
        for target in rule.target:
            text = _target_text(msg, target)
            if text:
                for key, hit in rule.phrase_matcher.find(normalize(text)).items():
                    found.setdefault(key, hit.weight)
        if not found:
            return None
        evidence = sorted(found, key=lambda key: -found[key])
        return Hit(
            rule.id,
            evidence[:_MAX_EVIDENCE],
            {"count": len(found), "phrases": evidence[:5]},
            value=sum(found.values()),
        )
    raise ValueError(f"{rule.id}: not a pattern rule")


def _nfkc(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text)
