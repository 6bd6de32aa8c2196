"""LinkedIn's industry names reach the article's rows through the pack's industry table.

The table is data in rules/industries.rules, generated from tests/pack/data/ (a copy of the
reference mapping, so that nothing outside the project is read).
"""

from __future__ import annotations

import csv
import datetime
import importlib.util
from pathlib import Path

import pytest

import netrules

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "pack" / "data"
AS_OF = datetime.date(2025, 1, 1)
ROWS = {
    "Business Services",
    "Healthcare",
    "Higher Education",
    "Information Technology",
    "Legal",
    "Manufacturing",
}


def _generator():
    spec = importlib.util.spec_from_file_location("industries_gen", DATA / "industries.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


with (DATA / "linkedin-industries.csv").open(encoding="utf-8", newline="") as _fh:
    CSV_ROWS = list(csv.DictReader(_fh))


@pytest.fixture(scope="module")
def pack() -> netrules.RuleSet:
    return netrules.load_rules()


def _lookup(pack: netrules.RuleSet, table: str, key: str):
    info = pack.program.tables[table]
    return info.rows.get(key.casefold().strip(), info.default if info.has_default else None)


def test_the_csv_is_the_reference_table() -> None:
    """581 names: 147 of LinkedIn's first list, 434 of the second."""
    assert len(CSV_ROWS) == 581
    assert sum(r["taxonomy"] == "v1" for r in CSV_ROWS) == 147
    assert {r["article_row"] for r in CSV_ROWS} == ROWS | {""}


def test_rules_file_is_generated_from_the_csv() -> None:
    """rules/industries.rules is what the generator makes of the CSV: edit the CSV instead."""
    text = (ROOT / "rules" / "industries.rules").read_text(encoding="utf-8")
    assert text == _generator().rules_text(), "run: python tests/pack/data/industries.py"


@pytest.mark.parametrize("row", CSV_ROWS, ids=[f"{r['taxonomy']}-{r['code']}" for r in CSV_ROWS])
def test_every_name_maps_as_the_csv_says(pack: netrules.RuleSet, row: dict[str, str]) -> None:
    """Each name, in any letter case, gives its row (or none) and, if mapped, its confidence."""
    for spelling in (row["name"], row["name"].upper(), f"  {row['name'].lower()} "):
        assert _lookup(pack, "industry_rows", spelling) == (row["article_row"] or "none")
    if row["article_row"]:
        assert _lookup(pack, "industry_row_confidence", row["name"]) == row["confidence"]


@pytest.mark.parametrize(
    ("spelling", "row"),
    [
        ("Information Technology & Services", "Information Technology"),  # the 2018 UI
        ("Hospital and Health Care", "Healthcare"),
        ("Outsourcing and Offshoring", "Business Services"),
        ("Nonprofit Organization Management", "none"),
        ("Legal", "Legal"),  # the article's rows name themselves
        ("higher education", "Higher Education"),
    ],
)
def test_other_spellings(pack: netrules.RuleSet, spelling: str, row: str) -> None:
    assert _lookup(pack, "industry_rows", spelling) == row


@pytest.mark.parametrize(
    ("industry", "count", "rule", "severity", "text"),
    [
        (
            "Software Development",
            450,
            "below-industry-target",
            "warning",
            "for Software Development → Information Technology the article's figure is 500–1,000+",
        ),
        (
            "IT Services and IT Consulting",
            450,
            "below-industry-target",
            "warning",
            "for IT Services and IT Consulting → Information Technology",
        ),
        ("Law Practice", 350, "below-industry-target", "warning", "for Law Practice → Legal"),
        (
            "Information Technology",
            450,
            "below-industry-target",
            "warning",
            "for Information Technology the article's figure",
        ),
        # a loose match only informs
        (
            "Staffing and Recruiting",
            450,
            "below-industry-target",
            "warning",
            "Staffing and Recruiting → Business Services",
        ),
        (
            "Graphic Design",
            450,
            "below-industry-target",
            "info",
            "Graphic Design → Business Services",
        ),
        (
            "Retail",
            450,
            "industry-without-target",
            "info",
            "The article has no connection figure for Retail",
        ),
        (
            "Underwater Basket Weaving",
            2000,
            "industry-without-target",
            "info",
            "no connection figure for Underwater Basket Weaving",
        ),
    ],
)
def test_the_finding_names_the_row_used(
    pack: netrules.RuleSet, industry: str, count: int, rule: str, severity: str, text: str
) -> None:
    member = {"industry": industry, "connection_count": count, "situations": []}
    found = [f for f in pack.evaluate({"member": member}, as_of=AS_OF).findings if f.rule == rule]
    assert len(found) == 1
    assert found[0].severity == severity
    assert text in found[0].message


def test_a_rule_file_can_extend_and_override_the_mapping(pack: netrules.RuleSet) -> None:
    """`set` adds a name, remaps one, or adds a row of figures for a new industry."""
    user = netrules.load_rules(
        texts=[
            (
                "mine.rules",
                'set industry_rows["Data Science"] = "Information Technology"\n'
                'set industry_rows["Retail"] = "Retail"\n'
                'set industry_targets["Retail"] = 200..400\n',
            )
        ]
    )
    for industry, text in [
        ("data science", "for data science → Information Technology"),
        ("Retail", "for Retail the article's figure is 200–400"),
    ]:
        member = {"industry": industry, "connection_count": 150, "situations": []}
        messages = [f.message for f in user.evaluate({"member": member}, as_of=AS_OF).findings]
        assert any(text in m for m in messages), messages
