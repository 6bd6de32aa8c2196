"""Edge cases found in review: nulls in lists, list parameters, odd sources, the parse cache."""

from __future__ import annotations

import pytest

import netrules
from netrules import parse_cache


@pytest.mark.parametrize(
    ("doc", "where"),
    [
        ({"connections": [None]}, "connections[0]"),
        ({"member": {"employers": [None]}}, "member.employers[0]"),
        ({"member": {"situations": [None]}}, "member.situations[0]"),
    ],
)
def test_null_items_are_input_errors(doc: dict, where: str) -> None:
    """A null where a list needs an item is an InputError naming its JSON path."""
    with pytest.raises(netrules.InputError) as err:
        netrules.load_network(doc)
    assert err.value.location == where


def test_non_mapping_source_is_an_input_error() -> None:
    """load_network of something that is neither a path nor a dict says so."""
    with pytest.raises(netrules.InputError, match="expected a path or a JSON object"):
        netrules.load_network([])  # type: ignore[arg-type]


def test_datetime_strings_are_not_dates() -> None:
    """Facts are days: a date with a time attached is refused, as the schema says."""
    with pytest.raises(netrules.InputError, match="expected a date"):
        netrules.load_network({"as_of": "2024-12-16T10:00:00"})


def test_example_data_keeps_nulls_in_lists() -> None:
    """A null inside example data is kept (and then judged by the loader), never dropped."""
    text = (
        'rule "r" {\n title "t"\n severity info\n message "m"\n'
        " example fires { member: { connection_count: 0, situations: [null] } }\n}\n"
    )
    with pytest.raises(netrules.RuleError) as err:
        netrules.load_rules(texts=[("x.rules", text)], include_default=False)
    assert [d.code for d in err.value.diagnostics] == ["NR313"]
    assert "member.situations[0]" in err.value.diagnostics[0].message


def test_list_parameter_items_are_checked() -> None:
    """A list parameter override with an item of the wrong type is refused up front."""
    text = (
        'param names = ["a", "b"]\nrule "r" {\n title "t"\n severity info\n'
        ' when min(x in names : x) == "a"\n message "m"\n}\n'
    )
    rules = netrules.load_rules(texts=[("x.rules", text)], include_default=False)
    with pytest.raises(netrules.RuleError) as err:
        rules.evaluate({}, params={"names": ["b", 1]})
    assert err.value.diagnostics[0].code == "NR310"
    assert rules.evaluate({}, params={"names": ["a"]}).findings[0].rule == "r"


def test_parse_cache_key_follows_the_parser_code(monkeypatch, tmp_path) -> None:
    """A cached tree is reused only for the same text, name and tree-building code."""
    monkeypatch.setenv("NETRULES_CACHE_DIR", str(tmp_path))
    calls = []

    def parse(text: str, shown: str):
        calls.append(shown)
        from netrules.parser import parse_file

        return parse_file(text, shown)

    text = 'rule "r" {\n title "t"\n severity info\n message "m"\n}\n'
    first, _ = parse_cache.parse_cached(parse, text, "a.rules")
    again, _ = parse_cache.parse_cached(parse, text, "a.rules")
    _other, _ = parse_cache.parse_cached(parse, text, "b.rules")
    assert calls == ["a.rules", "b.rules"]
    assert again.items[0].id == first.items[0].id == "r"
    assert len(list(tmp_path.glob("*.json"))) == 2


def test_a_lone_csv_file_is_explained(tmp_path) -> None:
    """Pointing at Connections.csv alone says to pass the archive or its folder."""
    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name\n", encoding="utf-8")
    with pytest.raises(netrules.InputError, match=r"pass the export \.zip"):
        netrules.load_network(path)


def test_definitions_of_disabled_rules_are_not_computed() -> None:
    """Only definitions the active rules read are compiled, so disabling a rule saves its cost."""
    pack = netrules.load_rules()
    assert "D_active_days" in pack.source
    without = pack.disable("suspected-purchased-connections")
    assert "D_active_days" not in without.source
    assert "D_acceptable_situation" in without.source
