"""`spamscore eval`: how well the classifier, and the whole pipeline at its threshold, separate
ham from spam, and how fast they are.

    spamscore eval --ham PATH --spam PATH [--model DIR] [--json]
    spamscore eval --ham PATH --spam PATH --cv 5 [--seed 0]

Without --cv the shipped (or given) model is measured on the messages as they are. With --cv the
messages are de-duplicated and split by near-duplicate group (`scorer.ml.corpus.assign_groups`), so
a campaign or thread never sits on both sides of a split; each fold trains its own model.

The whole pipeline is the offline engine (`Engine(Settings(offline=True))`). In cross-validation
its rules run once per message with the classifier off, and each fold model's bucket score (from
rules/classifier.yaml, under the classifier category's cap) is added: the same sum the engine
makes, without re-analysing every message five times.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from scorer.ml import corpus
from scorer.ml.classifier import META_FILE, Model, default_model_dir
from scorer.rules import RuleSet, load_rules
from scorer.settings import Settings

if TYPE_CHECKING:
    from scorer.ml.train import Recipe

Log = Callable[[str], None] | None


# --- metrics ---------------------------------------------------------------------------------


def confusion(labels: Sequence[int] | np.ndarray, flagged: Sequence[bool] | np.ndarray) -> dict:
    """Confusion matrix and the rates derived from it (None where a rate is undefined)."""
    y = np.asarray(labels, dtype=bool)
    f = np.asarray(flagged, dtype=bool)
    tp = int((y & f).sum())
    fp = int((~y & f).sum())
    tn = int((~y & ~f).sum())
    fn = int((y & ~f).sum())

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 5) if b else None

    precision = ratio(tp, tp + fp)
    recall = ratio(tp, tp + fn)
    f1 = (
        round(2 * precision * recall / (precision + recall), 5)
        if precision and recall
        else (0.0 if precision is not None and recall is not None else None)
    )
    return {
        "messages": len(y),
        "spam": int(y.sum()),
        "ham": int((~y).sum()),
        "tp": tp,
        "fp": fp,
        "tn": tn,
        "fn": fn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "fpr": ratio(fp, fp + tn),
        "flagged": ratio(tp + fp, len(y)),
    }


def bucket_scores(
    probabilities: np.ndarray,
    rules: RuleSet,
    words: Sequence[int | None] | None = None,
    others: Sequence[float] | None = None,
    rules_scores: Sequence[float] | None = None,
    threshold: float = 5.0,
) -> np.ndarray:
    """The classifier category's total for each probability, as the engine would score it
    (`scorer.checks.classifier.category_score`): `words` are the words the model read (None:
    enough), `others` the corroborating categories' support (None: corroborated), and
    `rules_scores` the classifier-off scores (the rest of the score, for the threshold)."""
    from scorer.checks.classifier import category_score

    scores = np.zeros(len(probabilities))
    for index, probability in enumerate(probabilities.tolist()):
        scores[index] = category_score(
            probability,
            None if words is None else words[index],
            float("inf") if others is None else others[index],
            rules,
            None if rules_scores is None else threshold - rules_scores[index],
        )
    return scores


def corroboration(
    evidence: Sequence[Any], category: str = "classifier", rules: RuleSet | None = None
) -> np.ndarray:
    """What corroborates `category` in each message's classifier-off run, from its findings
    as the engine judges it (`scorer.scoring.support`: the positive totals of the categories
    its `corroboration.from` names, counting the findings whose rule `corroborates`);
    infinite when the category needs no corroboration."""
    from scorer.scoring import support

    rules = rules or load_rules()
    found = rules.categories.get(category)
    if found is None or found.corroboration is None:
        return np.full(len(evidence), np.inf)
    return np.asarray([support(e.findings, rules, category) for e in evidence])


def threshold_table(labels: np.ndarray, probabilities: np.ndarray, rules: RuleSet) -> list[dict]:
    """Classifier alone, flagged at each bucket's lower bound: where to put the buckets."""
    from scorer.checks.classifier import buckets, stacked_buckets

    bands = buckets(rules) + stacked_buckets(rules)
    cuts = sorted({0.5, *(lo for _, lo, _ in bands if lo > 0)})
    rows = []
    for cut in cuts:
        row = confusion(labels, probabilities >= cut)
        rows.append({"p_at_least": cut, **{k: row[k] for k in ("recall", "fpr", "fp", "fn")}})
    return rows


# --- pipeline --------------------------------------------------------------------------------


