"""netrules diff (inputs and JSON reports) and check --what-if-remove / --what-if."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import netrules
from netrules.diff import diff_reports, network_facts, remove_connections

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NETWORK = FIXTURES / "network.json"


@pytest.fixture
def basic(own_rules):
    return ["--isolated", *own_rules()]


@pytest.fixture
def newer(tmp_path):
    """The fixture network a month on: c1 talked again, a new cold contact, c2 gone."""
    data = json.loads(NETWORK.read_text(encoding="utf-8"))
    data["as_of"] = "2025-02-01"
    data["member"]["connection_count"] = 12
    data["connections"][0]["last_interaction_on"] = "2025-01-20"
    del data["connections"][1]
    data["connections"].append(
        {"id": "c11", "name": "Newcomer", "last_interaction_on": "2019-01-01"}
    )
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_diff_of_two_inputs_matches_golden(run, basic, newer, golden):
    """Two inputs: facts that moved, findings gained, gone and changed, counts; exit 0."""
    res = run("diff", str(NETWORK), newer, *basic)
    assert (0, "") == (res.code, res.err)
    golden("diff_inputs.txt", res.out.replace(newer, "NEWER").replace(str(NETWORK), "OLD"))


def test_diff_of_two_json_reports(run, basic, newer, tmp_path):
    """Two JSON reports give the same findings diff as the inputs they came from."""
    old_json, new_json = tmp_path / "old.json", tmp_path / "new.json"
    run("check", str(NETWORK), *basic, "--output", f"json={old_json}")
    run("check", newer, *basic, "--output", f"json={new_json}")
    from_reports = json.loads(run("diff", str(old_json), str(new_json), "--format", "json").out)
    from_inputs = json.loads(run("diff", str(NETWORK), newer, *basic, "--format", "json").out)
    for key in ("gained", "lost", "changed", "summary"):
        assert from_reports[key] == from_inputs[key], key
    assert [f["name"] for f in from_reports["facts"]] == [
        "connections",
        "acceptance share",
        "dormant share",
    ]
    assert from_reports["facts"][2]["old"] is None  # a report does not tell
    assert from_reports["summary"] == {"gained": 1, "lost": 2, "changed": 0}
    from importlib import resources

    import jsonschema

    schema = json.loads(
        resources.files("netrules").joinpath("schemas", "diff.schema.json").read_text("utf-8")
    )
    jsonschema.validate(from_reports, schema)
    jsonschema.validate(from_inputs, schema)


def test_diff_api_matches_by_rule_and_subject():
    """diff_reports ignores order and reports a changed message under 'changed'."""
    rules = netrules.load_rules(FIXTURES / "basic.rules", include_default=False)
    net = netrules.load_network(NETWORK)
    a = rules.evaluate(net)
    b = rules.evaluate(net, params={"small_network": 100})
    result = diff_reports(a, b)
    assert (result.gained, result.lost) == ((), ())
    ((old, new),) = result.changed
    assert (old.rule, "aim for at least 100" in new.message) == ("tiny-network", True)


def test_network_facts():
    """Count, acceptance share of decided outgoing invitations, dormant share."""
    net = netrules.load_network(
        {
            "as_of": "2025-01-01",
            "member": {"connection_count": 4},
            "connections": [
                {"id": "a", "last_interaction_on": "2024-06-01"},
                {"id": "b", "last_interaction_on": "2020-01-01"},
                {"id": "c"},
                {"id": "d", "last_interaction_on": "2024-12-01"},
            ],
            "invitations": [
                {"id": "1", "direction": "outgoing", "status": "accepted"},
                {"id": "2", "direction": "outgoing", "status": "ignored"},
                {"id": "3", "direction": "outgoing", "status": "pending"},
                {"id": "4", "direction": "incoming", "status": "accepted"},
            ],
        }
    )
    assert {"connections": 4, "acceptance share": 0.5, "dormant share": 0.5} == network_facts(net)


def test_unreadable_diff_side_is_exit_2(run, basic, tmp_path):
    """A side that is neither a network nor a report exits 2 naming the file."""
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    res = run("diff", str(NETWORK), str(bad), *basic)
    assert res.code == 2 and str(bad) in res.err


# ---------------------------------------------------------------- what-if
def test_what_if_remove_shows_both(run, basic, golden):
    """--what-if-remove: today's report, then what pruning would change, by id or name."""
    res = run("check", str(NETWORK), *basic, "--what-if-remove", "c1", "Person 2")
    assert res.code == 1  # today's findings decide the exit code
    golden("what_if.txt", res.out[res.out.index("What if") :])


def test_what_if_file_and_json(run, basic, tmp_path):
    """--what-if FILE reads [[removals]]; the JSON report gains a what_if object."""
    plan = tmp_path / "prune.toml"
    plan.write_text(
        '[[removals]]\nconnection = "c1"\n\n[[removals]]\nconnection = "Jane Doe"\n',
        encoding="utf-8",
    )
    data = json.loads(
        run("check", str(NETWORK), *basic, "--what-if", str(plan), "--format", "json").out
    )
    what_if = data["what_if"]
    assert what_if["removed"] == ["c1", "c10"]
    assert what_if["summary"] == {"gained": 0, "lost": 1, "changed": 1}
    assert what_if["facts"][0] == {"name": "connections", "old": 12, "new": 10, "share": False}
    from importlib import resources

    import jsonschema

    schema = json.loads(
        resources.files("netrules").joinpath("schemas", "report.schema.json").read_text("utf-8")
    )
    jsonschema.validate(data, schema)


def test_what_if_unknown_connection(run, basic):
    """A removal naming nobody exits 2 with a did-you-mean."""
    res = run("check", str(NETWORK), *basic, "--what-if-remove", "Person 99")
    assert res.code == 2 and "no connection has the id or name" in res.err


def test_remove_connections_api():
    """remove_connections drops the people and lowers the connection count."""
    net = netrules.load_network(NETWORK)
    after, ids = remove_connections(net, ["c3", "https://nowhere.example/x"][:1], source="-")
    assert (ids, after.member.connection_count, len(after.connections)) == (["c3"], 11, 9)


def test_diff_redact_hides_people_on_both_sides(run, basic, newer):
    """diff --redact: no name of either side is shown, gained or gone."""
    res = run("diff", str(NETWORK), newer, *basic, "--redact")
    assert res.code == 0
    for name in ("Newcomer", "Person 1:", "Person 2:"):
        assert name not in res.out
    assert "connection:person-" in res.out


def test_diff_redact_needs_inputs(run, basic, tmp_path):
    """A JSON report cannot be redacted after the fact: exit 2 with the reason."""
    report = tmp_path / "r.json"
    run("check", str(NETWORK), *basic, "--output", f"json={report}")
    res = run("diff", str(report), str(NETWORK), *basic, "--redact")
    assert res.code == 2 and "needs two inputs" in res.err
