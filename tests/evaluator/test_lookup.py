"""Looking an item up by id: ``connections[r.connection]`` and the other collections."""

from __future__ import annotations

import datetime

AS_OF = datetime.date(2025, 1, 1)

REMOVALS = """
rule "r" {
  title "t" severity info
  for each r in removals
  message "{connections[r.connection].name ?? r.connection}"
  evidence { company: connections[r.connection].company }
}
"""


def test_lookup_names_the_connection_of_a_removal(load_text) -> None:
    """A removal's connection id finds the connection, so the message shows its name."""
    doc = {
        "connections": [{"id": "c1", "name": "Ann Lee", "company": "Acme"}],
        "removals": [{"id": "r1", "connection": "c1"}],
    }
    (f,) = load_text(REMOVALS).evaluate(doc, as_of=AS_OF).findings
    assert (f.message, f.evidence) == ("Ann Lee", {"company": "Acme"})


def test_lookup_of_a_missing_id_is_unknown(load_text) -> None:
    """No connection with that id: the lookup is unknown, and so are its fields."""
    doc = {"removals": [{"id": "r1", "connection": "ghost"}]}
    (f,) = load_text(REMOVALS).evaluate(doc, as_of=AS_OF).findings
    assert (f.message, f.evidence) == ("ghost", {"company": None})


def test_lookup_in_a_member_rule_and_unknown_key(load_text) -> None:
    """A member rule can look up too; an unknown key gives an unknown (skipped) rule."""
    text = (
        'rule "r" { title "t" severity info '
        'when connections[member.name].relationship == "friend" message "m" }'
    )
    rs = load_text(text)
    doc = {"member": {"name": "c1"}, "connections": [{"id": "c1", "relationship": "friend"}]}
    assert rs.evaluate(doc, as_of=AS_OF).findings
    report = rs.evaluate({"connections": [{"id": "c1"}]}, as_of=AS_OF)
    assert not report.findings and report.skipped


def test_lookup_key_must_be_a_string(rule_errors) -> None:
    """Looking up by a number is a type error that names the fix."""
    (d,) = rule_errors(
        'rule "r" { title "t" severity info when known(connections[3]) message "m" }'
    )
    assert d.code == "NR203"
    assert "looked up by id" in d.message and "connections[r.connection]" in (d.hint or "")
