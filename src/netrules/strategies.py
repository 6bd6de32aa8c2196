"""Hypothesis strategies for networks and rule files (``pip install 'netrules[testing]'``).

Everything here is valid by construction and shrinks to small, readable
examples: ids ``c1``, ``i1``, ``r1``, ``rec1``; names from a short list; dates
near ``as_of``; unknown (None) wherever the model allows it.

    >>> from hypothesis import given, settings
    >>> import netrules
    >>> from netrules.strategies import networks
    >>> rules = netrules.load_rules()
    >>> @settings(max_examples=5, database=None)
    ... @given(networks(max_connections=3))
    ... def test_evaluate(network):
    ...     rules.evaluate(network)
    >>> test_evaluate()

Rule files are built as syntax trees (:func:`rule_files`) that pass the
checker, and printed back to text (:func:`rule_sources`) with
:func:`netrules.printer.print_rule_file`.  :func:`grammar_sources` uses
``hypothesis.extra.lark`` to fuzz the parser's error path.

This module imports hypothesis; ``import netrules`` never does.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import string
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import attrs

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "netrules.strategies needs hypothesis: pip install 'netrules[testing]'"
    ) from exc

from . import nodes as n
from .checker import SEVERITIES
from .diagnostics import Span
from .loaders.json_doc import NULL_IS_UNKNOWN
from .model import (
    CAREER_LEVELS,
    DIRECTIONS,
    INVITATION_STATUSES,
    RELATIONSHIPS,
    SITUATIONS,
    Connection,
    Employer,
    Invitation,
    Member,
    Network,
    Recommendation,
    Removal,
    School,
)
from .printer import print_rule_file, print_template
from .schema import FIELDS, ITEM_KINDS
from .values import Duration, Range

__all__ = [
    "AS_OF",
    "PACK_INDUSTRIES",
    "career_levels",
    "connections",
    "dates_near",
    "employers",
    "grammar_sources",
    "industries",
    "invitations",
    "members",
    "network_documents",
    "network_to_document",
    "networks",
    "pack_low_params",
    "print_rule_file",
    "recommendations",
    "register_types",
    "relationships",
    "removals",
    "rule_files",
    "rule_sources",
    "schools",
    "situations",
    "strip_spans",
]

AS_OF = _dt.date(2025, 1, 1)
"""The default evaluation date of generated networks."""

PACK_INDUSTRIES = (
    "Business Services",
    "Healthcare",
    "Higher Education",
    "Information Technology",
    "Legal",
    "Manufacturing",
)
"""The industries of the bundled pack's target table."""


_PACK_LOW_PARAMS: dict[str, Any] = {
    "burst_min": 2,
    "burst_factor": 1,
    "empty_profile_min_connections": 2,
    "stranger_invitations_min": 1,
    "accept_min_invitations": 1,
    "accept_share_max": 0.5,
    "recommendations_in_span_max": 1,
    "dormant_min_connections": 2,
    "recommendation_colleagues_min": 1,
    "redundant_company_max": 1,
    "mass_removal_max": 1,
    "identical_note_min": 2,
}


def pack_low_params() -> dict[str, Any]:
    """Parameters of the bundled pack set low enough that its count-based rules fire on
    the small networks drawn here (a burst of two, two identical notes, ...).

    Drawn networks list at most a few dozen items, while the pack's defaults are made for
    real networks (a burst is 20 invitations in a day); with the defaults those rules would
    never be exercised. A fresh dict each call, to pass as ``params=``.
    """
    return dict(_PACK_LOW_PARAMS)


PEOPLE = ("Ann Lee", "Bo Chen", "Kim Ray", "Ada Li", "Sam Park", "Eve Moss", "Raj Iyer", "Lea Roth")
COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay")
POSITIONS = ("Engineer", "Manager", "Analyst", "Director", "Recruiter", "Student")
SCHOOL_NAMES = ("State University", "City College", "Tech Institute")
NOTES = (
    "Hi {first}, let's connect!",
    "{first}, great meeting you at the meetup.",
    "I'd like to add you to my professional network on LinkedIn.",
    "I'd like to join your LinkedIn network.",
    "",
    "  ",
)

Strategy = st.SearchStrategy


def _maybe(strategy: Strategy) -> Strategy:
    """None (unknown) or a value; shrinks to None."""
    return st.none() | strategy


def _as_strategy(value: Any) -> Strategy:
    return value if isinstance(value, st.SearchStrategy) else st.just(value)


def _text(max_size: int = 20) -> Strategy:
    """Any text a JSON document can hold (no lone surrogates)."""
    return st.text(st.characters(exclude_categories=["Cs"]), max_size=max_size)


# ---- value strategies ----

_T = TypeVar("_T")


def _field(make: Callable[[], Any], name: str) -> n.Field:
    """A record's field: ``make`` draws the record's node."""
    return n.Field(make(), name, _S, _S)


def _offsets(past_days: int, future_days: int, anchors: bool) -> Strategy:
    """Offsets from as_of (timedelta); shrink towards as_of itself."""
    spread = st.integers(-past_days, future_days).map(lambda d: _dt.timedelta(days=d))
    if not anchors:
        return spread
    fixed = [_dt.timedelta(days=d) for d in (0, -7, -365) if -past_days <= d <= future_days]
    return st.sampled_from(fixed) | spread if fixed else spread


def dates_near(
    as_of: _dt.date = AS_OF, *, past_days: int = 3650, future_days: int = 60, anchors: bool = True
) -> Strategy:
    """Dates from ``past_days`` before to ``future_days`` after ``as_of``.

    With ``anchors`` some dates fall on a few shared days (as_of itself, a week
    and a year before) so that "many on one day" rules get to fire.
    """
    return _offsets(past_days, future_days, anchors).map(lambda d: _shift(as_of, d))


def industries(*, pack: bool = True, text: bool = True) -> Strategy:
    """An industry or None: the pack's table rows (any case) and/or arbitrary text."""
    options = []
    if pack:
        known = st.sampled_from(PACK_INDUSTRIES)
        options.append(known)
        options.append(known.map(str.lower))
    if text:
        options.append(_text(30))
    return _maybe(st.one_of(options)) if options else st.none()


