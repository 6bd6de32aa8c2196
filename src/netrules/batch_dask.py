"""``netrules batch --dask``: the rule set installed once on every worker, by a plugin.

A task that depends on a future (the rule set as one task's result) is placed by the
scheduler on the workers holding that future: every chunk went to the one worker
that had computed it, and only work stealing moved some to the others.  A worker
plugin instead runs on every worker, including one the nanny restarts after a crash
or one that joins later; the chunks' tasks then have no dependencies and the
scheduler spreads them over all workers.  The tasks name the rule set by a token, so
clients with different rule sets can share a cluster.

Imported only on the ``--dask`` path (it needs ``distributed``).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import pickle
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from .batch import RuleSpec, encoded, evaluate_lines

__all__ = ["RulesPlugin", "evaluate_chunk", "spec_token"]

# token -> rule set spec, on a worker (set by RulesPlugin.setup)
_SPECS: dict[str, RuleSpec] = {}


def spec_token(spec: RuleSpec) -> str:
    """A name for the rule set that every process computes alike."""
    return hashlib.sha256(pickle.dumps(spec, protocol=4)).hexdigest()[:24]


class _Rules:
    """Builds the rule set on each worker when it starts (or when registered)."""

    idempotent = True  # the same rule set registered again: nothing to do

    def __init__(self, spec: RuleSpec, token: str):
        self.spec = spec
        self.token = token

    def setup(self, worker: Any) -> None:
        if len(_SPECS) >= 8:  # a long-lived cluster: forget the oldest rule sets
            _SPECS.pop(next(iter(_SPECS)))
        _SPECS[self.token] = self.spec
        self.spec.build()  # once, before the first chunk


# The worker plugin: distributed has no type information, so the class is put
# together here (pickled by reference, as netrules.batch_dask.RulesPlugin).
RulesPlugin: Any = type("RulesPlugin", (_Rules, WorkerPlugin), {"__module__": __name__})


def evaluate_chunk(
    token: str, lines: list[tuple[int, Any]], as_of: _dt.date | None, source: str
) -> tuple[bytes, list[tuple[int, str]], int, dict[str, int]]:
    """One chunk's task on a worker: evaluate_lines with the worker's rule set."""
    spec = _SPECS.get(token)
    if spec is None:  # pragma: no cover - the plugin runs before any task
        raise RuntimeError("the netrules rule set is not installed on this worker")
    return encoded(evaluate_lines(spec, lines, as_of, source))
