"""``--redact`` covers the HTML page: nothing the network names survives, anywhere in the bytes."""

from __future__ import annotations

import datetime as _dt
import json
import re

import pytest
from html_support import AS_OF

import netrules
from netrules.cli import main
from netrules.redact import Redactor

MEMBER = "Zoltana Quillfeather"
EMPLOYER = "Brightwater Quantum Holdings"
SCHOOL = "Ravensmoor Polytechnic"
COMPANIES = ["Xylocorp Dynamics", "Marrowgate Biotech", "Penhallow & Sons <Ltd>"]


def secrets_network() -> dict:
    """A network whose every name, company, e-mail, URL and note is distinctive."""
    connections = []
    for i in range(60):
        connections.append(
            {
                "id": f"https://www.linkedin.com/in/vexmorrow-{i:03d}",
                "url": f"https://www.linkedin.com/in/vexmorrow-{i:03d}",
                "name": f"Ottoline Vexmorrow{i:03d}",
                "email": f"ottoline.vexmorrow{i:03d}@quillmail.example",
                "company": COMPANIES[i % 3] if i % 2 else EMPLOYER,
                "position": "Engineer",
                "connected_on": (AS_OF - _dt.timedelta(days=9 * i + 400)).isoformat(),
                "last_interaction_on": "2023-01-05" if i % 2 else None,
                "relationship": "none" if i % 7 == 0 else "colleague",
            }
        )
    invitations = [
        {
            "direction": "outgoing",
            "person": f"Peregrine Thistlewood{i}",
            "sent_on": (AS_OF - _dt.timedelta(days=30 + i)).isoformat(),
            "message": "Hello from the Thistlewood-Quillfeather meetup, a secret note",
            "status": "unanswered",
        }
        for i in range(5)
    ]
    return {
        "as_of": AS_OF.isoformat(),
        "member": {
            "name": MEMBER,
            "industry": "Information Technology",
            "career_level": "mid-career",
            "job_seeking": True,
            "situations": [],
            "employers": [{"name": EMPLOYER, "title": "Lead", "start": "2019-01-01"}],
            "schools": [{"name": SCHOOL, "degree": "BSc", "end": "2012-06-30"}],
        },
        "connections": connections,
        "invitations": invitations,
        "removals": [
            {"connection": connections[3]["id"], "planned_on": "2026-11-20", "notified": False}
        ],
        "recommendations_given": [
            {"person": "Barnaby Fenwhistle", "given_on": "2026-10-01", "relationship": "none"}
        ],
    }


def originals(doc: dict) -> list[str]:
    out = [MEMBER, EMPLOYER, SCHOOL, *COMPANIES, "Barnaby Fenwhistle", "Fenwhistle"]
    out += ["Vexmorrow", "vexmorrow", "quillmail", "Thistlewood", "Quillfeather", "Penhallow"]
    for c in doc["connections"]:
        out += [c["name"], c["email"], c["url"], c["url"].split("//", 1)[1]]
    for i in doc["invitations"]:
        out += [i["person"], i["message"]]
    return out


@pytest.fixture(scope="module")
def redacted_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("redact")
    doc = secrets_network()
    source = folder / "network.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    page = folder / "report.html"
    code = main(
        [
            "check",
            str(source),
            "--format",
            "html",
            "-o",
            str(page),
            "--redact",
            "--fail-on",
            "never",
        ]
    )
    assert code == 0
    return doc, source, page.read_bytes()


def test_no_original_string_anywhere_in_the_bytes(redacted_page):
    doc, _source, raw = redacted_page
    text = raw.decode("utf-8")
    # the escaped forms too: "&" and "<" in a company name are written as entities
    variants = {s for s in originals(doc)}
    variants |= {
        s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for s in variants
    }
    leaks = sorted(s for s in variants if s.encode("utf-8") in raw)
    assert leaks == []
    # in any case: a rule quotes a note lower-cased, "names aside" (normalize())
    words = ["vexmorrow", "thistlewood", "quillfeather", "fenwhistle", "xylocorp"]
    words += ["marrowgate", "penhallow", "brightwater", "ravensmoor", "quillmail", "zoltana"]
    assert [w for w in words if w in text.lower()] == []
    assert "[note]" in text  # the reused note was quoted, and replaced
    assert "<title>netrules report (names replaced by pseudonyms)</title>" in text
    assert 'id="redacted"' in text
    # the page still says something: pseudonyms where names were
    assert re.search(r"Company \d+", text) and re.search(r"Person \d+", text)


def test_same_pseudonyms_as_the_text_report(redacted_page, capsys):
    doc, source, raw = redacted_page
    text = raw.decode("utf-8")
    red = Redactor(netrules.load_network(doc))
    capsys.readouterr()
    main(["check", str(source), "--format", "json", "--redact", "--fail-on", "never"])
    data = json.loads(capsys.readouterr().out)
    shown = " ".join(f["message"] for f in data["findings"])
    # a person named by a finding has one pseudonym in both outputs
    person = red.text(doc["connections"][3]["name"])
    assert person.startswith("Person ") and person in shown and person in text
    # the top company of the chart is the same pseudonym the findings use
    company = red.text(EMPLOYER)
    assert company.startswith("Company ")
    takeaway = re.search(r'data-chart="companies".*?class="takeaway">(.*?)</p>', text, re.S)
    assert takeaway and takeaway.group(1).startswith(f"{company} (where you work now) holds")
    # the assumptions and the findings of the JSON report are redacted too
    assert MEMBER not in json.dumps(data) and EMPLOYER not in json.dumps(data)


def test_findings_count_unchanged_by_redaction(redacted_page, capsys):
    _doc, source, raw = redacted_page
    capsys.readouterr()
    main(["check", str(source), "--format", "json", "--fail-on", "never"])
    plain = json.loads(capsys.readouterr().out)
    count = int(re.search(rb'data-findings-count="(\d+)"', raw).group(1))
    assert count == len(plain["findings"])


def test_redacted_export_leaks_no_name_company_email_or_url(tmp_path, pack):
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from benchmarks import generate

    archive = generate.write_archive(tmp_path, generate.archive_files(300, 120, seed=5))
    network = netrules.load_network(archive)
    page = Redactor(network).report(pack.evaluate(network)).to_html()
    secrets = {network.member.name, *(e.name for e in network.member.employers)}
    for c in network.connections:
        secrets |= {c.name, c.company, c.email, c.url}
    for i in network.invitations:
        secrets |= {i.person, (i.message or "").strip()}
    secrets = {s for s in secrets if s and len(s) > 3}
    escaped = {s.replace("&", "&amp;").replace("'", "&#39;") for s in secrets}
    assert sorted(s for s in secrets | escaped if s in page) == []


def test_e_mail_addresses_hidden_in_charts_by_default(pack):
    doc = secrets_network()
    for c in doc["connections"]:
        c["company"] = "ops@hidden-company.example"
    network = netrules.load_network(doc)
    from netrules.redact import hide_emails

    page = hide_emails(pack.evaluate(network)).to_html()
    assert "ops@hidden-company.example" not in page
    assert "[e-mail hidden] holds" in page
