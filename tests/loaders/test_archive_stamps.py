"""messages.csv's dates read together (archive._stamp_days, and the rows the messages
loop keeps for it): the same days, skipped rows and errors as the row loop alone."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pytest
from archive_builder import INVITATIONS as INVITATIONS_HEADERS
from archive_builder import MESSAGES, connections, table, write_archive
from hypothesis import example, given, settings
from hypothesis import strategies as st

from netrules.errors import InputError
from netrules.loaders import archive
from netrules.loaders.archive import _stamp_days, load_archive
from netrules.loaders.dates import parse_date

# Timestamps of messages.csv's form, with days and times that do not exist among them.
_iso_stamp = st.from_regex(
    r"[0-9]{4}-(0[0-9]|1[0-3])-(0[0-9]|[1-3][0-9]) ([01][0-9]|2[0-4]):[0-6][0-9]:[0-6][0-9] UTC",
    fullmatch=True,
)
_other_stamp = st.sampled_from(
    [
        "",
        "soon",
        "2024-12-16",
        "2024-12-16 10:00:00",
        "2024-12-16T10:00:00",
        "2024/12/16 10:00:00 UTC",
        "2024-12-16 10:00 UTC",
        " 2024-12-16 10:00:00 UTC",
        "2024-12-16 10:00:00 UTC ",
        "2024-12-16  10:00:00 UTC",
        "2024-12-6 10:00:00 UTC",
        "2024-02-30 10:00:00 UTC",
        "0000-01-01 10:00:00 UTC",
        "２０２４-12-16 10:00:00 UTC",
        "12/15/24, 7:47 AM",
        "16 Dec 2024",
    ]
)
# The US form of Invitations.csv, also with days and times that do not exist.
_us_stamp = st.from_regex(
    r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}, ([0-9]|1[0-3]):[0-6][0-9] [AP]M", fullmatch=True
)
_other_us_stamp = st.sampled_from(
    [
        "12/15/24 7:47 AM",
        "12/15/2024, 7:47 AM",
        "12/09/22, 07:18 PM",
        "12/15/24, 19:47",
        "12/15/24, 7:47 am",
        "12/15/24,  7:47 AM",
        "12/15/24, 7:47 AM PST",
        "12/15/24",
        "2/30/24, 7:47 AM",
        "12/15/24, 7:47 AM ",
        "1/2/3, 7:47 AM",
    ]
)
_stamp = st.one_of(_iso_stamp, _iso_stamp, _other_stamp)
_us_stamps = st.one_of(_us_stamp, _us_stamp, _other_us_stamp, _other_stamp)
_valid_stamp = st.builds(
    lambda day, seconds: (
        f"{day.isoformat()} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d} UTC"
    ),
    st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2025, 12, 31)),
    st.integers(0, 86399),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_stamp, max_size=8))
@example(["2025-01-01 14:45:00 UTC", "2025-01-01 09:05:59 UTC", "2024-02-29 23:59:00 UTC"])
@example(["2025-02-29 14:45:00 UTC"])
@example(["2025-01-01 24:00:00 UTC"])
def test_stamp_days_is_parse_date(texts: list[str]) -> None:
    assert _stamp_days(texts) == [parse_date(text) for text in texts]


@settings(max_examples=500, deadline=None)
@given(st.lists(_us_stamps, max_size=8))
@example(["1/1/25, 11:38 AM", "12/31/24, 12:00 PM", "1/1/25, 1:05 AM"])
@example(["2/29/23, 11:38 AM"])
def test_stamp_days_is_parse_date_for_the_us_form(texts: list[str]) -> None:
    assert _stamp_days(texts) == [parse_date(text) for text in texts]


def test_stamp_days_reads_the_common_form_without_parse_date(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The days of messages.csv's own form come from the day parts alone."""
    monkeypatch.setattr(archive, "parse_date", lambda text: pytest.fail(text))
    texts = ["2025-01-01 14:45:00 UTC", "2024-12-31 00:00:00 UTC", "2025-01-01 07:27:00 UTC"]
    assert _stamp_days(texts) == [dt.date(2025, 1, 1), dt.date(2024, 12, 31), dt.date(2025, 1, 1)]


# -- the messages loop: rows kept for _stamp_days, the others read in the loop ---------

ME = "https://www.linkedin.com/in/mia-member"
PEOPLE = [
    ("Jane Doe", "https://www.linkedin.com/in/jane-doe"),
    ("Bob Roe", "https://www.linkedin.com/in/bob-roe"),
    ("Zoë Moreau", ""),
    ("Jane Doe", ""),  # (a name without its URL: counts for Jane too)
    ("", ""),
]
HEADER = MESSAGES["2024-12"]


def _row(person: tuple[str, str], outgoing: bool, date: str, draft: str, width: int) -> list[str]:
    ends = (("Mia Member", ME), person) if outgoing else (person, ("Mia Member", ME))
    row = ["2-a==", "", *ends[0], *ends[1], date, "", "hi", "INBOX", draft, "No"]
    return row[:width] if width <= len(row) else row + ["x"] * (width - len(row))


