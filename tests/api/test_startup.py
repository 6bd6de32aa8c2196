"""What `netrules check` leaves out of its start-up and its exit (docs/performance.md,
"Session of 1 Dec 09:19: start-up and load_rules"): checked by what a fresh process
imports and by what it does at exit, never by timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from netrules import cli, terminal
from netrules.config import _find_config, find_config

ROOT = Path(__file__).resolve().parent.parent.parent


def child(
    code: str, cache: Path, *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter running ``code`` with its own parse cache."""
    env = dict(os.environ, NETRULES_CACHE_DIR=str(cache))
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, *args, *(("-c", code) if code else ())],
        capture_output=True,
        text=True,
        check=check,
        env=env,
    )


# Modules the check of a network into a JSON file does not need: the rule-language
# tooling (the compiled rule-set cache serves the pack), the renderers of other formats,
# the configuration file reader, the diagnostics (errors only) and other commands.
NOT_ON_THE_JSON_PATH = (
    "lark",
    "netrules.parser",
    "netrules.checker",
    "netrules.compiler",
    "netrules.nodes",
    "netrules.diagnostics",
    "netrules.authoring",
    "netrules.batch_cli",
    "netrules.html_report",
    "netrules.report_text",
    "rich",
    "jinja2",
    "pygments",
    "tomllib",
    "importlib.resources",
    "hashlib",  # only --redact hashes names
)


