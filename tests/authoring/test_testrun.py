"""netrules test for CI: -k, JUnit XML, JSON, and branch coverage of the conditions."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

import netrules
from netrules.testrun import coverage

RULES = """
rule "tiny" {
  title "Tiny"
  severity warning
  source "Notes"
  why "Too small."
  when member.connection_count < 10 and known(member.industry)
  message "Only {member.connection_count}"
  example fires "one" { member: { connection_count: 1, industry: "Legal" } }
  example passes "many" { member: { connection_count: 100, industry: "Legal" } }
  example fires "wrong on purpose" { member: { connection_count: 100, industry: "Legal" } }
}

rule "untested" {
  title "No examples"
  severity info
  when member.connection_count > 5000
  message "Big: {member.connection_count}"
}
"""


@pytest.fixture
def rules_file(tmp_path: Path) -> str:
    path = tmp_path / "mine.rules"
    path.write_text(RULES, encoding="utf-8")
    return str(path)


def test_k_selects_examples(run, rules_file) -> None:
    """-k keeps the examples whose name, place or rule ids contain the pattern."""
    result = run("test", "--no-default-rules", "-k", "many", rules_file)
    assert result.code == 0
    assert "1 passed, 0 failed (2 deselected by -k)" in result.out


def test_junit_report(run, rules_file, tmp_path: Path) -> None:
    """--format junit writes one testcase per example and a failure for the wrong one."""
    out = tmp_path / "report.xml"
    result = run("test", "--no-default-rules", "--format", "junit", "-o", str(out), rules_file)
    assert result.code == 1
    suite = ET.fromstring(out.read_text(encoding="utf-8"))
    assert suite.tag == "testsuite"
    assert (suite.get("tests"), suite.get("failures")) == ("3", "1")
    failed = [c for c in suite.iter("testcase") if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["wrong on purpose (line 11)"]
    assert "expected to fire: [tiny]" in failed[0].find("failure").get("message")


def test_json_report_with_coverage(run, rules_file) -> None:
    """--format json lists every example and, with --coverage, every rule's outcomes."""
    result = run("test", "--no-default-rules", "--format", "json", "--coverage", rules_file)
    data = json.loads(result.out)
    assert (data["passed"], data["failed"]) == (2, 1)
    by_rule = {c["rule"]: c for c in data["coverage"]}
    assert by_rule["tiny"]["outcomes"] == ["false", "true"]
    assert by_rule["untested"]["examples"] == 0
    assert by_rule["untested"]["missing"] == ["true"]


def test_coverage_text_names_missing_branches_and_rules_without_examples(run, rules_file):
    """The text report marks each rule ok or names the outcome no example produced."""
    result = run("test", "--no-default-rules", "--coverage", rules_file)
    assert "tiny" in result.out and "untested" in result.out
    assert "missing true (no examples name this rule)" in result.out
    assert "1 of 2 rules fully covered" in result.out
    assert "rules without examples: untested" in result.out


def test_coverage_of_chain_parts(rules_file) -> None:
    """The parts of a top-level and/or chain get their own outcomes."""
    ruleset = netrules.load_rules(rules_file, include_default=False)
    (tiny, _untested) = coverage(ruleset, ruleset.examples())
    texts = [t for t, _ in tiny.parts]
    assert texts == ["member.connection_count < 10", "known(member.industry)"]
    assert dict(tiny.parts)["known(member.industry)"] == frozenset({"true"})


def test_the_bundled_pack_covers_both_branches_of_every_condition() -> None:
    """Every rule of the bundled pack has examples making its condition both true and false."""
    pack = netrules.load_rules()
    missing = {c.rule: c.missing for c in coverage(pack, pack.examples()) if not c.full}
    assert missing == {}


def _stable(text: str, folder: str) -> str:
    """Golden-file form: the temporary folder and the run times replaced."""
    import re

    text = text.replace(folder, "<tmp>")
    return re.sub(r'time="[0-9.]+"', 'time="0.0"', text)


def test_coverage_text_golden(run, golden, rules_file, monkeypatch) -> None:
    """``test --coverage`` with the pack: the example lines and the given file's rules only."""
    monkeypatch.chdir(Path(rules_file).parent)
    result = run("test", "--no-default-rules", "--coverage", "mine.rules")
    assert result.code == 1
    golden("test_coverage.txt", result.out)
    with_pack = run("test", "--coverage", "mine.rules")  # the pack's examples run too...
    covered = with_pack.out.split("Coverage of the conditions")[1]
    assert "below-industry-target" not in covered  # ...but only the file's rules are reported
    assert (
        covered.splitlines()[1:3]
        == result.out.split("Coverage of the conditions")[1].splitlines()[1:3]
    )


def test_junit_golden(run, golden, rules_file, monkeypatch) -> None:
    monkeypatch.chdir(Path(rules_file).parent)
    result = run("test", "--no-default-rules", "--format", "junit", "mine.rules")
    assert result.code == 1
    golden("test_junit.xml", _stable(result.out, str(Path(rules_file).parent)))


def test_explain_lists_subjects_with_a_command_to_copy(run, golden) -> None:
    """Without --subject: subjects by verdict, then a runnable command for the first one."""
    demo = Path(netrules.__file__).parent / "data" / "demo.json"
    if not demo.exists():  # pragma: no cover - the demo ships with the package
        pytest.skip("no bundled demo network")
    result = run("explain", "request-to-stranger", str(demo))
    assert result.code == 0
    last = result.out.splitlines()[-1]
    assert last.startswith("explain one with: netrules explain request-to-stranger ")
    import shlex

    argv = shlex.split(last.removeprefix("explain one with: "))[1:]
    again = run(*argv)
    assert again.code == 0 and ": " in again.out.splitlines()[0]
