"""bench/cv_ceiling.py: the band-design ceiling is exact, and no band design beats it."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from bench import cv_ceiling


def _brute_force(labels, probability, rules, max_fp):
    """Every bar per distinct probability (one of the rule levels or 'none'), non-increasing
    as p rises: the most spam flagged with at most max_fp ham."""
    ps = np.unique(probability)[::-1]  # highest p first
    levels = [*np.unique(rules).tolist(), np.inf]
    best = 0
    for bars in itertools.product(range(len(levels)), repeat=len(ps)):
        if any(bars[i] > bars[i + 1] for i in range(len(bars) - 1)):
            continue  # the bar may only rise as p falls
        bar = {p: levels[j] for p, j in zip(ps, bars, strict=True)}
        flagged = np.array([rules[i] >= bar[probability[i]] for i in range(len(labels))])
        if (flagged & (labels == 0)).sum() <= max_fp:
            best = max(best, int((flagged & (labels == 1)).sum()))
    return best / int((labels == 1).sum())


@pytest.mark.parametrize("seed", range(6))
def test_staircase_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = 14
    labels = rng.integers(0, 2, n)
    labels[:2] = (0, 1)
    probability = rng.choice([0.1, 0.4, 0.6, 0.9], n)
    rules = rng.choice([0.0, 1.0, 2.5, 4.0], n)
    for max_fp in (0, 1, 2):
        recall, used = cv_ceiling.best_staircase(labels, probability, rules, max_fp)
        assert used <= max_fp
        assert recall == pytest.approx(_brute_force(labels, probability, rules, max_fp))


def test_no_band_design_beats_the_ceiling():
    rng = np.random.default_rng(7)
    n = 600
    labels = (rng.random(n) < 0.3).astype(int)
    probability = np.clip(rng.normal(0.25 + 0.5 * labels, 0.15), 0, 1).round(3)
    rules = rng.choice([0.0, 0.5, 1.0, 2.0, 3.5, 4.5], n, p=[0.4, 0.2, 0.15, 0.1, 0.1, 0.05])
    max_fp = 8
    ceiling, _ = cv_ceiling.best_staircase(labels, probability, rules, max_fp)
    designs = 0
    for _ in range(300):
        edges = np.sort(rng.uniform(0.4, 1.0, 4))
        scores = np.sort(rng.uniform(0, 5, 4))
        band = np.zeros(n)
        for edge, score in zip(edges, scores, strict=True):
            band[probability >= edge] = score
        flagged = rules + band >= 5.0
        if (flagged & (labels == 0)).sum() <= max_fp:
            designs += 1
            assert flagged[labels == 1].mean() <= ceiling + 1e-12
    assert designs > 20
    # The two parts alone are band designs too.
    assert cv_ceiling.recall_at_budget(labels, probability, max_fp)[0] <= ceiling
    assert cv_ceiling.recall_at_budget(labels, rules, max_fp)[0] <= ceiling


def test_recall_at_budget():
    labels = np.array([0, 0, 0, 1, 1, 1, 1])
    values = np.array([0.1, 0.5, 0.9, 0.2, 0.6, 0.8, 0.95])
    assert cv_ceiling.recall_at_budget(labels, values, 0) == (0.25, 0)  # only 0.95 > 0.9
    assert cv_ceiling.recall_at_budget(labels, values, 1) == (0.75, 1)  # > 0.5
    assert cv_ceiling.recall_at_budget(labels, values, 3) == (1.0, 3)


def test_report_reads_eval_scores(tmp_path):
    path = tmp_path / "cv.tsv"
    rows = ["source\tname\tlabel\tprobability\tscore\trules_score"]
    for i, (label, p, rules) in enumerate(
        [(0, 0.1, 0.0), (0, 0.7, 1.0), (1, 0.8, 2.0), (1, 0.3, 5.0), (0, 0.2, 0.5), (1, 0.95, 0)]
    ):
        rows.append(f"s\tm{i}\t{label}\t{p}\t{rules + 4 * (p >= 0.75):.2f}\t{rules}")
    path.write_text("\n".join(rows) + "\n")
    text = cv_ceiling.report(str(path), (0.34,), 5.0)
    assert "6 messages (3 spam, 3 ham)" in text
    # One ham allowed: p >= 0.75 or rules >= 5 flags all three spam and no ham.
    assert "100.00% (0 FP)" in text


def test_report_refuses_scores_without_rules(tmp_path):
    path = tmp_path / "cv.tsv"
    path.write_text("source\tname\tlabel\tprobability\tscore\trules_score\ns\tm\t1\t0.5\t\t\n")
    with pytest.raises(SystemExit):
        cv_ceiling.read_scores(path)
