"""Invariants of the bundled rule pack on generated networks."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prop_support import examples

import netrules
from netrules.model import CAREER_LEVELS, SITUATIONS
from netrules.printer import print_expr
from netrules.strategies import AS_OF, PACK_INDUSTRIES, connections, networks, pack_low_params
from netrules.values import Duration

ZERO_RULES = {"zero-connections", "zero-connections-acceptable"}
BELOW_RULES = {
    "below-industry-target",
    "below-career-target",
    "below-job-seeker-target",
    "below-every-target",
}
ITEM_KINDS = {
    "connection": "connections",
    "invitation": "invitations",
    "removal": "removals",
    "recommendation": "recommendations_given",
}

# Thresholds low enough that the count-based rules fire on small generated networks.
LOW_THRESHOLDS = pack_low_params()
PARAMS = st.sampled_from((None, LOW_THRESHOLDS))

# Networks whose items collide often (few people and relationships, no free text), and
# networks with everything the model allows.
NARROW = networks(
    max_connections=8,
    max_invitations=8,
    max_removals=4,
    max_recommendations=4,
    text=False,
    relationship=st.sampled_from(("none", "online-only", "colleague", None)),
)
WIDE = networks(max_connections=8, max_invitations=8, max_removals=4, max_recommendations=4)


@pytest.fixture(scope="module")
def pack() -> netrules.RuleSet:
    return netrules.load_rules()


def _evaluate(
    pack: netrules.RuleSet, network: netrules.Network, params: dict[str, Any] | None = None
) -> netrules.Report:
    return pack.evaluate(network, as_of=network.as_of or AS_OF, params=params)


def _outcome(report: netrules.Report) -> list[tuple[str, str, str, str, str]]:
    return sorted(
        (f.rule, f.subject.kind, f.subject.id, f.severity, f.message) for f in report.findings
    )


def _evidence(report: netrules.Report) -> list[str]:
    return sorted(
        json.dumps([f.rule, f.subject.id, f.to_dict()["evidence"]], sort_keys=True)
        for f in report.findings
    )


def _subjects(report: netrules.Report, rules: set[str]) -> set[tuple[str, str]]:
    return {(f.rule, f.subject.id) for f in report.findings if f.rule in rules}


def test_low_thresholds_name_pack_parameters(pack: netrules.RuleSet) -> None:
    assert set(LOW_THRESHOLDS) <= set(pack.params)


def test_the_strategies_know_the_pack_tables(pack: netrules.RuleSet) -> None:
    """PACK_INDUSTRIES and CAREER_LEVELS are the row keys of the pack's target tables."""
    keys = [set(t.keys.values()) for t in pack.program.tables.values()]
    assert set(PACK_INDUSTRIES) in keys
    assert set(CAREER_LEVELS) in keys


@settings(max_examples=5)
@given(network=NARROW)
def test_a_fresh_load_gives_the_same_report(
    pack: netrules.RuleSet, network: netrules.Network
) -> None:
    again = netrules.load_rules()
    assert _evaluate(again, network).to_json() == _evaluate(pack, network).to_json()


@settings(max_examples=examples(2.5))
@given(network=st.one_of(NARROW, WIDE), params=PARAMS, data=st.data())
def test_order_of_items_does_not_matter(
    pack: netrules.RuleSet, params: Any, network: netrules.Network, data: st.DataObject
) -> None:
    """Shuffling connections, invitations, removals or recommendations changes no finding:
    the same rules, subjects, severities, messages and evidence."""
    shuffled = attrs.evolve(
        network,
        connections=tuple(data.draw(st.permutations(network.connections), "connections")),
        invitations=tuple(data.draw(st.permutations(network.invitations), "invitations")),
        removals=tuple(data.draw(st.permutations(network.removals), "removals")),
        recommendations_given=tuple(
            data.draw(st.permutations(network.recommendations_given), "recommendations")
        ),
    )
    before = _evaluate(pack, network, params)
    after = _evaluate(pack, shuffled, params)
    assert _outcome(after) == _outcome(before)
    assert _evidence(after) == _evidence(before)
    assert [s.to_dict() for s in after.skipped] == [s.to_dict() for s in before.skipped]


