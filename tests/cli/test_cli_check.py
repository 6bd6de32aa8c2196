"""`netrules check`: reports, options, exit codes and errors, run in-process."""

from __future__ import annotations

import datetime
import io
import json
import sys

import pytest

import netrules
from netrules import cli

ANSI = "\x1b["


@pytest.fixture
def network(fixture_path):
    return fixture_path("network.json")


def test_text_report_matches_golden(run, own_rules, network, golden):
    """The text report of the fixture network matches golden/check_basic.txt; an error exits 1."""
    res = run("check", network, *own_rules())
    assert res.code == 1
    assert res.err == ""
    golden("check_basic.txt", res.out)


def test_json_report_matches_golden(run, own_rules, network, golden):
    """The JSON report, indented with --pretty, matches golden/check_basic.json."""
    res = run("check", network, "--format", "json", "--pretty", *own_rules())
    assert res.code == 1
    golden("check_basic.json", res.out)


def test_json_report_is_exactly_the_api_report(run, own_rules, network, fixture_path):
    """--format json prints exactly Report.to_json() of the same evaluation, plus a newline."""
    res = run("check", network, "--format", "json", *own_rules())
    rules = netrules.load_rules(fixture_path("basic.rules"), include_default=False)
    report = rules.evaluate(netrules.load_network(network))
    assert res.out == report.to_json() + "\n"
    data = json.loads(res.out)
    assert set(data) == {"as_of", "network", "findings", "summary", "skipped"}


def test_json_is_compact_in_a_pipe_and_indented_with_pretty(run, own_rules, network, fixture_path):
    """Piped, the JSON report is one compact line; --pretty is Report.to_json(indent=2);
    both are the same JSON value."""
    compact = run("check", network, "--format", "json", *own_rules()).out
    pretty = run("check", network, "--format", "json", "--pretty", *own_rules()).out
    assert compact.count("\n") == 1 and compact.endswith("}\n")
    assert '":' in compact and '": ' not in compact
    rules = netrules.load_rules(fixture_path("basic.rules"), include_default=False)
    report = rules.evaluate(netrules.load_network(network))
    assert pretty == report.to_json(indent=2) + "\n"
    assert json.loads(compact) == json.loads(pretty) == report.to_dict()


def test_json_is_indented_on_a_terminal_unless_no_pretty(
    run, own_rules, network, monkeypatch, tmp_path
):
    """On a terminal the JSON report is indented; --no-pretty and -o FILE keep it compact."""
    from netrules import cli

    monkeypatch.setattr(cli, "_is_terminal", lambda stream: True)
    shown = run("check", network, "--format", "json", *own_rules()).out
    assert shown.startswith('{\n  "as_of": ')
    plain = run("check", network, "--format", "json", "--no-pretty", *own_rules()).out
    assert plain.startswith('{"as_of":')
    target = tmp_path / "report.json"
    run("check", network, "--format", "json", "-o", str(target), *own_rules())
    assert target.read_text(encoding="utf-8").startswith('{"as_of":')
    extra = tmp_path / "extra.json"
    run("check", network, "--output", f"json={extra}", *own_rules())
    assert extra.read_text(encoding="utf-8").startswith('{"as_of":')
    run("check", network, "--output", f"json={extra}", "--pretty", *own_rules())
    assert extra.read_text(encoding="utf-8").startswith('{\n  "as_of": ')


def test_json_report_is_stable(run, own_rules, network):
    """Two runs on the same input give byte-for-byte the same JSON."""
    first = run("check", network, "--format", "json", *own_rules()).out
    assert run("check", network, "--format", "json", *own_rules()).out == first


def test_clean_network_exits_0_and_says_no_findings(run, own_rules, fixture_path):
    """A network with no findings exits 0 and the report says so."""
    res = run("check", fixture_path("clean.json"), *own_rules())
    assert res.code == 0
    assert "No findings." in res.out
    assert "Summary: 0 errors, 0 warnings, 0 info" in res.out


@pytest.mark.parametrize("fail_on, code", [("error", 0), ("warning", 1), ("info", 1), ("never", 0)])
def test_fail_on_with_warnings_only(run, own_rules, network, fail_on, code):
    """With only warnings, --fail-on error/never exit 0 and warning/info exit 1."""
    res = run("check", network, "--disable", "tiny-network", "--fail-on", fail_on, *own_rules())
    assert res.code == code
    assert "tiny-network" not in res.out


