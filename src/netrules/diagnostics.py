"""Errors as values: a code, a position, a message and a hint; rendering is separate."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

import attrs

__all__ = ["Diagnostic", "Span", "did_you_mean"]


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
            f"{self.path}:{self.line}:{self.column}: {self.severity}[{self.code}]: {self.message}"
        )
        return f"{text} (hint: {self.hint})" if self.hint else text

    def render(self) -> str:
        """The full form: header, source line, a caret under the span, the hint."""
        out = [
            f"{self.path}:{self.line}:{self.column}: {self.severity}[{self.code}]: {self.message}"
        ]
        if self.source_line is not None:
            num = str(self.line)
            pad = " " * len(num)
            src = self.source_line.expandtabs(1)
            end = self.span.end_column if self.span.end_line == self.line else len(src) + 1
            width = max(1, min(end, len(src) + 1) - self.column)
            out.append(f"{pad} |")
            out.append(f"{num} | {src}")
            out.append(f"{pad} | {' ' * (self.column - 1)}{'^' * width}")
        if self.hint:
            out.append(f"  = hint: {self.hint}")
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
            "message": self.message,
            "hint": self.hint,
        }


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelt name, or None when nothing is close."""
    pool = list(candidates)
    if not pool:
        return None
    lowered = {c.lower(): c for c in pool}
    if name.lower() in lowered:
        return lowered[name.lower()]
    found = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    if found:
        return found[0]
    prefixed = [c for c in pool if c.startswith(name) or name.startswith(c)]
    return prefixed[0] if len(prefixed) == 1 else None
