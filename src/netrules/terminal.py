"""Text from input data made safe to show on a terminal.

Names, messages and cells come from files a user did not write (an export, a
shared rule pack); an escape sequence in one of them must not move the cursor,
retitle the window or hide text when a report or an error is printed.  Control
characters (C0 but tab and newline, DEL, C1), bidirectional overrides and lone
surrogates are shown as escapes (``\\x1b``, ``\\u202e``) instead.
"""

from __future__ import annotations

import re

__all__ = ["json_printable", "printable"]

# C0 controls but TAB and LF, DEL and the C1 controls, the bidi embeddings,
# overrides and isolates, and lone surrogates (never text; not writable as UTF-8).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_ONE_LINE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# In JSON text, control characters are already escaped by json.dumps; the rest
# of the set above is written raw with ensure_ascii=False.
_UNSAFE_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def printable(text: str, *, one_line: bool = False) -> str:
    """``text`` with every unsafe character shown as an escape (``one_line`` escapes LF too)."""
    if text.isascii() and text.isprintable():
        return text
    return (_UNSAFE_ONE_LINE if one_line else _UNSAFE).sub(_escape, text)


def json_printable(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with the unsafe characters
    json leaves raw written as ``\\u`` escapes with four hex digits: the same JSON value, safe to print."""
    if text.isascii():
        return text
    return _UNSAFE_JSON.sub(_json_escape, text)
