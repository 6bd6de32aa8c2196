"""Builds small LinkedIn export archives with the byte layouts of real ones.

The constants are the exact headers and preamble documented in
docs/input-format.md (the LinkedIn export section) (by vintage); the helpers write them
as a ``.zip`` or a folder, with the files at the top or under one folder.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

# Connections.csv: 3 preamble lines (375 bytes) before the header, LF, no BOM.
PREAMBLE = (
    b'Notes:\n"When exporting your connection data, you may notice that some of the email '
    b"addresses are missing. You will only see email addresses for connections who have "
    b"allowed their connections to see or download their email address using this setting "
    b"https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    b'https://www.linkedin.com/help/linkedin/answer/261"\n\n'
)
assert len(PREAMBLE) == 375

CONNECTIONS = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
CONNECTIONS_NO_URL = "First Name,Last Name,Email Address,Company,Position,Connected On"

_INVITATIONS = "From,To,Sent At,Message,Direction"
INVITATIONS = {
    "2018": _INVITATIONS,
    "2023-07-urn": _INVITATIONS + ",inviterProfileUrn,inviteeProfileUrn",
    "2024-url": _INVITATIONS + ",inviterProfileUrl,inviteeProfileUrl",
}

_MESSAGES_2023 = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,"
    "RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER"
)
MESSAGES = {
    "2018": "From,To,Date,Subject,Content,Direction,Folder",
    "2020": "FROM,TO,DATE,SUBJECT,CONTENT,DIRECTION,FOLDER",
    "2021": (
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,FOLDER"
    ),
    "2023": _MESSAGES_2023,
    "2024-12": _MESSAGES_2023 + ",IS MESSAGE DRAFT,IS CONVERSATION DRAFT",
    "2025": _MESSAGES_2023 + ",ATTACHMENTS",
}

PROFILE = {
    13: (
        "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,"
        "Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers"
    ),
    15: (
        "First Name,Last Name,Maiden Name,Address,Birth Date,Contact Instructions,Headline,"
        "Summary,Industry,Country,Zip Code,Geo Location,Twitter Handles,Websites,"
        "Instant Messengers"
    ),
}
POSITIONS = "Company Name,Title,Description,Location,Started On,Finished On"
EDUCATION = "School Name,Start Date,End Date,Notes,Degree Name,Activities"
RECOMMENDATIONS = "First Name,Last Name,Company,Job Title,Text,Creation Date,Status"
REGISTRATION = {
    "2022": "Registered At,Registration Ip,Subscription Types",
    "2018": (
        "Registration Date,Registration IP Address,Invited by (First Name),"
        "Invited by (Last Name),Subscription Types"
    ),
}

# Files the derivations read (loaders/derive.py).
JOB_APPLICATIONS = (
    "Application Date,Contact Email,Contact Phone Number,Company Name,Job Title,Job Url,"
    "Resume Name,Question And Answers"
)
SAVED_JOBS = "Saved Date,Job Url,Job Title,Company Name"
JOB_SEEKER_PREFERENCES = (
    "Locations,Industries,Company Employee Count,Preferred Job Types,Job Titles,"
    "Open To Recruiters,Dream Companies,Profile Shared With Job Poster,"
    "Job Title For Searching Fast Growing Companies,Introduction Statement,Phone Number,"
    "Job Seeker Activity Level,Preferred Start Time Range,Commute Preference Starting Time,"
    "Commute Preference Starting Address,Commute Preference Mode,Maximum Commute Duration,"
    "Open Candidate Visibility,Job Seeking Urgency Level"
)
INFERENCES = "Category,Type of inference,Description,Inference"
AD_TARGETING = (
    "Member Age,Company Names,Company Names,Job Seniorities,Years of Experience,"
    "Member Traits,Graduation Year,Degrees,Member Schools,Job Titles,Job Titles"
)
ENDORSEMENTS_RECEIVED = (
    "Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,Endorser Public Url,"
    "Endorsement Status"
)
ENDORSEMENTS_GIVEN = (
    "Endorsement Date,Skill Name,Endorsee First Name,Endorsee Last Name,Endorsee Public Url,"
    "Endorsement Status"
)
CONTACTS = (
    "Source,FirstName,LastName,Companies,Title,Emails,PhoneNumbers,CreatedAt,Addresses,Sites,"
    "InstantMessageHandles,FullName,Birthday,Location,BookmarkedAt,Profiles"
)

ARCHIVE_NAME = "Basic_LinkedInDataExport_07-11-2023"


def table(header: str, rows: Sequence[Sequence[str]], *, final_newline: bool = True) -> str:
    """CSV text as LinkedIn writes it: LF, quoted only when needed, ``""`` inside quotes."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    text = header + "\n" + out.getvalue()
    return text if final_newline else text.rstrip("\n")


def connections(
    rows: Sequence[Sequence[str]],
    *,
    header: str = CONNECTIONS,
    preamble: bytes = PREAMBLE,
    final_newline: bool = False,
) -> bytes:
    """Connections.csv bytes: the notes preamble, and no final newline (as exported)."""
    return preamble + table(header, rows, final_newline=final_newline).encode("utf-8")


def utf16_tsv(header: str, rows: Sequence[Sequence[str]]) -> bytes:
    """The legacy form: UTF-16LE with BOM, TAB-separated, every field quoted, CRLF."""
    out = io.StringIO()
    w = csv.writer(out, delimiter="\t", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(header.split(","))
    w.writerows(rows)
    return b"\xff\xfe" + out.getvalue().encode("utf-16-le")


def excel(text: str) -> bytes:
    """A spreadsheet round-trip: UTF-8 with BOM and CRLF line ends."""
    return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")


def write_archive(
    dest: Path,
    files: Mapping[str, str | bytes],
    *,
    kind: str = "zip",
    top: str | None = None,
    name: str = ARCHIVE_NAME,
    stamp: tuple[int, int, int, int, int, int] | None = None,
) -> Path:
    """Write ``files`` as ``<dest>/<name>.zip`` or the folder ``<dest>/<name>``.

    ``top`` puts the files under one top-level folder, as an OS unzip tool does;
    ``stamp`` is every zip entry's time stamp (default: now).
    """
    dest.mkdir(parents=True, exist_ok=True)
    prefix = f"{top}/" if top else ""
    if kind == "zip":
        path = dest / f"{name}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for member, data in files.items():
                entry: str | zipfile.ZipInfo = prefix + member
                if stamp is not None:
                    entry = zipfile.ZipInfo(prefix + member, date_time=stamp)
                    entry.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(entry, data.encode("utf-8") if isinstance(data, str) else data)
        return path
    if kind != "folder":
        raise ValueError(kind)
    root = dest / name
    for member, data in files.items():
        target = root / (prefix + member)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return root


def reader_outcome(reader: Any) -> list[tuple[str, Any, int]]:
    """What a csv-like reader gives: each row with the reader's line count after it; the error, if any, last."""
    out: list[tuple[str, Any, int]] = []
    try:
        for row in reader:
            out.append(("row", row, reader.line_num))
    except csv.Error as exc:
        out.append(("error", str(exc), reader.line_num))
    return out
