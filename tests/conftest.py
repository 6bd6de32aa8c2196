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


@pytest.fixture(autouse=True, scope="session")
def _private_parse_cache(tmp_path_factory):
    """Tests never read or write the user's parse cache (~/.cache/netrules): one per session."""
    import os

    if "NETRULES_CACHE_DIR" in os.environ:
        yield
        return
    os.environ["NETRULES_CACHE_DIR"] = str(tmp_path_factory.mktemp("netrules-cache"))
    yield
    del os.environ["NETRULES_CACHE_DIR"]
