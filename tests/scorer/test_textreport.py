"""The text report's columns line up by display width (wcwidth): Japanese takes two columns."""

from __future__ import annotations

from pathlib import Path

from wcwidth import wcswidth

from scorer.cli import main
from scorer.textreport import pad, width

PROMO = Path(__file__).resolve().parents[2] / "web" / "samples" / "promo.eml"


def test_width_counts_wide_characters_twice():
    assert width("送信ドメイン認証") == 16 and width("Links") == 5
    assert width(pad("ドコモ", 10)) == 10 and pad("toolongforit", 4) == "toolongforit"


def _column(line: str, text: str) -> int:
    """The display column at which `text` starts in `line`."""
    return wcswidth(line[: line.index(text)])


def test_japanese_columns_line_up(capsys):
    main(["check", "--offline", "--lang", "ja", str(PROMO)])
    out = capsys.readouterr().out
    categories = out.split("カテゴリ別スコア:\n")[1].split("\n\n")[0].splitlines()
    starts = {_column(line, "+") for line in categories}
    assert len(categories) >= 5 and len(starts) == 1, categories
    matrix = out.split("メールボックス事業者の送信者要件")[1].splitlines()
    header = matrix[1]
    providers = ["Gmail", "Yahoo メール", "Outlook.com", "iCloud メール", "ドコモ", "ソフトバンク"]
    columns = [_column(header, name) for name in providers]
    rows = [line for line in matrix[2:] if "不合格" in line or "注意" in line]
    assert rows
    for row in rows:
        marks = [i for i, _ in enumerate(row) if row.startswith(("不合格", "注意", "–"), i)]
        cells = sorted({wcswidth(row[:i]) for i in marks})
        assert set(cells) <= set(columns), (row, columns, cells)


def test_the_text_report_puts_fixes_first_and_says_what_was_capped(capsys):
    main(["check", "--offline", str(PROMO)])
    out = capsys.readouterr().out
    assert out.index("Fixes, by what they gain:") < out.index("Findings, by impact:")
    assert "changes to reach the inbox" in out.splitlines()[0]
    assert "Links" in out and "(findings add up to 7.00, counted at most 5.0)" in out
    first_fix = out.split("Fixes, by what they gain:\n")[1].splitlines()[0]
    assert first_fix.strip().startswith("1. ") and "→" in first_fix
