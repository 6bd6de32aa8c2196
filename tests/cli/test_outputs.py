"""Report formats, several outputs at once, statistics, GitHub annotations, e-mail hiding."""

from __future__ import annotations

import csv
import io
import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NETWORK = str(FIXTURES / "network.json")
PEOPLE = str(FIXTURES / "people.json")


def schema(name: str) -> dict:
    return json.loads(
        resources.files("netrules").joinpath("schemas", name).read_text(encoding="utf-8")
    )


@pytest.fixture
def basic(own_rules):
    return ["--isolated", *own_rules()]


@pytest.fixture
def people(own_rules):
    return [PEOPLE, "--isolated", *own_rules("people.rules")]


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("concise", "format_concise.txt"),
        ("jsonl", "format_jsonl.jsonl"),
        ("csv", "format_csv.csv"),
        ("markdown", "format_markdown.md"),
        ("github", "format_github.txt"),
    ],
)
def test_format_matches_golden(run, basic, golden, fmt, name):
    """Each format of the fixture report matches its golden file; the exit code is unchanged."""
    res = run("check", NETWORK, "--format", fmt, *basic)
    assert (1, "") == (res.code, res.err)
    if fmt == "csv":  # rows end in CRLF (RFC 4180); the golden file is stored with LF
        assert res.out.count("\r\n") == res.out.count("\n")
    golden(name, res.out.replace("\r\n", "\n"))


def test_statistics_match_golden(run, basic, golden):
    """--statistics prints findings per rule, most first, instead of the report."""
    res = run("check", NETWORK, "--statistics", *basic)
    golden("statistics.txt", res.out)
    data = json.loads(run("check", NETWORK, "--statistics", "--format", "json", *basic).out)
    assert [("stale-connection", 8), ("tiny-network", 1)] == [(d["rule"], d["count"]) for d in data]


def test_jsonl_lines_are_the_json_report_findings(run, basic):
    """Each jsonl line is one finding, equal to the JSON report's, and valid by its schema."""
    lines = run("check", NETWORK, "--format", "jsonl", *basic).out.splitlines()
    report = json.loads(run("check", NETWORK, "--format", "json", *basic).out)
    assert [json.loads(line) for line in lines] == report["findings"]
    finding_schema = schema("finding.schema.json")
    for line in lines:
        jsonschema.validate(json.loads(line), finding_schema)


def rfc4180(text: str) -> list[list[str]]:
    """A second, independent CSV reader: strict RFC 4180 (CRLF rows, doubled quotes)."""
    rows: list[list[str]] = []
    row: list[str] = []
    cell = []
    i = 0
    quoted = False
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == '"' and text[i + 1 : i + 2] == '"':
                cell.append('"')
                i += 2
                continue
            if ch == '"':
                quoted = False
            else:
                cell.append(ch)
        elif ch == '"':
            assert not cell, "a quote inside an unquoted cell"
            quoted = True
        elif ch == ",":
            row.append("".join(cell))
            cell = []
        elif text.startswith("\r\n", i):
            row.append("".join(cell))
            rows.append(row)
            row, cell = [], []
            i += 2
            continue
        else:
            assert ch not in "\r\n", "a bare line break outside quotes"
            cell.append(ch)
        i += 1
    assert not quoted and not row and not cell, "the file must end with CRLF"
    return rows


def test_csv_reads_the_same_with_two_readers(run, people):
    """The csv module and a strict RFC 4180 reader see the same rows: one per finding x
    subject, with the people's names, companies (commas kept) and no runnable formula."""
    res = run("check", *people, "--format", "csv")
    first = list(csv.reader(io.StringIO(res.out, newline="")))
    assert first == rfc4180(res.out)
    header, *rows = first
    assert header[:6] == ["rule", "severity", "category", "title", "subject_kind", "subject_id"]
    by = [dict(zip(header, r, strict=True)) for r in rows]
    assert len(by) == 3
    jane = by[0]
    assert (jane["name"], jane["company"], jane["position"]) == (
        "Jane Doe",
        "Acme, Inc.",
        '\'=Head of "Ops"',
    )
    assert "jane@example.com" not in res.out


def test_markdown_renders_with_a_table_and_headings(run, basic):
    """The markdown report parses (markdown-it) into headings, a table and list items."""
    from markdown_it import MarkdownIt

    text = run("check", NETWORK, "--format", "markdown", *basic).out
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    kinds = {t.type for t in tokens}
    assert {"heading_open", "table_open", "bullet_list_open", "blockquote_open"} <= kinds
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<h3>error: <code>tiny-network</code> — Very small network</h3>" in html


def test_several_outputs_while_text_goes_to_the_terminal(run, basic, tmp_path):
    """--output FORMAT=FILE writes each format; standard output keeps the text report."""
    files = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "csv", "markdown", "jsonl")}
    args = [a for fmt, path in files.items() for a in ("--output", f"{fmt}={path}")]
    res = run("check", NETWORK, *basic, *args)
    assert res.out.startswith("netrules report for Ada Lovelace")
    assert json.loads(files["json"].read_text(encoding="utf-8"))["summary"]["warning"] == 8
    assert files["csv"].read_text(encoding="utf-8").startswith("rule,severity")
    assert files["markdown"].read_text(encoding="utf-8").startswith("# netrules report")
    assert len(files["jsonl"].read_text(encoding="utf-8").splitlines()) == 9


def test_plain_output_file_takes_the_main_format(run, basic, tmp_path):
    """-o FILE (no FORMAT=) still writes the main report to FILE, nothing on stdout."""
    out = tmp_path / "r.txt"
    res = run("check", NETWORK, *basic, "--format", "concise", "-o", str(out))
    assert res.out == ""
    assert out.read_text(encoding="utf-8").startswith("member:member: error[tiny-network]")


