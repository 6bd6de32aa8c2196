"""The facts a rule can read: a member and the collections around them.

Every optional field is ``None`` when the input does not say; rules treat
``None`` as *unknown*, never as false (see docs/semantics.md).  Classes are
frozen and slotted so that compiled rules read attributes at plain-Python speed.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import attrs

from . import attrs_code  # attrs compiles our classes' methods once per user

__all__ = [
    "CAREER_LEVELS",
    "CONFIDENCES",
    "DIRECTIONS",
    "FACT_SOURCES",
    "INVITATION_STATUSES",
    "RELATIONSHIPS",
    "SITUATIONS",
    "Connection",
    "Employer",
    "Fact",
    "Invitation",
    "Member",
    "Network",
    "Recommendation",
    "Removal",
    "School",
    "Skipped",
]

CAREER_LEVELS = ("student", "entry", "mid-career", "senior", "executive")
SITUATIONS = (
    "new-to-linkedin",
    "recent-graduate",
    "career-break",
    "career-change",
    "selective-networker",
    "job-search-privacy",
)
RELATIONSHIPS = (
    "colleague",
    "former-colleague",
    "classmate",
    "friend",
    "family",
    "client",
    "mentor",
    "met-in-person",
    "online-only",
    "known",
    "none",
)
DIRECTIONS = ("outgoing", "incoming")
INVITATION_STATUSES = ("pending", "accepted", "ignored", "unanswered", "declined", "withdrawn")

# Where a fact came from, most trusted first, and how sure netrules is of it.
FACT_SOURCES = ("declared", "stated", "linkedin-inferred", "derived", "default")
CONFIDENCES = ("high", "medium", "low")

Date = _dt.date


@attrs.frozen(slots=True)
class Employer:
    """A position the member holds or held; ``end`` is None while current."""

    name: str
    title: str | None = None
    start: Date | None = None
    end: Date | None = None


@attrs.frozen(slots=True)
class School:
    """A school the member attended; ``end`` is when they finished."""

    name: str
    degree: str | None = None
    start: Date | None = None
    end: Date | None = None


@attrs.frozen(slots=True)
class Member:
    """The person whose network is linted.

    ``situations`` is None when nobody said (an archive cannot tell), and an
    empty tuple when the member said that none applies.  ``exchanges_recorded``
    says whether the input records the member's exchanges (messages...), so
    that a missing ``last_interaction_on`` can mean "never" (True) or stays
    unknown (None: an export without messages.csv).  ``recommendations_recorded``
    does the same for ``Network.recommendations_given`` (None: an export without
    Recommendations_Given.csv, so "none given" is unknown, not "never").
    """

    connection_count: int
    name: str | None = None
    industry: str | None = None
    headline: str | None = None
    career_level: str | None = None
    job_seeking: bool | None = None
    joined_on: Date | None = None
    situations: tuple[str, ...] | None = None
    premium: bool | None = None
    employers: tuple[Employer, ...] = ()
    schools: tuple[School, ...] = ()
    exchanges_recorded: bool | None = True
    recommendations_recorded: bool | None = True


@attrs.frozen(slots=True)
class Connection:
    """A first-degree connection; ``relationship`` None means unknown."""

    id: str
    name: str | None = None
    company: str | None = None
    position: str | None = None
    connected_on: Date | None = None
    last_interaction_on: Date | None = None
    relationship: str | None = None
    url: str | None = None
    email: str | None = None


@attrs.frozen(slots=True)
class Invitation:
    """A connection invitation, sent or received.

    ``follow_ups`` is None when unknown (an export records no follow-ups).
    """

    id: str
    direction: str
    person: str | None = None
    sent_on: Date | None = None
    message: str | None = None
    status: str | None = None
    follow_ups: int | None = 0
    relationship: str | None = None


@attrs.frozen(slots=True)
class Removal:
    """A planned removal of a connection (``connection`` is its id)."""

    id: str
    connection: str
    planned_on: Date | None = None
    notified: bool | None = None


@attrs.frozen(slots=True)
class Recommendation:
    """A recommendation the member wrote for someone."""

    id: str
    person: str | None = None
    given_on: Date | None = None
    relationship: str | None = None


@attrs.frozen(slots=True)
class Skipped:
    """Input rows a loader left out on purpose, with the reason and where."""

    file: str
    reason: str
    count: int
    rows: tuple[int, ...] = ()


@attrs.frozen(slots=True)
class Fact:
    """Where one fact came from: its provenance.

    ``name`` is the field (``member.career_level``, ``as_of``) or, for a
    summary over a collection, the collection's field
    (``connections.relationship``, whose ``value`` is then a count per value).
    ``source`` is one of FACT_SOURCES, ``confidence`` one of CONFIDENCES;
    ``rule`` names the derivation, ``why`` says it in one sentence,
    ``evidence`` quotes the file, column and value it used, and ``override``
    says how the member corrects it.
    """

    name: str
    value: Any
    source: str
    confidence: str
    rule: str | None = None
    why: str | None = None
    evidence: tuple[str, ...] = ()
    override: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (docs/report-format.md, ``assumptions``)."""
        value = self.value
        if isinstance(value, _dt.date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, dict):
            value = dict(value)
        return {
            "fact": self.name,
            "value": value,
            "source": self.source,
            "confidence": self.confidence,
            "rule": self.rule,
            "why": self.why,
            "evidence": list(self.evidence),
            "override": self.override,
        }


