"""Baselines and acknowledgements (round trip, new/fixed, expiry, stale) and --redact."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

import netrules
from netrules.baseline import apply_acknowledgements, baseline_text, load_baseline
from netrules.config import Acknowledgement
from netrules.redact import Redactor

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NETWORK = FIXTURES / "network.json"
PEOPLE = str(FIXTURES / "people.json")


@pytest.fixture
def basic(own_rules):
    return ["--isolated", *own_rules()]


def variant(tmp_path: Path, change, name: str = "net.json") -> str:
    data = json.loads(NETWORK.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_round_trip_reports_nothing_new(run, basic, tmp_path):
    """--write-baseline then --baseline on the same input: nothing new, exit 0."""
    base = tmp_path / "baseline.toml"
    res = run("check", str(NETWORK), *basic, "--write-baseline", str(base))
    assert (0, "", f"netrules: wrote 9 acknowledgements to {base}\n") == res
    res = run("check", str(NETWORK), *basic, "--baseline", str(base), "--format", "json")
    data = json.loads(res.out)
    assert (0, [], 0) == (res.code, data["findings"], data["baseline"]["new"])
    assert (9, 0) == (data["baseline"]["acknowledged"], data["baseline"]["fixed"])


def test_baseline_is_stable_across_reordering(run, basic, tmp_path):
    """The same network with connections reversed writes the same baseline and hides all."""
    first = tmp_path / "a.toml"
    run("check", str(NETWORK), *basic, "--write-baseline", str(first))
    shuffled = variant(tmp_path, lambda d: d["connections"].reverse())
    second = tmp_path / "b.toml"
    run("check", shuffled, *basic, "--write-baseline", str(second))
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    res = run("check", shuffled, *basic, "--baseline", str(first))
    assert "Baseline: 0 new, 0 fixed, 9 still acknowledged" in res.out


def test_newer_input_reports_new_and_fixed(run, basic, tmp_path):
    """A newer export: a fixed finding and a new one are counted; only the new one shows."""
    base = tmp_path / "baseline.toml"
    run("check", str(NETWORK), *basic, "--write-baseline", str(base))

    def change(d):
        d["connections"][0]["last_interaction_on"] = "2024-12-01"  # c1 is fixed
        d["connections"].append(
            {"id": "c11", "name": "Newcomer", "last_interaction_on": "2019-01-01"}
        )

    res = run("check", variant(tmp_path, change), *basic, "--baseline", str(base))
    assert "Newcomer: no interaction since 2019-01-01" in res.out
    assert "Person 2:" not in res.out
    assert "Baseline: 1 new, 1 fixed, 8 still acknowledged" in res.out
    assert res.code == 0  # a warning; --fail-on defaults to error


def test_acknowledgements_in_the_configuration(run, own_rules, tmp_path, monkeypatch):
    """[[acknowledge]] entries hide findings with a reason; stale and expired ones are listed."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "netrules.toml").write_text(
        '[[acknowledge]]\nrule = "stale-connection"\nsubject = "connection:c3"\n'
        'reason = "my mentor; we talk offline"\n\n'
        '[[acknowledge]]\nrule = "stale-connection"\nsubject = "connection:c9"\nreason = "gone"\n\n'
        '[[acknowledge]]\nrule = "tiny-network"\nsubject = "member"\nreason = "growing"\n'
        "expires = 2024-06-30\n",
        encoding="utf-8",
    )
    res = run("check", str(NETWORK), *own_rules())
    assert "Person 3:" not in res.out and "Person 4:" in res.out
    assert "12 connections" in res.out  # the expired acknowledgement hides nothing
    assert res.code == 1
    tail = res.out[res.out.index("Baseline:") :]
    assert tail == (
        "Baseline: 8 new, 1 fixed, 1 still acknowledged, 1 expired\n"
        "Stale acknowledgements (the finding is gone; remove them):\n"
        "  netrules.toml:6:1: stale-connection connection:c9\n"
        "Expired acknowledgements (their findings are shown again):\n"
        "  netrules.toml:11:1: tiny-network member:member (expired 2024-06-30)\n"
    )


