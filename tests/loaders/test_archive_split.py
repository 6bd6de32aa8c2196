"""The split reader (archive._SplitReader) gives what the csv module gives.

A file read whole with few quote characters (Connections.csv) is read by splitting each
line without a quote at the delimiter, and by the csv module from any line with one.
These tests compare it with ``csv.reader(lines, delimiter=..., strict=True)`` row by row
and line number by line number, errors included, on well-formed and on broken CSV; and,
through the loader, on archives (conftest.both_readers loads every archive of the loader
tests with the split reader on every file, with the csv module alone, and line by line).
"""

from __future__ import annotations

import contextlib
import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from archive_builder import (
    CONNECTIONS,
    MESSAGES,
    PREAMBLE,
    connections,
    reader_outcome,
    table,
    write_archive,
)
from conftest import both_readers
from hypothesis import given, settings
from hypothesis import strategies as st

from netrules.errors import InputError
from netrules.loaders import archive
from netrules.loaders.archive import _SplitReader, load_archive

# What a cell may hold: the delimiters, quotes, every CSV line end, a BOM, NUL, spaces,
# letters (ASCII and not).  (_whole_lines sends a file with another line break, such as
# a form feed or U+2028, to the careful reader, so the split reader never sees one.)
CHARS = 'a,"\t\r\n \x00\ufeffé-'


def same_as_csv(text: str, delimiter: str) -> list[tuple[str, Any, int]]:
    lines = text.splitlines(keepends=True)
    expected = reader_outcome(csv.reader(lines, delimiter=delimiter, strict=True))
    assert reader_outcome(_SplitReader(lines, delimiter)) == expected
    return expected


@contextlib.contextmanager
def field_size_limit(limit: int) -> Iterator[None]:
    saved = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(saved)


