"""`spamscore train`: build the classifier from labelled corpora, reproducibly.

    spamscore train --ham PATH --spam PATH [--out models/] [--seed 0] [--cv 5]
                    [--nb-weight 0.2] [--calibrate 4]

Each PATH is a folder of raw messages, a .tar.gz of them, or a source folder of shared/corpus/
(its ham.tar.gz / spam.tar.gz is picked by the option). Messages are normalised and
de-duplicated by `scorer.ml.corpus`; tokens come from `scorer.ml.features`; the offline rules run
once per message (classifier off) and the ids of their findings become rule features
(`rule_evidence`); the model is L2-regularised logistic regression (liblinear, seeded) over the
hashed tokens and the rule features, optionally plus a share of Naive Bayes log-count ratios
(`--nb-weight`) and Platt-calibrated on inner grouped folds (`--calibrate`): `fit_recipe`.
The rules are not trained, so a message's rule features are the same in every
cross-validation fold. The same data, options and seed give the same
weights and the same metrics.
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from scorer.ml import corpus
from scorer.ml.classifier import (
    DEFAULT_N_FEATURES,
    DEFAULT_RULE_VALUE,
    Model,
    unit_slots,
    vectorize,
)
from scorer.ml.evidence import Evidence, collect
from scorer.ml.features import extract, rule_feature_ids
from scorer.rules import RuleSet, load_rules
from scorer.settings import Settings

# SciPy and scikit-learn are imported where they are used: `spamscore` registers this module's
# subcommand on every run, and `check` or `serve` must not pay 0.7 s and ~60 MB for them.
if TYPE_CHECKING:
    import scipy.sparse as sp

DEFAULT_C = 8.0
DEFAULT_SEED = 0
DEFAULT_NB_ALPHA = 1.0


@dataclass
class Dataset:
    """Samples with their feature matrix (rows in sample order: the hashed text slots, then one
    column per rule feature), labels, and what the offline rules said about each message."""

    samples: list[corpus.Sample]
    matrix: sp.csr_matrix
    labels: np.ndarray
    dedup: corpus.Dedup | None = None
    rule_features: list[str] = field(default_factory=list)
    rule_value: float = DEFAULT_RULE_VALUE
    rules_scores: np.ndarray | None = None
    """Each message's whole offline-pipeline score with the classifier off."""
    evidence: list[Evidence] = field(default_factory=list)
    """Each message's cached evidence (`scorer.ml.evidence`): words read, findings, categories."""

    @property
    def groups(self) -> np.ndarray:
        return np.asarray([s.group for s in self.samples])

    @property
    def n_features(self) -> int:
        return self.matrix.shape[1] - len(self.rule_features)


def rule_vocabulary(rules: RuleSet) -> list[str]:
    """Every offline finding id the classifier may read (`scorer.ml.features.rule_feature_ids`)."""
    return rule_feature_ids(rule.id for rule in rules.rules.values() if not rule.network)


def rule_evidence(
    samples: Sequence[corpus.Sample], settings: Settings | None = None, log: Any = None
) -> tuple[np.ndarray, list[list[str]], float]:
    """Run the offline engine with the classifier off on every sample: its score, the ids of its
    findings (what the classifier check reads from the same run), and messages per second."""
    from scorer.pipeline import Engine

    settings = (settings or Settings(offline=True)).replace(use_classifier=False, offline=True)
    engine = Engine(settings)
    scores = np.zeros(len(samples))
    ids: list[list[str]] = []
    started = time.perf_counter()
    try:
        for index, sample in enumerate(samples):
            report = engine.analyze(sample.raw)
            scores[index] = report.score
            ids.append(rule_feature_ids(report.fired_ids()))
            if log and index and index % 2000 == 0:
                log(f"  rules: {index}/{len(samples)}")
    finally:
        engine.close()
    elapsed = time.perf_counter() - started
    return scores, ids, len(samples) / elapsed if elapsed else 0.0


def rule_matrix(
    ids: Sequence[Sequence[str]], vocabulary: Sequence[str], value: float
) -> sp.csr_matrix:
    """One row per message, `value` in the column of each rule feature it has."""
    import scipy.sparse as sp

    index = {rule_id: i for i, rule_id in enumerate(vocabulary)}
    rows: list[int] = []
    cols: list[int] = []
    for row, found in enumerate(ids):
        for rule_id in found:
            if rule_id in index:
                rows.append(row)
                cols.append(index[rule_id])
    return sp.csr_matrix(
        (np.full(len(rows), value), (rows, cols)), shape=(len(ids), len(vocabulary))
    )


