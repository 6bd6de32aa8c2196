"""The test of messages.csv's URL cells at once (``archive._all_canonical``) when some
cells are ASCII and some are not: each group is tested on its own, and a cell that fails
in either group fails the whole (tests/loaders/test_archive_peers.py compares it with the
per-cell test on arbitrary cells)."""

from __future__ import annotations

import datetime as dt

import pytest

from netrules.loaders.archive import _CANONICAL, _all_canonical

D = dt.date(2024, 1, 1)
GOOD_ASCII = [_CANONICAL + "in/ann", _CANONICAL + "in/ben-b-0a1b"]
GOOD_OTHER = [_CANONICAL + "in/zo\u00eb-moreau", _CANONICAL + "in/\u0142ukasz"]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (GOOD_ASCII, True),
        (GOOD_OTHER, True),
        (GOOD_ASCII + GOOD_OTHER, True),
        (GOOD_OTHER + GOOD_ASCII, True),
        (GOOD_OTHER + [_CANONICAL + "in/Ann"], False),  # the ASCII group fails
        (GOOD_OTHER + [_CANONICAL + "in/ann/"], False),
        (GOOD_OTHER + [_CANONICAL + "in/a%20b"], False),
        (GOOD_OTHER + ["https://linkedin.com/in/ann"], False),
        (GOOD_OTHER + [_CANONICAL + "in/a," + _CANONICAL + "in/b"], False),
        (GOOD_OTHER + [_CANONICAL + "in/a\n" + _CANONICAL + "in/b"], False),
        (GOOD_ASCII + [_CANONICAL + "in/\u0141ukasz"], False),  # the other group fails
        (GOOD_ASCII + [_CANONICAL + "in/zo\u00eb/"], False),
        (GOOD_ASCII + ["\u00e9" + _CANONICAL + "in/a"], False),
    ],
)
def test_ascii_and_other_cells_tested_apart(cells: list[str], expected: bool) -> None:
    assert _all_canonical(dict.fromkeys(cells, D)) is expected
