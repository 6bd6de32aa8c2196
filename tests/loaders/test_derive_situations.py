"""Situations and the join date (derivations.md §2 and §4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from export_kit import NAME, days_before, export, pacific

from netrules.loaders.overlay import apply_overlay


@pytest.fixture
def derived(load: Callable[..., Any]) -> Callable[..., Any]:
    """``derived(**export_parts)``: the network of that export, derivations on."""

    def go(**parts: Any) -> Any:
        return load(export(**parts), infer=True, name=NAME)

    return go


def test_joined_on_is_stated(derived: Callable[..., Any]) -> None:
    """Registration.csv gives joined_on, recorded as stated with the cell quoted."""
    net = derived(registered="11/18/20, 11:55 AM")
    fact = net.fact("member.joined_on")
    assert (fact.source, fact.confidence, fact.evidence) == (
        "stated",
        "high",
        ('Registration.csv → "11/18/20, 11:55 AM"',),
    )
    assert net.member.situations is None


def test_new_to_linkedin(derived: Callable[..., Any]) -> None:
    """Registered 30 days before as_of: new-to-linkedin, high confidence."""
    net = derived(registered=pacific(days_before(30)))
    fact = net.fact("member.situations")
    assert (net.member.situations, fact.confidence) == (("new-to-linkedin",), "high")


def test_recent_graduate_needs_a_real_degree(derived: Callable[..., Any]) -> None:
    """A certificate finished last month is not graduating; a master's is."""
    course = derived(education=[("Coursera", "Certificate in Data Science", "2024", "Dec 2024")])
    degree = derived(education=[("TU Berlin", "MSc", "Oct 2022", "Dec 2024")])
    assert course.member.situations is None
    assert degree.member.situations == ("recent-graduate",)
    assert degree.fact("member.situations").confidence == "medium"


def test_career_break_from_a_long_gap(derived: Callable[..., Any]) -> None:
    """No current position and the last one ended 8 months ago: career-break, medium."""
    net = derived(positions=[("Acme", "Engineer", "Jan 2018", "May 2024")])
    fact = net.fact("member.situations")
    assert (net.member.situations, fact.confidence) == (("career-break",), "medium")


def test_career_break_stated_in_positions(derived: Callable[..., Any]) -> None:
    """A current position titled Elternzeit is a career break the member stated."""
    net = derived(
        positions=[
            ("Familie", "Elternzeit", "Sep 2024", ""),
            ("Acme", "Engineer", "2015", "Aug 2024"),
        ]
    )
    assert net.member.situations == ("career-break",)
    assert net.fact("member.situations").confidence == "high"


def test_unemployment_inference_raises_confidence(derived: Callable[..., Any]) -> None:
    """LinkedIn's Unemployment Status = Yes makes the gap a high-confidence break."""
    net = derived(
        positions=[("Acme", "Engineer", "Jan 2018", "May 2024")],
        inferences=[("Unemployment Status", "Yes")],
    )
    assert net.fact("member.situations").confidence == "high"


def test_career_change(derived: Callable[..., Any]) -> None:
    """A new role in another field after years in one, few connections there: career-change."""
    people = [["P", str(i), "", "", "Co", "Software Engineer", "01 Jan 2020"] for i in range(5)]
    net = derived(
        positions=[
            ("Acme", "UX Designer", "Jun 2024", ""),
            ("Initech", "Software Engineer", "Jan 2016", "May 2024"),
        ],
        people=people,
    )
    assert net.member.situations == ("career-change",)
    fact = net.fact("member.situations")
    assert fact.confidence == "low"
    assert any("0% of your connections work in design" in e for e in fact.evidence)


def test_no_situation_stays_unknown(derived: Callable[..., Any]) -> None:
    """Nothing derived: situations stay None (unknown), not an empty list."""
    net = derived(positions=[("Acme", "Engineer", "Jan 2018", "")])
    assert (net.member.situations, net.fact("member.situations")) == (None, None)


def test_declared_situations_win(derived: Callable[..., Any]) -> None:
    """--situation none replaces derived situations; the join date record stays stated."""
    net = derived(registered=pacific(days_before(30)))
    after = apply_overlay(net, {"member": {"situations": []}}, source="<command line>")
    assert after.member.situations == ()
    assert after.fact("member.situations").source == "declared"
    assert after.fact("member.joined_on") == net.fact("member.joined_on")
