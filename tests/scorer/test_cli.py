"""`spamscore check`: exit codes, output forms, and errors of use on one line."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys

import pytest

from scorer.cli import EXIT_OK, EXIT_SPAM, EXIT_USAGE, main
from scorer.compose import compose_message
from tests.conftest import DATA


@pytest.fixture
def eml(tmp_path, monkeypatch):
    # These tests are about the command line, so the score must not depend on the model: with
    # the classifier on, this clean note earns a negative ML_HAM_ band (tested elsewhere).
    monkeypatch.setenv("SPAMSCORE_CLASSIFIER", "0")
    path = tmp_path / "draft.eml"
    path.write_bytes(
        compose_message(
            subject="Hello",
            text=(
                "Hi Sam,\n\nThanks for coming to the workshop on Tuesday. The slides and the "
                "recording are on the course page, and the next session is on the 14th.\n\n"
                "Best regards,\nThe Example team\n\nUnsubscribe: https://example.com/u/1\n"
            ),
            headers={
                "List-Unsubscribe": "<https://example.com/u/1>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
    )
    return path


def test_clean_message_exits_0_with_a_readable_report(eml, capsys):
    assert main(["check", "--offline", str(eml)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Score 0.0 / threshold 5.0" in out
    assert "Subject: Hello" in out


def test_at_or_over_the_threshold_exits_1(eml, capsys):
    assert main(["check", "--offline", "--threshold", "0", str(eml)]) == EXIT_SPAM
    assert "[SPAM]" in capsys.readouterr().out


def test_json_is_the_v1_report(eml, capsys):
    assert main(["check", "--offline", "--json", str(eml)]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1 and data["threshold"] == 5.0 and data["is_spam"] is False


def test_japanese_texts(eml, capsys):
    main(["check", "--offline", "--lang", "ja", str(eml)])
    assert "スコア 0.0 / しきい値 5.0" in capsys.readouterr().out


def test_stdin(eml, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(eml.read_bytes())))
    assert main(["check", "--offline", "--json", "-"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["message"]["subject"] == "Hello"


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "/nonexistent/draft.eml"],
        ["check", "--no-such-flag", "x.eml"],
        ["check", "--lang", "fr", "x.eml"],
        ["check", "--threshold", "high", "x.eml"],
        [],
        ["frobnicate"],
    ],
)
def test_errors_of_use_exit_2_with_one_line(argv, capsys):
    assert main(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("spamscore: error: ")
    assert err.count("\n") == 1


def test_oversized_message_is_refused_as_an_error_of_use(tmp_path, capsys, monkeypatch):
    path = tmp_path / "big.eml"
    path.write_bytes(compose_message(subject="big", text="x" * 5000))
    monkeypatch.setenv("SPAMSCORE_MAX_MESSAGE_BYTES", "1000")
    assert main(["check", "--offline", str(path)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "over the limit of 1000 bytes" in err and err.count("\n") == 1


def test_unparseable_message_is_not_an_error_of_use(tmp_path, capsys):
    path = tmp_path / "junk.eml"
    path.write_bytes(b"\x00\xff\xfe--\r\n\r\n\x1b$B" + bytes(range(256)) * 4)
    assert main(["check", "--offline", "--json", str(path)]) in (EXIT_OK, EXIT_SPAM)
    assert json.loads(capsys.readouterr().out)["version"] == 1


def test_console_script_runs(eml):
    result = subprocess.run(
        [sys.executable, "-m", "scorer.cli", "check", "--offline", str(eml)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == EXIT_OK, result.stderr
    assert "threshold 5.0" in result.stdout


KINDS = DATA / "kinds"


def test_a_receipt_is_not_told_to_add_list_unsubscribe(capsys):
    """The issue's symptom end to end: a receipt and a personal note, checked as they are."""
    for path, label in (
        (KINDS / "transactional" / "en_subscription_receipt.eml", "Transactional"),
        (KINDS / "personal" / "en_lunch_invite.eml", "Personal"),
    ):
        main(["check", "--offline", str(path)])
        out = capsys.readouterr().out
        assert f"Kind: {label} (decided from the message" in out
        findings = out.split("Findings, by impact:")[-1].split("Not applicable")[0]
        assert "LIST_UNSUB" not in findings and "List-Unsubscribe" not in findings
        # the provider matrix: the one-click row is collapsed as not applicable, never failing
        requirements = out.split("Mailbox provider requirements")[-1]
        assert "gmail.one_click_unsubscribe" not in requirements
        not_applicable = [line for line in requirements.splitlines() if "Not applicable:" in line]
        assert not_applicable and "One-click unsubscribe" in not_applicable[0]
        assert "Not required for" in not_applicable[0]
        assert "Not applicable to this kind of message" in out


