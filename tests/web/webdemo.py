"""A demo engine for the web tests and the docs screenshots.

It is the real `scorer.pipeline.Engine` on a small real rule set (tests/web/data/rules), plus
the two report sections other parts of the project produce and this branch may not yet: the
provider requirements checklist and the classifier's verdict. Those are computed here from the
message in a deliberately simple, deterministic way, so the pages render them as they will
render the real ones (same Report fields: `requirements`, `classifier`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from scorer.message import parse
from scorer.pipeline import Engine
from scorer.report import Report, Requirement
from scorer.rules import load_rules
from scorer.settings import Settings

HERE = Path(__file__).resolve().parent
RULES_DIR = HERE / "data" / "rules"
MESSAGES_DIR = HERE.parent / "data" / "messages"

# Word weights of the demo classifier (positive: spam-ward).
WORD_WEIGHTS = {
    "free": 1.3,
    "gift": 0.9,
    "congratulations": 1.2,
    "selected": 0.7,
    "claim": 0.8,
    "now": 0.4,
    "today": 0.3,
    "無料": 1.1,
    "今すぐ": 0.9,
    "roast": -0.9,
    "tasting": -0.7,
    "subscribed": -0.8,
    "brewing": -0.6,
    "weekdays": -0.4,
    "お知らせ": -0.5,
}


class DemoEngine(Engine):
    """The real engine, with a constructed checklist and classifier section added."""

    def __init__(self, settings: Settings | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("rules", load_rules(RULES_DIR))
        super().__init__(settings or Settings(offline=True, use_classifier=False), **kwargs)

    def analyze(self, raw: bytes | str, **options: Any) -> Report:
        report = super().analyze(raw, **options)
        data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogateescape")
        msg = parse(data, self.settings.limits)
        report.requirements = demo_requirements(msg)
        report.classifier = demo_classifier(msg.all_text)
        return report


def demo_requirements(msg: Any) -> list[Requirement]:
    one_click = (msg.header("List-Unsubscribe-Post") or "").strip()
    unsub = msg.header("List-Unsubscribe")
    ok = "List-Unsubscribe=One-Click" in one_click and bool(unsub)
    return [
        Requirement(
            id="gmail.one_click_unsubscribe",
            status="pass" if ok else "fail",
            title={"en": "One-click unsubscribe", "ja": "ワンクリック登録解除"},
            detail={
                "en": "List-Unsubscribe and List-Unsubscribe-Post are present"
                if ok
                else "No List-Unsubscribe-Post: List-Unsubscribe=One-Click header",
                "ja": "List-Unsubscribe と List-Unsubscribe-Post があります"
                if ok
                else "List-Unsubscribe-Post: List-Unsubscribe=One-Click ヘッダーがありません",
            },
            advice={
                "en": "Add List-Unsubscribe with an https URL and "
                "List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058).",
                "ja": "https の URL を含む List-Unsubscribe と List-Unsubscribe-Post: "
                "List-Unsubscribe=One-Click を追加してください（RFC 8058）。",
            },
            smtp_reply=None
            if ok
            else "550-5.7.26 Your email lacks one-click unsubscribe (demo reply)",
            provider="gmail",
        ),
        Requirement(
            id="gmail.dkim",
            status="unknown",
            title={"en": "DKIM signature", "ja": "DKIM 署名"},
            detail={
                "en": "Not checked offline",
                "ja": "オフラインのため未確認",
            },
            advice={
                "en": "Sign with a DKIM key of at least 1024 bits.",
                "ja": "1024 ビット以上の DKIM 鍵で署名してください。",
            },
            provider="gmail",
        ),
        Requirement(
            id="yahoo.from_present",
            status="pass" if msg.from_address else "fail",
            title={"en": "A valid From address", "ja": "有効な From アドレス"},
            detail={
                "en": msg.from_address.addr_spec if msg.from_address else "No From address",
                "ja": msg.from_address.addr_spec if msg.from_address else "From がありません",
            },
            advice={
                "en": "Send from one valid address.",
                "ja": "有効なアドレスから送信してください。",
            },
            provider="yahoo",
        ),
    ]


def demo_classifier(text: str) -> dict[str, Any]:
    lowered = text.lower()
    present = {w: wt for w, wt in WORD_WEIGHTS.items() if w in lowered}
    logit = sum(present.values()) - 0.5
    probability = round(1.0 / (1.0 + math.exp(-logit)), 3)
    top = sorted(present.items(), key=lambda kv: -abs(kv[1]))
    return {
        "probability": probability,
        "top_features": [{"feature": w, "weight": wt} for w, wt in top],
    }


def demo_engine(**settings: Any) -> DemoEngine:
    base = {"offline": True, "use_classifier": False}
    base.update(settings)
    return DemoEngine(Settings(**base))
