"""A LinkedIn "Get a copy of your data" archive -> :class:`~netrules.model.Network`.

Reads the export ``.zip`` as downloaded, or the folder it unzips to (CSV files
at the top, or inside exactly one top-level folder).  Every file is optional;
headers are matched by name, never by position, across every observed vintage.
docs/input-format.md lists which file and column feeds which fact, and what is
derived how.  Errors are :class:`~netrules.errors.InputError` naming the file
inside the archive and the row (the line number a text editor shows).
"""

from __future__ import annotations

import abc
import contextlib
import csv
import datetime as _dt
import io
import os
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from itertools import chain, compress
from operator import attrgetter, itemgetter, methodcaller, not_
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar, cast
from urllib.parse import unquote

import attrs

from .. import prefetch as _prefetch
from ..collector import paused
from ..errors import InputError
from ..model import (
    Connection,
    Employer,
    Invitation,
    Member,
    Network,
    Recommendation,
    School,
    Skipped,
    filler,
)
from .dates import parse_date, parse_month

if TYPE_CHECKING:
    from .derive import DeriveOptions, Deriver, ExportEvidence

_P = TypeVar("_P", Employer, School)

__all__ = ["load_archive"]

# The files read, by key (lower case, "_" and spaces alike), with the
# canonical spelling used in messages and preferred among duplicates.
_FILES = {
    "connections": "Connections.csv",
    "invitations": "Invitations.csv",
    "messages": "messages.csv",
    "profile": "Profile.csv",
    "positions": "Positions.csv",
    "education": "Education.csv",
    "registration": "Registration.csv",
    "recommendations given": "Recommendations_Given.csv",
}
# Files read only for the derivations (loaders/derive.py), when present; the
# Jobs/ ones sit in a Jobs folder.  Never listed as "not in the archive".
_EVIDENCE_FILES = {
    "job applications": "Jobs/Job Applications.csv",
    "job seeker preferences": "Jobs/Job Seeker Preferences.csv",
    "saved jobs": "Jobs/Saved Jobs.csv",
    "inferences about you": "Inferences_about_you.csv",
    "ad targeting": "Ad_Targeting.csv",
    "endorsement received info": "Endorsement_Received_Info.csv",
    "endorsement given info": "Endorsement_Given_Info.csv",
    "recommendations received": "Recommendations_Received.csv",
    "contacts": "Contacts.csv",
    "importedcontacts": "ImportedContacts.csv",
    "imported contacts": "Imported Contacts.csv",
}

# A column spec: (field, header names that mean it, required).  Header names
# are compared lower-cased with "_" as a space, so "FROM" and "From" match.
Spec = Sequence[tuple[str, tuple[str, ...], bool]]

_CONNECTIONS: Spec = (
    ("first", ("First Name",), True),
    ("last", ("Last Name",), True),
    ("url", ("URL",), False),
    ("email", ("Email Address",), True),
    ("company", ("Company",), True),
    ("position", ("Position",), True),
    ("date", ("Connected On",), True),
)
_INVITATIONS: Spec = (
    ("from", ("From",), True),
    ("to", ("To",), True),
    ("sent", ("Sent At",), True),
    ("message", ("Message",), True),
    ("direction", ("Direction",), True),
    ("from_url", ("inviterProfileUrl",), False),
    ("to_url", ("inviteeProfileUrl",), False),
)
_MESSAGES: Spec = (
    ("from", ("From",), True),
    ("from_url", ("Sender Profile Url",), False),
    ("to", ("To",), True),
    ("to_urls", ("Recipient Profile Urls",), False),
    ("date", ("Date",), True),
    ("draft", ("Is Message Draft",), False),
)
_PROFILE: Spec = (
    ("first", ("First Name",), True),
    ("last", ("Last Name",), True),
    ("headline", ("Headline",), True),
    ("industry", ("Industry",), True),
)
_POSITIONS: Spec = (
    ("company", ("Company Name",), True),
    ("title", ("Title",), True),
    ("start", ("Started On",), True),
    ("end", ("Finished On",), True),
)
_EDUCATION: Spec = (
    ("school", ("School Name",), True),
    ("start", ("Start Date",), True),
    ("end", ("End Date",), True),
    ("degree", ("Degree Name",), True),
)
_REGISTRATION: Spec = (("date", ("Registered At", "Registration Date"), True),)
_RECOMMENDATIONS: Spec = (
    ("first", ("First Name",), True),
    ("last", ("Last Name",), True),
    ("date", ("Creation Date",), True),
    ("company", ("Company",), False),
)
_APPLICATIONS: Spec = (
    ("date", ("Application Date",), True),
    ("company", ("Company Name",), False),
    ("title", ("Job Title",), False),
)
_SAVED_JOBS: Spec = (("date", ("Saved Date",), True),)
_INFERENCES: Spec = (
    ("type", ("Type of inference",), True),
    ("inference", ("Inference",), True),
)
_ENDORSEMENTS_RECEIVED: Spec = (
    ("date", ("Endorsement Date",), True),
    ("first", ("Endorser First Name",), True),
    ("last", ("Endorser Last Name",), True),
    ("url", ("Endorser Public Url",), False),
)
_ENDORSEMENTS_GIVEN: Spec = (
    ("date", ("Endorsement Date",), True),
    ("first", ("Endorsee First Name",), True),
    ("last", ("Endorsee Last Name",), True),
    ("url", ("Endorsee Public Url",), False),
)
_CONTACTS: Spec = (
    ("full", ("FullName", "Full Name"), False),
    ("first", ("FirstName", "First Name"), False),
    ("last", ("LastName", "Last Name"), False),
    ("emails", ("Emails", "Email Address", "E-mail Address"), False),
)
# One-row files read whole: every column by its header.
_WHOLE_ROW: Spec = ()

# Limits (docs/semantics.md, Limits): what one file of an export may inflate
# to, how much more than its compressed size, and how long one line may be.
MAX_ENTRY_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200  # CSV text compresses 5-15 : 1; a zip bomb 1000 : 1 and more
_RATIO_FROM = 16 * 1024 * 1024  # small files may compress as much as they like
MAX_LINE_CHARS = 1024 * 1024
_UNREADABLE_MONTH = (
    "unreadable date (expected a month such as Jun 2018, or a year): row left out, "
    "so facts derived from it may be missing"
)
_ONE_DAY = _dt.timedelta(days=1)
_ABSENT = object()  # no matching connection (None is a match of unknown date)
_EXPORT_NAME = re.compile(r"LinkedInDataExport_(\d{2})-(\d{2})-(\d{4})", re.IGNORECASE)


def load_archive(
    path: str | os.PathLike[str],
    *,
    infer: bool = True,
    options: DeriveOptions | None = None,
) -> Network:
    """Load a LinkedIn data-export ``.zip`` or its unzipped folder.

    With ``infer`` (the default) the facts an export does not state are
    derived (loaders/derive.py, with ``options``) and ``Network.facts`` says
    where each came from; ``infer=False`` gives what the files state, only.
    Raises :class:`~netrules.errors.InputError` for a missing path, a damaged
    zip, a file that is not CSV, an unexpected header or an unreadable date.
    """
    # Loading builds some 50,000 objects that all live on and forms no reference
    # cycles worth collecting: the collector, left on, would walk them again and
    # again (about a tenth of the load on 30,000 connections).
    with paused(), _open_source(Path(path)) as source:
        loader = _Loader(source, infer=infer)
        try:
            network = loader.network(options)
        finally:
            loader.close()
        extra = loader.reading_skips()
    return attrs.evolve(network, skipped=network.skipped + extra) if extra else network


# --------------------------------------------------------------------------
# Where the files come from: a zip or a folder.


