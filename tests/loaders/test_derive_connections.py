"""Relationships, last interactions and invitation outcomes on an export (derivations.md §5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from export_kit import ME, NAME, days_before, export, pacific
from hypothesis import given, settings
from hypothesis import strategies as st

from netrules.loaders.derive import company_key
from netrules.loaders.overlay import apply_overlay

D = dt.date
ANN = "https://www.linkedin.com/in/ann"
BEN = "https://www.linkedin.com/in/ben"
CAL = "https://www.linkedin.com/in/cal"
DEE = "https://www.linkedin.com/in/dee"
EVE = "https://www.linkedin.com/in/eve"
FAY = "https://www.linkedin.com/in/fay"

PEOPLE = [
    ["Ann", "A", ANN, "", "ACME Inc.", "Engineer", "10 Jan 2023"],  # current employer
    ["Ben", "B", BEN, "", "Initech GmbH", "Analyst", "10 Jun 2019"],  # past, in the window
    ["Cal", "C", CAL, "", "Initech", "Analyst", "10 Jun 2024"],  # past, long after
    ["Dee", "D", DEE, "", "TU Berlin", "Student", "10 Dec 2013"],  # school, while studying
    ["Eve", "E", EVE, "", "Globex", "Designer", "10 Dec 2020"],  # endorsed the member
    ["Fay", "F", FAY, "fay@example.com", "Umbrella", "Chemist", "10 Dec 2020"],  # nothing
]
POSITIONS = [("Acme", "Engineer", "Jan 2022", ""), ("Initech", "Analyst", "Jan 2018", "Dec 2021")]
EDUCATION = [("TU Berlin", "BSc", "Oct 2011", "Sep 2014")]


@pytest.fixture
def derived(load: Callable[..., Any]) -> Callable[..., Any]:
    """``derived(**export_parts)``: the network of that export, derivations on."""

    def go(**parts: Any) -> Any:
        parts.setdefault("people", PEOPLE)
        parts.setdefault("positions", POSITIONS)
        parts.setdefault("education", EDUCATION)
        return load(export(**parts), infer=True, name=NAME)

    return go


def relationships(net: Any) -> dict[str, str | None]:
    return {c.name.split()[0]: c.relationship for c in net.connections}


def test_company_key() -> None:
    """Company names compare without case, legal forms, punctuation or a leading 'the'."""
    assert company_key("The ACME Company, Inc.") == company_key("acme") == "acme"
    assert company_key("Procter & Gamble (Germany)") == "procter and gamble"
    assert company_key("Initech GmbH") == company_key("INITECH")


def _company_key_plainly(name: str) -> str:
    """company_key as derivations.md §5.2 states it, each step applied unconditionally."""
    import re
    import unicodedata

    text = " ".join(unicodedata.normalize("NFKC", name).casefold().split())
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text).replace("&", " and ")
    text = " ".join(re.sub(r"[^\w\s]+", " ", text).split())
    if text.startswith("the "):
        text = text[4:]
    legal = (
        r"(?:\s+(?:inc|llc|ltd|plc|corp|corporation|co|company|gmbh|ag|sa|s a|bv|nv|srl|spa|"
        r"pty|pvt|limited|se|kg|oy|ab|as))+$"
    )
    return re.sub(legal, "", text).strip()


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "The",
                "the",
                "Acme",
                "ACME",
                "&",
                ",",
                ".",
                "(Berlin)",
                "(",
                ")",
                "Inc",
                "Inc.",
                "S",
                "A",
                "S.A.",
                "a",
                "co",
                "Co",
                "GmbH",
                "as",
                "AS",
                " ",
                "\u00a0",
                "\u2003",
                "\n",
                "ﬁrm",
                "Ⅸ",
                "Straße",
                "é",
                "e\u0301",
                "(x)",
                "(",
                "-",
                "_",
                "AB",
                "sa",
            ]
        ),
        max_size=7,
    ).map("".join)
)
def test_company_key_takes_its_shortcuts_safely(name: str) -> None:
    """The steps company_key skips when they cannot apply change nothing."""
    from netrules.loaders import derive

    derive._company_cache.pop(name, None)
    assert company_key(name) == _company_key_plainly(name)


def test_relationship_ladder(derived: Callable[..., Any]) -> None:
    """Employers, schools and endorsements each give their relationship; nothing gives unknown."""
    net = derived(
        endorsements_received=[("Eve", "E", "www.linkedin.com/in/eve", "2024/12/07 14:51:07 UTC")]
    )
    assert relationships(net) == {
        "Ann": "colleague",
        "Ben": "former-colleague",
        "Cal": "former-colleague",
        "Dee": "classmate",
        "Eve": "known",
        "Fay": None,
    }
    fact = net.fact("connections.relationship")
    assert fact.value == {"classmate": 1, "colleague": 1, "former-colleague": 2, "known": 1}
    assert (fact.source, fact.confidence) == ("derived", "low")
    assert "1 with no evidence stay unknown" in fact.why


def test_endorsement_is_an_interaction(derived: Callable[..., Any]) -> None:
    """An endorsement either way sets last_interaction_on, even without messages.csv."""
    net = derived(
        endorsements_given=[("Fay", "F", "www.linkedin.com/in/fay", "2024/11/02 10:00:00 UTC")]
    )
    fay = next(c for c in net.connections if c.url == FAY)
    assert (fay.relationship, fay.last_interaction_on) == ("known", D(2024, 11, 2))
    assert net.member.exchanges_recorded is None
    assert net.fact("connections.last_interaction_on").value == 1


def test_messages_and_recommendations(derived: Callable[..., Any]) -> None:
    """The later of a message and a recommendation is the last interaction; a
    recommendation naming a past employer makes a former colleague (high)."""
    net = derived(
        messages=[("Fay F", FAY, "2024-05-01 10:00:00 UTC")],
        recommendations_received=[("Fay", "F", "Initech", "12/09/24, 07:18 PM")],
    )
    fay = next(c for c in net.connections if c.url == FAY)
    assert (fay.relationship, fay.last_interaction_on) == ("former-colleague", D(2024, 12, 9))
    assert net.member.exchanges_recorded is True


def test_address_book_match_by_email(derived: Callable[..., Any]) -> None:
    """An address-book contact matched by e-mail is 'known'."""
    net = derived(contacts=[("Fay Fictional", "fay@example.com")])
    assert relationships(net)["Fay"] == "known"
    assert "Contacts.csv" in net.fact("connections.relationship").evidence


def test_declared_relationship_wins(derived: Callable[..., Any]) -> None:
    """An overlay relationship replaces a derived one; the derived count drops by one."""
    net = derived()
    after = apply_overlay(net, {"relationships": {"Ann A": "friend"}}, source="me.toml")
    assert relationships(after)["Ann"] == "friend"
    derived_fact, declared = [f for f in after.facts if f.name == "connections.relationship"]
    assert (derived_fact.source, declared.source) == ("derived", "declared")
    assert "colleague" not in derived_fact.value
    assert declared.value == {"friend": 1}


def invitation(direction: str, person: str, url: str, sent: dt.date) -> list[str]:
    if direction == "OUTGOING":
        return ["Mia Member", person, pacific(sent), "", direction, ME, url]
    return [person, "Mia Member", pacific(sent), "", direction, url, ME]


def test_invitation_outcomes_after_the_grace_period(derived: Callable[..., Any]) -> None:
    """Not accepted after 21 days: incoming ignored, outgoing unanswered; younger stay pending."""
    x, y, z = (f"https://www.linkedin.com/in/{n}" for n in "xyz")
    net = derived(
        invitations=[
            invitation("OUTGOING", "Ann A", ANN, D(2023, 1, 9)),
            invitation("OUTGOING", "Xi X", x, days_before(40)),
            invitation("INCOMING", "Yu Y", y, days_before(22)),
            invitation("INCOMING", "Zo Z", z, days_before(21)),
        ]
    )
    assert [i.status for i in net.invitations] == ["accepted", "unanswered", "ignored", "pending"]
    assert [i.follow_ups for i in net.invitations] == [None] * 4
    assert net.fact("invitations.status").value == {"ignored": 1, "unanswered": 1}


def test_no_infer_keeps_the_plain_loader(load: Callable[..., Any]) -> None:
    """infer=False: no relationship, invitations pending, no facts."""
    x = "https://www.linkedin.com/in/x"
    files = export(
        people=PEOPLE,
        positions=POSITIONS,
        invitations=[invitation("OUTGOING", "Xi X", x, days_before(40))],
    )
    net = load(files, name=NAME)
    assert set(relationships(net).values()) == {None}
    assert [i.status for i in net.invitations] == ["pending"]
    assert net.facts == ()


def test_rows_the_derivations_need_not_see(derived: Callable[..., Any]) -> None:
    """Without endorsements, recommendations or contacts the loader passes a connection
    to the derivations only where they may give something (Deriver.quiet); the load
    fixture loads each export again with every row passed and requires the same
    network. Here every case of that test: a message, an employer, a school, a student
    inside and outside the study window, a first and a second row of one company."""
    gus = "https://www.linkedin.com/in/gus"
    hal = "https://www.linkedin.com/in/hal"
    people = [
        *PEOPLE[:4],
        ["Fay", "F", FAY, "", "", "", "10 Dec 2020"],  # messaged, no company
        ["Gus", "G", gus, "", "Umbrella", "Student", "10 Dec 2012"],  # student, in the window
        ["Hal", "H", hal, "", "Umbrella", "Student", "10 Dec 2016"],  # student, after it
        ["Ivy", "I", "", "", "Umbrella", "Chemist", ""],  # no day
        ["Jon", "J", "", "", "ACME Inc.", "", "10 Jan 2023"],  # a company seen before
        ["Kim", "K", "", "", "", "Student", "10 Dec 2012"],  # no company, in the window
    ]
    net = derived(people=people, messages=[("Fay F", FAY, "2024-05-01 10:00:00 UTC")])
    assert relationships(net) == {
        "Ann": "colleague",
        "Ben": "former-colleague",
        "Cal": "former-colleague",
        "Dee": "classmate",
        "Fay": "known",
        "Gus": "classmate",
        "Hal": None,
        "Ivy": None,
        "Jon": "colleague",
        "Kim": "classmate",
    }
    fay = next(c for c in net.connections if c.url == FAY)
    assert fay.last_interaction_on == D(2024, 5, 1)
    assert net.fact("connections.relationship").value["known"] == 1
