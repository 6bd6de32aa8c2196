"""The TextMate grammar (JSON) for editors, generated from grammar.lark's keywords.

``python -m netrules.textmate > editors/netrules.tmLanguage.json`` regenerates
the committed file; a test fails when the two differ, so the editor grammar
cannot drift from the language.  VS Code, Sublime Text, TextMate and GitHub's
linguist all read this format.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["textmate_grammar"]


def _alt(words: tuple[str, ...]) -> str:
    return "|".join(sorted(words, key=lambda w: (-len(w), w)))


def textmate_grammar() -> dict[str, Any]:
    """The grammar as a JSON-ready dict (scope ``source.netrules``)."""
    from .pygments_lexer import _functions, grammar_words

    w = grammar_words()
    interpolation = {
        "name": "meta.interpolation.netrules",
        "match": r"\{[^{}\"]*\}",
    }
    escape = {"name": "constant.character.escape.netrules", "match": r"\\."}
    return {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "name": "netrules",
        "scopeName": "source.netrules",
        "fileTypes": ["rules"],
        "patterns": [
            {"include": "#comment"},
            {"include": "#string"},
            {"include": "#literal"},
            {"include": "#keyword"},
            {"include": "#function"},
            {"include": "#operator"},
        ],
        "repository": {
            "comment": {"name": "comment.line.number-sign.netrules", "match": "#.*$"},
            "string": {
                "patterns": [
                    {
                        "name": "string.quoted.triple.netrules",
                        "begin": '"""',
                        "end": '"""',
                        "patterns": [escape, interpolation],
                    },
                    {
                        "name": "string.quoted.double.netrules",
                        "begin": '"',
                        "end": '"',
                        "patterns": [escape, interpolation],
                    },
                ]
            },
            "literal": {
                "patterns": [
                    {
                        "name": "constant.other.date.netrules",
                        "match": r"\b\d{4}-\d{2}-\d{2}\b",
                    },
                    {
                        "name": "constant.numeric.duration.netrules",
                        "match": r"\b\d+\s*(" + _alt(w["units"]) + r")s?\b",
                    },
                    {
                        "name": "constant.numeric.range.netrules",
                        "match": r"\b\d+\.\.\d+\+?|\b\d+\+",
                    },
                    {"name": "constant.numeric.netrules", "match": r"\b\d+(\.\d+)?%?"},
                    {
                        "name": "constant.language.netrules",
                        "match": r"\b(" + _alt(w["constants"]) + r")\b",
                    },
                ]
            },
            "keyword": {
                "name": "keyword.control.netrules",
                "match": r"\b(" + _alt(w["keywords"]) + r")\b",
            },
            "function": {
                "name": "support.function.netrules",
                "match": r"\b(" + _alt(w["aggregates"] + _functions()) + r")(?=\s*\()",
            },
            "operator": {
                "name": "keyword.operator.netrules",
                "match": r"\?\?|==|!=|<=|>=|[<>+\-*/%=]",
            },
        },
    }


def main() -> None:
    print(json.dumps(textmate_grammar(), indent=2))


if __name__ == "__main__":
    main()
