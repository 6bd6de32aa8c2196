"""``import netrules`` is lazy: the public names load their module on first use."""

from __future__ import annotations

import subprocess
import sys

import netrules


def test_every_public_name_resolves() -> None:
    assert set(netrules.__all__) == set(netrules._MODULE)
    for name in netrules.__all__:
        assert getattr(netrules, name) is not None
    assert set(netrules.__all__) <= set(dir(netrules))


def test_unknown_name_is_an_attribute_error() -> None:
    try:
        netrules.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("no AttributeError")


def test_import_loads_no_engine() -> None:
    """What ``netrules fmt`` relies on for its start-up (docs/performance.md, issue 13)."""
    code = (
        "import sys, netrules, netrules.fmt; "
        "print(sorted(m for m in ('netrules.ruleset', 'netrules.compiler', "
        "'netrules.checker', 'netrules.findings', 'attrs') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_check_builds_only_its_own_parser(tmp_path) -> None:
    """``netrules check`` (timed end to end) imports neither the authoring nor the
    batch commands; ``netrules --help`` still lists every command."""
    out_file = tmp_path / "report.json"
    code = (
        "import sys\n"
        "from netrules.cli import main\n"
        f"code = main(['check', '--demo', '--format', 'json', '-o', {str(out_file)!r}])\n"
        "print(code, sorted(m for m in ('netrules.authoring', 'netrules.batch_cli') "
        "if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split(" ", 1)[1].strip() == "[]"
    assert out_file.read_text(encoding="utf-8").startswith("{")
    helped = subprocess.run(
        [sys.executable, "-m", "netrules", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("check", "fmt", "lint", "batch", "test", "explain", "diff", "rules"):
        assert command in helped.stdout
