"""Highlighting: the Pygments lexer and the TextMate grammar follow grammar.lark's keywords."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pygments.token import Comment, Keyword, Name, String

from netrules.pygments_lexer import NetrulesLexer, grammar_words
from netrules.textmate import textmate_grammar

ROOT = Path(__file__).resolve().parents[2]
GRAMMAR = (ROOT / "src" / "netrules" / "grammar.lark").read_text(encoding="utf-8")


def test_every_keyword_of_the_grammar_is_highlighted() -> None:
    """Each quoted word of grammar.lark lexes as a keyword (or constant), never as a name."""
    words = set(re.findall(r'"([a-z]+)"', GRAMMAR))
    assert words, "the grammar has keywords"
    lexer = NetrulesLexer()
    for word in sorted(words):
        tokens = [t for t in lexer.get_tokens(word) if t[1].strip()]
        assert tokens[0][0] in Keyword, (word, tokens)


def test_lexer_is_registered_through_the_entry_point() -> None:
    """Pygments finds the lexer by name and by file name (entry point ``pygments.lexers``)."""
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename

    assert isinstance(get_lexer_by_name("netrules"), NetrulesLexer)
    assert isinstance(get_lexer_for_filename("mine.rules"), NetrulesLexer)


def test_lexer_token_kinds() -> None:
    """Comments, strings with holes, aggregates and names get their own token kinds."""
    text = 'rule "r" { when count(c in connections) > 3  # many\n message "n={x}" }'
    kinds = {value: kind for kind, value in NetrulesLexer().get_tokens(text)}
    assert kinds["# many"] in Comment
    assert kinds["count"] in Name.Builtin
    assert kinds["connections"] in Name
    assert kinds["{x}"] in String.Interpol
    assert "".join(v for _, v in NetrulesLexer().get_tokens(text)) == text + "\n"


def test_textmate_file_is_generated_from_the_grammar() -> None:
    """editors/netrules.tmLanguage.json is what ``python -m netrules.textmate`` prints."""
    committed = json.loads((ROOT / "editors" / "netrules.tmLanguage.json").read_text("utf-8"))
    assert committed == textmate_grammar(), (
        "the grammar changed: regenerate with "
        "python -m netrules.textmate > editors/netrules.tmLanguage.json"
    )


def test_textmate_keywords_match_the_grammar() -> None:
    """The TextMate keyword pattern matches every keyword of the grammar and no plain name."""
    pattern = re.compile(textmate_grammar()["repository"]["keyword"]["match"])
    for word in grammar_words()["keywords"]:
        assert pattern.fullmatch(word), word
    assert not pattern.fullmatch("connections")


def test_lint_highlights_the_quoted_rule_line_on_request(run) -> None:
    """lint --color always colours the quoted source line; never leaves it plain."""
    fixture = str(Path(__file__).resolve().parent / "fixtures" / "lint_me.rules")
    coloured = run("lint", "--no-default-rules", "--color", "always", fixture).out
    plain = run("lint", "--no-default-rules", "--color", "never", fixture).out
    assert "\x1b[" in coloured and "\x1b[" not in plain
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
