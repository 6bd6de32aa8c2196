"""Bad input gives an InputError naming the file (and row), never a traceback."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from archive_builder import (
    INVITATIONS,
    MESSAGES,
    POSITIONS,
    connections,
    table,
    write_archive,
)

from netrules.errors import InputError
from netrules.loaders import load_network
from netrules.loaders.archive import load_archive


def test_missing_path(tmp_path: Path) -> None:
    """A path that does not exist names itself."""
    with pytest.raises(InputError, match="no such file or folder") as info:
        load_archive(tmp_path / "nowhere.zip")
    assert info.value.file == str(tmp_path / "nowhere.zip")


@pytest.mark.parametrize(
    "content",
    [b"", b"not a zip at all", b"PK\x03\x04garbage" * 10],
    ids=["empty", "text", "truncated-header"],
)
def test_corrupt_or_non_zip_file(tmp_path: Path, content: bytes) -> None:
    """An empty, non-zip or damaged .zip is an InputError naming the file."""
    path = tmp_path / "Basic_LinkedInDataExport_07-11-2023.zip"
    path.write_bytes(content)
    with pytest.raises(InputError, match="not a zip archive") as info:
        load_network(path)
    assert info.value.file == str(path)


def test_truncated_download(make_archive: Callable[..., Path]) -> None:
    """A zip cut off mid-download is an InputError, not a zipfile traceback."""
    path = make_archive(
        {"Connections.csv": connections([["Jane", "Doe", "", "", "", "", "16 Dec 2024"]])}
    )
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(InputError, match="not a zip archive"):
        load_archive(path)


def test_damaged_entry(make_archive: Callable[..., Path]) -> None:
    """An entry whose bytes fail the CRC check is an InputError naming the entry."""
    rows = [["Jane", "Doe", "", "", "", "", "16 Dec 2024"]] * 50
    path = make_archive({"Connections.csv": connections(rows)})
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("Connections.csv")
    start = info.header_offset + 30 + len(info.filename) + 10
    raw[start : start + 8] = b"\x00" * 8
    path.write_bytes(bytes(raw))
    with pytest.raises(InputError) as err:
        load_archive(path)
    assert err.value.file == "Connections.csv"


def test_folder_without_csv_files(tmp_path: Path) -> None:
    """A folder with no CSV files is not an export."""
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(InputError, match="no CSV files found"):
        load_archive(tmp_path)


def test_csv_files_in_several_folders(tmp_path: Path) -> None:
    """Two export folders side by side are ambiguous and say so."""
    for top in ("Basic_LinkedInDataExport_07-11-2023", "Complete_LinkedInDataExport_09-12-2022"):
        write_archive(tmp_path, {"Connections.csv": ""}, kind="folder", top=top, name="exports")
    with pytest.raises(InputError, match="several folders"):
        load_archive(tmp_path / "exports")


def test_unexpected_header_names_file_and_header(load: Callable[..., Any]) -> None:
    """A Connections.csv without the expected columns shows the header it found."""
    data = connections([["Jane", "Doe", "16 Dec 2024"]], header="Given,Family,Connected On")
    with pytest.raises(InputError) as info:
        load({"Connections.csv": data})
    err = info.value
    assert (err.file, err.location) == ("Connections.csv", "row 4")
    assert str(err) == (
        'Connections.csv:row 4: unexpected header "Given,Family,Connected On": '
        'no column "First Name", "Last Name", "Email Address", "Company", "Position"'
    )


def test_required_column_missing_in_invitations(load: Callable[..., Any]) -> None:
    """Invitations.csv without ``Direction`` is an error naming the missing column."""
    header = INVITATIONS["2018"].replace(",Direction", "")
    with pytest.raises(InputError, match='no column "Direction"') as info:
        load({"Invitations.csv": table(header, [["A", "B", "12/15/24, 7:47 AM", ""]])})
    assert info.value.file == "Invitations.csv"


def test_bad_date_names_file_row_and_column(load: Callable[..., Any]) -> None:
    """An unreadable Connected On stops the load with file, line number and column."""
    rows = [["Jane", "Doe", "", "", "", "", "16 Dec 2024"]] * 812 + [
        ["Bob", "Roe", "", "", "", "", "yesterday"]
    ]
    with pytest.raises(InputError) as info:
        load({"Connections.csv": connections(rows)})
    assert (
        str(info.value) == 'Connections.csv:row 817: unparseable date "yesterday" in "Connected On"'
    )


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "Invitations.csv": table(
                    INVITATIONS["2018"], [["A", "B", "last week", "", "OUTGOING"]]
                )
            },
            'Invitations.csv:row 2: unparseable date "last week" in "Sent At"',
        ),
        (
            {"messages.csv": table(MESSAGES["2020"], [["A", "B", "soon", "", "", "", ""]])},
            'messages.csv:row 2: unparseable date "soon" in "DATE"',
        ),
    ],
    ids=["invitations", "messages"],
)
def test_bad_dates_in_other_files(
    load: Callable[..., Any], files: dict[str, str], expected: str
) -> None:
    """Every date column reports its file, row and header as written."""
    with pytest.raises(InputError) as info:
        load(files)
    assert str(info.value) == expected


def test_bad_position_date_is_left_out_and_listed(load: Callable[..., Any]) -> None:
    """A position with an unreadable date is left out and listed; the rest loads."""
    net = load(
        {
            "Positions.csv": table(
                POSITIONS,
                [
                    ["Acme", "Lead", "", "", "Summer 2018", ""],
                    ["Initech", "Dev", "", "", "2015", ""],
                ],
            )
        }
    )
    assert [e.name for e in net.member.employers] == ["Initech"]
    [left] = [s for s in net.skipped if s.file == "Positions.csv"]
    assert (left.count, left.rows) == (1, (2,))
    assert left.reason.startswith("unreadable date")


def test_not_utf8(load: Callable[..., Any]) -> None:
    """A Windows-1252 file asks to be saved as CSV UTF-8."""
    data = "First Name,Last Name,Email Address,Company,Position,Connected On\nRené,X,,,,\n"
    with pytest.raises(InputError, match="not UTF-8") as info:
        load({"Connections.csv": data.encode("cp1252")})
    assert info.value.file == "Connections.csv"


def test_runaway_quote(load: Callable[..., Any]) -> None:
    """A stray quote that swallows the rest of a big file is an InputError with its row."""
    rows = [["Jane", "Doe", "", "", "", "", "16 Dec 2024"]] * 8000
    data = connections(rows[:1]) + b'\n"Bob,Roe,,,,,16 Dec 2024\n' + connections(rows, preamble=b"")
    with pytest.raises(InputError, match=r"not readable CSV: .*field larger") as info:
        load({"Connections.csv": data})
    assert info.value.file == "Connections.csv"
    # the row the stray quote opened on, not the row where the reader gave up
    lines = data.decode().splitlines()
    assert lines[int(info.value.location.split()[1]) - 1].startswith('"Bob')
