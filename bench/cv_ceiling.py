#!/usr/bin/env python3
"""The most recall any classifier band design could give, at a false-positive budget.

    spamscore eval --cv 5 --scores-out cv.tsv
    python bench/cv_ceiling.py cv.tsv                 # budgets 0.25%, 0.5% and 1%
    python bench/cv_ceiling.py cv.tsv --fpr 0.005
    spamscore eval --per-source --scores-out sources.tsv
    python bench/cv_ceiling.py sources.tsv --unit spamassassin-2003   # its grouped-CV rows

The whole pipeline flags a message when its rule score plus the classifier's band score reaches
the threshold. Band scores are a non-decreasing step function of p(spam), so whatever the band
edges, scores and threshold, a message is flagged exactly when its rule score reaches a bar that
can only fall as p rises. `best_staircase` finds the best such bar over every probability seen
(dynamic programming over the out-of-fold probabilities, exact), with no limit on band scores.
Its recall is therefore a ceiling for every band design on this model's cross-validation: if the
ceiling is below a target, only a better ranking (model or data) can reach it, not re-tuning
rules/classifier.yaml. It is an in-sample optimum, so a real design does worse.

Also printed, at the same budget: the shipped pipeline (the `score` column at the threshold),
the rules alone (`rules_score`) and the classifier alone (the best probability cut).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
from pathlib import Path

import numpy as np

DEFAULT_BUDGETS = (0.0025, 0.005, 0.01)


def read_scores(
    path: str | Path, unit: str | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Labels, probabilities, pipeline scores and rule scores from `eval --scores-out`: the
    file of `eval --cv`, or of `eval --per-source` (its grouped-CV columns, the training
    messages only, or those of one `unit`)."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    if not rows or not rows[0].get("rules_score"):
        raise SystemExit(f"{path}: needs the rules_score column of `spamscore eval --cv`")
    if "cv_p" in rows[0]:
        rows = [r for r in rows if r["cv_p"] and (unit is None or r["unit"] == unit)]
        for r in rows:
            r["probability"], r["score"] = r["cv_p"], r["cv_score"]
    labels = np.array([int(r["label"]) for r in rows])
    probability = np.array([float(r["probability"]) for r in rows])
    score = np.array([float(r["score"]) for r in rows])
    rules = np.array([float(r["rules_score"]) for r in rows])
    return labels, probability, score, rules


def recall_at_budget(labels: np.ndarray, values: np.ndarray, max_fp: int) -> tuple[float, int]:
    """Best recall of `values >= cut` over every cut with at most `max_fp` ham flagged."""
    spam = np.sort(values[labels == 1])
    ham = np.sort(values[labels == 0])[::-1]
    if max_fp >= len(ham):
        return 1.0, len(ham)
    # The cut sits just above the (max_fp+1)-th highest ham: everything strictly above it.
    bar = ham[max_fp]
    flagged = len(spam) - np.searchsorted(spam, bar, side="right")
    fp = int((ham > bar).sum())
    return flagged / len(spam), fp


def best_staircase(
    labels: np.ndarray, probability: np.ndarray, rules: np.ndarray, max_fp: int
) -> tuple[float, int]:
    """Most spam flagged by `rules >= bar(p)` with `bar` non-increasing in p and at most
    `max_fp` ham flagged; returns (recall, ham flagged). Exact for the values seen."""
    levels = np.unique(rules)  # bar index j: flag when rules >= levels[j]; len(levels): none
    n_levels = len(levels) + 1
    bars = np.append(levels, np.inf)[:, None]
    order = np.argsort(-probability, kind="stable")
    _, starts = np.unique(-probability[order], return_index=True)
    bounds = [*starts.tolist(), len(order)]
    neg = -np.inf
    # best[j, f]: most spam flagged so far with the bar at level j now and f ham flagged.
    best = np.full((n_levels, max_fp + 1), neg)
    best[:, 0] = 0.0
    for start, end in itertools.pairwise(bounds):
        members = order[start:end]
        member_rules = rules[members]
        member_labels = labels[members]
        # For each level: spam and ham in this probability that reach it.
        reach = member_rules[None, :] >= bars
        tp = (reach & (member_labels == 1)).sum(axis=1)
        fp = (reach & (member_labels == 0)).sum(axis=1)
        # As p falls the bar may only rise: the best over levels at or below j.
        carried = np.maximum.accumulate(best, axis=0)
        new = np.full_like(best, neg)
        for j in range(n_levels):
            if fp[j] > max_fp:
                continue
            shifted = np.full(max_fp + 1, neg)
            shifted[fp[j] :] = carried[j, : max_fp + 1 - fp[j]]
            new[j] = shifted + tp[j]
        best = new
    per_fp = best.max(axis=0)
    used = int(np.argmax(per_fp == per_fp.max()))  # the fewest ham for the most spam
    return float(per_fp[used]) / int((labels == 1).sum()), used


def report(path: str, budgets: tuple[float, ...], threshold: float, unit: str | None = None) -> str:
    labels, probability, score, rules = read_scores(path, unit)
    n_ham = int((labels == 0).sum())
    lines = [
        f"{path}: {len(labels)} messages ({int(labels.sum())} spam, {n_ham} ham)",
        f"{'FPR budget':>10}  {'shipped':>16}  {'rules alone':>12}  "
        f"{'classifier':>10}  {'any band design (ceiling)':>26}",
    ]
    shipped = score >= threshold
    ship_recall = shipped[labels == 1].mean()
    ship_fpr = shipped[labels == 0].mean()
    for budget in budgets:
        max_fp = int(np.floor(budget * n_ham))
        rules_recall, _ = recall_at_budget(labels, rules, max_fp)
        clf_recall, _ = recall_at_budget(labels, probability, max_fp)
        ceiling, used = best_staircase(labels, probability, rules, max_fp)
        lines.append(
            f"{budget:>10.2%}  {ship_recall:>7.2%} @{ship_fpr:>6.2%}  {rules_recall:>12.2%}  "
            f"{clf_recall:>10.2%}  {ceiling:>17.2%} ({used} FP)"
        )
    lines.append(f"shipped = the pipeline's own score at threshold {threshold} (its FPR after @)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scores", help="a --scores-out file of `spamscore eval --cv`")
    parser.add_argument("--fpr", type=float, action="append", help="budget, e.g. 0.005")
    parser.add_argument("--threshold", type=float, default=5.0)
    parser.add_argument(
        "--unit", help="with an `eval --per-source` file: only this source's messages"
    )
    args = parser.parse_args(argv)
    print(report(args.scores, tuple(args.fpr or DEFAULT_BUDGETS), args.threshold, args.unit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