def rules_scores(
    samples: Sequence[corpus.Sample], settings: Settings, log: Log = None
) -> tuple[np.ndarray, float]:
    """Whole-pipeline score of each message with the classifier off, and messages per second."""
    from scorer.pipeline import Engine

    engine = Engine(settings.replace(use_classifier=False, offline=True))
    scores = np.zeros(len(samples))
    started = time.perf_counter()
    try:
        for index, sample in enumerate(samples):
            scores[index] = engine.analyze(sample.raw).score
            if log and index and index % 2000 == 0:
                log(f"  rules: {index}/{len(samples)}")
    finally:
        engine.close()
    elapsed = time.perf_counter() - started
    return scores, len(samples) / elapsed if elapsed else 0.0


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-values))


def cross_validate(
    dataset: Any,
    *,
    folds: int = 5,
    c: float | None = None,
    seed: int = 0,
    recipe: Recipe | None = None,
    settings: Settings | None = None,
    pipeline: bool = True,
    weights: np.ndarray | None = None,
    log: Log = None,
) -> dict[str, Any]:
    """Grouped, stratified K-fold CV: out-of-fold probabilities, classifier and pipeline metrics.
    Each fold model is fitted by `recipe` (default: plain logistic regression with `c`, `seed`)."""
    from sklearn.model_selection import StratifiedGroupKFold

    from scorer.ml.train import DEFAULT_C, Recipe, fit_recipe

    if recipe is None:
        recipe = Recipe(c=DEFAULT_C if c is None else c, seed=seed)
    c, seed = recipe.c, recipe.seed
    settings = settings or Settings(offline=True)
    labels = dataset.labels
    groups = dataset.groups
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    probabilities = np.zeros(len(labels))
    for number, (train, test) in enumerate(splitter.split(dataset.matrix, labels, groups), 1):
        assert not set(groups[train]) & set(groups[test])
        coef, intercept = fit_recipe(
            dataset.matrix[train],
            labels[train],
            recipe,
            groups=groups[train],
            sample_weight=None if weights is None else weights[train],
            n_rules=len(getattr(dataset, "rule_features", ())),
        )
        probabilities[test] = _sigmoid(dataset.matrix[test] @ coef.astype(np.float64) + intercept)
        if log:
            log(f"  fold {number}/{folds}: trained on {len(train)}, tested on {len(test)}")
    rules = load_rules()
    result: dict[str, Any] = {
        "folds": folds,
        "seed": seed,
        "C": c,
        **recipe.meta(),
        "groups": len(set(groups.tolist())),
        "classifier": confusion(labels, probabilities >= 0.5),
        "classifier_thresholds": threshold_table(labels, probabilities, rules),
    }
    if pipeline:
        base = dataset.rules_scores
        if base is None:
            base, _rate = rules_scores(dataset.samples, settings, log)
        evidence = getattr(dataset, "evidence", None) or None
        total = base + bucket_scores(
            probabilities,
            rules,
            None if evidence is None else [e.words for e in evidence],
            None if evidence is None else corroboration(evidence),
            base,
            settings.threshold,
        )
        result["pipeline"] = {
            "threshold": settings.threshold,
            **confusion(labels, total >= settings.threshold),
            "rules_alone": confusion(labels, base >= settings.threshold),
        }
        result["scores"] = total
        result["rules_scores"] = base
    result["probabilities"] = probabilities
    return result


# --- measuring a given model -----------------------------------------------------------------


def evaluate_model(
    samples: Sequence[corpus.Sample],
    model_dir: Path,
    *,
    settings: Settings | None = None,
    log: Log = None,
) -> dict[str, Any]:
    """Classifier and whole-pipeline metrics and speed for the model in `model_dir`."""
    from scorer.pipeline import Engine

    settings = (settings or Settings(offline=True)).replace(
        offline=True, use_classifier=True, model_path=str(model_dir)
    )
    model = Model.load(model_dir)
    labels = np.asarray([s.label for s in samples])
    probabilities = np.zeros(len(samples))
    classifier_ms: list[float] = []
    engine = Engine(settings, classifier=model)
    flagged = np.zeros(len(samples), dtype=bool)
    scores = np.zeros(len(samples))
    started = time.perf_counter()
    try:
        for index, sample in enumerate(samples):
            report = engine.analyze(sample.raw)
            flagged[index] = report.is_spam
            scores[index] = report.score
            # The classifier check's own section and timing: the model reads the offline
            # findings of this same run, so this is the probability the engine scored.
            probabilities[index] = (report.classifier or {}).get("probability", 0.0)
            classifier_ms.append(report.checks.get("classifier", {}).get("ms", 0.0))
            if log and index and index % 2000 == 0:
                log(f"  pipeline: {index}/{len(samples)}")
    finally:
        engine.close()
    elapsed = time.perf_counter() - started
    rules = engine.rules
    return {
        "model": str(model_dir),
        "model_created": model.meta.get("created"),
        "classifier": confusion(labels, probabilities >= 0.5),
        "classifier_thresholds": threshold_table(labels, probabilities, rules),
        "pipeline": {"threshold": settings.threshold, **confusion(labels, flagged)},
        "speed": {
            "classifier_ms_median": round(statistics.median(classifier_ms), 4),
            "classifier_ms_p95": round(float(np.percentile(classifier_ms, 95)), 4),
            "pipeline_messages_per_second": round(len(samples) / elapsed, 1) if elapsed else None,
        },
        "probabilities": probabilities,
        "scores": scores,
    }


