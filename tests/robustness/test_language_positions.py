"""Line ends and separators never shift a diagnostic; override files load last."""

from __future__ import annotations

import pytest

import netrules

BASE = '# a comment\nrule "a" {\n  title "t"\n  severity info\n  when member.conection_count > 1\n  message "m"\n}\n'


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (BASE.replace("\n", "\r"), 5),
        (BASE.replace("\n", "\r\n"), 5),
        ("# form\f feed\n" + BASE, 6),
        ("# line\u2028separator\n" + BASE, 6),
        ("# next\x85line\n" + BASE, 6),
        (
            'param s = "a\rb"\n' + BASE.replace("member.conection", "member.conection"),
            6,
        ),
    ],
    ids=["old-mac-cr", "crlf", "form-feed", "u2028", "nel", "cr-inside-string"],
)
def test_diagnostic_line_and_excerpt_survive_line_ends(text: str, line: int) -> None:
    """The unknown field is found (the comment did not swallow the file) on its own line."""
    with pytest.raises(netrules.RuleError) as info:
        netrules.load_rules(include_default=False, texts=[("p.rules", text)])
    d = next(d for d in info.value.diagnostics if d.code == "NR202")
    assert (line, 15, "  when member.conection_count > 1") == (
        d.line,
        d.column,
        d.source_line,
    )


def test_override_file_loads_after_the_file_it_changes(tmp_path) -> None:
    """team-override.rules sorts first but loads last: team.rules' example sees its own value."""
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "team.rules").write_text(
        'param small = 10 "s"\n'
        'rule "tiny" {\n  title "t"\n  severity info\n'
        '  when member.connection_count < small\n  message "m"\n'
        "  example fires { member: { connection_count: 5 } }\n}\n",
        encoding="utf-8",
    )
    (folder / "team-override.rules").write_text("set small = 3\n", encoding="utf-8")
    rules = netrules.load_rules(folder, include_default=False)
    assert 3 == rules.params["small"]
    assert all(rules.run_example(case).ok for case in rules.examples())
    assert [] == [f.rule for f in rules.evaluate({"member": {"connection_count": 5}}).findings]
