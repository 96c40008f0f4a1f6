#!/usr/bin/env python3
"""Would a candidate feature make the classifier rank better on mail it never saw? Grouped CV only.

    python bench/feature_candidates.py                          # baseline and every candidate
    python bench/feature_candidates.py --candidate tld --scores-dir /tmp/cand
    python bench/band_fit.py /tmp/cand/tld.tsv                  # the pipeline at fitted bands

Each candidate adds feature keys to the message's hashed text vector (inside the same
L2-normalised vector as the words, as `scorer.ml.features.extract` would emit them), and the
shipped model's recipe (classifier.json: data, C, seed, Naive Bayes share, calibration, sample
weights) is cross-validated on exactly the grouped folds of `spamscore eval --per-source`
(StratifiedGroupKFold over the training messages, seeded by the recipe). Evaluation-only sources
are never scored here: nothing this prints can be tuned on them.

Printed per candidate, from the out-of-fold p(spam) of the training sources: the classifier
alone's recall at spamassassin-2003's 0.5% and foff-milter-2025's 3% false-positive budgets
(the best cut within each source), AUC per source, the highest p(spam) of a legitimate template
and of a seed ham (with how many reach 0.5), and the whole pipeline at the shipped bands.
`--scores-dir` writes an `eval --per-source`-shaped file (CV columns only) per candidate for
bench/band_fit.py and bench/cv_ceiling.py. `--fold-seed` re-draws the folds (noise estimate).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cv_ceiling import recall_at_budget  # noqa: E402
from scorer.message import Message  # noqa: E402
from scorer.ml import features, source_eval  # noqa: E402
from scorer.ml.classifier import slot  # noqa: E402
from scorer.ml.evaluate import model_recipe  # noqa: E402
from scorer.ml.train import Recipe  # noqa: E402
from scorer.settings import Settings  # noqa: E402

SEED_HAM = ("en-ham", "en-notice-ham", "ja-ham", "ja-notice-ham", "intl-ham")

_WORD = re.compile(r"[^\W\d_]{2,}")
_PATH_WORD = re.compile(r"[a-z]{3,}")
_TOKENISH = re.compile(r"[A-Za-z0-9_\-]{16,}")


def _tld(domain: str) -> str:
    return domain.rsplit(".", 1)[-1] if "." in domain else ""


def cand_tld(msg: Message) -> list[str]:
    """The top-level domain of each link's registrable domain."""
    out = []
    for domain in msg.link_domains[:50]:
        if domain in features._ARTIFACT_DOMAINS or features._ARTIFACT.fullmatch(domain):
            continue
        tld = _tld(domain)
        if tld and tld.isalpha():
            out.append(f"t:{tld}")
    return out


def cand_urlpath(msg: Message) -> list[str]:
    """Words of link paths and queries, script extensions, a home-directory path, long tokens."""
    out: set[str] = set()
    for url in msg.http_urls[:50]:
        if features._ARTIFACT_HINT.search(url.url):
            continue
        rest = url.url.split("/", 3)[3] if url.url.count("/") >= 3 else ""
        if not rest:
            continue
        lower = rest.lower()
        out.update("p:" + w for w in _PATH_WORD.findall(lower)[:10] if len(w) <= 20)
        if re.search(r"\.(php|cgi|asp|aspx|exe|jsp)\b", lower):
            out.add("ps:script")
        if "~" in rest:
            out.add("ps:tilde")
        if _TOKENISH.search(rest):
            out.add("ps:longtoken")
    return sorted(out)


def cand_urlpath_words(msg: Message) -> list[str]:
    return [k for k in cand_urlpath(msg) if k.startswith("p:")]


def cand_fromname(msg: Message) -> list[str]:
    """The From display name's words in their own namespace."""
    address = msg.from_address
    if address is None:
        return []
    name = features.clean_subject(address.display_name or "")  # NFKC, markers scrubbed
    return [f"fn:{w}" for w in _WORD.findall(name.lower())[:6]]


@lru_cache(maxsize=1)
def _freemail() -> frozenset[str]:
    from scorer.rules import load_rules

    return frozenset(load_rules().lists.domains["freemail"])


