"""`spamscore eval --per-source`: every corpus source measured as mail the model never saw.

    spamscore eval --per-source [--corpus ../shared/corpus] [--folds 5] [--scores-out FILE]

For every source in the corpus folder (and every seed set of the training recipe), the table
gives the spam recall (spam) or the share of ham flagged (ham), for the whole pipeline at the
threshold and for the classifier alone at p >= 0.5, measured two ways:

- **leave one source out (LOSO):** the recipe's model is refitted on the training data without
  that source, and scores it. A source that is never trained on (evaluation-only terms, or left
  out by the recipe) is scored by the model fitted on all the training data, which never saw it
  either. Template repositories count as separate sources (the MANIFEST's `source` column names
  them; the repository is the first path component in the archive), each left out in turn.
- **grouped CV within the training data:** K folds over the recipe's training data, grouped by
  near-duplicate text, normalised subject and sender domain (`scorer.ml.corpus.assign_groups`);
  each message is scored by the fold model that did not see its group. Only for sources in the
  training data.

The recipe (data, exclusions, sample weights, C, Naive Bayes share, calibration, seed) is the
shipped model's own (classifier.json), so the figures describe how that model was made. The
whole pipeline is the offline engine's sum: the classifier-off run's score plus the classifier
category as the engine scores it (`scorer.checks.classifier.category_score`: bands, too little
text, the cap without corroboration). Every message's evidence comes from `scorer.ml.evidence`, so
a run parses and runs the rules on each message at most once, and not at all when cached.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from scorer.ml import corpus
from scorer.ml.classifier import DEFAULT_RULE_VALUE
from scorer.ml.evidence import Evidence, collect
from scorer.rules import load_rules
from scorer.settings import Settings

Log = Callable[[str], None] | None

TARGETS: dict[tuple[str, int], tuple[str, float]] = {
    ("foff-milter-2025", 0): ("<=", 0.03),
    ("foff-milter-2025", 1): (">=", 0.75),
    ("legit-templates", 0): ("<=", 0.01),
    ("spamassassin-2003", 0): ("<=", 0.005),
    ("spamassassin-2003", 1): (">=", 0.90),
    ("phishing-pot-2020s", 1): (">=", 0.88),
    ("ja-phish-lists", 1): (">=", 0.90),
    ("ja-ham", 0): ("<=", 0.0),
    ("ja-notice-ham", 0): ("<=", 0.0),
}
"""Issue 11's acceptance figures by (source, label): flagged-ham at most, or recall at least."""


@dataclass
class Pool:
    """Every message of the training recipe and of the corpus, with its evidence."""

    samples: list[corpus.Sample]
    evidence: list[Evidence]
    matrix: Any
    labels: np.ndarray
    training: np.ndarray
    """True for the recipe's training messages (after de-duplication)."""
    weights: np.ndarray | None
    rule_features: list[str] = field(default_factory=list)

    @property
    def units(self) -> np.ndarray:
        return np.asarray([s.unit for s in self.samples])

    @property
    def groups(self) -> np.ndarray:
        return np.asarray([s.group for s in self.samples])


def corpus_sources(root: Path) -> list[tuple[str, int]]:
    """(path, label) of every source folder under `root` that has ham.tar.gz / spam.tar.gz."""
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for label, name in ((0, "ham.tar.gz"), (1, "spam.tar.gz")):
            if (folder / name).is_file():
                found.append((str(folder), label))
    return found


