"""netrules explain with values: agreement with evaluate, rendering, the API and the command."""

from __future__ import annotations

import json
import sys
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

import netrules
from netrules.explain import explain_all

ROOT = Path(__file__).resolve().parents[2]
DEMO = str(resources.files("netrules") / "data" / "demo.json")


@pytest.fixture(scope="module")
def pack() -> netrules.RuleSet:
    return netrules.load_rules()


@pytest.fixture(scope="module")
def grown_demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo member as an entry-level professional not looking for work: her 380
    connections reach the level's figure of 300, so the pruning rules judge her network
    (below every figure that applies they wait)."""
    doc = json.loads(Path(DEMO).read_text(encoding="utf-8"))
    doc["member"] = {**doc["member"], "career_level": "entry", "job_seeking": False}
    path = tmp_path_factory.mktemp("explain") / "grown-demo.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def _flat(findings):
    for f in findings:
        if f.subjects:
            yield from _flat(f.subjects)
        else:
            yield f


def test_explain_agrees_with_evaluate_on_the_benchmark_network(pack) -> None:
    """On every subject of the 1,000-connection benchmark network, for every rule of the pack,
    explain's verdict matches evaluate: the same subjects fire, the same number are skipped."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from benchmarks import generate

    network = generate.network(1_000, n_invitations=300, n_removals=40, seed=3)
    report = pack.evaluate(network)
    fired: dict[str, set[str]] = {}
    for f in _flat(report.findings):
        fired.setdefault(f.rule, set()).add(f.subject.id)
    skipped = {s.rule: s.count for s in report.skipped}
    judged = 0
    for rid in pack.rule_ids():
        explanations = explain_all(pack, rid, network)
        judged += len(explanations)
        mine = {e.subject for e in explanations if e.verdict == "fired"}
        assert mine == fired.get(rid, set()), rid
        if pack.program.rules[pack.rule_ids().index(rid)].node.for_each is None or (
            pack.program.rules[pack.rule_ids().index(rid)].node.for_each.group_key is None
        ):
            count = sum(1 for e in explanations if e.verdict == "skipped")
            assert count == skipped.get(rid, 0), rid
    assert judged > 1_000


def test_member_rule_tree_shows_definitions_and_table_rows(pack) -> None:
    """The tree expands a definition and names the table row it used."""
    network = netrules.load_network(DEMO)
    ex = pack.explain("below-industry-target", network)
    assert ex.verdict in ("fired", "suppressed")
    text = ex.render()
    assert "(definition)" in text
    assert 'table industry_targets, row "Information Technology"' in text
    assert "member.connection_count  =  380" in text


def test_unknowns_are_named(pack) -> None:
    """A rule skipped for missing data names the missing field."""
    network = netrules.load_network({"as_of": "2025-01-01", "member": {"connection_count": 3}})
    ex = pack.explain("below-industry-target", network)
    assert ex.verdict == "skipped"
    assert "member.industry" in ex.unknown
    assert "UNKNOWN" in ex.render()


def test_suppressed_and_not_judged_subjects(pack, grown_demo) -> None:
    """Per-connection verdicts include findings hidden by another rule and items left out."""
    network = netrules.load_network(grown_demo)
    verdicts = Counter(e.verdict for e in explain_all(pack, "inactive-connection", network))
    assert verdicts["suppressed"] and verdicts["not-judged"] and verdicts["fired"]
    hidden = next(
        e for e in explain_all(pack, "inactive-connection", network) if e.verdict == "suppressed"
    )
    assert hidden.suppressed_by
    one = pack.explain("inactive-connection", network, subject=hidden.subject)
    assert one.to_dict()["verdict"] == "suppressed"


def test_api_errors_are_usage_errors(pack) -> None:
    """A per-item rule needs a subject, and the subject must exist."""
    network = netrules.load_network(DEMO)
    with pytest.raises(netrules.UsageError, match="subject"):
        pack.explain("inactive-connection", network)
    with pytest.raises(netrules.UsageError, match="no connection"):
        pack.explain("inactive-connection", network, subject="nobody")


def test_cli_explain_with_input(run, golden) -> None:
    """``netrules explain RULE INPUT`` prints the tree (golden file); --format json is data."""
    result = run("explain", "below-industry-target", DEMO)
    assert result.code == 0
    golden("explain_below_industry_target.txt", result.out)
    data = json.loads(run("explain", "below-industry-target", DEMO, "--format", "json").out)
    assert data[0]["verdict"] in ("fired", "suppressed")
    assert data[0]["condition"]["parts"]


def test_cli_explain_per_item_rule_lists_subjects(run, grown_demo) -> None:
    """Without --subject a per-item rule shows each verdict with its subjects."""
    result = run("explain", "inactive-connection", grown_demo)
    assert result.code == 0
    assert "fired" in result.out and "--subject" in result.out
    first = result.out.split("fired: ")[1].split(",")[0].split()[0]
    one = run("explain", "inactive-connection", grown_demo, "--subject", first)
    assert "FIRED" in one.out or "SUPPRESSED" in one.out


def test_cli_explain_unknown_subject_exits_2(run) -> None:
    """An unknown --subject is a usage error."""
    result = run("explain", "inactive-connection", DEMO, "--subject", "nobody")
    assert result.code == 2


def test_explain_without_input_expands_definitions(run) -> None:
    """``netrules explain RULE`` lists the definitions the rule reads, expanded."""
    result = run("explain", "dormant-network")
    assert result.code == 0
    assert "Definitions:" in result.out
    assert "quiet_connections = count(" in result.out
