"""netrules fmt: the canonical layout (golden files), the pack, the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from netrules.fmt import clause_order, format_file, format_text
from netrules.parser import parse_file
from netrules.ruleset import bundled_rules_dir
from netrules.strategies import strip_spans

GOLDEN = Path(__file__).resolve().parent / "golden"
PACK = sorted(bundled_rules_dir().glob("*.rules"))


@pytest.mark.parametrize("name", ["fmt", "fmt_comments"])
def test_layout_matches_the_golden_file(name: str, golden) -> None:
    """A hand-written file in no particular layout formats to the golden output."""
    source = (GOLDEN / f"{name}_input.rules").read_text(encoding="utf-8")
    out = format_text(source)
    golden(f"{name}_output.rules", out)
    assert format_text(out) == out
    a, _ = parse_file(source)
    b, _ = parse_file(out)
    assert strip_spans(a) == strip_spans(b)


def test_every_comment_of_the_golden_input_is_kept() -> None:
    """Each comment line of the input appears in the output."""
    for name in ("fmt", "fmt_comments"):
        source = (GOLDEN / f"{name}_input.rules").read_text(encoding="utf-8")
        out = format_text(source)
        comments = [line[line.index("#") :] for line in source.splitlines() if "#" in line]
        for comment in comments:
            assert comment.strip() in out


def test_clause_order_comes_from_the_grammar() -> None:
    """The canonical clause order is the grammar's ``?clause:`` list: title first, examples last."""
    order = clause_order()
    assert order[0] == "title" and order[-1] == "example"
    assert order.index("when") < order.index("message") < order.index("evidence")


@pytest.mark.parametrize("path", PACK, ids=lambda p: p.name)
def test_pack_formats_to_the_same_program(path: Path) -> None:
    """Formatting a bundled file keeps its syntax tree and is idempotent."""
    text = path.read_text(encoding="utf-8")
    out = format_text(text, str(path))
    a, _ = parse_file(text)
    b, diags = parse_file(out)
    assert not diags
    assert strip_spans(a) == strip_spans(b)
    assert format_text(out) == out
    assert text.count("#") <= out.count("#")


@pytest.mark.parametrize("path", PACK, ids=lambda p: p.name)
def test_pack_is_kept_formatted(path: Path) -> None:
    """Every bundled rule file is already in the canonical layout."""
    assert not format_file(path.read_text(encoding="utf-8"), str(path)).changed


def test_a_file_that_does_not_parse_is_left_alone() -> None:
    """A syntax error gives the parser's diagnostic and no text."""
    result = format_file('rule "x" {\n  when\n}\n', "bad.rules")
    assert result.text is None
    assert [d.code for d in result.diagnostics] == ["NR101"]
    assert result.diagnostics[0].line == 3


def test_empty_and_comment_only_files() -> None:
    """An empty file stays empty; a comment-only file keeps its comments."""
    assert format_text("") == ""
    assert format_text("\n\n") == ""
    assert format_text("# only\n\n\n# comments\n") == "# only\n\n# comments\n"


@pytest.mark.parametrize(
    "inside",
    [
        '{  # note\n id: "c1" }',  # after the record's opening brace (found by hypothesis)
        '{ id: "c1",  # note\n connected_on: "2024-01-01" }',  # after a comma
        '{ id: "c1"  # note\n }',  # before the closing brace
        '{\n# note\n id: "c1" }',  # on a line of its own
    ],
)
def test_a_comment_inside_a_table_row_is_kept_once(inside: str) -> None:
    """A record that would be a one-line table row but holds a comment is laid out as a
    record, and the comment survives once (it was lost when the row was tried first)."""
    src = f'rule "r" {{\n  message "x"\n  example passes {{ connections: [{inside}] }}\n}}\n'
    out = format_text(src)
    assert out.count("# note\n") == 1, out
    assert format_text(out) == out
    a, _ = parse_file(src)
    b, _ = parse_file(out)
    assert strip_spans(a) == strip_spans(b)


def test_long_conditions_break_before_the_operator() -> None:
    """A long ``or`` chain is broken before each ``or``, indented under its clause."""
    cond = " or ".join(f"member.connection_count == {i}000" for i in range(6))
    out = format_text(f'rule "r" {{ when {cond} }}')
    lines = out.splitlines()
    assert lines[1] == "  when member.connection_count == 0000" or lines[1].startswith("  when ")
    assert all(line.startswith("    or ") for line in lines[2:-1])


# ---- the command line
def test_check_reports_unformatted_files(run, tmp_path: Path) -> None:
    """--check writes nothing and exits 1 when a file would change, 0 when none would."""
    bad = tmp_path / "a.rules"
    bad.write_text("param  x=1\n", encoding="utf-8")
    good = tmp_path / "b.rules"
    good.write_text("param y = 2\n", encoding="utf-8")
    result = run("fmt", "--check", str(tmp_path))
    assert result.code == 1
    assert f"would reformat {bad}" in result.err
    assert "1 file would be reformatted, 1 unchanged" in result.err
    assert bad.read_text(encoding="utf-8") == "param  x=1\n"
    assert run("fmt", "--check", str(good)).code == 0


