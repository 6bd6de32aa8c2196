"""An export archive's large CSV members read and unpacked on a second thread.

Reading a zip member is reading its compressed bytes, inflating them (zlib) and
checking their CRC-32: work in C that releases the interpreter's lock, about 10 ms
for the 30,000-connection benchmark export.  A thread started early (by ``netrules
check`` before its imports and ``load_rules``, or by the archive loader when it opens
an archive) does it while the main thread runs Python; the loader's
``_ZipSource.open`` then takes the bytes instead of inflating the member itself.

Nothing here decides anything the ordinary path would not: the thread reads its own
copy of the central directory with a small parser, and the loader takes a member's
bytes only when the archive is the very file it opened (same device, inode, size,
modification and change times) and the member's entry in zipfile's own directory
(offset of its header, sizes, CRC, method, flags) is the one the thread read; it still
opens the member through zipfile first (which checks the local header, encryption,
overlaps), so every error comes from the ordinary path, as before.  The thread gives
up on anything unusual (ZIP64, an unknown method, encryption, a name that is not
ASCII or flagged UTF-8, a member that does not inflate to exactly its size with its
CRC, any exception): those members are read the ordinary way.  It reads only members
the loader may read (by the same file keys), of PREFETCH_FROM bytes and more and at
most WHOLE_FILE_BYTES (the loader reads those whole anyway; so zip-bomb limits, which
start above that size, never apply), and it holds at most AHEAD_BYTES of inflated
members that the loader has not taken yet.  See docs/performance.md ("Session of 1 Dec
14:00: the archive read beside the imports").

Only ``os``, ``threading`` and ``zlib`` are imported: the module is loaded before the
rest of the command line.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
import zlib
from collections.abc import Callable
from typing import Any

__all__ = ["Prefetch", "attach", "discard_pending", "start_for_check"]

# What the loader reads whole (archive.WHOLE_FILE_BYTES; a test keeps them equal).
WHOLE_FILE_BYTES = 16 * 1024 * 1024
# Smaller members are read the ordinary way: a thread's round trip costs more.
PREFETCH_FROM = 64 * 1024
# Inflated members waiting for the loader, at most (unless a single one is larger).
AHEAD_BYTES = 32 * 1024 * 1024
# The end of the archive read at once: its directory, and all of a small archive.
_TAIL_BYTES = 1024 * 1024

# The loader's file keys (archive._FILES and archive._EVIDENCE_FILES; a test keeps
# them equal) in the order _Loader.network reads them: members are read in this order.
LOADER_ORDER = (
    "profile",
    "registration",
    "positions",
    "education",
    "recommendations given",
    "job applications",
    "saved jobs",
    "job seeker preferences",
    "ad targeting",
    "inferences about you",
    "endorsement received info",
    "endorsement given info",
    "recommendations received",
    "contacts",
    "importedcontacts",
    "imported contacts",
    "messages",
    "invitations",
    "connections",
)
# Only read with the derivations on.
_EVIDENCE_ONLY = frozenset(LOADER_ORDER[5:16])
_RANK = {key: i for i, key in enumerate(LOADER_ORDER)}

_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"


def file_key(name: str) -> str:
    """``Jobs/Saved_Jobs.csv`` -> ``saved jobs`` (as archive._file_key)."""
    stem = name.rsplit("/", 1)[-1][:-4]
    return " ".join(stem.replace("_", " ").lower().split())


def _u16(b: Any, i: int) -> int:
    return int(b[i]) | int(b[i + 1]) << 8


def _u32(b: Any, i: int) -> int:
    return int.from_bytes(b[i : i + 4], "little")


class _Member:
    """One member to read: its directory entry, then its bytes (or a failure)."""

    __slots__ = ("crc", "csize", "data", "done", "flags", "method", "name", "offset", "size")

    def __init__(
        self, name: str, offset: int, csize: int, size: int, crc: int, method: int, flags: int
    ):
        self.name = name
        self.offset = offset
        self.csize = csize
        self.size = size
        self.crc = crc
        self.method = method
        self.flags = flags
        self.data: bytes | None = None
        self.done = False  # read, failed, or given up

    def matches(self, info: Any) -> bool:
        """Whether zipfile's ``ZipInfo`` for this name says the same of the member."""
        return bool(
            info.orig_filename == self.name
            and info.header_offset == self.offset
            and info.compress_size == self.csize
            and info.file_size == self.size
            and info.CRC == self.crc
            and info.compress_type == self.method
            and info.flag_bits == self.flags
        )


