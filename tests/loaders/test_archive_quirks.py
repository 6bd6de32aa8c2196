"""One test per quirk of reference §5 that touches the files the loader reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from archive_builder import (
    CONNECTIONS,
    CONNECTIONS_NO_URL,
    INVITATIONS,
    MESSAGES,
    PREAMBLE,
    PROFILE,
    REGISTRATION,
    connections,
    excel,
    table,
    utf16_tsv,
)

from netrules.errors import InputError
from netrules.model import Skipped

JANE = [
    "Jane",
    "Doe",
    "https://www.linkedin.com/in/jane-doe-1a2b3c4d",
    "",
    "Acme",
    "CEO",
    "16 Dec 2024",
]
BOB = [
    "Bob",
    "Roe",
    "https://www.linkedin.com/in/bob-roe-5e6f7a8b",
    "bob@example.com",
    "Initech",
    "Engineer",
    "09 Sep 2022",
]


def names(network: Any) -> list[str | None]:
    return [c.name for c in network.connections]


@pytest.mark.parametrize(
    "preamble",
    [PREAMBLE, b"", b"\xef\xbb\xbf\n\n", b"\n\n\n\n\n", PREAMBLE + b"\n\n"],
    ids=["notes-3-lines", "none-2018", "bom-2-blank-lines", "5-blank-lines", "notes-extra-blank"],
)
def test_preamble_is_found_by_scanning(load: Callable[..., Any], preamble: bytes) -> None:
    """The header is found after the notes preamble, none, or any blank lines."""
    net = load({"Connections.csv": connections([JANE, BOB], preamble=preamble)})
    assert names(net) == ["Jane Doe", "Bob Roe"]


@pytest.mark.parametrize("final_newline", [False, True])
def test_last_row_without_final_newline(load: Callable[..., Any], final_newline: bool) -> None:
    """The last connection is read whether or not the file ends with a newline."""
    net = load({"Connections.csv": connections([JANE, BOB], final_newline=final_newline)})
    assert net.connections[-1].email == "bob@example.com"
    assert net.member.connection_count == 2


def test_blank_member_rows_are_counted_not_listed(load: Callable[..., Any]) -> None:
    """Blank-member rows count in connection_count, make no Connection, and are recorded."""
    rows = [
        JANE,
        ["", "", "", "", "", "", "14 Sep 2024"],
        BOB,
        ["", "", "", "", "", "", "9 Sep 2022"],
    ]
    net = load({"Connections.csv": connections(rows)})
    assert names(net) == ["Jane Doe", "Bob Roe"]
    assert net.member.connection_count == 4
    [skip] = [s for s in net.skipped if s.file == "Connections.csv"]
    assert (skip.count, skip.rows) == (2, (6, 8))  # line numbers: the header is line 4
    assert "blank-member" in skip.reason


def test_blank_member_rows_in_the_six_column_vintage(load: Callable[..., Any]) -> None:
    """``,,,,,09 Sep 2022`` (no URL column) is a blank-member row too."""
    data = connections(
        [["Jane", "Doe", "", "", "", "16 Dec 2024"], ["", "", "", "", "", "09 Sep 2022"]],
        header=CONNECTIONS_NO_URL,
    )
    net = load({"Connections.csv": data})
    assert (net.member.connection_count, len(net.connections)) == (2, 1)


def test_unicode_names_are_kept_and_trailing_spaces_stripped(load: Callable[..., Any]) -> None:
    """Accents, Cyrillic, CJK, emoji and math letters survive; edge spaces go; "" is None."""
    rows = [
        ["Ünal ", "Öztürk  ", "", "", "", "", "16 Dec 2024"],
        ["Олена", "Коваль", "", "", "", "", "15 Dec 2024"],
        ["𝓙𝓪𝓷𝓮", "🚀 Doe", "", "", "", "", "14 Dec 2024"],
        [
            "明",
            "李",
            "",
            "",
            "Deputy Director, Futures and Concepts",
            'Transnational "Ukrtatnafta"',
            "13 Dec 2024",
        ],
    ]
    net = load({"Connections.csv": connections(rows)})
    assert names(net) == ["Ünal Öztürk", "Олена Коваль", "𝓙𝓪𝓷𝓮 🚀 Doe", "明 李"]
    last = net.connections[-1]
    assert (last.company, last.position) == (
        "Deputy Director, Futures and Concepts",
        'Transnational "Ukrtatnafta"',
    )
    assert net.connections[0].email is None and net.connections[0].url is None


def test_percent_encoded_urls_match_across_files(load: Callable[..., Any]) -> None:
    """A percent-encoded slug is the id as written, and matches its decoded form elsewhere."""
    url = "https://www.linkedin.com/in/j%C3%BCrgen-m%C3%BCller-12345678"
    files = {
        "Connections.csv": connections([["Jürgen", "Müller", url, "", "", "", "10 Dec 2024"]]),
        "messages.csv": table(
            MESSAGES["2023"],
            [
                [
                    "2-abc==",
                    "",
                    "Jürgen Müller",
                    "https://www.linkedin.com/in/jürgen-müller-12345678",
                    "Me Member",
                    "https://www.linkedin.com/in/me",
                    "2024-12-16 18:24:37 UTC",
                    "",
                    "hi",
                    "INBOX",
                ]
            ],
        ),
        "Invitations.csv": table(
            INVITATIONS["2024-url"],
            [
                [
                    "Me Member",
                    "Jürgen Müller",
                    "12/09/24, 7:47 AM",
                    "",
                    "OUTGOING",
                    "https://www.linkedin.com/in/me",
                    url.replace("%C3%BC", "%c3%bc"),
                ]
            ],
        ),
    }
    net = load(files)
    [c] = net.connections
    assert c.id == c.url == url
    assert c.last_interaction_on == dt.date(2024, 12, 16)
    assert net.invitations[0].status == "accepted"


@pytest.mark.parametrize(
    "header", [CONNECTIONS, CONNECTIONS_NO_URL], ids=["with-url", "without-url"]
)
def test_connections_header_vintages(load: Callable[..., Any], header: str) -> None:
    """Both Connections headers load; the URL is None where the vintage has no column."""
    row = {
        "First Name": "Jane",
        "Last Name": "Doe",
        "URL": "https://www.linkedin.com/in/jd",
        "Email Address": "",
        "Company": "Acme",
        "Position": "CEO",
        "Connected On": "16 Dec 2024",
    }
    net = load(
        {"Connections.csv": connections([[row[h] for h in header.split(",")]], header=header)}
    )
    [c] = net.connections
    assert (c.name, c.company, c.connected_on) == ("Jane Doe", "Acme", dt.date(2024, 12, 16))
    assert c.url == ("https://www.linkedin.com/in/jd" if "URL" in header else None)


@pytest.mark.parametrize("vintage", list(INVITATIONS))
def test_invitations_header_vintages(load: Callable[..., Any], vintage: str) -> None:
    """Every Invitations header loads direction, person, date, message and status."""
    me, jane, sam = {
        "2018": ([], [], []),
        "2023-07-urn": (["urn:li:member:1"], ["urn:li:member:2"], ["urn:li:member:3"]),
        "2024-url": (
            ["https://www.linkedin.com/in/me"],
            ["https://www.linkedin.com/in/jd"],
            ["https://www.linkedin.com/in/sam"],
        ),
    }[vintage]
    files = {
        "Connections.csv": connections(
            [["Jane", "Doe", "https://www.linkedin.com/in/jd", "", "", "", "16 Dec 2024"]]
        ),
        "Invitations.csv": table(
            INVITATIONS[vintage],
            [
                ["Me Member", "Jane Doe", "12/15/24, 7:47 AM", "Hi Jane", "OUTGOING", *me, *jane],
                ["Sam Poe", "Me Member", "11/1/24, 10:02 PM", "", "INCOMING", *sam, *me],
            ],
        ),
    }
    inv = load(files).invitations
    assert [(i.direction, i.person, i.sent_on, i.message, i.status) for i in inv] == [
        ("outgoing", "Jane Doe", dt.date(2024, 12, 15), "Hi Jane", "accepted"),
        ("incoming", "Sam Poe", dt.date(2024, 11, 1), None, "pending"),
    ]


_MESSAGE_ROWS = {
    "2018": ["Jane Doe", "Me Member", "10/16/18, 8:36 AM", "", "hi", "INCOMING", "INBOX"],
    "2020": ["Jane Doe", "Me Member", "2018-10-16T02:08:20", "", "hi", "INCOMING", "INBOX"],
    "2021": [
        "2-x==",
        "",
        "Jane Doe",
        "https://www.linkedin.com/in/jd",
        "Me Member",
        "2018-10-16 18:24:37 UTC",
        "",
        "hi",
        "INBOX",
    ],
    "2023": [
        "2-x==",
        "",
        "Jane Doe",
        "https://www.linkedin.com/in/jd",
        "Me Member",
        "https://www.linkedin.com/in/me",
        "2018-10-16 18:24:37 UTC",
        "",
        "hi",
        "INBOX",
    ],
    "2024-12": [
        "2-x==",
        "",
        "Jane Doe",
        "https://www.linkedin.com/in/jd",
        "Me Member",
        "https://www.linkedin.com/in/me",
        "2018-10-16 18:24:37 UTC",
        "",
        "hi",
        "INBOX",
        "No",
        "No",
    ],
    "2025": [
        "2-x==",
        "",
        "Jane Doe",
        "https://www.linkedin.com/in/jd",
        "Me Member",
        "https://www.linkedin.com/in/me",
        "2018-10-16 18:24:37 UTC",
        "",
        "hi",
        "INBOX",
        "",
    ],
}


@pytest.mark.parametrize("vintage", list(MESSAGES))
@pytest.mark.parametrize("header", [CONNECTIONS, CONNECTIONS_NO_URL], ids=["url", "no-url"])
def test_messages_header_vintages(load: Callable[..., Any], vintage: str, header: str) -> None:
    """Every messages.csv header gives the last interaction, by URL or by name."""
    row = {
        "First Name": "Jane",
        "Last Name": "Doe",
        "URL": "https://www.linkedin.com/in/jd",
        "Email Address": "",
        "Company": "",
        "Position": "",
        "Connected On": "16 Dec 2017",
    }
    name = "Messages.csv" if vintage == "2018" else "messages.csv"
    net = load(
        {
            "Connections.csv": connections([[row[h] for h in header.split(",")]], header=header),
            name: table(MESSAGES[vintage], [_MESSAGE_ROWS[vintage]]),
        }
    )
    assert net.connections[0].last_interaction_on == dt.date(2018, 10, 16)


@pytest.mark.parametrize("columns", [13, 15])
def test_profile_header_vintages(load: Callable[..., Any], columns: int) -> None:
    """Both Profile headers give the member's name, headline and industry."""
    header = PROFILE[columns]
    values = {
        "First Name": "Mia ",
        "Last Name": "Member",
        "Headline": "Builds things",
        "Industry": "Software Development",
        "Geo Location": "Cairo, Egypt",
    }
    row = [values.get(h, "") for h in header.split(",")]
    m = load({"Profile.csv": table(header, [row])}).member
    assert (m.name, m.headline, m.industry) == (
        "Mia Member",
        "Builds things",
        "Software Development",
    )