@pytest.mark.parametrize("fail_on, code", [("warning", 0), ("info", 1)])
def test_fail_on_with_info_only(run, own_rules, network, fail_on, code):
    """An info finding fails only --fail-on info."""
    res = run(
        "check",
        network,
        "--disable",
        "tiny-network",
        "--disable",
        "stale-connection",
        "--industry",
        "Unknown",
        "--fail-on",
        fail_on,
        *own_rules(),
    )
    assert "no-industry" in res.out
    assert res.code == code


def test_fail_on_never_with_errors_exits_0(run, own_rules, network):
    """--fail-on never exits 0 even when there are errors."""
    assert run("check", network, "--fail-on", "never", *own_rules()).code == 0


def test_output_file(run, own_rules, network, tmp_path):
    """-o writes the report to the file and nothing to stdout; the exit code is unchanged."""
    target = tmp_path / "report.json"
    res = run("check", network, "--format", "json", "-o", str(target), *own_rules())
    assert res.code == 1
    assert res.out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["error"] == 1


def test_output_file_text_has_no_ansi(run, own_rules, network, tmp_path):
    """A text report written with -o is plain text (colour auto never colours a file)."""
    target = tmp_path / "report.txt"
    run("check", network, "-o", str(target), *own_rules())
    text = target.read_text(encoding="utf-8")
    assert "tiny-network" in text and ANSI not in text


def test_output_file_unwritable_exits_2(run, own_rules, network, tmp_path):
    """An -o path that cannot be written is an error with exit 2, not a traceback."""
    res = run("check", network, "-o", str(tmp_path / "missing" / "r.txt"), *own_rules())
    assert res.code == 2
    assert res.err.startswith("netrules: error: cannot write ")
    assert "Traceback" not in res.err


def test_as_of_option_sets_the_date(run, own_rules, network):
    """--as-of replaces the input's as_of; an earlier date makes the stale rule quiet."""
    res = run("check", network, "--as-of", "2020-06-01", "--format", "json", *own_rules())
    data = json.loads(res.out)
    assert data["as_of"] == "2020-06-01"
    assert "stale-connection" not in {f["rule"] for f in data["findings"]}


def test_as_of_defaults_to_the_input_then_today(run, own_rules, network, fixture_path):
    """Without --as-of the input's own as_of is used, and today when it has none."""
    res = run("check", network, "--format", "json", *own_rules())
    assert json.loads(res.out)["as_of"] == "2025-01-01"
    res = run("check", fixture_path("no_as_of.json"), "--format", "json", *own_rules())
    assert json.loads(res.out)["as_of"] == datetime.date.today().isoformat()


@pytest.mark.parametrize("value", ["2025-13-01", "yesterday", "01/02/2025"])
def test_bad_as_of_is_a_usage_error(run, own_rules, network, value):
    """A --as-of that is not an ISO date is a usage error (exit 2)."""
    res = run("check", network, "--as-of", value, *own_rules())
    assert res.code == 2
    assert "invalid date" in res.err and "YYYY-MM-DD" in res.err


def test_param_overrides_a_default(run, own_rules, network):
    """--param NAME=VALUE is parsed in rule-language syntax (numbers, durations)."""
    res = run(
        "check",
        network,
        "--param",
        "small_network=5",
        "--param",
        "stale_after=10 years",
        "--format",
        "json",
        *own_rules(),
    )
    fired = {f["rule"] for f in json.loads(res.out)["findings"]}
    assert "tiny-network" not in fired and "stale-connection" not in fired
    assert res.code == 0


def test_param_shows_in_messages(run, own_rules, network):
    """An overridden parameter is the value rules quote in their messages."""
    res = run("check", network, "--param", "small_network=500", *own_rules())
    assert "12 connections; aim for at least 500" in res.out


def test_string_param_takes_the_text_as_is(run, own_rules, network):
    """A string parameter takes the text after '=' without quotes."""
    res = run(
        "check",
        network,
        "--param",
        "placeholder_industry=Aviation",
        "--industry",
        "Aviation",
        *own_rules(),
    )
    assert "industry is Aviation" in res.out


