"""Hostile and damaged export archives: exit 2 with file and row, or a skip entry; never silent."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pytest

import netrules
from netrules import cli
from netrules.loaders import archive

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
ROW = "Jane,Doe,https://www.linkedin.com/in/jane,,Acme,Engineer,16 Dec 2024\n"
NAME = "Basic_LinkedInDataExport_01-15-2025"


def write_zip(path: Path, files: dict[str, bytes | str], *, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return path


def write_folder(path: Path, files: dict[str, bytes | str]) -> Path:
    for name, data in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def skips(network: netrules.Network, file: str) -> dict[str, tuple[int, ...]]:
    return {s.reason: s.rows for s in network.skipped if s.file == file}


def patched(path: Path, old: bytes, new: bytes) -> Path:
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new))
    return path


# ------------------------------------------------------------------ damaged zips


def test_non_utf8_entry_name(tmp_path):
    """An entry name flagged UTF-8 that is not UTF-8 is an InputError, not a crash."""
    path = write_zip(tmp_path / "a.zip", {"Connections.csv": HEADER + ROW})
    data = bytearray(path.read_bytes())
    # set the UTF-8 flag (bit 11) in every header and break the name's bytes
    data = bytes(data).replace(
        b"PK\x01\x02\x14\x03\x14\x00\x00\x00", b"PK\x01\x02\x14\x03\x14\x00\x00\x08"
    )
    data = data.replace(b"Connections.csv", b"Connecti\xff\xfes.csv")
    path.write_bytes(data)
    with pytest.raises(netrules.InputError) as info:
        netrules.load_network(path)
    assert info.value.file == str(path)


def test_unsupported_zip_version(tmp_path):
    """An entry needing a newer zip version is an InputError naming the entry."""
    path = write_zip(tmp_path / "a.zip", {"Connections.csv": HEADER + ROW})
    patched(path, b"PK\x03\x04\x14\x00", b"PK\x03\x04\x50\x00")  # local header: version 8.0
    zip_ = zipfile.ZipFile(path)
    info = zip_.getinfo("Connections.csv")
    zip_.close()
    data = path.read_bytes()
    central = data.index(b"PK\x01\x02")
    data = data[: central + 6] + b"\x50\x00" + data[central + 8 :]  # version needed: 8.0
    path.write_bytes(data)
    assert info.file_size > 0
    with pytest.raises(netrules.InputError) as err:
        netrules.load_network(path)
    assert "Connections.csv" in str(err.value) or str(path) in str(err.value)


def test_empty_entry_name(tmp_path):
    """An entry without a name is passed over; the export's files are read."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("Connections.csv", HEADER + ROW)
        z.writestr("X", "stray")
    data = buffer.getvalue()
    # drop the name "X" (length 1 -> 0) in the local and the central header
    data = data.replace(b"\x01\x00\x00\x00X", b"\x00\x00\x00\x00")
    data = data.replace(
        b"\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00X", b""
    )
    path = tmp_path / "a.zip"
    path.write_bytes(data)
    try:
        network = netrules.load_network(path)
    except netrules.InputError:
        return  # a header the reader cannot make sense of: refused, fine
    assert len(network.connections) == 1


def test_truncated_zip(tmp_path):
    """An incomplete download is an InputError."""
    path = write_zip(tmp_path / "a.zip", {"Connections.csv": HEADER + ROW * 100})
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(netrules.InputError):
        netrules.load_network(path)


def test_zip_bomb_stops_before_inflating(tmp_path):
    """A small zip that would inflate far past the ratio limit is refused unread."""
    path = write_zip(tmp_path / "a.zip", {"Connections.csv": HEADER + "\n" * (40 * 1024 * 1024)})
    assert path.stat().st_size < 200_000
    start = time.perf_counter()
    with pytest.raises(netrules.InputError, match="over the limits") as info:
        netrules.load_network(path)
    assert time.perf_counter() - start < 2
    assert info.value.file == "Connections.csv"


