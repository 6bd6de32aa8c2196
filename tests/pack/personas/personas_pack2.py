"""Personas for buying, requests, maintenance and removal: networks too large to write by hand.

Each persona says which rules the article would (not) apply to that person, and why.
"""

from __future__ import annotations

import datetime

from persona_kit import Expect, Persona

AS_OF = datetime.date(2025, 1, 1)
BUY = "Should You Buy LinkedIn Connections?"
REQUESTS = "How to Send LinkedIn Connection Requests"
ETIQUETTE = "LinkedIn Etiquette for Connections"
MAINTAIN = "Maintaining Your LinkedIn Connections"
REMOVE = "How to Remove LinkedIn Connections"
HOW_MANY = "How Many Connections Are Good on LinkedIn?"
COMPANIES = ["Contoso", "Northwind", "Fabrikam", "Tailspin", "Woodgrove", "Litware", "Proseware"]


def _day(start: str, offset: int) -> str:
    return (datetime.date.fromisoformat(start) + datetime.timedelta(days=offset)).isoformat()


def _talked(k: int, connected_on: str, as_of: datetime.date) -> dict:
    """A realistic record of exchanges: a third of a real network heard from the member in
    the last year, a third longer ago, a third never (the documents record exchanges, so a
    connection without a date is one the member never talked to)."""
    if k % 3 == 2:
        return {}
    back = 20 + (k * 7) % 300 if k % 3 == 0 else 400 + (k * 11) % 500
    day = max(as_of - datetime.timedelta(days=back), datetime.date.fromisoformat(connected_on))
    return {"last_interaction_on": day.isoformat()} if day < as_of else {}


def _real(
    n: int,
    start: str = "2016-01-04",
    every: int = 9,
    prefix: str = "r",
    as_of: datetime.date = AS_OF,
    **extra,
) -> list:
    """n real-looking connections, one every few days: a company, a position, a name, and
    the exchanges a real network has (:func:`_talked`)."""
    return [
        {
            "id": f"{prefix}{k}",
            "name": f"Real Person {prefix}{k}",
            "company": f"{COMPANIES[k % len(COMPANIES)]} {k % 13}",  # many small companies
            "position": "Engineer",
            "connected_on": _day(start, k * every),
            **_talked(k, _day(start, k * every), as_of),
            **extra,
        }
        for k in range(n)
    ]


def _bought(n: int, days: list[str]) -> list:
    """n bought connections: no company, no position, arriving on a few days."""
    return [
        {"id": f"b{k}", "name": f"Profile {k}", "connected_on": days[k % len(days)]}
        for k in range(n)
    ]


_bought_member = {
    "name": "Vic Marsh",
    "industry": "Business Services",
    "career_level": "mid-career",
    "job_seeking": False,
    "situations": [],
    "employers": [{"name": "Contoso", "start": "2018-01-01"}],
}
BOUGHT = Persona(
    name="bought-thousands",
    about="A mid-career consultant with 300 real connections who bought 2,400 more over three days.",
    as_of=AS_OF,
    network={
        "member": {**_bought_member, "connection_count": 2700},
        "connections": _real(300) + _bought(2400, ["2024-09-02", "2024-09-03", "2024-09-04"]),
    },
    fires=(
        Expect(
            "suspected-purchased-connections",
            "Hundreds of profiles without a job on one day: a burst and fake-looking accounts "
            "agree, two signs of bought connections.",
            BUY,
            severity="error",
        ),
        Expect(
            "many-empty-profiles",
            "Nine in ten connections have neither company nor position: bots or fake accounts.",
            BUY,
            severity="warning",
        ),
    ),
    passes=(
        Expect(
            "target-met",
            "2,700 connections, 2,400 of them empty profiles: a figure reached with bought "
            "accounts is not met, and the report must not congratulate him on it.",
            HOW_MANY,
        ),
    ),
)

CONFERENCE = Persona(
    name="conference-seventy",
    about="An engineer who met 70 people at a conference and connected with all of them that day.",
    as_of=AS_OF,
    fires=(
        Expect(
            "target-met",
            "570 connections are within the mid-career figure (500–1000): the answer to how "
            "many he should have, in one line.",
            HOW_MANY,
            severity="info",
            says="570 connections: within the article's target for a Mid-Career Professional",
        ),
    ),
    network={
        "member": {**_bought_member, "name": "Lin Okafor", "connection_count": 570},
        "connections": _real(500)
        + _real(70, start="2024-05-15", every=0, prefix="m", relationship="met-in-person"),
    },
    passes=(
        Expect(
            "suspected-purchased-connections",
            "Meeting people in person at events is what the article recommends instead of buying; "
            "one busy day of real profiles is not a sign of bought connections.",
            "Alternatives to Buying LinkedIn Connections",
        ),
        Expect(
            "many-empty-profiles",
            "Every profile has a company and a position.",
            BUY,
        ),
        Expect(
            "dormant-network",
            "A third of his real connections heard from him this year: not a silent network.",
            MAINTAIN,
        ),
    ),
)

