"""The rule ids applications depend on exist and behave as documented at their edges."""

from __future__ import annotations

import datetime

import pytest

import netrules

REQUIRED = [
    "zero-connections",
    "zero-connections-acceptable",
    "below-industry-target",
    "below-career-target",
    "below-job-seeker-target",
    "below-every-target",
    "industry-without-target",
    "job-seeker-industry-range",
    "request-to-stranger",
    "request-without-note",
    "request-not-individualized",
    "request-follow-up",
    "request-after-decline",
    "accepted-stranger",
    "mass-requests-from-strangers",
    "accepts-everything",
    "insincere-recommendation",
    "recommendations-in-bulk",
    "dormant-network",
    "check-in-due",
    "no-recent-recommendations",
    "suspected-purchased-connections",
    "outdated-connection",
    "inactive-connection",
    "redundant-company",
    "removal-without-notice",
    "mass-removal",
]
AS_OF = datetime.date(2025, 1, 1)


@pytest.fixture(scope="module")
def pack() -> netrules.RuleSet:
    return netrules.load_rules()


def _fired(pack: netrules.RuleSet, doc: dict) -> dict[str, str]:
    report = pack.evaluate(doc, as_of=AS_OF)
    return {f.rule: f.severity for f in report.findings}


@pytest.mark.parametrize("rule_id", REQUIRED)
def test_required_rule_exists(rule_id: str, pack: netrules.RuleSet) -> None:
    """Every id from the pack's contract is loaded and cites an article section."""
    info = pack.rule(rule_id)
    assert info.node.source
    assert info.node.why


def test_below_target_is_info_while_a_situation_applies(pack: netrules.RuleSet) -> None:
    """A recent situation lowers the one size finding to info, and the message names it."""
    member = {
        "industry": "Legal",
        "career_level": "entry",
        "job_seeking": True,
        "connection_count": 12,
        "situations": ["career-break"],
    }
    report = pack.evaluate({"member": member}, as_of=AS_OF)
    size = [f for f in report.findings if f.category == "targets"]
    assert [(f.rule, f.severity) for f in size] == [("below-job-seeker-target", "info")]
    assert size[0].message.endswith(
        "; a small network is expected for now while you are back from a career break, "
        "as long as you keep adding people you know"
    )


def test_below_target_is_warning_without_a_situation(pack: netrules.RuleSet) -> None:
    """Without a situation the same member gets one warning, which restates the number once."""
    member = {
        "industry": "Legal",
        "career_level": "entry",
        "job_seeking": True,
        "connection_count": 12,
        "situations": [],
    }
    fired = _fired(pack, {"member": member})
    assert {k: v for k, v in fired.items() if k.startswith("below")} == {
        "below-job-seeker-target": "warning"
    }


def test_a_situation_explains_a_small_network_only_at_first(pack: netrules.RuleSet) -> None:
    """A career change whose new job began two years ago no longer lowers the finding."""
    member = {
        "career_level": "entry",
        "connection_count": 150,
        "situations": ["career-change"],
        "employers": [{"name": "Acme", "start": "2024-03-01"}],
    }
    assert _fired(pack, {"member": member}) == {"below-career-target": "info"}
    member["employers"] = [{"name": "Acme", "start": "2022-12-01"}]
    assert _fired(pack, {"member": member}) == {"below-career-target": "warning"}


@pytest.mark.parametrize("situations", [[], ["career-break"]])
def test_zero_suppresses_below_target(pack: netrules.RuleSet, situations: list[str]) -> None:
    """At zero connections only a zero rule speaks; no below-target finding appears."""
    member = {
        "industry": "Legal",
        "career_level": "entry",
        "job_seeking": True,
        "connection_count": 0,
        "situations": situations,
    }
    fired = _fired(pack, {"member": member})
    assert not any(r.startswith("below") for r in fired)
    assert ("zero-connections-acceptable" if situations else "zero-connections") in fired


def test_unknown_industry_and_level_give_no_target_finding(pack: netrules.RuleSet) -> None:
    """An industry outside the table or an unknown level yields no finding for that table."""
    fired = _fired(
        pack, {"member": {"industry": "Astrology", "connection_count": 5, "situations": []}}
    )
    assert "below-industry-target" not in fired
    assert "below-career-target" not in fired


