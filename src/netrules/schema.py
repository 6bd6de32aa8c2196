"""The closed world a rule can see: root names, record fields and built-in functions.

Types are short strings: ``number``, ``string``, ``bool``, ``date``,
``duration``, ``range``, ``list:T``, ``rec:R`` (one record), ``coll:R`` (a
collection of records) and ``any`` (after an error, to avoid cascades).
"""

from __future__ import annotations

from .model import CAREER_LEVELS, DIRECTIONS, INVITATION_STATUSES, RELATIONSHIPS, SITUATIONS

__all__ = ["FIELDS", "FUNCTIONS", "ITEM_KINDS", "ROOTS", "FieldInfo"]

# name -> (type, nullable, allowed values or None)
FieldInfo = tuple[str, bool, "tuple[str, ...] | None"]

FIELDS: dict[str, dict[str, FieldInfo]] = {
    "member": {
        "name": ("string", True, None),
        "industry": ("string", True, None),
        "headline": ("string", True, None),
        "career_level": ("string", True, CAREER_LEVELS),
        "job_seeking": ("bool", True, None),
        "joined_on": ("date", True, None),
        "situations": ("list:string", True, SITUATIONS),
        "connection_count": ("number", False, None),
        "premium": ("bool", True, None),
        "employers": ("coll:employer", False, None),
        "schools": ("coll:school", False, None),
        "exchanges_recorded": ("bool", True, None),
        "recommendations_recorded": ("bool", True, None),
    },
    "employer": {
        "name": ("string", False, None),
        "title": ("string", True, None),
        "start": ("date", True, None),
        "end": ("date", True, None),
    },
    "school": {
        "name": ("string", False, None),
        "degree": ("string", True, None),
        "start": ("date", True, None),
        "end": ("date", True, None),
    },
    "connection": {
        "id": ("string", False, None),
        "name": ("string", True, None),
        "company": ("string", True, None),
        "position": ("string", True, None),
        "connected_on": ("date", True, None),
        "last_interaction_on": ("date", True, None),
        "relationship": ("string", True, RELATIONSHIPS),
        "url": ("string", True, None),
        "email": ("string", True, None),
    },
    "invitation": {
        "id": ("string", False, None),
        "direction": ("string", False, DIRECTIONS),
        "person": ("string", True, None),
        "sent_on": ("date", True, None),
        "message": ("string", True, None),
        "status": ("string", True, INVITATION_STATUSES),
        "follow_ups": ("number", True, None),
        "relationship": ("string", True, RELATIONSHIPS),
    },
    "removal": {
        "id": ("string", False, None),
        "connection": ("string", False, None),
        "planned_on": ("date", True, None),
        "notified": ("bool", True, None),
    },
    "recommendation": {
        "id": ("string", False, None),
        "person": ("string", True, None),
        "given_on": ("date", True, None),
        "relationship": ("string", True, RELATIONSHIPS),
    },
    "range": {
        "low": ("number", False, None),
        "high": ("number", True, None),
        "open": ("bool", False, None),
    },
}

# Root names every rule can read, with their types (never null).
ROOTS: dict[str, str] = {
    "member": "rec:member",
    "as_of": "date",
    "connections": "coll:connection",
    "invitations": "coll:invitation",
    "removals": "coll:removal",
    "recommendations_given": "coll:recommendation",
}

# The subject kind of a per-item rule over each root collection.
ITEM_KINDS = {
    "connections": "connection",
    "invitations": "invitation",
    "removals": "removal",
    "recommendations_given": "recommendation",
}

# name -> (argument types (alternatives joined by '|'), minimum args, result type).
# A result of "arg0" means: the type of the first argument.
FUNCTIONS: dict[str, tuple[tuple[str, ...], int, str]] = {
    "lower": (("string",), 1, "string"),
    "upper": (("string",), 1, "string"),
    "trim": (("string",), 1, "string"),
    "contains": (("string", "string"), 2, "bool"),
    "starts_with": (("string", "string"), 2, "bool"),
    "ends_with": (("string", "string"), 2, "bool"),
    "length": (("string|list|coll",), 1, "number"),
    "normalize": (("string", "string"), 1, "string"),
    "shorten": (("string", "number"), 2, "string"),
    "known": (("*",), 1, "bool"),
    "days_between": (("date", "date"), 2, "number"),
    "abs": (("number",), 1, "number"),
    "round": (("number",), 1, "number"),
    "plural": (("number", "string", "string"), 2, "string"),
    "choose": (("bool", "string", "string"), 3, "string"),
    "provenance": (("*",), 1, "string"),
    "confidence": (("*",), 1, "string"),
}
# Functions whose one argument must be a member field: they read where its value
# came from (Network.facts), not the value.
FACT_FUNCTIONS = ("provenance", "confidence")
