"""`spamscore train`: build the classifier from labelled corpora, reproducibly.

    spamscore train --ham PATH --spam PATH [--out models/] [--seed 0] [--cv 5]

Each PATH is a folder of raw messages, a .tar.gz of them, or a source folder of shared/corpus/
(its ham.tar.gz / spam.tar.gz is picked by the option). Messages are normalised and
de-duplicated by `scorer.corpus`; tokens come from `scorer.features`; the model is L2-regularised
logistic regression (liblinear, seeded) over the hashed tokens. The same data, options and seed
give the same weights and the same metrics.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import json
import shlex
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import LogisticRegression

from scorer import corpus
from scorer.classifier import DEFAULT_N_FEATURES, Model, unit_slots, vectorize
from scorer.features import FEATURE_VERSION, extract

DEFAULT_C = 8.0
DEFAULT_SEED = 0


@dataclass
class Dataset:
    """Samples with their hashed feature matrix (rows in sample order) and labels."""

    samples: list[corpus.Sample]
    matrix: sp.csr_matrix
    labels: np.ndarray
    dedup: corpus.Dedup | None = None

    @property
    def groups(self) -> np.ndarray:
        return np.asarray([s.group for s in self.samples])


def featurize(samples: Sequence[corpus.Sample], n_features: int) -> sp.csr_matrix:
    """The hashed matrix of `samples`, computed by the same `vectorize` as at prediction."""
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


def prepare(
    ham: Sequence[str],
    spam: Sequence[str],
    *,
    n_features: int = DEFAULT_N_FEATURES,
    dedupe: bool = True,
    log: Any = None,
) -> Dataset:
    """Load, normalise, de-duplicate, group and featurize the corpora."""
    started = time.monotonic()
    samples = corpus.load(ham, spam)
    stats = None
    if dedupe:
        samples, stats = corpus.deduplicate(samples)
    corpus.assign_groups(samples)
    matrix = featurize(samples, n_features)
    labels = np.asarray([s.label for s in samples], dtype=np.int64)
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
    return Dataset(samples, matrix, labels, stats)


def fit(
    matrix: sp.csr_matrix,
    labels: np.ndarray,
    *,
    c: float = DEFAULT_C,
    seed: int = DEFAULT_SEED,
    sample_weight: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """Weights and intercept of an L2 logistic regression on the hashed matrix."""
    if len(set(labels.tolist())) != 2:
        raise corpus.CorpusError("training needs both ham and spam messages")
    model = LogisticRegression(C=c, solver="liblinear", random_state=seed, max_iter=1000)
    model.fit(matrix, labels, sample_weight=sample_weight)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def sample_weights(samples: Sequence[corpus.Sample], rules: Sequence[str]) -> np.ndarray | None:
    """Per-sample weights from `PATTERN=WEIGHT` rules, PATTERN a glob over `source/name`
    (the last matching rule wins); None when no rule is given."""
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
            from scorer.cli import UsageError

            raise UsageError(f"--weight needs PATTERN=POSITIVE_NUMBER, not {rule!r}")
        parsed.append((pattern, weight))
    weights = np.ones(len(samples))
    for index, sample in enumerate(samples):
        where = f"{sample.source}/{sample.name}"
        for pattern, weight in parsed:
            if fnmatch.fnmatchcase(where, pattern):
                weights[index] = weight
    return weights


def train_model(
    dataset: Dataset,
    *,
    c: float,
    seed: int,
    meta: dict[str, Any],
    weights: np.ndarray | None = None,
) -> Model:
    coef, intercept = fit(dataset.matrix, dataset.labels, c=c, seed=seed, sample_weight=weights)
    return Model(coef, intercept, meta)


def _sources_meta(paths: Sequence[str], samples: list[corpus.Sample], label: int) -> list[dict]:
    out = []
    for path in paths:
        out.append({"path": path, "label": "spam" if label else "ham"})
    return out


def command_line(args: argparse.Namespace) -> str:
    """The train command that reproduces this model (paths as given)."""
    parts = ["spamscore", "train"]
    for path in args.ham:
        parts += ["--ham", path]
    for path in args.spam:
        parts += ["--spam", path]
    parts += ["--seed", str(args.seed), "--c", f"{args.c:g}"]
    if args.n_features != DEFAULT_N_FEATURES:
        parts += ["--n-features", str(args.n_features)]
    for rule in args.weight:
        parts += ["--weight", rule]
    if args.cv:
        parts += ["--cv", str(args.cv)]
    if args.out:
        parts += ["--out", args.out]
    return " ".join(shlex.quote(p) for p in parts)


def run_train(args: argparse.Namespace) -> int:
    from scorer import evaluate

    def say(text: str) -> None:
        print(text, file=sys.stderr)

    if not args.ham or not args.spam:
        from scorer.cli import UsageError

        raise UsageError("train needs at least one --ham and one --spam path")
    dataset = prepare(args.ham, args.spam, n_features=args.n_features, log=say)
    counts: dict[str, dict[str, int]] = {}
    for sample in dataset.samples:
        entry = counts.setdefault(sample.source, {"ham": 0, "spam": 0})
        entry["spam" if sample.label else "ham"] += 1
    meta: dict[str, Any] = {
        "created": dt.date.today().isoformat(),
        "command": command_line(args),
        "seed": args.seed,
        "C": args.c,
        "solver": "liblinear (L2 logistic regression)",
        "feature_version": FEATURE_VERSION,
        "sklearn_version": sklearn.__version__,
        "training_messages": counts,
        "deduplication": vars(dataset.dedup) if dataset.dedup else None,
        "sources": _sources_meta(args.ham, dataset.samples, 0)
        + _sources_meta(args.spam, dataset.samples, 1),
    }
    weights = sample_weights(dataset.samples, args.weight)
    if weights is not None:
        meta["weights"] = list(args.weight)
    if args.cv:
        say(f"grouped {args.cv}-fold cross-validation ...")
        result = evaluate.cross_validate(
            dataset, folds=args.cv, c=args.c, seed=args.seed, weights=weights, log=say
        )
        meta["cross_validation"] = {k: v for k, v in result.items() if k != "probabilities"}
        say(evaluate.format_cv(result))
    started = time.monotonic()
    model = train_model(dataset, c=args.c, seed=args.seed, meta=meta, weights=weights)
    say(f"trained in {time.monotonic() - started:.1f}s")
    if args.out:
        path = model.save(args.out)
        say(f"model written to {path.parent} ({path.name}, classifier.npz)")
    if args.json:
        print(json.dumps(model.meta, indent=2, ensure_ascii=False))
    return 0


def register(sub: Any) -> None:
    """Add `spamscore train` (entry point of the `spamscore.commands` group)."""
    parser = sub.add_parser("train", help="train the classifier from labelled corpora")
    parser.add_argument(
        "--ham",
        action="append",
        default=[],
        metavar="PATH",
        help="ham messages: folder, .tar.gz, or corpus source folder (repeatable)",
    )
    parser.add_argument(
        "--spam",
        action="append",
        default=[],
        metavar="PATH",
        help="spam messages: folder, .tar.gz, or corpus source folder (repeatable)",
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="directory to write classifier.json/.npz (default: none, dry run)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default 0)")
    parser.add_argument(
        "--c",
        type=float,
        default=DEFAULT_C,
        help=f"inverse regularisation strength (default {DEFAULT_C})",
    )
    parser.add_argument(
        "--n-features",
        type=int,
        default=DEFAULT_N_FEATURES,
        help="hashed feature slots (default 2**20)",
    )
    parser.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="PATTERN=W",
        help="weight samples whose source/name matches the glob (repeatable)",
    )
    parser.add_argument(
        "--cv",
        type=int,
        default=0,
        metavar="K",
        help="also run grouped K-fold cross-validation (classifier and pipeline)",
    )
    parser.add_argument("--json", action="store_true", help="print the model metadata as JSON")
    parser.set_defaults(func=run_train)
