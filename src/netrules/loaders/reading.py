"""Reading bytes and JSON with limits: every input is bounded before it is parsed.

A network document, an overlay, standard input or a rule file is read with a
size limit (``/dev/zero`` or a runaway pipe stops at the limit, it never fills
memory), decoded as strict UTF-8 whatever the locale says, and JSON is parsed
strictly: duplicate keys, ``NaN``, numbers with more digits than any count
could have and nesting deeper than Python's stack are errors with the file
named, not crashes.  docs/semantics.md lists the limits.
"""

from __future__ import annotations

import json
import os
from typing import IO, Any

from ..errors import InputError

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_NUMBER_DIGITS",
    "MAX_OVERLAY_BYTES",
    "MAX_RULE_FILE_BYTES",
    "HugeNumber",
    "decode_utf8",
    "loads_json",
    "read_file",
    "read_stream",
]

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024  # a JSON network document or standard input
MAX_OVERLAY_BYTES = 16 * 1024 * 1024  # an overlay file (TOML or JSON)
MAX_RULE_FILE_BYTES = 8 * 1024 * 1024  # one rule file
MAX_NUMBER_DIGITS = 30  # a whole number longer than this cannot be a count or a year


def _mib(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB"


def read_file(path: str | os.PathLike[str], limit: int, *, label: str | None = None) -> bytes:
    """The bytes of a file, or InputError when it is unreadable or larger than ``limit``."""
    shown = label if label is not None else os.fsdecode(path)
    try:
        with open(path, "rb") as fh:
            return read_stream(fh, limit, label=shown)
    except FileNotFoundError:
        raise InputError("no such file", file=shown) from None
    except IsADirectoryError:
        raise InputError("is a folder, expected a file", file=shown) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=shown) from None
    except ValueError:  # an embedded NUL in the path
        raise InputError("not a valid file name", file=shown) from None


def read_stream(stream: IO[bytes], limit: int, *, label: str) -> bytes:
    """Read a binary stream to its end, refusing (InputError) more than ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise InputError(
                f"larger than the {_mib(limit)} limit for this kind of input "
                "(docs/semantics.md, Limits)",
                file=label,
            )
    return b"".join(chunks)


def decode_utf8(raw: bytes, *, label: str, expected: str) -> str:
    """Strict UTF-8 (a BOM is dropped); InputError names the line of the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); expected {expected}",
            file=label,
            location=f"line {line}",
        ) from None


class HugeNumber:
    """A JSON whole number with more than MAX_NUMBER_DIGITS digits, kept as its size only.

    Converting such text to ``int`` costs quadratic time (Python refuses past
    4,300 digits); no field can hold one, so the checks report it by path.
    """

    __slots__ = ("digits",)

    def __init__(self, digits: int):
        self.digits = digits

    def __repr__(self) -> str:
        return f"a number with {self.digits} digits"


class _Refused(Exception):
    def __init__(self, message: str):
        self.message = message


def _parse_int(text: str) -> int | HugeNumber:
    if len(text) > MAX_NUMBER_DIGITS:
        return HugeNumber(len(text.lstrip("-")))
    return int(text)


def _parse_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON value (JSON has no NaN or Infinity)")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _Refused(
                    f"duplicate key {json.dumps(key)} in one object "
                    "(JSON readers disagree on which one counts; keep one)"
                )
            seen.add(key)
    return out


def loads_json(raw: bytes | str, *, label: str, expected: str = "a JSON document") -> Any:
    """Parse JSON strictly; InputError names the file and, where known, line and column."""
    text = decode_utf8(raw, label=label, expected=expected) if isinstance(raw, bytes) else raw
    try:
        return json.loads(
            text,
            parse_int=_parse_int,
            parse_constant=_parse_constant,
            object_pairs_hook=_object,
        )
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg}",
            file=label,
            location=f"line {exc.lineno} column {exc.colno}",
        ) from None
    except _Refused as exc:
        raise InputError(f"invalid JSON: {exc.message}", file=label) from None
    except RecursionError:
        raise InputError(
            "invalid JSON: nested too deeply (a network document is a few levels deep)",
            file=label,
        ) from None
