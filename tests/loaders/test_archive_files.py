"""Which archive file feeds which fact, and what is derived how."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from archive_builder import (
    CONNECTIONS,
    CONNECTIONS_NO_URL,
    EDUCATION,
    INVITATIONS,
    MESSAGES,
    POSITIONS,
    PREAMBLE,
    PROFILE,
    RECOMMENDATIONS,
    REGISTRATION,
    connections,
    table,
)

from netrules.loaders import load_network
from netrules.model import Connection, Employer, Invitation, School, Skipped

D = dt.date
ME = "https://www.linkedin.com/in/mia-member"
JANE = "https://www.linkedin.com/in/jane-doe"
BOB = "https://www.linkedin.com/in/bob-roe"


def full_archive() -> dict[str, str | bytes]:
    """A small Basic export with every file the loader reads."""
    return {
        "Connections.csv": connections(
            [
                ["Jane", "Doe", JANE, "", "Acme", "CEO", "16 Dec 2024"],
                ["", "", "", "", "", "", "14 Sep 2024"],
                ["Bob", "Roe", BOB, "bob@example.com", "Initech", "Engineer", "09 Sep 2022"],
            ]
        ),
        "Profile.csv": table(
            PROFILE[13],
            [
                [
                    "Mia",
                    "Member",
                    "",
                    "",
                    "Mar 31",
                    "Builds things",
                    "",
                    "Software Development",
                    "",
                    "Cairo, Egypt",
                    "",
                    "",
                    "",
                ]
            ],
        ),
        "Positions.csv": table(
            POSITIONS,
            [
                ["Acme", "Lead", "• builds, ships", "Cairo", "Jun 2021", ""],
                ["Initech", "Engineer", "", "", "2017", "May 2021"],
            ],
        ),
        "Education.csv": table(
            EDUCATION, [["Cairo University", "2011", "Nov 2015", "", "BSc", ""]]
        ),
        "Registration.csv": table(REGISTRATION["2022"], [["11/18/20, 11:55 AM", "", ""]]),
        "Recommendations_Given.csv": table(
            RECOMMENDATIONS,
            [
                [
                    "Bob",
                    "Roe",
                    "Initech",
                    "Engineer",
                    "Reliable,  careful.",
                    "12/09/22, 07:18 PM",
                    "",
                ]
            ],
        ),
        "Invitations.csv": table(
            INVITATIONS["2024-url"],
            [
                ["Mia Member", "Jane Doe", "12/15/24, 7:47 AM", "", "OUTGOING", ME, JANE],
                [
                    "Sam Poe",
                    "Mia Member",
                    "12/1/24, 9:00 PM",
                    "Hello!",
                    "INCOMING",
                    "https://www.linkedin.com/in/sam",
                    ME,
                ],
            ],
        ),
        "messages.csv": table(
            MESSAGES["2024-12"],
            [
                [
                    "2-a==",
                    "",
                    "Jane Doe",
                    JANE,
                    "Mia Member",
                    ME,
                    "2024-12-20 09:00:00 UTC",
                    "",
                    "hi",
                    "INBOX",
                    "No",
                    "No",
                ],
                [
                    "2-a==",
                    "",
                    "Mia Member",
                    ME,
                    "Jane Doe",
                    JANE,
                    "2024-12-18 09:00:00 UTC",
                    "",
                    "hey",
                    "INBOX",
                    "No",
                    "No",
                ],
                [
                    "2-b==",
                    "",
                    "Mia Member",
                    ME,
                    "Bob Roe",
                    BOB,
                    "2025-01-02 09:00:00 UTC",
                    "",
                    "draft",
                    "INBOX",
                    "Yes",
                    "Yes",
                ],
            ],
        ),
        "Rich Media.csv": "Type,Link\n",
    }


@pytest.fixture
def network(load: Callable[..., Any]) -> Any:
    return load(full_archive())


def test_member_facts(network: Any) -> None:
    """Profile, Positions, Education and Registration make the member."""
    m = network.member
    assert (m.name, m.headline, m.industry, m.joined_on) == (
        "Mia Member",
        "Builds things",
        "Software Development",
        D(2020, 11, 18),
    )
    assert m.employers == (
        Employer("Acme", "Lead", D(2021, 6, 1), None),
        Employer("Initech", "Engineer", D(2017, 1, 1), D(2021, 5, 31)),
    )
    assert m.schools == (School("Cairo University", "BSc", D(2011, 1, 1), D(2015, 11, 30)),)


def test_what_the_archive_cannot_tell_stays_unknown(network: Any) -> None:
    """Career level, job seeking, situations, premium and relationships stay None."""
    m = network.member
    assert (m.career_level, m.job_seeking, m.situations, m.premium) == (None, None, None, None)
    assert {c.relationship for c in network.connections} == {None}
    assert {i.relationship for i in network.invitations} == {None}


def test_connection_count_includes_blank_member_rows(network: Any) -> None:
    """connection_count is every connection row; only named ones become connections."""
    assert network.member.connection_count == 3
    assert [c.id for c in network.connections] == [JANE, BOB]


def test_as_of_is_the_day_in_the_archive_name(network: Any) -> None:
    """``Basic_LinkedInDataExport_07-11-2023`` gives as_of 2023-07-11."""
    assert network.as_of == D(2023, 7, 11)


def test_as_of_unknown_without_the_export_name(load: Callable[..., Any]) -> None:
    """A renamed archive has no as_of."""
    assert load(full_archive(), name="my-data").as_of is None


def test_last_interaction_is_the_latest_sent_message(network: Any) -> None:
    """The latest non-draft message either way is the last interaction; drafts don't count."""
    jane, bob = network.connections
    assert jane.last_interaction_on == D(2024, 12, 20)
    assert bob.last_interaction_on is None
    assert (
        Skipped("messages.csv", "draft messages (never sent): not an interaction", 1, (4,))
        in network.skipped
    )


