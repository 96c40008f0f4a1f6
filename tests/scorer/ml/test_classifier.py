"""The shipped model and the model files: loading, validation, prediction and explanation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from scorer.errors import ModelError
from scorer.message import parse
from scorer.ml.classifier import META_FILE, WEIGHTS_FILE, Model, load_default, slot
from scorer.ml.features import extract
from scorer.paths import models_dir
from scorer.pipeline import Engine
from scorer.settings import Settings

MESSAGES = Path(__file__).resolve().parents[2] / "data" / "messages"


@pytest.fixture(scope="module")
def shipped() -> Model:
    return Model.load(models_dir())


def _message(name: str):
    return parse((MESSAGES / name).read_bytes())


def test_shipped_model_is_small_and_documented(shipped):
    assert (models_dir() / WEIGHTS_FILE).stat().st_size < 20 * 1024 * 1024
    meta = shipped.meta
    assert meta["command"].startswith("spamscore train ")
    # Evaluation-only terms: CC BY-NC phishing-pot, ja-phish-lists (no terms), and Mailchimp's
    # CC BY-SA templates (share-alike) never train the shipped model.
    assert "phishing-pot" not in meta["command"], "CC BY-NC data must not train the shipped model"
    assert "ja-phish-lists" not in meta["command"], "evaluation only"
    assert "legit-templates/mailchimp_*" in meta["exclude"], "CC BY-SA templates are held out"
    assert set(meta["training_messages"]) >= {"spamassassin-2003", "foff-milter-2025"}
    assert not set(meta["training_messages"]) & {"phishing-pot-2020s", "ja-phish-lists"}
    card = (models_dir() / "README.md").read_text("utf-8")
    assert meta["command"] in card, "the model card must show the exact train command"
    assert meta["sklearn_version"] in card
    assert "spamscore eval --per-source" in card, "and the per-source evaluation"
    assert meta["weights_sha256"] in card


def _engine_probability(name: str) -> float:
    """p(spam) as the engine computes it: the model reads the words and the offline findings."""
    report = Engine(Settings(offline=True)).analyze((MESSAGES / name).read_bytes())
    return report.classifier["probability"]


def test_shipped_model_puts_japanese_get_rich_spam_above_a_shop_newsletter(shipped):
    spam = _engine_probability("classifier_ja_get_rich_spam.eml")
    newsletter = _engine_probability("classifier_ja_shop_newsletter.eml")
    assert spam > 0.5 > newsletter
    assert spam - newsletter > 0.3
    # The words alone already rank them the same way.
    words_spam = shipped.predict_proba(_message("classifier_ja_get_rich_spam.eml"))
    words_newsletter = shipped.predict_proba(_message("classifier_ja_shop_newsletter.eml"))
    assert words_spam > words_newsletter


def test_shipped_model_reads_rule_findings_as_non_negative_evidence(shipped):
    """Stacking: the rule vocabulary skips transport/draft-state findings, every rule weight is
    zero or positive (a finding never makes a message look more legitimate), and a finding
    moves p(spam) by exactly its weight times rule_value."""
    from scorer.ml.features import RULE_FEATURE_SKIP

    assert shipped.rule_features and not set(shipped.rule_features) & RULE_FEATURE_SKIP
    assert not any(r.startswith(("ML_", "LIMIT_")) for r in shipped.rule_features)
    assert (shipped.rule_coef >= 0).all() and (shipped.rule_coef > 0).sum() >= 10
    msg = _message("classifier_text_cold_sales_pitch.eml")
    vector = shipped.vectorize(extract(msg))
    strongest = shipped.rule_features[int(np.argmax(shipped.rule_coef))]
    without = shipped.logit(vector)
    with_rule = shipped.logit(vector, shipped.rule_units([strongest, "LIST_UNSUB_MISSING"]))
    assert with_rule - without == pytest.approx(
        shipped.rule_value * float(shipped.rule_coef.max()), abs=1e-6
    )
    prediction = shipped.analyze(msg, [strongest])
    rule_feature = next(f for f in prediction.top_features if f["source"] == "rule")
    assert rule_feature["feature"] == strongest and rule_feature["weight"] > 0


def test_explanation_is_exact_and_names_words(shipped):
    msg = _message("classifier_text_get_rich_quick.eml")
    units = extract(msg)
    vector = shipped.vectorize(units)
    shares = shipped.shares(vector)
    assert shares.sum() == pytest.approx(shipped.logit(vector) - shipped.intercept, abs=1e-6)
    prediction = shipped.analyze(msg)
    assert prediction.probability > 0.99
    features = prediction.top_features
    assert len(features) == 10
    assert all(":" not in f["feature"] or f["source"] == "link" for f in features)
    assert [abs(f["weight"]) for f in features] == sorted(
        (abs(f["weight"]) for f in features), reverse=True
    )
    spammy = {f["feature"].lower() for f in features if f["weight"] > 0}
    assert spammy & {"guaranteed", "click", "free", "removed"}


def test_empty_message_predicts_from_the_intercept(shipped):
    prediction = shipped.analyze(parse(b""))
    assert 0.0 < prediction.probability < 1.0


# --- model files ---------------------------------------------------------------------------


@pytest.fixture
def model_copy(tmp_path):
    target = tmp_path / "model"
    target.mkdir()
    for name in (META_FILE, WEIGHTS_FILE):
        shutil.copy(models_dir() / name, target / name)
    return target


def _edit_meta(directory, **changes):
    path = directory / META_FILE
    meta = json.loads(path.read_text("utf-8"))
    meta.update(changes)
    path.write_text(json.dumps(meta), "utf-8")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sklearn_version": "0.24.2"}, "scikit-learn '0.24.2'"),
        ({"feature_version": 0}, "feature version 0"),
        ({"format": "pickle"}, "not a spamscore classifier"),
        ({"format_version": 99}, "file format 99"),
        ({"weights_sha256": "0" * 64}, "different trainings"),
        ({"n_features": 12}, "shape (12,)"),
        ({"rule_features": ["BODY_SPAM_PHRASES"]}, "1 float32 rule weights"),
        ({"rule_features": "BODY_SPAM_PHRASES"}, "rule_features must be a list"),
        ({"rule_value": 0}, "rule_value must be a number"),
    ],
)
def test_a_model_from_another_version_fails_clearly(model_copy, changes, message):
    _edit_meta(model_copy, **changes)
    if "n_features" in changes:
        # keep the checksum right so the shape check is what fails
        pass
    with pytest.raises(ModelError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Model.load(model_copy)


def test_corrupt_or_missing_files_fail_clearly(model_copy):
    (model_copy / META_FILE).write_text("{not json", "utf-8")
    with pytest.raises(ModelError, match="not readable model metadata"):
        Model.load(model_copy)
    (model_copy / META_FILE).unlink()
    with pytest.raises(ModelError, match="no classifier model"):
        Model.load(model_copy)


def test_weights_cannot_carry_pickles(model_copy):
    np.savez(model_copy / WEIGHTS_FILE, coef=np.array([object()], dtype=object))
    import hashlib

    digest = hashlib.sha256((model_copy / WEIGHTS_FILE).read_bytes()).hexdigest()
    _edit_meta(model_copy, weights_sha256=digest)
    with pytest.raises(ModelError, match="not a readable weights file"):
        Model.load(model_copy)


def test_load_default_absent_switched_off_or_wrong(tmp_path, model_copy):
    assert load_default(Settings(use_classifier=False)) is None
    assert load_default(Settings()) is not None
    with pytest.raises(ModelError, match="holds no model"):
        load_default(Settings(model_path=str(tmp_path / "nowhere")))
    _edit_meta(model_copy, feature_version=-1)
    engine = Engine(Settings(offline=True, model_path=str(model_copy)))
    with pytest.raises(ModelError, match="feature version"):
        engine.analyze(b"Subject: hi\n\nhello\n")


def test_slot_hash_is_scikit_learns_murmurhash():
    """The shipped weights were indexed by scikit-learn's murmurhash3_32 at training time."""
    from sklearn.utils import murmurhash3_32

    keys = ["w:free", "g: fr", "sw:今すぐ", "c:登録", "d:example.org", "", "x:links_6_20", "é" * 40]
    keys += [f"g:{chr(c)}{chr(c + 1)}x" for c in range(32, 0x3100, 97)]
    for key in keys:
        for n_features in (2**20, 2**18, 1000):
            expected = murmurhash3_32(key, seed=0, positive=True) % n_features
            assert slot(key, n_features) == expected, key
