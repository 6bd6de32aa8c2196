"""The garbage collector is paused while a large network is evaluated, and its state is
never leaked: not on an exception, not when nested, not across threads."""

from __future__ import annotations

import datetime
import gc
import threading

import pytest

import netrules
from netrules import collector, ruleset

AS_OF = datetime.date(2025, 1, 1)

RULES = (
    'rule "big-network" { title "t" severity warning '
    'when member.connection_count > 10 message "many" }\n'
)


@pytest.fixture
def restore_gc():
    """Whatever a test does, the collector is on again afterwards."""
    yield
    gc.enable()


@pytest.fixture
def small_is_large(monkeypatch):
    """Every network counts as large, so that a tiny one takes the paused path."""
    monkeypatch.setattr(ruleset, "_PAUSE_FROM", 0)


def network() -> dict:
    return {"member": {"name": "A", "connection_count": 50}}


def test_evaluation_runs_without_collections(load_text, small_is_large, monkeypatch, restore_gc):
    """Inside an evaluation of a large network the collector is off; after it, on again."""
    seen = []
    real = ruleset.run

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(ruleset, "run", spy)
    report = load_text(RULES).evaluate(network(), as_of=AS_OF)
    assert [f.rule for f in report.findings] == ["big-network"]
    assert seen == [False]
    assert gc.isenabled()


def test_small_networks_are_not_paused(load_text, monkeypatch, restore_gc):
    """A member-only network evaluates with the collector untouched (no pause cost)."""
    seen = []
    real = ruleset.run
    monkeypatch.setattr(ruleset, "run", lambda *a: seen.append(gc.isenabled()) or real(*a))
    load_text(RULES).evaluate(network(), as_of=AS_OF)
    assert seen == [True]


def test_state_restored_on_exception(load_text, small_is_large, monkeypatch, restore_gc):
    """An exception inside the evaluation leaves the collector as it found it."""

    def boom(*args):
        assert not gc.isenabled()
        raise RuntimeError("boom")

    monkeypatch.setattr(ruleset, "run", boom)
    rules = load_text(RULES)
    with pytest.raises(RuntimeError, match="boom"):
        rules.evaluate(network(), as_of=AS_OF)
    assert gc.isenabled()
    gc.disable()
    with pytest.raises(RuntimeError, match="boom"):
        rules.evaluate(network(), as_of=AS_OF)
    assert not gc.isenabled()  # disabled before: disabled after


def test_disabled_collector_stays_disabled(load_text, small_is_large, restore_gc):
    """A caller that turned the collector off finds it off after an evaluation."""
    gc.disable()
    load_text(RULES).evaluate(network(), as_of=AS_OF)
    assert not gc.isenabled()


def test_nested_pauses_restore_once(restore_gc):
    """Only the outermost pause restores the state; an inner exit keeps it off."""
    with collector.paused():
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
        with pytest.raises(KeyError), collector.paused():
            raise KeyError("inner")
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_threads_restore_when_the_last_leaves(restore_gc):
    """Two threads evaluating at once: the first to leave does not switch the collector
    back on under the other; the last one restores it."""
    first_in = threading.Event()
    second_in = threading.Event()
    first_out = threading.Event()
    states: dict[str, bool] = {}

    def first() -> None:
        with collector.paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with collector.paused():
            second_in.set()
            first_out.wait(5)
            states["after first left"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert states == {"after first left": False}
    assert gc.isenabled()


def test_pack_on_a_large_network_leaves_the_collector_on(restore_gc):
    """The bundled pack on a network past the threshold: same findings, collector on after."""
    conns = [
        {"id": f"c{i}", "name": f"A {i}", "connected_on": "2020-01-01"}
        for i in range(ruleset._PAUSE_FROM)
    ]
    doc = {"member": {"name": "A", "connection_count": len(conns)}, "connections": conns}
    report = netrules.load_rules().evaluate(doc, as_of=AS_OF)
    assert report.network["connections"] == len(conns)
    assert gc.isenabled()


def test_survivors_skip_the_young_collection(restore_gc):
    """What a pause allocated goes to the oldest generation when it ends: the next
    allocations start no collection that would walk it, and nothing stays frozen."""
    events: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            events.append(info["generation"])

    gc.collect()
    with collector.paused():
        kept = [[i] for i in range(5_000)]  # far past the young generation's threshold
    gc.callbacks.append(seen)
    try:
        more = [[i] for i in range(100)]
    finally:
        gc.callbacks.remove(seen)
    assert events == []
    assert gc.get_freeze_count() == 0
    assert any(obj is kept[0] for obj in gc.get_objects(generation=2))
    assert len(kept) + len(more) == 5_100


def test_a_programs_frozen_objects_stay_frozen(restore_gc):
    """A program that froze objects itself keeps them frozen: the move is skipped and
    the young collection runs as it would have."""
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector.paused():
            kept = [[i] for i in range(5_000)]
        assert gc.get_freeze_count() == frozen
        assert len(kept) == 5_000
    finally:
        gc.unfreeze()


def test_collector_on_again_even_if_the_move_fails(monkeypatch, restore_gc):
    """Whatever happens while the survivors are moved, the collector is switched back on."""

    def broken() -> None:
        raise MemoryError("no room")

    monkeypatch.setattr(collector, "_promote", broken)
    with pytest.raises(MemoryError), collector.paused():
        pass
    assert gc.isenabled()
