"""`spamscore train` end to end on a tiny corpus made here: reproducible, and it separates
Japanese spam from ham through the tokenizer's segments and character pairs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scorer.classifier import Model
from scorer.cli import main
from scorer.compose import compose_message
from scorer.message import parse

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

    from scorer.train import fit

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
