"""The memo of attrs' generated code (netrules.attrs_code): every class is what attrs
alone makes of it, code object for code object, whatever the process's hash seed, and
only a genuine entry of the cache folder is used (docs/performance.md, "Session of 1 Dec
14:00: imports and start-up")."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from types import CodeType
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from netrules import attrs_code

ROOT = Path(__file__).resolve().parent.parent.parent

# The modules of netrules that define attrs classes: first those a check imports (each
# writes what it compiled when it is imported), then the others
CHECK_PATH = (
    "netrules.model",
    "netrules.values",
    "netrules.findings",
    "netrules.loaders.derive",
)
MODULES = (
    *CHECK_PATH,
    "netrules.diagnostics",
    "netrules.nodes",
    "netrules.checker",
    "netrules.selection",
    "netrules.baseline",
    "netrules.diff",
    "netrules.example_cases",
    "netrules.explain",
    "netrules.lint",
    "netrules.testrun",
    "netrules.batch",
)


# Prints, for every attrs class of MODULES, the marshalled code of each method attrs
# generated, and what attrs_code did; with NO_MEMO set, attrs makes the classes alone
# (netrules.attrs_code is replaced by a module that does nothing).
def canon(code: CodeType) -> str:
    """Everything of a code object that says what it does and where (marshal's bytes
    would also show which constants happen to be shared)."""
    fields = (
        "co_name",
        "co_qualname",
        "co_filename",
        "co_firstlineno",
        "co_flags",
        "co_argcount",
        "co_posonlyargcount",
        "co_kwonlyargcount",
        "co_stacksize",
        "co_nlocals",
        "co_names",
        "co_varnames",
        "co_freevars",
        "co_cellvars",
    )
    return repr(
        (
            tuple(getattr(code, f) for f in fields),
            code.co_code.hex(),
            code.co_linetable.hex(),
            code.co_exceptiontable.hex(),
            tuple(
                canon(c) if hasattr(c, "co_code") else (type(c).__name__, repr(c))
                for c in code.co_consts
            ),
        )
    )


DUMP = (
    inspect.getsource(canon).replace(": CodeType) -> str:", "):")
    + """
import importlib, json, os, sys, types
if os.environ.get("NO_MEMO"):
    stub = types.ModuleType("netrules.attrs_code")
    stub.flush = lambda: None
    sys.modules["netrules.attrs_code"] = stub
import attrs
import pytest
out = {}
for name in sys.argv[1:]:
    module = importlib.import_module(name)
    for cls in vars(module).values():
        if not (isinstance(cls, type) and attrs.has(cls) and cls.__module__ == name):
            continue
        for attr, value in sorted(vars(cls).items()):
            code = getattr(value, "__code__", None)
            if code is not None and code.co_filename.startswith("<attrs generated"):
                out[f"{cls.__qualname__}.{attr}"] = canon(code)
