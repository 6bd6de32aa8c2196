"""JSON network documents -> :class:`~netrules.model.Network`.

The document is checked field by field against one declarative spec, so every
error names its JSON path (``connections[17].connected_on: expected a date,
got "yesterday"``) and the JSON Schema in docs/ is generated from the same spec.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import InputError
from ..model import (
    CAREER_LEVELS,
    CONFIDENCES,
    DIRECTIONS,
    FACT_SOURCES,
    INVITATION_STATUSES,
    RELATIONSHIPS,
    SITUATIONS,
    Connection,
    Employer,
    Fact,
    Invitation,
    Member,
    Network,
    Recommendation,
    Removal,
    School,
)
from .reading import HugeNumber

__all__ = ["NETWORK_SPEC", "json_schema", "network_from_dict", "parse_iso_date"]

_DATE_CACHE: dict[str, _dt.date] = {}
MAX_INT = 2**53 - 1  # the largest whole number every JSON reader agrees on


def parse_iso_date(text: str) -> _dt.date | None:
    """``2024-12-16`` -> date; None for anything else (times included: facts are days)."""
    d = _DATE_CACHE.get(text)
    if d is not None:
        return d
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None  # only YYYY-MM-DD: no week dates (2025-W01-1), no compact forms
    try:
        d = _dt.date.fromisoformat(text)
    except ValueError:
        return None
    if len(_DATE_CACHE) < 100_000:
        _DATE_CACHE[text] = d
    return d


class _Bad(Exception):
    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message


def check_text(value: str, path: str) -> None:
    """Refuse a string holding a lone surrogate (``"\\ud800"`` in JSON): it is not text
    and cannot be written out as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(value[exc.start])
        raise _Bad(
            path,
            f"a lone surrogate \\u{code:04x} is not a character; "
            "the text is damaged (a surrogate pair split in two?)",
        ) from None


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        # (a lone surrogate is shown as its escape: it cannot be written as UTF-8)
        return json.dumps(shown, ensure_ascii=False).encode("utf-8", "backslashreplace").decode()
    if isinstance(value, HugeNumber):
        return repr(value)
    if isinstance(value, int) and value.bit_length() > 64:
        return f"a number with about {int(value.bit_length() * 0.30103) + 1} digits"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# A field spec: (kind, required, extra) where kind is one of
# "string", "date", "int", "bool", ("enum", values), ("list", kind), ("object", spec).
Spec = Mapping[str, tuple[Any, bool]]

EMPLOYER_SPEC: Spec = {
    "name": ("string", True),
    "title": ("string", False),
    "start": ("date", False),
    "end": ("date", False),
}
SCHOOL_SPEC: Spec = {
    "name": ("string", True),
    "degree": ("string", False),
    "start": ("date", False),
    "end": ("date", False),
}
MEMBER_SPEC: Spec = {
    "name": ("string", False),
    "industry": ("string", False),
    "headline": ("string", False),
    "career_level": (("enum", CAREER_LEVELS), False),
    "job_seeking": ("bool", False),
    "joined_on": ("date", False),
    "situations": (("list", ("enum", SITUATIONS)), False),
    "connection_count": ("int", False),
    "premium": ("bool", False),
    "employers": (("list", ("object", EMPLOYER_SPEC)), False),
    "schools": (("list", ("object", SCHOOL_SPEC)), False),
    "exchanges_recorded": ("bool", False),
    "recommendations_recorded": ("bool", False),
}
CONNECTION_SPEC: Spec = {
    "id": ("string", True),
    "name": ("string", False),
    "company": ("string", False),
    "position": ("string", False),
    "connected_on": ("date", False),
    "last_interaction_on": ("date", False),
    "relationship": (("enum", RELATIONSHIPS), False),
    "url": ("string", False),
    "email": ("string", False),
}
INVITATION_SPEC: Spec = {
    "id": ("string", False),
    "direction": (("enum", DIRECTIONS), True),
    "person": ("string", False),
    "sent_on": ("date", False),
    "message": ("string", False),
    "status": (("enum", INVITATION_STATUSES), False),
    "follow_ups": ("int", False),
    "relationship": (("enum", RELATIONSHIPS), False),
}
REMOVAL_SPEC: Spec = {
    "id": ("string", False),
    "connection": ("string", True),
    "planned_on": ("date", False),
    "notified": ("bool", False),
}
RECOMMENDATION_SPEC: Spec = {
    "id": ("string", False),
    "person": ("string", False),
    "given_on": ("date", False),
    "relationship": (("enum", RELATIONSHIPS), False),
}
FACT_SPEC: Spec = {
    "fact": ("string", True),
    "source": (("enum", FACT_SOURCES), True),
    "confidence": (("enum", CONFIDENCES), True),
    "rule": ("string", False),
    "why": ("string", False),
    "evidence": (("list", "string"), False),
    "override": ("string", False),
}
NETWORK_SPEC: Spec = {
    "as_of": ("date", False),
    "member": (("object", MEMBER_SPEC), False),
    "connections": (("list", ("object", CONNECTION_SPEC)), False),
    "invitations": (("list", ("object", INVITATION_SPEC)), False),
    "removals": (("list", ("object", REMOVAL_SPEC)), False),
    "recommendations_given": (("list", ("object", RECOMMENDATION_SPEC)), False),
    "facts": (("list", ("object", FACT_SPEC)), False),
}