@pytest.mark.parametrize(
    ("vintage", "row"),
    [
        ("2022", ["11/18/20, 11:55 AM", "", ""]),
        ("2018", ["6/19/15, 10:16 AM", "", "", "", ""]),
    ],
)
def test_registration_header_vintages(
    load: Callable[..., Any], vintage: str, row: list[str]
) -> None:
    """``Registered At`` and the 2018 ``Registration Date`` both give joined_on."""
    m = load({"Registration.csv": table(REGISTRATION[vintage], [row])}).member
    assert m.joined_on == (dt.date(2020, 11, 18) if vintage == "2022" else dt.date(2015, 6, 19))


def test_legacy_utf16_tab_separated_files(load: Callable[..., Any]) -> None:
    """UTF-16LE files with a BOM, TABs and every field quoted read like UTF-8 CSV."""
    files = {
        "Connections.csv": utf16_tsv(
            CONNECTIONS_NO_URL, [["Jane", "Doe", "j@x.org", "Acme, Inc", "CEO", "1/8/18, 6:14 PM"]]
        ),
        "Messages.csv": utf16_tsv(MESSAGES["2018"], [_MESSAGE_ROWS["2018"]]),
    }
    [c] = load(files).connections
    assert (c.name, c.company, c.connected_on, c.last_interaction_on) == (
        "Jane Doe",
        "Acme, Inc",
        dt.date(2018, 1, 8),
        dt.date(2018, 10, 16),
    )


