"""Helpers of the HTML report tests."""

from __future__ import annotations

import datetime as _dt

import netrules

AS_OF = _dt.date(2026, 11, 1)


def hostile_network(name: str, company: str):
    """A small network whose names and companies are attacker-chosen strings."""
    connections = [
        {
            "id": f"c{i}",
            "name": name,
            "company": company,
            "connected_on": (AS_OF - _dt.timedelta(days=3 * i)).isoformat(),
        }
        for i in range(40)
    ]
    doc = {
        "as_of": AS_OF.isoformat(),
        "member": {
            "name": name,
            "industry": "Information Technology",
            "career_level": "entry",
            "situations": [],
        },
        "connections": connections,
        "invitations": [
            {
                "id": "i1",
                "direction": "outgoing",
                "person": name,
                "message": name,
                "sent_on": "2026-10-01",
                "status": "pending",
            }
        ],
    }
    return netrules.load_network(doc)
