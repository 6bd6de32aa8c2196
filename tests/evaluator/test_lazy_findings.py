"""Lazy findings (issue 16, point 1): the generated function records what fired and
``Report.findings`` builds each ``Finding`` when read.

The reference here is the eager model as it was before: every record made a
``Finding`` at once, then precedence on ``Subject`` sets, ``findings.aggregate`` per
rule and severity, and a sort by ``Finding.sort_key``.  The lazy report must give
the same findings, field for field (subjects, messages, evidence included), the same
JSON, counts and filters, on the demo, the personas and generated networks.
"""

from __future__ import annotations

import copy
import json
import pickle
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netrules
from netrules.findings import Finding, Findings, Subject, aggregate, dumps
from netrules.loaders import load_network
from netrules.strategies import AS_OF, networks, pack_low_params
from netrules.values import format_value

PERSONAS = Path(__file__).resolve().parent.parent / "pack" / "personas"

LOW = pack_low_params()  # thresholds low enough that the counting rules fire on small networks


@pytest.fixture(scope="module")
def pack() -> netrules.RuleSet:
    return netrules.load_rules()


def eager(rules: netrules.RuleSet, network: Any, as_of: Any, params: Any = None) -> list[Finding]:
    """The findings as the eager evaluator made them, from the same records."""
    compiled = rules._compiled
    values = rules.resolve_params(params) if params else rules._params
    records, _skips, summaries = compiled.function(network, as_of, values, rules._tables)
    made = []
    extra = {}
    for index, severity, sid, vals in records:
        info = compiled.outputs[index]
        message, evidence = info.render(vals)
        f = Finding(
            info.rule,
            severity,
            info.category,
            Subject(info.kind, str(sid)),
            message,
            evidence,
            info.advice,
            info.source,
        )
        made.append(f)
        key = vals[info.key] if info.key is not None else None
        raw = vals[info.label] if info.label is not None else None
        extra[id(f)] = (index, key, None if raw is None else format_value(raw, None))
    hidden: dict[str, set[Subject]] = {}
    hidden_all: set[str] = set()
    for f in made:
        for target in compiled.suppressions.get(f.rule, ()):
            hidden.setdefault(target, set()).add(f.subject)
        hidden_all.update(compiled.hides_all.get(f.rule, ()))
    made = [
        f
        for f in made
        if f.rule not in hidden_all and (f.rule not in hidden or f.subject not in hidden[f.rule])
    ]
    out: list[Finding] = []
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in made:
        if extra[id(f)][0] in summaries:
            groups.setdefault((f.rule, f.severity), []).append(f)
        else:
            out.append(f)
    for group in groups.values():
        if len(group) < 2:
            out.extend(group)
            continue
        index = extra[id(group[0])][0]
        info = compiled.outputs[index]
        out.append(
            aggregate(
                group,
                [extra[id(f)][1] for f in group],
                [extra[id(f)][2] for f in group],
                descending=info.descending,
                show=info.show,
                summary=summaries[index],
            )
        )
    out.sort(key=Finding.sort_key)
    return out


def check(rules: netrules.RuleSet, network: Any, as_of: Any, params: Any = None) -> int:
    """The lazy report agrees with the eager reference in every way it can be read."""
    expected = eager(rules, network, as_of, params)
    report = rules.evaluate(network, as_of=as_of, params=params)
    found = report.findings
    assert isinstance(found, Findings)
    # counting and filtering first: they must not need any finding built
    assert report.summary == {
        sev: sum(f.severity == sev for f in expected) for sev in ("error", "warning", "info")
    }
    assert len(found) == len(expected)
    rules_seen = {f.rule for f in expected}
    for rid in rules_seen:
        assert len(found.where(rule=rid)) == sum(f.rule == rid for f in expected)
    by_category = found.counts("category")
    assert all(v == sum(f.category == k for f in expected) for k, v in by_category.items())
    assert found._built == [None] * len(found)  # nothing built so far
    # serialising streams from the records and gives the documented JSON
    assert report.to_dict()["findings"] == [f.to_dict() for f in expected]
    # reading: equal field for field, subjects included
    assert found == tuple(expected) and tuple(expected) == found
    for got, want in zip(found, expected, strict=True):
        assert (got.rule, got.severity, got.category, got.subject) == (
            want.rule,
            want.severity,
            want.category,
            want.subject,
        )
        assert (got.message, got.evidence, got.advice, got.source) == (
            want.message,
            want.evidence,
            want.advice,
            want.source,
        )
        assert list(got.subjects) == list(want.subjects)
    for sev in ("error", "warning", "info"):
        assert list(found.where(severity=sev)) == [f for f in expected if f.severity == sev]
    return len(expected)