def test_exchanges_recorded_only_with_messages(load: Callable[..., Any]) -> None:
    """With messages.csv the exchanges are recorded; without it they are unknown, not "none"."""
    files = full_archive()
    assert load(files).member.exchanges_recorded is True
    del files["messages.csv"]
    net = load(files)
    assert net.member.exchanges_recorded is None
    assert {c.last_interaction_on for c in net.connections} == {None}


def test_recommendations_recorded_only_with_the_file(load: Callable[..., Any]) -> None:
    """With Recommendations_Given.csv the recommendations given are recorded (even
    none); without it they are unknown, and the derived facts say so."""
    files = full_archive()
    assert load(files).member.recommendations_recorded is True
    del files["Recommendations_Given.csv"]
    assert load(files).fact("member.recommendations_recorded") is None
    net = load(files, infer=True)
    assert (net.member.recommendations_recorded, net.recommendations_given) == (None, ())
    fact = net.fact("member.recommendations_recorded")
    assert (fact.source, fact.value) == ("default", None)
    assert "Recommendations_Given.csv" in fact.why


def test_recommendations_given(network: Any) -> None:
    """Recommendations_Given rows become recommendations with a readable id."""
    [r] = network.recommendations_given
    assert (r.id, r.person, r.given_on, r.relationship) == (
        "for Bob Roe (2022-12-09)",
        "Bob Roe",
        D(2022, 12, 9),
        None,
    )


def test_invitations(network: Any) -> None:
    """The person is the other side; ids say direction, person and day; follow_ups is unknown."""
    out, inc = network.invitations
    assert (out.id, out.direction, out.person, out.message, out.status) == (
        "to Jane Doe (2024-12-15)",
        "outgoing",
        "Jane Doe",
        None,
        "accepted",
    )
    assert (inc.id, inc.direction, inc.person, inc.message, inc.status) == (
        "from Sam Poe (2024-12-01)",
        "incoming",
        "Sam Poe",
        "Hello!",
        "pending",
    )
    assert (out.follow_ups, inc.follow_ups) == (None, None)


