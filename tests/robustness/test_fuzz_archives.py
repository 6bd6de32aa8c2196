"""Fuzzing export archives: every draw exits 0, 1 or 2, without a traceback, in bounded time.

Archives are drawn as a zip or a folder of files named like an export's (and
not), each holding a CSV built from the real headers with hostile cells (quotes,
separators, line breaks, NULs, escape sequences, bad UTF-8, BOMs) or random
bytes; zips may then be truncated or have bytes flipped.  The default profile
keeps it quick; NETRULES_FUZZ_EXAMPLES=2000 runs a long session.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netrules import cli

EXAMPLES = int(os.environ.get("NETRULES_FUZZ_EXAMPLES", "12"))
PER_RUN_SECONDS = 10

HEADERS = {
    "Connections.csv": "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    "Invitations.csv": "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl",
    "messages.csv": "CONVERSATION ID,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,"
    "CONTENT,IS MESSAGE DRAFT",
    "Profile.csv": "First Name,Last Name,Headline,Industry",
    "Positions.csv": "Company Name,Title,Started On,Finished On",
    "Education.csv": "School Name,Start Date,End Date,Degree Name",
    "Registration.csv": "Registered At",
    "Recommendations_Given.csv": "First Name,Last Name,Creation Date",
}
NAMES = [*HEADERS, "connections.csv", "Rich_Media.csv", "notes.txt", "x/Connections.csv"]

CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "Jane",
            "16 Dec 2024",
            "2024-12-16",
            "12/16/24, 9:05 AM",
            "Jun 2018",
            "OUTGOING",
            "INCOMING",
            "Yes",
            "https://www.linkedin.com/in/jane",
            '"',
            '""',
            '"a,b"',
            "a\nb",
            "\x1b[2J",
            "\u202e",
            "\x00",
            "yesterday",
            "2025-W01-1",
            "99/99/99",
            "9" * 40,
        ]
    ),
    st.text(max_size=12),
)


@st.composite
def csv_files(draw, name: str) -> bytes:
    header = HEADERS.get(name.rsplit("/", 1)[-1], "a,b,c")
    lines = []
    if draw(st.booleans()):
        lines.append("Notes:")
        lines.append('"When exporting your connection data, you may notice..."')
        lines.append("")
    if draw(st.integers(0, 9)):
        lines.append(header)
    width = header.count(",") + 1
    for _ in range(draw(st.integers(0, 6))):
        cells = draw(st.lists(CELLS, min_size=0, max_size=width + 2))
        sep = draw(st.sampled_from([",", ",", "\t"]))
        lines.append(sep.join(cells))
    text = "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


@st.composite
def archives(draw) -> tuple[str, dict[str, bytes], dict]:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=0, max_size=6, unique=True))
    files = {}
    for name in names:
        if draw(st.integers(0, 9)) == 0:
            files[name] = draw(st.binary(max_size=200))
        else:
            files[name] = draw(csv_files(name))
    kind = draw(st.sampled_from(["zip", "zip", "folder"]))
    damage = {
        "top": draw(st.sampled_from([None, "Basic_LinkedInDataExport_01-15-2025"])),
        "truncate": draw(st.none() | st.integers(1, 400)) if kind == "zip" else None,
        "flip": draw(st.none() | st.integers(0, 10_000)) if kind == "zip" else None,
    }
    return kind, files, damage


def build(root: Path, kind: str, files: dict[str, bytes], damage: dict) -> Path:
    top = damage["top"]
    if kind == "folder":
        base = root / "export"
        for name, data in files.items():
            path = base / top / name if top else base / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        base.mkdir(exist_ok=True)
        return base
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(f"{top}/{name}" if top else name, data)
    data = bytearray(buffer.getvalue())
    if damage["flip"] is not None and data:
        data[damage["flip"] % len(data)] ^= 0xFF
    if damage["truncate"] is not None:
        data = data[: max(0, len(data) - damage["truncate"])]
    path = root / "Basic_LinkedInDataExport_01-15-2025.zip"
    path.write_bytes(bytes(data))
    return path


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # capsys is read out before each run
    ],
)
@given(archives())
def test_any_archive_exits_0_1_or_2(capsys, drawn):
    """Whatever the archive holds, `check` exits 0, 1 or 2, with no traceback, in bounded time."""
    kind, files, damage = drawn
    with tempfile.TemporaryDirectory() as tmp:
        path = build(Path(tmp), kind, files, damage)
        capsys.readouterr()
        start = time.perf_counter()
        code = cli.main(["check", str(path), "--format", "json", "--fail-on", "never"])
        elapsed = time.perf_counter() - start
        captured = capsys.readouterr()
    assert code in (0, 2), captured.err
    assert "Traceback" not in captured.err
    assert "internal error" not in captured.err
    assert "\x1b" not in captured.out + captured.err
    assert elapsed < PER_RUN_SECONDS
