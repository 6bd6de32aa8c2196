"""Configuration files: discovery, --config, --isolated, precedence, and errors with positions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netrules.config import Acknowledgement, find_config, key_positions, parse_config

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASIC = (FIXTURES / "basic.rules").as_posix()
NETWORK = str(FIXTURES / "network.json")


def write(folder: Path, text: str, name: str = "netrules.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def rules_of(out: str) -> set[str]:
    return {f["rule"] for f in json.loads(out)["findings"]}


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder with the fixture rules copied in, as the cwd."""
    (tmp_path / "basic.rules").write_text(
        (FIXTURES / "basic.rules").read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_config_found_in_cwd_sets_rules_and_format(run, project):
    """netrules.toml in the cwd supplies rule files (relative to it), default-rules and format."""
    write(project, 'rules = ["basic.rules"]\ndefault-rules = false\nformat = "json"\n')
    res = run("check", NETWORK)
    assert {"tiny-network", "stale-connection"} == rules_of(res.out)
    assert res.code == 1


def test_config_found_by_walking_up(run, project):
    """A configuration in a parent folder applies in its subfolders."""
    write(project, 'rules = ["basic.rules"]\ndefault-rules = false\nformat = "json"\n')
    deep = project / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) == (project / "netrules.toml").resolve()


def test_pyproject_tool_table(run, project):
    """[tool.netrules] in pyproject.toml is read; a pyproject.toml without it is passed over."""
    write(
        project,
        '[project]\nname = "x"\n\n[tool.netrules]\nrules = ["basic.rules"]\n'
        'default-rules = false\nformat = "json"\nselect = ["upkeep"]\n',
        "pyproject.toml",
    )
    res = run("check", NETWORK)
    assert {"stale-connection"} == rules_of(res.out)
    sub = project / "sub"
    sub.mkdir()
    write(sub, '[project]\nname = "y"\n', "pyproject.toml")
    assert find_config(sub) == (project / "pyproject.toml").resolve()


def test_netrules_toml_wins_over_pyproject_in_the_same_folder(project):
    """In one folder netrules.toml is preferred to pyproject.toml's [tool.netrules]."""
    write(project, "[tool.netrules]\n", "pyproject.toml")
    write(project, "")
    assert find_config(project).name == "netrules.toml"


def test_isolated_ignores_the_configuration(run, project):
    """--isolated runs as if there were no configuration file."""
    write(project, 'rules = ["basic.rules"]\ndefault-rules = false\nformat = "json"\n')
    res = run("check", NETWORK, "--isolated", "--format", "json", "--fail-on", "never")
    assert "tiny-network" not in rules_of(res.out)  # the bundled pack ran instead


def test_explicit_config_file(run, project):
    """--config FILE reads that file, with paths relative to its own folder."""
    other = project / "conf"
    other.mkdir()
    write(other, 'rules = ["../basic.rules"]\ndefault-rules = false\nselect = ["targets"]\n')
    res = run("check", NETWORK, "--config", str(other / "netrules.toml"), "--format", "json")
    assert {"tiny-network"} == rules_of(res.out)


