"""The benchmarks' smoke mode: they run, and the hand-written baseline agrees with netrules.

Not a timed test: ``python -m benchmarks --quick`` runs every benchmark once on
small inputs; the figures themselves are for docs/performance.md, not for CI.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import netrules  # noqa: E402
from benchmarks import baseline, generate, run  # noqa: E402


@pytest.fixture(scope="module")
def pack() -> netrules.RuleSet:
    return netrules.load_rules()


def keys(findings) -> set[tuple[str, str, str]]:
    return {(f.rule, f.subject.kind, f.subject.id) for f in findings}


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_baseline_agrees_on_whole_networks(pack: netrules.RuleSet, seed: int) -> None:
    net = generate.network(300, n_invitations=400, n_removals=40, seed=seed)
    report = pack.evaluate(net, as_of=generate.AS_OF)
    expected = baseline.Baseline(pack).evaluate(net, generate.AS_OF)
    assert keys(report.findings) == keys(expected)
    assert list(report.findings) == expected  # message, severity, evidence and order too
    assert len({f.rule for f in expected}) >= 12  # the data exercises most of the pack


def test_baseline_agrees_where_removals_come_in_bursts(pack: netrules.RuleSet) -> None:
    """A network shaped like benchmark 2's, where mass-removal fires (its message too)."""
    net = generate.network(1_000, n_invitations=1_000, n_removals=100, seed=1)
    expected = baseline.Baseline(pack).evaluate(net, generate.AS_OF)
    assert "mass-removal" in {f.rule for f in expected}
    assert list(pack.evaluate(net, as_of=generate.AS_OF).findings) == expected


def test_baseline_agrees_when_a_summary_counts_thousands(pack: netrules.RuleSet) -> None:
    """Benchmark 2's networks: an aggregated finding stands for 1,000 subjects or more,
    and its summary writes the count as the pack does (``2,244 invitations ...``)."""
    net = generate.network(100, n_invitations=3_000, n_removals=10, seed=1)
    expected = baseline.Baseline(pack).evaluate(net, generate.AS_OF)
    assert any(f.evidence.get("found", 0) >= 1_000 for f in expected)
    assert list(pack.evaluate(net, as_of=generate.AS_OF).findings) == expected


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_baseline_agrees_on_member_batches(pack: netrules.RuleSet, seed: int) -> None:
    counts = run.count_ruleset(pack)
    assert set(counts.rule_ids()) == set(baseline.COUNT_RULES)
    base = baseline.Baseline(pack)
    fired = set()
    for net in generate.members(400, seed=seed):
        got = list(counts.evaluate(net, as_of=generate.AS_OF).findings)
        assert got == base.evaluate_count_rules(net, generate.AS_OF), net.member
        fired.update((f.rule, f.severity) for f in got)
    assert len(fired) >= 7  # every count rule fires, at both severities where it can


def test_generator_is_repeatable() -> None:
    assert generate.network(50, 20, 5, seed=7) == generate.network(50, 20, 5, seed=7)
    assert generate.archive_files(50, 20, seed=7) == generate.archive_files(50, 20, seed=7)


def test_archive_has_the_export_layout(tmp_path: Path) -> None:
    files = generate.archive_files(30, 10, seed=3)
    conns = files["Connections.csv"].decode()
    assert conns.startswith('Notes:\n"When exporting') and not conns.endswith("\n")
    assert conns.splitlines()[3] == generate.CONNECTIONS_HEADER
    assert any(
        line.endswith(("AM,OUTGOING", "PM,OUTGOING")) or "OUTGOING" in line
        for line in files["Invitations.csv"].decode().splitlines()[1:]
    )
    net = netrules.load_network(generate.write_archive(tmp_path, files))
    assert 25 <= len(net.connections) <= 30
    assert net.invitations and net.as_of == generate.AS_OF


def test_quick_run_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert run.main(["--quick"]) == 0
    out = capsys.readouterr().out
    for number in (1, 2, 3, 4, 5, 6, 9, 10, 11):
        assert f"\n{number} " in out
    assert "x  <=" in out  # ratios against the targets are shown


def test_fmt_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """``python -m benchmarks.fmt`` (issue 13's start-up figure) works; its times are not checked."""
    from benchmarks import fmt

    assert fmt.main(["--runs", "1", "--phases"]) == 0
    out = capsys.readouterr().out
    assert "netrules fmt --check" in out and "python -c pass" in out and "layout" in out


def test_check_phases_runs_on_a_small_export(capsys) -> None:
    """``python -m benchmarks.check_phases`` times every phase of `netrules check`."""
    from benchmarks import check_phases

    assert check_phases.main(["--connections", "200", "--runs", "1"]) == 0
    text = capsys.readouterr().out
    for phase in (*check_phases.PHASES, "total", "python -c pass"):
        assert f"\n{phase} " in text