def _expected(kind: Any) -> str:
    if kind == "date":
        return "a date (YYYY-MM-DD)"
    if kind == "int":
        return "a whole number"
    if kind == "bool":
        return "true or false"
    if kind == "string":
        return "a string"
    return {
        "enum": "one of " + ", ".join(kind[1]) if kind[0] == "enum" else "",
        "list": "a list",
        "object": "an object",
    }[kind[0]]


def _check(kind: Any, value: Any, path: str) -> Any:
    """Validate one value against its kind and return it converted."""
    if value is None:
        return None
    if kind == "string":
        if not isinstance(value, str):
            raise _Bad(path, f"expected a string, got {_describe(value)}")
        if not value.isascii():
            check_text(value, path)
        return value
    if kind == "date":
        # A dict built in Python (a batch row, a DataFrame) may hold date objects already.
        if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
            return value
        if isinstance(value, str):
            d = parse_iso_date(value)
            if d is not None:
                return d
        raise _Bad(path, f"expected a date (YYYY-MM-DD), got {_describe(value)}")
    if kind == "int":
        if isinstance(value, HugeNumber):
            raise _Bad(path, f"expected a number up to {MAX_INT}, got {_describe(value)}")
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(path, f"expected a whole number, got {_describe(value)}")
        if value < 0:
            raise _Bad(path, f"expected a number of 0 or more, got {value}")
        if value > MAX_INT:
            raise _Bad(path, f"expected a number up to {MAX_INT}, got a larger one")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise _Bad(path, f"expected true or false, got {_describe(value)}")
        return value
    tag = kind[0]
    if tag == "enum":
        if not isinstance(value, str) or value not in kind[1]:
            allowed = ", ".join(kind[1])
            raise _Bad(path, f"expected one of {allowed}; got {_describe(value)}")
        return value
    if tag == "list":
        if not isinstance(value, (list, tuple)):  # tuples: dicts built in Python
            raise _Bad(path, f"expected a list, got {_describe(value)}")
        out = []
        for i, v in enumerate(value):
            if v is None:
                raise _Bad(f"{path}[{i}]", f"expected {_expected(kind[1])}, got null")
            out.append(_check(kind[1], v, f"{path}[{i}]"))
        return out
    if tag == "object":
        return _check_object(kind[1], value, path)
    raise AssertionError(kind)  # pragma: no cover - specs are ours


