"""messages.csv's table of the latest day per profile URL (archive._Peers): the test of
every URL cell at once (``_all_canonical``) must give what the test per cell gives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from archive_builder import MESSAGES, connections, table
from hypothesis import given, settings
from hypothesis import strategies as st

from netrules.loaders import archive
from netrules.loaders.archive import _CANONICAL, _all_canonical, _Peers

D = dt.date


def _canonical_one(cell: str) -> bool:
    """The per-cell test of ``_Peers._by_url``: one URL (no comma), its own url_key."""
    return (
        "," not in cell
        and cell.startswith(_CANONICAL)
        and "%" not in cell
        and cell.lower() == cell
        and cell[-1] != "/"
    )


# Slugs from characters that matter: upper and lower case (ASCII and not, with the
# sigma, whose lower case depends on its neighbours, and the dotted I, which lowers
# to two characters), the separators and escapes of URLs, and white space.
_CHARS = "abzAZ09-_%/,. \n\t\u00e9\u00c9\u0142\u0141\u03c3\u03a3\u03c2\u0130\u00df\u2028"
_slug = st.text(alphabet=_CHARS, max_size=12)
_cell = st.one_of(
    _slug.map(lambda s: _CANONICAL + "in/" + s),
    _slug.map(lambda s: "https://linkedin.com/in/" + s),
    _slug.map(lambda s: "HTTPS://WWW.LINKEDIN.COM/in/" + s),
    st.lists(_slug.map(lambda s: _CANONICAL + "in/" + s), min_size=2, max_size=3).map(",".join),
    _slug.filter(bool),
)
_days = st.dates(min_value=D(2000, 1, 1), max_value=D(2030, 12, 31))


@settings(max_examples=1000, deadline=None)
@given(st.dictionaries(_cell, _days, max_size=6))
def test_all_canonical_is_the_per_cell_test(url_days: dict[str, dt.date]) -> None:
    """True exactly when every cell passes the per-cell test and holds no newline (the
    separator of the test at once: such a cell takes the per-cell loop); then the cells
    are the table as it is, the same as the per-cell loop makes it (keys, days, order)."""
    expected = all(_canonical_one(cell) and "\n" not in cell for cell in url_days)
    assert _all_canonical(url_days) == expected
    peers = _Peers(dict(url_days), [], {})
    general = _Peers._by_url(url_days)
    assert list(peers.by_url.items()) == list(general.items())


@pytest.mark.parametrize(
    "cells",
    [
        {},
        {_CANONICAL + "in/a": D(2024, 1, 1)},
        {_CANONICAL + "in/zo\u00eb-moreau": D(2024, 1, 1), _CANONICAL + "in/b": D(2024, 2, 1)},
    ],
)
def test_all_canonical_takes_linkedin_urls(cells: dict[str, dt.date]) -> None:
    assert _all_canonical(cells)


@pytest.mark.parametrize(
    "cell",
    [
        _CANONICAL + "in/Zoe",  # upper case
        _CANONICAL + "in/\u00c9lodie",  # upper case, not ASCII
        _CANONICAL + "in/\u03a3",  # sigma: lowers to one of two letters
        _CANONICAL + "in/\u0130",  # dotted I: lowers to two characters
        _CANONICAL + "in/a%C3%A9",  # escaped
        _CANONICAL + "in/a/",  # final slash
        _CANONICAL + "in/a," + _CANONICAL + "in/b",  # two recipients
        _CANONICAL + "in/a\n" + _CANONICAL + "in/b",  # a newline inside the cell
        "https://linkedin.com/in/a",  # another form
        " " + _CANONICAL + "in/a",  # white space
    ],
)
def test_all_canonical_refuses_any_other_cell(cell: str) -> None:
    cells = {_CANONICAL + "in/a": D(2024, 1, 1), cell: D(2024, 2, 1)}
    assert not _all_canonical(cells)
    assert not _all_canonical({cell: D(2024, 2, 1)})


ME = "https://www.linkedin.com/in/mia-member"


@pytest.mark.parametrize(
    "recipient",
    [
        "https://www.linkedin.com/in/jane-doe",
        "https://www.linkedin.com/in/JANE-DOE/",
        "https://www.linkedin.com/in/jane-doe,https://www.linkedin.com/in/bob-roe",
    ],
)
def test_messages_load_the_same_with_and_without_the_test_at_once(
    load: Callable[..., Any], recipient: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading with the cells tested at once gives the network the per-cell test gives."""
    row = ["2-a==", "", "Mia Member", ME, "Jane Doe", recipient, "2024-11-20 09:00:00 UTC"]
    files = {
        "Connections.csv": connections(
            [
                ["Jane", "Doe", "https://www.linkedin.com/in/jane-doe", "", "", "", "01 Jan 2020"],
                ["Bob", "Roe", "https://www.linkedin.com/in/bob-roe", "", "", "", "01 Jan 2020"],
            ]
        ),
        "messages.csv": table(MESSAGES["2023"], [[*row, "", "", "INBOX"]]),
    }
    fast = load(files)
    assert fast.connections[0].last_interaction_on == D(2024, 11, 20)
    monkeypatch.setattr(archive, "_all_canonical", lambda cells: False)
    assert load(files) == fast