def build_pool(
    recipe: dict[str, Any],
    corpus_root: Path | None,
    *,
    settings: Settings | None = None,
    use_cache: bool = True,
    log: Log = None,
) -> Pool:
    """The recipe's training messages (loaded, de-duplicated and grouped exactly as `spamscore
    train` does) followed by every other message of the corpus sources."""
    from scorer.ml.train import evidence_matrix, rule_vocabulary, sample_weights

    train = corpus.load(recipe["ham"], recipe["spam"], exclude=recipe["exclude"])
    seen = {(str(Path(p).resolve()), 0) for p in recipe["ham"]}
    seen |= {(str(Path(p).resolve()), 1) for p in recipe["spam"]}
    others: list[corpus.Sample] = []
    for path, label in corpus_sources(corpus_root) if corpus_root else []:
        if (str(Path(path).resolve()), label) in seen:
            # Messages of a training source that the recipe excludes are evaluation-only.
            every = corpus.read_messages(path, label)
            names = {s.name for s in train if s.source == Path(path).name and s.label == label}
            others += [s for s in every if s.name not in names]
        else:
            others += corpus.read_messages(path, label)
    everything = train + others
    evidence = collect(
        everything, recipe["n_features"], settings=settings, use_cache=use_cache, log=log
    )
    by_sample = {id(s): e for s, e in zip(everything, evidence, strict=True)}
    train, _stats = corpus.deduplicate(train)
    corpus.assign_groups(train)
    for sample in others:
        sample.group = f"eval:{sample.unit}:{sample.name}"
    samples = train + others
    found = [by_sample[id(s)] for s in samples]
    vocabulary = rule_vocabulary(load_rules())
    matrix = evidence_matrix(
        found, recipe["n_features"], vocabulary, recipe.get("rule_value", DEFAULT_RULE_VALUE)
    )
    labels = np.asarray([s.label for s in samples], dtype=np.int64)
    training = np.zeros(len(samples), dtype=bool)
    training[: len(train)] = True
    weights = sample_weights(samples, recipe["weights"])
    return Pool(samples, found, matrix, labels, training, weights, vocabulary)


def _fit_predict(pool: Pool, train: np.ndarray, test: np.ndarray, recipe: Any) -> np.ndarray:
    from scorer.ml.train import fit_recipe

    coef, intercept = fit_recipe(
        pool.matrix[train],
        pool.labels[train],
        recipe,
        groups=pool.groups[train],
        sample_weight=None if pool.weights is None else pool.weights[train],
        n_rules=len(pool.rule_features),
    )
    logits = pool.matrix[test] @ coef.astype(np.float64) + intercept
    return 1.0 / (1.0 + np.exp(-logits))


MIN_UNIT = 20
"""Units of one source with fewer training messages than this are left out together (a
stricter test than one at a time, for a fraction of the fits)."""


def loso_bundles(pool: Pool, seeds: bool = False) -> dict[str, list[str]]:
    """Which units each leave-out model drops: every corpus unit on its own, except that a
    source's small units (< MIN_UNIT messages) go together. Seed sets (not corpus sources)
    only with `seeds`; otherwise grouped CV measures them."""
    units = pool.units[pool.training]
    sources = np.asarray([s.source for s in pool.samples])[pool.training]
    seed_like = np.asarray([not _is_corpus(s) for s in pool.samples])[pool.training]
    bundles: dict[str, list[str]] = {}
    for unit in sorted(set(units.tolist())):
        mask = units == unit
        if seed_like[mask].all() and not seeds:
            continue
        source = str(sources[mask][0])
        name = unit if mask.sum() >= MIN_UNIT or unit == source else f"{source}/(small repos)"
        bundles.setdefault(name, []).append(unit)
    return bundles


def _is_corpus(sample: corpus.Sample) -> bool:
    """A message from a shared corpus source (an archive) rather than a folder of seeds."""
    return ".tar" in sample.name.split(":", 1)[0] if ":" in sample.name else False


def predict_per_source(
    pool: Pool, recipe: Any, folds: int, *, seeds: bool = False, log: Log = None
) -> dict[str, Any]:
    """Out-of-source and out-of-fold probabilities for every message (NaN where undefined)."""
    from sklearn.model_selection import StratifiedGroupKFold

    n = len(pool.samples)
    loso = np.full(n, np.nan)
    cv = np.full(n, np.nan)
    units = pool.units
    started = time.monotonic()
    everything = np.arange(n)

    def say(text: str) -> None:
        if log:
            log(f"  {text} [{time.monotonic() - started:.0f}s]")

    # The model on all the training data scores what it never saw (evaluation-only sources).
    unseen = everything[~pool.training]
    if len(unseen):
        loso[unseen] = _fit_predict(pool, everything[pool.training], unseen, recipe)
        say(f"all training data -> {len(unseen)} evaluation-only messages")
    for name, members in loso_bundles(pool, seeds).items():
        held = pool.training & np.isin(units, members)
        loso[held] = _fit_predict(pool, everything[pool.training & ~held], everything[held], recipe)
        say(f"without {name} -> {int(held.sum())} messages")
    if folds >= 2:
        index = everything[pool.training]
        splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=recipe.seed)
        for number, (fit_at, test_at) in enumerate(
            splitter.split(index, pool.labels[index], pool.groups[index]), 1
        ):
            cv[index[test_at]] = _fit_predict(pool, index[fit_at], index[test_at], recipe)
            say(f"CV fold {number}/{folds}")
    return {"loso": loso, "cv": cv}


