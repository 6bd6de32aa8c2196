"""netrules batch: JSON Lines and Parquet, one process, local processes and Dask."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

import netrules
from netrules import batch_cli
from netrules.batch import RuleSpec, result_rows
from netrules.cli import main

AS_OF = "2026-11-01"


def members(n: int) -> list[dict]:
    levels = ["student", "entry", "mid-career", "senior", "executive"]
    industries = ["Healthcare", "Legal", "Information Technology", "Astronomy"]
    return [
        {
            "id": f"m{i}",
            "connection_count": (i * 137) % 2500,
            "industry": industries[i % 4],
            "career_level": levels[i % 5],
            "job_seeking": [True, False, None][i % 3],
            "situations": [] if i % 7 else ["career-break"],
        }
        for i in range(n)
    ]


def write_jsonl(path: Path, rows: list, bad: dict[int, bytes] | None = None) -> Path:
    with open(path, "wb") as fh:
        for i, row in enumerate(rows, start=1):
            if bad and i in bad:
                fh.write(bad[i] + b"\n")
            else:
                fh.write(json.dumps(row).encode() + b"\n")
    return path


def expected_lines(rows: list) -> list[dict]:
    rules = netrules.load_rules()
    out = []
    for result in rules.evaluate_many(rows, as_of=AS_OF):
        out.extend(result_rows(result))
    return out


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(batch_cli, "CHUNK", 25)  # many chunks even for small inputs


def test_jsonl_one_process(tmp_path, capsys):
    rows = members(120)
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    code = main(
        [
            "batch",
            str(src),
            "-o",
            str(tmp_path / "out.jsonl"),
            "--jobs",
            "1",
            "--as-of",
            AS_OF,
            "--summary",
            str(tmp_path / "s.json"),
        ]
    )
    assert code == 0
    got = read_jsonl(tmp_path / "out.jsonl")
    assert got == json.loads(json.dumps(expected_lines(rows)))
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["members"] == 120 and summary["findings"] == len(got)
    assert summary["bad_lines"] == 0
    assert "120 members" in capsys.readouterr().err


def test_jobs_two_equals_one(tmp_path):
    rows = members(200)
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    assert (
        main(["batch", str(src), "-o", str(tmp_path / "a.jsonl"), "--jobs", "1", "--as-of", AS_OF])
        == 0
    )
    assert (
        main(["batch", str(src), "-o", str(tmp_path / "b.jsonl"), "--jobs", "2", "--as-of", AS_OF])
        == 0
    )
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert (tmp_path / "a.jsonl").stat().st_size > 0


def test_bad_lines_are_reported_with_their_number(tmp_path, capsys):
    rows = members(60)
    bad = {31: b'{"id": "x", "connection_count": "lots"}', 40: b"{not json", 45: b"\xff\xfe"}
    src = write_jsonl(tmp_path / "in.jsonl", rows, bad)
    code = main(
        [
            "batch",
            str(src),
            "-o",
            str(tmp_path / "out.jsonl"),
            "--jobs",
            "1",
            "--as-of",
            AS_OF,
            "--summary",
            str(tmp_path / "s.json"),
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert f"{src}:31: warning: member.connection_count: expected a whole number" in err
    assert f"{src}:40: warning: invalid JSON" in err
    assert f"{src}:45: warning: not UTF-8 text" in err
    assert json.loads((tmp_path / "s.json").read_text())["bad_lines"] == 3
    good = [r for i, r in enumerate(rows, start=1) if i not in bad]
    assert read_jsonl(tmp_path / "out.jsonl") == json.loads(json.dumps(expected_lines(good)))


def test_strict_stops_with_exit_2(tmp_path, capsys):
    rows = members(60)
    src = write_jsonl(tmp_path / "in.jsonl", rows, {10: b"[1, 2"})
    code = main(["batch", str(src), "-o", str(tmp_path / "out.jsonl"), "--jobs", "1", "--strict"])
    assert code == 2
    err = capsys.readouterr().err
    assert f"{src}:10: error: invalid JSON" in err
    assert "the output is partial, and holds the other members of that line's chunk" in err
    # as docs/batch.md says: the bad line's chunk (lines 1-25 here) is written, no later one
    good = [r for i, r in enumerate(rows[:25], start=1) if i != 10]
    assert read_jsonl(tmp_path / "out.jsonl") == json.loads(json.dumps(expected_lines(good)))


def test_stdin(tmp_path, monkeypatch):
    import io
    import sys

    rows = members(30)
    data = b"".join(json.dumps(r).encode() + b"\n" for r in rows)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert (
        main(["batch", "-", "-o", str(tmp_path / "out.jsonl"), "--jobs", "1", "--as-of", AS_OF])
        == 0
    )
    assert read_jsonl(tmp_path / "out.jsonl") == json.loads(json.dumps(expected_lines(rows)))


def test_missing_input(tmp_path, capsys):
    assert main(["batch", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_parquet_in_and_out(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = members(80)
    table = pa.Table.from_pylist(rows)
    pq.write_table(table, tmp_path / "in.parquet")
    code = main(
        [
            "batch",
            str(tmp_path / "in.parquet"),
            "-o",
            str(tmp_path / "out.parquet"),
            "--jobs",
            "1",
            "--as-of",
            AS_OF,
        ]
    )
    assert code == 0
    got = pq.read_table(tmp_path / "out.parquet").to_pylist()
    want = expected_lines(rows)
    assert [(g["member"], g["rule"], g["message"]) for g in got] == [
        (w["member"], w["rule"], w["message"]) for w in want
    ]
    assert json.loads(got[0]["evidence"]) == json.loads(json.dumps(want[0]["evidence"]))


def test_dask_local_equals_one_process(tmp_path):
    pytest.importorskip("distributed")
    rows = members(150)
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    assert (
        main(["batch", str(src), "-o", str(tmp_path / "a.jsonl"), "--jobs", "1", "--as-of", AS_OF])
        == 0
    )
    assert (
        main(
            [
                "batch",
                str(src),
                "-o",
                str(tmp_path / "b.jsonl"),
                "--dask",
                "local",
                "--jobs",
                "2",
                "--as-of",
                AS_OF,
            ]
        )
        == 0
    )
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_dask_worker_killed_mid_run(tmp_path):
    """A worker dies while chunks are in flight: every member is written exactly once."""
    distributed = pytest.importorskip("distributed")
    import datetime as _dt

    rows = members(400)
    chunks = [
        [(i + 1, json.dumps(r)) for i, r in enumerate(rows)][k : k + 20] for k in range(0, 400, 20)
    ]
    spec = RuleSpec.of(netrules.load_rules())
    as_of = _dt.date(2026, 11, 1)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        pids = list(client.run(os.getpid).values())
        out: list[str] = []
        for k, (lines, _bad, _n, _sev) in enumerate(
            batch_cli._dask(spec, as_of, "in", iter(chunks), cluster.scheduler_address, 2)
        ):
            out.extend(lines.decode().split("\n")[:-1])  # joined and encoded by the worker
            if k == 1:
                os.kill(pids[0], signal.SIGKILL)  # the nanny restarts it; its tasks rerun
    want = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in expected_lines(rows)]
    assert out == want


def test_dask_chunks_spread_over_every_worker(tmp_path):
    """The rule set is on every worker (a plugin), so chunks do not all go to one."""
    distributed = pytest.importorskip("distributed")
    import datetime as _dt

    rows = members(200)
    chunks = [
        [(i + 1, json.dumps(r)) for i, r in enumerate(rows)][k : k + 10] for k in range(0, 200, 10)
    ]
    spec = RuleSpec.of(netrules.load_rules())
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        out: list[str] = []
        for lines, _bad, _n, _sev in batch_cli._dask(
            spec, _dt.date(2026, 11, 1), "in", iter(chunks), cluster.scheduler_address, 2
        ):
            out.extend(lines.decode().split("\n")[:-1])
        done = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert all(count > 0 for count in done.values()), done
    want = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in expected_lines(rows)]
    assert out == want


def test_worker_output_is_the_file_bytes(tmp_path: Path) -> None:
    """A worker returns its chunk's output joined and encoded; the writer stores it as is,
    and a line whose text holds U+2028 or a line break stays one line."""
    from netrules.batch import encoded

    lines = ['{"m":"a\u2028b"}', '{"m":"x\\ny"}', '{"m":"é"}']
    payload, bad, members, sev = encoded((lines, [], 3, {"info": 3}))
    assert payload == ("\n".join(lines) + "\n").encode()
    assert (bad, members, sev) == ([], 3, {"info": 3})
    assert encoded(([], [], 0, {}))[0] == b""
    writer = batch_cli._JsonlWriter(tmp_path / "o.jsonl")
    writer.write(payload)
    writer.write(lines)
    writer.close()
    text = (tmp_path / "o.jsonl").read_text(encoding="utf-8")
    assert text.split("\n")[:-1] == lines + lines