def test_reordered_recommendations_give_the_same_messages(pack: netrules.RuleSet) -> None:
    """Reordering recommendations changes no message: collect() sorts what it gathers."""
    recs = tuple(
        netrules.Recommendation(id=f"rec{k}", person=name, relationship="none")
        for k, name in ((1, "Ann Lee"), (2, "Bo Chen"))
    )
    network = netrules.Network(
        member=netrules.Member(connection_count=0), recommendations_given=recs
    )
    reordered = attrs.evolve(network, recommendations_given=recs[::-1])
    assert _outcome(_evaluate(pack, network)) == _outcome(_evaluate(pack, reordered))


def _more_connections(network: netrules.Network, extra: tuple, uncounted: int) -> netrules.Network:
    start = len(network.connections)
    added = tuple(attrs.evolve(c, id=f"c{start + k + 1}") for k, c in enumerate(extra))
    member = attrs.evolve(
        network.member, connection_count=network.member.connection_count + len(added) + uncounted
    )
    return attrs.evolve(network, member=member, connections=network.connections + added)


@given(
    network=networks(max_connections=5, extra_connections=st.integers(0, 1200)),
    extra=connections(max_size=4),
    uncounted=st.integers(0, 600),
)
def test_more_connections_never_add_a_target_finding(
    pack: netrules.RuleSet, network: netrules.Network, extra: tuple, uncounted: int
) -> None:
    """Adding connections (and raising connection_count to match) adds no zero or
    below-target finding.  The one way a below-target finding can appear is when a
    finding that suppressed it (a zero finding, or a more specific size finding) goes
    away: one member gets one size finding, the most specific that applies."""
    suppressors = {
        hidden: {ri.node.id for ri in pack.program.rules if hidden in dict(ri.node.suppresses)}
        for hidden in BELOW_RULES
    }
    rules = ZERO_RULES | BELOW_RULES
    before = _subjects(_evaluate(pack, network), rules)
    after = _subjects(_evaluate(pack, _more_connections(network, extra, uncounted)), rules)
    gone = {rule for rule, _ in before - after}
    for rule, subject in after - before:
        assert rule in BELOW_RULES and suppressors[rule] & gone, (rule, subject)


@given(
    network=networks(
        situation=st.lists(st.sampled_from(SITUATIONS), min_size=1, max_size=3, unique=True).map(
            tuple
        ),
        extra_connections=st.integers(0, 1200),
    )
)
def test_acceptable_situations_only_inform(
    pack: netrules.RuleSet, network: netrules.Network
) -> None:
    """With a declared situation that began recently, the zero and below-target rules say at
    most info (the member joined a month ago, has no job and no school on record)."""
    day = network.as_of or AS_OF
    member = attrs.evolve(
        network.member, joined_on=day - dt.timedelta(days=30), employers=(), schools=()
    )
    for f in _evaluate(pack, attrs.evolve(network, member=member)).findings:
        if f.rule in ZERO_RULES | BELOW_RULES:
            assert f.severity == "info", f


@given(
    network=networks(
        situation=st.sampled_from(
            ("career-break", "career-change", "selective-networker", "recent-graduate")
        ).map(lambda s: (s,)),
        extra_connections=st.integers(0, 1200),
    )
)
def test_a_situation_explains_only_at_first(
    pack: netrules.RuleSet, network: netrules.Network
) -> None:
    """Two years after the situation began (joining, the current job, the last school),
    it no longer lowers a zero or below-target finding: they are warnings again."""
    long_ago = (network.as_of or AS_OF) - dt.timedelta(days=730)
    member = attrs.evolve(
        network.member,
        joined_on=long_ago,
        employers=(netrules.model.Employer("Acme", None, long_ago, None),),
        schools=(netrules.model.School("State University", None, None, long_ago),),
    )
    for f in _evaluate(pack, attrs.evolve(network, member=member)).findings:
        assert f.rule != "zero-connections-acceptable", f
        if f.rule in ZERO_RULES | BELOW_RULES:
            assert f.severity == "warning" or f.evidence.get("match") == "low", f


