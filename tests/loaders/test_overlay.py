"""The overlay file: member context and relationships an archive cannot tell."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from archive_builder import connections

from netrules.errors import InputError
from netrules.loaders.json_doc import network_from_dict
from netrules.loaders.overlay import apply_overlay, load_overlay
from netrules.model import Removal

JANE = "https://www.linkedin.com/in/jane-doe"

TOML = """\
as_of = 2025-01-31

[member]
career_level = "mid-career"
job_seeking = false
situations = ["career-change", "career-change"]
industry = "Software Development"

[relationships]
"jane DOE" = "colleague"
"Bob Roe (2022-09-09)" = "friend"

[[removals]]
connection = "bob roe"
planned_on = 2025-02-15
notified = false
"""

JSON = {
    "as_of": "2025-01-31",
    "member": {
        "career_level": "mid-career",
        "job_seeking": False,
        "situations": ["career-change", "career-change"],
        "industry": "Software Development",
    },
    "relationships": {"jane DOE": "colleague", "Bob Roe (2022-09-09)": "friend"},
    "removals": [{"connection": "bob roe", "planned_on": "2025-02-15", "notified": False}],
}


@pytest.fixture
def network(load: Callable[..., Any]) -> Any:
    rows = [
        ["Jane", "Doe", JANE, "", "", "", "16 Dec 2024"],
        ["Bob", "Roe", "", "", "", "", "09 Sep 2022"],
    ]
    return load({"Connections.csv": connections(rows)})


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["toml", "json"])
def test_overlay_applies_member_relationships_removals(
    tmp_path: Path, network: Any, kind: str
) -> None:
    """TOML and JSON overlays set member context, relationships, removals and as_of."""
    path = _write(tmp_path, f"me.{kind}", TOML if kind == "toml" else json.dumps(JSON))
    out = apply_overlay(network, load_overlay(path))
    m = out.member
    assert (m.career_level, m.job_seeking, m.situations, m.industry) == (
        "mid-career",
        False,
        ("career-change",),
        "Software Development",
    )
    assert m.connection_count == network.member.connection_count
    assert [c.relationship for c in out.connections] == ["colleague", "friend"]
    assert out.removals == (
        Removal("removal-1", "Bob Roe (2022-09-09)", dt.date(2025, 2, 15), False),
    )
    assert out.as_of == dt.date(2025, 1, 31)
    assert network.member.career_level is None  # the input is unchanged


def test_toml_and_json_overlays_agree(tmp_path: Path) -> None:
    """The same overlay written in TOML and in JSON loads to the same value."""
    assert load_overlay(_write(tmp_path, "a.toml", TOML)) == load_overlay(
        _write(tmp_path, "a.json", json.dumps(JSON))
    )


def test_format_sniffed_without_suffix(tmp_path: Path) -> None:
    """A file with another suffix is JSON when it starts with ``{``, else TOML."""
    assert load_overlay(_write(tmp_path, "a.txt", json.dumps(JSON))) == load_overlay(
        _write(tmp_path, "b.conf", TOML)
    )


@pytest.mark.parametrize(
    "ref",
    [
        JANE,
        JANE.upper(),
        "http://linkedin.com/in/jane-doe/",
        "Bob Roe (2022-09-09)",
        "bob roe (2022-09-09)",
    ],
)
def test_relationship_by_connection_id(network: Any, ref: str) -> None:
    """A relationship key can be a connection id in any case, or the URL in any spelling."""
    out = apply_overlay(network, {"relationships": {ref: "mentor"}})
    assert [c.relationship for c in out.connections].count("mentor") == 1


def test_cli_style_dict_and_later_overlays_win(network: Any) -> None:
    """A plain dict (as the CLI options build) applies; a later overlay overrides."""
    first = apply_overlay(network, {"member": {"career_level": "senior", "situations": []}})
    second = apply_overlay(
        first, {"member": {"career_level": "executive", "connection_count": 900}}
    )
    m = second.member
    assert (m.career_level, m.situations, m.connection_count) == ("executive", (), 900)


def test_overlay_on_a_json_document() -> None:
    """Overlays work on any network, not only archives."""
    net = network_from_dict({"connections": [{"id": "c1", "name": "Ann Lee"}]})
    assert (
        apply_overlay(net, {"relationships": {"ann lee": "family"}}).connections[0].relationship
        == "family"
    )


def test_empty_overlay_changes_nothing(network: Any) -> None:
    """An empty overlay returns the network as it was."""
    assert apply_overlay(network, {}) is network


@pytest.mark.parametrize(
    ("text", "location", "message"),
    [
        ('[membr]\ncareer_level = "senior"\n', "membr", "unknown key (did you mean 'member'?)"),
        (
            '[member]\ncarer_level = "senior"\n',
            "member.carer_level",
            "unknown key (did you mean 'career_level'?)",
        ),
        (
            '[member]\ncareer_level = "boss"\n',
            "member.career_level",
            "expected one of student, entry",
        ),
        (
            '[member]\nsituations = ["career-change", "retired"]\n',
            "member.situations[1]",
            "expected one of",
        ),
        (
            '[member]\njob_seeking = "yes"\n',
            "member.job_seeking",
            'expected true or false, got "yes"',
        ),
        (
            '[relationships]\n"Jane Doe" = "bff"\n',
            'relationships."Jane Doe"',
            "expected one of colleague",
        ),
        ('relationships = ["Jane Doe"]\n', "relationships", "expected a table"),
        ('as_of = "soon"\n', "as_of", 'expected a date (YYYY-MM-DD), got "soon"'),
        (
            "[[removals]]\nplanned_on = 2025-01-01\n",
            "removals[0].connection",
            "required, but missing",
        ),
        (
            '[[removals]]\nconnection = "x"\nnotifed = true\n',
            "removals[0].notifed",
            "unknown key (did you mean 'notified'?)",
        ),
    ],
    ids=[
        "top-key",
        "member-key",
        "career-level",
        "situation",
        "job-seeking",
        "relationship",
        "relationships-type",
        "as-of",
        "removal-connection",
        "removal-key",
    ],
)
def test_overlay_errors_name_the_key_path(
    tmp_path: Path, text: str, location: str, message: str
) -> None:
    """Every invalid value or key is an InputError naming the file and key path."""
    path = _write(tmp_path, "me.toml", text)
    with pytest.raises(InputError) as info:
        load_overlay(path)
    assert (info.value.file, info.value.location) == (str(path), location)
    assert message in info.value.message


@pytest.mark.parametrize(
    ("name", "text", "match"),
    [
        ("bad.toml", "[member\n", "invalid TOML"),
        ("bad.json", '{"member": }', "invalid JSON"),
        ("list.json", "[1, 2]", "expected a table of keys"),
    ],
)
def test_unparseable_overlay_files(tmp_path: Path, name: str, text: str, match: str) -> None:
    """Syntax errors in TOML or JSON are InputErrors naming the file."""
    path = _write(tmp_path, name, text)
    with pytest.raises(InputError, match=match) as info:
        load_overlay(path)
    assert info.value.file == str(path)


def test_missing_overlay_file(tmp_path: Path) -> None:
    """A missing overlay file is an InputError."""
    with pytest.raises(InputError, match="no such file"):
        load_overlay(tmp_path / "none.toml")


def test_unknown_connection_has_a_hint(network: Any) -> None:
    """A relationship for nobody names the key and suggests the closest name."""
    with pytest.raises(InputError) as info:
        apply_overlay(network, {"relationships": {"Jane Do": "friend"}}, source="me.toml")
    assert str(info.value) == (
        'me.toml:relationships."Jane Do": no connection has the id or name '
        "\"Jane Do\" (did you mean 'Jane Doe'?)"
    )


def test_ambiguous_name_asks_for_the_id(load: Callable[..., Any]) -> None:
    """A name two connections share is an error listing their ids."""
    rows = [
        ["Jane", "Doe", "", "", "", "", "16 Dec 2024"],
        ["Jane", "Doe", "", "", "", "", "01 Dec 2024"],
    ]
    net = load({"Connections.csv": connections(rows)})
    with pytest.raises(
        InputError,
        match=r'2 connections are named "jane doe"; use the connection id '
        r'instead \("Jane Doe \(2024-12-16\)", "Jane Doe \(2024-12-01\)"\)',
    ):
        apply_overlay(net, {"removals": [{"connection": "jane doe"}]})


def test_duplicate_removal_id(network: Any) -> None:
    """Two removals with the same id are rejected."""
    overlay = {
        "removals": [{"id": "r", "connection": "Jane Doe"}, {"id": "r", "connection": "Bob Roe"}]
    }
    with pytest.raises(InputError, match='duplicate id "r"'):
        apply_overlay(network, overlay)