def pipeline_scores(pool: Pool, probabilities: np.ndarray, threshold: float = 5.0) -> np.ndarray:
    """The engine's score for each message at these probabilities (NaN stays NaN)."""
    from scorer.ml.evaluate import bucket_scores, corroboration

    rules = load_rules()
    base = np.asarray([e.rules_score for e in pool.evidence])
    safe = np.nan_to_num(probabilities, nan=0.3)
    total = base + bucket_scores(
        safe,
        rules,
        [e.words for e in pool.evidence],
        corroboration(pool.evidence, rules=rules),
        base,
        threshold,
    )
    return np.where(np.isnan(probabilities), np.nan, total)


def _rate(flags: np.ndarray) -> float | None:
    return float(flags.mean()) if len(flags) else None


def summarise(pool: Pool, predicted: dict[str, Any], threshold: float) -> list[dict[str, Any]]:
    """One row per (unit, label), then a row per source that has several units."""
    units = pool.units
    sources = np.asarray([s.source for s in pool.samples])
    scores = {k: pipeline_scores(pool, v, threshold) for k, v in predicted.items()}
    rows: list[dict[str, Any]] = []

    def row(name: str, source: str, label: int, mask: np.ndarray, kind: str) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "source": name,
            "label": "spam" if label else "ham",
            "messages": int(mask.sum()),
            "kind": kind,
            "in_training": bool(pool.training[mask].any()),
        }
        for how in ("loso", "cv"):
            p = predicted[how][mask]
            s = scores[how][mask]
            defined = ~np.isnan(p)
            entry[f"{how}_pipeline"] = _rate(s[defined] >= threshold) if defined.any() else None
            entry[f"{how}_classifier"] = _rate(p[defined] >= 0.5) if defined.any() else None
        target = TARGETS.get((source, label)) or TARGETS.get((name, label))
        if target is not None:
            entry["target"] = f"{target[0]} {100 * target[1]:g}%"
            value = entry["loso_pipeline"]
            cv_value = entry["cv_pipeline"]
            entry["met_loso"] = _met(value, target)
            entry["met_cv"] = None if cv_value is None else _met(cv_value, target)
        return entry

    order = sorted(set(zip(sources.tolist(), units.tolist(), pool.labels.tolist(), strict=True)))
    corpus_first = {s.source: not _is_corpus(s) for s in pool.samples}
    for source in sorted({s for s, _, _ in order}, key=lambda s: (corpus_first[s], s)):
        members = [(u, lab) for s, u, lab in order if s == source]
        for label in (0, 1):
            names = [u for u, lab in members if lab == label]
            if not names:
                continue
            if len(names) > 1:
                mask = (sources == source) & (pool.labels == label)
                rows.append(row(f"{source} (all)", source, label, mask, "total"))
            for name in names:
                mask = (units == name) & (pool.labels == label)
                rows.append(row(name, source, label, mask, "unit" if len(names) > 1 else "source"))
    return rows