_template = "Hi NAME, I'm growing my network of sales leaders and would love to connect!"
MASS_INVITER = Persona(
    name="mass-inviter",
    about="A sales rep who sent the same note to 40 strangers in two weeks; most never answered.",
    as_of=AS_OF,
    network={
        "member": {
            "name": "Dee Park",
            "connection_count": 350,
            "situations": [],
            "employers": [{"name": "Proseware", "start": "2022-01-01"}],
        },
        "invitations": [
            {
                "id": f"o{k}",
                "direction": "outgoing",
                "person": f"Prospect {k}",
                "relationship": "none",
                "sent_on": _day("2024-11-01", k % 14),
                "status": "accepted" if k % 5 == 0 else "unanswered",
                "message": _template.replace("NAME", f"Prospect {k}"),
            }
            for k in range(40)
        ],
    },
    fires=(
        Expect(
            "request-to-stranger",
            "The article says to invite only people you already know.",
            REQUESTS,
        ),
        Expect(
            "request-not-individualized",
            "One note, names aside, went to forty people: a template, not a personal request.",
            REQUESTS,
        ),
    ),
    passes=(
        Expect(
            "request-follow-up",
            "A reminder is for someone you know who missed the invitation; nudging strangers "
            "who ignored a template is pressure.",
            REQUESTS,
        ),
        Expect(
            "request-without-note",
            "Each invitation carries a note (a template, reported on its own).",
            REQUESTS,
        ),
    ),
)


def _quiet(n: int, relationship: str | None = None, prefix: str = "q") -> list:
    return [
        {
            "id": f"{prefix}{k}",
            "name": f"Contact {prefix}{k}",
            "company": COMPANIES[k % len(COMPANIES)],
            "position": "Manager",
            "connected_on": _day("2012-03-01", k * 3),
            **({"relationship": relationship} if relationship else {}),
        }
        for k in range(n)
    ]


_senior = {
    "name": "Hal Brennan",
    "industry": "Manufacturing",
    "career_level": "senior",
    "job_seeking": False,
    "situations": [],
    "employers": [{"name": "Fabrikam", "title": "VP Operations", "start": "2010-01-01"}],
}
_senior_connections = (
    _quiet(880)
    + _quiet(5, "mentor", prefix="mentor")
    + [
        {
            "id": f"t{k}",
            "name": f"Talked To {k}",
            "company": "Litware",
            "position": "Director",
            "connected_on": "2015-01-01",
            "last_interaction_on": "2024-12-01",
        }
        for k in range(15)
    ]
)
DORMANT_SENIOR = Persona(
    name="dormant-senior",
    about="A senior manager with 900 connections who has exchanged a word with 15 of them in years.",
    as_of=AS_OF,
    network={
        "member": {**_senior, "connection_count": 900, "exchanges_recorded": True},
        "connections": _senior_connections,
    },
    fires=(
        Expect(
            "dormant-network",
            "The article: connect, then keep engaging; a network nobody talks to gives nothing.",
            MAINTAIN,
        ),
        Expect(
            "check-in-due",
            "His mentors deserve a word every month or quarter.",
            MAINTAIN,
        ),
        Expect(
            "inactive-connection",
            "Connections that never engage may be candidates for removal.",
            REMOVE,
        ),
        Expect(
            "target-met",
            "900 is within the senior figure: the size is right, the silence is the problem.",
            HOW_MANY,
            severity="info",
        ),
    ),
)

DORMANT_SENIOR_EXPORT = Persona(
    name="dormant-senior-export-without-messages",
    about="The same senior's export without messages.csv: nobody knows whom he talks to.",
    as_of=AS_OF,
    network={
        "member": {**_senior, "connection_count": 900, "exchanges_recorded": None},
        "connections": [
            {k: v for k, v in c.items() if k != "last_interaction_on"} for c in _senior_connections
        ],
    },
    passes=(
        Expect(
            "dormant-network",
            "Without a record of his exchanges the share of quiet connections is unknown, not 100%.",
            MAINTAIN,
        ),
        Expect(
            "inactive-connection",
            "Whether they ever engaged is unknown without messages: no removal advice on a guess.",
            REMOVE,
        ),
        Expect(
            "check-in-due",
            "Whether he talked to his mentors this quarter is unknown.",
            MAINTAIN,
        ),
    ),
    skipped=(
        Expect("dormant-network", "Exchanges are not recorded.", MAINTAIN),
        Expect("inactive-connection", "Exchanges are not recorded.", REMOVE),
        Expect("check-in-due", "Exchanges are not recorded.", MAINTAIN),
    ),
)

