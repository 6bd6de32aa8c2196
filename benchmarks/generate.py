"""Seeded generators for the benchmarks: networks, member-only networks, export archives.

Everything is drawn from ``random.Random(seed)``, so the same seed gives the same
data on every machine and every run.  The data is shaped like a real export
(see docs/input-format.md (the LinkedIn export section)): a few companies are very
common and most are rare, a few percent of connections have neither company
nor position, most connections have never been messaged, invitation notes are
mostly empty with a few copy-pasted templates, and every rule of the bundled
pack has something to find (and something it must skip for missing data).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import random
import zipfile
from pathlib import Path

from netrules.model import (
    Connection,
    Employer,
    Invitation,
    Member,
    Network,
    Recommendation,
    Removal,
    School,
)

AS_OF = _dt.date(2025, 1, 1)

FIRST = (
    "Ana",
    "Bo",
    "Chen",
    "Dara",
    "Eli",
    "Farah",
    "Gus",
    "Hana",
    "Ira",
    "Jon",
    "Kofi",
    "Lena",
    "Mia",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tomás",
    "Uma",
    "Vik",
    "Wen",
    "Yara",
    "Zoë",
    "Łukasz",
    "Ngozi",
    "Sven",
    "Aiko",
    "Mateo",
)
LAST = (
    "Okafor",
    "Li",
    "Ruiz",
    "Baptiste",
    "Dubois",
    "Eze",
    "Varga",
    "Cho",
    "Park",
    "Ng",
    "Schmidt",
    "Rossi",
    "Kowalski",
    "Tanaka",
    "Haddad",
    "Silva",
    "Novak",
    "Moreau",
    "Andersen",
    "Khan",
    "O'Neil",
    "García",
    "Ivanova",
    "Mensah",
    "Costa",
)
POSITIONS = (
    "Engineer",
    "Senior Engineer",
    "Data Analyst",
    "Product Manager",
    "Recruiter",
    "Consultant",
    "Director of Sales",
    "Designer",
    "CTO",
    "Account Executive",
    "Research Scientist",
    "Operations Lead",
    "Founder",
    "Teacher",
    "Nurse",
)
RELATIONSHIPS = (
    "colleague",
    "former-colleague",
    "classmate",
    "friend",
    "family",
    "client",
    "mentor",
    "met-in-person",
    "online-only",
    "none",
)
STATUSES = ("pending", "accepted", "ignored", "declined", "withdrawn")
DEFAULT_NOTE = "I'd like to add you to my professional network on LinkedIn."
TEMPLATES = (
    "Hi {first}, great meeting you at the Lyon meetup!",
    "Hello {first}, I see we both work in data platforms; let's connect.",
    "{first}, I'm growing my network in fintech. Happy to connect!",
)
INDUSTRIES = (
    "Business Services",
    "Healthcare",
    "Higher Education",
    "Information Technology",
    "Legal",
    "Manufacturing",
    "Astronomy",
)
LEVELS = ("student", "entry", "mid-career", "senior", "executive")
SITUATIONS = (
    "new-to-linkedin",
    "recent-graduate",
    "career-break",
    "career-change",
    "selective-networker",
    "job-search-privacy",
)


def companies(rng: random.Random, n: int = 2_000) -> list[str]:
    stems = (
        "Acme",
        "Globex",
        "Initech",
        "Umbrella",
        "Stark",
        "Wayne",
        "Hooli",
        "Contoso",
        "Fabrikam",
        "Northwind",
        "Tailspin",
        "Vandelay",
        "Soylent",
        "Cyberdyne",
        "Aperture",
    )
    tails = ("", " Analytics", " Cloud", " Labs", " GmbH", ", Inc.", " Health", " Partners")
    out = []
    for i in range(n):
        out.append(
            f"{rng.choice(stems)}{rng.choice(tails)}"
            if i < 120
            else f"{rng.choice(stems)} {i}{rng.choice(tails)}"
        )
    return list(dict.fromkeys(out))


def _name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST), rng.choice(LAST)


def _day(rng: random.Random, start: _dt.date, end: _dt.date) -> _dt.date:
    return start + _dt.timedelta(days=rng.randrange((end - start).days + 1))


class _Rows:
    """The raw facts of one generated network, shared by the model and the archive."""

    def __init__(self, n_connections: int, n_invitations: int, n_removals: int, seed: int):
        rng = random.Random(seed)
        self.rng = rng
        names = companies(rng)
        weights = [1 / (i + 1) ** 1.1 for i in range(len(names))]
        start = AS_OF - _dt.timedelta(days=12 * 365)
        # A handful of very busy days (conference days, or a purchase).
        busy = [_day(rng, start, AS_OF) for _ in range(5)]
        self.connections = []
        for i in range(n_connections):
            first, last = _name(rng)
            if rng.random() < 0.03:
                company = position = ""
            else:
                company = rng.choices(names, weights)[0]
                position = rng.choice(POSITIONS) if rng.random() < 0.98 else ""
            day = rng.choice(busy) if rng.random() < 0.01 else _day(rng, start, AS_OF)
            url = f"https://www.linkedin.com/in/{first.lower()}-{last.lower()}-{i:08x}"
            email = f"{first.lower()}.{i}@example.com" if rng.random() < 0.02 else ""
            self.connections.append((first, last, url, email, company, position, day))
        self.member_name = ("Maya", "Okafor")
        self.employers = [
            (names[1], "Data Engineer", _dt.date(2012, 4, 1), _dt.date(2016, 2, 29)),
            (names[4], "Senior Data Engineer", _dt.date(2016, 3, 1), _dt.date(2020, 6, 30)),
            (names[0], "Staff Engineer", _dt.date(2020, 7, 1), None),
        ]
        self.schools = [
            (
                "University of Lagos",
                "BSc Computer Science",
                _dt.date(2008, 9, 1),
                _dt.date(2012, 7, 31),
            )
        ]
        # Messages: about a third of the connections were ever written to.
        self.messaged = {}
        for i in rng.sample(range(n_connections), n_connections // 3):
            self.messaged[i] = _day(rng, max(start, self.connections[i][6]), AS_OF)
        self.invitations = []
        inv_start = AS_OF - _dt.timedelta(days=290)
        for i in range(n_invitations):
            outgoing = rng.random() < 0.5
            if rng.random() < 0.3 and self.connections:
                c = self.connections[rng.randrange(len(self.connections))]
                first, last, url = c[0], c[1], c[2]
            else:
                first, last = _name(rng)
                url = f"https://www.linkedin.com/in/{first.lower()}-{last.lower()}-x{i:07x}"
            r = rng.random()
            if r < 0.85:
                note = ""
            elif r < 0.9:
                note = DEFAULT_NOTE
            elif r < 0.97:
                note = rng.choice(TEMPLATES).format(first=first)
            else:
                note = f"{first}, we met at talk #{i} about {rng.choice(POSITIONS)}s."
            self.invitations.append((outgoing, first, last, url, _day(rng, inv_start, AS_OF), note))
        self.n_removals = n_removals


def network(
    n_connections: int = 30_000,
    n_invitations: int = 5_000,
    n_removals: int = 500,
    seed: int = 1,
    n_recommendations: int = 30,
) -> Network:
    """A whole network as the JSON loader would build it (relationships and statuses known
    for part of the items, unknown for the rest)."""
    raw = _Rows(n_connections, n_invitations, n_removals, seed)
    rng = raw.rng
    conns = []
    for i, (first, last, url, email, company, position, day) in enumerate(raw.connections):
        rel = rng.choice(RELATIONSHIPS) if rng.random() < 0.6 else None
        last_talk = raw.messaged.get(i)
        conns.append(
            Connection(
                id=f"c{i:06d}",
                name=f"{first} {last}",
                company=company or None,
                position=position or None,
                connected_on=day if rng.random() < 0.995 else None,
                last_interaction_on=last_talk,
                relationship=rel,
                url=url,
                email=email or None,
            )
        )
    invs = []
    for i, (outgoing, first, last, _url, day, note) in enumerate(raw.invitations):
        invs.append(
            Invitation(
                id=f"i{i:06d}",
                direction="outgoing" if outgoing else "incoming",
                person=f"{first} {last}" if rng.random() < 0.99 else None,
                sent_on=day if rng.random() < 0.99 else None,
                message=note or None,
                status=rng.choice(STATUSES) if rng.random() < 0.9 else None,
                follow_ups=rng.choice((0, 0, 0, 0, 1, 1, 2)),
                relationship=rng.choice(RELATIONSHIPS) if rng.random() < 0.7 else None,
            )
        )
    removals = []
    plan_start = AS_OF - _dt.timedelta(days=60)
    for i in range(raw.n_removals):
        removals.append(
            Removal(
                id=f"x{i:05d}",
                connection=f"c{rng.randrange(max(1, n_connections)):06d}",
                planned_on=_day(rng, plan_start, AS_OF + _dt.timedelta(days=30)),
                notified=rng.choice((True, False, None)),
            )
        )
    recs = []
    for i in range(n_recommendations):
        first, last = _name(rng)
        recs.append(
            Recommendation(
                id=f"r{i:04d}",
                person=f"{first} {last}",
                given_on=_day(
                    rng, AS_OF - _dt.timedelta(days=900), AS_OF - _dt.timedelta(days=400)
                ),
                relationship=rng.choice(RELATIONSHIPS),
            )
        )
    member = Member(
        connection_count=n_connections,
        name="Maya Okafor",
        industry="Information Technology",
        headline="Data engineer",
        career_level="senior",
        job_seeking=True,
        joined_on=_dt.date(2010, 3, 14),
        situations=(),
        premium=False,
        employers=tuple(Employer(*e) for e in raw.employers),
        schools=tuple(School(*s) for s in raw.schools),
    )
    return Network(
        member=member,
        as_of=AS_OF,
        connections=tuple(conns),
        invitations=tuple(invs),
        removals=tuple(removals),
        recommendations_given=tuple(recs),
    )


def members(count: int = 100_000, seed: int = 1) -> list[Network]:
    """Small networks with member fields only (no collections): the count rules' input."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        r = rng.random()
        n = 0 if r < 0.1 else rng.randrange(1, 3_000)
        situations: tuple[str, ...] | None
        s = rng.random()
        if s < 0.2:
            situations = None
        elif s < 0.7:
            situations = ()
        else:
            situations = (rng.choice(SITUATIONS),)
        schools = ()
        if rng.random() < 0.5:
            end = _day(rng, AS_OF - _dt.timedelta(days=3000), AS_OF + _dt.timedelta(days=200))
            schools = (School("State University", None, None, end),)
        member = Member(
            connection_count=n,
            industry=rng.choice(INDUSTRIES) if rng.random() < 0.9 else None,
            career_level=rng.choice(LEVELS) if rng.random() < 0.9 else None,
            job_seeking=rng.choice((True, False, None)),
            joined_on=_day(rng, AS_OF - _dt.timedelta(days=4000), AS_OF)
            if rng.random() < 0.8
            else None,
            situations=situations,
            schools=schools,
        )
        out.append(Network(member=member, as_of=AS_OF))
    return out