def career_levels(*, text: bool = False) -> Strategy:
    """One of CAREER_LEVELS, or None (unknown).

    ``text=True`` adds arbitrary text: a Member may hold it, a JSON network
    document may not (its loader accepts only CAREER_LEVELS).
    """
    levels = st.sampled_from(CAREER_LEVELS)
    return _maybe(levels | _text(20) if text else levels)


def situations() -> Strategy:
    """None (nobody said), or the distinct situations that apply (possibly none)."""
    return _maybe(st.lists(st.sampled_from(SITUATIONS), unique=True, max_size=3).map(tuple))


def relationships() -> Strategy:
    """One of RELATIONSHIPS, or None (unknown)."""
    return _maybe(st.sampled_from(RELATIONSHIPS))


def _people(text: bool) -> Strategy:
    named = st.sampled_from(PEOPLE)
    return _maybe(named | _text(20)) if text else _maybe(named)


# Records are drawn with dates either absolute or as offsets from as_of (a timedelta,
# resolved once as_of is known), so that the strategies are built once, not per example.
def _shift(day: _dt.date, delta: _dt.timedelta) -> _dt.date:
    try:
        return day + delta
    except OverflowError:  # as_of near year 1 or 9999
        return _dt.date.min if delta.days < 0 else _dt.date.max


def _resolve(record: Any, as_of: _dt.date) -> Any:
    changes: dict[str, Any] = {}
    for field in attrs.fields(type(record)):
        value = getattr(record, field.name)
        if isinstance(value, _dt.timedelta):
            changes[field.name] = _shift(as_of, value)
        elif isinstance(value, tuple) and value and attrs.has(type(value[0])):
            changes[field.name] = tuple(_resolve(v, as_of) for v in value)
    return attrs.evolve(record, **changes) if changes else record


def _numbered(prefix: str, records: Sequence[Any]) -> tuple[Any, ...]:
    """Ids prefix1, prefix2, ... in order (and the links that depend on the id)."""
    out = []
    for k, record in enumerate(records):
        rid = f"{prefix}{k + 1}"
        changes: dict[str, Any] = {"id": rid}
        if isinstance(record, Connection):
            if record.url is not None:
                changes["url"] = f"https://www.linkedin.com/in/{rid}"
            if record.email is not None:
                changes["email"] = f"{rid}@example.com"
        if isinstance(record, Invitation) and isinstance(record.message, tuple):
            kind, text = record.message
            first = (record.person or "there").split(" ")[0] or "there"
            changes["message"] = text.format(first=first) if kind == "note" else text
        out.append(attrs.evolve(record, **changes))
    return tuple(out)


# ---- records ----
def employers(dates: Strategy) -> Strategy:
    """A past or current position (end None while current)."""
    return st.builds(
        Employer,
        name=st.sampled_from(COMPANIES) | _text(15),
        title=_maybe(st.sampled_from(POSITIONS)),
        start=_maybe(dates),
        end=_maybe(dates),
    )


def schools(dates: Strategy) -> Strategy:
    """A school with an optional degree and dates."""
    return st.builds(
        School,
        name=st.sampled_from(SCHOOL_NAMES) | _text(15),
        degree=_maybe(st.sampled_from(("BSc", "MBA", "PhD"))),
        start=_maybe(dates),
        end=_maybe(dates),
    )


def _members(
    connection_count: Strategy,
    dates: Strategy,
    industry: Strategy | None,
    career_level: Strategy | None,
    situation: Strategy | None,
    job_seeking: Strategy | None,
    text: bool,
    max_employers: int,
    max_schools: int,
) -> Strategy:
    return st.builds(
        Member,
        connection_count=connection_count,
        name=_people(text),
        industry=industry if industry is not None else industries(text=text),
        headline=_maybe(st.sampled_from(POSITIONS) | _text(30)) if text else st.none(),
        career_level=career_level if career_level is not None else career_levels(),
        job_seeking=job_seeking if job_seeking is not None else _maybe(st.booleans()),
        joined_on=_maybe(dates),
        situations=situation if situation is not None else situations(),
        premium=_maybe(st.booleans()),
        employers=st.lists(employers(dates), max_size=max_employers).map(tuple),
        schools=st.lists(schools(dates), max_size=max_schools).map(tuple),
        exchanges_recorded=_maybe(st.booleans()),
        recommendations_recorded=_maybe(st.booleans()),
    )


_CONNECTION_COUNTS = st.integers(0, 3000)


def members(
    *,
    connection_count: Strategy | int = _CONNECTION_COUNTS,
    as_of: _dt.date = AS_OF,
    dates: Strategy | None = None,
    industry: Strategy | None = None,
    career_level: Strategy | None = None,
    situation: Strategy | None = None,
    job_seeking: Strategy | None = None,
    text: bool = True,
    max_employers: int = 2,
    max_schools: int = 2,
) -> Strategy:
    """The member: every optional field None or a valid value.

    ``industry``, ``career_level``, ``situation`` and ``job_seeking`` replace
    the default strategy of that field; ``dates`` defaults to dates_near(as_of).
    """
    return _members(
        _as_strategy(connection_count),
        dates if dates is not None else dates_near(as_of),
        industry,
        career_level,
        situation,
        job_seeking,
        text,
        max_employers,
        max_schools,
    )


def _connection(dates: Strategy, relationship: Strategy, text: bool) -> Strategy:
    company = st.sampled_from(COMPANIES) | _text(15) if text else st.sampled_from(COMPANIES)
    return st.builds(
        Connection,
        id=st.just(""),
        name=_people(text),
        company=_maybe(company),
        position=_maybe(st.sampled_from(POSITIONS)),
        connected_on=_maybe(dates),
        last_interaction_on=_maybe(dates),
        relationship=relationship,
        url=_maybe(st.just("")),
        email=_maybe(st.just("")),
    )


def connections(
    *,
    min_size: int = 0,
    max_size: int = 10,
    as_of: _dt.date = AS_OF,
    dates: Strategy | None = None,
    relationship: Strategy | None = None,
    text: bool = True,
) -> Strategy:
    """A tuple of connections with ids c1, c2, ..."""
    one = _connection(
        dates if dates is not None else dates_near(as_of),
        relationship if relationship is not None else relationships(),
        text,
    )
    return st.lists(one, min_size=min_size, max_size=max_size).map(lambda cs: _numbered("c", cs))


