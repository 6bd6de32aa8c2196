"""Issue 15's harness (``python -m benchmarks.batch``) runs end to end on small inputs.

Not a timed test: the figures are for docs/performance.md.  This checks that the
harness works, that its W1 loop, zen (when installed) and evaluate_many agree (the
harness refuses to print a figure otherwise), and that the three ways of running
``netrules batch`` write the same output.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import batch  # noqa: E402


def test_harness_runs_and_prints_ratios(tmp_path: Path, capsys) -> None:
    out = tmp_path / "figures.json"
    code = batch.main(
        ["--w1", "400", "--members", "400", "--repeat", "1", "--no-dask", "--json", str(out)]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "W1 evaluate_many(...).findings()" in text
    assert "jobs 2 / jobs 1 throughput" in text
    assert "load average at start" in text
    figures = json.loads(out.read_text())
    names = [r["name"] for r in figures["in_process"]]
    assert names[0] == "W1 hand-written loop over the dicts"
    assert any(r["name"].startswith("count rules") for r in figures["in_process"])
    assert [r["name"] for r in figures["cli"]] == [
        "netrules batch --jobs 1, 100 members",
        "netrules batch --jobs 1, 400 members",
        "netrules batch --jobs 2, 400 members",
    ]
    assert all(r["rss_mib"] > 0 for r in figures["cli"])


def test_member_lines_are_valid_rows(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    batch.write_members(path, 50)
    lines = path.read_text().splitlines()
    assert len(lines) == 50
    rows = [json.loads(line) for line in lines]
    assert [r["id"] for r in rows] == [f"m-{k}" for k in range(50)]
    import netrules

    results = list(netrules.load_rules().evaluate_many(rows, as_of=batch.AS_OF))
    assert all(r.ok for r in results)
