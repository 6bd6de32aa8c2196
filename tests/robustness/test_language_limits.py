"""Hostile rule files against the language's limits: each at the limit and just past it.

Every limit of docs/semantics.md ("Limits") is exercised at its value (the rule
set loads, compiles and evaluates right) and one step past it (a positioned NR
diagnostic, never a traceback).  The big inputs run in a subprocess under 1 GiB
of memory and a CPU-time limit.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import netrules
from netrules import checker as checker_module
from netrules.parser import parse_file

resource = pytest.importorskip("resource")  # POSIX only

MEMORY = 1024 * 1024 * 1024
CPU_SECONDS = 20


def rule(when: str, *, each: str | None = None, message: str = "m") -> str:
    loop = f"  for each {each}\n" if each else ""
    return f'rule "r" {{\n  title "t"\n  severity info\n{loop}  when {when}\n  message "{message}"\n}}\n'


def load(text: str) -> netrules.RuleSet:
    return netrules.load_rules(include_default=False, texts=[("h.rules", text)])


def codes(text: str) -> list[str]:
    try:
        load(text)
    except netrules.RuleError as err:
        return [d.code for d in err.diagnostics if d.severity == "error"]
    return []


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NETRULES_DEBUG"}
    env["NETRULES_CACHE_DIR"] = ""
    return subprocess.run(
        [sys.executable, "-m", "netrules", *args],
        capture_output=True,
        check=False,
        text=True,
        timeout=CPU_SECONDS * 3,
        preexec_fn=_limits,
        env=env,
    )


# ---------------------------------------------------------------- nesting and code generation
def nested_and_or(levels: int) -> str:
    cond = "c.last_interaction_on < as_of"
    for i in range(levels):
        op = "and" if i % 2 else "or"
        cond = f'c.name == "n{i}" {op} ({cond})'
    return cond


def deepest(accepts) -> int:
    """The largest level count ``accepts`` takes (bisection; accepts(1) holds)."""
    low, high = 1, 400
    while low < high:
        mid = (low + high + 1) // 2
        if accepts(mid):
            low = mid
        else:
            high = mid - 1
    return low


def _python_value(levels: int, name: str | None, last: str | None) -> bool | None:
    value = None if last is None else last < "2025-01-01"
    for i in range(levels):
        side = None if name is None else name == f"n{i}"
        if i % 2:
            value = False if False in (side, value) else (None if None in (side, value) else True)
        else:
            value = True if True in (side, value) else (None if None in (side, value) else False)
    return value


def test_deepest_text_nesting_compiles_and_evaluates_right() -> None:
    """At the text nesting limit and/or compiles (helper functions) and keeps 3-valued logic;
    one level deeper is NR103."""

    def text(k: int) -> str:
        return rule(nested_and_or(k), each="c in connections")

    limit = deepest(lambda k: not parse_file(text(k), "h.rules")[1])
    assert limit >= 45  # ~67 levels used to crash Python's parser
    rules = load(text(limit))
    assert "def _s" in rules.source  # the deep condition was split
    connections = [
        {"id": f"c{i}", "name": name, "last_interaction_on": last}
        for i, (name, last) in enumerate(
            (name, last)
            for name in (None, "n0", "n1", f"n{limit - 1}", f"n{limit - 2}", "other")
            for last in (None, "2024-01-01", "2026-01-01")
        )
    ]
    report = rules.evaluate(
        {"member": {"connection_count": 18}, "connections": connections},
        as_of="2025-01-01",
    )
    fired = {f.subject.id for f in report.findings}
    expected = {
        c["id"]
        for c in connections
        if _python_value(limit, c["name"], c["last_interaction_on"]) is True
    }
    assert expected == fired
    assert ["NR103"] == codes(text(limit + 1))


def not_chain(levels: int) -> str:
    lines = ["define n0(x) = not x"]
    lines += [f"define n{i}(x) = not n{i - 1}(x)" for i in range(1, levels)]
    return "\n".join(lines) + "\n" + rule(f'n{levels - 1}(c.name == "a")', each="c in connections")


def test_deepest_chain_of_definitions_compiles_and_past_it_is_nr103() -> None:
    """`not` through a chain of definitions: at the limit it runs, one deeper is NR103."""
    limit = deepest(lambda k: codes(not_chain(k)) == [])
    assert limit >= 60
    rules = load(not_chain(limit))
    connections = [{"id": "a", "name": "a"}, {"id": "b", "name": "b"}, {"id": "c"}]
    report = rules.evaluate({"member": {"connection_count": 3}, "connections": connections})
    fired = {f.subject.id for f in report.findings}
    assert ({"a"} if limit % 2 == 0 else {"b"}) == fired
    assert "NR103" in codes(not_chain(limit + 1))


# ---------------------------------------------------------------- expansion and strings
def doubling(levels: int) -> str:
    lines = ["define e0(x) = x"]
    lines += [f"define e{i}(x) = e{i - 1}(x) and e{i - 1}(x)" for i in range(1, levels)]
    return "\n".join(lines) + "\n" + rule(f"e{levels - 1}(member.connection_count > 1)")


def test_expansion_at_the_limit_loads_and_past_it_is_nr209(monkeypatch) -> None:
    """The expansion budget: the exact size of a rule set fits, one node less does not."""
    # the checker is patched in this process: no compiled rule set from the cache
    monkeypatch.setenv("NETRULES_CACHE_DIR", "")
    text = doubling(6)
    seen: list[int] = []
    original = checker_module.Checker.run

    def spy(self):
        program = original(self)
        seen.append(self.expanded)
        return program

    monkeypatch.setattr(checker_module.Checker, "run", spy)
    load(text)
    size = seen[-1]
    monkeypatch.setattr(checker_module, "MAX_EXPANSION", size)
    assert [] == codes(text)
    monkeypatch.setattr(checker_module, "MAX_EXPANSION", size - 1)
    assert ["NR209"] == codes(text)


def test_exponential_definitions_are_refused_fast() -> None:
    """18 lines that once took 24 s and 3.5 GB: NR209 at a call, under hard limits."""
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"nr209-{os.getpid()}.rules")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(doubling(18))
    try:
        result = run_cli("rules", "--no-default-rules", "--rules", path)
    finally:
        os.unlink(path)
    assert 2 == result.returncode, result.stderr
    assert "error[NR209]" in result.stderr and "Traceback" not in result.stderr


def test_string_growth_at_the_limit_and_past_it() -> None:
    """Literal characters: exactly MAX_STRING_CHARS joins, one more is NR210 at the '+'."""
    half = checker_module.MAX_STRING_CHARS // 2
    fits = f'define s = "{"a" * half}" + "{"a" * half}"\n' + rule('s == "x"')
    past = f'define s = "{"a" * half}" + "{"a" * (half + 1)}"\n' + rule('s == "x"')
    assert [] == codes(fits)
    with pytest.raises(netrules.RuleError) as info:
        load(past)
    d = info.value.diagnostics[0]
    assert ("NR210", 1, 12) == (d.code, d.line, d.column)


def test_joined_values_at_the_limit_and_past_it() -> None:
    """Input values: MAX_STRING_COPIES joined fit, one more is NR210."""
    n = checker_module.MAX_STRING_COPIES
    head = 'define h = lower(member.headline ?? "")\n'
    fits = head + "define s = " + " + ".join(["h"] * n) + "\n" + rule('s == "x"')
    past = head + "define s = " + " + ".join(["h"] * (n + 1)) + "\n" + rule('s == "x"')
    assert [] == codes(fits)
    assert ["NR210"] == codes(past)


def test_doubling_strings_are_refused() -> None:
    """41 lines doubling a string (a terabyte at run time) are NR210 before anything runs."""
    lines = ['define s0 = "ab"'] + [f"define s{i} = s{i - 1} + s{i - 1}" for i in range(1, 41)]
    assert ["NR210"] == codes("\n".join(lines) + "\n" + rule('s40 == "x"'))


# ---------------------------------------------------------------- aggregates over a group
GROUP = "c in connections group by c.company as company"


@pytest.mark.parametrize(
    "when",
    [
        "count(x in group where count(y in group where y.name == x.name) > 1) > 0",
        'count(x in group where sum(y in group : length(y.name ?? "")) > 1) > 0',
        "any(x in group : any(y in group : y.company == company))",
    ],
    ids=["reads-outer-variable", "reruns-over-group", "reads-key-inside-nested"],
)
def test_nested_aggregates_over_a_group_are_nr205(when: str) -> None:
    """An aggregate inside another one over the group would be quadratic: NR205."""
    assert "NR205" in codes(rule(when, each=GROUP))


def test_one_aggregate_over_a_group_may_read_the_key() -> None:
    """Once per group, reading the key is linear: accepted."""
    assert [] == codes(rule("count(x in group where x.company == company) > 1", each=GROUP))


# ---------------------------------------------------------------- size of messages and output
def placeholders(n: int) -> str:
    return rule("true", message=" ".join("{member.connection_count:2}" for _ in range(n)))


def test_message_with_thousands_of_placeholders_compiles_and_formats() -> None:
    """1,500 placeholders compile (f-strings in chunks) and format each value."""
    rules = load(placeholders(1500))
    report = rules.evaluate({"member": {"connection_count": 3}})
    assert " ".join(["3.00"] * 1500) == report.findings[0].message


def test_hostile_file_prints_bounded_output(tmp_path) -> None:
    """A 100 KB one-line file full of mistakes prints a bounded amount, not its square."""
    line = " ".join(
        f'rule "r{i}" {{ title "t" severity info when zz{i} message "m" }}' for i in range(2500)
    )
    path = tmp_path / "long.rules"
    path.write_text(line, encoding="utf-8")
    result = run_cli("rules", "--no-default-rules", "--rules", str(path))
    assert 2 == result.returncode
    assert "Traceback" not in result.stderr
    assert len(result.stderr) < 60_000, len(result.stderr)
    assert "more diagnostics" in result.stderr


def test_did_you_mean_over_thousands_of_names_is_bounded(tmp_path) -> None:
    """600 parameters and 600 misspelt uses: did-you-mean stays within its budget."""
    names = [f"limit_{i:05d}" for i in range(600)]
    text = "\n".join(f"param {name} = {i}" for i, name in enumerate(names)) + "\n"
    text += "\n".join(
        f'rule "r{i}" {{ title "t" severity info when x{name} > 1 message "m" }}'
        for i, name in enumerate(names)
    )
    path = tmp_path / "names.rules"
    path.write_text(text, encoding="utf-8")
    result = run_cli("rules", "--no-default-rules", "--rules", str(path))
    assert 2 == result.returncode and "Traceback" not in result.stderr
    assert "did you mean 'limit_00000'?" in result.stderr