# --- output ----------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return (
        "  n/a"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else (f"{100 * value:6.2f}%")
    )


def format_confusion(name: str, row: dict[str, Any]) -> str:
    return (
        f"{name:<22} precision {_pct(row['precision'])}  recall {_pct(row['recall'])}  "
        f"F1 {_pct(row['f1'])}  FPR {_pct(row['fpr'])}  flagged {_pct(row['flagged'])}\n"
        f"{'':<22} confusion: TP {row['tp']}  FP {row['fp']}  TN {row['tn']}  FN {row['fn']}"
        f"  ({row['spam']} spam, {row['ham']} ham)"
    )


def _format_thresholds(rows: list[dict]) -> str:
    lines = ["classifier alone by probability cut:"]
    for row in rows:
        lines.append(
            f"  p >= {row['p_at_least']:<5}  recall {_pct(row['recall'])}  FPR {_pct(row['fpr'])}"
            f"  (FP {row['fp']}, FN {row['fn']})"
        )
    return "\n".join(lines)


def format_cv(result: dict[str, Any]) -> str:
    lines = [
        f"grouped {result['folds']}-fold CV (seed {result['seed']}, C {result['C']:g}, "
        f"{result['groups']} groups)",
        format_confusion("classifier (p>=0.5)", result["classifier"]),
        _format_thresholds(result["classifier_thresholds"]),
    ]
    if "pipeline" in result:
        pipe = result["pipeline"]
        lines.append(format_confusion(f"pipeline (score>={pipe['threshold']:g})", pipe))
        lines.append(format_confusion("rules without ML", pipe["rules_alone"]))
    return "\n".join(lines)


def format_eval(result: dict[str, Any]) -> str:
    speed = result["speed"]
    return "\n".join(
        [
            f"model {result['model']} (built {result['model_created']})",
            format_confusion("classifier (p>=0.5)", result["classifier"]),
            _format_thresholds(result["classifier_thresholds"]),
            format_confusion(
                f"pipeline (score>={result['pipeline']['threshold']:g})", result["pipeline"]
            ),
            f"speed: classifier {speed['classifier_ms_median']} ms/message median "
            f"({speed['classifier_ms_p95']} p95); offline pipeline "
            f"{speed['pipeline_messages_per_second']} messages/s",
        ]
    )


def model_recipe(model_dir: Path | None, settings: Settings) -> dict[str, Any]:
    """How a saved model was trained, from its metadata: data paths, C, seed, sample weights,
    slots, Naive Bayes share and calibration folds (the keys `_cv_recipe` fills)."""
    from scorer.ml.classifier import DEFAULT_N_FEATURES, DEFAULT_RULE_VALUE
    from scorer.ml.train import DEFAULT_C

    # The recipe only: read the metadata without loading the weights, so that a model made
    # for another feature version can still be re-made from its own recipe.
    meta_path = Path(model_dir or default_model_dir(settings)) / META_FILE
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        from scorer.errors import ModelError

        raise ModelError(f"{meta_path}: cannot read the model's recipe: {exc}") from None
    sources = meta.get("sources") or []
    return {
        "ham": [s["path"] for s in sources if s.get("label") == "ham"],
        "spam": [s["path"] for s in sources if s.get("label") == "spam"],
        "c": float(meta.get("C", DEFAULT_C)),
        "seed": int(meta.get("seed", 0)),
        "weights": list(meta.get("weights") or []),
        "exclude": list(meta.get("exclude") or []),
        "n_features": int(meta.get("n_features", DEFAULT_N_FEATURES)),
        "rule_value": float(meta.get("rule_value", DEFAULT_RULE_VALUE)),
        "nb_weight": float(meta.get("nb_weight", 0.0)),
        "calibrate": int(meta.get("calibrate", 0)),
    }
