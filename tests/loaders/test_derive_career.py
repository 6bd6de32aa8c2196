"""Career level from Positions, Education and LinkedIn's own inferences (derivations.md §3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from export_kit import NAME, export

from netrules.loaders.derive import title_function, title_level
from netrules.loaders.overlay import apply_overlay


@pytest.fixture
def derived(load: Callable[..., Any]) -> Callable[..., Any]:
    """``derived(**export_parts)``: the network of that export, derivations on."""

    def go(**parts: Any) -> Any:
        return load(export(**parts), infer=True, name=NAME)

    return go


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("Senior Software Engineer", "senior"),
        ("Chief Technology Officer", "executive"),
        ("Co-Founder & CEO", "executive"),
        ("Head of Data", "director"),
        ("Engineering Manager", "manager"),
        ("Junior Developer", "junior"),
        ("Software Engineer II", "mid"),
        ("Summer Intern", "intern"),
        ("Software Engineer", None),
        ("Teamleiterin Softwareentwicklung", "senior"),
        ("Vertriebsleiter DACH", "director"),
        ("Geschäftsführer", "executive"),
        ("Werkstudentin Marketing", "intern"),
        ("Marketingpraktikant", "intern"),
        ("Directeur général", "executive"),
        ("Stagiaire développeur", "intern"),
        ("Desarrolladora sénior", "senior"),
        ("Estagiária de dados", "intern"),
        ("Product Owner", None),
        ("HR Business Partner", None),
        ("Chief of Staff", "senior"),
        ("International Sales Representative", None),
        ("Internal Auditor", None),
    ],
)
def test_title_level_words(title: str, level: str | None) -> None:
    """Level words are found in seven languages, on word boundaries, traps excluded."""
    assert level == title_level(title)


def test_title_function() -> None:
    """Titles map to a job function, or to None without a function word."""
    assert [title_function(t) for t in ("Backend Developer", "Account Executive", "Wizard")] == [
        "engineering",
        "sales",
        None,
    ]


def test_title_and_years_agree_high(derived: Callable[..., Any]) -> None:
    """A senior title and 10 years of work: senior, high confidence, with the evidence quoted."""
    net = derived(
        positions=[
            ("Acme", "Senior Engineer", "Jun 2021", ""),
            ("Initech", "Engineer", "Jan 2015", "May 2021"),
        ]
    )
    fact = net.fact("member.career_level")
    assert (net.member.career_level, fact.source, fact.confidence) == ("senior", "derived", "high")
    assert 'Positions.csv → Title = "Senior Engineer" (current, Acme)' in fact.evidence
    assert any('Started On = "Jan 2015"' in e for e in fact.evidence)
    assert fact.override.startswith("--career-level")


def test_years_alone_give_the_band(derived: Callable[..., Any]) -> None:
    """Without a level word the years decide: 5 years is mid-career (medium)."""
    net = derived(positions=[("Acme", "Software Engineer", "Jan 2020", "")])
    fact = net.fact("member.career_level")
    assert (net.member.career_level, fact.confidence) == ("mid-career", "medium")


def test_german_title(derived: Callable[..., Any]) -> None:
    """A German title counts: Teamleiterin with 9 years is senior."""
    net = derived(
        positions=[
            ("Beispiel GmbH", "Teamleiterin Softwareentwicklung", "Mar 2022", ""),
            ("Muster AG", "Softwareentwicklerin", "Jan 2016", "Feb 2022"),
        ]
    )
    assert net.member.career_level == "senior"
    assert net.fact("member.career_level").confidence == "high"


def test_internship_only_history(derived: Callable[..., Any]) -> None:
    """Only internships, not studying: entry with low confidence, never by years."""
    net = derived(
        positions=[
            ("Acme", "Software Engineering Intern", "Jun 2024", "Sep 2024"),
            ("Initech", "Praktikant IT", "Jun 2023", "Aug 2023"),
        ],
        education=[("TU Berlin", "BSc", "2019", "2023")],
    )
    fact = net.fact("member.career_level")
    assert (net.member.career_level, fact.confidence) == ("entry", "low")
    assert "internships" in fact.why


def test_future_graduation_date_means_student(derived: Callable[..., Any]) -> None:
    """An Education End Date after as_of (expected graduation) makes a student."""
    net = derived(
        positions=[("Acme", "Working Student", "Oct 2024", "")],
        education=[("TU Berlin", "MSc Informatics", "Oct 2023", "Sep 2026")],
    )
    fact = net.fact("member.career_level")
    assert (net.member.career_level, fact.source) == ("student", "derived")
    assert 'Education.csv → End Date = "Sep 2026" (TU Berlin): still studying' in fact.evidence


def test_senior_title_while_studying_is_not_student(derived: Callable[..., Any]) -> None:
    """An executive MBA student with a director title stays senior."""
    net = derived(
        positions=[("Acme", "Director of Sales", "Jan 2016", "")],
        education=[("INSEAD", "Executive MBA", "Sep 2024", "Jun 2026")],
    )
    assert net.member.career_level == "senior"


def test_recent_graduate_is_the_student_row(derived: Callable[..., Any]) -> None:
    """Graduated within a year with little work: the article's Student/Recent Graduate row."""
    net = derived(
        positions=[("Acme", "Software Engineer", "Oct 2024", "")],
        education=[("TU Berlin", "BSc", "Oct 2020", "Jul 2024")],
    )
    assert net.member.career_level == "student"
    assert "recent-graduate" in net.member.situations


