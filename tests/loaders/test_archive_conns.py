"""The connections loop of the archive loader (archive._Loader.connections): what its
shortcuts give is what the per-row way gives.

- Ids are made unique after the loop (``_unique_ids``): one set of every id settles
  that none repeats; otherwise the repeats are renamed in file order, as the per-row
  test did (``_unique`` as each connection was built).
- The URL's canonical prefix is tested by two string comparisons
  (``_CANONICAL <= url < _AFTER_CANONICAL``) instead of ``url.startswith(_CANONICAL)``.
- A file for the split reader without a carriage return is cut into lines at its line
  feeds (``archive._cut``), which the lines lose; the split reader reads such lines as
  the csv module reads the lines with their ends.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

import attrs
import pytest
from archive_builder import CONNECTIONS_NO_URL, connections, reader_outcome, write_archive
from hypothesis import given, settings
from hypothesis import strategies as st

from netrules.errors import InputError
from netrules.loaders import archive
from netrules.loaders.archive import load_archive
from netrules.model import Connection


def per_row_ids(idents: list[str]) -> list[str]:
    """The ids as the loop made them before: each tested against those before it."""
    seen = archive._Ids()
    out = []
    for ident in idents:
        if ident in seen:
            ident = archive._unique(ident, seen)
        seen.add(ident)
        out.append(ident)
    return out


IDENT = st.sampled_from(["a", "b", "a #2", "a #3", "a #2 #2", "b #2", "c"])


@settings(max_examples=300)
@given(idents=st.lists(IDENT, max_size=12))
def test_ids_made_unique_after_the_loop_are_the_per_row_ones(idents: list[str]) -> None:
    """Repeats, and ids that look like a renamed repeat ("a #2" before or after a second
    "a"): the same ids in the same order; a renamed connection equals the one the
    constructor makes, and is frozen."""
    built = [Connection(ident, name=f"n{i}", company="Acme") for i, ident in enumerate(idents)]
    got = archive._unique_ids(list(built))
    assert [c.id for c in got] == per_row_ids(idents)
    for i, (old, new) in enumerate(zip(built, got, strict=True)):
        assert new == Connection(new.id, name=f"n{i}", company="Acme")
        assert type(new) is Connection
        if new.id == old.id:
            assert new is old
    if got:
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            got[0].id = "x"  # type: ignore[misc]


def test_ids_are_unique_across_urls_and_labels() -> None:
    """A URL used twice, a name and date used three times, and a row whose label is the
    renamed form of an earlier one: every id unique, renamed in file order."""
    rows = [
        ["Jane", "Doe", "https://www.linkedin.com/in/jd", "", "", "", "16 Dec 2024"],
        ["Jane", "Doe", "", "", "", "", "16 Dec 2024"],
        ["Jane", "Doe", "https://www.linkedin.com/in/jd", "", "", "", "16 Dec 2024"],
        ["Jane", "Doe", "", "", "", "", "16 Dec 2024"],
        ["Jane", "Doe (2024-12-16) #2", "", "", "", "", ""],
        ["", "", "", "x@y.z", "", "", ""],
        ["", "", "", "x@y.z", "", "", "16 Dec 2024"],
    ]
    with tempfile.TemporaryDirectory() as tmp:
        net = load_archive(write_archive(Path(tmp), {"Connections.csv": connections(rows)}))
    assert [c.id for c in net.connections] == [
        "https://www.linkedin.com/in/jd",
        "Jane Doe (2024-12-16)",
        "https://www.linkedin.com/in/jd #2",
        "Jane Doe (2024-12-16) #2",
        "Jane Doe (2024-12-16) #2 #2",
        "(no name)",
        "(no name) (2024-12-16)",
    ]
    assert len({c.id for c in net.connections}) == len(net.connections)


CELL = st.sampled_from(["", " ", "Ann", "Ann ", "Lee", "16 Dec 2024", "17 Dec 2024", "zz"])


@settings(max_examples=100)
@given(rows=st.lists(st.lists(CELL, min_size=6, max_size=6), max_size=8))
def test_ids_of_loaded_rows_are_the_per_row_ones(rows: list[list[str]]) -> None:
    """Rows without a URL (ids from name and date), blank members, bad dates: the ids
    of the loaded connections are those the per-row test gave, or the same error."""

    def label(row: list[str]) -> str | None:
        first, last = row[0].strip(), row[1].strip()
        if not (first or last or any(row[2:5])):
            return None  # a blank member or a blank row: no connection
        name = f"{first} {last}" if first and last else (first or last or None)
        day = {"16 Dec 2024": "2024-12-16", "17 Dec 2024": "2024-12-17"}.get(row[5].strip())
        return archive._label(name, None) if day is None else f"{name or '(no name)'} ({day})"

    files = {"Connections.csv": connections(rows, header=CONNECTIONS_NO_URL)}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            net: Any = load_archive(write_archive(Path(tmp), files))
        except InputError as exc:
            assert "unparseable date" in str(exc)
            return
    labels = [x for x in map(label, rows) if x is not None]
    assert [c.id for c in net.connections] == per_row_ids(labels)


P = archive._CANONICAL
HEAD = st.sampled_from(["", P, P[:-1], P[:10], P[:-1] + "0", P[:-1] + ".", P[:-1] + "\x00", P + P])
TAIL = st.text(alphabet="/0.aZé\x00~\U0001f600 ", max_size=5)


@settings(max_examples=500)
@given(head=HEAD, tail=TAIL)
def test_the_prefix_by_comparisons_is_startswith(head: str, tail: str) -> None:
    """Strings around the prefix (cut short, one character past its end, "0" just after
    "/", characters below and above, not ASCII): sorted between the two bounds exactly
    when they start with it."""
    url = head + tail
    assert (P <= url < archive._AFTER_CANONICAL) == url.startswith(P)


def test_urls_near_the_prefix_match_messages_by_their_key() -> None:
    """Connections whose URL looks like the canonical form but is not (one character
    past the host, upper case, a final /): matched with messages.csv by url_key."""
    from archive_builder import MESSAGES, table

    urls = [
        "https://www.linkedin.com0/in/a",
        "https://www.linkedin.com/in/B",
        "https://www.linkedin.com/in/c/",
        "https://www.linkedin.com.x/in/d",
        "https://www.linkedin.com/in/e",
    ]
    rows = [[f"N{i}", "L", url, "", "", "", "16 Dec 2024"] for i, url in enumerate(urls)]
    header = MESSAGES["2025"]
    me = "https://www.linkedin.com/in/me"
    day = "2025-01-01 10:00:00 UTC"
    messages = [
        ["c1", "", "Me", me, f"N{i} L", url.upper(), day, "", "hi", "INBOX", ""]
        for i, url in enumerate(urls)
    ]
    files = {"Connections.csv": connections(rows), "messages.csv": table(header, messages)}
    with tempfile.TemporaryDirectory() as tmp:
        net = load_archive(write_archive(Path(tmp), files))
    assert [c.url for c in net.connections] == urls
    assert all(c.last_interaction_on is not None for c in net.connections)


# What a cell may hold without a carriage return: delimiters, quotes, line feeds (in a
# quoted cell), a BOM, NUL, spaces, letters.
CUT_CHARS = 'a,"\t\n \x00\ufeffé-'


def cut_outcome(text: str, delimiter: str) -> list[tuple[str, Any, int]]:
    """What the csv module gives for the lines with their ends; and the split reader,
    for the lines cut at their line feeds, must give the same."""
    expected = reader_outcome(
        csv.reader(text.splitlines(keepends=True), delimiter=delimiter, strict=True)
    )
    lines = archive._cut(text)
    assert lines == text.splitlines()
    final = text.endswith("\n")
    assert reader_outcome(archive._SplitReader(lines, delimiter, cut_final=final)) == expected
    return expected


@settings(max_examples=300)
@given(
    rows=st.lists(st.lists(st.text(alphabet=CUT_CHARS, max_size=6), max_size=5), max_size=8),
    delimiter=st.sampled_from([",", "\t"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    final=st.booleans(),
)
def test_cut_lines_read_as_the_csv_module_reads(
    rows: list[list[str]], delimiter: str, quoting: int, final: bool
) -> None:
    """CSV written by the csv module with line feeds (quoted line feeds, doubled quotes,
    empty rows, rows of any length), with or without a final line feed."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\n").writerows(rows)
    text = out.getvalue()
    if not final:
        text = text.removesuffix("\n")
    cut_outcome(text, delimiter)