def _invitation(dates: Strategy, relationship: Strategy, text: bool) -> Strategy:
    notes = st.sampled_from(NOTES).map(lambda t: ("note", t))
    if text:
        notes = notes | _text(40).map(lambda t: ("text", t))
    return st.builds(
        Invitation,
        id=st.just(""),
        direction=st.sampled_from(DIRECTIONS),
        person=_people(text),
        sent_on=_maybe(dates),
        message=_maybe(notes),
        status=_maybe(st.sampled_from(INVITATION_STATUSES)),
        follow_ups=st.integers(0, 3),
        relationship=relationship,
    )


def invitations(
    *,
    min_size: int = 0,
    max_size: int = 8,
    as_of: _dt.date = AS_OF,
    dates: Strategy | None = None,
    relationship: Strategy | None = None,
    text: bool = True,
) -> Strategy:
    """A tuple of invitations with ids i1, i2, ...; people and notes repeat on purpose."""
    one = _invitation(
        dates if dates is not None else dates_near(as_of, past_days=400),
        relationship if relationship is not None else relationships(),
        text,
    )
    return st.lists(one, min_size=min_size, max_size=max_size).map(lambda xs: _numbered("i", xs))


def _removal(dates: Strategy, targets: int) -> Strategy:
    # the connection is c<k+1> when that exists, else the unknown c0 (see _link)
    return st.builds(
        Removal,
        id=st.just(""),
        connection=st.integers(0, targets).map(str),
        planned_on=_maybe(dates),
        notified=_maybe(st.booleans()),
    )


def _link(record: Removal, connection_ids: Sequence[str]) -> Removal:
    k = int(record.connection)
    target = connection_ids[k] if k < len(connection_ids) else "c0"
    return attrs.evolve(record, connection=target)


def removals(
    connection_ids: Sequence[str],
    *,
    min_size: int = 0,
    max_size: int = 4,
    as_of: _dt.date = AS_OF,
    dates: Strategy | None = None,
) -> Strategy:
    """A tuple of planned removals r1, r2, ... of the given connections (or unknown ``c0``)."""
    ids = tuple(connection_ids)
    one = _removal(
        dates if dates is not None else dates_near(as_of, past_days=30, future_days=30), len(ids)
    )
    return st.lists(one, min_size=min_size, max_size=max_size).map(
        lambda rs: _numbered("r", [_link(r, ids) for r in rs])
    )


def _recommendation(dates: Strategy, relationship: Strategy, text: bool) -> Strategy:
    return st.builds(
        Recommendation,
        id=st.just(""),
        person=_people(text),
        given_on=_maybe(dates),
        relationship=relationship,
    )


def recommendations(
    *,
    min_size: int = 0,
    max_size: int = 4,
    as_of: _dt.date = AS_OF,
    dates: Strategy | None = None,
    relationship: Strategy | None = None,
    text: bool = True,
) -> Strategy:
    """A tuple of recommendations the member wrote: rec1, rec2, ..."""
    one = _recommendation(
        dates if dates is not None else dates_near(as_of),
        relationship if relationship is not None else relationships(),
        text,
    )
    return st.lists(one, min_size=min_size, max_size=max_size).map(lambda xs: _numbered("rec", xs))


def networks(
    *,
    as_of: Strategy | _dt.date | None = AS_OF,
    min_connections: int = 0,
    max_connections: int = 10,
    max_invitations: int = 6,
    max_removals: int = 3,
    max_recommendations: int = 3,
    extra_connections: Strategy | int = _CONNECTION_COUNTS,
    industry: Strategy | None = None,
    career_level: Strategy | None = None,
    situation: Strategy | None = None,
    relationship: Strategy | None = None,
    job_seeking: Strategy | None = None,
    text: bool = True,
    past_days: int = 3650,
    future_days: int = 60,
) -> Strategy:
    """Whole :class:`~netrules.Network` values, valid by construction.

    ``as_of``: a date, a strategy of dates, or None (the network does not say).
    ``member.connection_count`` is the number of listed connections plus
    ``extra_connections`` (the export lists only some).  ``industry``,
    ``career_level``, ``situation``, ``relationship`` and ``job_seeking``
    replace the default strategies of those fields (each may yield None).
    ``text=False`` keeps names and free text to the built-in short lists.
    Dates fall from ``past_days`` before to ``future_days`` after ``as_of``
    (after 2025-01-01 when as_of is None); invitations and removals cluster
    nearer to it.
    """
    days = _offsets(past_days, future_days, True)
    recent = _offsets(min(past_days, 400), future_days, True)
    soon = _offsets(min(past_days, 30), min(future_days, 30), True)
    rel = relationship if relationship is not None else relationships()
    as_of_s = _as_strategy(as_of)
    extra = _as_strategy(extra_connections)
    conns = st.lists(
        _connection(days, rel, text), min_size=min_connections, max_size=max_connections
    )
    member = _members(st.just(0), days, industry, career_level, situation, job_seeking, text, 2, 2)
    invs = st.lists(_invitation(recent, rel, text), max_size=max_invitations)
    rems = st.lists(_removal(soon, max_connections), max_size=max_removals)
    recs = st.lists(_recommendation(days, rel, text), max_size=max_recommendations)

    @st.composite
    def build(draw: Any) -> Network:
        day = draw(as_of_s)
        anchor = day or AS_OF
        cs = _numbered("c", [_resolve(c, anchor) for c in draw(conns)])
        m = _resolve(draw(member), anchor)
        m = attrs.evolve(m, connection_count=len(cs) + draw(extra))
        ids = [c.id for c in cs]
        return Network(
            member=m,
            as_of=day,
            connections=cs,
            invitations=_numbered("i", [_resolve(x, anchor) for x in draw(invs)]),
            removals=_numbered("r", [_link(_resolve(x, anchor), ids) for x in draw(rems)]),
            recommendations_given=_numbered("rec", [_resolve(x, anchor) for x in draw(recs)]),
        )

    return build()


