"""`spamscore train` and `spamscore eval`: the classifier's commands.

They are plugins of the `spamscore.commands` entry-point group, loaded only when asked for, so
checking a message never imports training code. Training (scorer.ml.train) and evaluation
(scorer.ml.evaluate, scorer.ml.source_eval) are libraries: evaluation reads training's recipe,
training never reads evaluation, and the commands are the only face of either.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scorer.errors import UsageError
from scorer.ml import corpus, evaluate, train
from scorer.ml.classifier import DEFAULT_N_FEATURES, default_model_dir, sklearn_version
from scorer.ml.features import FEATURE_VERSION
from scorer.settings import Settings


def _add_corpus_paths(parser: argparse.ArgumentParser) -> None:
    """--ham and --spam, as train and eval both take them."""
    for label in ("ham", "spam"):
        parser.add_argument(
            f"--{label}",
            action="append",
            default=[],
            metavar="PATH",
            help=f"{label} messages: folder, .tar.gz, or corpus source folder (repeatable)",
        )


def command_line(args: argparse.Namespace) -> str:
    """The train command that reproduces this model (paths as given)."""
    parts = ["spamscore", "train"]
    for path in args.ham:
        parts += ["--ham", path]
    for path in args.spam:
        parts += ["--spam", path]
    for pattern in args.exclude:
        parts += ["--exclude", pattern]
    parts += ["--seed", str(args.seed), "--c", f"{args.c:g}"]
    if args.nb_weight:
        parts += ["--nb-weight", f"{args.nb_weight:g}"]
    if args.calibrate:
        parts += ["--calibrate", str(args.calibrate)]
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
    def say(text: str) -> None:
        print(text, file=sys.stderr)

    if not args.ham or not args.spam:
        raise UsageError("train needs at least one --ham and one --spam path")
    dataset = train.prepare(
        args.ham, args.spam, n_features=args.n_features, exclude=args.exclude, log=say
    )
    counts: dict[str, dict[str, int]] = {}
    for sample in dataset.samples:
        entry = counts.setdefault(sample.source, {"ham": 0, "spam": 0})
        entry["spam" if sample.label else "ham"] += 1
    recipe = train.Recipe(
        c=args.c, seed=args.seed, nb_weight=args.nb_weight, calibrate=args.calibrate
    )
    meta: dict[str, Any] = {
        "created": dt.date.today().isoformat(),
        "command": command_line(args),
        "seed": args.seed,
        "C": args.c,
        "solver": "liblinear (L2 logistic regression)"
        + (f" + {args.nb_weight:g} x Naive Bayes log-count ratios" if args.nb_weight else "")
        + (f", Platt-calibrated on {args.calibrate} inner folds" if args.calibrate else ""),
        **recipe.meta(),
        "feature_version": FEATURE_VERSION,
        "sklearn_version": sklearn_version(),
        "training_messages": counts,
        "deduplication": vars(dataset.dedup) if dataset.dedup else None,
        "sources": train.sources_meta(args.ham, dataset.samples, 0)
        + train.sources_meta(args.spam, dataset.samples, 1),
        "exclude": list(args.exclude),
    }
    weights = train.sample_weights(dataset.samples, args.weight)
    if weights is not None:
        meta["weights"] = list(args.weight)
    if args.cv:
        say(f"grouped {args.cv}-fold cross-validation ...")
        result = evaluate.cross_validate(
            dataset, folds=args.cv, recipe=recipe, weights=weights, log=say
        )
        meta["cross_validation"] = {
            k: v for k, v in result.items() if k not in ("probabilities", "scores", "rules_scores")
        }
        say(evaluate.format_cv(result))
    started = time.monotonic()
    model = train.train_model(dataset, recipe=recipe, meta=meta, weights=weights)
    say(f"trained in {time.monotonic() - started:.1f}s")
    if args.out:
        path = model.save(args.out)
        say(f"model written to {path.parent} ({path.name}, classifier.npz)")
    if args.json:
        print(json.dumps(model.meta, indent=2, ensure_ascii=False))
    return 0


def register_train(sub: Any) -> None:
    """Add `spamscore train` (entry point of the `spamscore.commands` group)."""
    parser = sub.add_parser("train", help="train the classifier from labelled corpora")
    _add_corpus_paths(parser)
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="leave out messages whose source/member matches (repeatable), e.g. "
        "'legit-templates/mailchimp_*'",
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="directory to write classifier.json/.npz (default: none, dry run)",
    )
    parser.add_argument(
        "--seed", type=int, default=train.DEFAULT_SEED, help="random seed (default 0)"
    )
    parser.add_argument(
        "--c",
        type=float,
        default=train.DEFAULT_C,
        help=f"inverse regularisation strength (default {train.DEFAULT_C})",
    )
    parser.add_argument(
        "--nb-weight",
        type=float,
        default=0.0,
        metavar="A",
        help="add A x the Naive Bayes log-count ratios to the text weights (default 0: off)",
    )
    parser.add_argument(
        "--calibrate",
        type=int,
        default=0,
        metavar="K",
        help="Platt-calibrate the log-odds on K inner grouped folds (default 0: off)",
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


def _write_scores(path: str, samples: Sequence[corpus.Sample], result: dict[str, Any]) -> None:
    """Per-message label, probability (and pipeline score): for re-tuning buckets offline."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("source\tname\tlabel\tprobability\tscore\trules_score\n")
        scores = result.get("scores")
        rules = result.get("rules_scores")
        for index, sample in enumerate(samples):
            score = "" if scores is None else f"{scores[index]:.2f}"
            base = "" if rules is None else f"{rules[index]:.2f}"
            handle.write(
                f"{sample.source}\t{sample.name}\t{sample.label}\t"
                f"{result['probabilities'][index]:.6f}\t{score}\t{base}\n"
            )


