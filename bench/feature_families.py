#!/usr/bin/env python3
"""Would another family of tokens help the classifier? Grouped CV plus the held-out sets.

    python bench/feature_families.py                        # the baseline and every family
    python bench/feature_families.py --family mua --family caps

Each candidate family adds hashed binary tokens (value 0.3, like a rule finding) beside the
shipped text features, and the shipped model's own recipe (classifier.json: data, C, seed,
Naive Bayes share, calibration, sample weights) is cross-validated on exactly the folds of
`spamscore eval --cv 5`. Printed per family: the classifier's recall at a 0.5% false-positive
budget (how well it ranks; bench/cv_ceiling.py shows how far band designs can go beyond it), the
whole pipeline at 5.0, and, from a model fitted on all the training data, phishing-pot-2020s
recall and legit-templates flagged at 5.0. The families are header and markup facts an
author's software writes (and that the shipped features leave out); they live here, not in
scorer/ml/features.py, because none of them earned a place there.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cv_ceiling import recall_at_budget  # noqa: E402
from scorer.message import Message  # noqa: E402
from scorer.ml import corpus, evaluate, features, train  # noqa: E402
from scorer.ml.evidence import collect  # noqa: E402
from scorer.rules import load_rules  # noqa: E402
from scorer.settings import Settings  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"
HELD_OUT = {
    "phish": ([], [str(SHARED / "phishing-pot-2020s")]),
    "legit": ([str(SHARED / "legit-templates")], []),
}
TOKEN_VALUE = 0.3
HASH_SLOTS = 2**18

_VERSION = re.compile(r"[\d._\-/()\[\];,]+")
_TAG = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9]*)")
_ATTRIBUTE = re.compile(r"\s([a-zA-Z\-]+)\s*=")
_CAPS_WORD = re.compile(r"\b[A-Z]{3,}\b")


def mail_program(msg: Message) -> list[str]:
    """X-Mailer / User-Agent product name without versions."""
    value = msg.header("x-mailer") or msg.header("user-agent")
    words = _VERSION.sub(" ", (value or "").lower()).split()[:2]
    return ["mua:" + " ".join(words)] if words else []


def mime_shape(msg: Message) -> list[str]:
    """Content types, charsets and transfer encodings of the parts."""
    out = set()
    for part in msg.parts:
        out.add("ct:" + part.content_type)
        if part.is_body_text:
            charset = (part.charset_label or "none").lower().strip('"').replace("3d", "")
            out.add("cs:" + charset)
            out.add("cte:" + (part.cte or "none").lower())
    return sorted(out)


def sender(msg: Message) -> list[str]:
    """From display-name words and the shape and words of the local part."""
    address = msg.from_address
    if address is None:
        return ["from:none"]
    name = (address.display_name or "").lower()
    local = (address.local_part or "").lower()
    out = [] if name.strip() else ["from:noname"]
    out += ["fromw:" + w for w in re.findall(r"[^\W\d_]{2,}", name)[:6]]
    out += ["from:digit"] if any(c.isdigit() for c in local) else []
    out.append(f"from:len{min(len(local) // 4, 5)}")
    out += ["fromlp:" + w for w in re.findall(r"[a-z]{3,}", local)[:3]]
    return out


def markup(msg: Message) -> list[str]:
    """HTML tag and attribute names."""
    html = msg.html[:100_000]
    tags = {"t:" + t.lower() for t in _TAG.findall(html)}
    attributes = {"a:" + a.lower() for a in _ATTRIBUTE.findall(html)}
    return sorted(tags | attributes)[:300]


def subject_shape(msg: Message) -> list[str]:
    """Subject length, a trailing tracking tag, money signs, exclamation, lower-case start."""
    subject = features.clean_subject(msg.subject)
    if not subject:
        return []
    out = [f"sl:{min(len(subject) // 10, 8)}"]
    if re.search(r"\s{3,}\S+$", msg.subject or ""):
        out.append("s:trailtag")
    if re.search(r"[a-z0-9]{6,}$", subject) and re.search(r"\d", subject[-8:]):
        out.append("s:tailid")
    out += ["s:bang"] if "!" in subject else []
    out += ["s:money"] if "$" in subject or "%" in subject else []
    out += ["s:lowerstart"] if subject[:1].islower() else []
    return out


def link_paths(msg: Message) -> list[str]:
    """Words in link paths."""
    out = set()
    for url in msg.http_urls[:50]:
        path = url.url.split("/", 3)[3] if url.url.count("/") >= 3 else ""
        out.update("up:" + w for w in re.findall(r"[a-z]{3,}", path.lower())[:8])
    return sorted(out)


def capital_words(msg: Message) -> list[str]:
    """Words in capitals, kept apart from their lower-case forms (FREE vs free)."""
    subject = features.clean_subject(msg.subject)
    text = features.clean_text(msg.all_text)
    words = {"sC:" + w.lower() for w in _CAPS_WORD.findall(subject)}
    words |= {"C:" + w.lower() for w in _CAPS_WORD.findall(text)}
    return sorted(words)[:200]


FAMILIES: dict[str, Callable[[Message], list[str]]] = {
    "mua": mail_program,
    "mime": mime_shape,
    "from": sender,
    "html": markup,
    "subject": subject_shape,
    "urlpath": link_paths,
    "caps": capital_words,
}


def family_matrix(samples, name: str):
    import scipy.sparse as sp
    from sklearn.feature_extraction import FeatureHasher

    if name == "baseline":
        return sp.csr_matrix((len(samples), 0))
    tokens = [FAMILIES[name](s.message) for s in samples]
    hashed = FeatureHasher(HASH_SLOTS, input_type="string", alternate_sign=False)
    matrix = hashed.transform(tokens).tocsr()
    matrix.data[:] = TOKEN_VALUE
    return matrix


def with_columns(text, extra, rule_columns):
    import scipy.sparse as sp

    return sp.hstack([text, extra, rule_columns], format="csr")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--family", action="append", choices=sorted(FAMILIES))
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args(argv)
    names = ([] if args.no_baseline else ["baseline"]) + (args.family or sorted(FAMILIES))

    settings = Settings(offline=True)
    rules = load_rules()
    recipe = evaluate.model_recipe(None, settings)
    started = time.monotonic()
    dataset = train.prepare(
        recipe["ham"], recipe["spam"], n_features=recipe["n_features"], exclude=recipe["exclude"]
    )
    weights = train.sample_weights(dataset.samples, recipe["weights"])
    fit = train.Recipe(
        c=recipe["c"],
        seed=recipe["seed"],
        nb_weight=recipe["nb_weight"],
        calibrate=recipe["calibrate"],
    )
    n_text = dataset.n_features
    text, rule_columns = dataset.matrix[:, :n_text], dataset.matrix[:, n_text:]
    held = {}
    for key, (ham, spam) in HELD_OUT.items():
        samples = corpus.load(ham, spam)
        found = collect(samples, n_text, settings=settings)
        held[key] = dict(
            samples=samples,
            text=train.featurize(samples, n_text),
            rules=train.rule_matrix(
                [e.rule_ids for e in found], dataset.rule_features, dataset.rule_value
            ),
            scores=np.asarray([e.rules_score for e in found]),
            words=[e.words for e in found],
            others=evaluate.corroboration(found),
        )
    print(f"data ready in {time.monotonic() - started:.0f}s", file=sys.stderr)
    n_ham = int((dataset.labels == 0).sum())
    print(f"{'family':10} {'clf R@0.5%':>10} {'pipeline':>16} {'phish':>7} {'legit':>7}")
    for name in names:
        extra = family_matrix(dataset.samples, name)
        matrix = with_columns(text, extra, rule_columns)
        trial = replace(dataset, matrix=matrix)
        result = evaluate.cross_validate(
            trial, folds=5, recipe=fit, settings=settings, weights=weights
        )
        recall, _ = recall_at_budget(
            dataset.labels, result["probabilities"], int(np.floor(0.005 * n_ham))
        )
        pipe = result["pipeline"]
        coef, intercept = train.fit_recipe(
            matrix,
            dataset.labels,
            fit,
            groups=dataset.groups,
            sample_weight=weights,
            n_rules=len(dataset.rule_features),
        )
        rates = {}
        for key, part in held.items():
            x = with_columns(part["text"], family_matrix(part["samples"], name), part["rules"])
            probability = 1 / (1 + np.exp(-(x @ coef.astype(np.float64) + intercept)))
            total = part["scores"] + evaluate.bucket_scores(
                probability,
                rules,
                part["words"],
                part["others"],
                part["scores"],
                settings.threshold,
            )
            rates[key] = float((total >= settings.threshold).mean())
        print(
            f"{name:10} {recall:>10.2%} {pipe['recall']:>7.2%} @{pipe['fpr']:>6.2%} "
            f"{rates['phish']:>7.2%} {rates['legit']:>7.2%}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