_rows = st.lists(
    st.one_of(
        st.builds(
            _row,
            st.sampled_from(PEOPLE),
            st.booleans(),
            st.one_of(_valid_stamp, _valid_stamp, _valid_stamp, _iso_stamp, _other_stamp),
            st.sampled_from(["No", "No", "", "Yes", " yes", "no"]),
            st.sampled_from([12, 12, 12, 11, 13, 7]),
        ),
        st.just(["", "", "", "", "", "", "", "", "", "", "", ""]),
        st.just([" ", "", "", "", "", "", "", "", "", "", "", "  "]),
        st.just([]),
    ),
    max_size=7,
)


def _outcome(path: Path) -> tuple[str, Any]:
    try:
        return "network", load_archive(path, infer=True)
    except InputError as exc:
        return "error", (str(exc), exc.file, exc.location)


@settings(max_examples=200, deadline=None)
@given(_rows, st.booleans())
def test_messages_read_with_kept_rows_as_row_by_row(rows: list[list[str]], broken: bool) -> None:
    """Rows kept for reading together give the network, skipped rows (with their row
    numbers) and first error of reading every row in the loop (``keep=False``)."""
    text = table(HEADER, rows)
    if broken:  # a CSV error after the rows: an unreadable date above it comes first
        text += '2-b==,"unclosed\n'
    files = {
        "Connections.csv": connections(
            [
                ["Jane", "Doe", "https://www.linkedin.com/in/jane-doe", "", "", "", "01 Jan 2020"],
                ["Bob", "Roe", "https://www.linkedin.com/in/bob-roe", "", "", "", "01 Jan 2020"],
                ["Zoë", "Moreau", "", "", "", "", "01 Jan 2020"],
            ]
        ),
        "messages.csv": text,
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = write_archive(Path(tmp), files)
        kept = _outcome(path)
        general = archive._Loader.messages
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(archive._Loader, "messages", lambda self: general(self, keep=False))
            assert _outcome(path) == kept


def test_an_unreadable_kept_date_is_reported_at_its_row(tmp_path: Path) -> None:
    """A kept row's unreadable date is the error, at its row, though the loop read on."""
    rows = [
        _row(PEOPLE[0], True, "2024-11-20 09:00:00 UTC", "No", 12),
        _row(PEOPLE[1], True, "2024-02-30 09:00:00 UTC", "No", 12),
        _row(PEOPLE[0], True, "2024-11-21 09:00:00 UTC", "Yes", 12),
    ]
    path = write_archive(tmp_path, {"messages.csv": table(HEADER, rows)})
    with pytest.raises(InputError) as info:
        load_archive(path)
    assert str(info.value) == (
        'messages.csv:row 3: unparseable date "2024-02-30 09:00:00 UTC" in "DATE"'
    )


def test_stamp_days_reads_each_us_day_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Invitations.csv's form: parse_date reads each distinct day alone, once."""
    read: list[str] = []
    monkeypatch.setattr(archive, "parse_date", lambda text: read.append(text) or parse_date(text))
    texts = ["1/1/25, 11:38 AM", "12/31/24, 12:00 PM", "1/1/25, 1:05 AM"]
    assert _stamp_days(texts) == [dt.date(2025, 1, 1), dt.date(2024, 12, 31), dt.date(2025, 1, 1)]
    assert sorted(read) == ["1/1/25", "12/31/24"]


# -- Invitations.csv: dates kept for _stamp_days ------------------------------------

INVITATIONS = INVITATIONS_HEADERS["2024-url"]

_invitation = st.builds(
    lambda direction, person, sent, message: [
        "Mia Member" if direction.strip().lower() == "outgoing" else person[0],
        person[0] if direction.strip().lower() == "outgoing" else "Mia Member",
        sent,
        message,
        direction,
        ME if direction.strip().lower() == "outgoing" else person[1],
        person[1] if direction.strip().lower() == "outgoing" else ME,
    ],
    st.sampled_from(["OUTGOING", "INCOMING", "OUTGOING", " outgoing", "Incoming", "SIDEWAYS"]),
    st.sampled_from(PEOPLE),
    st.one_of(_us_stamp, _us_stamp, _other_us_stamp, st.sampled_from(["", "  ", "16 Dec 2024"])),
    st.sampled_from(["", "Hi"]),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(_invitation, _invitation, st.just(["", "", "", "", "", "", ""])), max_size=7
    ),
    st.booleans(),
)
def test_invitations_read_with_kept_dates_as_row_by_row(
    rows: list[list[str]], broken: bool
) -> None:
    """Dates kept for reading together give the network, skipped rows and first error
    of reading every date in the loop (``keep=False``)."""
    text = table(INVITATIONS, rows)
    if broken:
        text += 'Mia,"unclosed\n'
    files = {
        "Connections.csv": connections(
            [["Jane", "Doe", "https://www.linkedin.com/in/jane-doe", "", "", "", "01 Jan 2020"]]
        ),
        "Invitations.csv": text,
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = write_archive(Path(tmp), files)
        kept = _outcome(path)
        general = archive._Loader.invitation_rows
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(
                archive._Loader, "invitation_rows", lambda self: general(self, keep=False)
            )
            assert _outcome(path) == kept