def test_bad_param_value_exits_2(run, own_rules, network):
    """A --param value of the wrong type names the option and the parameter; exit 2."""
    res = run("check", network, "--param", "small_network=lots", *own_rules())
    assert res.code == 2
    assert res.err.startswith("netrules: error: --param: parameter 'small_network'")
    assert res.out == ""


def test_unknown_param_suggests_a_name(run, own_rules, network):
    """An unknown --param name gets a did-you-mean hint; exit 2."""
    res = run("check", network, "--param", "smal_network=3", *own_rules())
    assert res.code == 2
    assert "unknown parameter 'smal_network'" in res.err
    assert "small_network" in res.err


def test_param_without_equals_is_a_usage_error(run, own_rules, network):
    """--param without NAME=VALUE form is a usage error (exit 2)."""
    res = run("check", network, "--param", "small_network", *own_rules())
    assert res.code == 2
    assert "expected NAME=VALUE" in res.err


def test_disable_removes_a_rule(run, own_rules, network):
    """--disable RULE drops the rule from the run."""
    res = run("check", network, "--disable", "stale-connection", "--format", "json", *own_rules())
    assert {f["rule"] for f in json.loads(res.out)["findings"]} == {"tiny-network"}


def test_disable_unknown_rule_exits_2(run, own_rules, network):
    """--disable of an unknown rule is an error with a did-you-mean hint; exit 2."""
    res = run("check", network, "--disable", "tiny-netwrk", *own_rules())
    assert res.code == 2
    assert res.err.startswith("netrules: error: --disable: cannot disable unknown rule")
    assert "tiny-network" in res.err


def test_missing_input_file_exits_2(run, own_rules, tmp_path):
    """A missing INPUT is reported as file: message on stderr; exit 2."""
    missing = str(tmp_path / "nope.json")
    res = run("check", missing, *own_rules())
    assert res.code == 2
    assert res.err == f"netrules: error: {missing}: no such file or folder\n"


def test_bad_json_names_file_and_position(run, own_rules, fixture_path):
    """Invalid JSON input names the file, line and column; exit 2, no traceback."""
    path = fixture_path("bad.json")
    res = run("check", path, *own_rules())
    assert res.code == 2
    assert res.err.startswith(f"netrules: error: {path}:line 3 column 1: invalid JSON")


def test_bad_field_names_the_json_path(run, own_rules, fixture_path):
    """A wrongly typed value names its JSON path."""
    path = fixture_path("bad_field.json")
    res = run("check", path, *own_rules())
    assert res.code == 2
    assert res.err.startswith(
        f"netrules: error: {path}:connections[1].connected_on: expected a date"
    )


def test_rule_file_syntax_error_shows_position_and_caret(run, own_rules, network):
    """A rule file with a syntax error prints path:line:col and a caret; exit 2."""
    res = run("check", network, *own_rules("broken.rules"))
    assert res.code == 2
    assert res.out == ""
    lines = res.err.splitlines()
    assert lines[0].endswith("broken.rules:6:1: error[NR101]: unexpected '}'")
    assert "6 | }" in lines
    assert any(line.strip() == "| ^" for line in lines)
    assert "Traceback" not in res.err


def test_missing_rule_file_exits_2(run, network, tmp_path):
    """--rules naming a missing file is a rule error (NR100), exit 2."""
    res = run("check", network, "--no-default-rules", "--rules", str(tmp_path / "x.rules"))
    assert res.code == 2
    assert "NR100" in res.err


def test_rule_file_warnings_go_to_stderr(run, network, tmp_path):
    """Load-time warnings of rule files are printed on stderr; the check still runs."""
    path = tmp_path / "warn.rules"
    path.write_text('param unused = 3 "never read"\n', encoding="utf-8")
    res = run("check", network, "--no-default-rules", "--rules", str(path))
    assert res.code == 0
    assert "warning[NR320]" in res.err and "unused" in res.err


def test_input_and_demo_together_is_a_usage_error(run, network):
    """INPUT and --demo together are a usage error (exit 2)."""
    res = run("check", network, "--demo")
    assert res.code == 2
    assert "not both" in res.err


def test_no_input_is_a_usage_error(run):
    """check without INPUT or --demo is a usage error (exit 2)."""
    res = run("check")
    assert res.code == 2
    assert "INPUT is required" in res.err


def test_no_command_prints_help_and_exits_2(run):
    """netrules without a command prints the usage on stderr and exits 2."""
    res = run()
    assert res.code == 2
    assert "usage: netrules" in res.err


