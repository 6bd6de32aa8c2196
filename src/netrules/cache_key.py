"""Where netrules caches things, and the private key that authenticates each entry.

Kept apart from :mod:`netrules.parse_cache` so that ``netrules fmt`` (which caches
formatted text the same way) can use the folder and the key without importing the
syntax-tree classes.  See :mod:`netrules.parse_cache` for why entries are signed.

Entries are found by a BLAKE2b hash (32 bytes) and tagged with BLAKE2b keyed with the
folder's private key, BLAKE2's own MAC mode (RFC 7693), which Python's hashlib
documentation gives as a faster and simpler replacement for HMAC.  The interpreter's
BLAKE2 module is used directly: importing ``hashlib`` (and ``hmac``) loads OpenSSL, which
cost more than the rest of a cold ``load_rules()`` outside attrs (docs/performance.md,
"Session of 1 Dec 09:19: start-up and load_rules").
"""

from __future__ import annotations

import _thread
import contextlib
import os
import stat
from typing import TYPE_CHECKING, Any

try:  # the very class hashlib.blake2b is, without hashlib's import of OpenSSL
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the module
    from hashlib import blake2b
try:  # what hmac.compare_digest is without OpenSSL: a comparison in constant time
    from _operator import _compare_digest
except ImportError:  # pragma: no cover
    from hmac import compare_digest as _compare_digest  # type: ignore[no-redef]

if TYPE_CHECKING:
    from pathlib import Path

# pathlib is imported where a Path is returned: a cold load_rules() that finds its
# compiled rule set in the cache works with the folder's name (cache_folder()).

__all__ = ["cache_dir"]

_KEY_FILE = "key"
_KEY_BYTES = 32


def cache_dir() -> Path | None:
    """Where parsed rule files are cached: $NETRULES_CACHE_DIR, else the user cache folder.

    ``NETRULES_CACHE_DIR=""`` (empty) turns the cache off.
    """
    from pathlib import Path

    folder = cache_folder()
    return None if folder is None else Path(folder)


def cache_folder() -> str | None:
    """:func:`cache_dir` as text."""
    env = os.environ.get("NETRULES_CACHE_DIR")
    if env is not None:
        return env or None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "netrules")


def package_files() -> Any:
    """The package's own files: its folder (cheap), else importlib.resources (a zip)."""
    from pathlib import Path

    here = Path(__file__).parent
    if (here / "grammar.lark").is_file():
        return here
    from importlib import resources  # slow to import (tempfile, inspect...)

    return resources.files("netrules")


# ---------------------------------------------------------------- the key


def _owned_privately(st: os.stat_result) -> bool:
    getuid = getattr(os, "getuid", None)
    if getuid is not None and st.st_uid != getuid():
        return False
    return stat.S_ISREG(st.st_mode) and not (os.name == "posix" and st.st_mode & 0o077)


def _key(folder: str | os.PathLike[str]) -> bytes | None:
    """The cache's HMAC key, made on first use; None when it cannot be trusted."""
    path = os.path.join(folder, _KEY_FILE)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for _attempt in range(2):
        try:
            fd = os.open(path, flags)
        except FileNotFoundError:
            try:
                os.makedirs(folder, mode=0o700, exist_ok=True)
                fd = os.open(
                    path,
                    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                    0o600,
                )
            except FileExistsError:
                continue  # another process made it first: read theirs
            except OSError:
                return None
            try:
                key = os.urandom(_KEY_BYTES)
                os.write(fd, key)
                return key
            finally:
                os.close(fd)
        except OSError:
            return None
        try:
            if not _owned_privately(os.fstat(fd)):
                return None
            key = os.read(fd, _KEY_BYTES + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        return key if len(key) == _KEY_BYTES else None
    return None


DIGEST_BYTES = 32


def hasher(data: bytes = b"") -> blake2b:
    """A new BLAKE2b hash of 32 bytes: what entries are found by."""
    return blake2b(data, digest_size=DIGEST_BYTES)


def _tag(key: bytes, body: bytes | memoryview) -> str:
    """An entry's tag: BLAKE2b of ``body`` keyed with the folder's key, in hex."""
    return blake2b(body, key=key, digest_size=DIGEST_BYTES).hexdigest()


def _genuine(tag: bytes, key: bytes, body: bytes | memoryview) -> bool:
    """Whether ``tag`` is ``body``'s (compared in constant time)."""
    return _compare_digest(tag, _tag(key, body).encode())


def _write(entry: str | os.PathLike[str], data: bytes) -> None:
    """Write an entry whole or not at all: a reader never sees half of one, and two
    writers (processes or threads) each write their own temporary file, then rename it."""
    tmp = f"{os.fspath(entry)}.{os.getpid()}.{_thread.get_ident()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, entry)
    except OSError:  # a cache we cannot write only costs speed
        with contextlib.suppress(OSError):
            os.unlink(tmp)
