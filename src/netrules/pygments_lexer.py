"""A Pygments lexer for rule files, registered as ``netrules`` (entry point ``pygments.lexers``).

The keyword lists are read from grammar.lark (every quoted word in it, the
aggregate and unit patterns), so the highlighting cannot drift from the
language; the builtin functions come from the schema.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any, ClassVar

from pygments.lexer import RegexLexer, words
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

__all__ = ["NetrulesLexer", "grammar_words"]


def grammar_words() -> dict[str, tuple[str, ...]]:
    """``keywords``, ``constants``, ``aggregates`` and ``units`` as grammar.lark spells them."""
    grammar = resources.files("netrules").joinpath("grammar.lark").read_text(encoding="utf-8")
    code = "\n".join(line.split("//", 1)[0] for line in grammar.splitlines())
    quoted = set(re.findall(r'"([a-z]+)"', code))
    constants = {"true", "false", "null"} & quoted
    agg = re.search(r"AGG[.\d]*:\s*/\(([^)]*)\)", code)
    unit = re.search(r"UNIT[.\d]*:\s*/\(([^)]*)\)", code)
    return {
        "keywords": tuple(sorted(quoted - constants)),
        "constants": tuple(sorted(constants)),
        "aggregates": tuple(agg.group(1).split("|")) if agg else (),
        "units": tuple(unit.group(1).split("|")) if unit else (),
    }


def _functions() -> tuple[str, ...]:
    from .schema import FUNCTIONS

    return tuple(sorted(FUNCTIONS))


_W = grammar_words()


class NetrulesLexer(RegexLexer):
    """Rule files of netrules (``*.rules``)."""

    name = "netrules"
    aliases: ClassVar[list[str]] = ["netrules", "rules"]
    filenames: ClassVar[list[str]] = ["*.rules"]
    mimetypes: ClassVar[list[str]] = ["text/x-netrules"]

    tokens: ClassVar[dict[str, list[Any]]] = {
        "root": [
            (r"\s+", Whitespace),
            (r"#.*?$", Comment.Single),
            (r'"""', String.Double, "triple"),
            (r'"', String.Double, "string"),
            (r"\d{4}-\d{2}-\d{2}\b", Number.Other),
            (
                r"\d+(\.\d+)?\s*(" + "|".join(_W["units"]) + r")s?\b",
                Number.Other,
            ),
            (r"\d+\.\.\d+\+?|\d+\+", Number.Other),
            (r"\d+\.\d+%?|\d+%?", Number),
            (words(_W["constants"], suffix=r"\b"), Keyword.Constant),
            (words(_W["aggregates"], suffix=r"\b(?=\s*\()"), Name.Builtin),
            (words(_functions(), suffix=r"\b(?=\s*\()"), Name.Builtin),
            (words(_W["keywords"], suffix=r"\b"), Keyword),
            (r"[A-Za-z_][A-Za-z0-9_]*", Name),
            (r"\?\?|==|!=|<=|>=|[<>+\-*/%]", Operator),
            (r"[{}()\[\],.:=]", Punctuation),
            (r".", Text),
        ],
        "string": [
            (r"\\.", String.Escape),
            (r"\{[^{}\"]*\}", String.Interpol),
            (r'"', String.Double, "#pop"),
            (r'[^"\\{]+', String.Double),
            (r"\{", String.Double),
        ],
        "triple": [
            (r'"""', String.Double, "#pop"),
            (r"\\.", String.Escape),
            (r"\{[^{}\"]*\}", String.Interpol),
            (r'[^"\\{]+', String.Double),
            (r'["{]', String.Double),
        ],
    }
