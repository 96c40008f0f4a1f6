"""Comparing two drafts: scorer.compare and `spamscore diff` on two template files, on saved
reports, and across rule-set versions (which the comparison must say)."""

from __future__ import annotations

import json
from pathlib import Path

from scorer.cli import EXIT_OK, main
from scorer.compare import compare

DRAFTS = Path(__file__).resolve().parents[1] / "data" / "drafts"
V1, V2 = DRAFTS / "spring_sale_v1.html", DRAFTS / "spring_sale_v2.html"


def test_diff_of_two_drafts_names_what_the_edit_fixed(capsys):
    assert main(["diff", "--offline", str(V1), str(V2)]) == EXIT_OK
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert first.startswith("Score ") and "→" in first and "(−" in first
    gone = out.split("Findings gone:")[1].split("\n\n")[0]
    assert "URI_SHORTENER" in gone and "BODY_SPAM_PHRASES" in gone
    assert "ML_SPAM" in gone


def test_diff_json_equals_comparing_the_two_reports(capsys):
    main(["check", "--offline", "--json", str(V1)])
    before = json.loads(capsys.readouterr().out)
    main(["check", "--offline", "--json", str(V2)])
    after = json.loads(capsys.readouterr().out)
    assert main(["diff", "--offline", "--json", str(V1), str(V2)]) == EXIT_OK
    diff = json.loads(capsys.readouterr().out)
    assert diff["score_before"] == before["score"] and diff["score_after"] == after["score"]
    assert diff["delta"] == round(after["score"] - before["score"], 2)
    old, new = {f["id"] for f in before["findings"]}, {f["id"] for f in after["findings"]}
    assert {f["id"] for f in diff["removed"]} == old - new
    assert {f["id"] for f in diff["added"]} == new - old
    assert diff["versions"]["differs"] == []
    assert "versions_note" not in diff


def test_diff_of_a_saved_report_and_a_draft_in_japanese(tmp_path, capsys):
    main(["check", "--offline", "--json", str(V1)])
    saved = tmp_path / "before.json"
    saved.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["diff", "--offline", "--lang", "ja", str(saved), str(V2)]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("スコア ") and "解消" in out and "解消した検出項目:" in out


def test_a_comparison_across_rule_versions_says_so(capsys):
    main(["check", "--offline", "--json", str(V1)])
    before = json.loads(capsys.readouterr().out)
    after = json.loads(json.dumps(before))
    after["versions"]["rules"] = "sha256:0000000000000000"
    found = compare(before, after, "en")
    assert found["versions"]["differs"] == ["rules"]
    assert "different versions (rules)" in found["versions_note"]
    assert found["delta"] == 0 and not (found["added"] or found["removed"] or found["changed"])
    assert "異なるバージョン" in compare(before, after, "ja")["versions_note"]


def test_a_changed_finding_shows_its_score_and_evidence(capsys):
    main(["check", "--offline", "--json", str(V1)])
    before = json.loads(capsys.readouterr().out)
    after = json.loads(json.dumps(before))
    target = after["findings"][0]
    target["score"] += 1.0
    target["evidence"] = [*target["evidence"][:-1], "something new"]
    after["score"] += 1.0
    found = compare(before, after, "en")
    assert [c["id"] for c in found["changed"]] == [target["id"]]
    change = found["changed"][0]
    assert change["score_after"] - change["score_before"] == 1.0
    assert change["evidence_added"] == ["something new"]