def test_one_endless_line(tmp_path, monkeypatch):
    """A line longer than the line limit stops reading there (never held whole)."""
    monkeypatch.setattr(archive, "MAX_LINE_CHARS", 4096)
    path = write_zip(tmp_path / "a.zip", {"Connections.csv": HEADER + ROW + "x" * 100_000})
    with pytest.raises(netrules.InputError, match="a line longer than") as info:
        netrules.load_network(path)
    assert info.value.location == "row 3"


def test_entry_over_the_size_limit(tmp_path, monkeypatch):
    """An entry larger than the per-file limit is refused by its declared size."""
    monkeypatch.setattr(archive, "MAX_ENTRY_BYTES", 1000)
    path = write_zip(
        tmp_path / "a.zip", {"Connections.csv": HEADER + ROW * 100}, compression=zipfile.ZIP_STORED
    )
    with pytest.raises(netrules.InputError, match="over the limits"):
        netrules.load_network(path)


def test_folder_file_over_the_size_limit(tmp_path, monkeypatch):
    """In a folder too, a file larger than the per-file limit is refused unread."""
    monkeypatch.setattr(archive, "MAX_ENTRY_BYTES", 1000)
    folder = write_folder(tmp_path / NAME, {"Connections.csv": HEADER + ROW * 100})
    with pytest.raises(netrules.InputError, match="over the limit"):
        netrules.load_network(folder)


# ------------------------------------------------------------------ CSV content


def test_one_stray_quote_is_an_error_with_its_row(tmp_path):
    """One stray quote never swallows the later rows: exit 2 naming the row it opened on."""
    rows = ROW * 3 + 'Bob,"Roe,,,Acme,Eng,16 Dec 2024\n' + ROW * 50
    path = write_zip(tmp_path / "a.zip", {"Connections.csv": HEADER + rows})
    with pytest.raises(netrules.InputError, match="unbalanced quote") as info:
        netrules.load_network(path)
    assert (info.value.file, info.value.location) == ("Connections.csv", "row 5")


def test_quote_then_text_is_an_error(tmp_path):
    """A closing quote followed by more text in the cell is an error, not a guess."""
    path = write_zip(
        tmp_path / "a.zip", {"Connections.csv": HEADER + ROW + 'Bob,"Roe"x,,,,,16 Dec 2024\n'}
    )
    with pytest.raises(netrules.InputError) as info:
        netrules.load_network(path)
    assert info.value.location == "row 3"


def test_latin1_error_names_the_row(tmp_path):
    """A Latin-1 byte deep in a file is reported with its row."""
    data = (HEADER + ROW * 3000).encode() + "René,X,,,,,16 Dec 2024\n".encode("latin-1")
    path = write_zip(tmp_path / "a.zip", {"Connections.csv": data})
    with pytest.raises(netrules.InputError, match="not UTF-8") as info:
        netrules.load_network(path)
    assert info.value.location == "row 3002"


def test_registration_extra_rows_are_skip_entries(tmp_path):
    """Registration.csv rows after the first are listed as skipped, with their rows."""
    folder = write_folder(
        tmp_path / NAME,
        {
            "Connections.csv": HEADER + ROW,
            "Registration.csv": 'Registered At\n"1/2/10, 9:00 AM"\n"3/4/12, 9:00 AM"\n',
        },
    )
    network = netrules.load_network(folder)
    assert network.member.joined_on.isoformat() == "2010-01-02"
    assert skips(network, "Registration.csv") == {
        "more than one registration row: only the first is read": (3,)
    }


def test_cells_past_the_header_are_skip_entries(tmp_path):
    """Cells past the header's width are not read, and the row is listed."""
    wide = ROW.rstrip("\n") + ",surplus,https://www.linkedin.com/in/other\n"
    folder = write_folder(tmp_path / NAME, {"Connections.csv": HEADER + ROW + wide})
    network = netrules.load_network(folder)
    assert [c.company for c in network.connections] == ["Acme", "Acme"]
    (reason,) = [r for r in skips(network, "Connections.csv") if "more cells" in r]
    assert skips(network, "Connections.csv")[reason] == (3,)