@attrs.frozen(slots=True)
class Network:
    """Everything known about one member, as one immutable value.

    ``facts`` records the provenance of what a loader stated or derived (an
    export); it is empty for a network document and with ``infer=False``.
    """

    member: Member
    as_of: Date | None = None
    connections: tuple[Connection, ...] = ()
    invitations: tuple[Invitation, ...] = ()
    removals: tuple[Removal, ...] = ()
    recommendations_given: tuple[Recommendation, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    facts: tuple[Fact, ...] = ()

    def fact(self, name: str) -> Fact | None:
        """The provenance of ``name`` (``member.career_level``), or None when none
        was recorded (a network document: what it gives is declared)."""
        for f in self.facts:
            if f.name == name:
                return f
        return None

    def counts(self) -> dict[str, int]:
        """How many items of each collection were loaded (for report headers)."""
        return {
            "connections": len(self.connections),
            "invitations": len(self.invitations),
            "removals": len(self.removals),
            "recommendations_given": len(self.recommendations_given),
        }


def filler(cls: type, purpose: str) -> type:
    """A class to build instances of the frozen slotted attrs class ``cls`` without its
    ``__init__``, for hot loops (the archive loader's connections and invitations, the
    batch function's findings).

    It is a subclass of ``cls`` adding no slot and none of the frozen class's guards
    (``__setattr__`` and ``__delattr__`` are ``object``'s), so its fields are stored by
    plain attribute assignments, which the interpreter turns into direct slot stores;
    its ``__init__`` is ``object``'s, so ``filler()`` makes an empty object without a
    call of attrs' ``__init__``.  The loop makes one, stores every field, then sets
    ``obj.__class__ = cls`` (allowed: the two classes have the same layout), and the
    object is from then on exactly what ``cls(...)`` makes: its class, fields, equality
    and hash (tests compare them), frozen like any other.  A third of the time of
    calling each slot's setter, which is itself faster than attrs' ``__init__``.  Only
    for a class whose ``__init__`` does nothing but store its arguments (checked here).
    """
    fields = attrs.fields(cls)
    if (
        any(
            f.validator is not None
            or f.converter is not None
            or f.on_setattr is not None
            or not f.init
            or f.alias != f.name
            for f in fields
        )
        or getattr(cls, "__attrs_post_init__", None) is not None
    ):
        raise TypeError(f"{cls.__name__}: its __init__ does more than set its fields")
    if "__slots__" not in cls.__dict__ or cls.__dictoffset__:
        raise TypeError(f"{cls.__name__}: not a slotted class")
    return type(
        f"_{cls.__name__}Filler",
        (cls,),
        {
            "__slots__": (),
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
            "__init__": object.__init__,
            "__doc__": f"A {cls.__name__} while {purpose} fills it (see model.filler).",
        },
    )


attrs_code.flush()  # the code of the classes above, if newly compiled
