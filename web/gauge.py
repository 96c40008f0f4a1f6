"""Geometry of the score gauge: a half circle from 0 to a scale that always shows the threshold."""

from __future__ import annotations

import math
from typing import Any

CX, CY, R = 100.0, 100.0, 80.0


def _point(fraction: float, radius: float = R) -> tuple[float, float]:
    angle = math.pi * (1.0 - fraction)
    return round(CX + radius * math.cos(angle), 2), round(CY - radius * math.sin(angle), 2)


def _arc(start: float, end: float) -> str:
    x0, y0 = _point(start)
    x1, y1 = _point(end)
    return f"M {x0} {y0} A {R} {R} 0 0 1 {x1} {y1}"


def gauge(score: float, threshold: float) -> dict[str, Any]:
    """SVG paths and a state (`ok`, `near`, `spam`) for `score` against `threshold`.

    The scale runs to twice the threshold (or past the score), so the threshold mark sits at
    the top of the arc for the default settings and a high score still fits.
    """
    top = max(threshold * 2.0, math.ceil(max(score, 0.0) * 1.1), 1.0)
    fraction = min(max(score, 0.0) / top, 1.0)
    mark = min(max(threshold, 0.0) / top, 1.0)
    if score >= threshold:
        state = "spam"
    elif score >= threshold * 0.6:
        state = "near"
    else:
        state = "ok"
    inner = _point(mark, R - 14)
    outer = _point(mark, R + 14)
    return {
        "track": _arc(0.0, 1.0),
        "value": _arc(0.0, fraction) if fraction > 0.001 else "",
        "mark": {"x1": inner[0], "y1": inner[1], "x2": outer[0], "y2": outer[1]},
        "state": state,
        "fraction": fraction,
        "top": top,
    }
