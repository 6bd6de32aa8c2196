"""Text from input data made safe to show on a terminal.

Names, messages and cells come from files a user did not write (an export, a
shared rule pack); an escape sequence in one of them must not move the cursor,
retitle the window or hide text when a report or an error is printed.  Control
characters (C0 but tab and newline, DEL, C1), bidirectional overrides and lone
surrogates are shown as escapes (``\\x1b``, ``\\u202e``) instead.
"""

from __future__ import annotations

import functools
import re

__all__ = ["json_printable", "printable"]

# The characters shown as escapes, by pattern name:
_SOURCES = {
    # C0 controls but TAB and LF, DEL and the C1 controls, the bidi embeddings,
    # overrides and isolates, and lone surrogates (never text; not writable as UTF-8).
    "_UNSAFE": "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]",
    "_UNSAFE_ONE_LINE": "[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]",
    # In JSON text, control characters are already escaped by json.dumps; the rest
    # of the set above is written raw with ensure_ascii=False.
    "_UNSAFE_JSON": "[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]",
}


# Compiled on first use: almost every text printed is plain ASCII and never needs them,
# and compiling the three at import was a millisecond of every `netrules check`.
@functools.cache
def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(_SOURCES[name])


def __getattr__(name: str) -> re.Pattern[str]:
    """``_UNSAFE``, ``_UNSAFE_ONE_LINE`` and ``_UNSAFE_JSON``, the compiled patterns."""
    if name in _SOURCES:
        return _pattern(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def printable(text: str, *, one_line: bool = False) -> str:
    """``text`` with every unsafe character shown as an escape (``one_line`` escapes LF too)."""
    if text.isascii() and text.isprintable():
        return text
    return _pattern("_UNSAFE_ONE_LINE" if one_line else "_UNSAFE").sub(_escape, text)


def json_printable(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with the unsafe characters
    json leaves raw written as ``\\u`` escapes with four hex digits: the same JSON value, safe to print."""
    if text.isascii():
        return text if "\x7f" not in text else text.replace("\x7f", "\\u007f")
    if not _json_unsafe(text):
        return text
    return _pattern("_UNSAFE_JSON").sub(_json_escape, text)


# The UTF-8 forms of _UNSAFE_JSON's characters: DEL; C2 80-9F (C1 controls);
# E2 80 AA-AE and E2 81 A6-A9 (bidi).  Lone surrogates have none (encoding fails).
_C1 = frozenset(range(0x80, 0xA0))
_BIDI = frozenset({b"\x80\xaa", b"\x80\xab", b"\x80\xac", b"\x80\xad", b"\x80\xae"}) | frozenset(
    {b"\x81\xa6", b"\x81\xa7", b"\x81\xa8", b"\x81\xa9"}
)


def _json_unsafe(text: str) -> bool:
    """Whether ``text`` holds a character of ``_UNSAFE_JSON``: found in its UTF-8 bytes by
    ``find`` (memchr) for the few lead bytes, several times faster than the regular
    expression over a large report, which then runs only when there is one."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return True
    return utf8_unsafe(data)


def utf8_unsafe(data: bytes) -> bool:
    """Whether UTF-8 text holds a character of ``_UNSAFE_JSON`` (see ``_json_unsafe``);
    also for a report written in encoded parts (a character never spans two)."""
    if b"\x7f" in data:
        return True
    at = data.find(b"\xc2")
    while at != -1:
        if data[at + 1] in _C1:
            return True
        at = data.find(b"\xc2", at + 2)
    at = data.find(b"\xe2")
    while at != -1:
        if data[at + 1 : at + 3] in _BIDI:
            return True
        at = data.find(b"\xe2", at + 3)
    return False