def test_skipped_rules_name_the_missing_field(pack: netrules.RuleSet) -> None:
    """A rule that cannot decide says which field it was missing."""
    report = pack.evaluate({"member": {"connection_count": 300}}, as_of=AS_OF)
    skipped = {s.rule: s.fields for s in report.skipped}
    assert "member.career_level" in skipped["below-career-target"]
    assert "member.industry" in skipped["below-industry-target"]


def test_inactive_after_override(pack: netrules.RuleSet) -> None:
    """Raising inactive_after through params removes inactive-connection findings."""
    doc = {
        "member": {"connection_count": 400},
        "connections": [{"id": "c1", "connected_on": "2021-06-01"}],
    }
    assert "inactive-connection" in _fired(pack, doc)
    report = pack.evaluate(doc, as_of=AS_OF, params={"inactive_after": "5 years"})
    assert "inactive-connection" not in {f.rule for f in report.findings}


def test_user_file_overrides_pack(tmp_path) -> None:
    """A user file can set a parameter, change table rows and disable a rule.

    Two connections reach the (overridden) entry-level figure, so pruning advice applies.
    """
    user = tmp_path / "team.rules"
    user.write_text(
        "set redundant_company_max = 1\n"
        'set career_targets["entry"] = 1..5\n'
        'set industry_targets["Legal"] = 10..20\n'
        'disable "inactive-connection"\n',
        encoding="utf-8",
    )
    rules = netrules.load_rules(user)
    doc = {
        "member": {"industry": "legal", "career_level": "entry", "situations": []},
        "connections": [
            {"id": "a", "company": "X", "connected_on": "2010-01-01"},
            {"id": "b", "company": "x", "connected_on": "2010-01-01"},
        ],
    }
    fired = {f.rule for f in rules.evaluate(doc, as_of=AS_OF).findings}
    assert "redundant-company" in fired
    assert "below-industry-target" in fired
    assert "inactive-connection" not in fired


@pytest.mark.parametrize(
    ("facts", "severity", "says"),
    [
        ([], "warning", None),
        (
            [{"fact": "member.career_level", "source": "derived", "confidence": "medium"}],
            "warning",
            "; based on your positions and education you look mid-career (if not, say so with "
            "--career-level)",
        ),
        (
            [{"fact": "member.career_level", "source": "derived", "confidence": "low"}],
            "info",
            "based on your positions and education you look mid-career",
        ),
        (
            [{"fact": "member.career_level", "source": "linkedin-inferred", "confidence": "high"}],
            "warning",
            "going by LinkedIn's own inference you look mid-career",
        ),
    ],
)
def test_a_derived_career_level_is_said_and_a_guess_only_informs(
    pack: netrules.RuleSet, facts: list, severity: str, says: str | None
) -> None:
    """The message says where a worked-out level came from; a low-confidence one caps at info."""
    member = {"career_level": "mid-career", "connection_count": 300, "situations": []}
    report = pack.evaluate({"member": member, "facts": facts}, as_of=AS_OF)
    (finding,) = [f for f in report.findings if f.rule == "below-career-target"]
    assert finding.severity == severity
    if says is None:
        assert finding.message == "300 connections; as a Mid-Career Professional aim for 500–1,000"
    else:
        assert says in finding.message


def test_a_derived_job_search_is_said_and_a_guess_only_informs(pack: netrules.RuleSet) -> None:
    member = {
        "career_level": "entry",
        "job_seeking": True,
        "connection_count": 320,
        "situations": [],
    }
    facts = [{"fact": "member.job_seeking", "source": "derived", "confidence": "low"}]
    report = pack.evaluate({"member": member, "facts": facts}, as_of=AS_OF)
    (finding,) = [f for f in report.findings if f.category == "targets"]
    assert (finding.rule, finding.severity) == ("below-job-seeker-target", "info")
    assert finding.message.endswith(
        "; your export suggests that you are looking for work (if not, say --not-job-seeking)"
    )


@pytest.mark.parametrize(
    ("level", "phrase"),
    [("executive", "as an Executive aim"), ("entry", "as an Entry Level Professional aim")],
)
def test_career_labels_take_the_right_article(
    pack: netrules.RuleSet, level: str, phrase: str
) -> None:
    member = {"career_level": level, "connection_count": 250, "situations": []}
    messages = [f.message for f in pack.evaluate({"member": member}, as_of=AS_OF).findings]
    assert any(phrase in m for m in messages), messages