@settings(max_examples=500)
@given(text=st.text(alphabet=CUT_CHARS, max_size=40), delimiter=st.sampled_from([",", "\t"]))
def test_cut_lines_of_any_text_read_the_same(text: str, delimiter: str) -> None:
    """Broken CSV too (a quote left open at the end of the file, text after a closing
    quote): the same rows, then the same error at the same line."""
    cut_outcome(text, delimiter)


@settings(max_examples=200)
@given(text=st.text(alphabet='ab,"\n', max_size=60), limit=st.integers(1, 8))
def test_cut_lines_keep_the_field_size_limit(text: str, limit: int) -> None:
    saved = csv.field_size_limit(limit)
    try:
        cut_outcome(text, ",")
    finally:
        csv.field_size_limit(saved)


def test_cut_lines_of_examples() -> None:
    """A quoted line feed, an empty line, a quote left open on the last line."""
    assert cut_outcome('a,b\n\nc,"d\ne",f\ng', ",") == [
        ("row", ["a", "b"], 1),
        ("row", [], 2),
        ("row", ["c", "d\ne", "f"], 4),
        ("row", ["g"], 5),
    ]
    assert cut_outcome('a\n"b', ",") == [
        ("row", ["a"], 1),
        ("error", "unexpected end of data", 2),
    ]