def test_excel_round_trip(load: Callable[..., Any]) -> None:
    """A re-saved Connections.csv (BOM, CRLF, no preamble, ``9-Sep-22``) loads."""
    text = table(CONNECTIONS, [JANE[:-1] + ["18-Jun-24"], BOB[:-1] + ["9-Sep-22"]])
    net = load({"Connections.csv": excel(text)})
    assert [c.connected_on for c in net.connections] == [dt.date(2024, 6, 18), dt.date(2022, 9, 9)]
    assert net.connections[1].position == "Engineer"  # no stray "\r"


def test_xlsx_behind_a_csv_name_is_a_clear_error(load: Callable[..., Any]) -> None:
    """An Excel workbook saved as Connections.csv is an InputError naming the file."""
    with pytest.raises(InputError, match="Excel workbook") as info:
        load({"Connections.csv": b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40})
    assert info.value.file == "Connections.csv"


def test_duplicate_variant_file_names(load: Callable[..., Any]) -> None:
    """Of two names equal but for case, ``_`` and spaces, the canonical one is read."""
    files = {
        "Connections.csv": connections([JANE]),
        "Messages.csv": utf16_tsv(
            MESSAGES["2018"], [["Jane Doe", "Me", "1/1/19, 8:36 AM", "", "", "INCOMING", "INBOX"]]
        ),
        "messages.csv": table(
            MESSAGES["2023"],
            [
                [
                    "2-x==",
                    "",
                    "Jane Doe",
                    JANE[2],
                    "Me",
                    "",
                    "2024-12-20 10:00:00 UTC",
                    "",
                    "hi",
                    "INBOX",
                ]
            ],
        ),
    }
    net = load(files)
    assert net.connections[0].last_interaction_on == dt.date(2024, 12, 20)
    assert (
        Skipped(
            "Messages.csv",
            "same file as messages.csv (names compared ignoring case, '_' and spaces); not read",
            0,
        )
        in net.skipped
    )


