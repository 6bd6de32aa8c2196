"""Every code sample in README.md and docs/*.md works as printed.

```python blocks run (cwd = repo root, a fresh namespace per block); ```netrules blocks
load with load_rules(texts=[(name, text)]) and all their inline examples must pass.  A
netrules block gets the bundled pack too when it overrides (``set``/``disable``) or refers
to a bundled name it does not declare.  Other fences (sh, text, toml, json, ...) are prose.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

import netrules
from netrules import nodes as n
from netrules.parser import parse_file

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)[^\n]*$")


def blocks(path: Path) -> list[tuple[str, int, str]]:
    """(language, line of the opening fence, text) of every fenced block in a markdown file."""
    out = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, lang, start = m.group(1), m.group(2).lower(), i + 1
        i += 1
        body = []
        while i < len(lines) and not (
            lines[i].strip().startswith(fence[0] * len(fence))
            and lines[i].strip().strip(fence[0]) == ""
        ):
            body.append(lines[i])
            i += 1
        i += 1
        out.append((lang, start, "\n".join(body) + "\n"))
    return out


def collect(lang: str) -> list[pytest.param]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return [
        pytest.param(text, id=f"{path.relative_to(ROOT).as_posix()}:{line}")
        for path in files
        if path.exists()
        for kind, line, text in blocks(path)
        if kind == lang
    ]


@functools.cache
def bundled_names() -> frozenset[str]:
    """Names the bundled pack declares: parameters, tables, definitions, advice, rule ids."""
    rules = netrules.load_rules()
    prog = rules.program
    return frozenset([*prog.params, *prog.tables, *prog.defines, *prog.advice, *rules.rule_ids()])


def needs_bundled_pack(text: str) -> bool:
    if re.search(r"^\s*(set|disable)\s", text, re.MULTILINE):
        return True
    rule_file, _ = parse_file(text, "block.rules")
    declared = set()
    for item in rule_file.items if rule_file else ():
        if isinstance(item, (n.Param, n.Advice, n.Table, n.Define)):
            declared.add(item.name)
        elif isinstance(item, n.Rule):
            declared.add(item.id)
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    words |= set(re.findall(r'"([a-z][a-z0-9-]*)"', text))
    return bool((words - declared) & bundled_names())


@pytest.mark.parametrize("code", collect("python"))
def test_python_block_runs(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The block runs from the repository root without raising."""
    monkeypatch.chdir(ROOT)
    exec(compile(code, "<docs>", "exec"), {"__name__": "__docs__"})


@pytest.mark.parametrize("text", collect("netrules"))
def test_netrules_block_loads_and_its_examples_pass(text: str) -> None:
    """The rule text loads (with the bundled pack if it builds on it) and its examples pass."""
    rules = netrules.load_rules(
        texts=[("block.rules", text)], include_default=needs_bundled_pack(text)
    )
    failures = []
    for case in rules.examples():
        if case.path != "block.rules":
            continue
        result = rules.run_example(case)
        if not result.ok:
            failures.append((case.name, result.missing, result.unexpected))
    assert [] == failures


def test_fence_parser_finds_blocks(tmp_path: Path) -> None:
    """The collector sees each fence's language and opening line, including longer fences."""
    md = tmp_path / "x.md"
    md.write_text(
        "# t\n```python\nx = 1\n```\n\n````netrules\n```\n````\n```\nplain\n```\n", encoding="utf-8"
    )
    assert [("python", 2, "x = 1\n"), ("netrules", 6, "```\n"), ("", 9, "plain\n")] == blocks(md)


def _language_md() -> str:
    return (ROOT / "docs" / "language.md").read_text(encoding="utf-8")


def test_every_diagnostic_code_in_the_source_is_in_the_code_table() -> None:
    """Each NRxxx code the package can emit has a row in language.md's diagnostic table."""
    used = set()
    for path in (ROOT / "src" / "netrules").rglob("*.py"):
        used |= set(re.findall(r'"(NR\d{3})"', path.read_text(encoding="utf-8")))
    documented = set(re.findall(r"^\| (NR\d{3}) \|", _language_md(), re.MULTILINE))
    assert (set(), set()) == (used - documented, documented - used)


def test_every_fact_field_is_documented() -> None:
    """language.md names every root and every field of the fact model (schema.FIELDS)."""
    from netrules.schema import FIELDS, ROOTS

    text = _language_md()
    missing = [
        f"{record}.{name}"
        for record, fields in FIELDS.items()
        for name in fields
        if f"`{name}`" not in text
    ]
    missing += [root for root in ROOTS if f"`{root}`" not in text]
    assert [] == missing


def test_every_function_is_documented() -> None:
    """language.md has a row for every built-in function."""
    from netrules.schema import FUNCTIONS

    text = _language_md()
    assert [] == [name for name in FUNCTIONS if f"`{name}(" not in text]