def test_unknown_option_exits_2(run, network):
    """An unknown option is an argparse usage error (exit 2)."""
    assert run("check", network, "--frobnicate").code == 2


def test_version(run):
    """--version prints the version and exits 0."""
    res = run("--version")
    assert res.code == 0
    assert res.out.strip() == f"netrules {netrules.__version__}"


def test_stdin_input(run, own_rules, fixture_path, monkeypatch):
    """INPUT '-' reads a JSON document from standard input."""
    with open(fixture_path("network.json"), encoding="utf-8") as fh:
        monkeypatch.setattr(sys, "stdin", io.StringIO(fh.read()))
    res = run("check", "-", "--format", "json", *own_rules())
    assert res.code == 1
    assert json.loads(res.out)["summary"]["error"] == 1


def test_stdin_bad_json(run, own_rules, monkeypatch):
    """Invalid JSON on stdin is reported as <stdin> with its position."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("{"))
    res = run("check", "-", *own_rules())
    assert res.code == 2
    assert res.err.startswith("netrules: error: <stdin>:line 1 column 2: invalid JSON")


# ---- member context ----
def _fired(res) -> set[str]:
    return {f["rule"] for f in json.loads(res.out)["findings"]}


def test_context_unknown_without_options(run, own_rules, network):
    """Without context options the member context stays unknown and its rules skip."""
    res = run("check", network, "--format", "json", *own_rules("context.rules"))
    assert _fired(res) == set()
    skipped = {s["rule"] for s in json.loads(res.out)["skipped"]}
    assert {"is-student", "job-seeking", "changing-career"} <= skipped


def test_context_options(run, own_rules, network):
    """--career-level, --job-seeking, --situation and --industry set the member context."""
    res = run(
        "check",
        network,
        "--career-level",
        "student",
        "--job-seeking",
        "--situation",
        "career-change",
        "--situation",
        "recent-graduate",
        "--industry",
        "Aviation",
        "--format",
        "json",
        *own_rules("context.rules"),
    )
    data = json.loads(res.out)
    assert {f["rule"] for f in data["findings"]} == {
        "is-student",
        "job-seeking",
        "changing-career",
        "in-industry",
    }
    messages = {f["message"] for f in data["findings"]}
    assert "situations: career-change, recent-graduate" in messages
    assert "industry Aviation" in messages


def test_no_job_seeking(run, own_rules, network):
    """--no-job-seeking says the member is not looking for a job."""
    res = run("check", network, "--no-job-seeking", "--format", "json", *own_rules("context.rules"))
    assert _fired(res) == {"not-job-seeking"}


def test_situation_none(run, own_rules, network):
    """--situation none says that no situation applies (an empty list, not unknown)."""
    res = run(
        "check", network, "--situation", "none", "--format", "json", *own_rules("context.rules")
    )
    assert _fired(res) == {"no-situation"}


def test_bad_career_level_lists_allowed_values(run, own_rules, network):
    """An unknown --career-level is a usage error that lists the allowed values."""
    res = run("check", network, "--career-level", "guru", *own_rules("context.rules"))
    assert res.code == 2
    assert "invalid career level 'guru'" in res.err
    assert ", ".join(netrules.model.CAREER_LEVELS) in res.err


def test_bad_situation_lists_allowed_values(run, own_rules, network):
    """An unknown --situation is a usage error that lists the allowed values."""
    res = run("check", network, "--situation", "retired", *own_rules("context.rules"))
    assert res.code == 2
    assert "invalid situation 'retired'" in res.err
    assert all(s in res.err for s in netrules.model.SITUATIONS)


def test_overlay_file(run, own_rules, network, fixture_path):
    """--overlay applies member context and relationships from a TOML file."""
    res = run(
        "check",
        network,
        "--overlay",
        fixture_path("overlay.toml"),
        "--format",
        "json",
        *own_rules("context.rules"),
    )
    data = json.loads(res.out)
    assert {f["rule"] for f in data["findings"]} == {"changing-career", "in-industry", "colleague"}
    assert "Jane Doe is a colleague" in {f["message"] for f in data["findings"]}


def test_options_apply_on_top_of_the_overlay(run, own_rules, network, fixture_path):
    """Command-line context options override the overlay's values."""
    res = run(
        "check",
        network,
        "--overlay",
        fixture_path("overlay.toml"),
        "--career-level",
        "student",
        "--industry",
        "Law",
        "--situation",
        "none",
        "--format",
        "json",
        *own_rules("context.rules"),
    )
    data = json.loads(res.out)
    assert {f["rule"] for f in data["findings"]} == {
        "is-student",
        "in-industry",
        "colleague",
        "no-situation",
    }
    assert "industry Law" in {f["message"] for f in data["findings"]}


