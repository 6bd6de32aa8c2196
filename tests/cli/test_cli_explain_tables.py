"""`netrules explain` shows the lookup tables a rule reads, with their rows."""

from __future__ import annotations

from netrules.cli import main


def test_explain_lists_tables_and_rows(capsys) -> None:
    """The industry-target rule's explanation shows every industry row and its range."""
    assert main(["explain", "below-industry-target"]) == 0
    out = capsys.readouterr().out
    tables = out.split("Tables:\n", 1)[1].split("\n\n", 1)[0]
    assert "industry_targets" in tables
    assert "Information Technology  500–1,000+" in tables
    assert "Business Services" in tables and "500+" in tables


def test_explain_without_tables_has_no_tables_section(capsys) -> None:
    """A rule that reads no table prints no Tables section."""
    assert main(["explain", "request-to-stranger"]) == 0
    assert "Tables:" not in capsys.readouterr().out
