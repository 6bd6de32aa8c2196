"""The code of attrs' generated methods for netrules' classes, compiled once per user.

attrs makes each class's methods (``__init__``, ``__repr__``, ``__eq__``, ``__hash__``,
...) by writing their source text and compiling it, one ``compile()`` per class: a
third of a millisecond each, 6.7 ms of CPU for the twenty classes a check of an export
creates, 2 % of the whole process (docs/performance.md, "Session of 1 Dec 14:00:
imports and start-up").  The classes stay attrs classes made by attrs; only that
``compile()`` is memoized here.

Importing this module wraps the function attrs compiles and runs a class's methods
with (``attr._make._compile_and_eval``, looked up at every call).  For a class of a
``netrules`` module, the wrapper hands attrs the code compiled earlier from the *same*
source text (compared in full), else compiles it as attrs does (same flags, same
file name) and keeps it; every other class goes to attrs' own function untouched.
The code is kept in the parse cache's folder, in one entry per interpreter and
compiler flags (:func:`flush`, called at the end of a module that defines classes,
writes it when something was added), tagged with the folder's private key like every
entry there and checked before ``marshal`` reads it (threat model in docs/api.md,
"The parse cache").  Without a cache folder, or with an entry that is missing, forged
or damaged, classes are compiled as before, silently.

One number differs between processes: a frozen class's ``__hash__`` source holds the
``hash()`` of a name (string hashing is randomised per process, ``PYTHONHASHSEED``).
The source is compared with that number taken out, and ``__hash__`` alone (a few
lines) is compiled again from this process's source, on the lines it has there, in
place of the kept one (a source where the number is not found exactly once is compiled
whole, never kept).  Tests compare every class's methods' code with what attrs alone
makes, field for field (tests/api/test_attrs_code.py).
"""

from __future__ import annotations
import __future__ as _future

import marshal
import os
import sys
from types import CodeType
from typing import Any

import attr._make as _make

from .cache_key import _genuine, _key, _tag, _write, cache_folder, hasher

__all__ = ["flush"]

_FORMAT = 1
_SUFFIX = ".attrs"
_OURS = "<attrs generated methods netrules."  # attrs' file name of our classes' methods
_METHODS = "<attrs generated methods "
_HASH = "<attrs generated hash "  # the name whose hash() a __hash__ source holds
_HOLE = "\0"  # where that number was, in a kept source

# (an attrs without this function, or with other file names, is left as it is)
_original: Any = getattr(_make, "_compile_and_eval", None)
# compile() in attrs' module inherits its future statements: the same flags here
_FLAGS = getattr(getattr(_original, "__code__", None), "co_flags", 0) & sum(
    getattr(_future, name).compiler_flag for name in _future.all_feature_names
)

# file name -> (BLAKE2b of the source with the hash's number taken out, that number or
# None, the code as marshal wrote it): read from the entry as one block of bytes, and
# each class's code decoded only when attrs makes that class
_index: dict[str, tuple[bytes, int | None, bytes | memoryview]] = {}
_added: list[str] = []  # file names compiled in this process, not yet written
_where: list[tuple[str, bytes] | None] = []  # (entry path, key), looked up once
stats = {"kept": 0, "compiled": 0}  # what this process did (tests read it)
_TAG = 64  # hex digits of a tag


def _entry_path() -> tuple[str, bytes] | None:
    if not _where:
        found = None
        folder = cache_folder()
        key = _key(folder) if folder is not None else None
        if folder is not None and key is not None:
            digest = hasher(
                f"{_FORMAT}\0{sys.implementation.cache_tag}\0{sys.version}\0{_FLAGS}".encode()
            ).digest()
            found = (os.path.join(folder, f"{digest.hex()}{_SUFFIX}"), key)
        _where.append(found)
    return _where[0]


def _load() -> None:
    """The index of the kept code, if a genuine entry exists.  An entry is its tag, a
    newline, then the body: the length of the index (8 bytes), the index (marshal: the
    format, then per class its file name, source digest, number and code length), and
    the classes' code one after the other."""
    where = _entry_path()
    if where is None:
        return
    path, key = where
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError:
        return
    body = memoryview(raw)[_TAG + 1 :]
    if raw[_TAG : _TAG + 1] != b"\n" or not _genuine(raw[:_TAG], key, body):
        return  # not written by this user's netrules: never decoded
    try:
        size = int.from_bytes(body[:8], "little")
        fmt, rows = marshal.loads(body[8 : 8 + size])
        if fmt != _FORMAT:
            return
        index = {}
        at = 8 + size
        for name, digest, number, length in rows:
            if not (
                type(name) is str
                and type(digest) is bytes
                and (number is None or type(number) is int)
                and type(length) is int
            ):
                return
            index[name] = (digest, number, body[at : at + length])
            at += length
        if at == len(body):
            _index.update(index)
    except Exception:  # an entry of ours that does not read: compile, as promised
        return