def test_files_not_in_the_archive_are_recorded(load: Callable[..., Any]) -> None:
    """An archive without Connections.csv loads with 0 connections; absent files are listed."""
    net = load({"Rich_Media.csv": "Date/Time,Media Description,Media Link\n"})
    assert (net.connections, net.member.connection_count) == ((), 0)
    missing = {s.file for s in net.skipped if s.reason == "not in the archive"}
    assert missing == {
        "Connections.csv",
        "Invitations.csv",
        "messages.csv",
        "Profile.csv",
        "Positions.csv",
        "Education.csv",
        "Registration.csv",
        "Recommendations_Given.csv",
    }


def test_load_network_reads_zip_and_folder(make_archive: Callable[..., Any]) -> None:
    """netrules.loaders.load_network dispatches a .zip and a folder to the archive loader."""
    files = full_archive()
    assert load_network(make_archive(files)) == load_network(make_archive(files, kind="folder"))


def test_columns_by_name_in_any_order_with_extras(load: Callable[..., Any]) -> None:
    """Columns are found by header name; unknown extra columns are ignored."""
    header = "Connected On,Position,Company,Email Address,Last Name,First Name,Notes,"
    net = load(
        {
            "Connections.csv": connections(
                [["16 Dec 2024", "CEO", "Acme", "", "Doe", "Jane", "x", ""]], header=header
            )
        }
    )
    [c] = net.connections
    assert (c.name, c.company, c.position, c.connected_on) == (
        "Jane Doe",
        "Acme",
        "CEO",
        D(2024, 12, 16),
    )


def test_short_rows_are_padded(load: Callable[..., Any]) -> None:
    """A row cut short (trailing cells missing) reads the missing cells as empty."""
    net = load({"Positions.csv": table(POSITIONS, [["Acme", "Lead", "", "", "Jun 2021"]])})
    assert net.member.employers == (Employer("Acme", "Lead", D(2021, 6, 1), None),)


def test_ids_without_urls_are_name_and_date_made_unique(load: Callable[..., Any]) -> None:
    """Without a URL the id is ``Name (date)``; repeats get ``#2``, ``#3`` in file order."""
    rows = [
        ["Jane", "Doe", "", "", "", "16 Dec 2024"],
        ["Jane", "Doe", "", "", "", "16 Dec 2024"],
        ["Jane", "Doe", "", "", "", "16 Dec 2024"],
        ["Ann", "", "", "", "", ""],
    ]
    net = load({"Connections.csv": connections(rows, header=CONNECTIONS_NO_URL)})
    assert [c.id for c in net.connections] == [
        "Jane Doe (2024-12-16)",
        "Jane Doe (2024-12-16) #2",
        "Jane Doe (2024-12-16) #3",
        "Ann",
    ]
    assert net.connections[3].connected_on is None


def test_rows_without_a_name_are_skipped_and_recorded(load: Callable[..., Any]) -> None:
    """Positions or schools with no name cannot be facts: skipped with their rows."""
    net = load(
        {
            "Positions.csv": table(POSITIONS, [["", "Lead", "", "", "Jun 2021", ""]]),
            "Education.csv": table(EDUCATION, [["", "2011", "2015", "", "", ""]]),
        }
    )
    assert (net.member.employers, net.member.schools) == ((), ())
    reasons = {(s.file, s.count, s.rows) for s in net.skipped if s.count}
    assert reasons == {("Positions.csv", 1, (2,)), ("Education.csv", 1, (2,))}


# -- invitation status -------------------------------------------------------


def _status(load: Callable[..., Any], connected_on: str, sent_at: str, *, url: bool = True) -> str:
    conn_url = JANE if url else ""
    files = {
        "Connections.csv": connections([["Jane", "Doe", conn_url, "", "", "", connected_on]]),
        "Invitations.csv": table(
            INVITATIONS["2024-url" if url else "2018"],
            [["Mia Member", "Jane Doe", sent_at, "", "OUTGOING", *([ME, JANE] if url else [])]],
        ),
    }
    return load(files).invitations[0].status


