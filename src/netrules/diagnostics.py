"""Errors as values: a code, a position, a message and a hint; rendering is separate."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

__all__ = [
    "MAX_EXCERPT",
    "MAX_MESSAGE",
    "Diagnostic",
    "Span",
    "Suggester",
    "did_you_mean",
    "normalize_newlines",
    "source_lines",
]

# Output stays linear in the input: a diagnostic shows at most this much of its
# source line (a window around the column) and of its message and hint.
MAX_EXCERPT = 100
MAX_MESSAGE = 300
MAX_CANDIDATES = 1_000  # did-you-mean compares a name with at most this many others


def normalize_newlines(text: str) -> str:
    """Windows ``\\r\\n`` line ends as ``\\n``, and in a file with no ``\\n`` at all (an
    old-Mac file) every ``\\r``: the parser counts lines by ``\\n`` only, and a ``#``
    comment runs to the end of its line.  A lone ``\\r`` in a file that has ``\\n``
    line ends is a character like any other (it may sit inside a string)."""
    if "\r" not in text:
        return text
    if "\n" not in text:
        return text.replace("\r", "\n")
    return text.replace("\r\n", "\n")


def source_lines(text: str) -> list[str]:
    """The lines of a rule file as the parser counts them: split at ``\\n`` only.

    ``str.splitlines`` would also split at form feeds, U+2028 and other separators
    and shift every later diagnostic's excerpt.
    """
    return text.split("\n")


def _clip(text: str | None, limit: int = MAX_MESSAGE) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 3] + "..."


@attrs.frozen(slots=True)
class Span:
    """A region of source text: 1-based lines and columns, end column exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int = 1, column: int = 1) -> Span:
        return cls(line, column, line, column + 1)


@attrs.frozen(slots=True)
class Diagnostic:
    """One problem in a rule file (or in a parameter override).

    ``code`` is stable (NR1xx syntax, NR2xx names and types, NR3xx rule
    metadata and structure, NR4xx evaluation-time input); tests and tools
    match on it, never on the wording.
    """

    code: str
    severity: str  # "error" | "warning"
    message: str
    path: str
    span: Span
    hint: str | None = None
    source_line: str | None = None

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    def one_line(self) -> str:
        """``path:line:col: error[NR201]: message`` (hint appended after ``;``)."""
        text = (
            f"{self.path}:{self.line}:{self.column}: {self.severity}[{self.code}]: "
            f"{_clip(self.message)}"
        )
        return f"{text} (hint: {_clip(self.hint)})" if self.hint else text

    def render(self) -> str:
        """The full form: header, source line, a caret under the span, the hint."""
        out = [
            f"{self.path}:{self.line}:{self.column}: {self.severity}[{self.code}]: "
            f"{_clip(self.message)}"
        ]
        if self.source_line is not None:
            num = str(self.line)
            pad = " " * len(num)
            src = self.source_line.expandtabs(1)
            end = self.span.end_column if self.span.end_line == self.line else len(src) + 1
            start = self.column - 1
            width = max(1, min(end, len(src) + 1) - self.column)
            if len(src) > MAX_EXCERPT:  # a window around the column, never the whole line
                left = max(0, min(start - MAX_EXCERPT // 3, len(src) - MAX_EXCERPT))
                shown = src[left : left + MAX_EXCERPT]
                lead = "..." if left > 0 else ""
                trail = "..." if left + MAX_EXCERPT < len(src) else ""
                src = lead + shown + trail
                start = start - left + len(lead)
                width = max(1, min(width, len(shown) - (start - len(lead)) + 1))
            out.append(f"{pad} |")
            out.append(f"{num} | {src}")
            out.append(f"{pad} | {' ' * start}{'^' * width}")
        if self.hint:
            out.append(f"  = hint: {_clip(self.hint)}")
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (stable keys)."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "severity": self.severity,
            "code": self.code,
            "message": _clip(self.message),
            "hint": _clip(self.hint),
        }


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelt name, or None when nothing is close."""
    return Suggester()(name, candidates)


class Suggester:
    """did-you-mean with a budget: a file with thousands of unknown names costs a
    bounded number of string comparisons in all, not (names x candidates).

    A candidate whose length differs too much to reach the cutoff is never
    compared; each call compares at most MAX_CANDIDATES, and once ``budget``
    comparisons are spent, no more suggestions are made.
    """

    def __init__(self, budget: int = 10_000):
        self.budget = budget

    @property
    def spent(self) -> bool:
        return self.budget <= 0

    def __call__(self, name: str, candidates: Iterable[str]) -> str | None:
        if self.spent or len(name) > MAX_MESSAGE:
            return None
        pool = list(dict.fromkeys(candidates))
        self.budget -= len(pool) // 100  # the cheap passes below count a little too
        if not pool:
            return None
        folded = name.lower()
        for c in pool:
            if c.lower() == folded:
                return c
        # ratio = 2 * matches / (len(a) + len(b)) >= 0.6 needs the shorter one to be
        # at least 3/7 of the longer one
        size = len(name)
        near = [c for c in pool if 3 * max(size, len(c)) <= 7 * min(size, len(c))]
        near = near[: min(MAX_CANDIDATES, max(0, self.budget))]
        self.budget -= len(near)
        import difflib  # here: only a misspelling needs it, and it is slow to import

        found = difflib.get_close_matches(name, near, n=1, cutoff=0.6)
        if found:
            return found[0]
        prefixed = [c for c in pool if c.startswith(name) or name.startswith(c)]
        return prefixed[0] if len(prefixed) == 1 else None
