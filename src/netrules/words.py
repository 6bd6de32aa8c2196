"""Facts in words: what a skipped rule was missing, said the way the person would say it.

The report's ``skipped`` section keeps stable keys (``connection.last_interaction_on``,
``industry_targets[member.industry]``, ``max(connection.connected_on)``); people read
:func:`describe` of them ("when you last exchanged with this connection").  The table
:data:`FIELD_WORDS` is plain data: a program can extend it, or pass its own to
:func:`describe` and to ``render_text(words=...)``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["FIELD_WORDS", "describe"]

FIELD_WORDS: dict[str, str] = {
    "member.name": "your name",
    "member.industry": "your industry",
    "member.headline": "your headline",
    "member.career_level": "your career level",
    "member.job_seeking": "whether you are looking for a job",
    "member.joined_on": "when you joined LinkedIn",
    "member.situations": "your situations",
    "member.premium": "whether you have Premium",
    "member.exchanges_recorded": "whether your messages are in the input",
    "member.recommendations_recorded": "whether the recommendations you gave are in the input",
    "employer.title": "your title at an employer",
    "employer.start": "when you started at an employer",
    "employer.end": "when you left an employer",
    "school.degree": "your degree",
    "school.start": "when you started at a school",
    "school.end": "when you left a school",
    "connection.name": "the connection's name",
    "connection.company": "the connection's company",
    "connection.position": "the connection's position",
    "connection.connected_on": "when you connected",
    "connection.last_interaction_on": "when you last exchanged with this connection",
    "connection.relationship": "how you know this connection",
    "connection.url": "the connection's profile address",
    "connection.email": "the connection's email address",
    "invitation.person": "who the invitation is for",
    "invitation.sent_on": "when the invitation was sent",
    "invitation.message": "the invitation's note",
    "invitation.status": "whether the invitation was answered",
    "invitation.follow_ups": "how many reminders you sent",
    "invitation.relationship": "how you know the person invited",
    "removal.planned_on": "when the removal is planned",
    "removal.notified": "whether you told the person",
    "recommendation.person": "who the recommendation is for",
    "recommendation.given_on": "when the recommendation was given",
    "recommendation.relationship": "how you know the person recommended",
    "division by zero": "a share of nothing (a division by zero)",
    "unknown value": "a value that was unknown",
}

_COLLECTIONS = {
    "connections": "connection",
    "invitations": "invitation",
    "removals": "planned removal",
    "recommendations_given": "recommendation",
}
_INDEX = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\[(?P<key>.*)\](?P<rest>(\.[a-z_]+)?)\Z")
_CALL = re.compile(r"(?P<func>[a-z_]+)\((?P<inner>.*)\)\Z")
_FIRST = {"any", "all", "count"}
_NOTHING = {"min", "max", "avg", "first"}


def describe(key: str, words: Mapping[str, str] | None = None) -> str:
    """The words for one key of ``RuleSkips.fields``; an unknown key is returned as is."""
    table = FIELD_WORDS if words is None else {**FIELD_WORDS, **words}
    if key in table:
        return table[key]
    m = _INDEX.match(key)
    if m:
        name, inner, rest = m["name"], m["key"], m["rest"]
        if name in _COLLECTIONS:
            return f"which {_COLLECTIONS[name]} it names (none has that id)"
        what = name.replace("_", " ")
        if inner.startswith(("'", '"')):
            row = f"the row {inner} of {what}"
        else:
            row = f"a row of {what} for {describe(inner, words)}"
        if rest == ".high":
            return f"the upper end of {row}"
        if rest:
            return f"{rest[1:].replace('_', ' ')} of {row}"
        return row
    m = _CALL.match(key)
    if m:
        func, inner = m["func"], m["inner"]
        parts = [describe(p.strip(), words) for p in inner.split(", ") if p.strip()]
        said = " and ".join(parts) if parts else "a value"
        if func in _FIRST:
            return f"{said}, for some of them"
        if func in _NOTHING:
            return f"{said}, for every one of them"
        return said
    if ", " in key:
        return " and ".join(describe(p, words) for p in key.split(", "))
    return key