def test_outputs_from_the_configuration(run, own_rules, tmp_path, monkeypatch):
    """[output] in the configuration writes files relative to it; the command line adds more."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "netrules.toml").write_text('[output]\ncsv = "out/review.csv"\n', encoding="utf-8")
    (tmp_path / "out").mkdir()
    run("check", NETWORK, *own_rules(), "--output", f"json={tmp_path / 'r.json'}")
    assert (tmp_path / "out" / "review.csv").is_file()
    assert (tmp_path / "r.json").is_file()


def test_emails_are_hidden_unless_asked(run, people):
    """No e-mail address in any format by default; --show-emails keeps them."""
    for fmt in ("text", "json", "jsonl", "csv", "markdown", "concise", "github"):
        out = run("check", *people, "--format", fmt).out
        assert "jane@example.com" not in out, fmt
    assert "[e-mail hidden]" in run("check", *people).out
    assert "jane@example.com" in run("check", *people, "--show-emails").out


def test_github_annotations_for_rule_file_diagnostics(run, own_rules):
    """With --format github, rule-file errors become ::error file=...,line=...:: annotations."""
    res = run("check", NETWORK, *own_rules("broken.rules"), "--isolated", "--format", "github")
    assert res.code == 2
    (line,) = [x for x in res.out.splitlines() if x.startswith("::")]
    assert line.startswith("::error file=")
    assert ",line=6,col=1,endLine=6,endColumn=2,title=netrules NR101::unexpected '}'" in line


def test_github_annotations_for_failing_examples(run, fixture_path):
    """netrules test --format github adds one annotation per failing example."""
    res = run("test", "--no-default-rules", fixture_path("failing.rules"), "--format", "github")
    notes = [x for x in res.out.splitlines() if x.startswith("::error")]
    assert res.code == 1 and len(notes) == 2
    assert "line=9,title=netrules example failed::should fire but does not" in notes[0]


def test_github_escapes_newlines_and_separators():
    """Annotation text escapes %, CR and LF; properties also escape : and ,."""
    from netrules.formats import github_annotation

    assert "::notice file=a%2Cb%3Ac,title=t::50%25 done%0Anext" == github_annotation(
        "info", "50% done\nnext", file="a,b:c", title="t"
    )


def test_json_with_extras_matches_the_schema(run, basic, tmp_path):
    """A JSON report with baseline counts and redaction still matches report.schema.json."""
    base = tmp_path / "b.toml"
    run("check", NETWORK, *basic, "--write-baseline", str(base))
    res = run("check", NETWORK, *basic, "--baseline", str(base), "--redact", "--format", "json")
    data = json.loads(res.out)
    jsonschema.validate(data, schema("report.schema.json"))
    assert data["redacted"] is True and data["baseline"]["acknowledged"] == 9


def test_finding_schema_is_the_report_schemas_finding():
    """finding.schema.json is report.schema.json's finding definition (kept in sync)."""
    report, finding = schema("report.schema.json"), schema("finding.schema.json")
    assert finding["$defs"] == report["$defs"] and finding["$ref"] == "#/$defs/finding"


UNSAFE_NAMES = [
    "Zoë \u202eevil\u202c",
    "C1 \x85 and DEL \x7f",
    'quote " back \\ tab \t new\nline',
    "escape \x1b[31m",
    "plain Łukasz",
    "ascii only",
]


@pytest.mark.parametrize("names", [UNSAFE_NAMES, UNSAFE_NAMES[-2:], UNSAFE_NAMES[-1:]])
def test_json_file_is_the_printed_report_byte_for_byte(run, own_rules, tmp_path, names):
    """A JSON report written to a file (encoded once, as bytes) is the report printed on
    standard output, terminal-unsafe characters escaped, and reads back as the names."""
    doc = {
        "member": {"name": "Ada"},
        "connections": [
            {"id": f"c{i}", "name": name, "last_interaction_on": "2020-01-01"}
            for i, name in enumerate(names * 2)
        ],
    }
    network = tmp_path / "network.json"
    network.write_text(json.dumps(doc), encoding="utf-8")
    args = ["check", str(network), *own_rules("aggregate.rules"), "--as-of", "2025-01-01"]
    printed = run(*args, "--format", "json", "--fail-on", "never").out
    out = tmp_path / "r.json"
    run(*args, "--format", "json", "--fail-on", "never", "-o", str(out))
    data = out.read_bytes()
    assert data == printed.encode("utf-8")
    for raw in ("\u202e", "\x85", "\x7f", "\x1b"):
        assert raw.encode("utf-8") not in data
    report = json.loads(data)
    shown = {s["evidence"]["since"] for f in report["findings"] for s in f.get("subjects", [])}
    assert shown == {"2020-01-01"}
    messages = " ".join(s["message"] for f in report["findings"] for s in f["subjects"])
    for name in names:
        assert name.replace("\u202e", "").replace("\x85", "").split()[0] in messages


def test_render_utf8_is_render_encoded():
    """formats.render_utf8 (a JSON report encoded part by part) is render() encoded, in
    every format and with --pretty's indentation."""
    import netrules
    from netrules.formats import FORMATS, Context, render, render_utf8

    report = netrules.load_rules().evaluate(json.loads(Path(PEOPLE).read_text("utf-8")))
    ctx = Context(titles={"r": "a title"})
    for fmt in (f for f in FORMATS if f != "html"):
        for pretty in (False, True):
            expected = render(fmt, report, ctx, pretty=pretty).encode("utf-8")
            assert render_utf8(fmt, report, ctx, pretty=pretty) == expected, fmt