class _Source(abc.ABC):
    """The files of an export, by their path inside it (``/``-separated)."""

    def __init__(self, path: Path):
        self.path = path
        self.label = str(path)

    @abc.abstractmethod
    def names(self) -> list[str]:
        """Every file's path inside the export."""

    @abc.abstractmethod
    def open(self, name: str) -> BinaryIO:
        """One file as a buffered binary stream with ``peek`` (InputError when unreadable).

        Read errors that only show while reading (a damaged zip entry) are
        turned into InputError by :meth:`_Table.read_errors`.
        """

    def close(self) -> None:  # noqa: B027 - nothing to release unless overridden
        """Release the archive (a folder holds nothing open)."""

    def entry_time(self) -> _dt.datetime | None:
        """The newest time stamp of the CSV entries (a zip records one per entry)."""
        return None

    def __enter__(self) -> _Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _ZipSource(_Source):
    def __init__(self, path: Path):
        super().__init__(path)
        try:
            self.zip = zipfile.ZipFile(path)
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", file=self.label) from None
        except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, OverflowError):
            # (a bad entry name is a UnicodeDecodeError, a ValueError)
            raise InputError(
                "not a zip archive, or a damaged one (an incomplete download?)", file=self.label
            ) from None
        # The large members are read and unpacked on a second thread (the command
        # line's, started before its imports, or one started here), the loader taking
        # their bytes in open(): netrules/prefetch.py.
        self.prefetch = _prefetch.attach(
            self.zip.fp.fileno(),  # type: ignore[union-attr]
            any(
                _prefetch.PREFETCH_FROM <= i.file_size <= WHOLE_FILE_BYTES
                and i.filename.lower().endswith(".csv")
                for i in self.zip.filelist
            ),
        )

    def names(self) -> list[str]:
        # An entry without a name, or whose name is only a folder, holds no file.
        return [i.filename for i in self.zip.infolist() if i.filename and i.filename[-1] != "/"]

    def open(self, name: str) -> BinaryIO:
        try:
            info = self.zip.getinfo(name)
        except KeyError:
            raise InputError(f"no entry of this name in {self.label}", file=name) from None
        if info.file_size > MAX_ENTRY_BYTES or (
            info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * info.compress_size
        ):
            raise InputError(
                f"unpacks to {info.file_size:,} bytes from {info.compress_size:,}: over the "
                "limits for one export file (docs/semantics.md, Limits); a damaged or "
                "hostile archive",
                file=name,
            )
        try:
            member = self.zip.open(info)
        # (a local header flagged UTF-8 whose name is not: zipfile's UnicodeDecodeError)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, UnicodeDecodeError) as exc:
            raise InputError(
                f"damaged entry in the zip archive {self.label} ({exc})", file=name
            ) from None
        except (NotImplementedError, RuntimeError) as exc:  # encrypted / unknown method
            raise InputError(
                f"cannot unpack this entry of {self.label} ({exc})", file=name
            ) from None
        # zipfile has checked the member's local header (as ever): its bytes, when the
        # thread read them from this very entry of this very file, are what it would read.
        if self.prefetch is not None:
            try:
                data = self.prefetch.take(info, os.fstat(self.zip.fp.fileno()))  # type: ignore[union-attr]
            except OSError:
                data = None
            if data is not None:
                member.close()
                return _Bytes(data, lambda unread: self._give_back(info, unread))
        return member  # type: ignore[return-value]

    def _give_back(self, info: zipfile.ZipInfo, data: bytes) -> None:
        # (a member the loader only peeked at, as _is_utf16 does: read again later)
        if self.prefetch is not None:
            self.prefetch.give_back(info, data)

    def entry_time(self) -> _dt.datetime | None:
        stamps = [
            i.date_time
            for i in self.zip.infolist()
            if not i.is_dir() and i.filename.lower().endswith(".csv")
        ]
        try:
            return _dt.datetime(*max(stamps)) if stamps else None
        except ValueError:  # a zero (unset) DOS time stamp
            return None

    def close(self) -> None:
        if self.prefetch is not None:
            self.prefetch.close()  # (the thread ends before the archive is closed)
            self.prefetch = None
        self.zip.close()


class _Bytes(io.BytesIO):
    """A member's bytes read by the prefetch thread, as a stream with ``peek`` (the
    loader's reads then take the bytes object itself: BytesIO shares it).  Closed
    unread, it gives them to ``unread``."""

    def __init__(self, data: bytes, unread: Callable[[bytes], None] | None = None):
        super().__init__(data)
        self._data: bytes | None = data
        self._unread = unread

    def peek(self, size: int = 0) -> bytes:
        if self._data is None:
            raise ValueError("peek of a closed file")
        at = self.tell()
        return self._data[at : at + max(size, 1)]

    def close(self) -> None:
        data, self._data = self._data, None
        if data is not None and self._unread is not None and not self.closed and not self.tell():
            self._unread(data)
        super().close()


class _FolderSource(_Source):
    def __init__(self, path: Path):
        super().__init__(path)
        self.links: list[str] = []  # symbolic links met while listing: not read

    def names(self) -> list[str]:
        # The files at the top and one level down: enough to find the CSVs.
        # Symbolic links are never followed (a link named Connections.csv could
        # point at any file the user can read); they are listed as not read.
        out = []
        try:
            top = sorted(os.scandir(self.path), key=lambda e: e.name)
            for entry in top:
                if entry.is_symlink():
                    self.links.append(entry.name)
                elif entry.is_file(follow_symlinks=False):
                    out.append(entry.name)
                elif entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
                    for sub in sorted(os.scandir(entry.path), key=lambda e: e.name):
                        if sub.is_symlink():
                            self.links.append(f"{entry.name}/{sub.name}")
                        elif sub.is_file(follow_symlinks=False):
                            out.append(f"{entry.name}/{sub.name}")
        except OSError as exc:
            raise InputError(
                f"cannot list the folder: {exc.strerror or exc}", file=self.label
            ) from None
        return out

    def open(self, name: str) -> BinaryIO:
        try:
            # O_NOFOLLOW: a file swapped for a link after listing is still not followed.
            fd = os.open(self.path / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            raw = os.fdopen(fd, "rb")
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", file=name) from None
        try:
            size = os.fstat(raw.fileno()).st_size
        except OSError:
            size = 0
        if size > MAX_ENTRY_BYTES:
            raw.close()
            raise InputError(
                f"{size:,} bytes: over the limit for one export file (docs/semantics.md, Limits)",
                file=name,
            )
        return raw


def _open_source(path: Path) -> _Source:
    if path.is_dir():
        return _FolderSource(path)
    if not path.exists():
        raise InputError("no such file or folder", file=str(path))
    return _ZipSource(path)


def _file_key(name: str) -> str:
    """``Rich Media.csv`` and ``rich_media.csv`` -> ``rich media``."""
    stem = name.rsplit("/", 1)[-1][:-4]
    return " ".join(stem.replace("_", " ").lower().split())


def _is_junk(name: str) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in name.split("/"))


def _csv_root(source: _Source, names: list[str]) -> str:
    """The folder holding the CSVs: ``""`` for the top, or ``"<one folder>/"``."""
    csvs = [n for n in names if n.lower().endswith(".csv") and not _is_junk(n)]
    # The export's own files decide: a stray CSV saved next to the export's
    # folder must not hide it.  Without any known file, any CSV decides.
    known = [n for n in csvs if _file_key(n) in _FILES]
    if known:
        csvs = known
    if any("/" not in n for n in csvs):
        return ""
    folders = sorted({n.split("/")[0] for n in csvs if n.count("/") == 1})
    if len(folders) == 1:
        return folders[0] + "/"
    if not folders:
        raise InputError(
            "no CSV files found; expected the LinkedIn data export .zip or the folder it unzips to",
            file=source.label,
        )
    raise InputError(
        f"CSV files in several folders ({', '.join(folders)}); expected them "
        "at the top or inside exactly one folder",
        file=source.label,
    )


# --------------------------------------------------------------------------
# Reading one CSV file.


def _text_stream(name: str, raw: BinaryIO) -> tuple[io.TextIOWrapper, str]:
    """A CSV file as text, and its delimiter (TAB for the legacy UTF-16 files).

    The file is decoded as it is read, so a large messages.csv is never held
    whole in memory (files up to WHOLE_FILE_BYTES are read whole, see
    :func:`_whole_lines`); its first bytes tell the encoding and the delimiter.
    """
    head = raw.peek(512)[:512]  # type: ignore[attr-defined]
    if head[:4] == b"PK\x03\x04":
        raw.close()
        raise InputError(
            "this is an Excel workbook (.xlsx) saved under a .csv name; use the "
            "file from the original export, or save it again as 'CSV UTF-8'",
            file=name,
        )
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return io.TextIOWrapper(raw, encoding="utf-16", newline=""), "\t"
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""), _delimiter(head)


def _delimiter(head: bytes) -> str:
    """TAB when the first line of the file's first 512 bytes has a TAB and no comma."""
    text = head.decode("utf-8", "ignore")
    first = next((line for line in text.splitlines() if line.strip()), "")
    return "\t" if "\t" in first and "," not in first else ","


