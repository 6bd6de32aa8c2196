"""`netrules rules`, `netrules explain` and `netrules test`, run in-process."""

from __future__ import annotations

import json

import pytest

import netrules
from netrules.cli import params_used


@pytest.fixture
def in_fixtures(monkeypatch, fixture_path):
    """Run from tests/cli/fixtures so that paths in the output are short and stable."""
    monkeypatch.chdir(fixture_path("."))


# ---- rules ----
def test_rules_lists_id_severity_category_title(run, own_rules):
    """`rules` prints one aligned row per rule: id, severity, category, title; then a count."""
    res = run("rules", *own_rules())
    assert res.code == 0
    lines = res.out.splitlines()
    assert lines[0].split() == ["RULE", "SEVERITY", "CATEGORY", "TITLE"]
    assert lines[1].split() == ["tiny-network", "error", "targets", "Very", "small", "network"]
    assert lines[2].split()[:3] == ["stale-connection", "warning", "upkeep"]
    assert lines[-1] == "3 rules"


def test_rules_json(run, own_rules):
    """`rules --format json` prints the same rows as JSON objects."""
    res = run("rules", "--format", "json", *own_rules())
    rows = json.loads(res.out)
    assert rows[0] == {
        "id": "tiny-network",
        "severity": "error",
        "category": "targets",
        "title": "Very small network",
    }
    assert [r["id"] for r in rows] == ["tiny-network", "stale-connection", "no-industry"]


def test_rules_markdown_uses_docgen(run, own_rules, fixture_path):
    """`rules --format markdown` prints docgen.rules_markdown of the loaded rules."""
    from netrules.docgen import rules_markdown

    res = run("rules", "--format", "markdown", *own_rules())
    assert res.code == 0
    expected = rules_markdown(
        netrules.load_rules(fixture_path("basic.rules"), include_default=False)
    )
    assert res.out.rstrip("\n") == expected.rstrip("\n")


def test_rules_with_broken_file_exits_2(run, own_rules):
    """`rules` with a broken rule file prints its diagnostics and exits 2."""
    res = run("rules", *own_rules("broken.rules"))
    assert res.code == 2
    assert "broken.rules:6:1" in res.err


# ---- explain ----
def test_explain_matches_golden(run, in_fixtures, golden):
    """`explain` shows why, source, the parameters used with defaults and reasons, advice,
    examples; matches golden/explain_stale.txt."""
    res = run("explain", "stale-connection", "--no-default-rules", "--rules", "basic.rules")
    assert res.code == 0
    golden("explain_stale.txt", res.out)


def test_explain_lists_only_the_parameters_the_rule_uses(run, own_rules):
    """A rule's parameters are found through definitions; unrelated parameters are left out."""
    out = run("explain", "stale-connection", *own_rules()).out
    assert "stale_after = 1 year  (duration)" in out
    assert "A year without contact" in out
    assert "small_network" not in out and "placeholder_industry" not in out
    out = run("explain", "tiny-network", *own_rules()).out
    assert "small_network = 50  (number)" in out
    assert "stale_after" not in out


def test_explain_shows_advice_and_examples(run, own_rules):
    """`explain` lists the rule's advice texts and each example with fires/passes."""
    out = run("explain", "tiny-network", *own_rules()).out
    assert "  - Connect with colleagues and classmates you already know." in out
    assert "  fires  tiny-network fires (line " in out
    assert "  passes tiny-network passes (line " in out
    assert "Why:\n  A network this small rarely surfaces" in out
    assert "Source:\n  How Many Connections Are Good on LinkedIn?" in out


def test_explain_unknown_rule_suggests_and_exits_2(run, own_rules):
    """`explain` of an unknown id prints a did-you-mean hint and exits 2."""
    res = run("explain", "tiny-netwrok", *own_rules())
    assert res.code == 2
    assert res.out == ""
    assert res.err.startswith(
        "netrules: error: unknown rule 'tiny-netwrok'; did you mean 'tiny-network'?"
    )


def test_explain_unknown_rule_without_close_match(run, own_rules):
    """An id close to nothing is still an error, without a suggestion."""
    res = run("explain", "zzzz", *own_rules())
    assert res.code == 2
    assert "did you mean" not in res.err


def test_params_used_respects_locals_and_definitions(load_text):
    """params_used follows definitions and ignores locals that shadow a parameter name."""
    rules = load_text(
        'param x = 3 "d"\nparam y = 2 "d"\nparam w = 1 "d"\nparam z = 4 "d"\n'
        "define f(x) = x + y\n"
        'rule "r" { title "t"\n severity info\n why "w"\n'
        " when f(member.connection_count) > 3 and count(c in connections) > x\n"
        ' message "m {w}" }\n'
        'rule "s" { title "t"\n severity info\n why "w"\n for each x in connections\n'
        ' when x.company == "A" and count(z in connections where z.company == "B") > 1\n'
        ' message "m" }\n'
    )
    assert params_used(rules, rules.rule("r")) == ["y", "x", "w"]
    assert params_used(rules, rules.rule("s")) == []


# ---- test ----
def test_test_command_all_pass(run, fixture_path):
    """`test FILE --no-default-rules` runs the file's examples; all pass -> exit 0."""
    res = run("test", "--no-default-rules", fixture_path("basic.rules"))
    assert res.code == 0
    assert res.out == "3 passed, 0 failed\n"


def test_test_command_verbose_lists_passes(run, fixture_path):
    """`test -v` also prints one line per passing example."""
    res = run("test", "-v", "--no-default-rules", fixture_path("basic.rules"))
    assert res.out.count("\nok   ") + res.out.startswith("ok   ") == 3
    assert "basic.rules:33 one stale" in res.out


def test_test_command_failures(run, in_fixtures):
    """Failing examples print expected vs fired rule ids, a summary, and exit 1."""
    res = run("test", "--no-default-rules", "failing.rules")
    assert res.code == 1
    assert res.out.splitlines() == [
        "FAIL failing.rules:9 should fire but does not: expected to fire: [few-connections]; "
        "fired: []",
        "FAIL failing.rules:10 should pass but fires: expected not to fire: "
        "[few-connections]; fired: [few-connections]",
        "1 passed, 2 failed",
    ]


def test_test_command_broken_file_exits_2(run, fixture_path):
    """`test` on a rule file with a syntax error prints the diagnostic and exits 2."""
    res = run("test", "--no-default-rules", fixture_path("broken.rules"))
    assert res.code == 2
    assert "error[NR101]" in res.err


def test_test_command_without_examples(run, tmp_path):
    """A rule set without examples reports 0 passed, 0 failed and exits 0."""
    path = tmp_path / "none.rules"
    path.write_text('param p = 1 "x"\n', encoding="utf-8")
    res = run("test", "--no-default-rules", str(path))
    assert res.code == 0
    assert res.out.endswith("0 passed, 0 failed\n")


# ---- docs/cli.md ----
def test_docs_show_the_current_output(fixture_path):
    """docs/cli.md shows the golden text report and explain output verbatim."""
    from pathlib import Path

    here = Path(fixture_path(".")).parent
    docs = (here.parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in ("check_basic.txt", "explain_stale.txt"):
        block = (here / "golden" / name).read_text(encoding="utf-8")
        assert f"```text\n{block}```" in docs, name


def test_docs_python_blocks_run(monkeypatch, fixture_path, capsys):
    """Every ```python block of docs/cli.md runs from the repository root."""
    import re
    from pathlib import Path

    root = Path(fixture_path(".")).parent.parent.parent
    monkeypatch.chdir(root)
    docs = (root / "docs" / "cli.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", docs, re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "docs/cli.md", "exec"), {})
