"""Hypothesis's entry point: ``st.from_type(netrules.Network)`` works without imports.

Hypothesis calls :func:`setup` when it is imported (the ``hypothesis`` entry
point in pyproject.toml); the strategies themselves are built lazily, on the
first ``st.from_type`` of a model class, from :mod:`netrules.strategies`.
"""

from __future__ import annotations

from typing import Any


def setup() -> None:
    from hypothesis import strategies as st

    from . import model

    def lazy(cls: type) -> Any:
        from .strategies import _from_type

        return _from_type()[cls]()

    for name in (
        "Network",
        "Member",
        "Connection",
        "Invitation",
        "Removal",
        "Recommendation",
        "Employer",
        "School",
    ):
        st.register_type_strategy(getattr(model, name), lazy)
