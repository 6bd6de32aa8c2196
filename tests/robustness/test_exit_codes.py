"""Exit codes: 0 clean, 1 findings, 2 unusable input or rules, 3 a bug in netrules."""

from __future__ import annotations

import io
import sys

import pytest

from netrules import cli


def _boom(*_args, **_kwargs):
    raise ZeroDivisionError("simulated bug")


@pytest.mark.parametrize("command", ["check", "rules", "explain", "test"])
def test_internal_error_exits_3_without_traceback(monkeypatch, capsys, command):
    """Any unexpected exception in any command is exit 3, one line, no traceback."""
    monkeypatch.setitem(cli._COMMANDS, command, _boom)
    argv = {"check": ["check", "--demo"], "explain": ["explain", "x"]}.get(command, [command])
    assert cli.main(argv) == 3
    err = capsys.readouterr().err
    assert "this is a bug in netrules, please report it" in err
    assert "ZeroDivisionError" in err
    assert "Traceback" not in err
    assert err.count("\n") == 1


def test_netrules_debug_shows_the_traceback(monkeypatch, capsys):
    """NETRULES_DEBUG=1 adds the traceback of an internal error."""
    monkeypatch.setitem(cli._COMMANDS, "rules", _boom)
    monkeypatch.setenv("NETRULES_DEBUG", "1")
    assert cli.main(["rules"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert "simulated bug" in err


def test_memory_error_is_an_input_problem(monkeypatch, capsys):
    """Running out of memory or stack is reported as too large (exit 2), not a bug."""

    def exhaust(*_args):
        raise MemoryError

    monkeypatch.setitem(cli._COMMANDS, "rules", exhaust)
    assert cli.main(["rules"]) == 2
    assert "too large or too deeply nested" in capsys.readouterr().err


class _Pipe(io.StringIO):
    def isatty(self) -> bool:
        return False


def test_force_color_colours_a_pipe(monkeypatch):
    """FORCE_COLOR colours output that is not a terminal; NO_COLOR wins over it."""
    monkeypatch.delenv("TERM", raising=False)
    assert cli._colour("auto", _Pipe()) is False
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert cli._colour("auto", _Pipe()) is True
    assert cli._colour("never", _Pipe()) is False
    monkeypatch.setenv("FORCE_COLOR", "0")
    assert cli._colour("auto", _Pipe()) is False
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli._colour("auto", _Pipe()) is False


def test_force_color_reaches_the_report(monkeypatch, capsys):
    """With FORCE_COLOR the piped text report carries ANSI colour codes."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setattr(sys, "stdout", _Pipe())
    cli.main(["check", "--demo"])
    assert "\x1b[" in sys.stdout.getvalue()