def _header_key(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").replace("_", " ").lower().split())


class _LineTooLong(csv.Error):
    """One physical line longer than MAX_LINE_CHARS (a zip bomb, a binary file)."""


# Files up to this size are read and decoded whole, then split into lines at once
# (faster than a bounded readline per line); larger ones are decoded as they are read.
WHOLE_FILE_BYTES = 16 * 1024 * 1024
# What str.splitlines splits at besides the CSV line ends (\r, \n): a text holding one
# of them is read line by line instead, as the csv module expects.
_OTHER_LINE_ENDS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # (the first five are ASCII)
# A file read whole is read by _SplitReader when it holds at most this many quote
# characters per line (quotes are then rare, as in Connections.csv: its plain lines are
# split at a third of the csv module's cost); one with quotes on most lines (every
# message and invitation) by the csv module alone, which is then a little faster.
SPLIT_QUOTES_PER_LINE = 1.0
# A file read whole is decoded and split into lines in pieces of about this many bytes,
# each ending on a line feed: the text of a piece takes again the memory the last one
# freed, where the text of the whole file (twice its size when one character is past
# U+00FF) was fresh memory from the system for every file, a page fault per 4 KiB (on
# the first load of an export; docs/performance.md).
PIECE_BYTES = 64 * 1024


def _whole_lines(name: str, raw: BinaryIO) -> tuple[list[str], str, bool, bool | None] | None:
    """The lines of a clean, small CSV file read at once, its delimiter, whether it is
    best read by :class:`_SplitReader` (few quotes), and None when the lines keep their
    ends.  They do, except in a file for the split reader without a carriage return,
    whose lines are cut at each line feed (:func:`_cut`, a simpler scan than
    ``splitlines``) and lose it: then whether the last line had one (a final line feed).

    None when the file needs the careful reader (:func:`_text_stream` and
    :func:`_lines`): not UTF-8/UTF-16, damaged, a line near the line limit, or a
    character that ``splitlines`` would split at and the csv module would not.  The
    careful reader then reads it again from the start and reports any fault exactly
    where, and when, it always did.

    A UTF-8 file is decoded in pieces of about PIECE_BYTES, each ending on a line feed
    (never inside a character, a line or a CR LF pair), so its lines are those of the
    whole text, and a bad byte is found in the piece that holds it.
    """
    lines: list[str] = []
    few_quotes = True
    ends = True
    try:
        head = raw.peek(512)[:512]  # type: ignore[attr-defined]
        if head[:4] == b"PK\x03\x04":
            return None  # (the careful reader says what it is)
        data = raw.read(WHOLE_FILE_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        return None
    size = len(data)
    if size > WHOLE_FILE_BYTES:
        return None
    utf16 = head[:2] in (b"\xff\xfe", b"\xfe\xff")
    codec = "utf-16" if utf16 else "utf-8"
    view = memoryview(data)
    # (a BOM dropped as the utf-8-sig codec would: only at the start of the file)
    start = 3 if not utf16 and data[:3] == b"\xef\xbb\xbf" else 0
    try:
        while start < size:
            end = (  # (UTF-16 whole: a byte 0x0a may be half of a character)
                size
                if utf16
                else data.rfind(b"\n", start, start + PIECE_BYTES) + 1
                or data.find(b"\n", start + PIECE_BYTES) + 1
                or size
            )
            text = str(view[start:end], codec)
            start = end
            if any(c in text for c in _OTHER_LINE_ENDS[: 5 if text.isascii() else None]):
                return None
            if not lines:  # (the first piece tells)
                part = text.splitlines(keepends=True)
                few_quotes = text.count('"') <= len(part) * SPLIT_QUOTES_PER_LINE
                ends = not few_quotes or utf16 or "\r" in text
                if not ends:
                    part = _cut(text)
            elif not ends and "\r" in text:  # (a CR further on: the lines keep their ends)
                lines = [line + "\n" for line in lines]  # (each one ended in a line feed)
                ends = True
                part = text.splitlines(keepends=True)
            else:
                part = text.splitlines(keepends=True) if ends else _cut(text)
            # (a line of MAX_LINE_CHARS - 1 characters and "\r\n" is split in two by
            # the bounded readline: such a file takes the careful reader too)
            # (no line of a piece is longer than the piece: most pieces need no look)
            if (
                len(text) >= MAX_LINE_CHARS - 1
                and max(map(len, part)) + (not ends) >= MAX_LINE_CHARS - 1
            ):
                return None
            lines += part
    except UnicodeDecodeError:
        return None
    finally:
        view.release()
    cut_final = None if ends else data.endswith(b"\n")
    return lines, "\t" if utf16 else _delimiter(head), few_quotes, cut_final


def _cut(text: str) -> list[str]:
    """The lines of a text without a carriage return (nor another line break but the
    line feed), without their line feeds: ``splitlines()`` at less cost."""
    lines = text.split("\n")
    if not lines[-1]:
        lines.pop()  # (after a final line feed: no line)
    return lines


def _lines(stream: io.TextIOWrapper) -> Iterator[str]:
    """The lines of a text stream, each read with a length bound."""
    readline = stream.readline
    while True:
        line = readline(MAX_LINE_CHARS)
        if not line:
            return
        if len(line) == MAX_LINE_CHARS and line[-1] not in "\r\n":
            raise _LineTooLong(f"a line longer than {MAX_LINE_CHARS:,} characters")
        yield line


class _SplitReader:
    """What ``csv.reader(lines, delimiter=delimiter, strict=True)`` gives for the lines of
    a file read whole (:func:`_whole_lines`), rows and ``line_num`` alike, at less cost.

    A line holding no quote character is split at the delimiter: all the csv module
    would do with it, since such a line has no line break inside (``splitlines`` made
    it) and, shorter than the field size limit, no field too large.  A record starting
    on any other line is read by the csv module itself: the line alone when the record
    ends on it, else again from that line on, with as many lines as the record takes
    (a quoted field with line breaks).  Errors are the csv module's, raised at the same
    line.  tests/loaders/test_archive_split.py compares it with the csv module.
    """

    __slots__ = ("_rows", "line_num")

    def __init__(self, lines: list[str], delimiter: str, *, cut_final: bool | None = None):
        """``cut_final`` None: the lines keep their ends; else they were cut at their
        line feeds (:func:`_cut`), and it says whether the last one had one."""
        self.line_num = 0  # (as the csv reader's: the lines read so far)
        self._rows = (
            self._read(lines, delimiter)
            if cut_final is None
            else self._read_cut(lines, delimiter, cut_final)
        )

    def __iter__(self) -> Iterator[list[str]]:
        return self._rows

    def __next__(self) -> list[str]:
        return next(self._rows)

    def _read(self, lines: list[str], delimiter: str) -> Iterator[list[str]]:
        limit = csv.field_size_limit()
        # One csv reader for the quoted lines, fed a line at a time: it asks for the
        # next line only when the record goes on (IndexError from the empty feed).
        feed: list[str] = []
        one = csv.reader(iter(feed.pop, None), delimiter=delimiter, strict=True)
        lines_left = iter(lines)
        n = 0
        for line in lines_left:
            n += 1
            self.line_num = n
            if '"' not in line and len(line) <= limit:
                line = line.rstrip("\r\n")  # (only the line end can hold either)
                yield line.split(delimiter) if line else []
                continue
            feed.append(line)
            try:
                row = next(one)
            except IndexError:  # a quoted field goes on past this line: read it whole
                more = csv.reader(chain((line,), lines_left), delimiter=delimiter, strict=True)
                try:
                    row = next(more)
                finally:
                    n += more.line_num - 1
                    self.line_num = n
            yield row

    def _read_cut(self, lines: list[str], delimiter: str, final: bool) -> Iterator[list[str]]:
        """:meth:`_read` of lines cut at their line feeds (:func:`_cut`): a line without a
        quote is split as it is; the csv module is given the lines it reads with their
        line feeds back (none for the last line when the file has no final one)."""
        limit = csv.field_size_limit()
        last = -1 if final else len(lines)  # (the line with no line feed to give back)
        feed: list[str] = []
        one = csv.reader(iter(feed.pop, None), delimiter=delimiter, strict=True)
        lines_left = iter(lines)
        n = 0
        for line in lines_left:
            n += 1
            self.line_num = n
            if '"' not in line and len(line) < limit:
                yield line.split(delimiter) if line else []
                continue
            if n != last:
                line += "\n"
            feed.append(line)
            try:
                row = next(one)
            except IndexError:  # a quoted field goes on past this line: read it whole
                more = csv.reader(
                    chain((line,), _ended(lines_left, n, last)), delimiter=delimiter, strict=True
                )
                try:
                    row = next(more)
                finally:
                    n += more.line_num - 1
                    self.line_num = n
            yield row


def _ended(lines: Iterator[str], n: int, last: int) -> Iterator[str]:
    """The lines after line ``n``, each with its line feed back but line ``last``."""
    for line in lines:
        n += 1
        yield line if n == last else line + "\n"


class _Table:
    """One CSV file, positioned just after its header.

    ``col`` maps each field of the spec to its column; a field whose optional
    column is absent maps to ``width``, an always-empty padding column, so
    ``row[col[field]]`` works for every row after :meth:`rows` padded it.
    Rows holding only empty cells (``,,,``) and cells past the header's width
    are never read silently: ``blank`` and ``wide`` list their rows for the
    skip entries.
    """

    def __init__(
        self,
        name: str,
        raw: BinaryIO,
        spec: Spec,
        reopen: Callable[[], BinaryIO] | None = None,
    ):
        self.name = name
        self.header: list[str] = []
        self.col: dict[str, int] = {}
        self.width = 0
        self.reader: Any = None  # a csv reader, once the file is open
        self.blank: list[int] = []  # rows of empty cells only
        self.wide: list[int] = []  # rows with filled cells past the header
        self._reopen = reopen
        self._delimiter = ","
        self.stream: io.TextIOWrapper | None = None
        try:
            # A small clean file is read whole (it can be read again from the start);
            # any other the careful way, from the start, as it always was.
            whole = _whole_lines(name, raw) if reopen is not None else None
            # strict: a quote that is opened and never closed is an error, not
            # a field that swallows every later row.
            if whole is not None:
                raw.close()
                lines, self._delimiter, split, cut_final = whole
                self.reader = (
                    _SplitReader(lines, self._delimiter, cut_final=cut_final)
                    if split
                    else csv.reader(lines, delimiter=self._delimiter, strict=True)
                )
            else:
                if reopen is not None:
                    raw.close()
                    raw = reopen()
                with self.read_errors():
                    self.stream, self._delimiter = _text_stream(name, raw)
                self.reader = csv.reader(
                    _lines(self.stream), delimiter=self._delimiter, strict=True
                )
            self._find_header(spec)
        except BaseException:
            raw.close()
            raise

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()

    def _find_header(self, spec: Spec) -> None:
        # The notes preamble (3 lines in the exports seen) may be any length.
        shown: tuple[int, list[str]] | None = None
        with self.read_errors():
            for row in self.reader:
                if not "".join(row).strip():
                    continue
                keys = [_header_key(c) for c in row]
                col = {}
                for field, names, required in spec:
                    i = next((keys.index(k) for k in map(_header_key, names) if k in keys), None)
                    if i is None and required:
                        break
                    col[field] = len(row) if i is None else i
                else:
                    self.header, self.col, self.width = row, col, len(row)
                    return
                if shown is None or (len(shown[1]) < 2 <= len(row)):
                    shown = (self.reader.line_num, row)
        if shown is None:  # an empty file (the reader is exhausted): no rows
            self.col = {field: 0 for field, _names, _req in spec}
            return
        line, row = shown
        present = {_header_key(c) for c in row}
        missing = [
            names[0]
            for _f, names, required in spec
            if required and not present.intersection(map(_header_key, names))
        ]
        found = ",".join(row)
        if len(found) > 120:
            found = found[:117] + "..."
        raise InputError(
            f'unexpected header "{found}": no column ' + ", ".join(f'"{m}"' for m in missing),
            file=self.name,
            location=f"row {line}",
        )

    def fit(self, row: list[str]) -> list[str]:
        """A row cut to the header's width (recorded when it held more) and padded."""
        if len(row) > self.width:
            if "".join(row[self.width :]).strip():
                self.wide.append(self.row_number)
            del row[self.width :]
        row.extend([""] * (self.width + 1 - len(row)))
        return row

    def rows(self) -> Iterator[list[str]]:
        """Every row with a filled cell, padded so that every mapped column exists."""
        width = self.width
        pad = width + 1
        # A row of exactly the header's width needs no padding when every mapped
        # column is present (none maps to the padding column): the common row.
        exact = width if all(i < width for i in self.col.values()) else -1
        blank = self.blank
        with self.read_errors():
            for row in self.reader:
                n = len(row)
                if not n:
                    continue  # an empty line
                first = row[0]
                # (a filled first cell settles it without joining the whole row)
                if (not first or first.isspace()) and not "".join(row).strip():
                    blank.append(self.reader.line_num)
                    continue
                if n == exact:
                    pass
                elif n < pad:
                    row.extend([""] * (pad - n))
                else:
                    self.fit(row)
                yield row

    @contextlib.contextmanager
    def read_errors(self) -> Iterator[None]:
        """Turn errors met while reading (bad CSV, bad UTF-8, a damaged zip entry) into
        InputError."""
        try:
            yield
        except _LineTooLong as exc:
            line = int(self.reader.line_num) + 1 if self.reader is not None else 1
            raise InputError(
                f"not an export CSV file: {exc} (a damaged or hostile file?)",
                file=self.name,
                location=f"row {line}",
            ) from None
        except csv.Error as exc:  # an unbalanced quote, a huge field, ...
            start = self._record_start()
            raise InputError(
                f"not readable CSV: {exc}; the record starting at row {start} has an "
                'unbalanced quote (a quote inside a cell is written twice, "")'
                if start is not None
                else f"not readable CSV ({exc})",
                file=self.name,
                location=f"row {start}" if start is not None else self.where(),
            ) from None
        except UnicodeDecodeError as exc:
            bad = self._bad_byte_line()
            raise InputError(
                f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); save it as 'CSV UTF-8'",
                file=self.name,
                location=f"row {bad}" if bad is not None else None,
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise InputError(f"damaged or unreadable file ({exc})", file=self.name) from None

    def _record_start(self) -> int | None:
        """The row on which the record that broke the CSV reader began (read again)."""
        if self._reopen is None or self.reader is None:
            return None
        failed = int(self.reader.line_num)
        try:
            with self._reopen() as raw:
                stream, delimiter = _text_stream(self.name, raw)
                reader = csv.reader(_lines(stream), delimiter=delimiter, strict=True)
                start = 1
                with contextlib.suppress(csv.Error):  # it breaks again, at the same record
                    for _row in reader:
                        if reader.line_num >= failed:
                            break
                        start = reader.line_num + 1
                return start
        except (csv.Error, UnicodeDecodeError, InputError, OSError, zipfile.BadZipFile):
            return None

    def _bad_byte_line(self) -> int | None:
        """The line of the first byte that is not UTF-8 (the file read again, bounded)."""
        if self._reopen is None:
            return None
        try:
            with self._reopen() as raw:
                data = raw.read(MAX_ENTRY_BYTES)
        except (OSError, InputError, zipfile.BadZipFile, zlib.error, EOFError):
            return None
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return data.count(b"\n", 0, exc.start) + 1
        return None

    @property
    def row_number(self) -> int:
        """The line the current row ends on, as an editor or spreadsheet shows it."""
        return int(self.reader.line_num)

    def where(self) -> str | None:
        return f"row {self.row_number}" if self.reader is not None else None

    def bad_date(self, text: str, field: str) -> InputError:
        column = self.header[self.col[field]]
        return InputError(
            f'unparseable date "{text}" in "{column}"', file=self.name, location=self.where()
        )

    def date(self, text: str, field: str) -> _dt.date | None:
        """A date cell: None when empty, InputError when unreadable."""
        if not text:
            return None
        d = parse_date(text)
        if d is None:
            raise self.bad_date(text, field)
        return d

    def month(self, text: str, field: str, *, end: bool = False) -> _dt.date | None:
        """A month-precision cell (``Jun 2018``): None when empty."""
        text = text.strip()
        if not text:
            return None
        d = parse_month(text, end=end)
        if d is None:
            raise self.bad_date(text, field)
        return d


# --------------------------------------------------------------------------
# Matching people across files.


def person_key(name: str) -> str:
    """A display name compared loosely: NFKC, case-folded, single spaces."""
    if name.isascii():  # the common case, and NFKC and casefold change nothing more
        return " ".join(name.lower().split())
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


_CANONICAL = "https://www.linkedin.com/"
# The first string past every one that starts with _CANONICAL ("/" + 1 is "0"): a string
# starts with _CANONICAL when it sorts from _CANONICAL up to before this one (two string
# comparisons: less work than the argument parsing of a call of str.startswith).
_AFTER_CANONICAL = _CANONICAL[:-1] + chr(ord(_CANONICAL[-1]) + 1)


def url_key(url: str) -> str:
    """A profile URL compared loosely: scheme, ``www.``, percent-escapes and case aside.

    The form LinkedIn writes (``https://www.linkedin.com/in/slug``, lower
    case, nothing escaped) is its own key, the very same string, so its hash
    is computed once however many dicts it enters.
    """
    # (str.islower looks every character up in the Unicode tables: 4x slower)
    if url.startswith(_CANONICAL) and "%" not in url and url.lower() == url and url[-1] != "/":
        return url
    u = unquote(url.strip()).lower()
    if u.startswith("https://"):
        u = u[8:]
    elif u.startswith("http://"):
        u = u[7:]
    if u.startswith("www."):
        u = u[4:]
    return "https://www." + u.rstrip("/")


def _filler(cls: type) -> type:
    """:func:`netrules.model.filler` for the loader's hot loops."""
    return filler(cls, "the archive loader")


_CONNECTION_FILLER = _filler(Connection)
_INVITATION_FILLER = _filler(Invitation)


def _full_name(first: str, last: str) -> str | None:
    return f"{first} {last}" if first and last else (first or last or None)


def _label(name: str | None, day: _dt.date | None) -> str:
    name = name or "(no name)"
    return f"{name} ({day.isoformat()})" if day else name


class _Ids(set[str]):
    """The ids taken so far, and per base id the next number to try, so that
    N rows of one name take linear time, not quadratic."""

    def __init__(self) -> None:
        super().__init__()
        self.next: dict[str, int] = {}


def _unique(ident: str, seen: set[str]) -> str:
    """``ident``, or ``ident #2``, ``#3``... (the first free one) when already taken."""
    if ident not in seen:
        return ident
    following = seen.next if isinstance(seen, _Ids) else {}
    n = following.get(ident, 2)
    while f"{ident} #{n}" in seen:
        n += 1
    following[ident] = n + 1
    return f"{ident} #{n}"


_ID = attrgetter("id")


def _unique_ids(connections: list[Connection]) -> tuple[Connection, ...]:
    """The connections, each with a unique id: the second and later of one id
    renamed by :func:`_unique` in their order (as if each were tested as it was built).

    Made unique after the loop that builds them, where one set of all ids (usually
    as large as the list) settles it, instead of a test and an insertion per row.
    """
    if len(set(map(_ID, connections))) < len(connections):
        seen = _Ids()
        for i, conn in enumerate(connections):
            ident = conn.id
            if ident in seen:
                ident = _unique(ident, seen)
                connections[i] = attrs.evolve(conn, id=ident)
            seen.add(ident)
    return tuple(connections)


_CANONICAL_BYTES = b"https://www.linkedin.com/"
_ASCII = bytes(range(128))


def _all_canonical(cells: dict[str, Any]) -> bool:
    """Whether every key of ``cells`` (none empty) is one URL in the form LinkedIn
    writes, its own url_key: ``url_key``'s test for the canonical form (lower case,
    nothing escaped, no final ``/``), and no ``,``.

    Tested for all keys at once, by a few passes over their text joined by newlines,
    instead of a test per key: the ASCII keys (most) as a str, whose ``lower`` and
    searches then run byte by byte; the others as UTF-8 (:func:`_all_canonical_utf8`).
    """
    if not cells:
        return True
    ascii_keys = list(map(str.isascii, cells))  # (a flag each str keeps: no pass)
    if all(ascii_keys):
        return _canonical_lines("\n".join(cells), len(cells))
    plain = list(compress(cells, ascii_keys))
    if plain and not _canonical_lines("\n".join(plain), len(plain)):
        return False
    return _all_canonical_utf8(list(compress(cells, map(not_, ascii_keys))))


def _canonical_lines(text: str, count: int) -> bool:
    """Whether ``text``, ``count`` ASCII keys joined by newlines, holds only URLs in
    the form LinkedIn writes (see :func:`_all_canonical`)."""
    n = count - 1  # newlines: one between two keys, and none inside one
    return (
        text.count("\n") == n
        and text.startswith(_CANONICAL)
        and text.count("\n" + _CANONICAL) == n
        and "%" not in text
        and "," not in text
        and "/\n" not in text
        and text[-1] != "/"
        and text.lower() == text  # (an ASCII str is lowered byte by byte)
    )


def _all_canonical_utf8(cells: list[str]) -> bool:
    """:func:`_all_canonical` for keys that are not all ASCII: a few passes over their
    UTF-8 text joined by newlines (where ``\\n``, ``,``, ``%`` and ``/`` are single
    bytes that no other character's bytes hold)."""
    text = "\n".join(cells).encode("utf-8", "surrogatepass")
    n = len(cells) - 1  # newlines: one between two keys, and none inside one
    if not (
        text.count(b"\n") == n
        and text.startswith(_CANONICAL_BYTES)
        and text.count(b"\n" + _CANONICAL_BYTES) == n
        and b"%" not in text
        and b"," not in text
        and b"/\n" not in text
        and text[-1] != 0x2F  # "/"
        and text.lower() == text  # (bytes.lower lowers ASCII letters only)
    ):
        return False
    # The other characters, alone: lower() keeps them all iff it keeps each (no
    # character lowers to itself in one context and not in another).
    rest = text.translate(None, _ASCII).decode("utf-8", "surrogatepass")
    return rest.lower() == rest


_HEAD = itemgetter(slice(None, 10))  # the day of "2025-01-01 14:45:00 UTC"
_TAIL = itemgetter(slice(10, None))  # its time of day
_BEFORE_COMMA = methodcaller("partition", ",")  # "1/1/25" "," " 11:38 AM"
_FIRST, _THIRD = itemgetter(0), itemgetter(2)
# Every distinct day and every distinct time of day, each followed by a newline, in the
# two forms LinkedIn writes: messages.csv's "2025-01-01 14:45:00 UTC" and the US form of
# Invitations.csv, "1/1/25, 11:38 AM" (forms parse_date reads).
_ISO_DAYS = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2}\n)*")
_UTC_TIMES = re.compile(r"(?: (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9] UTC\n)*")
_US_DAYS = re.compile(r"(?:[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}\n)*")
_US_TIMES = re.compile(r"(?: (?:[1-9]|1[0-2]):[0-5][0-9] [AP]M\n)*")


