"""`spamscore eval`: metrics, and the cross-validation shortcut equals the real pipeline sum."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from scorer.cli import main
from scorer.ml import corpus
from scorer.ml.classifier import Model
from scorer.ml.evaluate import bucket_scores, confusion, corroboration, rules_scores
from scorer.ml.evidence import collect
from scorer.ml.train import rule_evidence
from scorer.paths import models_dir
from scorer.pipeline import Engine
from scorer.rules import load_rules
from scorer.settings import Settings

MESSAGES = Path(__file__).resolve().parents[2] / "data" / "messages"
CLASSIFIER_FIXTURES = sorted(MESSAGES.glob("classifier_*.eml"))


def test_confusion_matrix_and_rates():
    row = confusion([1, 1, 1, 1, 0, 0, 0, 0, 0, 0], [1, 1, 1, 0, 1, 0, 0, 0, 0, 0])
    assert (row["tp"], row["fp"], row["tn"], row["fn"]) == (3, 1, 5, 1)
    assert row["precision"] == 0.75 and row["recall"] == 0.75 and row["f1"] == 0.75
    assert row["fpr"] == pytest.approx(1 / 6, abs=1e-5)
    spam_only = confusion([1, 1], [1, 0])
    assert spam_only["fpr"] is None and spam_only["recall"] == 0.5


def test_rules_once_plus_bucket_equals_the_whole_pipeline():
    """The CV shortcut (rules with the classifier off, plus the bucket score) is the engine's
    own total, so CV pipeline figures are what `spamscore check` would say."""
    samples = [corpus.Sample("t", p.name, 1, p.read_bytes()) for p in CLASSIFIER_FIXTURES]
    settings = Settings(offline=True)
    base, rate = rules_scores(samples, settings)
    assert rate > 0
    # Training reads the finding ids from the same classifier-off run (scorer.ml.train).
    same_base, ids, _ = rule_evidence(samples, settings)
    assert (same_base == base).all()
    model = Model.load(models_dir())
    probabilities = np.asarray(
        [model.predict_proba(s.message, found) for s, found in zip(samples, ids, strict=True)]
    )
    # The evidence cache gives the words read and the other categories' totals, so the
    # shortcut applies the short-text gate and the corroboration cap as the engine does.
    evidence = collect(samples, model.n_features, settings=settings, use_cache=False)
    assert [e.rules_score for e in evidence] == pytest.approx(base.tolist())
    assert [e.rule_ids for e in evidence] == ids, "the cache reads what training reads"
    shortcut = base + bucket_scores(
        probabilities, load_rules(), [e.words for e in evidence], corroboration(evidence), base
    )
    engine = Engine(settings)
    full = [engine.analyze(s.raw).score for s in samples]
    assert shortcut == pytest.approx(full, abs=0.011)
    assert len(set(np.round(shortcut, 2))) >= 4, "the fixtures cover several buckets"


def test_the_shortcut_holds_where_the_gate_and_the_cap_bite():
    """Short texts and uncorroborated spam-like texts: the cases where the classifier's
    category is not simply its band score."""
    from scorer.compose import compose_message

    raws = [
        compose_message(from_="Ann <ann@harbourline.com>", subject="Hi", text="Hi\n"),
        compose_message(
            from_="Deals <deals@shop-harbour.com>",
            subject="Act now: cash bonus",
            text="Act now to claim your cash bonus. Limited time offer, guaranteed winner, "
            "risk free income, no obligation, order today and double your money.\n",
        ),
        # Sender-software findings only (no Message-ID, no Date, HTML only): they do not
        # corroborate (Rule.corroborates), in the engine and in the shortcut alike.
        compose_message(
            from_="Deals <deals@shop-harbour.com>",
            subject="Act now: cash bonus",
            html="<p>Act now to claim your cash bonus. Limited time offer, guaranteed winner, "
            "risk free income, no obligation, order today and double your money.</p>",
            message_id=None,
            date=None,
        ),
        *[p.read_bytes() for p in CLASSIFIER_FIXTURES],
    ]
    samples = [corpus.Sample("t", str(i), 1, raw) for i, raw in enumerate(raws)]
    settings = Settings(offline=True)
    model = Model.load(models_dir())
    evidence = collect(samples, model.n_features, settings=settings, use_cache=False)
    probabilities = np.asarray(
        [model.predict_proba(s.message, e.rule_ids) for s, e in zip(samples, evidence, strict=True)]
    )
    base = np.asarray([e.rules_score for e in evidence])
    shortcut = base + bucket_scores(
        probabilities, load_rules(), [e.words for e in evidence], corroboration(evidence), base
    )
    engine = Engine(settings)
    assert shortcut == pytest.approx([engine.analyze(r).score for r in raws], abs=0.011)


def test_eval_command_reports_classifier_pipeline_and_speed(tmp_path, capsys):
    ham = tmp_path / "ham"
    spam = tmp_path / "spam"
    for folder, names in ((ham, ("team_meeting_notes", "ja_shop_newsletter")),
                          (spam, ("get_rich_quick", "ja_get_rich_spam"))):  # fmt: skip
        folder.mkdir()
        for name in names:
            source = MESSAGES / f"classifier_{'text_' if 'ja' not in name else ''}{name}.eml"
            (folder / source.name).write_bytes(source.read_bytes())
    scores = tmp_path / "scores.tsv"
    code = main(
        ["eval", "--ham", str(ham), "--spam", str(spam), "--json", "--scores-out", str(scores)]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["classifier"]["tp"] == 2 and result["classifier"]["tn"] == 2
    assert result["pipeline"]["threshold"] == 5.0
    assert set(result["pipeline"]) >= {"precision", "recall", "f1", "fpr", "tp", "fp", "tn", "fn"}
    assert result["speed"]["classifier_ms_median"] > 0
    assert result["speed"]["pipeline_messages_per_second"] > 0
    lines = scores.read_text("utf-8").splitlines()
    assert lines[0].split("\t") == [
        "source", "name", "label", "probability", "score", "rules_score"
    ]  # fmt: skip
    assert len(lines) == 5


def test_eval_needs_data(capsys):
    assert main(["eval"]) == 2
    assert main(["eval", "--ham", "x", "--cv", "5"]) == 2


def test_model_recipe_reads_the_shipped_training_command():
    from scorer.ml.evaluate import model_recipe

    meta = json.loads((models_dir() / "classifier.json").read_text())
    recipe = model_recipe(None, Settings(offline=True))
    sources = meta["sources"]
    assert recipe["ham"] == [s["path"] for s in sources if s["label"] == "ham"]
    assert recipe["spam"] == [s["path"] for s in sources if s["label"] == "spam"]
    assert recipe["c"] == meta["C"] and recipe["seed"] == meta["seed"]
    assert recipe["nb_weight"] == meta["nb_weight"] and recipe["calibrate"] == meta["calibrate"]
    assert recipe["weights"] == meta["weights"] and recipe["n_features"] == meta["n_features"]