def test_missing_explicit_config_is_an_error(run, project):
    """--config naming no file exits 2 with the path."""
    res = run("check", NETWORK, "--config", "nope.toml")
    assert (2, "nope.toml:1:1: error: no such configuration file\n") == (res.code, res.err)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '# comment\nrules = []\n\nfial-on = "warning"\n',
            "netrules.toml:4:1: error: unknown key 'fial-on' (did you mean 'fail-on'?)",
        ),
        (
            'fail_on = "warning"\n',
            "netrules.toml:1:1: error: unknown key 'fail_on' (did you mean 'fail-on'?)",
        ),
        (
            'format = "jsn"\n',
            "netrules.toml:1:1: error: 'format' must be one of text, concise, json, jsonl, csv, "
            "markdown, github, html; got the string 'jsn' (did you mean 'json'?)",
        ),
        (
            '\n[member]\ncareer-level = "senior"\n  job-seking = true\n',
            "netrules.toml:4:3: error: unknown key 'job-seking' (did you mean 'job-seeking'?)",
        ),
        (
            '[member]\ncareer-level = "guru"\n',
            "netrules.toml:2:1: error: member.career-level: expected one of",
        ),
        (
            'redact = "yes"\n',
            "netrules.toml:1:1: error: 'redact' must be true or false, got the string 'yes'",
        ),
        (
            '[[acknowledge]]\nrule = "x"\nsubject = "member"\n[[acknowledge]]\nrule = "y"\nsubjet = "member"\n',
            "netrules.toml:6:1: error: unknown key 'subjet' (did you mean 'subject'?)",
        ),
        (
            '[[acknowledge]]\nrule = "x"\n',
            "netrules.toml:1:1: error: an [[acknowledge]] entry needs 'subject'",
        ),
        ("x = 1\ny = = 2\n", "netrules.toml:2:5: error: invalid TOML: invalid value"),
        (
            '[output]\nxml = "r.xml"\n',
            "netrules.toml:2:1: error: unknown key 'xml'",
        ),
    ],
    ids=[
        "unknown-top",
        "snake-case",
        "bad-choice",
        "unknown-member-key",
        "bad-member-value",
        "bad-bool",
        "unknown-ack-key",
        "ack-missing-subject",
        "toml-syntax",
        "unknown-format",
    ],
)
def test_config_errors_have_positions(run, project, text, message):
    """Each mistake is one line: file:line:col: error: message, exit 2, no traceback."""
    write(project, text)
    res = run("check", "--demo")
    assert res.code == 2
    assert res.err.startswith(message), res.err
    assert "Traceback" not in res.err


def test_config_errors_in_pyproject_point_into_pyproject(run, project):
    """Positions in pyproject.toml count the lines of the whole file."""
    write(project, '[project]\nname = "x"\n\n[tool.netrules]\nfial-on = "info"\n', "pyproject.toml")
    res = run("check", "--demo")
    assert res.err.startswith("pyproject.toml:5:1: error: unknown key 'fial-on'")


def test_unknown_parameter_and_selector_in_config(run, project):
    """Parameters and selectors are checked against the loaded rules, at the key's position."""
    write(project, 'rules = ["basic.rules"]\ndefault-rules = false\n[params]\nsmal_network = 5\n')
    res = run("check", NETWORK)
    assert res.err == (
        "netrules.toml:4:1: error: unknown parameter 'smal_network' "
        "(did you mean 'small_network'?)\n"
    )
    write(project, 'rules = ["basic.rules"]\ndefault-rules = false\nignore = ["tag:nope"]\n')
    res = run("check", NETWORK)
    assert res.code == 2
    assert res.err.startswith("netrules.toml:3:1: error: 'tag:nope' names no loaded rule")


# ---------------------------------------------------------------- precedence
def test_precedence_param_cli_over_config_over_rule_file(run, project):
    """--param beats [params], which beats the rule file's default."""
    write(
        project,
        'rules = ["basic.rules"]\ndefault-rules = false\nformat = "json"\n'
        "[params]\nsmall_network = 5\n",
    )
    assert "tiny-network" not in rules_of(run("check", NETWORK).out)  # 12 >= 5
    res = run("check", NETWORK, "--param", "small_network=20")
    assert "tiny-network" in rules_of(res.out)  # 12 < 20


def test_precedence_scalars(run, project):
    """--format, --fail-on and --min-severity on the command line beat the file."""
    write(
        project,
        'rules = ["basic.rules"]\ndefault-rules = false\nformat = "json"\n'
        'fail-on = "never"\nmin-severity = "error"\n',
    )
    res = run("check", NETWORK)
    assert (0, {"tiny-network"}) == (res.code, rules_of(res.out))
    res = run("check", NETWORK, "--fail-on", "error", "--min-severity", "warning")
    assert (1, {"tiny-network", "stale-connection"}) == (res.code, rules_of(res.out))
    res = run("check", NETWORK, "--format", "text")
    assert res.out.startswith("netrules report for")