@settings(max_examples=300)
@given(
    rows=st.lists(st.lists(st.text(alphabet=CHARS, max_size=6), max_size=5), max_size=8),
    delimiter=st.sampled_from([",", "\t"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    line_end=st.sampled_from(["\n", "\r\n", "\r"]),
    final=st.booleans(),
)
def test_written_csv_reads_the_same(
    rows: list[list[str]], delimiter: str, quoting: int, line_end: str, final: bool
) -> None:
    """CSV written by the csv module (quoted fields with line breaks, doubled quotes,
    empty rows, rows of different lengths) reads the same, with the same line numbers."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator=line_end).writerows(rows)
    text = out.getvalue()
    if not final and text.endswith(line_end):
        text = text[: -len(line_end)]
    same_as_csv(text, delimiter)


@settings(max_examples=500)
@given(text=st.text(alphabet=CHARS, max_size=40), delimiter=st.sampled_from([",", "\t"]))
def test_any_text_reads_the_same(text: str, delimiter: str) -> None:
    """Arbitrary text, broken CSV included (a stray or unclosed quote, text after a
    closing quote): the same rows, then the same error at the same line."""
    same_as_csv(text, delimiter)


@settings(max_examples=200)
@given(
    text=st.text(alphabet='ab,"\n', max_size=60),
    limit=st.integers(min_value=1, max_value=8),
)
def test_the_field_size_limit_is_kept(text: str, limit: int) -> None:
    """A field larger than the csv module's limit is its error, quoted or not."""
    with field_size_limit(limit):
        same_as_csv(text, ",")


def test_errors_and_line_numbers_of_examples() -> None:
    """A few cases spelt out: what the csv module gives, and the split reader with it."""
    assert same_as_csv('a,b\n\nc,"d\ne",f\r\ng\n', ",") == [
        ("row", ["a", "b"], 1),
        ("row", [], 2),
        ("row", ["c", "d\ne", "f"], 4),
        ("row", ["g"], 5),
    ]
    assert same_as_csv('a\n"b"c\nd\n', ",") == [
        ("row", ["a"], 1),
        ("error", "',' expected after '\"'", 2),
    ]
    assert same_as_csv('a\n"b\nc\n', ",") == [
        ("row", ["a"], 1),
        ("error", "unexpected end of data", 3),
    ]
    with field_size_limit(3):
        assert same_as_csv("ab,cd\nabcd\n", ",") == [
            ("row", ["ab", "cd"], 1),
            ("error", "field larger than field limit (3)", 2),
        ]


def open_table(data: bytes) -> archive._Table:
    def reopen() -> io.BufferedReader:
        return io.BufferedReader(io.BytesIO(data))

    return archive._Table("Connections.csv", reopen(), archive._CONNECTIONS, reopen)


def test_the_reader_is_chosen_by_the_share_of_quotes() -> None:
    """Few quotes (Connections.csv): the split reader; quotes on every line (messages,
    invitations): the csv module, a little faster there; too large a file: line by line.
    """
    jane = ["Jane", "Doe", "", "", "Acme, Inc.", "CEO", "16 Dec 2024"]
    bob = ["Bob", "Roe", "", "", "Initech", "Engineer", "09 Sep 2022"]
    few = open_table(connections([jane] + [bob] * 10))
    assert isinstance(few.reader, _SplitReader)
    assert [r[4] for r in few.reader] == ["Acme, Inc."] + ["Initech"] * 10
    many = open_table(connections([jane] * 5))
    assert not isinstance(many.reader, _SplitReader)
    assert [r[4] for r in many.reader] == ["Acme, Inc."] * 5


JANE = ["Jane", "Doe", "https://www.linkedin.com/in/jane-doe", "", "Acme", "CEO", "16 Dec 2024"]


@pytest.mark.parametrize(
    ("files", "location"),
    [
        # a bad date after a cell with line breaks: the row the record ends on
        (
            {
                "Connections.csv": connections(
                    [["Jane", "Doe", "", "", "Acme\nLabs\r\nEast", "CEO", "16 Dec 2024"]]
                    + [["Bob", "Roe", "", "", "Initech", "", "yesterday"]]
                )
            },
            "row 8",
        ),
        # a quote left open runs to the end of the file: the row it opened on
        (
            {"Connections.csv": connections([JANE]) + b'\nBob,"Roe,,,,,16 Dec 2024\nX,Y'},
            "row 6",
        ),
        # text after a closing quote
        ({"Connections.csv": connections([JANE]) + b'\nBob,"Roe"x,,,,,16 Dec 2024'}, "row 6"),
    ],
    ids=["bad-date-after-line-breaks", "unclosed-quote", "text-after-quote"],
)
def test_errors_keep_their_rows(
    load: Callable[..., Any], files: dict[str, bytes], location: str
) -> None:
    """Malformed Connections.csv: the same error and row whichever reader reads it
    (``load`` compares them)."""
    with pytest.raises(InputError) as info:
        load(files)
    assert (info.value.file, info.value.location) == ("Connections.csv", location)


def test_blank_short_long_rows_and_a_bom(load: Callable[..., Any]) -> None:
    """Blank lines, rows of empty cells, blank-member rows, short and long rows, a BOM,
    CRLF line ends: the same network and skip entries (file and rows) from every reader."""
    text = (
        "\ufeff"
        + PREAMBLE.decode()
        + CONNECTIONS
        + "\r\n"
        + 'Jane,Doe,https://www.linkedin.com/in/jane-doe,,"Acme, Inc.",CEO,16 Dec 2024\r\n'
        + "\r\n"
        + ",,,,,,\r\n"
        + ",,,,,,01 Jan 2020\r\n"
        + "Bob,Roe\r\n"
        + "Ann,Lee,,,Initech,Engineer,09 Sep 2022,extra,cells\r\n"
        + "Al,Ray,,,,,09 Sep 2022,,\r\n"
        + ' Cy ,"Ng\nJr",,,,,"09 Sep 2022"'
    )
    net = load({"Connections.csv": text.encode()})
    assert [c.name for c in net.connections] == [
        "Jane Doe",
        "Bob Roe",
        "Ann Lee",
        "Al Ray",
        "Cy Ng\nJr",
    ]
    assert net.connections[0].company == "Acme, Inc."
    assert net.member.connection_count == 6
    skipped = {(s.reason.split(" (")[0].split(":")[0], s.rows) for s in net.skipped if s.rows}
    assert all(s.file == "Connections.csv" for s in net.skipped if s.rows)
    # (preamble 1-3, header 4, Jane 5, an empty line 6)
    assert skipped == {
        ("rows with nothing to read", (7,)),
        ("blank-member rows", (8,)),
        ("rows with more cells than the header", (10,)),
    }


NAME = st.text(alphabet='ab ,"\n\r\t\ufeffé', max_size=5)


@settings(max_examples=40)
@given(
    rows=st.lists(
        st.lists(NAME, min_size=0, max_size=9).map(
            lambda cells: cells[:6] + ["16 Dec 2024"] + cells[6:] if len(cells) > 5 else cells
        ),
        max_size=6,
    ),
    bom=st.booleans(),
    line_end=st.sampled_from(["\n", "\r\n"]),
)
def test_archives_read_the_same_by_every_reader(
    rows: list[list[str]], bom: bool, line_end: str
) -> None:
    """Connections.csv and messages.csv of any cells (quotes, line breaks, commas,
    short and long rows, blank rows): the same network or the same error, file and row,
    with the split reader, with the csv module alone and line by line."""
    out = io.StringIO()
    csv.writer(out, lineterminator=line_end).writerows(rows)
    body = out.getvalue()
    data = ("\ufeff" if bom else "") + CONNECTIONS + line_end + body
    message_rows = [r[:10] for r in rows]
    files: dict[str, str | bytes] = {
        "Connections.csv": data.encode(),
        "messages.csv": table(MESSAGES["2023"], message_rows),
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = write_archive(Path(tmp), files)
        with contextlib.suppress(InputError):  # (both_readers compared the errors)
            both_readers(lambda: load_archive(path, infer=False))


def whole_at_once(data: bytes) -> list[str] | None:
    """The lines of a file decoded at once (what archive._whole_lines gives, read in
    pieces), or None where it hands the file to the careful reader."""
    if data[:4] == b"PK\x03\x04":
        return None
    try:
        text = data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig")
    except UnicodeDecodeError:
        return None
    if any(c in text for c in archive._OTHER_LINE_ENDS):
        return None
    lines = text.splitlines(keepends=True)
    if lines and max(map(len, lines)) >= archive.MAX_LINE_CHARS - 1:
        return None
    return lines


TEXT = st.text(alphabet='a,"\r\n\x0c\ufeffé€\U0001f600\u2028', max_size=30)


@settings(max_examples=300)
@given(
    data=st.one_of(
        TEXT.map(str.encode),
        TEXT.map(lambda t: b"\xef\xbb\xbf" + t.encode()),
        TEXT.map(lambda t: "\ufeff".encode("utf-16-le") + t.encode("utf-16-le")),
        st.binary(max_size=30),
        st.lists(st.sampled_from([b"a", b"\n", b"\r", b"\xc3", b"\xa9", b"\xef\xbb\xbf"])).map(
            b"".join
        ),
    ),
    piece=st.sampled_from([1, 2, 3, 5, 8, 64 * 1024]),
)
def test_files_read_in_pieces_give_the_lines_of_the_whole_text(data: bytes, piece: int) -> None:
    """Whatever the size of the pieces (cut after a line feed, so never inside a
    character, a line or a CR LF pair), the lines are those of the text decoded at once,
    and a file the careful reader must read (bad bytes, another line break) is found."""
    saved = archive.PIECE_BYTES
    archive.PIECE_BYTES = piece
    try:
        got = archive._whole_lines("x.csv", io.BufferedReader(io.BytesIO(data)))
    finally:
        archive.PIECE_BYTES = saved
    expected = whole_at_once(data)
    assert with_ends(got, data) == expected


def with_ends(
    got: tuple[list[str], str, bool, bool | None] | None, data: bytes
) -> list[str] | None:
    """The lines _whole_lines gives, with their ends: those cut at each line feed (a
    file for the split reader without a carriage return) get it back."""
    if got is None:
        return None
    lines, _delimiter, split, cut_final = got
    if cut_final is None:
        return lines
    assert cut_final == data.endswith(b"\n")
    assert split and not any("\r" in line or "\n" in line for line in lines)
    out = [line + "\n" for line in lines]
    if out and not data.endswith(b"\n"):
        out[-1] = out[-1][:-1]
    return out


COLUMNS = CONNECTIONS.split(",")
CELL = st.sampled_from(
    ["", " ", "Ann ", "Lee", "x@y.z", "Acme", "16 Dec 2024", "http://X.com/in/a"]
)


@settings(max_examples=60)
@given(rows=st.lists(st.lists(CELL, max_size=9), max_size=6), order=st.permutations(range(7)))
def test_rows_in_linkedins_column_order_read_as_in_any_order(
    rows: list[list[str]], order: list[int]
) -> None:
    """Connections.csv with its seven columns in LinkedIn's order (a row of exactly that
    width is unpacked as it is) gives what the same rows give with the columns in any
    other order (read through the column map): blank, short and long rows, bad dates."""

    def reordered(row: list[str]) -> list[str]:
        if not row:
            return row  # (an empty line stays one)
        cells = row[:7] + [""] * (7 - len(row))
        return [cells[i] for i in order] + row[7:]

    def reader_outcome(header: list[str], body: list[list[str]]) -> tuple[Any, ...]:
        files = {"Connections.csv": table(",".join(header), body)}
        with tempfile.TemporaryDirectory() as tmp:
            try:
                net = load_archive(write_archive(Path(tmp), files), infer=False)
            except InputError as exc:
                return ("error", str(exc), exc.location)
        return ("network", net.connections, net.member, net.skipped)

    expected = reader_outcome([COLUMNS[i] for i in order], [reordered(r) for r in rows])
    assert reader_outcome(COLUMNS, rows) == expected
