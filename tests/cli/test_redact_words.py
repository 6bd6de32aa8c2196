"""The redactor's whole-word search: the same answer as one regular expression, found fast."""

from __future__ import annotations

import random
import re

import netrules
from netrules.redact import Redactor

PEOPLE = ["Ann", "Ann Lee", " Bo Wu", "Zoë Ça", "O'Neil", "(Ltd) Partners", "C" * 300, "_x_"]


def network():
    return netrules.load_network(
        {
            "member": {"name": "Mia Member", "employers": [{"name": "Acme & Co."}]},
            "connections": [
                {"id": f"c{i}", "name": name, "company": f"{name} Corp", "email": f"p{i}@ex.org"}
                for i, name in enumerate(PEOPLE)
            ],
        }
    )


def test_same_as_one_regular_expression():
    red = Redactor(network())
    keys = sorted((k for k in red._replace if k.strip()), key=len, reverse=True)
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(k)}(?!\w)" for k in keys))
    rng = random.Random(7)
    pieces = [*red._replace, "x", " ", "-", "a", "é", "(", ")", "Annual", "_", "1", "Mia"]
    for _ in range(2000):
        text = rng.choice(["", " ", "-", "/"]).join(
            rng.choice(pieces) for _ in range(rng.randint(1, 8))
        )
        expected = pattern.sub(lambda m: red._replace[m.group(0)], text)
        assert red._names(text) == expected, text


def test_names_companies_and_member_replaced():
    red = Redactor(network())
    said = red.text("Ann Lee (Ann Lee Corp) met Mia Member of Acme & Co. and Annabel")
    assert "Ann" not in said.replace("Annabel", "") and "Acme" not in said
    assert "the member" in said and said.endswith("and Annabel")
    assert re.search(r"Person \d+ \(Company \d+\)", said)


def test_a_note_quoted_shortened_is_replaced_at_every_limit():
    """A rule may quote a note shortened (shorten()); redaction must not know the limit."""
    from netrules.runtime import _shorten

    note = "Hello from the  Thistlewood-Quillfeather meetup, a secret note"
    red = Redactor(
        netrules.load_network(
            {
                "member": {"name": "Mia Member"},
                "invitations": [
                    {"direction": "outgoing", "person": "Pia Thistlewood", "message": note}
                ],
            }
        )
    )
    first_word = len("Hello") + 1
    for limit in range(first_word + 1, len(note) + 5):
        quoted = f'4 people got the same note: "{_shorten(note, limit)}"'
        said = red.text(quoted)
        assert said == '4 people got the same note: "[note]"', (limit, said)
