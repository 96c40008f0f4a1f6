"""What training and evaluation need from each corpus message, computed once and cached.

Parsing a message, extracting its tokens and running the offline rules on it costs a few
milliseconds; a per-source evaluation fits some twenty models on the same nine thousand
messages, so doing that work per fold would take most of an hour. `collect` computes, for every
sample, its hashed text slots, the number of words the classifier saw, the findings of a
classifier-off run of the offline engine (ids, categories, scores) and its total score, and the
de-duplication keys, and keeps them in a cache file keyed by the message bytes and by a
fingerprint of everything that could change them: the code under scorer/, the rule data under
rules/, the feature version and the number of hashed slots. Change a rule and the next run
recomputes; change nothing and it reads 9,000 messages' evidence in about a second.

The cache lives in `$SPAMSCORE_CACHE_DIR` (default `~/.cache/spamscore`). It holds plain
arrays (numpy .npz read with allow_pickle=False) and is safe to delete at any time.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from scorer.ml import corpus
from scorer.ml.classifier import unit_slots, vectorize
from scorer.ml.features import FEATURE_VERSION, extract, rule_feature_ids, word_count
from scorer.paths import rules_dir
from scorer.settings import Settings

Log = Callable[[str], None] | None
_CACHE_VERSION = 2
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Finding:
    id: str
    category: str
    score: float


@dataclass(frozen=True)
class Evidence:
    """One message as the classifier and the scoring see it (classifier off)."""

    slots: np.ndarray
    """Distinct hashed text slots, sorted (int64); each carries 1/sqrt(len(slots))."""
    words: int
    """Distinct words and segments of subject and body (`scorer.ml.features.word_count`)."""
    findings: tuple[Finding, ...]
    """Every scored finding of the offline engine with the classifier off."""
    unscored: tuple[str, ...]
    """Rules that fired but do not bind this kind of message (`Report.not_applicable`)."""
    rules_score: float
    """That run's total score."""
    categories: tuple[tuple[str, float], ...]
    """That run's category totals (after each category's cap and floor)."""
    keys: corpus.MessageKeys

    @property
    def rule_ids(self) -> list[str]:
        """The finding ids the classifier reads (`scorer.ml.features.rule_feature_ids` of every
        rule that fired, scored or not: `Report.fired_ids`)."""
        return rule_feature_ids([*(f.id for f in self.findings), *self.unscored])


def default_cache_dir() -> Path:
    base = os.environ.get("SPAMSCORE_CACHE_DIR")
    if base:
        return Path(base)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "spamscore"


_NOT_EVIDENCE = frozenset({"train.py", "evaluate.py", "source_eval.py", "cli.py"})
"""Modules that use the evidence but cannot change it (fitting, measuring, the command line)."""
_CLASSIFIER_FILES = ("checks/classifier.py", "classifier.yaml")
"""The classifier's check and bands: the evidence comes from a classifier-off run."""


@lru_cache(maxsize=4)
def fingerprint(n_features: int) -> str:
    """A hash of the code, the rule data and the feature settings the evidence depends on."""
    digest = hashlib.sha256(f"{_CACHE_VERSION}:{FEATURE_VERSION}:{n_features}".encode())
    files = sorted(p for p in _PACKAGE.rglob("*.py") if p.name not in _NOT_EVIDENCE) + sorted(
        p for p in rules_dir().rglob("*") if p.is_file()
    )
    files = [p for p in files if not p.as_posix().endswith(_CLASSIFIER_FILES)]
    for path in files:
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def message_id(raw: bytes, label: int) -> str:
    return hashlib.sha1(raw).hexdigest() + f":{label}"


def compute(
    samples: Sequence[corpus.Sample],
    n_features: int,
    settings: Settings | None = None,
    log: Log = None,
) -> list[Evidence]:
    """Evidence of each sample, without the cache."""
    from scorer.pipeline import Engine

    settings = (settings or Settings(offline=True)).replace(use_classifier=False, offline=True)
    engine = Engine(settings)
    out: list[Evidence] = []
    try:
        for index, sample in enumerate(samples):
            units = extract(sample.message)
            vector = vectorize([unit_slots(u.keys, n_features) for u in units], n_features)
            report = engine.analyze(sample.raw)
            findings = tuple(Finding(f.id, f.category, float(f.score)) for f in report.findings)
            out.append(
                Evidence(
                    np.sort(vector.distinct),
                    word_count(units),
                    findings,
                    tuple(f.id for f in report.not_applicable),
                    float(report.score),
                    tuple(sorted((k, float(v)) for k, v in report.categories.items())),
                    sample.keys,
                )
            )
            sample.release()
            if log and index and index % 1000 == 0:
                log(f"  evidence: {index}/{len(samples)}")
    finally:
        engine.close()
    return out


