"""The archive's members read and unpacked on a second thread (netrules/prefetch.py).

Every load here is done with the thread reading every member (however small) and
without any thread, and must give the same network or the same error (message, file,
row); the thread must be gone when the load ends.
"""

from __future__ import annotations

import io
import os
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from archive_builder import INVITATIONS, MESSAGES, connections, table, write_archive
from export_kit import NAME, days_before, export, pacific
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netrules import prefetch
from netrules.errors import InputError
from netrules.loaders import archive
from netrules.loaders.archive import load_archive

ROWS = [["Jane", "Doe", "", "", "Acme", "CTO", "16 Dec 2024"]] * 40


def _threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "netrules-prefetch"]


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the members the loader took from a prefetch thread."""
    names: list[str] = []
    take = prefetch.Prefetch.take

    def spy(self: prefetch.Prefetch, info: Any, st: os.stat_result) -> bytes | None:
        data = take(self, info, st)
        if data is not None:
            names.append(info.filename)
        return data

    monkeypatch.setattr(prefetch.Prefetch, "take", spy)
    yield names
    assert not _threads(), "a prefetch thread outlived its load"


def outcome(path: Path, *, fetch: bool, infer: bool = False) -> tuple[str, Any]:
    """The network or the error of loading ``path``, with every member prefetched or
    none."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prefetch, "ENABLED", fetch)
        patch.setattr(prefetch, "PREFETCH_FROM", 0)
        try:
            return "network", load_archive(path, infer=infer)
        except InputError as exc:
            return "error", (str(exc), exc.file, exc.location)
        finally:
            assert not _threads()


def same_both_ways(path: Path, *, infer: bool = False) -> tuple[str, Any]:
    fetched = outcome(path, fetch=True, infer=infer)
    plain = outcome(path, fetch=False, infer=infer)
    assert fetched == plain
    return plain


def _export(tmp_path: Path) -> Path:
    people = [
        [f"P{i}", "Doe", f"https://www.linkedin.com/in/p{i}", "", "Acme", "Engineer", ""]
        for i in range(30)
    ]
    for i, row in enumerate(people):
        row[6] = days_before(10 + i).strftime("%d %b %Y")
    files = export(
        positions=[("Acme", "Engineer", "Jan 2020", "")],
        education=[("Uni", "BSc", "2010", "2014")],
        registered="1/2/15, 6:36 PM",
        people=people,
        messages=[("P1 Doe", "https://www.linkedin.com/in/p1", "2025-01-02 10:00:00 UTC")],
        applications=[days_before(3)],
        saved_jobs=[days_before(4)],
        seeker={"Open To Work": "Yes"},
        inferences=[("Job seeker", "Yes")],
        ad_targeting={"Member Age": "25 to 34"},
        contacts=[("Ann Other", "ann@example.org")],
        invitations=[["Mia Member", "P2 Doe", pacific(days_before(2)), "", "OUTGOING"]],
    )
    return write_archive(tmp_path, files, name=NAME)


# -- what the thread reads, and in which order --------------------------------------


def test_tables_agree_with_the_loader() -> None:
    """The thread's copies of the loader's tables are the loader's."""
    assert set(prefetch.LOADER_ORDER) == set(archive._FILES) | set(archive._EVIDENCE_FILES)
    assert len(prefetch.LOADER_ORDER) == len(set(prefetch.LOADER_ORDER))
    assert set(prefetch.LOADER_ORDER[5:16]) == set(archive._EVIDENCE_FILES)
    assert prefetch.WHOLE_FILE_BYTES == archive.WHOLE_FILE_BYTES
    assert archive._RATIO_FROM >= prefetch.WHOLE_FILE_BYTES  # no member it reads is a bomb
    from netrules import cli

    assert prefetch.START_FROM == cli._KEEP_FREED_FROM


@given(st.text(alphabet="aB_ -./é\t", max_size=12))
def test_file_key_is_the_loader_s(stem: str) -> None:
    name = stem + ".csv"
    assert prefetch.file_key(name) == archive._file_key(name)