def network_to_document(network: Network) -> dict[str, Any]:
    """The JSON network document (see loaders/json_doc.py) that loads back as ``network``."""

    def value(v: Any) -> Any:
        if isinstance(v, _dt.date):
            return v.isoformat()
        if isinstance(v, tuple):
            return [value(x) for x in v]
        if attrs.has(type(v)):
            return {
                k: value(x)
                for k, x in attrs.asdict(v, recurse=False).items()
                if x is not None or k in NULL_IS_UNKNOWN
            }
        return v

    doc: dict[str, Any] = {"member": value(network.member)}
    if network.as_of is not None:
        doc["as_of"] = network.as_of.isoformat()
    for name in ("connections", "invitations", "removals", "recommendations_given"):
        doc[name] = value(getattr(network, name))
    if network.facts:
        doc["facts"] = [
            {k: v for k, v in f.to_dict().items() if k != "value" and v is not None}
            for f in network.facts
        ]
    return doc


def network_documents(**knobs: Any) -> Strategy:
    """JSON documents of :func:`networks` (same knobs)."""
    return networks(**knobs).map(network_to_document)


# ---- syntax trees ----
def strip_spans(node: Any) -> Any:
    """A node as plain nested data without positions, for comparing syntax trees.

    Spans, a message's raw source text and a file's path and text are dropped;
    everything else (names, values, structure) is kept.
    """
    if isinstance(node, n.RuleFile):
        return ("RuleFile", tuple(strip_spans(i) for i in node.items))
    if attrs.has(type(node)) and type(node).__module__ == n.__name__:
        out: list[Any] = [type(node).__name__]
        for field in attrs.fields(type(node)):
            if field.name == "span" or field.name.endswith(("_span", "_spans")):
                continue
            if isinstance(node, n.Template) and field.name == "raw":
                continue
            out.append((field.name, strip_spans(getattr(node, field.name))))
        return tuple(out)
    if isinstance(node, Span):
        return None
    if isinstance(node, tuple):
        return tuple(strip_spans(v) for v in node)
    if isinstance(node, list):
        return [strip_spans(v) for v in node]
    if isinstance(node, dict):
        return {k: strip_spans(v) for k, v in node.items()}
    if isinstance(node, float):
        return ("float", node)  # 1 == 1.0 would hide a changed literal
    return node


_S = Span(1, 1, 1, 2)
_SAFE_TEXT = string.ascii_letters + string.digits + " "
_ORDERED = ("number", "date", "string", "duration")
_SCALARS = ("number", "string", "bool", "date", "duration")
_TABLE_TYPES = ("number", "string", "range", "duration", "date", "bool")
_PARAM_TYPES = ("number", "string", "bool", "date", "duration", "list:string", "list:number")
_COLLECTIONS = tuple(ITEM_KINDS)  # connections, invitations, removals, recommendations_given
_VARS = {"connections": "c", "invitations": "i", "removals": "r", "recommendations_given": "g"}


def _lit(value: Any, kind: str) -> n.Literal:
    return n.Literal(value, _S, kind)


@functools.cache
def _ints() -> Strategy:
    return st.integers(0, 30) | st.integers(0, 10**15 - 1)


@functools.cache
def _floats() -> Strategy:
    return st.tuples(st.integers(0, 9999), st.integers(0, 999)).map(
        lambda t: float(f"{t[0]}.{t[1]}")
    )


@functools.cache
def _strings(template: bool) -> Strategy:
    """String values; inside a message hole only plain letters, digits and spaces."""
    simple = st.sampled_from(("a", "x", "none", "Acme", "new-to-linkedin"))
    if template:
        return simple | st.text(st.sampled_from(_SAFE_TEXT), max_size=8)
    return simple | _source_text(12)


@functools.cache
def _durations() -> Strategy:
    amount = st.integers(0, 40) | st.integers(0, 10**15 - 1)
    return st.tuples(amount, st.sampled_from(("days", "weeks", "months", "years"))).map(
        lambda t: {
            "days": Duration(0, t[0]),
            "weeks": Duration(0, 7 * t[0]),
            "months": Duration(t[0], 0),
            "years": Duration(12 * t[0], 0),
        }[t[1]]
    )


@functools.cache
def _literal_of(type_: str, template: bool = False) -> Strategy:
    """A Literal node of a language type (used as a value and as a leaf)."""
    if type_ == "number":
        return st.one_of(
            _ints().map(lambda v: _lit(v, "number")),
            _floats().map(lambda v: _lit(v, "number")),
            st.one_of(_ints(), _floats()).map(lambda v: _lit(v / 100, "percent")),
        )
    if type_ == "string":
        return _strings(template).map(lambda v: _lit(v, "string"))
    if type_ == "bool":
        return st.booleans().map(lambda v: _lit(v, "bool"))
    if type_ == "date":
        return st.dates(_dt.date(1950, 1, 1), _dt.date(2100, 12, 31)).map(lambda v: _lit(v, "date"))
    if type_ == "duration":
        return _durations().map(lambda v: _lit(v, "duration"))
    raise ValueError(type_)


@functools.cache
def _constant(type_: str) -> Strategy:
    """A literal for a parameter default or a table row: negative numbers and lists too."""
    if type_ == "number":
        return st.one_of(
            _literal_of("number"), _ints().filter(bool).map(lambda v: _lit(-v, "number"))
        )
    if type_.startswith("list:"):
        elem = type_[5:]
        return st.lists(_literal_of(elem).map(lambda lit: lit.value), max_size=3).map(
            lambda vs: _lit(tuple(vs), "list")
        )
    if type_ == "range":
        return st.tuples(
            st.integers(0, 5000), st.integers(0, 5000), st.booleans(), st.booleans()
        ).map(
            lambda t: _lit(
                Range(min(t[0], t[1]), None if t[3] else max(t[0], t[1]), t[2] or t[3]), "range"
            )
        )
    return _literal_of(type_)


@functools.cache
def _index(size: int) -> Strategy:
    return st.integers(0, size - 1)


