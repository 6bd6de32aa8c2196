"""The member context an archive cannot tell, from a small TOML or JSON file.

A LinkedIn export never states career level, job seeking, situations or how
the member knows each connection; netrules derives what the files support
(loaders/derive.py) and leaves the rest None (unknown).  An overlay declares
them, and a declared value always wins (its provenance record says "declared")::

    as_of = 2025-01-31

    [member]
    career_level = "mid-career"
    job_seeking = false
    situations = ["career-change"]

    [relationships]
    "Jane Doe" = "colleague"                            # by name (any case)
    "https://www.linkedin.com/in/john-roe" = "friend"   # or by connection id

    [[removals]]
    connection = "Old Contact"
    planned_on = 2025-02-15
    notified = false

Keys and values are checked like a network document (docs/input-format.md):
every error names its key path, and unknown keys get a did-you-mean hint.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import tomllib
from pathlib import Path
from typing import Any

import attrs

from ..diagnostics import did_you_mean
from ..errors import InputError
from ..model import RELATIONSHIPS, Connection, Fact, Network, Removal
from .archive import person_key, url_key
from .json_doc import MEMBER_SPEC, REMOVAL_SPEC, _Bad, _check, _describe, check_text
from .reading import MAX_OVERLAY_BYTES, decode_utf8, loads_json, read_file

__all__ = ["OVERLAY_MEMBER_KEYS", "apply_overlay", "check_overlay", "load_overlay"]

# Every member field but the lists an archive already gives (employers, schools).
_MEMBER_SPEC = {k: v for k, v in MEMBER_SPEC.items() if k not in ("employers", "schools")}
OVERLAY_MEMBER_KEYS = tuple(_MEMBER_SPEC)
_KINDS: dict[str, Any] = {
    "as_of": "date",
    "member": ("object", _MEMBER_SPEC),
    "relationships": None,  # a free mapping, checked by _check_relationships
    "removals": ("list", ("object", REMOVAL_SPEC)),
}


def load_overlay(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check an overlay file (``.toml``, or ``.json``); dates become dates.

    Raises :class:`~netrules.errors.InputError` naming the file and key path.
    """
    path = Path(path)
    source = str(path)
    raw = read_file(path, MAX_OVERLAY_BYTES, label=source)
    text = decode_utf8(raw, label=source, expected="a TOML or JSON overlay")
    is_json = path.suffix.lower() == ".json" or (
        path.suffix.lower() != ".toml" and text.lstrip().startswith("{")
    )
    if is_json:
        data = loads_json(text, label=source, expected="a TOML or JSON overlay")
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"invalid TOML: {exc}", file=source) from None
        except RecursionError:
            raise InputError("invalid TOML: nested too deeply", file=source) from None
        except ValueError as exc:  # a whole number of more than 4,300 digits
            raise InputError(f"invalid TOML: {exc}", file=source) from None
    return check_overlay(data, source=source)


def check_overlay(data: Any, *, source: str = "<overlay>") -> dict[str, Any]:
    """Check an overlay already parsed into Python values; return it normalised."""
    try:
        if not isinstance(data, dict):
            raise _Bad("", f"expected a table of keys, got {_describe(data)}")
        out: dict[str, Any] = {}
        for key, value in data.items():
            if not isinstance(key, str):
                raise _Bad("", f"keys must be strings, got {_describe(key)}")
            if key not in _KINDS:
                hint = did_you_mean(key, _KINDS)
                raise _Bad(key, "unknown key" + (f" (did you mean '{hint}'?)" if hint else ""))
            value = _iso_dates(value, key)
            if key == "relationships":
                out[key] = _check_relationships(value)
            else:
                out[key] = _check(_KINDS[key], value, key)
    except _Bad as bad:
        raise InputError(bad.message, file=source, location=bad.path or None) from None
    return out


_MAX_DEPTH = 8  # an overlay is three levels deep (removals[0].planned_on)