def cand_fromshape(msg: Message) -> list[str]:
    """The From local part's shape (digits, length, vowel-less runs) and freemail."""
    address = msg.from_address
    if address is None or features._ARTIFACT_HINT.search(address.addr_spec):
        return []
    local = address.local_part.lower()
    out = [f"fl:len{min(len(local) // 4, 5)}"]
    digits = sum(c.isdigit() for c in local)
    out.append("fl:digits0" if not digits else ("fl:digits1" if digits < 3 else "fl:digits3"))
    if re.search(r"[bcdfghjklmnpqrstvwxz]{5,}", local):
        out.append("fl:consonants")
    if re.search(r"[._\-+]", local):
        out.append("fl:sep")
    domain = address.domain
    if domain and domain in _freemail():
        out.append("fl:freemail")
    return out


def cand_alt(msg: Message) -> list[str]:
    """Image alt text words, own namespace."""
    doc = msg.html_doc
    if doc is None:
        return []
    words: list[str] = []
    for image in doc.images[:30]:
        if image.alt:
            words += _WORD.findall(unicodedata.normalize("NFKC", image.alt).lower())
    return sorted({f"a:{w}" for w in words if w not in features.STOP_WORDS})[:40]


CANDIDATES: dict[str, Callable[[Message], list[str]]] = {
    "tld": cand_tld,
    "urlpath": cand_urlpath,
    "urlwords": cand_urlpath_words,
    "fromname": cand_fromname,
    "fromshape": cand_fromshape,
    "alt": cand_alt,
}


def text_matrix(pool, n_features: int, extra: list[list[str]] | None):
    """The hashed text matrix: each message's evidence slots plus the slots of `extra` keys,
    binary and L2-normalised like `scorer.ml.classifier.vectorize`."""
    import scipy.sparse as sp

    indptr = [0]
    indices: list[np.ndarray] = []
    data: list[np.ndarray] = []
    for index, evidence in enumerate(pool.evidence):
        slots = evidence.slots
        if extra is not None and extra[index]:
            more = np.fromiter((slot(k, n_features) for k in extra[index]), np.int64)
            slots = np.union1d(slots, more)
        indices.append(slots)
        data.append(np.full(len(slots), 1.0 / math.sqrt(max(len(slots), 1))))
        indptr.append(indptr[-1] + len(slots))
    return sp.csr_matrix(
        (np.concatenate(data), np.concatenate(indices), np.asarray(indptr)),
        shape=(len(pool.evidence), n_features),
    )


def auc(labels: np.ndarray, values: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, values))


def measure(pool, probabilities: np.ndarray, threshold: float) -> dict[str, float]:
    units = pool.units
    sources = np.asarray([s.source for s in pool.samples])
    labels = pool.labels
    train = pool.training
    out: dict[str, float] = {}
    for source, budget in (("spamassassin-2003", 0.005), ("foff-milter-2025", 0.03)):
        mask = train & (sources == source)
        n_ham = int((labels[mask] == 0).sum())
        recall, _ = recall_at_budget(labels[mask], probabilities[mask], math.floor(budget * n_ham))
        out[f"{source}:recall"] = recall
        out[f"{source}:auc"] = auc(labels[mask], probabilities[mask])
    templates = train & (sources == "legit-templates")
    out["templates:max"] = float(probabilities[templates].max())
    out["templates:n50"] = int((probabilities[templates] >= 0.5).sum())
    seeds = train & np.isin(units, SEED_HAM) & (labels == 0)
    out["seeds:max"] = float(probabilities[seeds].max())
    out["seeds:n50"] = int((probabilities[seeds] >= 0.5).sum())
    scores = source_eval.pipeline_scores(pool, np.where(train, probabilities, np.nan), threshold)
    for source in ("spamassassin-2003", "foff-milter-2025"):
        for label, name in ((1, "recall"), (0, "flagged")):
            mask = train & (sources == source) & (labels == label)
            out[f"{source}:pipe_{name}"] = float((scores[mask] >= threshold).mean())
    return out


