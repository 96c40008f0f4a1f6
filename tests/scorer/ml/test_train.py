"""`spamscore train` end to end on a tiny corpus made here: reproducible, and it separates
Japanese spam from ham through the tokenizer's segments and character pairs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scorer.cli import main
from scorer.compose import compose_message
from scorer.message import parse
from scorer.ml.classifier import Model

JA_SPAM = [
    "今すぐ登録で毎月100万円が手に入ります。誰でも簡単に稼げます",
    "絶対に儲かる投資の秘密を無料で公開。先着10名様限定",
    "当選おめでとうございます。賞金の受け取りには手数料が必要です",
    "審査なしで即日融資。今すぐお申し込みください",
    "スマホだけで簡単に副業収入。毎日自動で振り込まれます",
    "限定公開の儲け話。今だけ無料で登録できます",
]
JA_HAM = [
    "いつもご利用いただきありがとうございます。今月の新商品のお知らせです",
    "ご注文の商品を本日発送いたしました。到着まで今しばらくお待ちください",
    "来週の会議の資料を共有します。ご確認をお願いいたします",
    "図書館の貸出期限が近づいています。返却をお願いいたします",
    "店内で器の展示会を開催します。お近くにお越しの際はお立ち寄りください",
    "ご予約の日時を確認いたしました。当日のお越しをお待ちしております",
]
EN_SPAM = ["Win a free prize now, click here", "Cheap pills, order now, limited offer"]
EN_HAM = ["Notes from the planning meeting on Tuesday", "The library book is due next week"]


def _write(folder: Path, texts: list[str]) -> None:
    folder.mkdir(parents=True)
    for index, text in enumerate(texts):
        raw = compose_message(subject=text[:12], text=text + "\n")
        (folder / f"{index:02d}.eml").write_bytes(raw)


@pytest.fixture
def tiny_corpus(tmp_path):
    _write(tmp_path / "ham", JA_HAM + EN_HAM)
    _write(tmp_path / "spam", JA_SPAM + EN_SPAM)
    return tmp_path


def _train(corpus_dir: Path, out: Path, *extra: str) -> int:
    return main(
        [
            "train",
            "--ham", str(corpus_dir / "ham"),
            "--spam", str(corpus_dir / "spam"),
            "--n-features", "65536",
            "--c", "10",
            "--out", str(out),
            *extra,
        ]
    )  # fmt: skip


def test_train_writes_a_loadable_model_that_separates_japanese(tiny_corpus, tmp_path):
    assert _train(tiny_corpus, tmp_path / "model") == 0
    model = Model.load(tmp_path / "model")
    assert model.n_features == 65536
    assert model.meta["training_messages"] == {
        "ham": {"ham": 8, "spam": 0},
        "spam": {"ham": 0, "spam": 8},
    }

    def p(text: str) -> float:
        return model.predict_proba(parse(compose_message(subject="お知らせ", text=text)))

    # Unseen sentences: shared segments and character pairs carry the signal.
    spam = p("今すぐ無料登録するだけで毎月100万円を稼げる儲け話です")
    ham = p("ご注文ありがとうございます。商品の発送をお知らせいたします")
    assert spam > 0.5 > ham
    explained = model.analyze(parse(compose_message(text="無料登録で稼げる")))
    assert {f["feature"] for f in explained.top_features} & {"無料登録", "稼", "げる"}


def test_same_data_and_seed_reproduce_the_model_and_metrics(tiny_corpus, tmp_path):
    for name in ("a", "b"):
        assert _train(tiny_corpus, tmp_path / name, "--cv", "2", "--seed", "7") == 0
    a = json.loads((tmp_path / "a" / "classifier.json").read_text("utf-8"))
    b = json.loads((tmp_path / "b" / "classifier.json").read_text("utf-8"))
    assert a["weights_sha256"] == b["weights_sha256"]
    assert a["cross_validation"] == b["cross_validation"]
    assert a["cross_validation"]["folds"] == 2
    assert "--seed 7" in a["command"] and "--cv 2" in a["command"]


def test_train_refuses_bad_input(tiny_corpus, tmp_path, capsys):
    assert main(["train", "--ham", str(tiny_corpus / "ham")]) == 2
    assert main(["train", "--ham", str(tmp_path / "none"), "--spam", str(tiny_corpus)]) == 2
    assert _train(tiny_corpus, tmp_path / "m", "--weight", "nonsense") == 2
    assert "error" in capsys.readouterr().err


def test_rule_weights_are_never_negative():
    """A rule column that fires mostly on ham gets weight 0, not a reward; the text columns are
    unconstrained."""
    import numpy as np
    import scipy.sparse as sp

    from scorer.ml.train import fit

    rng = np.random.default_rng(0)
    labels = np.array([0, 1] * 40)
    text = rng.random((80, 6)) * 0.1
    text[:, 0] += labels  # a spammy word
    text[:, 1] += 1 - labels  # a hammy word
    ham_rule = (labels == 0) & (rng.random(80) < 0.6)  # a finding commoner in ham
    spam_rule = (labels == 1) & (rng.random(80) < 0.6)
    matrix = sp.csr_matrix(np.column_stack([text, ham_rule, spam_rule]).astype(float))
    free, _ = fit(matrix, labels, c=10)
    assert free[6] < 0, "unconstrained, the ham-leaning finding would be rewarded"
    coef, _ = fit(matrix, labels, c=10, n_rules=2)
    assert coef[6] == 0 and coef[7] > 0
    assert coef[1] < 0, "text weights keep their sign"


def test_eval_cv_without_paths_cross_validates_the_models_own_recipe(tiny_corpus, tmp_path, capsys):
    model_dir = tmp_path / "model"
    assert _train(tiny_corpus, model_dir, "--cv", "2", "--weight", "*ham*=2") == 0
    trained = json.loads((model_dir / "classifier.json").read_text("utf-8"))
    capsys.readouterr()
    assert main(["eval", "--cv", "2", "--model", str(model_dir), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["recipe"]["ham"] == [str(tiny_corpus / "ham")]
    assert result["recipe"]["weights"] == ["*ham*=2"] and result["recipe"]["c"] == 10
    assert result["recipe"]["n_features"] == 65536
    # The same recipe, data and seed: the same cross-validation as at training time.
    assert result["classifier"] == trained["cross_validation"]["classifier"]
    assert result["pipeline"] == trained["cross_validation"]["pipeline"]


def _separable(n: int = 120, seed: int = 0):
    """Noisy text columns, one spammy and one hammy word, and a rule column that fires on spam."""
    import numpy as np
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    labels = np.array([0, 1] * (n // 2))
    text = (rng.random((n, 8)) < 0.3).astype(float)
    text[:, 0] = (rng.random(n) < 0.2 + 0.6 * labels).astype(float)  # spammy word
    text[:, 1] = (rng.random(n) < 0.8 - 0.6 * labels).astype(float)  # hammy word
    rule = ((labels == 1) & (rng.random(n) < 0.5)).astype(float)
    matrix = sp.csr_matrix(np.column_stack([text, rule]))
    groups = np.asarray([f"g{i}" for i in range(n)])
    return matrix, labels, groups


def test_naive_bayes_ratios_add_to_the_text_weights_only():
    import numpy as np

    from scorer.ml.train import Recipe, fit, fit_recipe, nb_log_ratios

    matrix, labels, _ = _separable()
    ratios = nb_log_ratios(matrix, labels, n_rules=1)
    assert len(ratios) == 8 and ratios[0] > 0 > ratios[1]
    plain, intercept = fit(matrix, labels, c=4, n_rules=1)
    mixed, same_intercept = fit_recipe(matrix, labels, Recipe(c=4, nb_weight=0.5), n_rules=1)
    assert same_intercept == pytest.approx(intercept)
    assert np.allclose(mixed[:8], plain[:8] + 0.5 * ratios, atol=1e-5)
    assert mixed[8] == pytest.approx(plain[8]), "rule columns are not Naive Bayes features"


def test_calibration_rescales_log_odds_on_inner_folds_and_keeps_rule_signs():
    import numpy as np

    from scorer.ml.train import Recipe, fit_recipe

    matrix, labels, groups = _separable()
    recipe = Recipe(c=4, nb_weight=1.0)
    raw, raw_b = fit_recipe(matrix, labels, recipe, groups=groups, n_rules=1)
    cal, cal_b = fit_recipe(
        matrix, labels, Recipe(c=4, nb_weight=1.0, calibrate=3), groups=groups, n_rules=1
    )
    nonzero = raw != 0
    scale = cal[nonzero] / raw[nonzero]
    assert np.allclose(scale, scale[0], rtol=1e-4) and scale[0] > 0, "one positive rescaling"
    assert scale[0] != pytest.approx(1.0) and cal[8] >= 0
    # The same recipe, data and seed: the same weights.
    again, again_b = fit_recipe(
        matrix, labels, Recipe(c=4, nb_weight=1.0, calibrate=3), groups=groups, n_rules=1
    )
    assert np.array_equal(cal, again) and cal_b == again_b
    # Too few groups for the inner folds: calibration is skipped, not an error.
    few, few_b = fit_recipe(
        matrix, labels, Recipe(c=4, nb_weight=1.0, calibrate=3), groups=labels, n_rules=1
    )
    assert np.array_equal(few, raw) and few_b == raw_b


def test_recipe_options_are_recorded_and_cross_validated(tiny_corpus, tmp_path, capsys):
    model_dir = tmp_path / "model"
    assert _train(tiny_corpus, model_dir, "--nb-weight", "0.2", "--calibrate", "2") == 0
    meta = json.loads((model_dir / "classifier.json").read_text("utf-8"))
    assert meta["nb_weight"] == 0.2 and meta["calibrate"] == 2
    assert "--nb-weight 0.2 --calibrate 2" in meta["command"]
    capsys.readouterr()
    assert main(["eval", "--cv", "2", "--model", str(model_dir), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["recipe"]["nb_weight"] == 0.2 and result["recipe"]["calibrate"] == 2
    assert result["nb_weight"] == 0.2 and result["calibrate"] == 2
