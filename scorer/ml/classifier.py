"""Load the trained classifier, predict how spam-like a message's text is, and say why.

The model is a linear one over a hashed feature space: each key of each unit of
`scorer.ml.features` (a word and its character n-grams, a Japanese segment and its character
pairs, a link domain, a structure fact) is hashed with scikit-learn's MurmurHash3 to one of
`n_features` slots; the message vector is binary over those slots and L2-normalised; p(spam) is
the logistic of its dot product with the weights. So a prediction is a memoised lookup per word
and a few array operations, and an explanation is exact: a unit's share of the log-odds is the
sum of its slots' weights times their value (a slot shared by several units is split), named by
the unit's own text, never by a hash.

The model also reads the offline rule findings of the message (stacking): each finding id in its
rule vocabulary (`meta["rule_features"]`, from `scorer.ml.features.rule_feature_ids`) adds its own
weight times a fixed `rule_value`, outside the normalised text vector, so a rule's pull does not
depend on the length of the text. An explanation names such a unit by its rule id.

On disk a model is two plain files, nothing that can run code when loaded:
`classifier.json` (metadata: versions, training command, data, metrics, the rule vocabulary)
and `classifier.npz` (float32 text and rule weights and the intercept; read with
allow_pickle=False).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import math
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import mmh3
import numpy as np

from scorer.errors import ModelError
from scorer.message import Message
from scorer.ml.features import FEATURE_VERSION, Unit, extract, rule_feature_ids, word_count
from scorer.paths import models_dir
from scorer.settings import Settings

log = logging.getLogger(__name__)

MODEL_FORMAT = "spamscore-linear-hashed"
FORMAT_VERSION = 2
META_FILE = "classifier.json"
WEIGHTS_FILE = "classifier.npz"
DEFAULT_N_FEATURES = 2**20
TOP_FEATURES = 10
DEFAULT_RULE_VALUE = 0.3
"""The value of a rule feature that fired (text slots carry 1/sqrt(#slots), about 0.02-0.1)."""
_MAX_WEIGHTS_BYTES = 64 * 1024 * 1024
_SLOT_CACHE = 500_000


def slot(key: str, n_features: int) -> int:
    """The hashed feature slot of a key (the same function at training and prediction):
    MurmurHash3 x86 32-bit, seed 0, unsigned, as scikit-learn's murmurhash3_32(positive=True)
    (tests/scorer/ml/test_classifier.py checks they agree). mmh3 rather than scikit-learn, so that
    scoring a message does not import scikit-learn and SciPy (0.7 s and ~60 MB per process)."""
    return mmh3.hash(key, 0, signed=False) % n_features


def sklearn_version() -> str | None:
    """The installed scikit-learn's version, read without importing it (None: not installed)."""
    try:
        return importlib.metadata.version("scikit-learn")
    except importlib.metadata.PackageNotFoundError:
        return None


@lru_cache(maxsize=262_144)
def unit_slots(keys: tuple[str, ...], n_features: int) -> np.ndarray:
    """The slots of a unit's keys, one per key."""
    return np.fromiter((slot(k, n_features) for k in keys), np.int64, len(keys))


_SCRATCH = threading.local()


@dataclass
class Vector:
    """A message in the hashed space. The vector is binary over the distinct slots of all its
    units' keys and L2-normalised: each distinct slot carries `value` = 1/sqrt(#slots).

    `slots` lists every unit's slots end to end (`lengths` per unit); `first` marks the first
    occurrence of each distinct slot and `shared[i]` says how many entries hold slots[i], so a
    slot's weight can be split between the units that produced it."""

    slots: np.ndarray
    lengths: np.ndarray
    first: np.ndarray
    shared: np.ndarray
    value: float

    @property
    def distinct(self) -> np.ndarray:
        return self.slots[self.first]


def vectorize(parts: list[np.ndarray], n_features: int) -> Vector:
    """The Vector of a message whose units have the slot arrays `parts` (in unit order)."""
    lengths = np.fromiter(map(len, parts), np.int64, len(parts))
    slots = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    size = len(slots)
    # Distinct slots in O(n) with a per-thread scratch array instead of a sort: every entry
    # writes its index into its slot, the last writer represents the slot.
    scratch = getattr(_SCRATCH, "array", None)
    if scratch is None or len(scratch) < n_features:
        scratch = _SCRATCH.array = np.zeros(n_features, dtype=np.int64)
    position = np.arange(size, dtype=np.int64)
    scratch[slots] = position
    representative = scratch[slots]
    first = representative == position
    shared = np.bincount(representative, minlength=size)[representative]
    distinct = int(first.sum())
    value = 1.0 / math.sqrt(distinct) if distinct else 0.0
    return Vector(slots, lengths, first, shared, value)


@dataclass
class Prediction:
    """p(spam) for one message and the features that moved it most (signed log-odds)."""

    probability: float
    top_features: list[dict[str, Any]] = field(default_factory=list)
    words: int | None = None
    """Distinct words and segments the model read (`scorer.ml.features.word_count`)."""

    def to_section(self) -> dict[str, Any]:
        section: dict[str, Any] = {
            "probability": round(self.probability, 6),
            "top_features": self.top_features,
        }
        if self.words is not None:
            section["words"] = self.words
        return section


class Model:
    """A loaded linear hashed model. Immutable and thread-safe after construction."""

    def __init__(
        self,
        coef: np.ndarray,
        intercept: float,
        meta: dict[str, Any],
        rule_coef: np.ndarray | None = None,
    ) -> None:
        self.coef = np.ascontiguousarray(coef, dtype=np.float32)
        self.intercept = float(intercept)
        self.meta = meta
        self.n_features = int(self.coef.shape[0])
        self.rule_features: list[str] = list(meta.get("rule_features") or [])
        self.rule_value = float(meta.get("rule_value", DEFAULT_RULE_VALUE))
        if rule_coef is None:
            rule_coef = np.zeros(len(self.rule_features), dtype=np.float32)
        self.rule_coef = np.ascontiguousarray(rule_coef, dtype=np.float32)
        if self.rule_coef.shape != (len(self.rule_features),):
            raise ModelError(
                f"{len(self.rule_features)} rule features but {self.rule_coef.shape} rule weights"
            )
        self._rule_index = {rule_id: i for i, rule_id in enumerate(self.rule_features)}
        self._slots: dict[str, np.ndarray] = {}

    @property
    def version(self) -> str:
        """What the report records as its model version: the training date and the weights'
        hash (a retrained model is another version even on the same day)."""
        weights = str(self.meta.get("weights_sha256") or "")
        if not weights:
            digest = hashlib.sha256(self.coef.tobytes())
            digest.update(self.rule_coef.tobytes())
            weights = digest.hexdigest()
        created = str(self.meta.get("created") or "unsaved")
        return f"{created}.{weights[:12]}"

    # --- prediction --------------------------------------------------------------------------
    def _unit_slots(self, unit: Unit) -> np.ndarray:
        # Memoised by unit id (a word's first key): words repeat across messages.
        found = self._slots.get(unit.id)
        if found is None:
            found = unit_slots(unit.keys, self.n_features)
            if len(self._slots) >= _SLOT_CACHE:
                self._slots.clear()
            self._slots[unit.id] = found
        return found

    def vectorize(self, units: list[Unit]) -> Vector:
        return vectorize([self._unit_slots(unit) for unit in units], self.n_features)

    def rule_units(self, rule_ids: Iterable[str]) -> list[tuple[str, int]]:
        """(finding id, index in the rule vocabulary) of the findings this model reads."""
        index = self._rule_index
        return [(r, index[r]) for r in rule_feature_ids(rule_ids) if r in index]

    def logit(self, vector: Vector, rules: Sequence[tuple[str, int]] = ()) -> float:
        total = float(self.coef[vector.distinct].sum(dtype=np.float64))
        rule_total = sum(float(self.rule_coef[i]) for _, i in rules)
        return self.intercept + vector.value * total + self.rule_value * rule_total

    def predict_proba(self, msg: Message, rule_ids: Iterable[str] = ()) -> float:
        """p(spam) for a parsed message whose offline findings have the ids `rule_ids`."""
        return _sigmoid(self.logit(self.vectorize(extract(msg)), self.rule_units(rule_ids)))

    def analyze(
        self, msg: Message, rule_ids: Iterable[str] = (), top: int = TOP_FEATURES
    ) -> Prediction:
        """p(spam) and the `top` features that pushed it most, each named by its own text
        (rule findings by their id, source `rule`)."""
        units = extract(msg)
        vector = self.vectorize(units)
        rules = self.rule_units(rule_ids)
        probability = _sigmoid(self.logit(vector, rules))
        shares = self.shares(vector)
        if rules:
            units = units + [Unit(f"r:{r}", r, "rule", ()) for r, _ in rules]
            rule_shares = [self.rule_value * float(self.rule_coef[i]) for _, i in rules]
            shares = np.concatenate((shares, rule_shares))
        return Prediction(probability, _explain(units, shares, top), word_count(units))

    def shares(self, vector: Vector) -> np.ndarray:
        """Each unit's exact share of the log-odds: its slots' weights times the value, a slot
        produced by several units split evenly between them (shares sum to logit - intercept)."""
        if not len(vector.lengths):
            return np.zeros(0)
        entries = self.coef[vector.slots].astype(np.float64) * vector.value / vector.shared
        starts = np.concatenate(([0], np.cumsum(vector.lengths)[:-1]))
        sums = np.add.reduceat(entries, starts) if len(entries) else np.zeros(len(starts))
        return np.where(vector.lengths > 0, sums, 0.0)

    # --- files -------------------------------------------------------------------------------
    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write classifier.npz and classifier.json into `directory`; return the metadata path."""
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        weights_path = target / WEIGHTS_FILE
        with open(weights_path, "wb") as handle:
            np.savez_compressed(
                handle,
                coef=self.coef,
                rule_coef=self.rule_coef,
                intercept=np.asarray([self.intercept], dtype=np.float64),
            )
        meta = dict(self.meta)
        meta.update(
            format=MODEL_FORMAT,
            format_version=FORMAT_VERSION,
            feature_version=FEATURE_VERSION,
            sklearn_version=sklearn_version(),
            n_features=self.n_features,
            rule_features=self.rule_features,
            rule_value=self.rule_value,
            weights_sha256=_sha256(weights_path),
        )
        self.meta = meta
        meta_path = target / META_FILE
        meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", "utf-8")
        return meta_path

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> Model:
        """Load and validate a model directory; any mismatch raises ModelError saying why."""
        where = Path(directory)
        meta_path = where / META_FILE
        weights_path = where / WEIGHTS_FILE
        if not meta_path.is_file() or not weights_path.is_file():
            raise ModelError(
                f"no classifier model in {where} (needs {META_FILE} and {WEIGHTS_FILE})"
            )
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(f"{meta_path}: not readable model metadata: {exc}") from None
        if not isinstance(meta, dict):
            raise ModelError(f"{meta_path}: model metadata must be a JSON object")
        _check_meta(meta, meta_path)
        if weights_path.stat().st_size > _MAX_WEIGHTS_BYTES:
            raise ModelError(f"{weights_path}: larger than {_MAX_WEIGHTS_BYTES} bytes")
        if _sha256(weights_path) != meta.get("weights_sha256"):
            raise ModelError(
                f"{weights_path} does not match {meta_path} (weights_sha256 differs): "
                "the two files come from different trainings; retrain or restore both"
            )
        try:
            with np.load(weights_path, allow_pickle=False) as data:
                coef = data["coef"]
                rule_coef = data["rule_coef"]
                intercept = data["intercept"]
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{weights_path}: not a readable weights file: {exc}") from None
        n_features = meta["n_features"]
        n_rules = len(meta["rule_features"])
        if coef.dtype != np.float32 or coef.shape != (n_features,) or intercept.shape != (1,):
            raise ModelError(
                f"{weights_path}: expected float32 weights of shape ({n_features},) and one "
                f"intercept, found {coef.dtype} {coef.shape} and {intercept.shape}"
            )
        if rule_coef.dtype != np.float32 or rule_coef.shape != (n_rules,):
            raise ModelError(
                f"{weights_path}: expected {n_rules} float32 rule weights (one per entry of "
                f"rule_features), found {rule_coef.dtype} {rule_coef.shape}"
            )
        if not (
            np.isfinite(coef).all()
            and np.isfinite(rule_coef).all()
            and np.isfinite(intercept).all()
        ):
            raise ModelError(f"{weights_path}: weights contain NaN or infinity")
        return cls(coef, float(intercept[0]), meta, rule_coef)


def _explain(units: list[Unit], shares: np.ndarray, top: int) -> list[dict[str, Any]]:
    """The `top` units that moved the log-odds most, by absolute share. Units are distinct by
    construction (one per word, pair, segment, domain, structure fact), so none is merged."""
    if not len(units):
        return []
    size = abs(shares)
    chosen = np.argpartition(-size, top)[:top] if len(units) > top else np.arange(len(units))
    order = sorted(chosen.tolist(), key=lambda i: (-size[i], units[i].id))
    out = []
    for i in order:
        if size[i] < 1e-4:
            continue
        item = {
            "feature": units[i].display,
            "weight": round(float(shares[i]), 4),
            "source": units[i].source,
        }
        if units[i].source == "structure":
            item["key"] = units[i].id  # named in the reader's language by the report's faces
        out.append(item)
    return out


def _check_meta(meta: dict[str, Any], path: Path) -> None:
    if meta.get("format") != MODEL_FORMAT:
        raise ModelError(f"{path}: not a spamscore classifier (format {meta.get('format')!r})")
    if meta.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"{path}: model file format {meta.get('format_version')!r}, this spamscore reads "
            f"format {FORMAT_VERSION}; retrain with `spamscore train` (see models/README.md)"
        )
    if meta.get("feature_version") != FEATURE_VERSION:
        raise ModelError(
            f"{path}: model built for feature version {meta.get('feature_version')!r}, but this "
            f"spamscore extracts feature version {FEATURE_VERSION}; its weights would be read "
            "against the wrong tokens. Retrain with `spamscore train` (see models/README.md)"
        )
    if meta.get("sklearn_version") != sklearn_version():
        raise ModelError(
            f"{path}: model built with scikit-learn {meta.get('sklearn_version')!r}, but "
            f"{sklearn_version()} is installed. Install scikit-learn=="
            f"{meta.get('sklearn_version')} or retrain with `spamscore train` "
            "(see models/README.md)"
        )
    n_features = meta.get("n_features")
    if not isinstance(n_features, int) or not 1 <= n_features <= 2**24:
        raise ModelError(f"{path}: n_features must be an integer from 1 to 2**24")
    rules = meta.get("rule_features")
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        raise ModelError(f"{path}: rule_features must be a list of finding ids")
    value = meta.get("rule_value")
    if not isinstance(value, int | float) or not 0 < value <= 10:
        raise ModelError(f"{path}: rule_value must be a number in (0, 10]")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


def default_model_dir(settings: Settings) -> Path:
    return Path(settings.model_path) if settings.model_path else models_dir()


def load_default(settings: Settings) -> Model | None:
    """The model the engine uses: None when switched off or when no model is shipped; a model
    that is present but wrong (corrupt, other version) raises ModelError."""
    if not settings.use_classifier:
        return None
    directory = default_model_dir(settings)
    present = (directory / META_FILE).exists() or (directory / WEIGHTS_FILE).exists()
    if not present:
        if settings.model_path:
            raise ModelError(f"SPAMSCORE_MODEL points at {directory}, which holds no model")
        log.warning("no classifier model in %s; the classifier check will be skipped", directory)
        return None
    return Model.load(directory)