# --------------------------------------------------------------------------
# A LinkedIn export archive with the real byte layout.

PREAMBLE = (
    b'Notes:\n"When exporting your connection data, you may notice that some of the email '
    b"addresses are missing. You will only see email addresses for connections who have "
    b"allowed their connections to see or download their email address using this setting "
    b"https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    b'https://www.linkedin.com/help/linkedin/answer/261"\n\n'
)
CONNECTIONS_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
INVITATIONS_HEADER = "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl"
MESSAGES_HEADER = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,"
    "RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER,IS MESSAGE DRAFT,"
    "IS CONVERSATION DRAFT"
)
PROFILE_HEADER = (
    "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,"
    "Industry,Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers"
)
POSITIONS_HEADER = "Company Name,Title,Description,Location,Started On,Finished On"
EDUCATION_HEADER = "School Name,Start Date,End Date,Notes,Degree Name,Activities"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ARCHIVE_NAME = "Complete_LinkedInDataExport_01-01-2025"


def _csv(header: str, rows: list[tuple[str, ...]], final_newline: bool = True) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    text = header + "\n" + out.getvalue()
    return text if final_newline else text.rstrip("\n")


def _connected_on(d: _dt.date) -> str:  # "16 Dec 2024"
    return f"{d.day:02d} {MONTHS[d.month - 1]} {d.year}"


