"""Small real-shaped exports for the derivation tests (test_derive_*.py).

``export(...)`` returns the files of one export, built with the headers of
archive_builder; ``AS_OF`` is the day in ``NAME``, the archive name they are
written under.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from archive_builder import (
    AD_TARGETING,
    CONTACTS,
    EDUCATION,
    ENDORSEMENTS_GIVEN,
    ENDORSEMENTS_RECEIVED,
    INFERENCES,
    INVITATIONS,
    JOB_APPLICATIONS,
    JOB_SEEKER_PREFERENCES,
    MESSAGES,
    POSITIONS,
    PROFILE,
    RECOMMENDATIONS,
    REGISTRATION,
    SAVED_JOBS,
    connections,
    table,
)

NAME = "Complete_LinkedInDataExport_01-31-2025"
AS_OF = dt.date(2025, 1, 31)
ME = "https://www.linkedin.com/in/mia-member"


def pacific(day: dt.date) -> str:
    """``11/3/24, 6:36 PM``: the Pacific-time form of Job Applications, Invitations, ..."""
    return f"{day.month}/{day.day}/{day.year % 100:02d}, 6:36 PM"


def days_before(n: int) -> dt.date:
    return AS_OF - dt.timedelta(days=n)


def export(
    *,
    headline: str = "Builds things",
    industry: str = "Software Development",
    positions: Sequence[tuple[str, str, str, str]] = (),
    education: Sequence[tuple[str, str, str, str]] = (),
    registered: str | None = None,
    people: Sequence[Sequence[str]] = (),
    messages: Sequence[tuple[str, str, str]] | None = None,
    applications: Sequence[dt.date] = (),
    saved_jobs: Sequence[dt.date] = (),
    seeker: dict[str, str] | None = None,
    inferences: Sequence[tuple[str, str]] = (),
    ad_targeting: dict[str, str] | None = None,
    endorsements_received: Sequence[tuple[str, str, str, str]] = (),
    endorsements_given: Sequence[tuple[str, str, str, str]] = (),
    recommendations_received: Sequence[tuple[str, str, str, str]] = (),
    contacts: Sequence[tuple[str, str]] = (),
    invitations: Sequence[Sequence[str]] = (),
) -> dict[str, str | bytes]:
    """The files of one export.

    ``positions``: (company, title, started on, finished on); ``education``:
    (school, degree, start, end); ``people``: Connections.csv rows (first, last,
    url, email, company, position, connected on); ``messages``: (from name,
    from url, date); endorsements: (first, last, url, date); recommendations:
    (first, last, company, date); contacts: (full name, emails).
    """
    files: dict[str, str | bytes] = {
        "Profile.csv": table(
            PROFILE[13],
            [["Mia", "Member", "", "", "", headline, "", industry, "", "", "", "", ""]],
        ),
        "Connections.csv": connections(list(people)),
        "Positions.csv": table(
            POSITIONS, [[co, title, "", "", start, end] for co, title, start, end in positions]
        ),
        "Education.csv": table(
            EDUCATION,
            [[school, start, end, "", degree, ""] for school, degree, start, end in education],
        ),
    }
    if registered is not None:
        files["Registration.csv"] = table(REGISTRATION["2022"], [[registered, "", ""]])
    if messages is not None:
        files["messages.csv"] = table(
            MESSAGES["2023"],
            [
                ["2-x", "", who, url, "Mia Member", ME, day, "", "Hi", "INBOX"]
                for who, url, day in messages
            ],
        )
    if applications:
        files["Jobs/Job Applications.csv"] = table(
            JOB_APPLICATIONS,
            [[pacific(d), "", "", "Initech", "Engineer", "", "", ""] for d in applications],
        )
    if saved_jobs:
        files["Jobs/Saved Jobs.csv"] = table(
            SAVED_JOBS, [[pacific(d), "", "Engineer", "Initech"] for d in saved_jobs]
        )
    if seeker is not None:
        header = JOB_SEEKER_PREFERENCES.split(",")
        files["Jobs/Job Seeker Preferences.csv"] = table(
            JOB_SEEKER_PREFERENCES, [[seeker.get(h, "") for h in header]]
        )
    if inferences:
        files["Inferences_about_you.csv"] = table(
            INFERENCES, [["Career", kind, "", value] for kind, value in inferences]
        )
    if ad_targeting is not None:
        header = AD_TARGETING.split(",")
        files["Ad_Targeting.csv"] = table(AD_TARGETING, [[ad_targeting.get(h, "") for h in header]])
    if endorsements_received:
        files["Endorsement_Received_Info.csv"] = table(
            ENDORSEMENTS_RECEIVED,
            [
                [day, "Python", f, last, url, "ACCEPTED"]
                for f, last, url, day in endorsements_received
            ],
        )
    if endorsements_given:
        files["Endorsement_Given_Info.csv"] = table(
            ENDORSEMENTS_GIVEN,
            [[day, "Python", f, last, url, "ACCEPTED"] for f, last, url, day in endorsements_given],
        )
    if recommendations_received:
        files["Recommendations_Received.csv"] = table(
            RECOMMENDATIONS,
            [
                [f, last, co, "", "Great", day, "VISIBLE"]
                for f, last, co, day in recommendations_received
            ],
        )
    if contacts:
        width = len(CONTACTS.split(","))
        rows = []
        for full, mails in contacts:
            row = [""] * width
            row[0], row[5], row[11] = "GMAIL", mails, full
            rows.append(row)
        files["Contacts.csv"] = table(CONTACTS, rows)
    if invitations:
        files["Invitations.csv"] = table(INVITATIONS["2024-url"], [list(r) for r in invitations])
    return files