_plan_days = ["2024-06-03", "2024-06-04", "2024-06-05", "2024-06-06"]
_removal_connections = _real(
    400, start="2014-01-01", every=5, prefix="k", as_of=datetime.date(2024, 6, 1)
)
MASS_REMOVAL = Persona(
    name="planned-mass-removal",
    about="A member who plans to remove 30 people in one week, telling only some, with a typo.",
    as_of=datetime.date(2024, 6, 1),
    network={
        "member": {"name": "Uma Sorensen", "connection_count": 400, "situations": []},
        "connections": _removal_connections,
        "removals": [
            {
                "id": f"x{k}",
                "connection": f"k{k}",
                "planned_on": _plan_days[k % 4],
                "notified": k % 3 == 0,
            }
            for k in range(30)
        ]
        + [
            {"id": "x30", "connection": "k999", "planned_on": "2024-06-05", "notified": True},
            {"id": "x31", "connection": "k31", "notified": True},
        ],
    },
    fires=(
        Expect(
            "mass-removal",
            "Thirty removals in one week: the article asks for targeted, gradual removal.",
            REMOVE,
        ),
        Expect(
            "removal-without-notice",
            "The article: tell people politely before removing them.",
            REMOVE,
        ),
        Expect(
            "removal-of-unknown-connection",
            "k999 is nobody in her network: the plan has a wrong target.",
            REMOVE,
        ),
    ),
    passes=(
        Expect(
            "dormant-network",
            "She talked to a third of her connections this year: the network is not dormant.",
            MAINTAIN,
        ),
        Expect(
            "target-met",
            "Neither her industry, her career level nor a job search is known: no figure applies.",
            HOW_MANY,
        ),
    ),
)

_student_connections = [
    {
        "id": f"u{k}",
        "name": f"Classmate {k}",
        "company": "State University",
        "position": "Student",
        "connected_on": _day("2023-09-10", k * 7),
        "relationship": "classmate",
        **_talked(k, _day("2023-09-10", k * 7), AS_OF),
    }
    for k in range(40)
] + _real(110, start="2022-01-01", every=6, prefix="f")
STUDENT = Persona(
    name="student-at-her-college",
    about="A student with 150 connections, 40 of them classmates and staff at her own university.",
    as_of=AS_OF,
    fires=(
        Expect(
            "target-met",
            "150 is within the student figure of 100–300: she hears that she is on track.",
            HOW_MANY,
            severity="info",
        ),
    ),
    network={
        "member": {
            "name": "Ines Barros",
            "career_level": "student",
            "situations": [],
            "connection_count": 150,
            "schools": [{"name": "State University", "start": "2023-09-01"}],
        },
        "connections": _student_connections,
    },
    passes=(
        Expect(
            "redundant-company",
            "Classmates at the school she attends are her daily surroundings, not redundant contacts.",
            REMOVE,
        ),
        Expect(
            "outdated-connection",
            "Her school is not in the past.",
            REMOVE,
        ),
        Expect(
            "dormant-network",
            "She talks to her classmates and to a third of her other contacts.",
            MAINTAIN,
        ),
    ),
)

CAREER_CHANGER = Persona(
    name="career-changer-eight-months",
    about="A nurse who became a data analyst eight months ago; 145 contacts are at her old hospital.",
    as_of=AS_OF,
    network={
        "member": {
            "name": "Gwen Adler",
            "career_level": "mid-career",
            "situations": ["career-change"],
            "connection_count": 400,
            "employers": [
                {"name": "St Mary Hospital", "start": "2012-01-01", "end": "2024-05-01"},
                {"name": "Woodgrove", "start": "2024-05-15"},
            ],
        },
        "connections": [
            {
                "id": f"h{k}",
                "name": f"Nurse {k}",
                "company": "St Mary Hospital",
                "position": "Nurse",
                "connected_on": _day("2013-01-01", k * 20),
                "relationship": "former-colleague",
                **_talked(k, _day("2013-01-01", k * 20), AS_OF),
            }
            for k in range(145)
        ]
        + _real(255, start="2014-01-01", every=10, prefix="w"),
    },
    passes=(
        Expect(
            "outdated-connection",
            "She left eight months ago; the article's past jobs are ones you no longer interact "
            "with, and these contacts are recent.",
            REMOVE,
        ),
        Expect(
            "redundant-company",
            "145 former colleagues from a job she left this year are not yet past contacts to consolidate.",
            REMOVE,
        ),
        Expect(
            "dormant-network",
            "She is in touch with a third of her network, her former colleagues included.",
            MAINTAIN,
        ),
        Expect(
            "target-met",
            "400 is below the mid-career figure of 500; the below-target finding speaks instead.",
            HOW_MANY,
        ),
    ),
)

PERSONAS = [
    BOUGHT,
    CONFERENCE,
    MASS_INVITER,
    DORMANT_SENIOR,
    DORMANT_SENIOR_EXPORT,
    MASS_REMOVAL,
    STUDENT,
    CAREER_CHANGER,
]
