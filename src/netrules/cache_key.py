"""Where netrules caches things, and the private key that authenticates each entry.

Kept apart from :mod:`netrules.parse_cache` so that ``netrules fmt`` (which caches
formatted text the same way) can use the folder and the key without importing the
syntax-tree classes.  See :mod:`netrules.parse_cache` for why entries are signed.
"""

from __future__ import annotations

import _thread
import contextlib
import hashlib
import hmac
import os
import stat
from typing import TYPE_CHECKING, Any

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


def _tag(key: bytes, body: bytes) -> str:
    return hmac.new(key, body, hashlib.sha256).hexdigest()


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