@pytest.mark.parametrize(
    ("connected_on", "expected"),
    [
        ("15 Dec 2024", "accepted"),  # same day
        ("16 Dec 2024", "accepted"),  # a day later (Pacific vs. later zone)
        ("14 Dec 2024", "accepted"),  # a day earlier: within the one-day slack
        ("13 Dec 2024", "pending"),  # connected before the invitation: not this one
    ],
)
@pytest.mark.parametrize("url", [True, False], ids=["by-url", "by-name"])
def test_invitation_accepted_when_connected_after_sending(
    load: Callable[..., Any], connected_on: str, expected: str, url: bool
) -> None:
    """Accepted when a matching connection's date is at least the sent day minus one."""
    assert _status(load, connected_on, "12/15/24, 11:47 PM", url=url) == expected


def test_invitation_pending_without_a_connection(load: Callable[..., Any]) -> None:
    """An invitation to someone who is not a connection is pending."""
    files = {
        "Invitations.csv": table(
            INVITATIONS["2018"],
            [["Mia Member", "Nobody Here", "12/15/24, 7:47 AM", "", "OUTGOING"]],
        )
    }
    assert load(files).invitations[0].status == "pending"


def test_invitation_url_beats_a_namesake(load: Callable[..., Any]) -> None:
    """With URLs on both sides, a namesake with another URL does not accept the invitation."""
    files = {
        "Connections.csv": connections(
            [["Jane", "Doe", "https://www.linkedin.com/in/other-jane", "", "", "", "16 Dec 2024"]]
        ),
        "Invitations.csv": table(
            INVITATIONS["2024-url"],
            [["Mia Member", "Jane Doe", "12/15/24, 7:47 AM", "", "OUTGOING", ME, JANE]],
        ),
    }
    assert load(files).invitations[0].status == "pending"


def test_invitation_with_unknown_direction_is_skipped(load: Callable[..., Any]) -> None:
    """A Direction other than OUTGOING/INCOMING is skipped and recorded, not guessed."""
    files = {
        "Invitations.csv": table(
            INVITATIONS["2018"], [["Mia Member", "Jane Doe", "12/15/24, 7:47 AM", "", "SIDEWAYS"]]
        )
    }
    net = load(files)
    assert net.invitations == ()
    assert [s.rows for s in net.skipped if s.file == "Invitations.csv"] == [(2,)]


# -- last interaction ----------------------------------------------------------


def test_last_interaction_by_name_for_url_less_exports(load: Callable[..., Any]) -> None:
    """2021-era exports (no URLs in Connections) match senders and recipients by name."""
    files = {
        "Connections.csv": connections(
            [["Jane", "Doe", "", "", "", "01 Jan 2020"], ["Bob", "Roe", "", "", "", "01 Jan 2020"]],
            header=CONNECTIONS_NO_URL,
        ),
        "messages.csv": table(
            MESSAGES["2021"],
            [
                [
                    "2-a==",
                    "",
                    "JANE  doe",
                    JANE,
                    "Mia Member",
                    "2022-03-01 10:00:00 UTC",
                    "",
                    "",
                    "INBOX",
                ],
                [
                    "2-b==",
                    "",
                    "Mia Member",
                    ME,
                    "Bob Roe, Jane Doe",
                    "2022-04-01 10:00:00 UTC",
                    "",
                    "",
                    "INBOX",
                ],
            ],
        ),
    }
    jane, bob = load(files).connections
    assert (jane.last_interaction_on, bob.last_interaction_on) == (D(2022, 4, 1), D(2022, 4, 1))


def test_last_interaction_name_with_a_comma(load: Callable[..., Any]) -> None:
    """A recipient named "Jane Doe, Ph.D." is matched though names are comma-joined."""
    files = {
        "Connections.csv": connections(
            [["Jane", "Doe, Ph.D.", "", "", "", "01 Jan 2020"]], header=CONNECTIONS_NO_URL
        ),
        "messages.csv": table(
            MESSAGES["2018"],
            [["Mia Member", "Jane Doe, Ph.D.", "10/16/18, 8:36 AM", "", "", "OUTGOING", "INBOX"]],
        ),
    }
    assert load(files).connections[0].last_interaction_on == D(2018, 10, 16)


