"""RuleSet.evaluate_many: the same findings as one evaluate() per member, in input order."""

from __future__ import annotations

import datetime as _dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netrules
from netrules import strategies as nst
from netrules.batch import MemberResult, result_rows

AS_OF = _dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def pack() -> netrules.RuleSet:
    return netrules.load_rules()


def keyed(findings):
    return [f.to_dict() for f in findings]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(nst.networks(as_of=AS_OF), min_size=1, max_size=4))
def test_same_as_one_at_a_time(pack, networks):
    results = list(pack.evaluate_many(networks, as_of=AS_OF))
    assert [r.index for r in results] == list(range(len(networks)))
    for network, result in zip(networks, results, strict=True):
        report = pack.evaluate(network, as_of=AS_OF)
        assert keyed(result.findings) == keyed(report.findings)
        assert result.skipped == report.skipped


def test_member_rows_and_documents(pack):
    rows = [
        {"id": "a", "connection_count": 0, "situations": []},
        {"member_id": 7, "industry": "Healthcare", "connection_count": 120},
        {"member": {"connection_count": 5, "situations": ["career-break"]}, "id": "doc"},
    ]
    results = list(pack.evaluate_many(rows, as_of=AS_OF))
    assert [r.id for r in results] == ["a", "7", "doc"]
    assert [f.rule for f in results[0].findings] == ["zero-connections"]
    assert "below-industry-target" in {f.rule for f in results[1].findings}
    one = pack.evaluate(
        {"member": {"connection_count": 5, "situations": ["career-break"]}}, as_of=AS_OF
    )
    assert keyed(results[2].findings) == keyed(one.findings)


def test_bad_row_raises_with_its_number(pack):
    rows = [{"connection_count": 1}, {"connection_count": 2}, {"connection_count": "many"}]
    with pytest.raises(netrules.InputError) as info:
        list(pack.evaluate_many(rows))
    assert info.value.location == "row 3: member.connection_count"
    assert "whole number" in info.value.message


def test_bad_rows_collected(pack):
    rows = [
        {"connection_count": 1},
        "not a row",
        {"bogus": 1},
        {"connection_count": 0, "situations": []},
    ]
    results = list(pack.evaluate_many(rows, errors="collect", as_of=AS_OF))
    assert [r.ok for r in results] == [True, False, False, True]
    assert "row 2" in str(results[1].error) and "row 3" in str(results[2].error)
    assert results[3].findings  # goes on after the bad rows


def test_reports_kept_when_asked(pack):
    (result,) = pack.evaluate_many([{"connection_count": 0}], reports=True, as_of="2026-11-01")
    assert isinstance(result, MemberResult) and result.report is not None
    assert result.report.as_of == AS_OF
    assert result.report.findings == result.findings


def test_params_apply_to_every_member(pack):
    rows = [
        {"id": str(i), "connection_count": 0, "joined_on": "2026-09-01", "situations": []}
        for i in range(3)
    ]
    default = list(pack.evaluate_many(rows, as_of=AS_OF))
    shorter = list(pack.evaluate_many(rows, as_of=AS_OF, params={"new_account_window": "1 month"}))
    for one, other in zip(default, shorter, strict=True):
        assert [f.rule for f in one.findings] == ["zero-connections-acceptable"]
        assert [f.rule for f in other.findings] == ["zero-connections"]


def test_tables_of_rows(pack):
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(
        {"id": ["x", "y"], "connection_count": [0, 900], "industry": ["Legal", None]}
    )
    results = list(pack.evaluate_many(frame, as_of=AS_OF))
    assert [r.id for r in results] == ["x", "y"]
    direct = pack.evaluate({"member": {"connection_count": 0, "industry": "Legal"}}, as_of=AS_OF)
    assert keyed(results[0].findings) == keyed(direct.findings)


def test_arrow_table(pack):
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"id": ["x", "y"], "connection_count": [0, 900]})
    results = list(pack.evaluate_many(table, as_of=AS_OF))
    assert [r.id for r in results] == ["x", "y"]


def test_result_rows_are_flat(pack):
    (result,) = pack.evaluate_many(
        [{"id": "m1", "connection_count": 0, "situations": []}], as_of=AS_OF
    )
    rows = list(result_rows(result))
    assert rows and all(r["member"] == "m1" for r in rows)
    assert set(rows[0]) == {
        "member",
        "rule",
        "severity",
        "category",
        "subject_kind",
        "subject_id",
        "message",
        "evidence",
    }