def test_members_are_read_in_the_loader_s_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list[str]
) -> None:
    """The loader opens the files in LOADER_ORDER (so the thread reads each before the
    loader needs it), and takes every member from the thread."""
    path = _export(tmp_path)
    opened: list[str] = []
    open_member = archive._ZipSource.open

    def spy(self: Any, name: str) -> Any:
        opened.append(name)
        return open_member(self, name)

    monkeypatch.setattr(archive._ZipSource, "open", spy)
    same_both_ways(path, infer=True)
    opened = opened[: len(opened) // 2]  # (the first load, with the thread)
    assert taken == opened  # (the evidence files twice: peeked at first, then read)
    reads = opened[opened.index("Profile.csv") :]
    ranks = [prefetch.LOADER_ORDER.index(prefetch.file_key(n)) for n in reads]
    assert ranks == sorted(ranks)
    assert len(reads) >= 12


def test_no_infer_reads_no_evidence_file(tmp_path: Path) -> None:
    path = _export(tmp_path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prefetch, "PREFETCH_FROM", 0)
        fetch = prefetch.Prefetch(str(path), infer=False)
        fetch._thread.join()
        names = set(fetch._members or {})
        fetch.close()
    assert names
    assert not {prefetch.file_key(n) for n in names} & set(archive._EVIDENCE_FILES)


def test_default_threshold(tmp_path: Path, taken: list[str]) -> None:
    """With the default PREFETCH_FROM, large members come from the thread, small ones
    the ordinary way."""
    big = [[f"P{i}", "Doe", "", "", "Acme", "Engineer", "16 Dec 2024"] for i in range(3000)]
    path = write_archive(
        tmp_path,
        {"Connections.csv": connections(big), "Invitations.csv": table(INVITATIONS["2018"], [])},
    )
    assert zipfile.ZipFile(path).getinfo("Connections.csv").file_size >= prefetch.PREFETCH_FROM
    network = load_archive(path)
    assert taken == ["Connections.csv"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prefetch, "ENABLED", False)
        assert load_archive(path) == network
    assert taken == ["Connections.csv"]


def test_stored_members_prefixed_archive_and_utf8_names(tmp_path: Path, taken: list[str]) -> None:
    """Members stored without compression, an archive after other bytes (as zipfile
    reads it), a folder name flagged UTF-8: all taken from the thread, same network."""
    path = tmp_path / "a.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("Exporté/Connections.csv", connections(ROWS))
        zf.writestr("Exporté/messages.csv", table(MESSAGES["2018"], []))
    path.write_bytes(b"#!/bin/sh\nexit 0\n" + buffer.getvalue())
    kind, network = same_both_ways(path)
    assert kind == "network"
    assert len(network.connections) == len(ROWS)
    assert taken == ["Exporté/messages.csv", "Exporté/Connections.csv"]


def test_the_budget_of_members_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list[str]
) -> None:
    """With room for one member ahead, the thread waits for the loader to take each."""
    monkeypatch.setattr(prefetch, "AHEAD_BYTES", 1)
    path = _export(tmp_path)
    same_both_ways(path, infer=True)
    assert len(taken) >= 15
    # and a prefetch nobody takes from ends when closed, while it waits
    monkeypatch.setattr(prefetch, "PREFETCH_FROM", 0)
    fetch = prefetch.Prefetch(str(path))
    fetch.close()
    assert not fetch.alive


# -- errors come from the ordinary path, the same ----------------------------------


def _patch(path: Path, member: str, edit: Callable[[bytearray, zipfile.ZipInfo], None]) -> None:
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    edit(raw, info)
    path.write_bytes(bytes(raw))


def _central(raw: bytearray, info: zipfile.ZipInfo) -> int:
    """Where the central directory entry of ``info`` starts in ``raw``."""
    name, at = info.filename.encode(), len(raw)
    while True:
        at = raw.rfind(b"PK\x01\x02", 0, at)
        assert at >= 0
        if raw[at + 46 : at + 46 + len(name)] == name:
            return at


def _bad_crc(raw: bytearray, info: zipfile.ZipInfo) -> None:
    bad = (info.CRC ^ 1).to_bytes(4, "little")
    raw[info.header_offset + 14 : info.header_offset + 18] = bad
    at = _central(raw, info)
    raw[at + 16 : at + 20] = bad


def _damaged_data(raw: bytearray, info: zipfile.ZipInfo) -> None:
    start = info.header_offset + 30 + len(info.filename) + 10
    raw[start : start + 8] = b"\x00" * 8


def _flags(value: int) -> Callable[[bytearray, zipfile.ZipInfo], None]:
    def edit(raw: bytearray, info: zipfile.ZipInfo) -> None:
        raw[info.header_offset + 6 : info.header_offset + 8] = value.to_bytes(2, "little")
        at = _central(raw, info)
        raw[at + 8 : at + 10] = value.to_bytes(2, "little")

    return edit