def featurize(samples: Sequence[corpus.Sample], n_features: int) -> sp.csr_matrix:
    """The hashed matrix of `samples`, computed by the same `vectorize` as at prediction."""
    import scipy.sparse as sp

    indptr = [0]
    indices: list[np.ndarray] = []
    data: list[np.ndarray] = []
    for sample in samples:
        parts = [unit_slots(unit.keys, n_features) for unit in extract(sample.message)]
        vector = vectorize(parts, n_features)
        slots = np.sort(vector.distinct)
        indices.append(slots)
        data.append(np.full(len(slots), vector.value))
        indptr.append(indptr[-1] + len(slots))
    return sp.csr_matrix(
        (np.concatenate(data), np.concatenate(indices), np.asarray(indptr)),
        shape=(len(samples), n_features),
    )


def evidence_matrix(
    evidence: Sequence[Evidence], n_features: int, vocabulary: Sequence[str], rule_value: float
) -> sp.csr_matrix:
    """The feature matrix (hashed text slots, then the rule columns) of cached evidence."""
    import scipy.sparse as sp

    lengths = np.fromiter((len(e.slots) for e in evidence), np.int64, len(evidence))
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    indices = (
        np.concatenate([e.slots for e in evidence]) if len(evidence) else np.zeros(0, np.int64)
    )
    values = np.repeat(1.0 / np.sqrt(np.maximum(lengths, 1)), lengths)
    text = sp.csr_matrix((values, indices, indptr), shape=(len(evidence), n_features))
    rules = rule_matrix([e.rule_ids for e in evidence], vocabulary, rule_value)
    return sp.hstack([text, rules], format="csr")


def prepare(
    ham: Sequence[str],
    spam: Sequence[str],
    *,
    n_features: int = DEFAULT_N_FEATURES,
    rule_value: float = DEFAULT_RULE_VALUE,
    dedupe: bool = True,
    exclude: Sequence[str] = (),
    settings: Settings | None = None,
    use_cache: bool = True,
    log: Any = None,
) -> Dataset:
    """Load, normalise, de-duplicate, group and featurize the corpora (text and rule findings).
    The per-message work is cached (`scorer.ml.evidence`)."""
    started = time.monotonic()
    samples = corpus.load(ham, spam, exclude=exclude)
    found = collect(samples, n_features, settings=settings, use_cache=use_cache, log=log)
    by_sample = {id(s): e for s, e in zip(samples, found, strict=True)}
    stats = None
    if dedupe:
        samples, stats = corpus.deduplicate(samples)
    corpus.assign_groups(samples)
    evidence = [by_sample[id(s)] for s in samples]
    vocabulary = rule_vocabulary(load_rules())
    matrix = evidence_matrix(evidence, n_features, vocabulary, rule_value)
    labels = np.asarray([s.label for s in samples], dtype=np.int64)
    scores = np.asarray([e.rules_score for e in evidence])
    if log:
        removed = (
            f"; removed {stats.exact} exact and {stats.near} near duplicates, "
            f"{stats.conflicting} with conflicting labels"
            if stats
            else ""
        )
        log(
            f"{len(samples)} messages ({int(labels.sum())} spam, {int((1 - labels).sum())} ham) "
            f"in {len({s.group for s in samples})} groups{removed} "
            f"[{time.monotonic() - started:.1f}s]"
        )
    return Dataset(samples, matrix, labels, stats, vocabulary, rule_value, scores, evidence)


_MAX_RULE_PASSES = 10


