"""Provenance end to end: as_of, the records, the report block, --no-infer, bad files."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from export_kit import NAME, days_before, export

import netrules
from netrules.cli import main
from netrules.loaders import load_network

D = dt.date
RICH = {
    "headline": "Backend engineer",
    "positions": [
        ("Acme", "Senior Engineer", "Jun 2021", ""),
        ("X", "Dev", "Jan 2015", "May 2021"),
    ],
    "registered": "11/18/20, 11:55 AM",
    "applications": [days_before(10)],
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_as_of_from_the_zip_time_stamps(make_archive: Callable[..., Path]) -> None:
    """A renamed archive takes as_of from its entries' time stamps (derived, medium)."""
    path = make_archive(export(), name="my-linkedin", stamp=(2023, 5, 6, 10, 30, 0))
    net = load_network(path)
    fact = net.fact("as_of")
    assert (net.as_of, fact.source, fact.confidence) == (D(2023, 5, 6), "derived", "medium")
    assert fact.evidence == ("zip entry time 2023-05-06 10:30:00",)
    assert load_network(path, infer=False).as_of is None


def test_as_of_from_the_data_for_a_renamed_folder(make_archive: Callable[..., Path]) -> None:
    """A renamed folder takes as_of from the newest Connected On (derived, low)."""
    people = [
        ["Ann", "A", "", "", "", "", "16 Dec 2024"],
        ["Bo", "B", "", "", "", "", "02 Jan 2020"],
    ]
    net = load_network(make_archive(export(people=people), kind="folder", name="mine"))
    assert (net.as_of, net.fact("as_of").confidence) == (D(2024, 12, 16), "low")


def test_as_of_in_the_name_is_stated(make_archive: Callable[..., Path]) -> None:
    """The date in the archive name is stated, high."""
    net = load_network(make_archive(export(), name=NAME))
    assert (net.fact("as_of").source, net.fact("as_of").evidence) == (
        "stated",
        (f'archive name "{NAME}"',),
    )


def test_every_fact_has_evidence_or_is_unknown(make_archive: Callable[..., Path]) -> None:
    """A derived or stated value never exists without at least one evidence item."""
    net = load_network(make_archive(export(**RICH), name=NAME))
    for fact in net.facts:
        assert fact.value is None or fact.evidence, fact
        assert fact.source in netrules.model.FACT_SOURCES
        assert fact.confidence in netrules.model.CONFIDENCES


@pytest.mark.parametrize(
    ("file", "content"),
    [
        ("Positions.csv", "Company,Role\nAcme,Engineer\n"),
        ("Jobs/Job Applications.csv", b"\xff\xfe\x00\xd8broken"),
        ("Inferences_about_you.csv", "Category,Description\nCareer,Job seeker\n"),
        ("Ad_Targeting.csv", b"PK\x03\x04not really a workbook"),
    ],
    ids=["positions-header", "jobs-utf16-garbage", "inferences-header", "ad-xlsx"],
)
def test_malformed_optional_file_is_left_out(
    make_archive: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    file: str,
    content: str | bytes,
) -> None:
    """A malformed optional file is listed under "Left out while loading", never a traceback."""
    files = export(**RICH)
    files[file] = content
    path = make_archive(files, name=NAME)
    net = load_network(path)
    assert any(s.file.endswith(file.split("/")[-1]) and "not read" in s.reason for s in net.skipped)
    code, out, err = run(capsys, "check", str(path), "--fail-on", "never")
    assert (code, err) == (0, "")
    assert "Left out while loading the input:" in out
    assert "Traceback" not in out


def test_text_report_opens_with_the_assumptions(
    make_archive: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The text report says what was assumed, why and how to correct it, before the findings."""
    path = make_archive(export(**RICH), name=NAME)
    _code, out, _err = run(capsys, "check", str(path), "--fail-on", "never")
    block = out.split("What netrules assumed about you (correct what is wrong):\n", 1)[1]
    assert "  career level: senior (derived, high confidence)\n" in block
    assert (
        "      correct with: --career-level LEVEL, or member.career_level in an overlay\n" in block
    )
    assert "  job seeking: yes (derived, high confidence)\n" in block
    assert out.index("What netrules assumed") < out.index("Summary:")


def test_declared_flags_show_as_declared(
    make_archive: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """--career-level and --not-job-seeking win and the block says they were declared."""
    path = make_archive(export(**RICH), name=NAME)
    _code, out, _err = run(
        capsys,
        "check",
        str(path),
        "--career-level",
        "entry",
        "--not-job-seeking",
        "--fail-on",
        "never",
    )
    assert "  career level: entry (declared, high confidence)\n" in out
    assert "  job seeking: no (declared, high confidence)\n" in out


def test_no_infer_is_the_plain_report(
    make_archive: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """--no-infer: no assumptions block, no 'assumptions' key; same as loading with infer=False."""
    path = make_archive(export(**RICH), name=NAME)
    _code, text, _err = run(capsys, "check", str(path), "--no-infer", "--fail-on", "never")
    _code, js, _err = run(
        capsys, "check", str(path), "--no-infer", "--format", "json", "--fail-on", "never"
    )
    assert "What netrules assumed" not in text
    assert "assumptions" not in json.loads(js)
    plain = netrules.load_rules().evaluate(load_network(path, infer=False))
    assert json.loads(js) == plain.to_dict()


def test_json_report_carries_the_assumptions(
    make_archive: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The JSON report has an 'assumptions' list that validates against the report schema."""
    path = make_archive(export(**RICH), name=NAME)
    _code, js, _err = run(capsys, "check", str(path), "--format", "json", "--fail-on", "never")
    report = json.loads(js)
    schema = json.loads(
        (resources.files("netrules") / "schemas" / "report.schema.json").read_text("utf-8")
    )
    jsonschema.Draft202012Validator(schema).validate(report)
    by_fact = {a["fact"]: a for a in report["assumptions"]}
    assert by_fact["member.career_level"]["value"] == "senior"
    assert by_fact["member.joined_on"] == {
        "fact": "member.joined_on",
        "value": "2020-11-18",
        "source": "stated",
        "confidence": "high",
        "rule": None,
        "why": "the day you registered",
        "evidence": ['Registration.csv → "11/18/20, 11:55 AM"'],
        "override": "member.joined_on in an overlay",
    }


def test_as_of_option_is_declared(
    make_archive: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """--as-of replaces the archive's day in the assumptions, as declared."""
    path = make_archive(export(**RICH), name=NAME)
    _code, js, _err = run(
        capsys,
        "check",
        str(path),
        "--as-of",
        "2025-03-01",
        "--format",
        "json",
        "--fail-on",
        "never",
    )
    [as_of] = [a for a in json.loads(js)["assumptions"] if a["fact"] == "as_of"]
    assert (as_of["value"], as_of["source"]) == ("2025-03-01", "declared")


def test_rules_read_provenance_of_an_export(make_archive: Callable[..., Path]) -> None:
    """provenance() and confidence() see the derived career level of a loaded export."""
    rules = netrules.load_rules(
        include_default=False,
        texts=[
            (
                "p.rules",
                'rule "p" { title "t" severity info when provenance(member.career_level) == "derived" '
                'message "{member.career_level} {confidence(member.career_level)} '
                '{provenance(member.industry)} {provenance(member.job_seeking)}" }',
            )
        ],
    )
    net = load_network(make_archive(export(positions=RICH["positions"]), name=NAME))
    [finding] = rules.evaluate(net).findings
    assert finding.message == "senior high stated unknown"