def test_fmt_rewrites_files_in_place(run, tmp_path: Path) -> None:
    """Without --check the file is rewritten and the command succeeds."""
    path = tmp_path / "a.rules"
    path.write_text("param  x=1 # one\n", encoding="utf-8")
    result = run("fmt", str(path))
    assert result.code == 0
    assert path.read_text(encoding="utf-8") == "param x = 1  # one\n"
    assert "1 file reformatted, 0 unchanged" in result.err


def test_diff_shows_the_change(run, tmp_path: Path) -> None:
    """--diff prints a unified diff (no colour when not on a terminal) and writes nothing."""
    path = tmp_path / "a.rules"
    path.write_text("param  x=1\n", encoding="utf-8")
    result = run("fmt", "--diff", str(path))
    assert result.code == 0
    assert "-param  x=1\n+param x = 1\n" in result.out
    assert "\x1b[" not in result.out
    coloured = run("fmt", "--diff", "--color", "always", str(path))
    assert "\x1b[" in coloured.out


def test_syntax_errors_exit_2_with_the_diagnostic(run, tmp_path: Path) -> None:
    """A file that does not parse is reported in full and not rewritten."""
    path = tmp_path / "bad.rules"
    path.write_text('rule "x" {\n', encoding="utf-8")
    result = run("fmt", str(path))
    assert result.code == 2
    assert "error[NR101]" in result.err
    assert path.read_text(encoding="utf-8") == 'rule "x" {\n'


def test_missing_file_is_an_error_not_a_traceback(run, tmp_path: Path) -> None:
    """A path that does not exist exits 2 with one line."""
    result = run("fmt", str(tmp_path / "nope.rules"))
    assert result.code == 2
    assert "no such file" in result.err
    assert "Traceback" not in result.err


def test_stdin_to_stdout(monkeypatch, run) -> None:
    """``fmt -`` reads standard input and writes the formatted text to standard output."""
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("param  x=1\n"))
    result = run("fmt", "-")
    assert (result.code, result.out) == (0, "param x = 1\n")


def _cpu_of(args: list[str], env: dict[str, str]) -> float:
    before = os.times()
    subprocess.run(args, capture_output=True, check=False, env=env)
    after = os.times()
    return (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def test_whole_pack_in_a_new_process_is_fast(tmp_path: Path) -> None:
    """``netrules fmt --check`` over the bundled pack in a fresh interpreter: under 1 s of CPU.

    CPU time, not wall time, so that a busy machine does not fail the test.  The first
    run formats every file (a looser bound: a loaded machine inflates even CPU time);
    the second finds them in the formatting cache.
    """
    env = {**os.environ, "NETRULES_CACHE_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "netrules", "fmt", "--check", str(bundled_rules_dir())]
    cold = _cpu_of(command, env)
    warm = _cpu_of(command, env)
    assert cold < 2.0, f"{cold:.2f} s"
    assert warm < 1.0, f"{warm:.2f} s"


def test_the_rule_files_in_authoring_docs_are_formatted() -> None:
    """The rule samples of docs/authoring.md are already in the canonical layout."""
    import re

    doc = (Path(__file__).resolve().parents[2] / "docs" / "authoring.md").read_text("utf-8")
    samples = re.findall(r"```netrules\n(.*?)```", doc, re.S)
    assert samples
    for sample in samples:
        assert format_text(sample) == sample


def test_a_tampered_cache_entry_is_ignored(tmp_path: Path, monkeypatch) -> None:
    """An entry whose tag does not match (written by someone else) is never used."""
    from netrules.fmt import format_cached

    monkeypatch.setenv("NETRULES_CACHE_DIR", str(tmp_path))
    text = "param  x=1\n"
    assert format_cached(text).text == "param x = 1\n"
    (entry,) = tmp_path.glob("*.fmt")
    tag, _, body = entry.read_bytes().partition(b"\n")
    entry.write_bytes(tag + b"\n" + body.replace(b"param x = 1", b"param x = 666"))
    assert format_cached(text).text == "param x = 1\n"
    assert format_cached(text).text == "param x = 1\n"


def _doc_samples() -> list:
    import re

    root = Path(__file__).resolve().parents[2]
    out = []
    for md in sorted((root / "docs").glob("*.md")):
        for i, text in enumerate(re.findall(r"```netrules\n(.*?)```", md.read_text("utf-8"), re.S)):
            out.append(pytest.param(text, id=f"{md.name}#{i}"))
    return out


@pytest.mark.parametrize("text", _doc_samples())
def test_every_rule_sample_in_the_docs_formats_to_the_same_program(text: str) -> None:
    """Each ```netrules block of docs/ formats idempotently to the same syntax tree."""
    a, diags = parse_file(text)
    result = format_file(text)
    if a is None or diags or result.text is None:
        return  # a sample that shows an error on purpose
    b, _ = parse_file(result.text)
    assert strip_spans(a) == strip_spans(b)
    assert format_text(result.text) == result.text