def test_young_founder_is_executive_with_low_confidence(derived: Callable[..., Any]) -> None:
    """A founder title with under 3 years of work: executive, low confidence."""
    net = derived(positions=[("Tiny Startup", "Founder", "Mar 2023", "")])
    fact = net.fact("member.career_level")
    assert (net.member.career_level, fact.confidence) == ("executive", "low")


def test_title_and_years_disagree(derived: Callable[..., Any]) -> None:
    """A Head title after 1 year: the title wins (senior) at low confidence, both shown."""
    net = derived(positions=[("Acme", "Head of Growth", "Jan 2024", "")])
    fact = net.fact("member.career_level")
    assert (net.member.career_level, fact.confidence) == ("senior", "low")
    assert "alone would say entry" in fact.why


def test_linkedin_inference_without_positions(derived: Callable[..., Any]) -> None:
    """No positions: LinkedIn's own seniority is the answer, tagged linkedin-inferred."""
    net = derived(ad_targeting={"Job Seniorities": "Entry"})
    fact = net.fact("member.career_level")
    assert (net.member.career_level, fact.source, fact.confidence) == (
        "entry",
        "linkedin-inferred",
        "low",
    )
    assert fact.evidence == ('Ad_Targeting.csv → Job Seniorities = "Entry"',)


def test_linkedin_agreement_raises_confidence(derived: Callable[..., Any]) -> None:
    """LinkedIn's career stage agreeing with the years moves confidence one step up."""
    net = derived(
        positions=[("Acme", "Software Engineer", "Jan 2020", "")],
        inferences=[("Growth stage of career", "Yes")],
    )
    assert net.fact("member.career_level").confidence == "high"


def test_no_evidence_no_career_level(derived: Callable[..., Any]) -> None:
    """Nothing to go on: the career level stays unknown and no fact is recorded."""
    net = derived()
    assert (net.member.career_level, net.fact("member.career_level")) == (None, None)


def test_declared_career_level_wins(derived: Callable[..., Any]) -> None:
    """--career-level replaces the derived value and its record; other records stay."""
    net = derived(
        positions=[
            ("Acme", "Senior Engineer", "Jun 2021", ""),
            ("X", "Dev", "Jan 2015", "May 2021"),
        ]
    )
    before = {f.name: f for f in net.facts}
    after = apply_overlay(net, {"member": {"career_level": "executive"}}, source="<command line>")
    fact = after.fact("member.career_level")
    assert (after.member.career_level, fact.source, fact.confidence) == (
        "executive",
        "declared",
        "high",
    )
    assert fact.evidence == ("--career-level → career_level = executive",)
    assert {f.name: f for f in after.facts if f.name != "member.career_level"} == {
        k: v for k, v in before.items() if k != "member.career_level"
    }
