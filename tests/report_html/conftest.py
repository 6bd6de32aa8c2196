"""Shared pieces of the HTML report tests: the extra is optional, so its tests skip without it."""

from __future__ import annotations

import pytest

pytest.importorskip("pygal", reason="the HTML report needs the extra netrules[html]")
pytest.importorskip("jinja2", reason="the HTML report needs the extra netrules[html]")

import netrules
from netrules.cli import _demo_path


@pytest.fixture(scope="session")
def pack():
    return netrules.load_rules()


@pytest.fixture(scope="session")
def demo(pack):
    network = netrules.load_network(_demo_path())
    report = pack.evaluate(network)
    return network, report