# Opposite stances: no subject may get a finding from both sides.
OPPOSED = (
    ({"check-in-due"}, {"inactive-connection", "outdated-connection"}),  # keep in touch / remove
    ({"request-follow-up"}, {"request-after-decline"}),  # remind / stop
)


@settings(max_examples=examples(1.5))
@given(network=st.one_of(NARROW, WIDE), params=PARAMS)
def test_one_stance_per_subject(
    pack: netrules.RuleSet, params: Any, network: netrules.Network
) -> None:
    """A connection is never told both to keep in touch and to consider removing, and a
    person never both that one reminder is fine and to stop (aggregated findings included)."""
    report = _evaluate(pack, network, params)
    rules_of: dict[tuple[str, str], set[str]] = {}
    for g in report.findings:
        for f in g.subjects or (g,):
            rules_of.setdefault((f.subject.kind, f.subject.id), set()).add(f.rule)
    for subject, rules in rules_of.items():
        for keep, drop in OPPOSED:
            assert not (rules & keep and rules & drop), (subject, sorted(rules))


@pytest.fixture(scope="module")
def group_key_probe(pack: netrules.RuleSet) -> tuple[netrules.RuleSet, dict[str, str]]:
    """The pack plus one per-item rule per group rule, reporting each item's group key.

    The probe prints the group rule's own ``where`` and ``group by`` expressions, so
    it computes exactly the keys the group rule can report.
    """
    rules = []
    probes = {}
    for info in pack.program.rules:
        fe = info.node.for_each
        if fe is None or fe.group_key is None:
            continue
        probe = f"probe-{info.node.id}"
        probes[probe] = info.node.id
        where = f" where {print_expr(fe.where)}" if fe.where is not None else ""
        key = print_expr(fe.group_key)
        rules.append(
            f'rule "{probe}" {{\n  title "probe"\n  severity info\n'
            f"  for each {fe.var} in {print_expr(fe.collection)}{where}\n"
            f'  when known({key})\n  message "key"\n  evidence {{ key: {key} }}\n}}\n'
        )
    return netrules.load_rules(texts=[("probe.rules", "\n".join(rules))]), probes


@settings(max_examples=examples(1.5))
@given(network=st.one_of(NARROW, WIDE), params=PARAMS)
def test_findings_are_about_things_in_the_input(
    pack: netrules.RuleSet, group_key_probe: Any, params: Any, network: netrules.Network
) -> None:
    """Never raises; every rule is the pack's; every subject is the member, an item of the
    input, or a group key that some item has."""
    report = _evaluate(pack, network, params)
    probe_set, probes = group_key_probe
    keys: dict[str, set[str]] = {}
    for f in _evaluate(probe_set, network, params).findings:
        if f.rule in probes:
            keys.setdefault(probes[f.rule], set()).add(str(f.evidence["key"]))
    ids = {kind: {x.id for x in getattr(network, coll)} for kind, coll in ITEM_KINDS.items()}
    active = set(pack.rule_ids())
    each = [f for g in report.findings for f in (g.subjects or (g,))]  # aggregated: every subject
    for f in each:
        assert f.rule in active
        info = pack.rule(f.rule)
        if info.collection is None:
            assert (f.subject.kind, f.subject.id) == ("member", "member"), f
        elif f.subject.kind in ids:
            assert f.subject.id in ids[f.subject.kind], f
        else:
            assert f.subject.id in keys.get(f.rule, set()), f


def _report_schema() -> dict[str, Any]:
    path = resources.files("netrules").joinpath("schemas/report.schema.json")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report_validator() -> Any:
    schema = _report_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@settings(max_examples=examples(1))
