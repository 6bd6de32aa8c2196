"""CLI test helpers: run ``main`` in-process, fixture paths, golden files.

Rewrite the golden files with ``pytest tests/cli --update-golden`` or
``NETRULES_UPDATE_GOLDEN=1 pytest tests/cli``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

import pytest

from netrules.cli import main

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
GOLDEN = HERE / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/cli/golden/* from the current output",
    )


class Result(NamedTuple):
    code: int
    out: str
    err: str


@pytest.fixture
def fixture_path():
    """fixture_path(name) -> the path (str) of a file in tests/cli/fixtures."""
    return lambda name: str(FIXTURES / name)


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
def own_rules():
    """Arguments that load only the given fixture rule files (no bundled pack)."""

    def args(*names: str) -> list[str]:
        out = ["--no-default-rules"]
        for name in names or ("basic.rules",):
            out += ["--rules", str(FIXTURES / name)]
        return out

    return args


@pytest.fixture
def golden(request):
    """golden(name, text): compare text with tests/cli/golden/<name>, or rewrite it."""
    update = (
        request.config.getoption("update_golden", default=False)
        or os.environ.get("NETRULES_UPDATE_GOLDEN") == "1"
    )

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            if not update:
                pytest.fail(f"golden file {name} was missing and has been written; rerun")
        expected = path.read_text(encoding="utf-8")
        assert text == expected, (
            f"output differs from tests/cli/golden/{name}; rerun with "
            "--update-golden if the change is intended"
        )

    return check
