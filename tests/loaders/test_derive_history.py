"""The work history the career derivations start from (derive._history): its records
are plain slotted classes (not attrs ones, for the import time), read field by field."""

from __future__ import annotations

import datetime as dt

import pytest

from netrules.loaders import derive
from netrules.model import Employer, Member, School

D = dt.date


def test_history_fields() -> None:
    member = Member(
        connection_count=1,
        employers=(
            Employer("Acme", "Summer Intern", D(2010, 6, 1), D(2010, 9, 1)),
            Employer("Bolt", "Software Engineer", D(2011, 1, 1), D(2015, 1, 1)),
            Employer("Home", "Parental leave", D(2015, 1, 1), D(2015, 12, 1)),
            Employer("Cedar", "Senior Engineer", D(2016, 1, 1), None),
            Employer("Later", "Head of Data", D(2030, 1, 1), None),
        ),
        schools=(School("Uni", None, D(2006, 1, 1), D(2010, 7, 1)),),
    )
    ev = derive.ExportEvidence(
        positions=[("Jun 2010", "Sep 2010"), ("Jan 2011", "Jan 2015"), ("", ""), ("", ""), ("", "")]
    )
    h = derive._history(member, ev, D(2025, 1, 1))
    assert [j.employer.name for j in h.jobs] == ["Acme", "Bolt", "Home", "Cedar"]
    assert [j.cls for j in h.jobs] == ["intern", None, None, "senior"]
    assert [j.is_break for j in h.jobs] == [False, False, True, False]
    assert [(j.start_text, j.end_text) for j in h.jobs][:2] == [
        ("Jun 2010", "Sep 2010"),
        ("Jan 2011", "Jan 2015"),
    ]
    assert [j.employer.name for j in h.work] == ["Bolt", "Cedar"]
    assert [j.employer.name for j in h.current] == ["Cedar"]
    # 2011-01-01 to 2025-01-01 with a one-year gap: elapsed counts (gap < 2 years).
    assert h.years == pytest.approx((D(2025, 1, 1) - D(2011, 1, 1)).days / 365.25)
    assert len(h.evidence) == 1
    assert 'Started On = "Jan 2011"' in h.evidence[0]
    assert "Software Engineer, Bolt" in h.evidence[0]
    # Slotted: no stray attributes.
    with pytest.raises(AttributeError):
        h.jobs[0].other = 1  # type: ignore[attr-defined]