@attrs.define
class _Env:
    """What an expression may refer to, with types."""

    params: dict[str, str]
    tables: dict[str, str]
    defines: dict[str, str]  # defines without parameters
    functions: dict[str, tuple[tuple[str, ...], str]]  # defines with parameters
    locals: dict[str, str] = attrs.Factory(dict)
    template: bool = False
    level: int = 0  # aggregate nesting, for fresh variable names

    def with_locals(self, names: dict[str, str], keep: bool) -> _Env:
        merged = {**self.locals, **names} if keep else dict(names)
        return attrs.evolve(self, locals=merged, level=self.level + 1)


class _Exprs:
    """Typed expression builder: every node it returns type-checks in its environment."""

    def __init__(self, draw: Any):
        self.draw = draw

    # A choice among builders; the index shrinks towards the first (simplest) one.
    def pick(self, options: Sequence[Callable[[], _T]]) -> _T:
        i: int = self.draw(_index(len(options)))
        return options[i]()

    def expr(self, env: _Env, type_: str, depth: int) -> Any:
        leaves = self.leaves(env, type_)
        if depth <= 0:
            return self.pick(leaves)
        compounds = self.compounds(env, type_, depth - 1)
        return self.pick(leaves + compounds)

    # ---- leaves ----
    def records(self, env: _Env) -> list[tuple[Any, str]]:
        """Record-valued names: (node factory, record kind)."""
        out: list[tuple[Any, str]] = [(lambda: n.Name("member", _S), "member")]
        for name, t in env.locals.items():
            if t.startswith("rec:"):
                out.append((functools.partial(n.Name, name, _S), t[4:]))
        return out

    def fields_of(self, env: _Env, type_: str) -> list[Callable[[], Any]]:
        out: list[Callable[[], Any]] = []
        for make, record in self.records(env):
            for fname, (ftype, _null, _allowed) in FIELDS[record].items():
                if ftype == type_:
                    out.append(functools.partial(_field, make, fname))
        return out

    def leaves(self, env: _Env, type_: str) -> list[Callable[[], Any]]:
        draw = self.draw
        out: list[Callable[[], Any]] = []
        if type_ in _SCALARS:
            out.append(lambda: draw(_literal_of(type_, env.template)))
        for scope in (env.locals, env.params, env.defines):
            for name, t in scope.items():
                if t == type_:
                    out.append(functools.partial(n.Name, name, _S))
        out.extend(self.fields_of(env, type_))
        if type_ == "date":
            out.append(lambda: n.Name("as_of", _S))
        if type_.startswith("coll:"):
            kind = type_[5:]
            for root, k in ITEM_KINDS.items():
                if k == kind:
                    out.append(functools.partial(n.Name, root, _S))
        if type_.startswith("list:") and type_[5:] in _SCALARS:
            elem = type_[5:]
            out.append(
                lambda: n.ListExpr(
                    tuple(draw(st.lists(_literal_of(elem, env.template), max_size=3))), _S
                )
            )
        if type_ == "range":
            out.append(lambda: self.range_expr())
        return out

    def range_expr(self) -> n.RangeExpr:
        a, b = self.draw(st.tuples(st.integers(0, 5000), st.integers(0, 5000)))
        return n.RangeExpr(min(a, b), max(a, b), _S)

    # ---- compound expressions ----
    def compounds(self, env: _Env, type_: str, depth: int) -> list[Callable[[], Any]]:
        def e(t: str) -> Any:
            return self.expr(env, t, depth)

        def index(name: str) -> n.Index:
            return n.Index(n.Name(name, _S), e("string"), _S)

        def call(name: str, ptypes: Sequence[str]) -> n.Call:
            return n.Call(name, tuple(e(p) for p in ptypes), _S, _S)

        out: list[Callable[[], Any]] = []
        for name, vt in env.tables.items():
            if vt == type_:
                out.append(functools.partial(index, name))
        for name, (ptypes, rt) in env.functions.items():
            if rt == type_:
                out.append(functools.partial(call, name, ptypes))
        if type_ in ("number", "string", "bool", "date", "duration"):
            out.append(lambda: n.Coalesce(e(type_), e(type_), _S))
        if type_ in ("number", "date", "string"):
            out.append(
                lambda: self.aggregate(
                    env, self.draw(st.sampled_from(("min", "max"))), type_, depth
                )
            )
        if type_ == "number":
            out += [
                lambda: n.Arith(self.draw(st.sampled_from("+-*/")), e("number"), e("number"), _S),
                lambda: n.Neg(e("number"), _S),
                lambda: n.Call(
                    self.draw(st.sampled_from(("abs", "round"))), (e("number"),), _S, _S
                ),
                lambda: n.Call("days_between", (e("date"), e("date")), _S, _S),
                lambda: n.Call(
                    "length",
                    (e(self.draw(st.sampled_from(("string", "list:string", "coll:connection")))),),
                    _S,
                    _S,
                ),
                lambda: n.Field(
                    self.range_of(env, depth), self.draw(st.sampled_from(("low", "high"))), _S, _S
                ),
                lambda: self.aggregate(env, "count", None, depth),
                lambda: n.Aggregate(
                    "count", None, self.collection(env, depth)[0], None, None, None, _S
                ),
                lambda: self.aggregate(
                    env, self.draw(st.sampled_from(("sum", "avg"))), "number", depth
                ),
                lambda: self.aggregate(
                    env, "distinct", self.draw(st.sampled_from(("string", "number", "date"))), depth
                ),
                lambda: self.aggregate(env, "peak", "date", depth),
            ]
        elif type_ == "string":
            out += [
                lambda: n.Arith("+", e("string"), e("string"), _S),
                lambda: n.Call(
                    self.draw(st.sampled_from(("lower", "upper", "trim"))), (e("string"),), _S, _S
                ),
                lambda: n.Call(
                    "normalize",
                    tuple(e("string") for _ in range(self.draw(st.integers(1, 2)))),
                    _S,
                    _S,
                ),
            ]
        elif type_ == "bool":
            out += [
                lambda: self.compare(env, depth),
                lambda: self.membership(env, depth),
                lambda: n.And(e("bool"), e("bool"), _S),
                lambda: n.Or(e("bool"), e("bool"), _S),
                lambda: n.Not(e("bool"), _S),
                lambda: n.Call(
                    self.draw(st.sampled_from(("contains", "starts_with", "ends_with"))),
                    (e("string"), e("string")),
                    _S,
                    _S,
                ),
                lambda: n.Call("known", (e(self.draw(st.sampled_from(_SCALARS))),), _S, _S),
                lambda: self.aggregate(
                    env, self.draw(st.sampled_from(("any", "all"))), "bool", depth
                ),
                lambda: n.Field(self.range_of(env, depth), "open", _S, _S),
            ]
        elif type_ == "date":
            out.append(
                lambda: n.Arith(self.draw(st.sampled_from("+-")), e("date"), e("duration"), _S)
            )
        elif type_.startswith("list:") and type_[5:] in _SCALARS:
            out.append(lambda: self.aggregate(env, "collect", type_[5:], depth))
        elif type_ == "range":
            pass
        return out

    def range_of(self, env: _Env, depth: int) -> Any:
        tables = [name for name, t in env.tables.items() if t == "range"]
        if tables and self.draw(st.booleans()):
            return n.Index(
                n.Name(self.draw(st.sampled_from(tables)), _S), self.expr(env, "string", depth), _S
            )
        return self.range_expr()

    def compare(self, env: _Env, depth: int) -> n.Compare:
        t = self.draw(st.sampled_from(_SCALARS))
        ops = ("==", "!=", "<", "<=", ">", ">=") if t in _ORDERED else ("==", "!=")
        op = self.draw(st.sampled_from(ops))
        left = self.expr(env, t, depth)
        right = self.fix_enum(self.expr(env, t, depth), left)
        left = self.fix_enum(left, right)
        return n.Compare(op, left, right, _S)

    def membership(self, env: _Env, depth: int) -> n.In:
        t = self.draw(st.sampled_from(("string", "number", "range")))
        if t == "range":
            item = self.expr(env, "number", depth)
            container = self.range_of(env, depth)
        else:
            item = self.expr(env, t, depth)
            container = self.expr(env, "list:" + t, depth)
            container = self.fix_enum(container, item)
        return n.In(item, container, self.draw(st.booleans()), _S)

    def fix_enum(self, other: Any, field: Any) -> Any:
        """Keep ``c.relationship == "x"`` to values the field can hold (the checker's NR206)."""
        if not isinstance(field, n.Field):
            return other
        allowed = None
        for record in FIELDS.values():
            info = record.get(field.name)
            if info is not None and info[2]:
                allowed = info[2]
        if allowed is None:
            return other
        pick = st.sampled_from(allowed)
        if isinstance(other, n.Literal) and other.kind == "string" and other.value not in allowed:
            return _lit(self.draw(pick), "string")
        if isinstance(other, n.ListExpr):
            items = tuple(
                _lit(self.draw(pick), "string")
                if isinstance(i, n.Literal) and i.kind == "string" and i.value not in allowed
                else i
                for i in other.items
            )
            return n.ListExpr(items, other.span)
        return other

    def collection(self, env: _Env, depth: int) -> tuple[Any, str, bool]:
        """(collection node, element type, is it `group`) for an aggregate."""

        def named(name: str, elem: str, is_group: bool) -> tuple[Any, str, bool]:
            return n.Name(name, _S), elem, is_group

        options: list[Callable[[], tuple[Any, str, bool]]] = [
            functools.partial(named, root, "rec:" + kind, False)
            for root, kind in ITEM_KINDS.items()
        ]
        options.append(
            lambda: (n.Field(n.Name("member", _S), "employers", _S, _S), "rec:employer", False)
        )
        options.append(
            lambda: (n.Field(n.Name("member", _S), "schools", _S, _S), "rec:school", False)
        )
        options.append(
            lambda: (n.Field(n.Name("member", _S), "situations", _S, _S), "string", False)
        )
        for name, t in env.locals.items():
            # inside an aggregate, another one over a local collection would run once
            # per item: the checker refuses it (NR205)
            if t.startswith("coll:") and env.level == 0:
                options.insert(0, functools.partial(named, name, "rec:" + t[5:], name == "group"))
        for name, t in env.params.items():
            if t.startswith("list:"):
                options.append(functools.partial(named, name, t[5:], False))
        return self.pick(options)

    def aggregate(self, env: _Env, func: str, value_type: str | None, depth: int) -> Any:
        coll, elem, is_group = self.collection(env, depth)
        var = "xyzuvw"[env.level] if env.level < 6 else f"x{env.level}"
        inner = env.with_locals({var: elem}, keep=is_group)
        where = None
        if self.draw(st.booleans()) or func == "all":
            where = self.expr(inner, "bool", depth)
        value = window = None
        if func == "count":
            pass
        elif func in ("any", "all"):
            if self.draw(st.booleans()):
                value = self.expr(inner, "bool", depth)
        elif func == "peak":
            value = self.expr(inner, "date", depth)
            window = self.expr(env, "duration", depth)
        else:
            value = self.expr(inner, value_type or "number", depth)
        return n.Aggregate(func, var, coll, where, value, window, _S)


