"""Personas: realistic networks, and what the source article would say to each person.

A persona is a network document, the day it is judged at, and expectations: rules that
must fire (optionally at a given severity), rules that must not fire, rules that must be
listed as skipped, each with the reason from the article and the section it comes from.
With ``exhaustive`` no rule outside ``fires`` may fire: the report says exactly what the
article would say, nothing more.

Personas are written as JSON files in this folder (``*.json``, the format of
:func:`persona_from_dict`) or built in Python by modules named ``personas_*.py`` that
expose ``PERSONAS``, a list of :class:`Persona` (for networks too large to write by hand).
"""

from __future__ import annotations

import datetime
import importlib.util
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import netrules

HERE = Path(__file__).resolve().parent

# The source article's section headings: every expectation cites one of them.
SECTIONS = frozenset(
    {
        "Is it OK to have no connections on LinkedIn?",
        "The Drawbacks of Having No Connections",
        "When Is It Acceptable to Have No Connections?",
        "Tips for Growing Your LinkedIn Connections",
        "How Many Connections Are Good on LinkedIn?",
        "Factors That Impact Your Optimal Number of Connections",
        "How to Send LinkedIn Connection Requests",
        "LinkedIn Etiquette for Connections",
        "Maintaining Your LinkedIn Connections",
        "Should You Buy LinkedIn Connections?",
        "Alternatives to Buying LinkedIn Connections",
        "How to Remove LinkedIn Connections",
        "Conclusion",
    }
)
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Expect:
    """One expectation about one rule, with the article's reason for it."""

    rule: str
    why: str
    source: str
    severity: str | None = None  # for `fires`: every finding of the rule has this severity
    says: str | None = None  # for `fires`: text that one of the rule's messages contains


@dataclass(frozen=True)
class Persona:
    """A person, their network, and what the article would (not) tell them."""

    name: str
    about: str
    as_of: datetime.date
    network: Mapping[str, Any] | netrules.Network  # a document, or a loaded export
    fires: tuple[Expect, ...] = ()
    passes: tuple[Expect, ...] = ()
    skipped: tuple[Expect, ...] = ()
    exhaustive: bool = False
    params: Mapping[str, Any] = field(default_factory=dict)
    origin: str = ""


def _expects(items: Any, where: str) -> tuple[Expect, ...]:
    if not isinstance(items, list):
        raise ValueError(f"{where}: a list of {{rule, why, source}} objects expected")
    out = []
    for i, item in enumerate(items):
        unknown = set(item) - {"rule", "why", "source", "severity", "says"}
        if unknown:
            raise ValueError(f"{where}[{i}]: unknown keys {sorted(unknown)}")
        out.append(
            Expect(
                item["rule"], item["why"], item["source"], item.get("severity"), item.get("says")
            )
        )
    return tuple(out)


def persona_from_dict(data: Mapping[str, Any], origin: str = "") -> Persona:
    """A persona from its JSON form (the keys are the fields of :class:`Persona`)."""
    known = {"name", "about", "as_of", "network", "fires", "passes", "skipped", "exhaustive"}
    unknown = set(data) - known - {"params"}
    if unknown:
        raise ValueError(f"{origin}: unknown keys {sorted(unknown)}")
    return Persona(
        name=data["name"],
        about=data["about"],
        as_of=datetime.date.fromisoformat(data["as_of"]),
        network=data["network"],
        fires=_expects(data.get("fires", []), f"{origin}: fires"),
        passes=_expects(data.get("passes", []), f"{origin}: passes"),
        skipped=_expects(data.get("skipped", []), f"{origin}: skipped"),
        exhaustive=bool(data.get("exhaustive", False)),
        params=data.get("params", {}),
        origin=origin,
    )


def all_personas(folder: Path = HERE) -> list[Persona]:
    """Every persona of the folder: the JSON files, then the ``personas_*.py`` modules."""
    found = [
        persona_from_dict(json.loads(p.read_text(encoding="utf-8")), p.name)
        for p in sorted(folder.glob("*.json"))
    ]
    for path in sorted(folder.glob("personas_*.py")):
        spec = importlib.util.spec_from_file_location(f"_personas_{path.stem}", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found.extend(module.PERSONAS)
    return found


def problems(persona: Persona, pack: netrules.RuleSet) -> list[str]:
    """What is wrong with the report of this persona (empty when it is right).

    The persona itself is checked too: known rule ids, a reason and an article section
    for every expectation, no rule expected both to fire and not to.
    """
    out: list[str] = []
    ids = set(pack.rule_ids())
    groups = {"fires": persona.fires, "passes": persona.passes, "skipped": persona.skipped}
    for kind, expects in groups.items():
        for e in expects:
            if e.rule not in ids:
                out.append(f"{kind}: unknown rule {e.rule!r}")
            if not e.why.strip():
                out.append(f"{kind} {e.rule}: no reason given")
            if e.source not in SECTIONS:
                out.append(f"{kind} {e.rule}: {e.source!r} is not a section of the article")
            if e.severity is not None and (kind != "fires" or e.severity not in SEVERITIES):
                out.append(f"{kind} {e.rule}: severity {e.severity!r} not allowed here")
            if e.says is not None and kind != "fires":
                out.append(f"{kind} {e.rule}: 'says' is only for rules that fire")
    both = {e.rule for e in persona.fires} & {e.rule for e in persona.passes}
    if both:
        out.append(f"expected both to fire and not to fire: {sorted(both)}")
    if out:
        return out

    network = persona.network
    if not isinstance(network, netrules.Network):
        network = dict(network)
    report = pack.evaluate(network, as_of=persona.as_of, params=persona.params)
    fired: dict[str, set[str]] = {}
    for f in report.findings:
        fired.setdefault(f.rule, set()).add(f.severity)
    skipped = {s.rule for s in report.skipped}
    for e in persona.fires:
        if e.rule not in fired:
            out.append(f"{e.rule} did not fire ({e.why})")
        elif e.severity is not None and fired[e.rule] != {e.severity}:
            out.append(f"{e.rule} fired at {sorted(fired[e.rule])}, expected {e.severity}")
        messages = [f.message for f in report.findings if f.rule == e.rule]
        if e.says is not None and e.rule in fired and not any(e.says in m for m in messages):
            out.append(f"{e.rule} does not say {e.says!r}: {messages[:2]}")
    for e in persona.passes:
        if e.rule in fired:
            messages = [f.message for f in report.findings if f.rule == e.rule][:2]
            out.append(f"{e.rule} fired but must not ({e.why}): {messages}")
    for e in persona.skipped:
        if e.rule not in skipped:
            out.append(f"{e.rule} is not listed as skipped ({e.why})")
    if persona.exhaustive:
        extra = sorted(set(fired) - {e.rule for e in persona.fires})
        for rule in extra:
            messages = [f.message for f in report.findings if f.rule == rule][:2]
            out.append(f"{rule} fired, and the persona lists every rule that may: {messages}")
    return out