def _sent_at(d: _dt.date, rng: random.Random) -> str:  # "12/15/24, 7:47 AM"
    return (
        f"{d.month}/{d.day}/{d.year % 100:02d}, {rng.randint(1, 12)}:{rng.randrange(60):02d} "
        f"{rng.choice(('AM', 'PM'))}"
    )


def _month(d: _dt.date | None) -> str:
    return f"{MONTHS[d.month - 1]} {d.year}" if d else ""


def archive_files(
    n_connections: int = 30_000, n_invitations: int = 5_000, seed: int = 1
) -> dict[str, bytes]:
    """The CSV files of an export: Connections (with the notes preamble, no final
    newline), Invitations (OUTGOING block then INCOMING, newest first), messages,
    Profile, Positions, Education."""
    raw = _Rows(n_connections, n_invitations, 0, seed)
    rng = random.Random(seed + 1)
    me = " ".join(raw.member_name)
    me_url = "https://www.linkedin.com/in/maya-okafor-0a1b2c3d"
    conn_rows = []
    for first, last, url, email, company, position, day in raw.connections:
        if rng.random() < 0.015:  # a blank-member row: only the date
            conn_rows.append((day, ("", "", "", "", "", "", _connected_on(day))))
            continue
        tail = " " if rng.random() < 0.03 else ""  # trailing spaces happen
        conn_rows.append(
            (day, (first + tail, last, url, email, company, position, _connected_on(day)))
        )
    conn_rows.sort(key=lambda r: r[0], reverse=True)  # newest first, as exported
    inv_rows = []
    for outgoing, first, last, url, day, note in sorted(
        raw.invitations, key=lambda r: (not r[0], -r[4].toordinal())
    ):
        person = f"{first} {last}"
        if outgoing:
            inv_rows.append((me, person, _sent_at(day, rng), note, "OUTGOING", me_url, url))
        else:
            inv_rows.append((person, me, _sent_at(day, rng), note, "INCOMING", url, me_url))
    msg_rows = []
    for n, (i, day) in enumerate(sorted(raw.messaged.items(), key=lambda kv: kv[1], reverse=True)):
        first, last, url = raw.connections[i][0], raw.connections[i][1], raw.connections[i][2]
        stamp = f"{day.isoformat()} {rng.randrange(24):02d}:{rng.randrange(60):02d}:00 UTC"
        conv = f"2-{n:012x}"
        if rng.random() < 0.5:
            msg_rows.append(
                (
                    conv,
                    "",
                    f"{first} {last}",
                    url,
                    me,
                    me_url,
                    stamp,
                    "",
                    "Thanks, talk soon",
                    "INBOX",
                    "No",
                    "No",
                )
            )
        else:
            msg_rows.append(
                (
                    conv,
                    "",
                    me,
                    me_url,
                    f"{first} {last}",
                    url,
                    stamp,
                    "",
                    'Good to see you, "as promised", the slides',
                    "INBOX",
                    "No",
                    "No",
                )
            )
    profile = [
        (
            "Maya",
            "Okafor",
            "",
            "",
            "Mar 31",
            "Data engineer",
            "",
            "Information Technology",
            "",
            "Lagos, Nigeria",
            "",
            "",
            "",
        )
    ]
    positions = [(c, t, "", "", _month(s), _month(e)) for c, t, s, e in reversed(raw.employers)]
    education = [(s, _month(st), _month(e), "", d, "") for s, d, st, e in raw.schools]
    return {
        "Connections.csv": PREAMBLE
        + _csv(CONNECTIONS_HEADER, [r for _d, r in conn_rows], final_newline=False).encode("utf-8"),
        "Invitations.csv": _csv(INVITATIONS_HEADER, inv_rows).encode("utf-8"),
        "messages.csv": _csv(MESSAGES_HEADER, msg_rows).encode("utf-8"),
        "Profile.csv": _csv(PROFILE_HEADER, profile).encode("utf-8"),
        "Positions.csv": _csv(POSITIONS_HEADER, positions).encode("utf-8"),
        "Education.csv": _csv(EDUCATION_HEADER, education).encode("utf-8"),
    }


def write_archive(dest: Path, files: dict[str, bytes], *, kind: str = "zip") -> Path:
    """``<dest>/<ARCHIVE_NAME>.zip`` (deflated, files at the root, as exported) or the
    folder it unzips to."""
    dest.mkdir(parents=True, exist_ok=True)
    if kind == "zip":
        path = dest / f"{ARCHIVE_NAME}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in files.items():
                zf.writestr(name, data)
        return path
    root = dest / ARCHIVE_NAME
    root.mkdir(exist_ok=True)
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root
