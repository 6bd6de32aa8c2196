"""Fuzzing rule files: every draw exits 0, 1 or 2, without a traceback, in bounded time.

Draws are text built from the language's words and symbols, raw bytes, and
mutations of the bundled pack's files (spans deleted, duplicated or swapped,
words and symbols inserted).  The default profile keeps it quick;
NETRULES_FUZZ_EXAMPLES=2000 runs a long session.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netrules import cli
from netrules.ruleset import bundled_rules_dir

EXAMPLES = int(os.environ.get("NETRULES_FUZZ_EXAMPLES", "15"))
PER_RUN_SECONDS = 10
PACK = {p.name: p.read_text(encoding="utf-8") for p in sorted(bundled_rules_dir().glob("*.rules"))}

WORDS = [
    "rule",
    "param",
    "define",
    "table",
    "advice",
    "set",
    "disable",
    "example",
    "title",
    "severity",
    "when",
    "message",
    "for",
    "each",
    "in",
    "where",
    "group",
    "by",
    "as",
    "lower",
    "to",
    "suppresses",
    "evidence",
    "fires",
    "passes",
    "aggregate",
    "and",
    "or",
    "not",
    "count",
    "sum",
    "any",
    "all",
    "collect",
    "peak",
    "within",
    "member",
    "connections",
    "c",
    "c.name",
    "as_of",
    "true",
    "false",
    "info",
    "warning",
    "error",
    "default",
    '"r"',
    '"{c.name}"',
    '"{x:pct}"',
    '"""a\n b"""',
    "2024-02-30",
    "90 days",
    "500+",
    "1..5",
    "80%",
    "12345678901234567890",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    ".",
    "==",
    "=",
    "<",
    "+",
    "-",
    "*",
    "/",
    "??",
    "#",
    "\n",
    "\r",
    "\t",
    " ",
    "\f",
    "\u2028",
    "\x00",
    "'",
    '"',
    "&&",
    "!",
]


def run(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.rules"
        path.write_bytes(data)
        out, err = io.StringIO(), io.StringIO()
        start = time.monotonic()
        with redirect_stdout(out), redirect_stderr(err):
            code = cli.main(["rules", "--no-default-rules", "--rules", str(path)])
        elapsed = time.monotonic() - start
    assert code in (0, 1, 2), (code, err.getvalue()[-2000:])
    assert "Traceback" not in err.getvalue()
    assert elapsed < PER_RUN_SECONDS, elapsed


@st.composite
def mutated_pack(draw) -> bytes:
    text = PACK[draw(st.sampled_from(sorted(PACK)))]
    for _ in range(draw(st.integers(1, 6))):
        if not text:
            break
        a = draw(st.integers(0, len(text) - 1))
        b = draw(st.integers(a, min(len(text), a + 200)))
        how = draw(st.sampled_from(["delete", "duplicate", "insert", "swap"]))
        if how == "delete":
            text = text[:a] + text[b:]
        elif how == "duplicate":
            text = text[:b] + text[a:b] + text[b:]
        elif how == "insert":
            text = text[:a] + draw(st.sampled_from(WORDS)) + text[a:]
        else:
            c = draw(st.integers(0, len(text) - 1))
            text = text[:a] + text[c : c + (b - a)] + text[b:]
    return text.encode("utf-8", "surrogatepass")


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(st.lists(st.sampled_from(WORDS), max_size=60).map(lambda ws: " ".join(ws).encode()))
def test_fuzz_words(data: bytes) -> None:
    """Text of the language's own words and symbols, in any order."""
    run(data)


@FUZZ
@given(st.binary(max_size=400))
def test_fuzz_bytes(data: bytes) -> None:
    """Arbitrary bytes (not UTF-8, NULs, BOMs)."""
    run(data)


@FUZZ
@given(mutated_pack())
def test_fuzz_mutated_pack(data: bytes) -> None:
    """The bundled pack's files with spans deleted, duplicated, swapped or inserted."""
    run(data)