def test_pretty_in_the_configuration(run, project):
    """pretty = true indents JSON written to a pipe; --no-pretty on the command line wins."""
    write(
        project, 'rules = ["basic.rules"]\ndefault-rules = false\nformat = "json"\npretty = true\n'
    )
    assert run("check", NETWORK).out.startswith('{\n  "as_of": ')
    assert run("check", NETWORK, "--no-pretty").out.startswith('{"as_of":')


def test_precedence_selection_layers(run, project):
    """The command line's --select starts afresh; its --extend-select and --ignore refine
    the file's selection."""
    write(
        project,
        'rules = ["basic.rules"]\ndefault-rules = false\nformat = "json"\nselect = ["targets"]\n',
    )
    assert {"tiny-network"} == rules_of(run("check", NETWORK).out)
    assert {"tiny-network", "stale-connection"} == rules_of(
        run("check", NETWORK, "--extend-select", "upkeep").out
    )
    assert {"stale-connection"} == rules_of(run("check", NETWORK, "--select", "upkeep").out)
    assert set() == rules_of(run("check", NETWORK, "--ignore", "tiny-network").out)


def test_precedence_disable_is_a_union(run, project):
    """disable in the file and --disable on the command line both apply."""
    write(
        project,
        'rules = ["basic.rules"]\ndefault-rules = false\nformat = "json"\n'
        'disable = ["tiny-network"]\n',
    )
    assert set() == rules_of(run("check", NETWORK, "--disable", "stale-connection").out)


def test_precedence_member_context(run, project):
    """Member context: the file's [member] beats its overlay file; options beat both."""
    (project / "me.toml").write_text('[member]\nindustry = "Unknown"\n', encoding="utf-8")
    write(
        project,
        'rules = ["basic.rules"]\ndefault-rules = false\nformat = "json"\n'
        'select = ["profile"]\noverlay = "me.toml"\n',
    )
    assert {"no-industry"} == rules_of(run("check", NETWORK).out)
    with (project / "netrules.toml").open("a", encoding="utf-8") as fh:
        fh.write('[member]\nindustry = "Aviation"\n')
    assert set() == rules_of(run("check", NETWORK).out)
    assert {"no-industry"} == rules_of(run("check", NETWORK, "--industry", "Unknown").out)


def test_rules_command_reads_the_configuration(run, project):
    """netrules rules lists the configured, selected rules."""
    write(project, 'rules = ["basic.rules"]\ndefault-rules = false\nignore = ["upkeep"]\n')
    res = run("rules")
    assert res.out.splitlines()[-1] == "2 rules"
    res = run("rules", "--default-rules", "--select", "upkeep")
    assert res.out.splitlines()[-1] == "1 rule"


# ---------------------------------------------------------------- the parser
def test_parse_config_values():
    """Every key lands in its Config field, paths resolved against the base folder."""
    config = parse_config(
        'rules = ["a.rules"]\nbaseline = "b.toml"\n[output]\njson = "r.json"\n'
        '[[acknowledge]]\nrule = "r"\nsubject = "connection:c1"\nreason = "mentor"\n'
        "expires = 2025-06-30\n",
        "netrules.toml",
        base="/p",
    )
    assert config.rules == (str(Path("/p/a.rules")),)
    assert config.baseline == str(Path("/p/b.toml"))
    assert config.output == (("json", str(Path("/p/r.json"))),)
    import datetime

    assert config.acknowledge == (
        Acknowledgement(
            "r", "connection:c1", "mentor", datetime.date(2025, 6, 30), "netrules.toml:5:1"
        ),
    )


def test_key_positions_follow_tables_and_arrays():
    """Headers, dotted keys, quoted keys and arrays of tables get their own positions."""
    text = '[a]\nx = 1\n"q k" = 2\n[[b]]\ny = 1\n[[b]]\n  y = 2\nc.d = 3\n'
    pos = key_positions(text)
    assert pos["a.x"] == (2, 1)
    assert pos["a.q k"] == (3, 1)
    assert pos["b[0].y"] == (5, 1)
    assert pos["b[1].y"] == (7, 3)
    assert pos["b[1].c.d"] == (8, 1)


def test_infer_false_is_no_infer(project):
    """infer = false in the file reads as --no-infer."""
    assert parse_config("infer = false\n").infer is False
    assert parse_config("").infer is None
