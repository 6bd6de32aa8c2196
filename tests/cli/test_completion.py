"""netrules completion: bash/zsh/fish scripts generated from the parser, and they work."""

from __future__ import annotations

import shutil
import subprocess

import pytest


def complete_in_bash(script: str, words: list[str]) -> list[str]:
    """COMPREPLY of the generated bash function for a command line being typed."""
    words_text = " ".join(f"'{w}'" for w in words)
    program = (
        f"{script}\nCOMP_WORDS=({words_text}); COMP_CWORD={len(words) - 1}; _netrules; "
        'printf "%s\\n" "${COMPREPLY[@]}"'
    )
    out = subprocess.run(
        ["bash", "-c", program], capture_output=True, text=True, check=True, timeout=30
    )
    return out.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completes_commands_options_and_choices(run):
    """Sub-commands, a sub-command's options and an option's choices complete in bash."""
    script = run("completion", "bash").out
    assert ["check", "completion"] == complete_in_bash(script, ["netrules", "c"])
    assert "--what-if-remove" in complete_in_bash(script, ["netrules", "check", "--wh"])
    assert ["csv", "concise"] == sorted(
        complete_in_bash(script, ["netrules", "check", "--format", "c"]), reverse=True
    )
    assert ["never"] == complete_in_bash(script, ["netrules", "check", "--fail-on", "n"])


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_scripts_parse(run, shell):
    """The bash and zsh scripts are valid shell (checked with bash -n / zsh -n when present)."""
    script = run("completion", shell).out
    exe = shutil.which(shell)
    if exe is None:
        pytest.skip(f"{shell} is not installed")
    subprocess.run([exe, "-n"], input=script, text=True, check=True, timeout=30)


def test_fish_script_lists_every_command_and_choice(run):
    """The fish script offers each sub-command and an option's choices."""
    script = run("completion", "fish").out
    for command in ("check", "diff", "rules", "explain", "test", "completion"):
        assert f"-n __fish_use_subcommand -a {command} " in script
    assert "-l format -xa 'text concise json jsonl csv markdown github html'" in script


def test_unknown_shell_is_a_usage_error(run):
    """Only bash, zsh and fish are offered."""
    res = run("completion", "tcsh")
    assert res.code == 2 and "invalid choice" in res.err
