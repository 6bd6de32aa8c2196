"""The text and JSON reports of aggregated findings, precedence and shared advice (golden)."""

from __future__ import annotations

import json


def test_aggregated_text_report_matches_golden(run, own_rules, fixture_path, golden):
    """One line per pattern, the close contact told once, each advice text once."""
    res = run("check", fixture_path("network.json"), *own_rules("aggregate.rules"))
    assert res.code == 0, res.err
    golden("check_aggregate.txt", res.out)
    assert res.out.count("Send a short note to reconnect.") == 1
    assert "Person 8" not in res.out.split("close-but-cold")[0]  # told once, by close-but-cold


def test_aggregated_json_report_matches_golden(run, own_rules, fixture_path, golden):
    """The JSON report keeps every subject of the aggregated finding, in order."""
    res = run(
        "check", fixture_path("network.json"), "--format", "json", *own_rules("aggregate.rules")
    )
    golden("check_aggregate.json", res.out)
    (cold,) = [f for f in json.loads(res.out)["findings"] if f["rule"] == "cold-connections"]
    assert cold["subject"] == {"kind": "connection", "id": "*"}
    assert [s["subject"]["id"] for s in cold["subjects"]] == [f"c{i}" for i in range(1, 8)]
