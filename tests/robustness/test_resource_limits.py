"""End to end under hard limits: 1 GiB of address space and 10 s per run, exit 2, no traceback."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile

import pytest

resource = pytest.importorskip("resource")  # POSIX only

MEMORY = 1024 * 1024 * 1024
SECONDS = 10


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (SECONDS * 2, SECONDS * 2))


def run(*args: str, stdin=None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NETRULES_DEBUG", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "netrules", *args],
        stdin=stdin if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=SECONDS * 3,  # wall clock on a shared machine; CPU is limited to 2x
        preexec_fn=_limits,
        env=env,
    )


def assert_refused(result: subprocess.CompletedProcess[str], needle: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert needle in result.stderr


needs_dev_zero = pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")


@needs_dev_zero
@pytest.mark.parametrize(
    "args",
    [
        ["check", "/dev/zero"],
        ["check", "--demo", "--overlay", "/dev/zero"],
        ["check", "--demo", "--rules", "/dev/zero"],
        ["rules", "--rules", "/dev/zero"],
        ["test", "/dev/zero"],
    ],
    ids=["input", "overlay", "check-rules", "rules", "test"],
)
def test_dev_zero_everywhere(args):
    """/dev/zero as input, overlay or rules stops at a limit: exit 2 within the limits."""
    assert_refused(run(*args), "/dev/zero")


@needs_dev_zero
def test_dev_zero_on_stdin():
    """An endless standard input stops at the document limit."""
    with open("/dev/zero", "rb") as zero:
        assert_refused(run("check", "-", stdin=zero), "<stdin>")


def test_zip_bomb(tmp_path):
    """A small zip of 64 MB is refused before inflating, within the limits."""
    path = tmp_path / "Basic_LinkedInDataExport_01-15-2025.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Connections.csv", "First Name\n" + "\n" * (64 * 1024 * 1024))
    path.write_bytes(buffer.getvalue())
    assert_refused(run("check", str(path)), "Connections.csv")


def test_deep_json(tmp_path):
    """A document nested a million levels deep is refused within the limits."""
    path = tmp_path / "deep.json"
    path.write_text("[" * 1_000_000 + "]" * 1_000_000, encoding="utf-8")
    assert_refused(run("check", str(path)), "nested too deeply")


@needs_dev_zero
def test_batch_dev_zero_on_stdin(tmp_path):
    """`batch -` on an endless line stops at the line limit: exit 2."""
    with open("/dev/zero", "rb") as zero:
        result = run("batch", "-", "-o", str(tmp_path / "out.jsonl"), stdin=zero)
    assert_refused(result, "<stdin>")
