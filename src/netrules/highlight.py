"""Colour for terminals: rule text, diffs of rule text.

Pygments (a dependency of rich) does the work; this module is imported only
when output goes to a terminal that wants colour.
"""

from __future__ import annotations

__all__ = ["highlight_diff"]


def highlight_diff(diff: str) -> str:
    """A unified diff coloured for a terminal."""
    from pygments import highlight
    from pygments.formatters import TerminalFormatter
    from pygments.lexers import DiffLexer

    coloured: str = highlight(diff, DiffLexer(), TerminalFormatter())
    return coloured


def highlight_rules(text: str) -> str:
    """Rule-language text coloured for a terminal (explain output, rule files)."""
    from pygments import highlight
    from pygments.formatters import TerminalFormatter

    from .pygments_lexer import NetrulesLexer

    coloured: str = highlight(text, NetrulesLexer(), TerminalFormatter())
    return coloured
