"""The strategies keep their promises: valid by construction, round-trippable, loadable."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from prop_support import examples

import netrules
from netrules.loaders import load_network
from netrules.model import CAREER_LEVELS, RELATIONSHIPS, SITUATIONS
from netrules.parser import parse_file
from netrules.printer import print_rule_file
from netrules.strategies import (
    AS_OF,
    network_documents,
    network_to_document,
    networks,
    rule_files,
    rule_sources,
    strip_spans,
)


@given(networks(as_of=st.none() | st.just(AS_OF) | st.dates()))
def test_networks_are_valid_documents(network: netrules.Network) -> None:
    """Unique ids, a connection count covering the list, values from the model's enums;
    and the JSON document of the network loads back as the same value."""
    for items in (
        network.connections,
        network.invitations,
        network.removals,
        network.recommendations_given,
    ):
        ids = [x.id for x in items]
        assert len(ids) == len(set(ids))
    m = network.member
    assert m.connection_count >= len(network.connections)
    assert m.career_level in (None, *CAREER_LEVELS)
    assert m.situations is None or (
        set(m.situations) <= set(SITUATIONS) and len(set(m.situations)) == len(m.situations)
    )
    for c in network.connections:
        assert c.relationship in (None, *RELATIONSHIPS)
    doc = network_to_document(network)
    assert load_network(json.loads(json.dumps(doc))) == network


@settings(max_examples=examples(0.25))
@given(network_documents(max_connections=3, text=False))
def test_network_documents_load(doc: dict) -> None:
    assert isinstance(load_network(doc), netrules.Network)


@settings(max_examples=examples(0.75))
@given(rule_files())
def test_generated_rule_files_load_and_print_back(rule_file) -> None:
    """Valid by construction: the printed file loads without errors (warnings such as
    unused names are fine), and parsing it gives back the same tree."""
    text = print_rule_file(rule_file)
    netrules.load_rules(include_default=False, texts=[("generated.rules", text)])
    parsed, diagnostics = parse_file(text, "generated.rules")
    assert diagnostics == []
    assert strip_spans(parsed) == strip_spans(rule_file)
    assert print_rule_file(parsed) == text


@settings(max_examples=examples(0.5))
@given(
    rule_sources(), st.lists(networks(max_connections=4, max_invitations=3), min_size=1, max_size=3)
)
def test_generated_rules_evaluate_on_generated_networks(source: str, nets: list) -> None:
    """The compiled code of any valid rule file is total: no exception on any network."""
    rules = netrules.load_rules(include_default=False, texts=[("generated.rules", source)])
    active = set(rules.rule_ids())
    for network in nets:
        report = rules.evaluate(network, as_of=network.as_of or AS_OF)
        assert {f.rule for f in report.findings} <= active
        assert json.loads(report.to_json()) == report.to_dict()


@given(st.data())
def test_no_aggregate_over_a_local_collection_inside_another(data: st.DataObject) -> None:
    """Inside an aggregate over ``group``, a second one over ``group`` runs once per item
    and the checker refuses it (NR205); the expression builder must never offer it."""
    from netrules.strategies import _Env, _Exprs

    env = _Env(params={}, tables={}, defines={}, functions={}, locals={"group": "coll:connection"})
    exprs = _Exprs(data.draw)
    inner = env.with_locals({"x": "rec:connection"}, keep=True)
    nested, _elem, _is_group = exprs.collection(inner, 1)
    assert getattr(nested, "name", None) != "group"
