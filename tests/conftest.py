"""Shared fixtures: load in-memory rule text, collect the diagnostics of broken text."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, settings

import netrules

# Hypothesis examples outside tests/properties (the docs' samples, the batch tests) run on
# shared 2-core machines too: slow input generation there is load, not a bug.
# tests/properties loads its own profiles on top of this one.
settings.register_profile(
    "netrules-base", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("netrules-base")

AS_OF = datetime.date(2025, 1, 1)


def _named(texts: tuple) -> list[tuple[str, str]]:
    return [
        t if isinstance(t, tuple) else (f"t{i}.rules" if i else "t.rules", t)
        for i, t in enumerate(texts)
    ]


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch):
    """Tests see no colour, width or debug settings from the shell that runs them."""
    for name in ("FORCE_COLOR", "NO_COLOR", "NETRULES_DEBUG", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def load_text():
    """load_text(text, ...) -> RuleSet; a text may be a (name, text) pair; no bundled pack."""

    def load(*texts, include_default: bool = False) -> netrules.RuleSet:
        return netrules.load_rules(texts=_named(texts), include_default=include_default)

    return load


@pytest.fixture
def rule_errors():
    """rule_errors(text, ...) -> the diagnostics of the RuleError that loading raises."""

    def errors(*texts, include_default: bool = False) -> tuple[netrules.Diagnostic, ...]:
        with pytest.raises(netrules.RuleError) as info:
            netrules.load_rules(texts=_named(texts), include_default=include_default)
        return info.value.diagnostics

    return errors


_OWN_CACHE: list[str] = []


def pytest_configure(config):
    """Tests never read or write the user's parse cache (~/.cache/netrules): one per
    session, chosen before test modules are collected, since netrules.attrs_code finds
    its folder when a module first imports netrules' attrs classes."""
    import os
    import tempfile

    if "NETRULES_CACHE_DIR" not in os.environ:
        _OWN_CACHE.append(tempfile.mkdtemp(prefix="netrules-cache-"))
        os.environ["NETRULES_CACHE_DIR"] = _OWN_CACHE[0]


def pytest_unconfigure(config):
    import os
    import shutil

    if _OWN_CACHE:
        os.environ.pop("NETRULES_CACHE_DIR", None)
        shutil.rmtree(_OWN_CACHE.pop(), ignore_errors=True)
