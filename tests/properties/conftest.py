"""Hypothesis profiles for the property suite (see docs/testing.md).

``ci`` (the default) is derandomized and sized so the whole directory runs in
well under 30 s on two cores; ``long`` (NETRULES_HYPOTHESIS_PROFILE=long) draws
many more examples with a random seed for deeper runs; ``dev`` is ``ci`` with
randomness, for a quick local shake-out.  Tests scale their own example counts
from the loaded profile with ``prop_support.examples(fraction)``.
"""

from __future__ import annotations

from prop_support import load_profile

load_profile()
