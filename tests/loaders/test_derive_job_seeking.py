"""Job seeking from applications, settings, headline and LinkedIn's inferences (derivations.md §4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from export_kit import NAME, days_before, export

from netrules.loaders.archive import load_archive
from netrules.loaders.derive import DeriveOptions
from netrules.loaders.overlay import apply_overlay


@pytest.fixture
def derived(load: Callable[..., Any]) -> Callable[..., Any]:
    """``derived(**export_parts)``: the network of that export, derivations on."""

    def go(**parts: Any) -> Any:
        return load(export(**parts), infer=True, name=NAME)

    return go


def test_application_89_days_before_counts(derived: Callable[..., Any]) -> None:
    """An application 89 days before as_of: job seeking, high confidence."""
    net = derived(applications=[days_before(89), days_before(400)])
    fact = net.fact("member.job_seeking")
    assert (net.member.job_seeking, fact.source, fact.confidence) == (True, "derived", "high")
    assert "1 application in the 90 days" in fact.evidence[0]


def test_application_91_days_before_does_not(derived: Callable[..., Any]) -> None:
    """An application 91 days before as_of alone says nothing: unknown, never False."""
    net = derived(applications=[days_before(91)])
    fact = net.fact("member.job_seeking")
    assert (net.member.job_seeking, fact.value, fact.source) == (None, None, "default")
    assert fact.why.startswith("no application in the 90 days before 2025-01-31")


def test_window_is_configurable(make_archive: Callable[..., Any]) -> None:
    """DeriveOptions.job_search_window_days widens the window."""
    path = make_archive(export(applications=[days_before(91)]), name=NAME)
    net = load_archive(path, options=DeriveOptions(job_search_window_days=120))
    assert net.member.job_seeking is True


@pytest.mark.parametrize(
    "headline",
    ["Data analyst | #OpenToWork", "Auf Jobsuche: Backend-Entwicklerin", "En recherche d'emploi"],
)
def test_open_to_work_headline(derived: Callable[..., Any], headline: str) -> None:
    """An open-to-work phrase in the headline, in several languages, is a strong sign."""
    net = derived(headline=headline)
    assert (net.member.job_seeking, net.fact("member.job_seeking").confidence) == (True, "high")


def test_recruiter_headline_is_not_job_seeking(derived: Callable[..., Any]) -> None:
    """ "We're hiring, looking for engineers" is a recruiter, not a seeker."""
    net = derived(headline="Tech recruiter - looking for opportunities for our engineers, hiring!")
    assert net.member.job_seeking is None


def test_actively_seeking_setting_is_medium(derived: Callable[..., Any]) -> None:
    """Job Seeking Urgency Level = ACTIVELY_SEEKING: true, medium, stated by the settings."""
    net = derived(seeker={"Job Seeking Urgency Level": "ACTIVELY_SEEKING"})
    fact = net.fact("member.job_seeking")
    assert (net.member.job_seeking, fact.source, fact.confidence) == (True, "stated", "medium")


def test_linkedin_job_seeker_inference(derived: Callable[..., Any]) -> None:
    """LinkedIn's own 'Job seeker = Yes' inference: true, medium, linkedin-inferred."""
    net = derived(inferences=[("Job seeker", "Yes")])
    fact = net.fact("member.job_seeking")
    assert (net.member.job_seeking, fact.source, fact.confidence) == (
        True,
        "linkedin-inferred",
        "medium",
    )


def test_two_weak_signs(derived: Callable[..., Any]) -> None:
    """A recently saved job and Open To Recruiters: true, low; one of them alone: unknown."""
    both = derived(saved_jobs=[days_before(10)], seeker={"Open To Recruiters": "Yes"})
    one = derived(saved_jobs=[days_before(10)])
    assert (both.member.job_seeking, both.fact("member.job_seeking").confidence) == (True, "low")
    assert one.member.job_seeking is None


def test_malformed_jobs_file_is_left_out(
    derived: Callable[..., Any], load: Callable[..., Any]
) -> None:
    """A Job Applications file without its date column is listed as left out, never an error."""
    files = export()
    files["Jobs/Job Applications.csv"] = "Company Name,Job Title\nInitech,Engineer\n"
    net = load(files, infer=True, name=NAME)
    assert net.member.job_seeking is None
    [left] = [s for s in net.skipped if s.file.endswith("Job Applications.csv")]
    assert left.reason.startswith('not read (unexpected header "Company Name,Job Title"')


def test_undated_application_rows_are_listed(load: Callable[..., Any]) -> None:
    """Application rows with an unreadable date are left out and counted."""
    files = export(applications=[days_before(5)])
    files["Jobs/Job Applications.csv"] += "someday,,,Initech,Engineer,,,\n"
    net = load(files, infer=True, name=NAME)
    assert net.member.job_seeking is True
    [left] = [s for s in net.skipped if s.file.endswith("Job Applications.csv")]
    assert (left.count, left.rows) == (1, (3,))


def test_declared_job_seeking_wins(derived: Callable[..., Any]) -> None:
    """--not-job-seeking replaces a derived True; the record says declared."""
    net = derived(applications=[days_before(3)])
    after = apply_overlay(net, {"member": {"job_seeking": False}}, source="me.toml")
    fact = after.fact("member.job_seeking")
    assert (after.member.job_seeking, fact.source, fact.evidence) == (
        False,
        "declared",
        ("me.toml → job_seeking = false",),
    )