def _cv_recipe(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """What `eval --cv` trains in each fold. Without --ham/--spam: the shipped (or --model)
    model's own training recipe from its metadata (data, C, seed, sample weights, slots), so the
    figures describe how that model was made; options given on the command line override it."""
    recipe: dict[str, Any] = {
        "ham": list(args.ham),
        "spam": list(args.spam),
        "c": train.DEFAULT_C,
        "seed": 0,
        "weights": [],
        "exclude": [],
        "n_features": DEFAULT_N_FEATURES,
        "nb_weight": 0.0,
        "calibrate": 0,
    }
    if not args.ham and not args.spam:
        recipe.update(evaluate.model_recipe(Path(args.model) if args.model else None, settings))
    if not recipe["ham"] or not recipe["spam"]:
        raise UsageError("cross-validation needs both --ham and --spam (or a model's recipe)")
    if args.c is not None:
        recipe["c"] = args.c
    if args.seed is not None:
        recipe["seed"] = args.seed
    if args.weight:
        recipe["weights"] = list(args.weight)
    if args.exclude:
        recipe["exclude"] = list(args.exclude)
    if args.nb_weight is not None:
        recipe["nb_weight"] = args.nb_weight
    if args.calibrate is not None:
        recipe["calibrate"] = args.calibrate
    return recipe


def _recipe_text(recipe: dict[str, Any]) -> str:
    return (
        " ".join([f"--ham {p}" for p in recipe["ham"]] + [f"--spam {p}" for p in recipe["spam"]])
        + "".join(f" --exclude {p}" for p in recipe["exclude"])
        + f" --c {recipe['c']:g} --seed {recipe['seed']}"
        + (f" --nb-weight {recipe['nb_weight']:g}" if recipe["nb_weight"] else "")
        + (f" --calibrate {recipe['calibrate']}" if recipe["calibrate"] else "")
        + "".join(f" --weight {w}" for w in recipe["weights"])
    )


def run_eval(args: argparse.Namespace) -> int:
    def say(text: str) -> None:
        print(text, file=sys.stderr)

    settings = Settings.from_env()
    if args.threshold is not None:
        settings = settings.replace(threshold=args.threshold)
    settings = settings.replace(offline=True)
    if args.per_source:
        from scorer.ml import source_eval

        recipe = _cv_recipe(args, settings)
        say("per-source evaluation of: " + _recipe_text(recipe))
        root = Path(args.corpus or "../shared/corpus")
        if not root.is_dir():
            raise UsageError(f"no corpus folder {root} (give --corpus DIR)")
        rows, table = source_eval.run(
            recipe,
            root,
            folds=args.cv or 5,
            settings=settings,
            scores_out=args.scores_out,
            use_cache=not args.no_cache,
            loso_seeds=args.loso_seeds,
            rescore=args.rescore,
            log=say,
        )
        print(json.dumps({"recipe": recipe, "sources": rows}, indent=2) if args.json else table)
        return 0
    if args.cv:
        recipe = _cv_recipe(args, settings)
        say("cross-validating: " + _recipe_text(recipe))
        dataset = train.prepare(
            recipe["ham"],
            recipe["spam"],
            n_features=recipe["n_features"],
            exclude=recipe["exclude"],
            settings=settings,
            log=say,
        )
        result = evaluate.cross_validate(
            dataset,
            folds=args.cv,
            recipe=train.Recipe(
                c=recipe["c"],
                seed=recipe["seed"],
                nb_weight=recipe["nb_weight"],
                calibrate=recipe["calibrate"],
            ),
            settings=settings,
            weights=train.sample_weights(dataset.samples, recipe["weights"]),
            log=say,
        )
        result["recipe"] = recipe
        samples = dataset.samples
        text = evaluate.format_cv(result)
    else:
        if not args.ham and not args.spam:
            raise UsageError("eval needs --ham and/or --spam paths (or --cv)")
        samples = corpus.load(args.ham, args.spam)
        say(f"{len(samples)} messages")
        model_dir = Path(args.model) if args.model else default_model_dir(settings)
        result = evaluate.evaluate_model(samples, model_dir, settings=settings, log=say)
        text = evaluate.format_eval(result)
    if args.scores_out:
        _write_scores(args.scores_out, samples, result)
    result = {
        k: v for k, v in result.items() if k not in ("probabilities", "scores", "rules_scores")
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(text)
    return 0


def register_eval(sub: Any) -> None:
    """Add `spamscore eval` (entry point of the `spamscore.commands` group)."""
    parser = sub.add_parser("eval", help="measure the classifier and the pipeline on corpora")
    _add_corpus_paths(parser)
    parser.add_argument("--model", metavar="DIR", help="model directory (default: the shipped one)")
    parser.add_argument(
        "--cv",
        type=int,
        default=0,
        metavar="K",
        help="grouped K-fold cross-validation instead of measuring a model; without --ham/--spam "
        "it cross-validates the model's own training recipe (data, C, seed, weights)",
    )
    parser.add_argument(
        "--seed", type=int, default=None, help="CV split and solver seed (default: the recipe's)"
    )
    parser.add_argument(
        "--c", type=float, default=None, help="C for the CV fold models (default: the recipe's)"
    )
    parser.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="PATTERN=W",
        help="sample weights for the CV fold models, as in `train` (default: the recipe's)",
    )
    parser.add_argument(
        "--nb-weight",
        type=float,
        default=None,
        metavar="A",
        help="Naive Bayes share for the CV fold models, as in `train` (default: the recipe's)",
    )
    parser.add_argument(
        "--calibrate",
        type=int,
        default=None,
        metavar="K",
        help="inner calibration folds for the CV fold models (default: the recipe's)",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="training messages to leave out, as in `train` (default: the recipe's)",
    )
    parser.add_argument(
        "--per-source",
        action="store_true",
        help="per-source table: every source of --corpus (and every seed set) scored by a model "
        "trained without it (leave-one-source-out) and by grouped CV within the training data "
        "(--cv K folds, default 5); the training recipe is the model's own unless --ham/--spam",
    )
    parser.add_argument(
        "--corpus",
        metavar="DIR",
        default=None,
        help="corpus folder whose sources --per-source measures (default ../shared/corpus)",
    )
    parser.add_argument(
        "--loso-seeds",
        action="store_true",
        help="with --per-source, also leave out each seed set in turn (default: CV only)",
    )
    parser.add_argument(
        "--rescore",
        metavar="FILE",
        help="with --per-source, take the probabilities from an earlier --scores-out file "
        "instead of refitting (valid when only rules/classifier.yaml changed)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="do not read or write the evidence cache (scorer/ml/evidence.py)",
    )
    parser.add_argument("--threshold", type=float, help="pipeline spam threshold (default 5.0)")
    parser.add_argument(
        "--scores-out",
        metavar="FILE",
        help="write per-message probability and score (TSV) for re-tuning",
    )
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.set_defaults(func=run_eval)
