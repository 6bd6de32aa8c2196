"""Profiles and small helpers shared by the property tests."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any

from hypothesis import HealthCheck, settings

PROFILE_ENV = "NETRULES_HYPOTHESIS_PROFILE"
_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile(
    "ci",
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=_SLOW,
    print_blob=True,
)
settings.register_profile(
    "dev", max_examples=30, deadline=None, suppress_health_check=_SLOW, print_blob=True
)
settings.register_profile(
    "long", max_examples=1000, deadline=None, suppress_health_check=_SLOW, print_blob=True
)


def load_profile() -> str:
    """Load the profile named by NETRULES_HYPOTHESIS_PROFILE (default ``ci``)."""
    name = os.environ.get(PROFILE_ENV, "ci")
    settings.load_profile(name)
    return name


def examples(fraction: float) -> int:
    """A share of the profile's max_examples, for tests whose examples cost more."""
    return max(5, int(settings.default.max_examples * fraction))


_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*|\s+|'
    r"\d{4}-\d{2}-\d{2}|\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|\.\.|\?\?|"
    r"[=!<>]=|.",
    re.S,
)


def tokens(text: str) -> list[str]:
    """Rule text split into tokens, whitespace and comments included (joining gives it back)."""
    return _TOKEN.findall(text)


def positions_inside(diagnostics: Iterable[Any], path: str, text: str) -> list[str]:
    """Problems with the positions of the diagnostics about ``path``: [] when all lie inside."""
    from netrules.diagnostics import normalize_newlines

    lines = normalize_newlines(text).count("\n") + 1  # an old-Mac file counts its \r
    bad = []
    for d in diagnostics:
        if d.path != path:
            continue
        if not (1 <= d.line <= lines + 1 and d.column >= 1):
            bad.append(f"{d.one_line()} is outside the text ({lines} lines)")
    return bad