def test_check_to_a_json_file_imports_nothing_it_does_not_need(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    code = (
        "import sys\n"
        "from netrules.cli import main\n"
        f"code = main(['check', '--demo', '--format', 'json', '-o', {str(out)!r}])\n"
        f"print(code, sorted(m for m in {NOT_ON_THE_JSON_PATH!r} if m in sys.modules))\n"
    )
    cache = tmp_path / "cache"
    child(code, cache)  # the first run fills the compiled rule-set cache
    result = child(code, cache)
    assert result.stdout.split(" ", 1)[1].strip() == "[]"
    assert json.loads(out.read_text(encoding="utf-8"))["findings"]


def test_the_configuration_module_is_light(tmp_path: Path) -> None:
    """Every check reads netrules.config (discovery, the defaults): pathlib and the
    diagnostics are imported only when a file is found or a key is wrong."""
    code = (
        "import sys, netrules.config as c, netrules.terminal\n"
        "c._find_config()\n"
        "print(sorted(m for m in ('pathlib', 'netrules.diagnostics', 'attrs', 'tomllib') "
        "if m in sys.modules), netrules.terminal._pattern.cache_info().currsize)\n"
    )
    assert child(code, tmp_path).stdout.strip() == "[] 0"


def test_find_config_as_text_is_find_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    project = tmp_path / "project"
    deep = project / "a" / "b"
    deep.mkdir(parents=True)
    assert _find_config(deep) == (None if find_config(deep) is None else str(find_config(deep)))
    (project / "pyproject.toml").write_text("[tool.other]\n", encoding="utf-8")
    (project / "a" / "pyproject.toml").write_text("[tool.netrules]\n", encoding="utf-8")
    assert _find_config(deep) == str((project / "a" / "pyproject.toml").resolve())
    (project / "a" / "b" / ".netrules.toml").write_text("", encoding="utf-8")
    assert _find_config(deep) == str((deep / ".netrules.toml").resolve())
    assert find_config(deep) == Path(_find_config(deep) or "")
    if os.name == "posix":  # a symbolic link is resolved as Path.resolve() does
        (tmp_path / "link").symlink_to(deep)
        assert _find_config(tmp_path / "link") == str((deep / ".netrules.toml").resolve())
    monkeypatch.chdir(deep)
    assert _find_config() == str((deep / ".netrules.toml").resolve())
    args = cli._build_parser(only_check=True)[0].parse_args(["check", "--demo"])
    assert cli._config(args).path == ".netrules.toml"  # shown relative to the folder


def test_the_unsafe_character_patterns_are_compiled_when_used() -> None:
    assert terminal._UNSAFE.pattern == terminal._SOURCES["_UNSAFE"]
    assert terminal._UNSAFE_JSON.search("a\u202eb") is not None
    assert terminal.printable("a\x1bb\nc", one_line=True) == "a\\x1bb\\x0ac"
    assert terminal.json_printable('"\u2066"') == '"\\u2066"'
    with pytest.raises(AttributeError):
        terminal._NOT_A_PATTERN  # noqa: B018


# ---------------------------------------------------------------- the exit

# An object whose finaliser speaks at the interpreter's teardown: silent when the
# process ends at once.
SPEAKS_AT_TEARDOWN = (
    "import sys\n"
    "class Speaks:\n"
    "    def __del__(self):\n"
    "        sys.stderr.write('teardown ran\\n')\n"
    "sys.modules['__main__'].speaks = Speaks()\n"
)


def run_command(tmp_path: Path, *argv: str, before: str = "") -> subprocess.CompletedProcess[str]:
    """``netrules ARGV`` through cli.run(), the rule set from a warm cache (a cold load
    imports lark, whose logging registers an atexit handler)."""
    child("import netrules; netrules.load_rules()", tmp_path / "cache")
    code = (
        SPEAKS_AT_TEARDOWN + before + f"sys.argv = ['netrules', *{list(argv)!r}]\n"
        "from netrules.cli import run\n"
        "run()\n"
    )
    return child(code, tmp_path / "cache", check=False)


def test_check_ends_the_process_at_once_with_its_output_flushed(tmp_path: Path) -> None:
    argv = ("check", "--demo", "--format", "json", "--fail-on", "info")
    done = run_command(tmp_path, *argv)
    assert cli.main([*argv, "-o", str(tmp_path / "in-process.json")]) == 1
    assert done.returncode == 1  # the code main() returns
    assert "teardown ran" not in done.stderr
    report = json.loads(done.stdout)  # whole: flushed before the end
    assert report == json.loads((tmp_path / "in-process.json").read_text(encoding="utf-8"))
    assert cli._parked is None  # main() called as a function keeps nothing


def test_errors_are_flushed_too(tmp_path: Path) -> None:
    done = run_command(tmp_path, "check", str(tmp_path / "missing.json"))
    assert done.returncode == 2
    assert "missing.json" in done.stderr and "teardown ran" not in done.stderr


@pytest.mark.parametrize(
    "before",
    [
        "import atexit; atexit.register(lambda: sys.stderr.write('atexit ran\\n'))\n",
        # still running when the check ends, however slow the machine: the exit waits
        # for it (not a daemon), and it ends once the main thread has finished
        "import threading\n"
        "main = threading.main_thread()\n"
        "def later():\n"
        "    main.join()\n"
        "    sys.stderr.write('thread ran\\n')\n"
        "threading.Thread(target=later).start()\n",
    ],
    ids=["atexit", "thread"],
)
def test_the_ordinary_exit_when_something_needs_it(tmp_path: Path, before: str) -> None:
    done = run_command(tmp_path, "check", "--demo", "--format", "json", before=before)
    assert done.returncode == 0
    assert "teardown ran" in done.stderr
    assert ("atexit ran" in done.stderr) or ("thread ran" in done.stderr)
    assert json.loads(done.stdout)["findings"]


def test_other_commands_exit_the_ordinary_way(tmp_path: Path) -> None:
    done = run_command(tmp_path, "rules")
    assert done.returncode == 0 and "teardown ran" in done.stderr
    assert "zero-connections" in done.stdout


def test_python_m_netrules_is_the_program(tmp_path: Path) -> None:
    done = child("", tmp_path / "cache", "-m", "netrules", "check", "--demo", "--format", "json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["findings"]


# ---------------------------------------------------------------- argparse without shutil


@pytest.mark.parametrize("columns", [None, "", "abc", "0", "-5", "37", "120"])
def test_the_help_width_is_shutils(monkeypatch: pytest.MonkeyPatch, columns: str | None) -> None:
    import shutil

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert cli._columns() == shutil.get_terminal_size().columns


@pytest.mark.parametrize("columns", ["37", "80", "150"])
def test_help_reads_as_argparse_writes_it(monkeypatch: pytest.MonkeyPatch, columns: str) -> None:
    import argparse

    monkeypatch.setenv("COLUMNS", columns)
    parser, subparsers = cli._build_parser()
    for p in (parser, *subparsers.values()):
        assert p.formatter_class is cli._Formatter
        ours = p.formatter_class
        p.formatter_class = argparse.HelpFormatter  # argparse's own, which asks shutil
        expected = p.format_help()
        p.formatter_class = ours
        assert p.format_help() == expected


def test_check_on_a_json_document_imports_no_shutil(tmp_path: Path) -> None:
    """shutil (with bz2 and lzma) comes with zipfile for an export, not with argparse."""
    code = (
        "import sys\n"
        "from netrules.cli import main\n"
        f"main(['check', '--demo', '--format', 'json', '-o', {str(tmp_path / 'r.json')!r}])\n"
        "print(sorted(m for m in ('shutil', 'bz2', 'lzma') if m in sys.modules))\n"
    )
    child(code, tmp_path / "cache")  # the first run fills the compiled rule-set cache
    assert child(code, tmp_path / "cache").stdout.strip() == "[]"


# ---------------------------------------------------------------- the collector and malloc

COUNTS_COLLECTIONS = (
    "import gc, sys\n"
    "from netrules import cli\n"
    "gc.callbacks.append(lambda phase, info: phase == 'start' and sys.stderr.write('gc\\n'))\n"
)


def test_a_check_through_run_makes_no_collection(tmp_path: Path) -> None:
    """run() keeps the collector paused for the whole check, start-up included (a check
    of the demo network through main() with the collector on does collect)."""
    child("import netrules; netrules.load_rules()", tmp_path / "cache")
    argv = ["netrules", "check", "--demo", "--format", "json"]
    through_main = child(
        COUNTS_COLLECTIONS + f"cli.main({argv[1:]!r})\n", tmp_path / "cache", check=False
    )
    assert through_main.returncode == 0 and "gc" in through_main.stderr.split()
    done = child(
        COUNTS_COLLECTIONS + f"sys.argv = {argv!r}\ncli.run()\n", tmp_path / "cache", check=False
    )
    assert done.returncode == 0 and "gc" not in done.stderr.split()
    assert json.loads(done.stdout) == json.loads(through_main.stdout)


def _glibc() -> bool:
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (AttributeError, ValueError, OSError):
        return False


def test_freed_memory_is_kept_with_glibc_only(tmp_path: Path) -> None:
    """After _keep_freed_memory(), a large block freed and made again comes back from the
    heap, not as pages new to the process (counted as page faults, not timed)."""
    code = (
        "import resource\n"
        "from netrules import cli\n"
        "kept = cli._keep_freed_memory()\n"
        "def faults(): return resource.getrusage(resource.RUSAGE_SELF).ru_minflt\n"
        "block = bytearray(16 << 20); del block\n"
        "before = faults()\n"
        "block = bytearray(16 << 20); del block\n"
        "print(kept, faults() - before)\n"
    )
    if os.name != "posix":
        pytest.skip("resource is POSIX only")
    kept, faults = child(code, tmp_path / "cache").stdout.split()
    assert kept == str(_glibc())
    if _glibc():
        assert int(faults) < 100  # 16 MiB is 4,096 pages


def test_only_a_check_of_a_large_input_through_run_changes_malloc(tmp_path: Path) -> None:
    """main() called as a function (a library's caller), the other commands and a check of
    a small input leave the allocator as it is (no ctypes imported); a check through run()
    of an input of _KEEP_FREED_FROM bytes or more sets it up."""
    child("import netrules; netrules.load_rules()", tmp_path / "cache")
    env = dict(os.environ, NETRULES_CACHE_DIR=str(tmp_path / "cache"))
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    demo = str(cli._demo_path())
    in_process = (
        "import sys\n"
        "from netrules import cli\n"
        "cli._KEEP_FREED_FROM = 0\n"
        f"cli.main(['check', {demo!r}, '--format', 'json', '-o', sys.argv[1]])\n"
        "print('ctypes' in sys.modules or '_ctypes' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", in_process, str(tmp_path / "r.json")],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert done.stdout.strip() == "False"
    records = (
        "import sys\n"
        "from netrules import cli\n"
        "keep = cli._keep_freed_memory\n"
        "def recorded():\n"
        "    sys.stderr.write(f'kept {keep()}\\n')\n"
        "    return True\n"
        "cli._keep_freed_memory = recorded\n"
        "cli._KEEP_FREED_FROM = int(sys.argv.pop(1))\n"
        "cli.run()\n"
    )
    size = os.path.getsize(demo)
    for threshold, argv, expected in (
        (size, ["check", demo, "--format", "json"], f"kept {_glibc()}"),
        (size + 1, ["check", demo, "--format", "json"], ""),
        (0, ["check", "--demo", "--format", "json"], ""),
        (0, ["rules"], ""),
    ):
        done = subprocess.run(
            [sys.executable, "-c", records, str(threshold), *argv],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert done.returncode == 0
        assert done.stderr.strip() == expected, argv


def test_mallopt_without_ctypes_is_ctypes_mallopt(tmp_path: Path) -> None:
    """cli._mallopt(), made from _ctypes alone, is the function ctypes.CDLL(None).mallopt
    is (a C function of int result: glibc's answers, as ints, for the same calls), in a
    process that then has not imported ctypes (its forty types); the effect itself is
    test_freed_memory_is_kept_with_glibc_only's."""
    if not _glibc():
        pytest.skip("mallopt is glibc's")
    calls = "[(-3, 32 << 20), (-1, 256 << 20), (-3, 1 << 40), (-1, 1 << 20), (12345, 1)]"
    show = (
        f"print([m(p, v) for p, v in {calls}], m.restype._type_, m.argtypes,"
        " 'ctypes' in sys.modules)\n"
    )
    ours = "import sys\nfrom netrules import cli\nm = cli._mallopt()\n" + show
    theirs = "import sys, ctypes\nm = ctypes.CDLL(None).mallopt\n" + show
    done = child(ours, tmp_path / "cache").stdout
    assert done.strip() == "[1, 1, 1, 1, 1] i None False"
    assert child(theirs, tmp_path / "cache").stdout == done.replace("False", "True")


def test_a_large_input_is_a_folder_or_a_large_file(tmp_path: Path) -> None:
    small = tmp_path / "small.json"
    small.write_bytes(b" " * (cli._KEEP_FREED_FROM - 1))
    large = tmp_path / "large.json"
    large.write_bytes(b" " * cli._KEEP_FREED_FROM)
    assert not cli._large_input(str(small))
    assert cli._large_input(str(large))
    assert cli._large_input(str(tmp_path))
    assert not cli._large_input(str(tmp_path / "missing.zip"))
    assert not cli._large_input("a\0b")
    assert not cli._large_input("-")
    assert not cli._large_input(None)


def test_the_configuration_tuples_are_made_without_compiling_annotations() -> None:
    """Config and Acknowledgement carry their field types as objects: typing.NamedTuple
    compiles every annotation given as text (a ForwardRef), a cost of every check."""
    from netrules.config import Acknowledgement, Config

    for cls in (Config, Acknowledgement):
        assert cls.__annotations__
        assert not any(isinstance(a, str) for a in cls.__annotations__.values())
    assert Config()._replace(format="json").format == "json"