# ---- whole rule files ----
def _source_text(max_size: int) -> Strategy:
    """Text a rule file can hold in a string (anything but NUL and lone surrogates)."""
    return st.text(
        st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=max_size
    )


_PARAM_DOCS = st.sampled_from(("Why this value.", "A guess.")) | _source_text(30)


def _names(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{k + 1}" for k in range(count)]


@st.composite
def _rule_files(
    draw: Any,
    max_params: int,
    max_tables: int,
    max_defines: int,
    max_rules: int,
    max_depth: int,
    examples: bool,
    overrides: bool,
    shuffle: bool,
    path: str,
) -> n.RuleFile:
    ex = _Exprs(draw)
    items: list[Any] = []

    # parameters
    params: dict[str, str] = {}
    for name in _names("p", draw(st.integers(0, max_params))):
        t = draw(st.sampled_from(_PARAM_TYPES))
        value = draw(_constant(t))
        declared = draw(st.sampled_from((None, t if not t.startswith("list") else "list")))
        doc = draw(_maybe(_PARAM_DOCS))
        items.append(n.Param(name, declared, value, doc, _S))
        params[name] = "list:any" if t.startswith("list") and not value.value else t

    # advice
    advice = _names("adv", draw(st.integers(0, 2)))
    for name in advice:
        items.append(n.Advice(name, draw(_strings(False)), _S))

    # tables
    tables: dict[str, str] = {}
    for name in _names("t", draw(st.integers(0, max_tables))):
        t = draw(st.sampled_from(_TABLE_TYPES))
        keys = draw(
            st.lists(
                st.sampled_from(PACK_INDUSTRIES + CAREER_LEVELS) | _source_text(10),
                max_size=4,
                unique_by=lambda k: k.casefold().strip(),
            )
        )
        rows = [n.Row(k, draw(_constant(t)), _S) for k in keys]
        if draw(st.booleans()):
            rows.insert(draw(st.integers(0, len(rows))), n.Row(None, draw(_constant(t)), _S))
        items.append(n.Table(name, tuple(rows), _S))
        tables[name] = t if rows else "number"  # the checker's type of an empty table

    # definitions: each may use the earlier ones
    env = _Env(params, tables, {}, {})
    for name in _names("d", draw(st.integers(0, max_defines))):
        t = draw(st.sampled_from(_SCALARS))
        if draw(st.booleans()):
            body = ex.expr(env, t, max_depth - 1)
            items.append(n.Define(name, (), body, _S))
            env.defines[name] = t
        else:
            ptypes = tuple(draw(st.lists(st.sampled_from(_SCALARS), min_size=1, max_size=2)))
            qs = tuple(f"q{k + 1}" for k in range(len(ptypes)))
            inner = attrs.evolve(env, locals=dict(zip(qs, ptypes, strict=False)))
            body = ex.expr(inner, t, max_depth - 1)
            items.append(n.Define(name, qs, body, _S))
            env.functions[name] = (ptypes, t)

    # rules
    rule_ids = [f"r{k + 1}" for k in range(draw(st.integers(0, max_rules)))]
    suppressed: set[str] = set()
    kinds: dict[str, str] = {}
    use_defers = bool(rule_ids) and draw(st.booleans())  # one direction per rule set
    for k, rid in enumerate(rule_ids):
        severity = draw(st.sampled_from(SEVERITIES))
        rule_env = env
        for_each = None
        if draw(st.booleans()):
            coll = draw(st.sampled_from(_COLLECTIONS))
            var = _VARS[coll]
            item_env = attrs.evolve(env, locals={var: "rec:" + ITEM_KINDS[coll]})
            where = ex.expr(item_env, "bool", max_depth - 1) if draw(st.booleans()) else None
            gkey = gname = None
            rule_env = item_env
            if draw(st.booleans()):
                kt = draw(st.sampled_from(("string", "number", "date", "bool")))
                gkey = ex.expr(item_env, kt, max_depth - 1)
                gname = "key"
                rule_env = attrs.evolve(
                    env, locals={"key": kt, "group": "coll:" + ITEM_KINDS[coll]}
                )
            for_each = n.ForEach(var, n.Name(coll, _S), where, gkey, gname, _S)
        when = ex.expr(rule_env, "bool", max_depth) if draw(st.booleans()) else None
        lower = None
        lower_to = [s for s in SEVERITIES if SEVERITIES.index(s) < SEVERITIES.index(severity)]
        if lower_to and draw(st.booleans()):
            lower = n.Lower(
                draw(st.sampled_from(lower_to)), _S, ex.expr(rule_env, "bool", max_depth - 1), _S
            )
        message = _message(draw, ex, attrs.evolve(rule_env, template=True), max_depth - 1)
        ev_keys = draw(
            st.lists(st.sampled_from(("value", "count", "when", "who")), unique=True, max_size=2)
        )
        evidence = tuple(
            n.Evidence(key, ex.expr(rule_env, draw(st.sampled_from(_SCALARS)), max_depth - 1), _S)
            for key in ev_keys
        )
        kind = "member"
        if for_each is not None:
            collection = for_each.collection
            assert isinstance(collection, n.Name)  # built above from a collection's name
            kind = for_each.group_name or ITEM_KINDS[collection.name]
        kinds[rid] = kind
        # precedence is per subject: same kind, or a member rule over any rule
        allowed = [r for r in rule_ids[:k] if kind == "member" or kinds[r] == kind]
        if use_defers:  # this rule defers to earlier ones: edges run forwards, no cycle
            allowed = [r for r in rule_ids[:k] if kinds[r] in (kind, "member")]
        targets = (
            draw(st.lists(st.sampled_from(allowed), unique=True, max_size=2)) if allowed else []
        )
        suppressed.update(targets)
        aggregation = None
        if for_each is not None and draw(st.booleans()):
            order_type = draw(st.sampled_from(("number", "date", "string")))
            summary_env = attrs.evolve(
                env, locals={"found": "number", "names": "string"}, template=True
            )
            order = ex.expr(rule_env, order_type, max_depth - 1) if draw(st.booleans()) else None
            aggregation = n.Aggregation(
                order,
                # a direction is only written (and read back) after an order key
                draw(st.booleans()) if order is not None else False,
                ex.expr(rule_env, "string", max_depth - 1) if draw(st.booleans()) else None,
                draw(st.integers(1, 4)),
                _message(draw, ex, summary_env, max_depth - 1),
                _S,
            )
        refs = (
            draw(
                st.lists(
                    st.sampled_from(advice) if advice else st.nothing(), unique=True, max_size=2
                )
            )
            if advice
            else []
        )
        advice_refs = tuple((a, True, _S) for a in refs)
        if draw(st.booleans()):
            advice_refs += ((draw(_strings(False)), False, _S),)
        rule_examples: tuple[n.Example, ...] = ()
        if examples and draw(st.booleans()):
            fires = draw(st.booleans())
            rule_examples = (
                n.Example(
                    draw(_maybe(st.sampled_from(("one", "two")))),
                    (rid,) if fires else (),
                    () if fires else (rid,),
                    draw(_example_data()),
                    _S,
                    rid,
                ),
            )
        items.append(
            n.Rule(
                id=rid,
                span=_S,
                id_span=_S,
                title=draw(_strings(False)),
                severity=severity,
                severity_span=_S,
                category=draw(_maybe(_strings(False))),
                tags=tuple(draw(st.lists(_strings(False), max_size=2))),
                source=draw(_maybe(_strings(False))),
                why=draw(_maybe(_strings(False))),
                advice=advice_refs,
                for_each=for_each,
                when=when,
                lower=lower,
                suppresses=() if use_defers else tuple((t, _S) for t in targets),
                defers_to=tuple((t, _S) for t in targets) if use_defers else (),
                aggregate=aggregation,
                message=message,
                evidence=evidence,
                examples=rule_examples,
            )
        )

    # overrides and top-level examples
    if overrides:
        for name in (
            draw(st.lists(st.sampled_from(sorted(params)), unique=True, max_size=2))
            if params
            else []
        ):
            t = params[name]
            items.append(
                n.SetParam(name, draw(_constant("list:number" if t == "list:any" else t)), _S)
            )
        for name in (
            draw(st.lists(st.sampled_from(sorted(tables)), unique=True, max_size=2))
            if tables
            else []
        ):
            key = draw(_maybe(st.sampled_from(PACK_INDUSTRIES) | _source_text(10)))
            items.append(n.SetRow(name, key, draw(_constant(tables[name])), _S))
        free = [r for r in rule_ids if r not in suppressed]
        if free and draw(st.booleans()):
            off = draw(st.lists(st.sampled_from(free), unique=True, min_size=1, max_size=2))
            items.append(n.Disable(tuple((r, _S) for r in off), _S))
    if examples and rule_ids and draw(st.booleans()):
        fires = draw(st.lists(st.sampled_from(rule_ids), unique=True, max_size=2))
        passes = draw(st.lists(st.sampled_from(rule_ids), unique=True, max_size=2))
        items.append(
            n.Example(
                draw(st.sampled_from(("top", "all quiet"))),
                tuple(fires),
                tuple(passes),
                draw(_example_data()),
                _S,
            )
        )
    if shuffle:
        items = list(draw(st.permutations(items)))
    return n.RuleFile(path, "", tuple(items))


def _message(draw: Any, ex: _Exprs, env: _Env, depth: int) -> n.Template:
    parts: list[Any] = []
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            text = draw(_source_text(10).filter(bool))
            if parts and isinstance(parts[-1], str):
                parts[-1] += text
            else:
                parts.append(text)
        else:
            t = draw(st.sampled_from(_SCALARS))
            fmt = draw(st.sampled_from((None, "percent", "2"))) if t == "number" else None
            parts.append((ex.expr(env, t, depth), fmt))
    template = n.Template(tuple(parts), "", _S)
    return n.Template(template.parts, print_template(template), _S)


def _example_data() -> Strategy:
    count = st.integers(0, 2000)
    member = st.fixed_dictionaries(
        {"connection_count": count},
        optional={
            "industry": st.sampled_from(PACK_INDUSTRIES),
            "situations": st.lists(st.sampled_from(SITUATIONS), unique=True, max_size=2),
        },
    )
    conn = st.fixed_dictionaries(
        {"id": st.sampled_from(("c1", "c2"))},
        optional={"relationship": st.sampled_from(RELATIONSHIPS)},
    )
    return st.fixed_dictionaries(
        {},
        optional={
            "as_of": st.just("2025-01-01"),
            "member": member,
            "connections": st.lists(conn, max_size=2, unique_by=lambda c: c["id"]),
        },
    )


def rule_files(
    *,
    max_params: int = 3,
    max_tables: int = 2,
    max_defines: int = 3,
    max_rules: int = 3,
    max_depth: int = 3,
    examples: bool = True,
    overrides: bool = True,
    shuffle: bool = True,
    path: str = "generated.rules",
) -> Strategy:
    """:class:`netrules.nodes.RuleFile` values that pass the checker.

    Parameters ``p1..``, advice ``adv1..``, tables ``t1..``, definitions
    ``d1..`` (some with parameters), rules ``r1..`` with ``for each``, ``where``,
    ``group by``, ``when``, ``lower severity``, ``suppresses`` or ``defers to`` (of earlier
    rules), ``aggregate``, message templates with holes and formats, evidence and examples;
    then ``set`` overrides and ``disable``.  Expressions nest at most
    ``max_depth`` deep.  ``shuffle`` puts the items in any order (names resolve
    regardless).  Spans are placeholders: print the file to get real ones.
    """
    return _rule_files(
        max_params,
        max_tables,
        max_defines,
        max_rules,
        max_depth,
        examples,
        overrides,
        shuffle,
        path,
    )


def rule_sources(**knobs: Any) -> Strategy:
    """Rule-file text that loads without errors: :func:`rule_files`, printed."""
    return rule_files(**knobs).map(print_rule_file)


def grammar_sources() -> Strategy:
    """Text from the grammar itself (``hypothesis.extra.lark``), for fuzzing the error path.

    The grammar's keywords are contextual and some terminals overlap, so not
    every string drawn here parses; every string should load or fail with a
    RuleError, never with another exception.
    """
    from importlib import resources

    from hypothesis.extra.lark import from_lark
    from lark import Lark

    grammar = resources.files("netrules").joinpath("grammar.lark").read_text(encoding="utf-8")
    lark = Lark(grammar, parser="lalr", start="start")
    return from_lark(lark, start="start").map(lambda s: re.sub("\x00", " ", s))


# ---- st.from_type(...) for the model ----
def _one(many: Strategy) -> Strategy:
    return many.map(lambda records: records[0])


def _from_type() -> dict[type, Callable[[], Strategy]]:
    """The strategy behind ``st.from_type(cls)`` for each model class."""
    days = functools.partial(dates_near, AS_OF)
    return {
        Network: networks,
        Member: members,
        Connection: lambda: _one(connections(min_size=1, max_size=1)),
        Invitation: lambda: _one(invitations(min_size=1, max_size=1)),
        Removal: lambda: _one(removals(("c1",), min_size=1, max_size=1)),
        Recommendation: lambda: _one(recommendations(min_size=1, max_size=1)),
        Employer: lambda: employers(days()),
        School: lambda: schools(days()),
    }


def register_types() -> None:
    """Make ``st.from_type(Network)`` (and every model class) draw valid values.

    Done when this module is imported, and by hypothesis itself through the
    ``hypothesis`` entry point of the installed package (no import needed).
    """
    for cls, make in _from_type().items():
        st.register_type_strategy(cls, st.deferred(make))


register_types()