def _rehashed(code: CodeType, script: str, filename: str) -> CodeType | None:
    """``code`` with its ``__hash__`` compiled from ``script``, this process's source
    (its number, and with it where the line's columns end, differ); None when the
    source does not have one such function."""
    lines = script.split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("def __hash__(")]
    kept = [k for k, c in enumerate(code.co_consts) if getattr(c, "co_name", 0) == "__hash__"]
    if len(starts) != 1 or len(kept) != 1:
        return None
    first = end = starts[0]
    end += 1
    while end < len(lines) and lines[end][:1] in (" ", "\t"):
        end += 1
    # the function alone, on the lines it has in the whole source
    alone = "\n" * first + "\n".join(lines[first:end]) + "\n"
    part: CodeType = compile(alone, filename, "exec", _FLAGS, True)
    fresh = [c for c in part.co_consts if getattr(c, "co_name", 0) == "__hash__"]
    if len(fresh) != 1:
        return None
    consts = list(code.co_consts)
    consts[kept[0]] = fresh[0]
    return code.replace(co_consts=tuple(consts))


def _compiled(script: str, filename: str) -> CodeType:
    """What attrs' own ``compile()`` makes of ``script``."""
    stats["compiled"] += 1
    code: CodeType = compile(script, filename, "exec", _FLAGS, True)
    return code


def code_for(script: str, filename: str) -> CodeType:
    """The code of attrs' ``script`` for the methods of a netrules class (``filename``,
    attrs' name for it): kept or compiled."""
    number: int | None = None
    text = script
    if filename.startswith(_METHODS):
        number = hash(_HASH + filename[len(_METHODS) :])
        digits = str(number)
        found = script.count(digits)
        if found == 1 and _HOLE not in script:
            text = script.replace(digits, _HOLE)
        elif found == 0:
            number = None
        else:  # not a source this module knows how to compare: compile, keep nothing
            return _compiled(script, filename)
    digest = hasher(text.encode("utf-8", "surrogatepass")).digest()
    kept = _index.get(filename)
    if kept is not None and kept[0] == digest and (kept[1] is None) == (number is None):
        try:
            code: CodeType | None = marshal.loads(kept[2])
        except Exception:  # pragma: no cover - the tag said this process's kind wrote it
            code = None
        if isinstance(code, CodeType) and kept[1] != number:
            code = _rehashed(code, script, filename)
        if isinstance(code, CodeType):
            stats["kept"] += 1
            return code
    code = _compiled(script, filename)
    _index[filename] = (digest, number, marshal.dumps(code))
    _added.append(filename)
    return code


def _compile_and_eval(
    script: str,
    globs: dict[str, Any] | None = None,
    locs: Any = None,
    filename: str = "",
    *more: Any,
    **named: Any,
) -> Any:
    """attrs' ``_compile_and_eval``, with the code of netrules' classes memoized; a call
    of another form (a later attrs with more parameters) goes to attrs untouched."""
    if more or named or type(filename) is not str or not filename.startswith(_OURS):
        return _original(script, globs, locs, filename, *more, **named)
    eval(code_for(script, filename), globs, locs)
    return None


def flush() -> None:
    """Write the kept code if this process compiled anything new (at the end of a
    module that defines attrs classes)."""
    if not _added:
        return
    del _added[:]
    where = _entry_path()
    if where is None:
        return
    path, key = where
    rows = [(name, digest, number, len(code)) for name, (digest, number, code) in _index.items()]
    index = marshal.dumps((_FORMAT, rows))
    body = b"".join(
        [len(index).to_bytes(8, "little"), index, *(code for _d, _n, code in _index.values())]
    )
    _write(path, _tag(key, body).encode() + b"\n" + body)


if _original is not None:
    _load()
    _make._compile_and_eval = _compile_and_eval