def test_overlay_with_unknown_connection_exits_2(run, own_rules, network, tmp_path):
    """An overlay naming no connection is an input error naming the file and key; exit 2."""
    path = tmp_path / "o.toml"
    path.write_text('[relationships]\n"Nobody Known" = "friend"\n', encoding="utf-8")
    res = run("check", network, "--overlay", str(path), *own_rules("context.rules"))
    assert res.code == 2
    assert res.err.startswith(f'netrules: error: {path}:relationships."Nobody Known": ')


def test_missing_overlay_exits_2(run, own_rules, network, tmp_path):
    """A missing --overlay file is an input error; exit 2."""
    res = run("check", network, "--overlay", str(tmp_path / "none.toml"), *own_rules())
    assert res.code == 2
    assert "none.toml" in res.err


# ---- colour and progress ----
def test_piped_text_has_no_ansi(run, own_rules, network):
    """Captured (non-terminal) output is plain text without ANSI escapes."""
    res = run("check", network, *own_rules())
    assert ANSI not in res.out and ANSI not in res.err


def test_color_always_colours_the_same_text(run, own_rules, network):
    """--color always adds ANSI styles; without them the text is the plain report."""
    import re

    plain = run("check", network, "--color", "never", *own_rules()).out
    coloured = run("check", network, "--color", "always", *own_rules()).out
    assert ANSI in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_auto_follows_the_terminal_and_no_color(monkeypatch):
    """--color auto colours only a terminal, and never when NO_COLOR is set."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    assert cli._colour("auto", _Tty()) is True
    assert cli._colour("auto", io.StringIO()) is False
    assert cli._colour("always", io.StringIO()) is True
    assert cli._colour("never", _Tty()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli._colour("auto", _Tty()) is False


def test_terminal_stdout_gets_colour(run, own_rules, network, monkeypatch):
    """On a terminal (and no NO_COLOR) the text report is coloured by default."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    tty = _Tty()
    monkeypatch.setattr(sys, "stdout", tty)
    assert cli.main(["check", network, *own_rules()]) == 1
    assert ANSI in tty.getvalue()


def test_progress_only_on_a_terminal():
    """The loading spinner is a no-op on a non-terminal and a rich status on a terminal."""
    import contextlib

    assert isinstance(cli._progress("x", io.StringIO()), contextlib.nullcontext)
    status = cli._progress("Loading", _Tty())
    assert type(status).__name__ == "Status"
    with status:
        pass


def test_no_progress_output_when_piped(run, own_rules, network):
    """Loading a file with stderr not a terminal writes nothing to stderr."""
    assert run("check", network, *own_rules()).err == ""


def test_export_folder_input_with_overlay(run, own_rules, fixture_path, tmp_path):
    """An export folder is read as INPUT; the overlay names connections by their name."""
    (tmp_path / "Connections.csv").write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Jane,Doe,https://www.linkedin.com/in/jane,,Acme,Engineer,16 Dec 2024\n",
        encoding="utf-8",
    )
    res = run(
        "check",
        str(tmp_path),
        "--overlay",
        fixture_path("overlay.toml"),
        "--as-of",
        "2025-01-01",
        *own_rules("context.rules"),
    )
    assert res.code == 0
    assert "Loaded 1 connection," in res.out
    assert "Jane Doe is a colleague" in res.out
    assert "Left out while loading the input:" in res.out


def test_missing_demo_data_is_an_input_error(run, monkeypatch, tmp_path):
    """If the bundled demo file is missing, --demo fails with exit 2 and a clear message."""
    monkeypatch.setattr(cli, "_demo_path", lambda: tmp_path / "demo.json")
    res = run("check", "--demo", "--no-default-rules")
    assert res.code == 2
    assert res.err == (
        "netrules: error: <demo>: the bundled demo data is missing from this installation\n"
    )
