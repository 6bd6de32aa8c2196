"""Personas whose network is a LinkedIn export: what netrules derives must be read right."""

from __future__ import annotations

import datetime
import importlib.util
import tempfile
from pathlib import Path

from persona_kit import Expect, Persona

import netrules

_spec = importlib.util.spec_from_file_location(
    "_archive_builder", Path(__file__).resolve().parents[2] / "loaders" / "archive_builder.py"
)
assert _spec and _spec.loader
ab = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ab)

TARGETS = "How Many Connections Are Good on LinkedIn?"
ZERO = "The Drawbacks of Having No Connections"
AS_OF = datetime.date(2025, 1, 31)
NAME = "Complete_LinkedInDataExport_01-31-2025"


def _export(files: dict[str, str | bytes]) -> netrules.Network:
    folder = Path(tempfile.mkdtemp(prefix="netrules-persona-"))
    return netrules.load_network(ab.write_archive(folder, files, kind="folder", name=NAME))


def _profile(industry: str, headline: str) -> str:
    return ab.table(ab.PROFILE[13], [["Kim", "Lee", "", "", "", headline, "", industry] + [""] * 5])


def _connections(n: int, company: str, day: str) -> bytes:
    return ab.connections(
        [
            [
                "First",
                f"Person{i}",
                f"https://www.linkedin.com/in/p{i}",
                "",
                company,
                "Engineer",
                day,
            ]
            for i in range(n)
        ]
    )


EMPTY_OLD_ACCOUNT = Persona(
    name="export-empty-old-account",
    about="An export of an account registered in 2016 that never connected with anyone.",
    as_of=AS_OF,
    network=_export(
        {
            "Profile.csv": _profile("Software Development", "Engineer"),
            "Registration.csv": ab.table(ab.REGISTRATION["2022"], [["3/1/16, 10:00 AM", "", ""]]),
            "Connections.csv": ab.connections([]),
        }
    ),
    fires=(
        Expect(
            "zero-connections",
            "An export never states situations; an empty nine-year-old network is not silent.",
            ZERO,
            "warning",
            "--situation",
        ),
    ),
    passes=(
        Expect("zero-connections-acceptable", "Nothing known explains it.", ZERO),
        Expect("below-every-target", "The zero finding says it all.", TARGETS),
    ),
)

SENIOR_DEVELOPER = Persona(
    name="export-senior-developer",
    about="A software engineer with twelve years of positions and 150 connections; the export "
    "states the industry as LinkedIn names it and says nothing about the career level.",
    as_of=AS_OF,
    network=_export(
        {
            "Profile.csv": _profile("Software Development", "Senior Software Engineer at Acme"),
            "Registration.csv": ab.table(ab.REGISTRATION["2022"], [["3/1/12, 10:00 AM", "", ""]]),
            "Positions.csv": ab.table(
                ab.POSITIONS,
                [
                    ["Acme", "Senior Software Engineer", "", "", "Mar 2018", ""],
                    ["Initech", "Software Engineer", "", "", "Jan 2012", "Feb 2018"],
                ],
            ),
            "Connections.csv": _connections(150, "Acme", "01 Mar 2019"),
        }
    ),
    fires=(
        Expect(
            "below-career-target",
            "Twelve years of engineering positions make him a senior professional, whose "
            "figure is 800 to 2,000+; the message says the level was read from his positions.",
            TARGETS,
            says="based on your positions and education you look senior",
        ),
    ),
    passes=(
        Expect(
            "below-industry-target",
            "One size finding per person: the career figure already restates the number.",
            TARGETS,
        ),
        Expect("zero-connections", "He has connections.", ZERO),
    ),
)

PERSONAS = [EMPTY_OLD_ACCOUNT, SENIOR_DEVELOPER]