stats = None if os.environ.get("NO_MEMO") else sys.modules["netrules.attrs_code"].stats
print(json.dumps({"code": out, "stats": stats}))
"""
)


def run(
    cache: Path | str, seed: int, *, memo: bool = True, modules: tuple[str, ...] = MODULES
) -> dict:
    env = dict(os.environ, NETRULES_CACHE_DIR=str(cache), PYTHONHASHSEED=str(seed))
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("NO_MEMO", None)
    if not memo:
        env["NO_MEMO"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", DUMP, *modules],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    result: dict = json.loads(done.stdout)
    return result


def test_classes_are_what_attrs_alone_makes_in_every_process(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = run(cache, 1)  # an empty folder: everything compiled, then kept
    assert first["stats"]["kept"] == 0
    classes = first["stats"]["compiled"]
    assert classes >= 60 and len(first["code"]) >= 3 * classes
    assert first["code"] == run(cache, 1, memo=False)["code"]
    assert list(cache.glob("*.attrs"))
    for seed in (2, 3):  # another hash seed: the kept code, its __hash__ renumbered
        again = run(cache, seed)
        assert again["stats"]["kept"] >= 20  # at least the check's twenty classes
        assert again["stats"]["kept"] + again["stats"]["compiled"] == classes
        alone = run(cache, seed, memo=False)["code"]
        assert again["code"] == alone
        assert again["code"] != first["code"]  # (the __hash__ numbers differ by seed)


def test_a_check_compiles_no_class_a_second_time(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    classes = run(cache, 1, modules=CHECK_PATH)["stats"]["compiled"]
    assert classes == 20
    for seed in (2, 3):
        again = run(cache, seed, modules=CHECK_PATH)
        assert again["stats"] == {"kept": classes, "compiled": 0}
        assert again["code"] == run(cache, seed, memo=False, modules=CHECK_PATH)["code"]


def test_only_a_genuine_entry_is_read(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    classes = run(cache, 1, modules=CHECK_PATH)["stats"]["compiled"]
    (entry,) = cache.glob("*.attrs")
    raw = entry.read_bytes()
    tag, _, body = raw.partition(b"\n")
    for damaged in (
        tag + b"\n" + body[:-1] + bytes([body[-1] ^ 1]),  # the body changed
        b"0" * len(tag) + b"\n" + body,  # another tag
        raw[: len(raw) // 2],  # cut short
        b"",
    ):
        entry.write_bytes(damaged)
        assert run(cache, 2, modules=CHECK_PATH)["stats"] == {"kept": 0, "compiled": classes}
        # ... and the process wrote a genuine entry back
        assert run(cache, 3, modules=CHECK_PATH)["stats"] == {"kept": classes, "compiled": 0}
    (cache / "key").write_bytes(os.urandom(32))  # another user's key: nothing is genuine
    assert run(cache, 2, modules=CHECK_PATH)["stats"] == {"kept": 0, "compiled": classes}


def test_without_a_cache_folder_classes_are_compiled(tmp_path: Path) -> None:
    done = run("", 4)
    assert done["stats"]["kept"] == 0
    assert done["code"] == run("", 4, memo=False)["code"]


FIELD = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda n: n not in {"self", "if", "in", "is", "or", "as", "for", "def", "del", "not"}
)


@given(
    names=st.lists(FIELD, min_size=0, max_size=6, unique=True),
    frozen=st.booleans(),
    slots=st.booleans(),
    order=st.booleans(),
    old=st.integers(-(2**63), 2**63 - 1),
    new=st.integers(-(2**63), 2**63 - 1),
)
def test_kept_code_is_compiled_code(
    names: list[str], frozen: bool, slots: bool, order: bool, old: int, new: int
) -> None:
    """Any attrs class of a netrules module: the code handed to attrs is compile()'s of
    attrs' source, and the code kept for one hash number, its __hash__ compiled again
    from the source with another number, is compile()'s of that source."""
    spec = {"__module__": "netrules._made_in_tests", "__annotations__": dict.fromkeys(names, "int")}
    cls = attrs.define(frozen=frozen, slots=slots, order=order)(type("Made", (), spec))
    import linecache

    filename = vars(cls)["__init__"].__code__.co_filename  # (-2, -3... once made before)
    script = "".join(linecache.cache[filename][2])
    made = attrs_code.code_for(script, filename)  # kept by now: attrs made the class
    assert canon(made) == canon(attrs_code._compiled(script, filename))
    for attr in ("__init__", "__repr__", "__eq__"):
        code = vars(cls)[attr].__code__
        (same,) = (c for c in made.co_consts if getattr(c, "co_name", None) == attr)
        assert canon(code) == canon(same)
    number = hash("<attrs generated hash netrules._made_in_tests.Made>")
    if frozen:  # the code kept from another process's number, its __hash__ made again
        assert script.count(str(number)) == 1
        a, b = (script.replace(str(number), str(n)) for n in (old, new))
        rehashed = attrs_code._rehashed(attrs_code._compiled(a, filename), b, filename)
        assert rehashed is not None
        assert canon(rehashed) == canon(attrs_code._compiled(b, filename))
    attrs_code._index.pop(filename, None)  # (nothing of this test is written)
    if filename in attrs_code._added:
        attrs_code._added.remove(filename)


def test_an_attrs_without_the_function_is_left_alone(tmp_path: Path) -> None:
    """Should attrs rename what it compiles with, netrules' classes are made by attrs as
    it is, with nothing kept."""
    code = (
        "import attr._make as m\n"
        "f = m._compile_and_eval\n"
        "del m._compile_and_eval\n"
        "from netrules import attrs_code\n"
        "m._compile_and_eval = f  # (attrs itself needs its function back)\n"
        "from netrules import model\n"
        "print(attrs_code.stats, model.Employer('x') == model.Employer('x'),"
        " m._compile_and_eval is f)\n"
    )
    env = dict(os.environ, NETRULES_CACHE_DIR=str(tmp_path / "cache"))
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.strip() == "{'kept': 0, 'compiled': 0} True True"
    assert not list((tmp_path / "cache").glob("*.attrs"))


def test_a_call_of_another_form_goes_to_attrs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A later attrs calling with more arguments, or with a name that is not ours, gets
    its own function, with every argument as given."""
    calls: list[tuple[Any, ...]] = []

    def original(*args: Any, **named: Any) -> str:
        calls.append((args, named))
        return "attrs"

    monkeypatch.setattr(attrs_code, "_original", original)
    monkeypatch.setattr(attrs_code, "_index", {})  # (the class X is kept nowhere)
    monkeypatch.setattr(attrs_code, "_added", [])
    ours = "<attrs generated methods netrules.model.X>"
    assert attrs_code._compile_and_eval("x = 1", {}, None, ours, "more") == "attrs"
    assert attrs_code._compile_and_eval("x = 1", {}, None, ours, flag=True) == "attrs"
    assert attrs_code._compile_and_eval("x = 1", {}, None, "<attrs generated init x>") == "attrs"
    assert calls == [
        (("x = 1", {}, None, ours, "more"), {}),
        (("x = 1", {}, None, ours), {"flag": True}),
        (("x = 1", {}, None, "<attrs generated init x>"), {}),
    ]
    space: dict[str, Any] = {}
    assert attrs_code._compile_and_eval("x = 1", space, None, ours) is None
    assert space["x"] == 1 and len(calls) == 3