def test_missing_and_bad_baseline_files(run, basic, tmp_path):
    """A missing or malformed baseline is an input error (exit 2) with the position."""
    res = run("check", str(NETWORK), *basic, "--baseline", str(tmp_path / "none.toml"))
    assert res.code == 2 and "no such baseline file" in res.err
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'version = 1\n[[acknowledge]]\nrule = "x"\nsubjekt = "member"\n', encoding="utf-8"
    )
    res = run("check", str(NETWORK), *basic, "--baseline", str(bad))
    assert res.err == f"{bad}:4:1: error: unknown key 'subjekt' (did you mean 'subject'?)\n"


def test_api_round_trip(tmp_path):
    """baseline_text, load_baseline and apply_acknowledgements work from Python."""
    rules = netrules.load_rules(FIXTURES / "basic.rules", include_default=False)
    report = rules.evaluate(netrules.load_network(NETWORK))
    path = tmp_path / "b.toml"
    path.write_text(baseline_text(report), encoding="utf-8")
    acks = load_baseline(path)
    shown, result = apply_acknowledgements(report, acks)
    assert (shown.findings, result.new, result.acknowledged) == ((), 0, 9)
    later = Acknowledgement("tiny-network", "member", "ok", datetime.date(2030, 1, 1))
    shown, result = apply_acknowledgements(report, [later])
    assert "tiny-network" not in {f.rule for f in shown.findings}


# ---------------------------------------------------------------- redaction
@pytest.fixture
def people(own_rules):
    return [PEOPLE, "--isolated", *own_rules("people.rules")]


SECRETS = (
    "Jane",
    "John Roe",
    "Ada Lovelace",
    "jane@example.com",
    "linkedin.com",
    "great talk",
    "Doe",
)


@pytest.mark.parametrize("fmt", ["text", "concise", "json", "jsonl", "csv", "markdown", "github"])
def test_redact_leaves_no_name_email_url_or_note(run, people, fmt, tmp_path):
    """Every format of a redacted report is free of names, e-mails, URLs and notes."""
    res = run("check", *people, "--redact", "--format", fmt, "--show-emails")
    assert res.code == 0
    for secret in SECRETS:
        assert secret not in res.out, (fmt, secret)
    assert "Person " in res.out or "person-" in res.out


def test_redacted_json_says_so_and_keeps_structure(run, people):
    """The redacted JSON has redacted: true, the same findings and rules, pseudonym ids."""
    plain = json.loads(run("check", *people, "--format", "json").out)
    red = json.loads(run("check", *people, "--format", "json", "--redact").out)
    assert red["redacted"] is True and "redacted" not in plain
    assert [f["rule"] for f in plain["findings"]] == [f["rule"] for f in red["findings"]]
    ids = [f["subject"]["id"] for f in red["findings"]]
    assert ids[0].startswith("person-") and ids[2] == "invitation-1"
    assert '"[note]"' in red["findings"][2]["message"]


def test_pseudonyms_are_stable(run, people, tmp_path):
    """The same person keeps the same pseudonym in two runs and when other people come and go."""
    first = run("check", *people, "--format", "csv", "--redact").out
    assert first == run("check", *people, "--format", "csv", "--redact").out
    data = json.loads(Path(PEOPLE).read_text(encoding="utf-8"))
    data["connections"].insert(
        0, {"id": "x", "name": "Zed Zee", "last_interaction_on": "2020-01-01"}
    )
    data["connections"].reverse()
    other = tmp_path / "p.json"
    other.write_text(json.dumps(data), encoding="utf-8")
    net = netrules.load_network(PEOPLE)
    jane = Redactor(net).text("Jane Doe")
    assert jane == Redactor(netrules.load_network(other)).text("Jane Doe")
    assert jane.startswith("Person ")


def test_redactor_replaces_whole_words_only():
    """A name is replaced where it stands alone, not inside another word."""
    net = netrules.load_network({"member": {}, "connections": [{"id": "a", "name": "Ann"}]})
    red = Redactor(net)
    assert red.text("Ann wrote an Annual note").endswith("wrote an Annual note")
    assert not red.text("Ann wrote").startswith("Ann")