@given(network=st.one_of(NARROW, WIDE), params=PARAMS)
def test_reports_are_deterministic_json_that_follows_the_schema(
    pack: netrules.RuleSet, report_validator: Any, params: Any, network: netrules.Network
) -> None:
    """The same network gives byte-for-byte the same report, whose JSON reads back as
    to_dict() and validates against schemas/report.schema.json."""
    report = _evaluate(pack, network, params)
    assert _evaluate(pack, network, params).to_json() == report.to_json()
    data = json.loads(report.to_json())
    assert data == report.to_dict()
    report_validator.validate(data)


def _durations(unit: str) -> Any:
    make = {"days": lambda k: Duration(0, k), "months": lambda k: Duration(k, 0)}[unit]
    return st.tuples(
        st.integers(0, 2000 if unit == "days" else 120),
        st.integers(0, 2000 if unit == "days" else 120),
    ).map(lambda t: (make(min(t)), make(max(t))))


# (parameter, rule, which way the rule can only go when the parameter is raised)
MONOTONE = [
    ("inactive_after", "inactive-connection", "fewer"),
    ("outdated_after", "outdated-connection", "fewer"),
    ("check_in_interval", "check-in-due", "fewer"),
    ("dormant_window", "dormant-network", "fewer"),
    ("recommendation_gap", "no-recent-recommendations", "fewer"),
    ("follow_up_after", "request-follow-up", "fewer"),
    ("mass_removal_window", "mass-removal", "more"),
    ("recommendation_span", "recommendations-in-bulk", "more"),
    ("redundant_company_max", "redundant-company", "fewer"),
    ("mass_removal_max", "mass-removal", "fewer"),
    ("stranger_invitations_min", "mass-requests-from-strangers", "fewer"),
    ("accept_min_invitations", "accepts-everything", "fewer"),
    ("accept_share_max", "accepts-everything", "fewer"),
    ("identical_note_min", "request-not-individualized", "fewer"),
    ("max_follow_ups", "request-after-decline", "fewer"),
    ("burst_min", "suspected-purchased-connections", "fewer"),
    ("recommendation_colleagues_min", "no-recent-recommendations", "fewer"),
    ("dormant_min_connections", "dormant-network", "fewer"),
]


@pytest.mark.parametrize(
    "param, rule, direction", MONOTONE, ids=[f"{p}-{d}" for p, _r, d in MONOTONE]
)
@settings(max_examples=examples(0.3))
@given(
    network=networks(
        max_connections=8, max_invitations=8, max_removals=6, max_recommendations=4, past_days=1500
    ),
    data=st.data(),
)
def test_raising_a_parameter_moves_its_rule_one_way(
    pack: netrules.RuleSet,
    param: str,
    rule: str,
    direction: str,
    network: netrules.Network,
    data: st.DataObject,
) -> None:
    """E.g. raising ``inactive_after`` never adds an inactive-connection finding."""
    default = pack.params[param]
    if isinstance(default, Duration):
        low, high = data.draw(_durations("days" if default.days else "months"), "durations")
    elif isinstance(default, float):
        low, high = sorted(data.draw(st.tuples(st.floats(0, 1), st.floats(0, 1)), "shares"))
    else:
        low, high = sorted(data.draw(st.tuples(st.integers(0, 12), st.integers(0, 12)), "counts"))
    base = {**LOW_THRESHOLDS}
    base.pop(param, None)
    at_low = _subjects(_evaluate(pack, network, {**base, param: low}), {rule})
    at_high = _subjects(_evaluate(pack, network, {**base, param: high}), {rule})
    if direction == "fewer":
        assert at_high <= at_low
    else:
        assert at_low <= at_high


@settings(max_examples=examples(0.25))
@given(
    network=networks(
        as_of=st.sampled_from((dt.date(1, 1, 1), dt.date(9999, 12, 31))), max_connections=4
    )
)
def test_dates_at_the_ends_of_the_calendar(
    pack: netrules.RuleSet, network: netrules.Network
) -> None:
    """as_of on the first or last day of the calendar still evaluates (no date overflow)."""
    _evaluate(pack, network)
