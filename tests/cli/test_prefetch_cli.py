"""``netrules check`` reads the export archive on a second thread while it starts up
(netrules/prefetch.py): the same report byte for byte, the same errors, and no thread
left when the command ends (cli.run() exits at once only when none is)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from netrules import cli, prefetch


def _threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "netrules-prefetch"]


@pytest.fixture(scope="module")
def export_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from benchmarks import generate

    folder = tmp_path_factory.mktemp("export")
    generate.write_archive(folder, generate.archive_files(2_000, seed=3))
    return next(folder.glob("*.zip"))


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    names: list[str] = []
    take = prefetch.Prefetch.take

    def spy(self: prefetch.Prefetch, info: Any, st: Any) -> bytes | None:
        data = take(self, info, st)
        if data is not None:
            names.append(info.filename)
        return data

    monkeypatch.setattr(prefetch.Prefetch, "take", spy)
    monkeypatch.setattr(prefetch, "START_FROM", 0)
    monkeypatch.setattr(prefetch, "PREFETCH_FROM", 0)
    yield names
    assert prefetch._pending is None
    assert not _threads(), "a prefetch thread outlived the command"


def _check(words: list[str], *, fetch: bool, capsys: pytest.CaptureFixture[str]) -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prefetch, "ENABLED", fetch)
        code = cli.main(words)
    assert prefetch._pending is None and not _threads()
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_same_report_with_and_without_the_thread(
    export_zip: Path,
    tmp_path: Path,
    fmt: str,
    taken: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    reports = []
    for fetch in (True, False):
        out = tmp_path / f"{fetch}.{fmt}"
        words = ["check", str(export_zip), "--format", fmt, "-o", str(out), "--fail-on", "never"]
        assert _check(words, fetch=fetch, capsys=capsys)[0] == 0
        reports.append(out.read_bytes())
    assert reports[0] == reports[1]
    assert {"Connections.csv", "messages.csv", "Invitations.csv"} <= set(taken)


def test_same_errors_and_no_thread_left(
    export_zip: Path, tmp_path: Path, taken: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A check that never loads the archive (a rule error, bad arguments), or loads
    another file than the guess: the thread is stopped, the outcome the same."""
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(export_zip.read_bytes()[:-200])
    other = tmp_path / "other.zip"
    other.write_bytes(export_zip.read_bytes())
    cases = [
        ["check", str(export_zip), "--rules", str(tmp_path / "missing.nr")],
        ["check", str(export_zip), "--no-such-option"],
        ["check", str(damaged)],
        ["check", "-o", str(other), str(damaged)],  # (the guess is the wrong file)
    ]
    for words in cases:
        outcomes = [_check(words, fetch=fetch, capsys=capsys) for fetch in (True, False)]
        assert outcomes[0] == outcomes[1]
        assert outcomes[0][0] == 2
    assert not taken