def cross_validated(pool, recipe: Recipe, folds: int, fold_seed: int) -> np.ndarray:
    from sklearn.model_selection import StratifiedGroupKFold

    n = len(pool.samples)
    cv = np.full(n, np.nan)
    index = np.arange(n)[pool.training]
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=fold_seed)
    for fit_at, test_at in splitter.split(index, pool.labels[index], pool.groups[index]):
        # The fold models of `spamscore eval --per-source`, fitted by its own function.
        cv[index[test_at]] = source_eval._fit_predict(pool, index[fit_at], index[test_at], recipe)
    return cv


def main(argv: list[str] | None = None) -> int:
    import scipy.sparse as sp

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidate", action="append", help="a name, or names joined by +")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--fold-seed", type=int, help="default: the recipe's seed")
    parser.add_argument("--c", type=float, help="override the recipe's C")
    parser.add_argument("--nb-weight", type=float, help="override the recipe's NB share")
    parser.add_argument("--scores-dir", help="write <candidate>.tsv (CV columns) here")
    args = parser.parse_args(argv)
    names = ([] if args.no_baseline else ["baseline"]) + (args.candidate or sorted(CANDIDATES))

    settings = Settings(offline=True)
    recipe = model_recipe(None, settings)
    started = time.monotonic()
    # Only the training sources: the evaluation-only sets are not even loaded.
    pool = source_eval.build_pool(recipe, None, settings=settings)
    n_features = recipe["n_features"]
    rules_part = pool.matrix[:, n_features:]
    fit = Recipe(
        c=args.c or recipe["c"],
        seed=recipe["seed"],
        nb_weight=recipe["nb_weight"] if args.nb_weight is None else args.nb_weight,
        calibrate=recipe["calibrate"],
    )
    fold_seed = recipe["seed"] if args.fold_seed is None else args.fold_seed
    print(
        f"{len(pool.samples)} messages ready in {time.monotonic() - started:.0f}s; "
        f"C {fit.c}, nb {fit.nb_weight}, fold seed {fold_seed}",
        file=sys.stderr,
    )
    header = (
        f"{'candidate':22} {'SA R@.5%':>8} {'foff R@3%':>9} {'AUC SA':>7} {'AUC foff':>8} "
        f"{'tmpl max/n50':>12} {'seed max/n50':>12} {'pipe SA R/F':>13} {'pipe foff R/F':>13}"
    )
    print(header, flush=True)
    for name in names:
        t0 = time.monotonic()
        extra = None
        if name != "baseline":
            parts = [CANDIDATES[part] for part in name.split("+")]
            extra = [[key for part in parts for key in part(s.message)] for s in pool.samples]
        pool.matrix = sp.hstack([text_matrix(pool, n_features, extra), rules_part], format="csr")
        cv = cross_validated(pool, fit, args.folds, fold_seed)
        m = measure(pool, cv, settings.threshold)
        print(
            f"{name:22} {m['spamassassin-2003:recall']:>8.2%} {m['foff-milter-2025:recall']:>9.2%} "
            f"{m['spamassassin-2003:auc']:>7.4f} {m['foff-milter-2025:auc']:>8.4f} "
            f"{m['templates:max']:>7.3f}/{m['templates:n50']:<4} "
            f"{m['seeds:max']:>7.3f}/{m['seeds:n50']:<4} "
            f"{m['spamassassin-2003:pipe_recall']:>6.1%}/{m['spamassassin-2003:pipe_flagged']:.2%} "
            f"{m['foff-milter-2025:pipe_recall']:>6.1%}/{m['foff-milter-2025:pipe_flagged']:.1%}"
            f"  [{time.monotonic() - t0:.0f}s]",
            flush=True,
        )
        if args.scores_dir:
            Path(args.scores_dir).mkdir(parents=True, exist_ok=True)
            predicted = {"loso": np.full(len(cv), np.nan), "cv": cv}
            source_eval.write_scores(
                str(Path(args.scores_dir) / f"{name}.tsv"), pool, predicted, settings.threshold
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
