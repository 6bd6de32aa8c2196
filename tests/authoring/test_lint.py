"""netrules lint: every check on a fixture (golden), selection, ignore comments, the pack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import netrules
from netrules.lint import CHECKS, lint, select

FIXTURE = str(Path(__file__).resolve().parent / "fixtures" / "lint_me.rules")
REL = "tests/authoring/fixtures/lint_me.rules"


@pytest.fixture
def rel_fixture(monkeypatch) -> str:
    """The fixture's path relative to the repository root (stable in golden output)."""
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    return REL


def test_every_check_on_the_fixture_matches_the_golden_file(run, golden, rel_fixture) -> None:
    """The fixture shows each check once (two silenced); output and exit code 1 are stable."""
    result = run("lint", "--no-default-rules", rel_fixture)
    assert result.code == 1
    golden("lint_me.txt", result.out)
    codes = {
        line.split("[")[1].split("]")[0] for line in result.out.splitlines() if "warning[" in line
    }
    assert codes == set(CHECKS)
    assert "14 problems in 1 file" in result.err


def test_ignore_comments_silence_one_code(rel_fixture) -> None:
    """``# netrules: ignore[...]`` on the line or the comment line above silences that code only."""
    ruleset = netrules.load_rules(rel_fixture, include_default=False)
    found = lint(ruleset)
    assert not any("'quiet'" in d.message for d in found)
    assert not any(d.code == "NL102" and '"silenced"' in d.message for d in found)
    assert any(d.code == "NL102" and '"no-why"' in d.message for d in found)


def test_select_and_ignore_take_codes_prefixes_and_names(run, rel_fixture) -> None:
    """--select NL1 keeps the rule checks; --ignore by name drops one of them."""
    result = run("lint", "--no-default-rules", "--select", "NL1", rel_fixture)
    codes = {line.split("[")[1][:5] for line in result.out.splitlines() if "warning[" in line}
    assert codes == {"NL101", "NL102", "NL103", "NL104"}
    result = run(
        "lint", "--no-default-rules", "--select", "NL1", "--ignore", "rule-without-why", rel_fixture
    )
    assert "NL101" not in result.out and "NL102" in result.out


def test_unknown_selector_is_a_usage_error(run, rel_fixture) -> None:
    """A typo in --select exits 2 with a message naming it."""
    result = run("lint", "--select", "NL9", rel_fixture)
    assert result.code == 2
    assert "'NL9'" in result.err


def test_json_output(run, rel_fixture) -> None:
    """--format json gives the checker's diagnostic dictionaries."""
    result = run("lint", "--no-default-rules", "--format", "json", rel_fixture)
    data = json.loads(result.out)
    assert {d["code"] for d in data["diagnostics"]} == set(CHECKS)
    assert all(d["severity"] == "warning" and d["hint"] for d in data["diagnostics"])


def test_list_names_every_check(run) -> None:
    """--list shows code, name, why and fix of every check."""
    result = run("lint", "--list")
    assert result.code == 0
    for check in CHECKS.values():
        assert check.code in result.out and check.name in result.out and check.fix in result.out


def test_clean_file_exits_0(run, tmp_path: Path) -> None:
    """A rule with why, source, both kinds of examples and a value in its message is clean."""
    path = tmp_path / "clean.rules"
    path.write_text(
        'param floor = 10 "Below ten a profile looks abandoned."\n\n'
        'rule "tiny" {\n  title "Tiny"\n  severity warning\n  source "Notes"\n'
        '  why "Too small to be found."\n  when member.connection_count < floor\n'
        '  message "Only {member.connection_count}"\n'
        "  example fires { member: { connection_count: 1 } }\n"
        "  example passes { member: { connection_count: 100 } }\n}\n",
        encoding="utf-8",
    )
    result = run("lint", str(path))
    assert (result.code, result.out) == (0, "")


def test_rule_errors_exit_2(run, tmp_path: Path) -> None:
    """A file with errors is reported like ``check`` does, without a traceback."""
    path = tmp_path / "bad.rules"
    path.write_text('rule "x" {\n', encoding="utf-8")
    result = run("lint", str(path))
    assert result.code == 2
    assert "NR101" in result.err and "Traceback" not in result.err


def test_the_bundled_pack_lints_without_errors(run) -> None:
    """Linting the pack itself (not loaded twice) reports warnings only."""
    from netrules.ruleset import bundled_rules_dir

    result = run("lint", str(bundled_rules_dir()))
    assert result.code in (0, 1)
    assert "error" not in result.err.replace("0 errors", "")


def test_select_helper_filters() -> None:
    """select() keeps by prefix and drops by name."""
    ruleset = netrules.load_rules(FIXTURE, include_default=False)
    found = lint(ruleset)
    assert {d.code for d in select(found, ["NL2"])} == {"NL201", "NL202", "NL203", "NL204"}
    assert "NL203" not in {d.code for d in select(found, [], ["unused-table"])}
