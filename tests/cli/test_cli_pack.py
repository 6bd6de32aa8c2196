"""The CLI on the bundled rule pack and demo network (exit codes and validity, not wording)."""

from __future__ import annotations

import json
from importlib import resources

import pytest

import netrules
import netrules.ruleset

_LOADED: dict = {}
_real_load_rules = netrules.ruleset.load_rules


def _memo_load_rules(*paths, include_default=True, texts=()):
    """load_rules, memoised: a RuleSet is immutable and the pack takes ~0.5 s to load."""
    key = (tuple(str(p) for p in paths), include_default, tuple(texts))
    if key not in _LOADED:
        _LOADED[key] = _real_load_rules(*paths, include_default=include_default, texts=texts)
    return _LOADED[key]


@pytest.fixture(autouse=True)
def _fast_pack(monkeypatch):
    """Load the bundled pack once for this module (the CLI imports load_rules when it runs)."""
    monkeypatch.setattr(netrules.ruleset, "load_rules", _memo_load_rules)


@pytest.fixture(scope="module")
def demo_doc():
    return json.loads((resources.files("netrules") / "data" / "demo.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def demo_json(demo_doc):
    """The demo report as the API makes it (bundled pack, the document's own as_of)."""
    return _memo_load_rules().evaluate(demo_doc).to_json() + "\n"


def test_demo_json_is_the_api_report_at_the_documents_date(run, demo_doc, demo_json):
    """`check --demo --format json` is the API's report, dated the demo's own as_of."""
    res = run("check", "--demo", "--format", "json", "--fail-on", "never")
    assert res.code == 0
    assert res.out == demo_json
    data = json.loads(res.out)
    assert data["as_of"] == demo_doc["as_of"]
    assert set(data) == {"as_of", "network", "findings", "summary", "skipped"}
    assert sum(data["summary"].values()) == len(data["findings"]) > 0
    keys = {"rule", "severity", "category", "subject", "message", "evidence", "advice", "source"}
    for finding in data["findings"]:
        assert finding["severity"] in ("error", "warning", "info")
        if finding["subject"]["id"] == "*":  # one finding for a pattern, every subject kept
            assert set(finding) == keys | {"subjects"}
            assert len(finding["subjects"]) == finding["evidence"]["found"] >= 2
        else:
            assert set(finding) == keys


@pytest.mark.parametrize("fail_on", ["error", "warning", "info"])
def test_demo_exit_code_follows_fail_on(run, demo_json, fail_on):
    """`check --demo` exits 1 exactly when a finding is at or above --fail-on."""
    rank = {"error": 0, "warning": 1, "info": 2}
    worst = min((rank[f["severity"]] for f in json.loads(demo_json)["findings"]), default=9)
    res = run("check", "--demo", "--fail-on", fail_on)
    assert res.code == (1 if worst <= rank[fail_on] else 0)
    assert res.out.startswith("netrules report for ")


def test_demo_as_of_option_wins(run):
    """--as-of overrides the demo document's date."""
    res = run("check", "--demo", "--as-of", "2030-01-01", "--format", "json")
    assert json.loads(res.out)["as_of"] == "2030-01-01"


def test_bundled_pack_examples_pass(run):
    """`netrules test` runs the bundled pack's examples; all pass, exit 0."""
    res = run("test")
    assert res.code == 0
    assert res.out.splitlines()[-1].endswith(" passed, 0 failed")


def test_extra_rule_file_is_added_to_the_pack(run, fixture_path):
    """`test PATH` runs the bundled pack plus the file; `rules --rules` lists both."""
    res = run("test", fixture_path("basic.rules"))
    assert res.code == 0
    listed = run("rules", "--rules", fixture_path("basic.rules")).out
    assert "tiny-network" in listed and len(listed.splitlines()) > 5


def test_explain_every_bundled_rule(run):
    """`explain` works for every rule of the bundled pack and lists only known parameters."""
    from netrules.cli import explain_rule, params_used

    rules = _memo_load_rules()
    for rule_id in rules.rule_ids():
        text = explain_rule(rules, rules.rule(rule_id))
        assert text.startswith(rule_id)
        assert set(params_used(rules, rules.rule(rule_id))) <= set(rules.program.params)
    first = rules.rule_ids()[0]
    res = run("explain", first)
    assert res.code == 0
    assert res.out == explain_rule(rules, rules.rule(first)) + "\n"