def _method(value: int) -> Callable[[bytearray, zipfile.ZipInfo], None]:
    def edit(raw: bytearray, info: zipfile.ZipInfo) -> None:
        raw[info.header_offset + 8 : info.header_offset + 10] = value.to_bytes(2, "little")
        at = _central(raw, info)
        raw[at + 10 : at + 12] = value.to_bytes(2, "little")

    return edit


def _size(delta: int, field: int = 24) -> Callable[[bytearray, zipfile.ZipInfo], None]:
    """The size (24) or compressed size (20) the central directory states, changed."""

    def edit(raw: bytearray, info: zipfile.ZipInfo) -> None:
        at = _central(raw, info)
        old = int.from_bytes(raw[at + field : at + field + 4], "little")
        raw[at + field : at + field + 4] = (old + delta).to_bytes(4, "little")

    return edit


def _name_in_header(raw: bytearray, info: zipfile.ZipInfo) -> None:
    raw[info.header_offset + 30] ^= 0x20  # Connections.csv -> connections.csv


def _utf8_name_in_header(raw: bytearray, info: zipfile.ZipInfo) -> None:
    """The local header flagged UTF-8 (the directory not), its name not UTF-8: zipfile's
    open raised a bare UnicodeDecodeError (found by test_any_damage_gives_the_same_outcome)."""
    raw[info.header_offset + 7] |= 0x08  # flag bit 11 (0x800): the name is UTF-8
    raw[info.header_offset + 30] = 0x81


def _header_offset(raw: bytearray, info: zipfile.ZipInfo) -> None:
    at = _central(raw, info)
    raw[at + 42 : at + 46] = (info.header_offset + 1).to_bytes(4, "little")


@pytest.mark.parametrize(
    "edit",
    [
        _bad_crc,
        _damaged_data,
        _flags(1),  # encrypted
        _flags(0x20),  # patched data
        _method(99),  # unknown method
        _method(12),  # bzip2 (zipfile reads it, the thread leaves it)
        _size(-1),  # unpacks to more than the directory says
        _size(1),  # unpacks to less
        _size(archive.MAX_ENTRY_BYTES),  # over the limit for one file
        _size(-5, field=20),  # compressed size too short
        _size(5, field=20),  # compressed size too long (the stream ends before: read)
        _name_in_header,
        _utf8_name_in_header,
        _header_offset,
    ],
    ids=lambda f: getattr(f, "__qualname__", str(f)).split(".")[0],
)
def test_damaged_members_give_the_same_error(
    tmp_path: Path, edit: Callable[[bytearray, zipfile.ZipInfo], None], taken: list[str]
) -> None:
    path = write_archive(
        tmp_path,
        {"Connections.csv": connections(ROWS), "messages.csv": table(MESSAGES["2018"], [])},
    )
    _patch(path, "Connections.csv", edit)
    kind, _ = same_both_ways(path)
    if edit is _utf8_name_in_header:
        assert kind == "error"
    if kind == "error":
        assert "Connections.csv" not in taken


def test_ratio_limit_bomb(tmp_path: Path, taken: list[str]) -> None:
    """A member over the compression-ratio limit is never unpacked by the thread."""
    bomb = connections(ROWS) + b"\n" * (archive._RATIO_FROM + 1)
    path = write_archive(tmp_path, {"Connections.csv": bomb})
    kind, (message, file, _row) = same_both_ways(path)
    assert kind == "error" and "over the limits" in message and file == "Connections.csv"
    assert not taken