def test_last_interaction_url_beats_a_namesake(load: Callable[..., Any]) -> None:
    """A message from another "Jane Doe" (another URL) is not this Jane's interaction."""
    files = {
        "Connections.csv": connections([["Jane", "Doe", JANE, "", "", "", "01 Jan 2020"]]),
        "messages.csv": table(
            MESSAGES["2023"],
            [
                [
                    "2-a==",
                    "",
                    "Jane Doe",
                    "https://www.linkedin.com/in/other-jane",
                    "Mia Member",
                    ME,
                    "2024-12-20 09:00:00 UTC",
                    "",
                    "",
                    "INBOX",
                ],
                [
                    "2-b==",
                    "",
                    "LinkedIn",
                    "",
                    "Jane Doe",
                    JANE,
                    "2024-11-20 09:00:00 UTC",
                    "",
                    "",
                    "INBOX",
                ],
            ],
        ),
    }
    assert load(files).connections[0].last_interaction_on == D(2024, 11, 20)


def test_messages_without_a_date_are_skipped(load: Callable[..., Any]) -> None:
    """A message row with an empty DATE is recorded as skipped, not an error."""
    files = {
        "messages.csv": table(
            MESSAGES["2023"],
            [["2-a==", "", "Jane Doe", JANE, "Mia Member", ME, "", "", "", "INBOX"]],
        )
    }
    net = load(files)
    assert [(s.count, s.rows) for s in net.skipped if s.file == "messages.csv"] == [(1, (2,))]


@pytest.mark.parametrize(
    "data", [b"", PREAMBLE + CONNECTIONS.encode()], ids=["empty-file", "header-only"]
)
def test_connections_file_without_rows(load: Callable[..., Any], data: bytes) -> None:
    """An empty or header-only Connections.csv means no connections, nothing skipped."""
    net = load({"Connections.csv": data, "Profile.csv": full_archive()["Profile.csv"]})
    assert (net.connections, net.member.connection_count) == ((), 0)
    assert not [s for s in net.skipped if s.file == "Connections.csv"]


def test_macos_zip_leftovers_are_ignored(load: Callable[..., Any]) -> None:
    """``__MACOSX/`` and dot-files do not hide the export folder, whose name gives as_of."""
    top = "Complete_LinkedInDataExport_09-12-2022"
    files = {
        f"{top}/Connections.csv": full_archive()["Connections.csv"],
        f"__MACOSX/{top}/._Connections.csv": b"\x00\x05\x16\x07",
        "._DS_Store.csv": b"junk",
    }
    net = load(files, name="my-export")
    assert [c.id for c in net.connections] == [JANE, BOB]
    assert net.as_of == D(2022, 9, 12)


def test_fast_construction_equals_the_classes_own(load: Callable[..., Any]) -> None:
    """Connections and invitations are built through a mutable subclass whose objects
    then take their class (``archive._filler``, the hot loops); each is of the class
    itself, equals and hashes like the object its own constructor makes, and is
    frozen."""
    import attrs

    net = load(full_archive(), infer=True)
    built = [*net.connections, *net.invitations]
    assert net.connections and net.invitations
    for obj in built:
        assert type(obj) in (Connection, Invitation)
        again = type(obj)(**attrs.asdict(obj, recurse=False))  # (every field is set)
        assert obj == again and hash(obj) == hash(again)
        assert repr(obj) == repr(again)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            obj.id = "changed"


def test_filler_refuses_a_class_that_checks_its_values() -> None:
    """The fast path is only for slotted classes whose constructor merely stores the
    fields."""
    import attrs

    from netrules.loaders.archive import _filler

    @attrs.frozen(slots=True)
    class Checked:
        n: int = attrs.field(validator=attrs.validators.instance_of(int))

    @attrs.frozen(slots=False)
    class Unslotted:
        n: int

    with pytest.raises(TypeError):
        _filler(Checked)
    with pytest.raises(TypeError):
        _filler(Unslotted)
