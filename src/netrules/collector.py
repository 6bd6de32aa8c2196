"""The cyclic garbage collector paused while a large network is evaluated.

Evaluation allocates tens of thousands of objects (findings, messages, evidence dicts)
and creates no reference cycles, so every collection it triggers is wasted: on the
30,000-connection benchmark network about 250 collections, a quarter to a third of the
time.  ``gc.freeze()`` after loading was measured too: it still runs every collection
(each one cheaper) and gained about half as much; see docs/performance.md.

When the pause ends, what was allocated during it is moved straight to the oldest
generation (``gc.freeze()`` then ``gc.unfreeze()``, two list splices) instead of being
walked by the young collection the first allocation after ``gc.enable()`` would start:
the survivors are the report's records or the loaded network, long-lived and free of
cycles, and that one collection was a sixth of a 30,000-connection evaluation.  Garbage
cycles a program made just before, still young, wait for the next full collection.  A
program that froze objects itself (``gc.get_freeze_count()`` above zero) keeps its frozen
set: the move is skipped and the young collection runs as before (a ``gc.freeze()`` that
another thread makes between the two calls would be undone by the ``gc.unfreeze()``).

The collector's switch is process-wide.  :func:`paused` counts the evaluations inside
it (nested calls, or several threads at once) and restores the state found by the
first one when the last one leaves, also when an evaluation raises.  While any
evaluation is running, other threads allocate without cyclic collection, and a
``gc.enable()``/``gc.disable()`` made by another thread meanwhile is overwritten when
the last evaluation ends.
"""

from __future__ import annotations

import gc
import sys
import threading
from types import TracebackType

__all__ = ["paused"]

_lock = threading.Lock()
_depth = 0
_was_enabled = False


class _Paused:
    """Context manager: the collector off inside, its previous state restored after."""

    __slots__ = ()

    def __enter__(self) -> None:
        global _depth, _was_enabled
        with _lock:
            if _depth == 0:
                _was_enabled = gc.isenabled()
                gc.disable()
            _depth += 1

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        global _depth
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                try:
                    _promote()
                finally:
                    gc.enable()


# A free-threaded build has no generations: freezing and unfreezing would walk the
# whole heap twice and save nothing.
_GENERATIONAL = "free-threading" not in sys.version


def _promote() -> None:
    """Move every object the collector tracks to its oldest generation, unexamined, and
    zero the count of young allocations (see the module's docstring)."""
    if _GENERATIONAL and gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


_PAUSED = _Paused()


def paused() -> _Paused:
    """``with paused(): ...`` runs the block without cyclic garbage collection."""
    return _PAUSED
