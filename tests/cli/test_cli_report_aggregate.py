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
        "check",
        fixture_path("network.json"),
        "--format",
        "json",
        "--pretty",
        *own_rules("aggregate.rules"),
    )
    golden("check_aggregate.json", res.out)
    (cold,) = [f for f in json.loads(res.out)["findings"] if f["rule"] == "cold-connections"]
    assert cold["subject"] == {"kind": "connection", "id": "*"}
    assert [s["subject"]["id"] for s in cold["subjects"]] == [f"c{i}" for i in range(1, 8)]


def test_each_advice_text_is_printed_once_per_report():
    """Two rules in two categories share an advice text: it is printed under the first only,
    while the second rule's other advice is still shown."""
    import datetime

    from netrules.findings import Finding, Report, Subject
    from netrules.report_text import render_text

    shared, own = "Write a short note.", "Wait a week."
    findings = (
        Finding("a-rule", "warning", "alpha", Subject("member", "member"), "a", {}, (shared,)),
        Finding("b-rule", "info", "beta", Subject("member", "member"), "b", {}, (shared, own)),
    )
    text = render_text(Report(datetime.date(2025, 1, 1), {}, findings))
    assert text.count(shared) == 1 and text.count(own) == 1
    assert text.index(shared) < text.index("b-rule") < text.index(own)