@pytest.mark.parametrize(
    "content",
    [b"", b"not a zip at all", b"PK\x03\x04garbage" * 10, b"PK\x05\x06" + b"\xff" * 18],
)
def test_not_a_zip(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(content)
    kind, (message, _f, _r) = same_both_ways(path)
    assert kind == "error" and "not a zip archive" in message


def test_missing_members_and_folder(tmp_path: Path, taken: list[str]) -> None:
    path = write_archive(tmp_path / "z", {"Connections.csv": connections(ROWS)})
    kind, network = same_both_ways(path)
    assert kind == "network" and {s.file for s in network.skipped} >= {"messages.csv"}
    folder = write_archive(tmp_path / "f", {"Connections.csv": connections(ROWS)}, kind="folder")
    assert same_both_ways(folder) == ("network", network)
    assert taken == ["Connections.csv"]


# -- the file the thread reads is the file the loader opens --------------------------


def test_a_file_replaced_after_the_thread_read_it(tmp_path: Path, taken: list[str]) -> None:
    """The command line's thread read one archive; the loader opens another at that
    path: nothing of the first is taken."""
    first = write_archive(tmp_path / "1", {"Connections.csv": connections(ROWS)})
    second = write_archive(tmp_path / "2", {"Connections.csv": connections(ROWS[:1] * 3)})
    expected = outcome(second, fetch=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prefetch, "PREFETCH_FROM", 0)
        patch.setattr(prefetch, "START_FROM", 0)
        prefetch.start_for_check([str(first)])
        pending = prefetch._pending
        assert pending is not None
        pending._thread.join()
        os.replace(second, first)
        assert outcome(first, fetch=True) == expected
    assert prefetch._pending is None and not pending.alive and pending.taken == 0
    assert taken == ["Connections.csv"]  # (from the loader's own thread)


def test_a_file_changed_in_place_after_the_thread_read_it(tmp_path: Path, taken: list[str]) -> None:
    path = write_archive(tmp_path, {"Connections.csv": connections(ROWS)})
    expected = outcome(path, fetch=False)
    fetch = prefetch.Prefetch(str(path))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prefetch, "PREFETCH_FROM", 0)
        fetch = prefetch.Prefetch(str(path))
        fetch._thread.join()
        with path.open("ab") as fh:  # (zipfile finds the directory before these bytes)
            fh.write(b"\0" * 10)
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("Connections.csv")
            assert fetch.take(info, os.fstat(zf.fp.fileno())) is None  # type: ignore[union-attr]
        fetch.close()
    assert outcome(path, fetch=False) == expected


def test_the_command_line_s_guess(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first existing ``.zip`` word not an option; a directory or a small file
    starts nothing; --no-infer leaves the evidence files."""
    path = write_archive(tmp_path, {"Connections.csv": connections(ROWS)})
    monkeypatch.setattr(prefetch, "START_FROM", 0)
    for words in (["--rules", "x.nr"], [str(tmp_path)], ["-o", "nowhere.zip"]):
        prefetch.start_for_check(words)
        assert prefetch._pending is None
    prefetch.start_for_check(["--format", "json", str(path), "--no-infer"])
    pending = prefetch._pending
    assert pending is not None and pending.path == str(path) and not pending.infer
    prefetch.discard_pending()
    assert prefetch._pending is None and not pending.alive
    monkeypatch.setattr(prefetch, "START_FROM", path.stat().st_size + 1)
    prefetch.start_for_check([str(path)])
    assert prefetch._pending is None


def test_the_stream_handed_to_the_loader() -> None:
    """A buffered stream with peek; reading it whole gives the bytes object itself."""
    data = b"a,b\n1,2\n" * 100
    stream = archive._Bytes(data)
    assert stream.peek(512) == data[:512]
    assert stream.peek(2) == data[:2]
    assert stream.read(archive.WHOLE_FILE_BYTES + 1) is data
    assert stream.peek(1) == b""
    stream.close()
    with pytest.raises(ValueError):
        stream.peek(1)
    given_back: list[bytes] = []
    with archive._Bytes(data, given_back.append) as peeked:
        assert peeked.peek(2) == data[:2]
    with archive._Bytes(data, given_back.append) as read:
        read.read(1)
    assert given_back == [data]


# -- any damage, anywhere ------------------------------------------------------------


@st.composite
def damaged_archives(draw: st.DrawFn) -> tuple[dict[str, str], bool, list[tuple[int, int]]]:
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["Ann", "Bo", 'Q"uote', "Zoë"]),
                st.sampled_from(["Doe", "Roe"]),
                st.sampled_from(["16 Dec 2024", "1 Jan 2020", "bad"]),
            ),
            max_size=30,
        )
    )
    files = {
        "Connections.csv": connections([[a, b, "", "", "Acme", "CTO", d] for a, b, d in rows]),
        "messages.csv": table(
            MESSAGES["2018"],
            [
                [a, "Mia", "2024-01-02 10:00:00 UTC", "", "hi", "INCOMING", "INBOX"]
                for a, _b, _d in rows[:5]
            ],
        ),
    }
    stored = draw(st.booleans())
    flips = draw(st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), max_size=3))
    return files, stored, flips


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=damaged_archives())
def test_any_damage_gives_the_same_outcome(
    tmp_path_factory: pytest.TempPathFactory,
    case: tuple[dict[str, str], bool, list[tuple[int, int]]],
) -> None:
    """Archives with bytes changed anywhere (members, headers, directory): the thread
    and the ordinary path give the same network or the same error."""
    files, stored, flips = case
    folder = tmp_path_factory.mktemp("dmg")
    path = folder / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    raw = bytearray(path.read_bytes())
    for at, xor in flips:
        raw[at % len(raw)] ^= xor
    path.write_bytes(bytes(raw))
    same_both_ways(path)
