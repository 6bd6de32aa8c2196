"""docs/authoring.md as a rule author follows it: the sample rule is formatted, lint-clean,
fully covered; the pre-commit hooks name real commands."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from netrules.fmt import format_text

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")


def _sample(tmp_path: Path) -> Path:
    (text,) = re.findall(r"```netrules\n(.*?)```", DOC, re.S)
    folder = tmp_path / "rules"
    folder.mkdir()
    path = folder / "mine.rules"
    path.write_text(text, encoding="utf-8")
    return folder


def test_the_sample_rule_is_formatted_clean_and_covered(run, tmp_path: Path) -> None:
    """fmt --check, lint and test --coverage all succeed on the sample of section 1."""
    folder = _sample(tmp_path)
    assert run("fmt", "--check", str(folder)).code == 0
    lint = run("lint", str(folder))
    assert (lint.code, lint.out) == (0, "")
    tested = run("test", "--no-default-rules", "--coverage", str(folder))
    assert tested.code == 0
    assert "1 of 1 rules fully covered" in tested.out


def test_pre_commit_hooks_name_real_commands(run) -> None:
    """Each hook of .pre-commit-hooks.yaml runs a netrules sub-command that exists."""
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    ids = re.findall(r"^- id: (\S+)", text, re.M)
    assert ids == ["netrules-fmt", "netrules-lint", "netrules-test"]
    for entry in re.findall(r"^  entry: (.+)$", text, re.M):
        program, command = shlex.split(entry)
        assert program == "netrules"
        assert run(command, "--help").code == 0
    assert all(f"id: {i}" in DOC for i in ids)


def test_formatting_keeps_the_sample(tmp_path: Path) -> None:
    """The sample is already in the canonical layout."""
    folder = _sample(tmp_path)
    text = (folder / "mine.rules").read_text(encoding="utf-8")
    assert format_text(text) == text