def _stamp_days(texts: Sequence[str]) -> list[_dt.date | None]:
    """``[parse_date(text) for text in texts]``, read together.

    When every text is a timestamp of the form messages.csv has,
    ``2025-01-01 14:45:00 UTC``, its day is ``date.fromisoformat`` of its first ten
    characters (the day the parser reads there), each distinct day read once, and its
    time of day was checked by the patterns above, over all the distinct ones at once.
    When every text has the form of Invitations.csv, ``1/1/25, 11:38 AM``, the day
    before the comma is read by ``parse_date`` once per distinct day, the times checked
    at once.  (test_archive_stamps.py: the same as ``parse_date``.)  Otherwise, or where
    such a day does not exist, each text is read by ``parse_date``.
    """
    if not texts:
        return []
    if texts[0][4:5] == "-":
        heads = list(map(_HEAD, texts))
        distinct = set(heads)
        if _ISO_DAYS.fullmatch("\n".join(distinct) + "\n") and _UTC_TIMES.fullmatch(
            "\n".join(set(map(_TAIL, texts))) + "\n"
        ):
            try:
                days = dict(zip(distinct, map(_dt.date.fromisoformat, distinct), strict=True))
            except ValueError:  # (2025-02-30: parse_date gives None, the caller an error)
                pass
            else:
                return list(map(days.__getitem__, heads))
    elif "/" in texts[0][:6]:
        parts = list(map(_BEFORE_COMMA, texts))
        heads = list(map(_FIRST, parts))
        distinct = set(heads)
        if _US_DAYS.fullmatch("\n".join(distinct) + "\n") and _US_TIMES.fullmatch(
            "\n".join(set(map(_THIRD, parts))) + "\n"
        ):
            us_days = dict(zip(distinct, map(parse_date, distinct), strict=True))
            if None not in us_days.values():
                return list(map(us_days.__getitem__, heads))
    return list(map(parse_date, texts))