@pytest.mark.parametrize("name", ["CONNECTIONS.csv", "connections.csv", "Connections.CSV"])
def test_file_names_match_ignoring_case(load: Callable[..., Any], name: str) -> None:
    """File names are matched case-insensitively."""
    assert names(load({name: connections([JANE])})) == ["Jane Doe"]


def test_file_names_match_with_space_or_underscore(load: Callable[..., Any]) -> None:
    """``Recommendations Given.csv`` is read as ``Recommendations_Given.csv``."""
    from archive_builder import RECOMMENDATIONS

    net = load(
        {
            "Recommendations Given.csv": table(
                RECOMMENDATIONS,
                [["Jane", "Doe", "Acme", "CEO", "Great, reliable", "12/09/22, 07:18 PM", ""]],
            )
        }
    )
    assert [(r.person, r.given_on) for r in net.recommendations_given] == [
        ("Jane Doe", dt.date(2022, 12, 9))
    ]


@pytest.mark.parametrize("kind", ["zip", "folder"])
@pytest.mark.parametrize(
    "top", [None, "Complete_LinkedInDataExport_09-12-2022 (1)"], ids=["at-root", "under-one-folder"]
)
def test_zip_and_folder_layouts(load: Callable[..., Any], kind: str, top: str | None) -> None:
    """The same files load from a zip or a folder, at the top or under one folder."""
    files = {
        "Connections.csv": connections([JANE, BOB]),
        "Jobs/Saved Jobs.csv": "Saved Date,Job Url,Job Title,Company Name\n",
    }
    net = load(files, kind=kind, top=top)
    assert names(net) == ["Jane Doe", "Bob Roe"]


def test_multi_line_quoted_fields_keep_row_numbers(load: Callable[..., Any]) -> None:
    """Quoted newlines stay inside a field; row numbers are the line a record ends on."""
    rows = [
        [
            "2-x==",
            "",
            "Jane Doe",
            "",
            "Me",
            "",
            "2024-12-01 10:00:00 UTC",
            "",
            "line 1\nline 2",
            "INBOX",
        ],
        ["2-y==", "", "Bob Roe", "", "Me", "", "yesterday", "", "", "INBOX"],
    ]
    with pytest.raises(InputError) as info:
        load({"messages.csv": table(MESSAGES["2023"], rows)})
    assert info.value.location == "row 4"


@pytest.mark.parametrize("separator", ["\u2028", "\x0c", "\x85", "\r\n", "\r"])
def test_line_breaks_of_every_kind_inside_a_cell(load: Callable[..., Any], separator: str) -> None:
    """A cell may hold a line break of any kind (a message's content): read whole or line
    by line (``load`` checks both agree), the record stays one row and the rows after
    it keep their line numbers."""
    rows = [
        [
            "2-x==",
            "",
            "Jane Doe",
            "",
            "Me",
            "",
            "2024-12-01 10:00:00 UTC",
            "",
            f"line 1{separator}line 2{separator}line 3",
            "INBOX",
        ],
        ["2-y==", "", "Bob Roe", "", "Me", "", "yesterday", "", "", "INBOX"],
    ]
    with pytest.raises(InputError) as info:
        load({"messages.csv": table(MESSAGES["2023"], rows)})
    breaks = 2 if separator in ("\r\n", "\r") else 0  # what the csv module counts as lines
    assert info.value.location == f"row {3 + breaks}"