def test_cells_past_the_header_never_fill_an_absent_column(tmp_path):
    """Without a URL column, a surplus cell never becomes the URL."""
    header = "First Name,Last Name,Email Address,Company,Position,Connected On\n"
    row = "Jane,Doe,,Acme,Eng,16 Dec 2024,https://www.linkedin.com/in/evil\n"
    folder = write_folder(tmp_path / NAME, {"Connections.csv": header + row})
    network = netrules.load_network(folder)
    assert network.connections[0].url is None


def test_comma_only_rows_are_skip_entries(tmp_path):
    """A comma-only recommendation row creates nothing and is listed as skipped."""
    folder = write_folder(
        tmp_path / NAME,
        {
            "Connections.csv": HEADER + ROW,
            "Recommendations_Given.csv": "First Name,Last Name,Creation Date\n,,\n"
            'Ann,Lee,"01/02/24, 10:00 AM"\n',
        },
    )
    network = netrules.load_network(folder)
    assert [r.person for r in network.recommendations_given] == ["Ann Lee"]
    assert skips(network, "Recommendations_Given.csv") == {
        "rows with nothing to read (empty cells only)": (2,)
    }


def test_long_notes_preamble_is_skipped(tmp_path):
    """A notes preamble of any length is skipped, as documented."""
    preamble = "".join(f"Notes line {i}\n" for i in range(40))
    folder = write_folder(tmp_path / NAME, {"Connections.csv": preamble + "\n" + HEADER + ROW})
    assert len(netrules.load_network(folder).connections) == 1


def test_stray_csv_at_the_top_does_not_hide_the_export(tmp_path):
    """A stray CSV next to the export's folder does not hide the export."""
    root = tmp_path / "downloads"
    write_folder(root, {"notes.csv": "a,b\n1,2\n", f"{NAME}/Connections.csv": HEADER + ROW})
    network = netrules.load_network(root)
    assert len(network.connections) == 1


def test_many_identical_rows_load_in_linear_time(tmp_path):
    """N identical URL-less rows get ids #2..#N in linear time."""
    header = "First Name,Last Name,Email Address,Company,Position,Connected On\n"
    row = "Jane,Doe,,Acme,Eng,16 Dec 2024\n"
    folder = write_folder(tmp_path / NAME, {"Connections.csv": header + row * 20_000})
    start = time.perf_counter()
    network = netrules.load_network(folder)
    assert time.perf_counter() - start < 5
    ids = [c.id for c in network.connections]
    assert len(set(ids)) == 20_000
    assert ids[:2] == ["Jane Doe (2024-12-16)", "Jane Doe (2024-12-16) #2"]
    assert ids[-1] == "Jane Doe (2024-12-16) #20000"


# ------------------------------------------------------------------ symbolic links


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_folder_symlinks_are_not_followed(tmp_path, capsys):
    """A link named like an export file is never read; it is listed as skipped."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET CONTENT,with,commas\n", encoding="utf-8")
    folder = write_folder(tmp_path / NAME, {"Profile.csv": "x\n"})
    (folder / "Profile.csv").unlink()
    write_folder(folder, {"Registration.csv": 'Registered At\n"1/2/10, 9:00 AM"\n'})
    os.symlink(secret, folder / "Connections.csv")
    network = netrules.load_network(folder)
    assert network.connections == ()
    assert any(s.file == "Connections.csv" and "symbolic link" in s.reason for s in network.skipped)
    assert cli.main(["check", "--no-default-rules", str(folder)]) in (0, 1)
    captured = capsys.readouterr()
    assert "TOP SECRET" not in captured.out + captured.err


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_linked_folder_inside_an_export_is_not_followed(tmp_path):
    """A link to a folder inside the export folder is not searched."""
    elsewhere = write_folder(tmp_path / "elsewhere", {"Connections.csv": HEADER + ROW})
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(elsewhere, root / "export")
    with pytest.raises(netrules.InputError, match="no CSV files"):
        netrules.load_network(root)