class _Peers:
    """The latest message date per participant, by profile URL and by name.

    ``by_name`` holds every participant's display name; ``by_bare_name`` only
    those the row gives no URL for.  A connection with a URL is matched by URL
    and by bare name (so a namesake with another URL is never credited); one
    without a URL (exports before mid-2023) by any name.  The name tables are
    normalised on first use: a modern export never needs ``by_name``, so its table of
    the latest day per name cell is only made then, from ``named`` (sender, recipients,
    day of each message, in file order).
    """

    def __init__(
        self,
        url_days: dict[str, _dt.date],
        named: list[tuple[str, str, _dt.date]],
        bare_days: dict[str, _dt.date],
    ):
        if _all_canonical(url_days):  # (each cell one URL, its own key: the common case)
            self.by_url: dict[str, _dt.date] = url_days
        else:
            self.by_url = self._by_url(url_days)
        self._named = named
        self._bare_days = bare_days
        self._by_name: dict[str, _dt.date] | None = None
        self._by_bare_name: dict[str, _dt.date] | None = None

    @staticmethod
    def _by_url(url_days: dict[str, _dt.date]) -> dict[str, _dt.date]:
        """The latest day per url_key, from the latest day per URL cell."""
        by_url: dict[str, _dt.date] = {}
        for cell, day in url_days.items():
            for url in cell.split(",") if "," in cell else (cell,):
                if not (
                    url.startswith(_CANONICAL)
                    and "%" not in url
                    and url.lower() == url
                    and url[-1] != "/"
                ):  # url_key's test for the canonical form (its own key), written out
                    if not url.strip():
                        continue
                    url = url_key(url)
                old = by_url.get(url)
                if old is None or day > old:
                    by_url[url] = day
        return by_url

    @property
    def has_bare_names(self) -> bool:
        return bool(self._bare_days)

    @property
    def by_name(self) -> dict[str, _dt.date]:
        if self._by_name is None:
            name_days: dict[str, _dt.date] = {}  # name cell -> latest day
            for sender, to, day in self._named:  # (as the messages loop did for URLs)
                if sender:
                    _bump(name_days, sender, day)
                if to:
                    _bump(name_days, to, day)
            self._by_name = self._by_person(name_days)
        return self._by_name

    @property
    def by_bare_name(self) -> dict[str, _dt.date]:
        if self._by_bare_name is None:
            self._by_bare_name = self._by_person(self._bare_days)
        return self._by_bare_name

    @staticmethod
    def _by_person(days: dict[str, _dt.date]) -> dict[str, _dt.date]:
        out: dict[str, _dt.date] = {}
        for cell, day in days.items():
            # Several recipients are joined by ", ", but a name may hold a
            # comma too ("Name, Ph.D."): credit the whole cell and each part.
            for part in (cell, *cell.split(", ")) if ", " in cell else (cell,):
                key = person_key(part)
                if key:
                    _bump(out, key, day)
        return out

    def latest(self, url: str, name: str | None) -> _dt.date | None:
        """The last interaction of a connection with this url_key ("" = none) and name."""
        if url:
            a = self.by_url.get(url)
            b = self.by_bare_name.get(person_key(name)) if name and self._bare_days else None
        else:
            a = self.by_name.get(person_key(name)) if name else None
            b = None
        if a is None:
            return b
        return a if b is None or a >= b else b


def _later(old: object, day: _dt.date | None) -> _dt.date | None:
    """The later of two connected_on dates, where an unknown (None) date wins."""
    if old is _ABSENT:
        return day
    if old is None or day is None:
        return None
    return max(cast(_dt.date, old), day)


def _bump(table: dict[str, _dt.date], key: str, day: _dt.date) -> None:
    old = table.get(key)
    if old is None or day > old:
        table[key] = day


# --------------------------------------------------------------------------
# The loader.