def test_kind_flag_states_the_kind(capsys):
    path = KINDS / "personal" / "en_lunch_invite.eml"
    main(["check", "--offline", "--json", "--kind", "marketing", str(path)])
    data = json.loads(capsys.readouterr().out)
    assert data["kind"]["value"] == "marketing" and data["kind"]["source"] == "caller"
    assert data["kind"]["detected"] == "personal" and data["kind"]["note"]
    assert "LIST_UNSUB_MISSING" in {f["id"] for f in data["findings"]}
    main(["check", "--offline", "--json", str(path)])
    data = json.loads(capsys.readouterr().out)
    assert data["kind"]["value"] == "personal" and data["kind"]["source"] == "auto"
    assert "LIST_UNSUB_MISSING" in {f["id"] for f in data["not_applicable"]}


def test_kind_flag_in_japanese(capsys):
    main(
        [
            "check",
            "--offline",
            "--lang",
            "ja",
            str(KINDS / "transactional" / "ja_shipping_notice.eml"),
        ]
    )
    out = capsys.readouterr().out
    assert "メールの種類: 取引メール (メールの内容から判定" in out
    assert re.search(r"対象外: .*ワンクリック登録解除.*（取引メール", out)


def test_an_unknown_kind_is_an_error_of_use(eml, capsys):
    assert main(["check", "--offline", "--kind", "receipt", str(eml)]) == EXIT_USAGE
    assert "--kind" in capsys.readouterr().err


HEAVY = ("flask", "werkzeug", "jinja2", "sqlalchemy", "alembic", "flask_limiter", "gunicorn")
HEAVY += ("prometheus_client", "sklearn", "scipy", "web")


def _imported_after(args: list[str], tmp_path) -> tuple[list[str], str]:
    """Run `spamscore ARGS` in a fresh interpreter: the heavy packages it imported, its output."""
    code = (
        "import contextlib, io, sys\n"
        "from scorer.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    try:\n"
        f"        main({args!r})\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"loaded = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
        "print(loaded)\n"
        "print(out.getvalue())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    first, _, rest = done.stdout.partition("\n")
    return eval(first), rest  # a list literal printed by the child


def test_check_imports_no_web_store_or_training_package(tmp_path):
    """`spamscore check` builds only its own parser: no plugin is loaded, so neither Flask nor
    SQLAlchemy nor scikit-learn is imported (each other command loads only its own plugin)."""
    message = tmp_path / "m.eml"
    message.write_bytes(b"Subject: hi\n\nWin money now, click here\n")
    loaded, out = _imported_after(["check", "--offline", str(message)], tmp_path)
    assert "p(spam)" in out, out  # the whole analysis ran, classifier included
    assert loaded == []
    loaded, out = _imported_after(["db", "--help"], tmp_path)
    assert "upgrade" in out and "sklearn" not in loaded  # the db plugin only, not training
    loaded, out = _imported_after(["--help"], tmp_path)
    for command in ("check", "serve", "train", "eval", "inbox", "send-test", "spamd", "db"):
        assert command in out, command


def test_an_unknown_command_lists_every_command(capsys):
    assert main(["chekc", "x.eml"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "invalid choice: 'chekc'" in err and "send-test" in err and "serve" in err
