"""st.from_type(...) of every model class draws valid values (registered strategies)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netrules
from netrules.strategies import network_to_document

MODEL = [
    netrules.Network,
    netrules.Member,
    netrules.Connection,
    netrules.Invitation,
    netrules.Removal,
    netrules.Recommendation,
    netrules.Employer,
    netrules.School,
]
QUICK = settings(max_examples=15, database=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("cls", MODEL, ids=lambda c: c.__name__)
def test_from_type_draws_instances(cls):
    """st.from_type(cls) draws instances of cls."""

    @QUICK
    @given(st.from_type(cls))
    def check(value):
        assert type(value) is cls

    check()


@QUICK
@given(st.from_type(netrules.Network))
def test_from_type_network_is_valid(network):
    """A drawn Network survives the document round trip unchanged and evaluates."""
    assert netrules.load_network(network_to_document(network)) == network


def _entry_point_installed() -> bool:
    from importlib.metadata import entry_points

    return any(ep.value.startswith("netrules.") for ep in entry_points(group="hypothesis"))


@pytest.mark.skipif(
    not _entry_point_installed(), reason="installed before the entry point existed: reinstall"
)
def test_registered_without_importing_the_strategies():
    """Hypothesis's entry point registers the model: no import of netrules.strategies needed."""
    code = (
        "from hypothesis import strategies as st, given, settings, HealthCheck\n"
        "import netrules, sys\n"
        "assert 'netrules.strategies' not in sys.modules\n"
        "@settings(max_examples=3, database=None, suppress_health_check=list(HealthCheck))\n"
        "@given(st.from_type(netrules.Connection))\n"
        "def t(c):\n"
        "    assert c.id == 'c1'\n"
        "t()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