class _Loader:
    def __init__(self, source: _Source, *, infer: bool = False):
        self.source = source
        self.infer = infer
        self.skipped: list[Skipped] = []
        self.opened: list[_Table] = []
        names = source.names()
        root = _csv_root(source, names)
        self.root = root
        self.files: dict[str, str] = {}
        groups: dict[str, list[str]] = {}
        for name in names:
            if (
                name.startswith(root)
                and "/" not in name[len(root) :]
                and name.lower().endswith(".csv")
            ):
                key = _file_key(name)
                if key in _FILES or (infer and key in _EVIDENCE_FILES):
                    groups.setdefault(key, []).append(name)
            elif infer and name.startswith(root) and name.lower().endswith(".csv"):
                rest = name[len(root) :]
                if rest.count("/") == 1 and rest.lower().startswith("jobs/"):
                    key = _file_key(name)
                    if key in _EVIDENCE_FILES:
                        groups.setdefault(key, []).append(name)
        for key, canonical in _FILES.items():
            found = groups.get(key)
            if not found:
                self.skipped.append(Skipped(canonical, "not in the archive", 0))
                continue
            if len(found) > 1:
                found.sort(key=lambda n: (self._is_utf16(n), n[len(root) :] != canonical, n))
                for other in found[1:]:
                    self.skipped.append(
                        Skipped(
                            other,
                            f"same file as {found[0]} (names compared ignoring case, "
                            "'_' and spaces); not read",
                            0,
                        )
                    )
            self.files[key] = found[0]
        for key, canonical in _EVIDENCE_FILES.items():
            found = groups.get(key)
            if found:
                found.sort(key=lambda n: (self._is_utf16(n), not n.endswith(canonical), n))
                self.files[key] = found[0]
        self.registration_text: str | None = None
        self.positions_text: list[tuple[str, str]] = []
        self.education_text: list[tuple[str, str]] = []
        self.recommendations_given: list[tuple[str, str, _dt.date | None]] = []
        self.newest_connection: _dt.date | None = None  # (set by connections())

    def _is_utf16(self, name: str) -> bool:
        with self.source.open(name) as raw:
            return raw.peek(2)[:2] in (b"\xff\xfe", b"\xfe\xff")  # type: ignore[attr-defined]

    def table(self, key: str, spec: Spec) -> _Table | None:
        """The file for ``key``, past its header; None when the archive has none."""
        name = self.files.get(key)
        if name is None:
            return None
        table = _Table(name, self.source.open(name), spec, lambda: self.source.open(name))
        self.opened.append(table)
        return table

    def close(self) -> None:
        for table in self.opened:
            table.close()

    def reading_skips(self) -> tuple[Skipped, ...]:
        """What reading itself passed over: rows of empty cells, cells past the
        header, symbolic links in a folder."""
        out = []
        for table in self.opened:
            if table.blank:
                out.append(
                    Skipped(
                        table.name,
                        "rows with nothing to read (empty cells only)",
                        len(table.blank),
                        tuple(table.blank),
                    )
                )
            if table.wide:
                out.append(
                    Skipped(
                        table.name,
                        "rows with more cells than the header: the cells past the header "
                        "have no column name and are not read",
                        len(table.wide),
                        tuple(table.wide),
                    )
                )
        out.extend(
            Skipped(link, "a symbolic link: not followed, not read", 0)
            for link in getattr(self.source, "links", ())
        )
        return tuple(out)

    def skip(self, table: _Table, reason: str, rows: list[int]) -> None:
        if rows:
            self.skipped.append(Skipped(table.name, reason, len(rows), tuple(rows)))

    def as_of(self) -> _dt.date | None:
        """The day the archive was made, from ``…_LinkedInDataExport_MM-DD-YYYY``."""
        for text in (self.source.path.name, self.root):
            m = _EXPORT_NAME.search(text)
            if m:
                try:
                    return _dt.date(int(m[3]), int(m[1]), int(m[2]))
                except ValueError:
                    return None
        return None

    def optional(self, key: str, read: Any, default: Any) -> Any:
        """``read()``, or ``default`` when the file cannot be read at all: a file
        that only adds context never stops the load; it is listed as left out."""
        try:
            return read()
        except InputError as exc:
            where = f" at {exc.location}" if exc.location else ""
            self.skipped.append(
                Skipped(
                    exc.file or self.files.get(key, key),
                    f"not read ({exc.message}{where}); the facts it gives stay unknown",
                    0,
                )
            )
            return default

    def read_evidence(self) -> ExportEvidence:
        """The extra files the derivations read (loaders/derive.py), each optional:
        one that cannot be read is listed in ``network.skipped``, never an error."""
        from .derive import ExportEvidence

        ev = ExportEvidence(
            archive_name=re.sub(r"(?i)\.zip$", "", self.source.path.name),
            entry_time=self.source.entry_time(),
            positions=self.positions_text,
            education=self.education_text,
            registration=self.registration_text,
        )
        ev.files = {_EVIDENCE_FILES.get(k) or _FILES[k] for k in self.files}
        self.optional("job applications", lambda: self.applications(ev), None)
        self.optional("saved jobs", lambda: self.saved_jobs(ev), None)
        self.optional(
            "job seeker preferences",
            lambda: self.whole_row(ev.seeker, "job seeker preferences"),
            None,
        )
        self.optional("ad targeting", lambda: self.whole_row(ev.ad_targeting, "ad targeting"), None)
        self.optional("inferences about you", lambda: self.inferences(ev), None)
        for key, spec, direction in (
            ("endorsement received info", _ENDORSEMENTS_RECEIVED, "received"),
            ("endorsement given info", _ENDORSEMENTS_GIVEN, "given"),
        ):
            self.optional(
                key, lambda k=key, sp=spec, d=direction: self.endorsements(ev, k, sp, d), None
            )
        self.optional("recommendations received", lambda: self.recommendations_received(ev), None)
        ev.recommendations.extend(("given", n, co, d) for n, co, d in self.recommendations_given)
        for key in ("contacts", "importedcontacts", "imported contacts"):
            self.optional(key, lambda k=key: self.contacts(ev, k), None)
        return ev

    # -- the files read for the derivations ------------------------------------

    def dated_rows(self, key: str, spec: Spec) -> Iterator[tuple[_Table, list[str], _dt.date]]:
        """Rows with a readable date in the ``date`` column; the others are listed."""
        table = self.table(key, spec)
        if table is None:
            return
        bad: list[int] = []
        for row in table.rows():
            text = row[table.col["date"]].strip()
            day = parse_date(text) if text else None
            if day is None:
                bad.append(table.row_number)
                continue
            yield table, row, day
        self.skip(
            table, "no readable date: row left out, so facts derived from it may be missing", bad
        )

    def applications(self, ev: ExportEvidence) -> None:
        for table, row, day in self.dated_rows("job applications", _APPLICATIONS):
            c = table.col
            what = " — ".join(p for p in (row[c["title"]].strip(), row[c["company"]].strip()) if p)
            ev.applications.append((day, what))

    def saved_jobs(self, ev: ExportEvidence) -> None:
        ev.saved_jobs.extend(day for _t, _r, day in self.dated_rows("saved jobs", _SAVED_JOBS))

    def whole_row(self, into: dict[str, str], key: str) -> None:
        """The first row of a one-row file, by header (Job Seeker Preferences, Ad_Targeting)."""
        table = self.table(key, _WHOLE_ROW)
        if table is None:
            return
        for row in table.rows():  # Ad_Targeting repeats some headers: values are joined
            for head, cell in zip(table.header, row, strict=False):
                head, cell = " ".join(head.replace("\ufeff", "").split()), cell.strip()
                if cell:
                    into[head] = f"{into[head]}; {cell}" if head in into else cell
            return

    def inferences(self, ev: ExportEvidence) -> None:
        table = self.table("inferences about you", _INFERENCES)
        if table is None:
            return
        c = table.col
        for row in table.rows():
            kind = row[c["type"]].strip()
            if kind:
                ev.inferences.append((kind, row[c["inference"]].strip()))

    def endorsements(self, ev: ExportEvidence, key: str, spec: Spec, direction: str) -> None:
        for table, row, day in self.dated_rows(key, spec):
            c = table.col
            name = _full_name(row[c["first"]].strip(), row[c["last"]].strip())
            if name or row[c["url"]].strip():
                ev.endorsements.append((direction, name or "", row[c["url"]].strip(), day))

    def recommendations_received(self, ev: ExportEvidence) -> None:
        for table, row, day in self.dated_rows("recommendations received", _RECOMMENDATIONS):
            c = table.col
            name = _full_name(row[c["first"]].strip(), row[c["last"]].strip())
            if name:
                ev.recommendations.append(("received", name, row[c["company"]].strip(), day))

    def contacts(self, ev: ExportEvidence, key: str) -> None:
        table = self.table(key, _CONTACTS)
        if table is None:
            return
        c = table.col
        for row in table.rows():
            name = row[c["full"]].strip() or (
                _full_name(row[c["first"]].strip(), row[c["last"]].strip()) or ""
            )
            mails = row[c["emails"]].strip()
            if name or mails:
                ev.contacts.append((name, mails))

    # -- the files ---------------------------------------------------------

    def network(self, options: DeriveOptions | None = None) -> Network:
        """The network; with ``infer``, derived facts too (a :class:`Deriver` is
        called per connection and invitation as they are built)."""
        name, headline, industry = self.profile()
        joined_on = self.registration()
        employers = self.optional("positions", self.positions, ())
        schools = self.optional("education", self.education, ())
        recommendations = self.recommendations()
        deriver = None
        if self.infer:
            from .derive import Deriver

            known = Member(0, name, industry, headline, joined_on=joined_on)
            known = attrs.evolve(known, employers=employers, schools=schools)
            deriver = Deriver(known, self.read_evidence(), options)
        peers = self.messages()
        invited = self.invitation_rows()
        connections, count, connected = self.connections(
            peers, {ukey for _d, _p, ukey, _s, _m in invited if ukey}, deriver
        )
        as_of = self.as_of()
        if deriver is not None:
            days = [sent for _d, _p, _u, sent, _m in invited if sent]
            if self.newest_connection is not None:
                days.append(self.newest_connection)
            deriver.settle(as_of, max(days, default=None))
        member = Member(
            connection_count=count,
            name=name,
            industry=industry,
            headline=headline,
            joined_on=joined_on,
            employers=employers,
            schools=schools,
            exchanges_recorded=True if peers is not None else None,
            recommendations_recorded=True if "recommendations given" in self.files else None,
        )
        network = Network(
            member=member,
            as_of=as_of,
            connections=connections,
            invitations=self.invitations(invited, connections, connected, deriver),
            recommendations_given=recommendations,
            skipped=tuple(self.skipped),
        )
        return deriver.finish(network) if deriver is not None else network

    def connections(
        self, peers: _Peers | None, invited: set[str], deriver: Deriver | None = None
    ) -> tuple[tuple[Connection, ...], int, dict[str, _dt.date | None] | None]:
        """The connections, the row count (blank-member rows included), and the
        latest connected_on per url_key of the invited profiles (None when the
        file has no URL column, so invitations are matched by name).

        The hot loop of the loader (30,000 rows is a large network): columns
        are read by index, dates through a local cache, and each Connection is
        built once, its last interaction already known from messages.csv.
        """
        table = self.table("connections", _CONNECTIONS)
        if table is None:
            return (), 0, None
        c = table.col
        cells = itemgetter(
            c["first"], c["last"], c["url"], c["email"], c["company"], c["position"], c["date"]
        )
        need_keys = peers is not None or bool(invited)
        derive = deriver.connection if deriver is not None else None
        quiet = deriver.quiet() if deriver is not None else None
        if quiet is not None:
            kind_of, study_from, study_to = quiet
        # Without URL-less participants in messages.csv, a URL is all it takes.
        url_only = peers.by_url.get if peers is not None and not peers.has_bare_names else None
        connected: dict[str, _dt.date | None] = {}
        dates: dict[str, _dt.date] = {}
        out: list[Connection] = []
        append = out.append
        filler = _CONNECTION_FILLER
        dates_get = dates.get
        canonical, after = _CANONICAL, _AFTER_CANONICAL
        blank: list[int] = []
        width = table.width
        pad = width + 1
        # With every column present (the URL column is the only optional one), a row
        # of exactly the header's width needs no padding: the common row.
        exact = width if c["url"] < width else -1
        # With the seven columns in the order LinkedIn writes them and no other, such a
        # row is unpacked as it is (without the itemgetter's seven index look-ups).
        columns = ("first", "last", "url", "email", "company", "position", "date")
        in_order = 7 if width == 7 and [c[f] for f in columns] == list(range(7)) else -1
        with table.read_errors():
            for row in table.reader:  # table.rows() inlined: this loop is the hot one
                n = len(row)
                if n == in_order:
                    first, last, url, email, company, position, text = row
                else:
                    if n == exact:
                        pass
                    elif n < pad:
                        if not n:
                            continue
                        row.extend([""] * (pad - n))
                    else:
                        table.fit(row)
                    first, last, url, email, company, position, text = cells(row)
                # Names often end in spaces; the other cells LinkedIn writes
                # trimmed, and dates and URLs are trimmed where parsed.
                first = first.strip()
                last = last.strip()
                if not (first or last or url or email or company or position):
                    if text.strip():  # a deactivated or hidden member: counted, not listed
                        blank.append(table.row_number)
                    else:
                        table.blank.append(table.row_number)
                    continue
                day = dates_get(text)
                if day is None and text:
                    day = table.date(text.strip(), "date")
                    if day is not None:
                        dates[text] = day
                name = f"{first} {last}" if first and last else (first or last or None)
                url = url.strip()
                last_on = None
                if need_keys and (url or name):
                    # url_key's test for the canonical form, written out (hot)
                    if not url:
                        ukey = ""
                    elif (
                        canonical <= url < after  # (url.startswith(canonical), faster)
                        and "%" not in url
                        and url.lower() == url
                        and url[-1] != "/"
                    ):
                        ukey = url
                    else:
                        ukey = url_key(url)
                    if url_only is not None and ukey:
                        last_on = url_only(ukey)
                    elif peers is not None:
                        last_on = peers.latest(ukey, name)
                    if ukey in invited:
                        connected[ukey] = _later(connected.get(ukey, _ABSENT), day)
                company = company.strip() or None
                position = position.strip() or None
                email = email.strip() or None
                relationship = None
                # (called only where it may give something or count: see Deriver.quiet)
                if derive is not None and (
                    quiet is None
                    or last_on is not None
                    or (company is not None and kind_of(company, _ABSENT) is not None)
                    or (position is not None and day is not None and study_from <= day <= study_to)
                ):
                    relationship, last_on = derive(
                        company, position, day, url, name, email, last_on
                    )
                # Connection(id, name, ...) without attrs' __init__ (see _filler)
                conn = filler()
                # (made unique after the loop: see _unique_ids)
                conn.id = url or _label(name, day)
                conn.name = name
                conn.company = company
                conn.position = position
                conn.connected_on = day
                conn.last_interaction_on = last_on
                conn.relationship = relationship
                conn.url = url or None
                conn.email = email
                conn.__class__ = Connection
                append(conn)
        self.skip(
            table,
            "blank-member rows (deactivated or hidden members): counted in "
            "member.connection_count, no connection created",
            blank,
        )
        has_urls = c["url"] < table.width
        # (the dates met are those of the connections: their newest, without a pass)
        self.newest_connection = max(dates.values(), default=None)
        # every row with a filled cell is a connection or a blank member
        return _unique_ids(out), len(out) + len(blank), connected if has_urls else None

    def messages(self, *, keep: bool = True) -> _Peers | None:
        """The latest message date per participant, or None without messages.csv.

        The loop only keeps the latest day per raw cell (a URL list, a name
        list); cells repeat, so splitting and normalising happen once per
        distinct cell afterwards.

        With ``keep``, a row of the header's width that is not a draft and has a
        date (almost every row) is only kept by the loop: the kept dates are read
        together afterwards (:func:`_stamp_days`) and then the latest day per cell
        taken.  Every other row is read in the loop as it always was.  Where a kept
        date is unreadable, or the loop meets an error after keeping rows, the file is
        read again without ``keep`` (every row in the loop), so that the error is the
        one the row loop meets first, at its row.
        """
        table = self.table("messages", _MESSAGES)
        if table is None:
            return None
        c = table.col
        cells = itemgetter(c["from"], c["from_url"], c["to"], c["to_urls"], c["date"], c["draft"])
        url_days: dict[str, _dt.date] = {}  # URL cell -> latest day
        named: list[tuple[str, str, _dt.date]] = []  # for _Peers.by_name, if needed
        bare_days: dict[str, _dt.date] = {}  # name cell of a row without its URLs -> latest day
        drafts: list[int] = []
        undated: list[int] = []
        url_get, bare_get = url_days.get, bare_days.get
        width = table.width
        pad = width + 1
        exact = width if all(i < width for i in c.values()) else -1
        kept: list[tuple[str, ...]] = []  # the cells of the rows read after the loop
        keep_row = kept.append
        keep_width = exact if keep else -1
        blank = table.blank
        try:
            with table.read_errors():
                for row in table.reader:  # table.rows() written out, as in connections
                    if len(row) == keep_width:
                        found = cells(row)
                        draft = found[5]
                        if (draft == "No" or not draft) and found[4]:
                            keep_row(found)
                            continue
                    n = len(row)
                    if not n:
                        continue
                    first = row[0]
                    if (not first or first.isspace()) and not "".join(row).strip():
                        blank.append(table.row_number)
                        continue
                    if n != exact:
                        if n < pad:
                            row.extend([""] * (pad - n))
                        else:
                            table.fit(row)
                    sender, sender_url, to, to_urls, text, draft = cells(row)
                    if draft and draft != "No" and draft.strip().lower() == "yes":
                        drafts.append(table.row_number)
                        continue
                    if not text:
                        undated.append(table.row_number)
                        continue
                    day = parse_date(text)
                    if day is None:
                        raise table.bad_date(text, "date")
                    # (_bump written out: four calls per row were a fifth of this loop)
                    if sender_url:
                        old = url_get(sender_url)
                        if old is None or day > old:
                            url_days[sender_url] = day
                    elif sender:
                        old = bare_get(sender)
                        if old is None or day > old:
                            bare_days[sender] = day
                    if to_urls:
                        old = url_get(to_urls)
                        if old is None or day > old:
                            url_days[to_urls] = day
                    elif to:
                        old = bare_get(to)
                        if old is None or day > old:
                            bare_days[to] = day
                    if sender or to:
                        named.append((sender, to, day))
        except InputError:
            if kept:  # (a kept row before the error may hold an unreadable date)
                return self._messages_again(table)
            raise
        if kept:
            senders, sender_urls, tos, to_urls_, texts, _drafts = zip(*kept, strict=True)
            kept.clear()
            stamped = _stamp_days(texts)
            if None in stamped:
                return self._messages_again(table)
            days = cast("list[_dt.date]", stamped)
            for urls, names in ((sender_urls, senders), (to_urls_, tos)):
                for url, name, day in zip(urls, names, days, strict=True):  # (as in the loop)
                    if url:
                        old = url_get(url)
                        if old is None or day > old:
                            url_days[url] = day
                    elif name:
                        old = bare_get(name)
                        if old is None or day > old:
                            bare_days[name] = day
            # (by_name reads a row with neither name as nothing: no need to drop it)
            named.extend(zip(senders, tos, days, strict=True))
        self.skip(table, "draft messages (never sent): not an interaction", drafts)
        self.skip(table, "messages without a date: no interaction date to record", undated)
        return _Peers(url_days, named, bare_days)

    def _messages_again(self, table: _Table) -> _Peers | None:
        """messages.csv read again from the start, every row by the row loop."""
        table.close()
        self.opened.remove(table)  # (its blank and wide rows are found again)
        return self.messages(keep=False)

    def invitation_rows(
        self, *, keep: bool = True
    ) -> list[tuple[str, str, str, _dt.date | None, str]]:
        """Invitations.csv as (direction, person, url_key, sent_on, message) rows.

        With ``keep``, the loop keeps each row's Sent At as it is, and the dates are
        read together afterwards (:func:`_stamp_days`).  Where a date cannot be read,
        or the loop meets an error after keeping dates, the file is read again without
        ``keep`` (every row read in the loop), so that the error is the one the row loop
        meets first, at its row.
        """
        table = self.table("invitations", _INVITATIONS)
        if table is None:
            return []
        cells = itemgetter(
            *(
                table.col[f]
                for f in ("direction", "from", "from_url", "to", "to_url", "sent", "message")
            )
        )
        out: list[tuple[str, str, str, Any, str]] = []
        append = out.append
        odd: list[int] = []
        canonical = _CANONICAL
        try:
            for row in table.rows():
                direction, inviter, inviter_url, invitee, invitee_url, sent, message = cells(row)
                if direction == "OUTGOING":  # (as LinkedIn writes them: no call)
                    direction, person, url = "outgoing", invitee, invitee_url
                elif direction == "INCOMING":
                    direction, person, url = "incoming", inviter, inviter_url
                else:
                    direction = direction.strip().lower()
                    if direction == "outgoing":  # the person is the other side
                        person, url = invitee, invitee_url
                    elif direction == "incoming":
                        person, url = inviter, inviter_url
                    else:
                        odd.append(table.row_number)
                        continue
                url = url.strip()
                if not url:
                    ukey = ""
                elif (  # url_key's test for the canonical form, written out (as in connections)
                    url.startswith(canonical)
                    and "%" not in url
                    and url.lower() == url
                    and url[-1] != "/"
                ):
                    ukey = url
                else:
                    ukey = url_key(url)
                sent = sent.strip()
                if keep:  # (the date read after the loop)
                    append((direction, person.strip(), ukey, sent, message.strip()))
                    continue
                day = None
                if sent:  # table.date, written out
                    day = parse_date(sent)
                    if day is None:
                        raise table.bad_date(sent, "sent")
                append((direction, person.strip(), ukey, day, message.strip()))
        except InputError:
            if keep and any(sent for _d, _p, _u, sent, _m in out):
                return self._invitation_rows_again(table)  # (a date before it may be bad)
            raise
        if keep and out:
            directions, people, ukeys, texts, messages = zip(*out, strict=True)
            filled = [text for text in texts if text]
            stamped = _stamp_days(filled)
            if None in stamped:
                return self._invitation_rows_again(table)
            if len(filled) == len(texts):
                days: Sequence[_dt.date | None] = stamped
            else:  # (no date, no day)
                next_day = iter(stamped).__next__
                days = [next_day() if text else None for text in texts]
            out = list(zip(directions, people, ukeys, days, messages, strict=True))
        self.skip(table, "Direction is neither OUTGOING nor INCOMING", odd)
        return out

    def _invitation_rows_again(
        self, table: _Table
    ) -> list[tuple[str, str, str, _dt.date | None, str]]:
        """Invitations.csv read again from the start, every date read in the loop."""
        table.close()
        self.opened.remove(table)  # (its blank and wide rows are found again)
        return self.invitation_rows(keep=False)

    def invitations(
        self,
        invited: list[tuple[str, str, str, _dt.date | None, str]],
        connections: tuple[Connection, ...],
        connected: dict[str, _dt.date | None] | None,
        deriver: Deriver | None = None,
    ) -> tuple[Invitation, ...]:
        """Accepted when a matching connection dates from the sent day - 1 on, else pending.

        Matched by profile URL when both files give one, else by name.
        """
        by_name: dict[str, object] | None = None  # built when first needed
        out = []
        seen: set[str] = _Ids()
        filler = _INVITATION_FILLER
        isoformat: dict[_dt.date, str] = {}  # (sent days repeat)
        for direction, person, ukey, sent, message in invited:
            latest: object = _ABSENT  # the latest connected_on of the matches
            if ukey and connected is not None:
                latest = connected.get(ukey, _ABSENT)
            elif person:
                if by_name is None:
                    by_name = {}
                    for conn in connections:
                        if conn.name:
                            key = person_key(conn.name)
                            by_name[key] = _later(by_name.get(key, _ABSENT), conn.connected_on)
                latest = by_name.get(person_key(person), _ABSENT)
            accepted = latest is not _ABSENT and (
                latest is None or sent is None or latest >= sent - _ONE_DAY  # type: ignore[operator]
            )
            status = "accepted" if accepted else "pending"
            if deriver is not None:
                status = deriver.invitation(direction, sent, status)
            prefix = "to" if direction == "outgoing" else "from"
            if sent:  # _label, written out
                iso = isoformat.get(sent)
                if iso is None:
                    iso = isoformat[sent] = sent.isoformat()
                ident = f"{prefix} {person or '(no name)'} ({iso})"
            else:
                ident = f"{prefix} {person or '(no name)'}"
            if ident in seen:
                ident = _unique(ident, seen)
            seen.add(ident)
            # Invitation(ident, direction, ...) without attrs' __init__ (see _filler)
            inv = filler()
            inv.id = ident
            inv.direction = direction
            inv.person = person or None
            inv.sent_on = sent
            inv.message = message or None
            inv.status = status
            inv.follow_ups = None  # an export records none, so unknown
            inv.relationship = None
            inv.__class__ = Invitation
            out.append(inv)
        return tuple(out)

    def profile(self) -> tuple[str | None, str | None, str | None]:
        """(name, headline, industry) from the first row of Profile.csv."""
        table = self.table("profile", _PROFILE)
        if table is None:
            return None, None, None
        c = table.col
        found: tuple[str | None, str | None, str | None] = (None, None, None)
        extra: list[int] = []
        for n, row in enumerate(table.rows()):
            if n:
                extra.append(table.row_number)
                continue
            found = (
                _full_name(row[c["first"]].strip(), row[c["last"]].strip()),
                row[c["headline"]].strip() or None,
                row[c["industry"]].strip() or None,
            )
        self.skip(table, "more than one profile row: only the first is read", extra)
        return found

    def registration(self) -> _dt.date | None:
        table = self.table("registration", _REGISTRATION)
        if table is None:
            return None
        found = None
        extra: list[int] = []
        for n, row in enumerate(table.rows()):
            if n:
                extra.append(table.row_number)
            else:
                self.registration_text = row[table.col["date"]].strip()
                found = table.date(self.registration_text, "date")
        self.skip(table, "more than one registration row: only the first is read", extra)
        return found

    def positions(self) -> tuple[Employer, ...]:
        return self.periods(
            "positions",
            _POSITIONS,
            "company",
            "title",
            Employer,
            self.positions_text,
            "positions without a Company Name",
        )

    def education(self) -> tuple[School, ...]:
        return self.periods(
            "education",
            _EDUCATION,
            "school",
            "degree",
            School,
            self.education_text,
            "schools without a School Name",
        )

    def periods(
        self,
        key: str,
        spec: Spec,
        name_field: str,
        detail_field: str,
        make: Callable[[str, str | None, _dt.date | None, _dt.date | None], _P],
        texts: list[tuple[str, str]],
        nameless_reason: str,
    ) -> tuple[_P, ...]:
        """Positions.csv or Education.csv: a name, a detail (title, degree) and a
        month-precision period per row; the period's text is kept in ``texts`` for
        the derivations.  Rows without a name or with an unreadable month are listed."""
        table = self.table(key, spec)
        if table is None:
            return ()
        c = table.col
        out = []
        nameless: list[int] = []
        undated: list[int] = []
        for row in table.rows():
            name = row[c[name_field]].strip()
            if not name:
                nameless.append(table.row_number)
                continue
            start, end = row[c["start"]].strip(), row[c["end"]].strip()
            try:
                dates = (table.month(start, "start"), table.month(end, "end", end=True))
            except InputError:
                undated.append(table.row_number)
                continue
            out.append(make(name, row[c[detail_field]].strip() or None, *dates))
            texts.append((start, end))
        self.skip(table, nameless_reason, nameless)
        self.skip(table, _UNREADABLE_MONTH, undated)
        return tuple(out)

    def recommendations(self) -> tuple[Recommendation, ...]:
        table = self.table("recommendations given", _RECOMMENDATIONS)
        if table is None:
            return ()
        c = table.col
        out = []
        seen: set[str] = _Ids()
        for row in table.rows():
            person = _full_name(row[c["first"]].strip(), row[c["last"]].strip())
            given = table.date(row[c["date"]].strip(), "date")
            if person:
                self.recommendations_given.append((person, row[c["company"]].strip(), given))
            ident = _unique(f"for {_label(person, given)}", seen)
            seen.add(ident)
            out.append(Recommendation(ident, person, given))
        return tuple(out)