def test_demo(pack) -> None:
    doc = json.loads(resources.files("netrules").joinpath("data/demo.json").read_text("utf-8"))
    net = load_network(doc)
    assert check(pack, net, net.as_of or AS_OF) > 0
    assert check(pack, net, net.as_of or AS_OF, LOW) > 0


@pytest.mark.parametrize("path", sorted(PERSONAS.glob("*.json")), ids=lambda p: p.stem)
def test_personas(pack, path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    doc = dict(data["network"])
    doc.setdefault("as_of", data.get("as_of"))
    net = load_network(doc)
    check(pack, net, net.as_of or AS_OF)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    network=networks(max_connections=20, max_invitations=10, max_removals=5),
    params=st.sampled_from((None, LOW)),
)
def test_generated_networks(pack, network, params) -> None:
    check(pack, network, network.as_of or AS_OF, params)


def test_aggregated_subjects_are_built_when_read(pack) -> None:
    """An aggregated finding's subjects are a Findings of their own: built one by one."""
    from benchmarks import generate

    net = generate.network(400, n_invitations=100, n_removals=20, seed=2)
    report = pack.evaluate(net, as_of=generate.AS_OF)
    group = next(f for f in report.findings if f.aggregated)
    assert isinstance(group.subjects, Findings)
    named = group.evidence["named"]
    built = [b for b in group.subjects._built if b is not None]
    assert len(built) <= len(named)  # at most the ones named by their message
    first = group.subjects[0]
    assert group.subjects[0] is first  # built once, then kept
    report.to_dict()
    assert sum(b is not None for b in group.subjects._built) <= len(named) + 1


def test_copies_and_pickles_are_plain_tuples(pack) -> None:
    """Generated render functions do not pickle; a pickled report holds its findings."""
    from benchmarks import generate

    net = generate.network(200, n_invitations=50, n_removals=10, seed=3)
    report = pack.evaluate(net, as_of=generate.AS_OF)
    again = pickle.loads(pickle.dumps(report.findings))
    assert isinstance(again, tuple)
    assert again == report.findings
    assert [f.to_dict() for f in again] == report.to_dict()["findings"]
    assert copy.deepcopy(report.findings) == again


def test_slices_sums_and_filters_keep_the_sequence_behaviour(pack) -> None:
    from benchmarks import generate

    net = generate.network(200, n_invitations=50, n_removals=10, seed=4)
    found = pack.evaluate(net, as_of=generate.AS_OF).findings
    whole = tuple(found)
    assert tuple(found[1:3]) == whole[1:3]
    assert found[-1] == whole[-1]
    assert found + () == whole and () + found == whole
    assert found.where(severity=["error", "warning"]) == tuple(
        f for f in whole if f.severity != "info"
    )
    assert found.where(category="nothing-like-this") == ()
    assert not found.where(rule=())
    with pytest.raises(ValueError):
        found.counts("subject")


def test_json_text_read_once_then_handed_to_the_writer(pack) -> None:
    """The command line reads the JSON text (looking for e-mail addresses) before it
    writes it: the writer gets that text once, then it is written anew."""
    doc = json.loads(resources.files("netrules").joinpath("data/demo.json").read_text("utf-8"))
    net = load_network(doc)
    report = pack.evaluate(net, as_of=net.as_of or AS_OF)
    findings = report.findings
    assert isinstance(findings, Findings)
    fresh = findings._json()
    assert fresh == dumps(findings.to_dicts())
    peeked = findings._peek_parts()
    assert "".join(peeked) == fresh
    assert findings._json_parts() is peeked  # handed over once
    again = findings._json_parts()
    assert "".join(again) == fresh and again is not peeked  # then written anew
    assert report.to_json() == dumps(report.to_dict())