def fit(
    matrix: sp.csr_matrix,
    labels: np.ndarray,
    *,
    c: float = DEFAULT_C,
    seed: int = DEFAULT_SEED,
    sample_weight: np.ndarray | None = None,
    n_rules: int = 0,
    dropped: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """Weights and intercept of an L2 logistic regression on the feature matrix.

    The last `n_rules` columns are rule findings, and their weights are kept at zero or above:
    a finding is evidence of a problem, so it may never make a message look more legitimate.
    (In the 2002 corpus shorteners, frames and many link domains were commoner in newsletters
    than in spam, and an unconstrained fit learned to reward them, which would let any author
    lower the score by adding a shortener.) A rule whose weight comes out negative is taken out
    and the model refitted, until none is negative. `dropped` (a boolean mask over the rule
    columns, updated in place) starts the loop from rules already known to go: the calibration
    folds start from the full fit's, which saves most of their refits.
    """
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    if len(set(labels.tolist())) != 2:
        raise corpus.CorpusError("training needs both ham and spam messages")
    n_text = matrix.shape[1] - n_rules
    # Only the columns some message has take part (the rest of the 2^20 hashed slots would get
    # weight 0 anyway): the same solution, found about a quarter faster.
    used = np.union1d(np.unique(matrix.indices), np.arange(n_text, matrix.shape[1]))
    compact = matrix[:, used].tocsr()
    n_compact_text = len(used) - n_rules
    if dropped is None:
        dropped = np.zeros(n_rules, dtype=bool)
    for _ in range(_MAX_RULE_PASSES):
        keep = np.ones(compact.shape[1])
        keep[n_compact_text:][dropped] = 0.0
        design = (compact @ sp.diags(keep)).tocsr() if dropped.any() else compact
        model = LogisticRegression(C=c, solver="liblinear", random_state=seed, max_iter=1000)
        model.fit(design, labels, sample_weight=sample_weight)
        found = model.coef_[0].astype(np.float32)
        negative = (found[n_compact_text:] < 0) & ~dropped
        if not negative.any():
            break
        dropped |= negative
    found[n_compact_text:][dropped] = 0.0
    coef = np.zeros(matrix.shape[1], dtype=np.float32)
    coef[used] = found
    return coef, float(model.intercept_[0])


def nb_log_ratios(
    matrix: sp.csr_matrix,
    labels: np.ndarray,
    *,
    alpha: float = DEFAULT_NB_ALPHA,
    sample_weight: np.ndarray | None = None,
    n_rules: int = 0,
) -> np.ndarray:
    """Naive Bayes log-count ratios of the text columns: log p(slot | spam) - log p(slot | ham),
    from (sample-weighted) presence counts with add-`alpha` smoothing (Wang and Manning, 2012)."""
    text = matrix[:, : matrix.shape[1] - n_rules].tocsr(copy=True)
    text.data[:] = 1.0
    weight = np.ones(len(labels)) if sample_weight is None else np.asarray(sample_weight)
    spam = alpha + np.asarray(text.T @ (weight * (labels == 1))).ravel()
    ham = alpha + np.asarray(text.T @ (weight * (labels == 0))).ravel()
    return np.log(spam / spam.sum()) - np.log(ham / ham.sum())


@dataclass(frozen=True)
class Recipe:
    """How a model is fitted (the data aside): written to classifier.json, so `eval --cv`
    cross-validates exactly what was shipped."""

    c: float = DEFAULT_C
    seed: int = DEFAULT_SEED
    nb_weight: float = 0.0
    """Add this multiple of the Naive Bayes log-count ratios to the text weights (0: off)."""
    nb_alpha: float = DEFAULT_NB_ALPHA
    calibrate: int = 0
    """Inner grouped folds for Platt calibration of the log-odds (0: off)."""

    def meta(self) -> dict[str, Any]:
        return {"nb_weight": self.nb_weight, "nb_alpha": self.nb_alpha, "calibrate": self.calibrate}


def _fit_uncalibrated(
    matrix: sp.csr_matrix,
    labels: np.ndarray,
    recipe: Recipe,
    sample_weight: np.ndarray | None,
    n_rules: int,
    dropped: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    coef, intercept = fit(
        matrix,
        labels,
        c=recipe.c,
        seed=recipe.seed,
        sample_weight=sample_weight,
        n_rules=n_rules,
        dropped=dropped,
    )
    coef = coef.astype(np.float64)
    if recipe.nb_weight:
        ratios = nb_log_ratios(
            matrix, labels, alpha=recipe.nb_alpha, sample_weight=sample_weight, n_rules=n_rules
        )
        coef[: len(ratios)] += recipe.nb_weight * ratios
    return coef, intercept


def fit_recipe(
    matrix: sp.csr_matrix,
    labels: np.ndarray,
    recipe: Recipe,
    *,
    groups: np.ndarray | None = None,
    sample_weight: np.ndarray | None = None,
    n_rules: int = 0,
) -> tuple[np.ndarray, float]:
    """Weights (float32) and intercept of one linear model made by `recipe`.

    The logistic regression's weights plus `nb_weight` times the Naive Bayes log-count ratios
    (an ensemble that is still one linear model, so prediction and explanations are unchanged;
    NB alone ranks the 2002 data well but is overconfident, LR alone underuses rare words).
    With `calibrate` = K the sum's log-odds are then rescaled (Platt: p = sigmoid(a*z + b)),
    fitted on out-of-fold log-odds from K grouped folds of this training data only, so the
    probability bands in rules/classifier.yaml mean what their names say. Calibration is
    skipped when a class has fewer groups than K (tiny corpora).
    """
    dropped = np.zeros(n_rules, dtype=bool)
    coef, intercept = _fit_uncalibrated(matrix, labels, recipe, sample_weight, n_rules, dropped)
    folds = recipe.calibrate
    if folds >= 2 and groups is not None:
        groups = np.asarray(groups)
        smallest = min(len(set(groups[labels == label].tolist())) for label in (0, 1))
        if smallest >= folds:
            scale, offset = _platt(matrix, labels, recipe, groups, sample_weight, n_rules, dropped)
            if scale > 0:  # a positive rescaling keeps every weight's sign (rules stay >= 0)
                coef = coef * scale
                intercept = intercept * scale + offset
    return coef.astype(np.float32), float(intercept)


def _platt(
    matrix: sp.csr_matrix,
    labels: np.ndarray,
    recipe: Recipe,
    groups: np.ndarray,
    sample_weight: np.ndarray | None,
    n_rules: int,
    dropped: np.ndarray,
) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold

    splitter = StratifiedGroupKFold(
        n_splits=recipe.calibrate, shuffle=True, random_state=recipe.seed
    )
    logits = np.zeros(len(labels))
    for train, test in splitter.split(matrix, labels, groups):
        coef, intercept = _fit_uncalibrated(
            matrix[train],
            labels[train],
            recipe,
            None if sample_weight is None else sample_weight[train],
            n_rules,
            dropped.copy(),
        )
        logits[test] = matrix[test] @ coef + intercept
    # Nearly unregularised: two parameters, thousands of messages.
    platt = LogisticRegression(C=1e4, solver="lbfgs", max_iter=1000)
    platt.fit(logits[:, None], labels, sample_weight=sample_weight)
    return float(platt.coef_[0, 0]), float(platt.intercept_[0])


def sample_weights(samples: Sequence[corpus.Sample], rules: Sequence[str]) -> np.ndarray | None:
    """Per-sample weights from `PATTERN=WEIGHT` rules, PATTERN a glob over `source/member`
    (`Sample.origin`; the last matching rule wins); None when no rule is given."""
    if not rules:
        return None
    parsed = []
    for rule in rules:
        pattern, sep, value = rule.rpartition("=")
        try:
            weight = float(value)
        except ValueError:
            weight = -1.0
        if not sep or not pattern or weight <= 0:
            from scorer.errors import UsageError

            raise UsageError(f"--weight needs PATTERN=POSITIVE_NUMBER, not {rule!r}")
        parsed.append((pattern, weight))
    weights = np.ones(len(samples))
    for index, sample in enumerate(samples):
        where = sample.origin
        for pattern, weight in parsed:
            if fnmatch.fnmatchcase(where, pattern):
                weights[index] = weight
    return weights


def train_model(
    dataset: Dataset,
    *,
    recipe: Recipe,
    meta: dict[str, Any],
    weights: np.ndarray | None = None,
) -> Model:
    coef, intercept = fit_recipe(
        dataset.matrix,
        dataset.labels,
        recipe,
        groups=dataset.groups,
        sample_weight=weights,
        n_rules=len(dataset.rule_features),
    )
    meta = {**meta, "rule_features": dataset.rule_features, "rule_value": dataset.rule_value}
    split = dataset.n_features
    return Model(coef[:split], intercept, meta, coef[split:])


def sources_meta(paths: Sequence[str], samples: list[corpus.Sample], label: int) -> list[dict]:
    out = []
    for path in paths:
        out.append({"path": path, "label": "spam" if label else "ham"})
    return out