def _iso_dates(value: Any, path: str, depth: int = 0) -> Any:
    """TOML gives dates as date objects; the shared checks expect ISO text.

    Times (a TOML datetime or time) are refused: facts are days.
    """
    if isinstance(value, _dt.datetime | _dt.time):
        raise _Bad(path, f"expected a date (YYYY-MM-DD), got the date and time {value}")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        if depth >= _MAX_DEPTH:
            raise _Bad(path, "nested too deeply; an overlay is a few levels deep")
        if isinstance(value, dict):
            return {k: _iso_dates(v, f"{path}.{k}", depth + 1) for k, v in value.items()}
        return [_iso_dates(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]
    return value


def _check_relationships(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _Bad(
            "relationships",
            f"expected a table of connection = relationship, got {_describe(value)}",
        )
    out = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise _Bad("relationships", f"keys must be strings, got {_describe(key)}")
        shown = f"relationships.{json.dumps(key)}"
        check_text(key, shown)
        out[key] = _check(("enum", RELATIONSHIPS), item, shown)
    return out


class _Resolver:
    """Finds connections by id, by profile URL in any spelling, or by id or name
    ignoring case and spacing."""

    def __init__(self, connections: tuple[Connection, ...]):
        self.connections = connections
        self.by_id = {c.id: i for i, c in enumerate(connections)}
        self.by_url = {url_key(c.url): i for i, c in enumerate(connections) if c.url}
        self.by_key: dict[str, list[int]] = {}
        for i, c in enumerate(connections):
            keys = {person_key(c.id)} | ({person_key(c.name)} if c.name else set())
            for key in keys:
                self.by_key.setdefault(key, []).append(i)

    def find(self, ref: str, path: str) -> int:
        i = self.by_id.get(ref)
        if i is None and "://" in ref:
            i = self.by_url.get(url_key(ref))
        if i is not None:
            return i
        found = self.by_key.get(person_key(ref), [])
        if len(found) == 1:
            return found[0]
        if found:
            ids = ", ".join(
                json.dumps(self.connections[j].id, ensure_ascii=False) for j in found[:3]
            )
            raise _Bad(
                path,
                f"{len(found)} connections are named {json.dumps(ref)}; "
                f"use the connection id instead ({ids}{', ...' if len(found) > 3 else ''})",
            )
        names = [c.name for c in self.connections if c.name]
        hint = did_you_mean(ref, names) if len(names) <= 5000 else None
        raise _Bad(
            path,
            f"no connection has the id or name {json.dumps(ref, ensure_ascii=False)}"
            + (f" (did you mean '{hint}'?)" if hint else ""),
        )


_OPTIONS = {
    "industry": "--industry",
    "career_level": "--career-level",
    "job_seeking": "--job-seeking / --not-job-seeking",
    "situations": "--situation",
}


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(map(str, value)) + "]" if value else "[] (none applies)"
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def _declared_facts(
    network: Network,
    overlay: dict[str, Any],
    member: dict[str, Any],
    changes: dict[str, Any],
    source: str,
) -> tuple[Fact, ...]:
    """``network.facts`` with what the overlay declares: a declared value replaces
    the derived one's record, and no other record changes provenance."""
    cli = source == "<command line>"

    def declared(name: str, key: str, value: Any, how: str) -> Fact:
        where = "on the command line" if cli else f"in {source}"
        return Fact(
            name,
            value,
            "declared",
            "high",
            None,
            f"you declared it {where}",
            (f"{_OPTIONS.get(key, key) if cli else source} → {key} = {_shown(value)}",),
            how,
        )

    facts = list(network.facts)
    names = [f.name for f in facts]

    def put(fact: Fact) -> None:
        if fact.name in names:
            facts[names.index(fact.name)] = fact
        else:
            facts.append(fact)
            names.append(fact.name)

    for key, value in member.items():
        how = f"change {_OPTIONS[key]}" if cli and key in _OPTIONS else f"edit {source}"
        put(declared(f"member.{key}", key, value, how))
    if overlay.get("as_of") is not None:
        put(declared("as_of", "as_of", overlay["as_of"], f"edit {source}"))
    relationships = overlay.get("relationships") or {}
    if relationships and "connections" in changes:
        counts: dict[str, int] = {}
        was: dict[str, int] = {}
        for old, new in zip(network.connections, changes["connections"], strict=True):
            if old is not new:
                counts[new.relationship] = counts.get(new.relationship, 0) + 1
                if old.relationship is not None:
                    was[old.relationship] = was.get(old.relationship, 0) + 1
        derived = [
            i
            for i, f in enumerate(facts)
            if f.name == "connections.relationship" and f.source == "derived"
        ]
        if derived and was:
            f = facts[derived[0]]
            value = {k: v - was.get(k, 0) for k, v in f.value.items() if v - was.get(k, 0) > 0}
            facts[derived[0]] = attrs.evolve(
                f, value=value, why=f"{f.why} (before {sum(was.values())} declared in {source})"
            )
        facts.append(
            Fact(
                "connections.relationship",
                dict(sorted(counts.items())),
                "declared",
                "high",
                None,
                f"you declared {sum(counts.values())} relationship(s) in {source}",
                (f"{source} → [relationships]",),
                f"edit {source}",
            )
        )
    return tuple(facts)


def apply_overlay(
    network: Network, overlay: dict[str, Any], *, source: str = "<overlay>"
) -> Network:
    """A copy of ``network`` with the overlay's member context, relationships and removals.

    ``overlay`` is what :func:`load_overlay` returns, or the same shape built
    in Python (the CLI's ``--career-level`` and friends).  Later overlays win.
    Raises InputError when a relationship or removal names no connection, or
    a name that several connections share.
    """
    overlay = check_overlay(overlay, source=source)
    changes: dict[str, Any] = {}
    try:
        member = {k: v for k, v in (overlay.get("member") or {}).items() if v is not None}
        if "situations" in member:
            member["situations"] = tuple(dict.fromkeys(member["situations"]))
        if member:
            changes["member"] = attrs.evolve(network.member, **member)
        if overlay.get("as_of") is not None:
            changes["as_of"] = overlay["as_of"]
        relationships = overlay.get("relationships") or {}
        removals = overlay.get("removals") or []
        resolver = _Resolver(network.connections) if relationships or removals else None
        if relationships:
            assert resolver is not None
            connections = list(network.connections)
            for ref, relationship in relationships.items():
                i = resolver.find(ref, f"relationships.{json.dumps(ref, ensure_ascii=False)}")
                connections[i] = attrs.evolve(connections[i], relationship=relationship)
            changes["connections"] = tuple(connections)
        if network.facts:
            changes["facts"] = _declared_facts(network, overlay, member, changes, source)
        if removals:
            assert resolver is not None
            taken = {r.id for r in network.removals}
            number = len(network.removals)
            added = []
            for n, entry in enumerate(removals):
                path = f"removals[{n}]"
                target = network.connections[
                    resolver.find(entry["connection"], f"{path}.connection")
                ]
                ident = entry.get("id")
                if ident in taken:
                    raise _Bad(f"{path}.id", f"duplicate id {json.dumps(ident)}")
                while ident is None or ident in taken:
                    number += 1
                    ident = f"removal-{number}"
                taken.add(ident)
                added.append(
                    Removal(ident, target.id, entry.get("planned_on"), entry.get("notified"))
                )
            changes["removals"] = network.removals + tuple(added)
    except _Bad as bad:
        raise InputError(bad.message, file=source, location=bad.path or None) from None
    return attrs.evolve(network, **changes) if changes else network