class Cache:
    """Evidence by message bytes and label, in one .npz per fingerprint."""

    def __init__(self, directory: Path | None, n_features: int) -> None:
        self.path = (
            None
            if directory is None
            else Path(directory) / f"evidence-{fingerprint(n_features)}.npz"
        )
        self.n_features = n_features
        self.items: dict[str, Evidence] = {}
        self.dirty = False
        if self.path is not None and self.path.is_file():
            try:
                self.items = _read(self.path)
            except (OSError, ValueError, KeyError):
                self.items = {}

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp.npz")
        _write(temporary, self.items)
        os.replace(temporary, self.path)
        self.dirty = False


def collect(
    samples: Sequence[corpus.Sample],
    n_features: int,
    *,
    settings: Settings | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    log: Log = None,
) -> list[Evidence]:
    """Evidence of every sample, from the cache where it holds them (then computed and stored).
    The samples' de-duplication keys are filled from the cache too, so they are not parsed."""
    cache = Cache((cache_dir or default_cache_dir()) if use_cache else None, n_features)
    ids = [message_id(s.raw, s.label) for s in samples]
    missing = [i for i, key in enumerate(ids) if key not in cache.items]
    if missing:
        started = time.monotonic()
        if log:
            log(f"evidence for {len(missing)} of {len(samples)} messages (rules, features) ...")
        fresh = compute([samples[i] for i in missing], n_features, settings, log)
        for index, item in zip(missing, fresh, strict=True):
            cache.items[ids[index]] = item
        cache.dirty = True
        cache.save()
        if log:
            log(f"  {len(missing) / max(time.monotonic() - started, 1e-9):.0f} messages/s")
    found = [cache.items[key] for key in ids]
    for sample, item in zip(samples, found, strict=True):
        sample._keys = item.keys
    return found


# --- file format -----------------------------------------------------------------------------

_FINDING_SEP = "\x1f"


def _write(path: Path, items: dict[str, Evidence]) -> None:
    keys = sorted(items)
    rows = [items[k] for k in keys]
    lengths = np.fromiter((len(r.slots) for r in rows), np.int64, len(rows))
    slots = np.concatenate([r.slots for r in rows]) if rows else np.zeros(0, np.int64)
    with open(path, "wb") as handle:
        np.savez_compressed(
            handle,
            ids=np.asarray(keys, dtype=str),
            lengths=lengths,
            slots=slots.astype(np.int32),
            words=np.fromiter((r.words for r in rows), np.int64, len(rows)),
            rules_score=np.fromiter((r.rules_score for r in rows), np.float64, len(rows)),
            findings=np.asarray(
                [
                    _FINDING_SEP.join(f"{f.id} {f.category} {f.score!r}" for f in r.findings)
                    for r in rows
                ],
                dtype=str,
            ),
            unscored=np.asarray([" ".join(r.unscored) for r in rows], dtype=str),
            categories=np.asarray(
                [" ".join(f"{k}={v!r}" for k, v in r.categories) for r in rows], dtype=str
            ),
            subject=np.asarray([r.keys.subject for r in rows], dtype=str),
            body=np.asarray([r.keys.body for r in rows], dtype=str),
            text=np.asarray([r.keys.text for r in rows], dtype=str),
            sender=np.asarray([r.keys.sender for r in rows], dtype=str),
            body_simhash=np.asarray([r.keys.body_simhash for r in rows], dtype=np.uint64),
            text_simhash=np.asarray([r.keys.text_simhash for r in rows], dtype=np.uint64),
        )


def _read(path: Path) -> dict[str, Evidence]:
    with np.load(path, allow_pickle=False) as data:
        ids = data["ids"].tolist()
        lengths = data["lengths"]
        slots = data["slots"].astype(np.int64)
        words = data["words"].tolist()
        scores = data["rules_score"].tolist()
        findings = data["findings"].tolist()
        categories = data["categories"].tolist()
        unscored = data["unscored"].tolist()
        subject = data["subject"].tolist()
        body = data["body"].tolist()
        text = data["text"].tolist()
        sender = data["sender"].tolist()
        body_simhash = data["body_simhash"].tolist()
        text_simhash = data["text_simhash"].tolist()
    starts = np.concatenate(([0], np.cumsum(lengths)))
    out: dict[str, Evidence] = {}
    for i, key in enumerate(ids):
        found = []
        for item in findings[i].split(_FINDING_SEP) if findings[i] else ():
            rule_id, category, score = item.split(" ")
            found.append(Finding(rule_id, category, float(score)))
        out[key] = Evidence(
            slots[starts[i] : starts[i + 1]],
            int(words[i]),
            tuple(found),
            tuple(unscored[i].split()),
            float(scores[i]),
            tuple(
                (name, float(value))
                for name, value in (item.split("=") for item in categories[i].split())
            ),
            corpus.MessageKeys(
                subject[i], body[i], int(body_simhash[i]), text[i], int(text_simhash[i]), sender[i]
            ),
        )
    return out