def _met(value: float | None, target: tuple[str, float]) -> bool | None:
    if value is None:
        return None
    op, bound = target
    return value <= bound + 1e-12 if op == "<=" else value >= bound - 1e-12


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def format_table(rows: Sequence[dict[str, Any]], threshold: float) -> str:
    """The per-source table in Markdown (what the model card shows)."""
    head = (
        f"| source | class | n | trained on | LOSO pipeline (≥ {threshold:g}) | LOSO classifier "
        "(p ≥ 0.5) | CV pipeline | CV classifier | target | met |\n"
        "|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for row in rows:
        measure = "recall" if row["label"] == "spam" else "flagged"
        name = row["source"] if row["kind"] != "unit" else f"  {row['source']}"
        met = ""
        if "target" in row:
            parts = []
            for key, how in (("met_loso", "LOSO"), ("met_cv", "CV")):
                if row[key] is not None:
                    parts.append(f"{'yes' if row[key] else 'no'} ({how})")
            met = " / ".join(parts)
        lines.append(
            f"| {name} | {row['label']} ({measure}) | {row['messages']} | "
            f"{'yes' if row['in_training'] else 'no'} | {_pct(row['loso_pipeline'])} | "
            f"{_pct(row['loso_classifier'])} | {_pct(row['cv_pipeline'])} | "
            f"{_pct(row['cv_classifier'])} | {row.get('target', '')} | {met} |"
        )
    return "\n".join(lines)


def write_scores(path: str, pool: Pool, predicted: dict[str, Any], threshold: float = 5.0) -> None:
    """Per message: where it came from, label, words read, rules score, corroboration, the
    LOSO and CV probability and pipeline score (empty where undefined), the scored findings
    and the CV group (bench/band_fit.py cross-fits on groups)."""
    from scorer.ml.evaluate import corroboration

    scores = {k: pipeline_scores(pool, v, threshold) for k, v in predicted.items()}
    others = corroboration(pool.evidence)

    def cell(value: float, digits: int) -> str:
        return "" if np.isnan(value) else f"{value:.{digits}f}"

    with open(path, "w", encoding="utf-8") as handle:
        handle.write(
            "unit\tname\tlabel\ttraining\twords\trules_score\tothers\tloso_p\tloso_score"
            "\tcv_p\tcv_score\tfindings\tgroup\n"
        )
        for i, sample in enumerate(pool.samples):
            evidence = pool.evidence[i]
            findings = ",".join(f.id for f in evidence.findings if f.score)
            handle.write(
                f"{sample.unit}\t{sample.name}\t{sample.label}\t{int(pool.training[i])}\t"
                f"{evidence.words}\t{evidence.rules_score:.2f}\t{others[i]:.2f}\t"
                f"{cell(predicted['loso'][i], 6)}\t{cell(scores['loso'][i], 2)}\t"
                f"{cell(predicted['cv'][i], 6)}\t{cell(scores['cv'][i], 2)}\t{findings}\t"
                f"{sample.group}\n"
            )


def read_predictions(path: str, pool: Pool) -> dict[str, Any]:
    """The LOSO and CV probabilities of an earlier `--scores-out` file, in pool order. Only
    valid for the same data, recipe and offline rules (the probabilities depend on them):
    what changes is how rules/classifier.yaml scores them."""
    import csv

    with open(path, encoding="utf-8", newline="") as handle:
        rows = {
            (r["unit"], r["name"], r["label"]): r for r in csv.DictReader(handle, delimiter="\t")
        }
    out = {"loso": np.full(len(pool.samples), np.nan), "cv": np.full(len(pool.samples), np.nan)}
    for index, sample in enumerate(pool.samples):
        row = rows.get((sample.unit, sample.name, str(sample.label)))
        if row is None:
            raise ValueError(f"{path} has no scores for {sample.unit} {sample.name}: re-run")
        for how in ("loso", "cv"):
            if row[f"{how}_p"]:
                out[how][index] = float(row[f"{how}_p"])
    return out


def run(
    recipe: dict[str, Any],
    corpus_root: Path | None,
    *,
    folds: int,
    settings: Settings,
    scores_out: str | None = None,
    use_cache: bool = True,
    loso_seeds: bool = False,
    rescore: str | None = None,
    log: Log = None,
) -> tuple[list[dict[str, Any]], str]:
    """Build the pool, fit every leave-out and fold model (or, with `rescore`, take their
    probabilities from an earlier scores file), and return the table rows and their Markdown."""
    from scorer.ml.train import Recipe

    started = time.monotonic()
    pool = build_pool(recipe, corpus_root, settings=settings, use_cache=use_cache, log=log)
    if log:
        log(
            f"{int(pool.training.sum())} training messages, "
            f"{int((~pool.training).sum())} evaluation-only [{time.monotonic() - started:.0f}s]"
        )
    fit = Recipe(
        c=recipe["c"],
        seed=recipe["seed"],
        nb_weight=recipe["nb_weight"],
        calibrate=recipe["calibrate"],
    )
    if rescore:
        predicted = read_predictions(rescore, pool)
    else:
        predicted = predict_per_source(pool, fit, folds, seeds=loso_seeds, log=log)
    if scores_out:
        write_scores(scores_out, pool, predicted, settings.threshold)
    rows = summarise(pool, predicted, settings.threshold)
    if log:
        log(f"per-source evaluation done in {time.monotonic() - started:.0f}s")
    return rows, format_table(rows, settings.threshold)


def main_log(text: str) -> None:
    print(text, file=sys.stderr)
