"""Authoring-tool test helpers: run ``main`` in-process, golden files.

Rewrite the golden files with ``NETRULES_UPDATE_GOLDEN=1 pytest tests/authoring``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

import pytest

from netrules.cli import main

GOLDEN = Path(__file__).resolve().parent / "golden"


class Result(NamedTuple):
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys):
    """run(*args) -> Result(code, out, err) of ``netrules *args`` run in-process."""

    def call(*args: str) -> Result:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return call


@pytest.fixture
def golden():
    """golden(name, text): compare with tests/authoring/golden/NAME (or rewrite it)."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if os.environ.get("NETRULES_UPDATE_GOLDEN") or not path.exists():
            path.write_text(text, encoding="utf-8")
        assert text == path.read_text(encoding="utf-8"), f"golden file {name} differs"

    return check