def _check_object(spec: Spec, value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(path, f"expected an object, got {_describe(value)}")
    out: dict[str, Any] = {}
    prefix = f"{path}." if path else ""
    for key, item in value.items():
        if not isinstance(key, str):
            raise _Bad(path, f"keys must be strings, got {_describe(key)}")
        if key not in spec:
            from ..diagnostics import did_you_mean

            hint = did_you_mean(key, spec)
            raise _Bad(
                f"{prefix}{key}", "unknown key" + (f" (did you mean '{hint}'?)" if hint else "")
            )
        out[key] = _check(spec[key][0], item, f"{prefix}{key}")
    for key, (_kind, required) in spec.items():
        if required and out.get(key) is None:
            raise _Bad(f"{prefix}{key}", "required, but missing")
    return out


# Fields whose default is not "unknown": an explicit null still means unknown.
NULL_IS_UNKNOWN = frozenset({"follow_ups", "exchanges_recorded", "recommendations_recorded"})


def _given(row: dict[str, Any]) -> dict[str, Any]:
    """The keys to pass on: nulls dropped (the class default), except where the
    default is a value, not unknown."""
    return {k: v for k, v in row.items() if v is not None or k in NULL_IS_UNKNOWN}


def _build(
    cls: Callable[..., Any], rows: list[dict[str, Any]] | None, prefix: str, path: str
) -> tuple[Any, ...]:
    out = []
    seen: set[str] = set()
    for n, row in enumerate(rows or (), start=1):
        row = _given(row)
        if row.get("id") is None:
            row["id"] = f"{prefix}-{n}"
        if row["id"] in seen:
            raise _Bad(f"{path}[{n - 1}].id", f"duplicate id {json.dumps(row['id'])}")
        seen.add(row["id"])
        out.append(cls(**row))
    return tuple(out)


def network_from_dict(data: Any, source: str = "<document>") -> Network:
    """Build a Network from a parsed JSON document, or raise InputError with the path."""
    try:
        doc = _check_object(NETWORK_SPEC, data, "")
        connections = _build(Connection, doc.get("connections"), "connection", "connections")
        invitations = _build(Invitation, doc.get("invitations"), "invitation", "invitations")
        removals = _build(Removal, doc.get("removals"), "removal", "removals")
        recs = _build(
            Recommendation,
            doc.get("recommendations_given"),
            "recommendation",
            "recommendations_given",
        )
    except _Bad as bad:
        raise InputError(bad.message, file=source, location=bad.path or None) from None
    m = _given(dict(doc.get("member") or {}))
    m.setdefault("connection_count", len(connections))
    if "situations" in m:
        m["situations"] = tuple(dict.fromkeys(m["situations"]))
    m["employers"] = tuple(Employer(**e) for e in m.get("employers", ()))
    m["schools"] = tuple(School(**s) for s in m.get("schools", ()))
    member = Member(**m)
    return Network(
        member=member,
        as_of=doc.get("as_of"),
        connections=connections,
        invitations=invitations,
        removals=removals,
        recommendations_given=recs,
        facts=tuple(_fact(f, member, doc.get("as_of")) for f in doc.get("facts") or ()),
    )


def _fact(entry: dict[str, Any], member: Member, as_of: _dt.date | None) -> Fact:
    """A provenance record of a document: its value is the field's (member.X, as_of)."""
    name = entry["fact"]
    if name == "as_of":
        value: Any = as_of
    elif name.startswith("member."):
        value = getattr(member, name[7:], None)
    else:
        value = None
    return Fact(
        name,
        value,
        entry["source"],
        entry["confidence"],
        entry.get("rule"),
        entry.get("why"),
        tuple(entry.get("evidence") or ()),
        entry.get("override"),
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a network document, made from the spec."""

    def kind_schema(kind: Any) -> dict[str, Any]:
        if kind == "string":
            return {"type": ["string", "null"]}
        if kind == "date":
            return {"type": ["string", "null"], "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
        if kind == "int":
            return {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_INT}
        if kind == "bool":
            return {"type": ["boolean", "null"]}
        if kind[0] == "enum":
            return {"enum": [*kind[1], None]}
        if kind[0] == "list":
            return {"type": ["array", "null"], "items": kind_schema(kind[1])}
        return {"anyOf": [obj_schema(kind[1]), {"type": "null"}]}

    def obj_schema(spec: Spec) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "properties": {k: kind_schema(v[0]) for k, v in spec.items()},
            "required": [k for k, v in spec.items() if v[1]],
        }

    schema = obj_schema(NETWORK_SPEC)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "netrules network document"
    return schema