def _identity(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class Prefetch:
    """A thread reading the members of the archive at ``path`` (or open as ``fd``,
    which it then owns) that the loader will read, in the loader's order."""

    def __init__(self, path: str | None, *, infer: bool = True, fd: int | None = None):
        self.path = path
        self.infer = infer
        self._fd = fd
        self._lock = threading.Condition()
        self._members: dict[str, _Member] | None = None  # None until the directory is read
        self._identity: tuple[int, ...] | None = None
        self._ended = False  # the thread has nothing more to do
        self._cancel = False
        self._held = 0  # bytes read and not taken
        self._wanted: _Member | None = None  # the member the loader waits for
        self.taken = 0  # members handed to the loader (tests)
        self.failed = False  # the thread met an exception (tests)
        self._thread = threading.Thread(target=self._run, name="netrules-prefetch", daemon=True)
        try:
            self._thread.start()
        except RuntimeError:
            if fd is not None:
                os.close(fd)
            raise

    # -- the loader's side ------------------------------------------------------

    def same_file(self, st: os.stat_result) -> bool:
        """Whether the archive the thread reads is the file whose ``fstat`` is ``st``
        (waits for the thread to have looked)."""
        with self._lock:
            while self._identity is None and not self._ended:
                self._lock.wait()
            return self._identity == _identity(st)

    def take(self, info: Any, st: os.stat_result) -> bytes | None:
        """The bytes of the member of zipfile's ``info``, when the thread read them from
        this very entry of the file whose ``fstat`` (now) is ``st``; else None, and the
        loader reads the member the ordinary way.  Waits while the thread reads it."""
        with self._lock:
            while self._members is None and not self._ended:
                self._lock.wait()
            member = (self._members or {}).get(info.filename)
            if member is None:
                return None
            while not member.done:
                self._wanted = member
                self._lock.notify_all()
                self._lock.wait()
            data, member.data = member.data, None
            if data is not None:
                self._held -= len(data)
                self._lock.notify_all()
            if data is None or self._identity != _identity(st) or not member.matches(info):
                return None
            self.taken += 1
            return data

    def give_back(self, info: Any, data: bytes) -> None:
        """``data``, taken for ``info`` and not read (the loader only peeked at its
        first bytes), for the next :meth:`take` of the member."""
        with self._lock:
            member = (self._members or {}).get(info.filename)
            if member is not None and member.data is None and not self._cancel:
                member.data = data
                self._held += len(data)

    def close(self) -> None:
        """Stop the thread (after the member it is reading), wait for it, drop what it
        read."""
        with self._lock:
            self._cancel = True
            self._lock.notify_all()
        self._thread.join()
        with self._lock:
            for member in (self._members or {}).values():
                member.data = None
            self._held = 0

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    # -- the thread ---------------------------------------------------------------

    def _run(self) -> None:
        fd = self._fd
        try:
            if fd is None and self.path is not None:
                fd = os.open(self.path, os.O_RDONLY)
            if fd is not None:
                self._read(fd)
        except Exception:  # any trouble at all: the loader reads as always
            self.failed = True
        finally:
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
            with self._lock:
                self._ended = True
                if self._identity is None:
                    self._identity = ()
                for member in (self._members or {}).values():
                    member.done = True
                if self._members is None:
                    self._members = {}
                self._lock.notify_all()

    def _read(self, fd: int) -> None:
        st = os.fstat(fd)
        with self._lock:
            self._identity = _identity(st) if stat.S_ISREG(st.st_mode) else ()
            self._lock.notify_all()
        if not self._identity:
            return
        size = st.st_size
        tail = os.pread(fd, min(size, _TAIL_BYTES), size - min(size, _TAIL_BYTES))
        base = size - len(tail)
        members = self._directory(fd, tail, base, size)
        with self._lock:
            self._members = {m.name: m for m in members}
            self._lock.notify_all()
        view = memoryview(tail)
        while True:
            with self._lock:
                member = self._next(members)
                if member is None:
                    break
            data = None
            try:
                data = self._member(fd, member, view, base)
            finally:
                with self._lock:
                    if data is not None:
                        member.data = data
                        self._held += len(data)
                    member.done = True
                    self._lock.notify_all()
        if _identity(os.fstat(fd)) != self._identity:  # changed while read: use none
            with self._lock:
                self._identity = ()

    def _next(self, members: list[_Member]) -> _Member | None:
        """The member to read next (None: stop), under the lock: one the loader waits
        for, else the next in order once the members read ahead leave room for it (a
        member the loader waits for is read whatever the room: no deadlock)."""
        while not self._cancel:
            wanted = self._wanted
            if wanted is not None and not wanted.done:
                return wanted
            member = next((m for m in members if not m.done), None)
            if member is None or not self._held or self._held + member.size <= AHEAD_BYTES:
                return member
            self._lock.wait()
        return None

    def _directory(self, fd: int, tail: bytes, base: int, size: int) -> list[_Member]:
        """The members to read, in the loader's order (empty when anything is unusual)."""
        at = tail.rfind(_EOCD, max(0, len(tail) - 22 - 65535))
        if at < 0 or len(tail) - at < 22:
            return []
        if at >= 20 and tail[at - 20 : at - 16] == _ZIP64_LOCATOR:
            return []
        count, cd_size, cd_offset = _u16(tail, at + 10), _u32(tail, at + 12), _u32(tail, at + 16)
        if _u16(tail, at + 4) or _u16(tail, at + 6) or 0xFFFF in (count, _u16(tail, at + 8)):
            return []  # several disks, or ZIP64
        where = base + at
        concat = where - cd_size - cd_offset  # (bytes before the archive, as zipfile allows)
        if concat < 0 or 0xFFFFFFFF in (cd_size, cd_offset):
            return []
        start = where - cd_size
        if start >= base:
            cd: Any = memoryview(tail)[start - base : at]
        else:
            cd = os.pread(fd, cd_size, start)
            if len(cd) != cd_size:
                return []
        out: list[tuple[int, int, _Member]] = []
        i = 0
        while i + 46 <= len(cd) and bytes(cd[i : i + 4]) == _CENTRAL:
            flags, method = _u16(cd, i + 8), _u16(cd, i + 10)
            crc, csize, fsize = _u32(cd, i + 16), _u32(cd, i + 20), _u32(cd, i + 24)
            nlen, elen, clen = _u16(cd, i + 28), _u16(cd, i + 30), _u16(cd, i + 32)
            offset = _u32(cd, i + 42)
            raw = bytes(cd[i + 46 : i + 46 + nlen])
            i += 46 + nlen + elen + clen
            if (
                fsize < PREFETCH_FROM
                or fsize > WHOLE_FILE_BYTES
                or method not in (0, 8)
                or flags & 0x61  # encrypted, patched data, strong encryption
                or 0xFFFFFFFF in (csize, fsize, offset)
                or not raw.lower().endswith(b".csv")
            ):
                continue
            if flags & 0x800:
                try:
                    name = raw.decode("utf-8")
                except UnicodeDecodeError:
                    continue
            elif raw.isascii():
                name = raw.decode("ascii")  # (cp437, zipfile's default, agrees on ASCII)
            else:
                continue
            if "\x00" in name or any(p.startswith(".") or p == "__MACOSX" for p in name.split("/")):
                continue
            key = file_key(name)
            rank = _RANK.get(key)
            if rank is None or (not self.infer and key in _EVIDENCE_ONLY):
                continue
            member = _Member(name, offset + concat, csize, fsize, crc, method, flags)
            out.append((rank, member.offset, member))
        out.sort(key=lambda t: t[:2])
        return [m for _r, _o, m in out]

    def _member(self, fd: int, m: _Member, tail: memoryview, base: int) -> bytes | None:
        """The member's bytes when they inflate to exactly its size with its CRC."""
        head_at = m.offset - base
        if head_at >= 0 and head_at + 30 <= len(tail):
            head: Any = tail[head_at : head_at + 30]
        else:
            head = os.pread(fd, 30, m.offset)
        if len(head) != 30 or bytes(head[:4]) != _LOCAL:
            return None
        start = m.offset + 30 + _u16(head, 26) + _u16(head, 28)
        if base <= start and start + m.csize <= base + len(tail):
            packed: Any = tail[start - base : start - base + m.csize]
        else:
            packed = os.pread(fd, m.csize, start)
            if len(packed) != m.csize:
                return None
        if m.method == 8:
            inflate = zlib.decompressobj(-15)
            # (bounded as zipfile bounds it: never more than the size the entry states)
            data = inflate.decompress(packed, m.size + 1)
            if not inflate.eof:
                return None
        else:
            data = bytes(packed)
        if len(data) != m.size or zlib.crc32(data) != m.crc:
            return None
        return data


# -- the command line's prefetch ----------------------------------------------------

# False: no thread is started (tests compare both ways).
ENABLED = True
_pending: Prefetch | None = None


def start_for_check(words: list[str], prepare: Callable[[], bool] | None = None) -> None:
    """Start reading the archive ``netrules check`` will load, from its command-line
    words, before they are parsed: the first word naming an existing ``.zip`` file of
    START_FROM bytes or more.  A wrong guess (an option's value) costs a read, never a
    result: the loader takes only what the thread read from the very file it opens.

    ``prepare`` (the command line's ``_keep_freed_memory``, when the process ends with
    the check) sets ``malloc`` up first; with glibc the thread is then made to allocate
    from the main thread's heap as well (one arena): the members' memory, freed by the
    loader, is then used again by the check instead of being faulted in anew (some
    2,600 more page faults otherwise, about 8 ms of system time)."""
    global _pending
    discard_pending()
    if not ENABLED:
        return
    for word in words:
        if word.startswith("-") or not word.lower().endswith(".zip"):
            continue
        try:
            if not stat.S_ISREG((st := os.stat(word)).st_mode):
                continue
        except (OSError, ValueError):
            continue
        if st.st_size < START_FROM:
            return
        if prepare is not None and prepare():
            _one_malloc_arena()
        with contextlib.suppress(RuntimeError):  # no thread to be had: read as always
            _pending = Prefetch(word, infer="--no-infer" not in words)
        return


# An archive this small holds no member worth a thread (cli._KEEP_FREED_FROM).
START_FROM = 256 * 1024
_M_ARENA_MAX = -8  # glibc's mallopt() parameter (malloc.h)


def _one_malloc_arena() -> None:
    """glibc only (``prepare`` found it): every thread allocates from the main heap."""
    try:
        import ctypes

        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 1)
    except (ImportError, OSError, AttributeError):
        pass


def discard_pending() -> None:
    """Stop and forget the command line's prefetch if no loader took it."""
    global _pending
    pending, _pending = _pending, None
    if pending is not None:
        pending.close()


def attach(fd: int, worth: bool) -> Prefetch | None:
    """The prefetch for the archive open as ``fd`` (the loader's zipfile): the command
    line's when it reads the same file, else (when ``worth``: a member of
    PREFETCH_FROM bytes or more that may be read) a new one reading through a duplicate
    of ``fd``; None when there is none."""
    global _pending
    try:
        st = os.fstat(fd)
    except OSError:
        return None
    pending, _pending = _pending, None
    if pending is not None:
        if pending.same_file(st):
            return pending
        pending.close()
    if not (worth and ENABLED):
        return None
    try:
        dup = os.dup(fd)
    except OSError:
        return None
    try:
        return Prefetch(None, fd=dup)
    except RuntimeError:  # no thread to be had
        return None
