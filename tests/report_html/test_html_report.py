"""The HTML report without a browser: content, escaping, charts, takeaways, size."""

from __future__ import annotations

import datetime as _dt
import re
from html.parser import HTMLParser

import pytest
from html_support import AS_OF, hostile_network

import netrules
from netrules import html_report
from netrules.html_report import build_charts, render_html

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "\u202eevil\u202c right-to-left",
    "C" * 10_000,
    "{{ 7*7 }} {% raw %}",
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_demo_report_is_self_contained(demo, pack):
    network, report = demo
    html = render_html(report, network, pack)
    found = tags(html)
    assert not [t for t, _ in found if t in ("script", "link", "iframe", "img", "object", "embed")]
    for _tag, attrs in found:
        for key, value in attrs.items():
            assert not (key in ("src", "href") and value), (key, value)
            assert not key.startswith("on"), key
    # namespaces are not requests; nothing else may point outside
    urls = set(re.findall(r"https?://[^\"'\s<>)]+", html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    assert "default-src 'none'" in html  # the browser refuses any request the page might try


def test_demo_report_size(demo, pack):
    network, report = demo
    assert len(render_html(report, network, pack).encode()) < 300_000


def test_every_chart_has_takeaway_and_table(demo, pack):
    network, report = demo
    charts = build_charts(report, network, pack)
    assert [c.id for c in charts] == ["growth", "monthly", "invitations", "companies", "recency"]
    for chart in charts:
        assert chart.svg.startswith("<svg"), chart.id
        assert 'role="img"' in chart.svg
        assert chart.takeaway.endswith("."), chart.takeaway
        assert chart.rows and all(len(r) == len(chart.columns) for r in chart.rows)
    html = render_html(report, network, pack)
    for chart in charts:
        assert f'data-chart="{chart.id}"' in html


def test_growth_names_the_target_rows(demo, pack):
    network, report = demo
    growth = build_charts(report, network, pack)[0]
    # The demo member is mid-career in IT and job seeking: three bands, each named.
    assert "Information Technology" in growth.takeaway
    assert "Mid-Career Professional" in growth.takeaway
    assert "mid-career job seeker" in growth.takeaway
    assert "120 short" in growth.takeaway  # 380 of 500
    assert "370 short of the 750–1,500+" in growth.takeaway


@pytest.mark.parametrize(
    ("count", "said"),
    [
        (650, "within the 500–1,000+ suggested for Information Technology"),
        (1200, "past the 500–1,000+ suggested for Information Technology (more is fine)"),
        (300, "200 short of the 500–1,000+"),
    ],
)
def test_growth_says_where_the_count_stands(pack, count, said):
    conns = [
        {"id": f"c{i}", "connected_on": (AS_OF - _dt.timedelta(days=i)).isoformat()}
        for i in range(count)
    ]
    member = {"industry": "Information Technology", "career_level": "mid-career"}
    network = netrules.load_network(
        {"as_of": AS_OF.isoformat(), "member": member, "connections": conns}
    )
    growth = build_charts(pack.evaluate(network), network, pack)[0]
    assert said in growth.takeaway
    if count > 1000:  # mid-career is 500..1000 with no "+": above it, by how much
        assert "200 above the 500–1,000 suggested for a Mid-Career Professional" in growth.takeaway


def test_findings_count_matches_json(demo, pack):
    network, report = demo
    html = render_html(report, network, pack)
    count = int(re.search(r'data-findings-count="(\d+)"', html).group(1))
    assert count == len(report.to_dict()["findings"])


def test_each_rule_said_once(demo, pack):
    network, report = demo
    html = render_html(report, network, pack)
    rules = re.findall(r'<details class="finding" data-rule="([^"]+)"', html)
    assert sorted(rules) == sorted({f.rule for f in report.findings})


def test_burst_takeaway_names_the_day(pack):
    days = [AS_OF - _dt.timedelta(days=d) for d in range(0, 400, 5)]
    conns = [
        {"id": f"c{i}", "name": f"P {i}", "connected_on": d.isoformat()} for i, d in enumerate(days)
    ]
    burst = _dt.date(2026, 10, 4)
    conns += [
        {"id": f"b{i}", "name": f"B {i}", "connected_on": burst.isoformat()} for i in range(412)
    ]
    network = netrules.load_network(
        {"as_of": AS_OF.isoformat(), "member": {}, "connections": conns}
    )
    report = pack.evaluate(network)
    monthly = build_charts(report, network, pack)[1]
    assert "You added 412 connections on 4 Oct 2026" in monthly.takeaway


@pytest.mark.parametrize("text", HOSTILE, ids=["script", "attr", "rtl", "long", "template"])
def test_hostile_strings_render_as_text(pack, text):
    network = hostile_network(text, text)
    report = pack.evaluate(network)
    html = render_html(report, network, pack)
    found = tags(html)
    assert not [t for t, _ in found if t in ("script", "img")]
    assert not [k for _, a in found for k in a if k.startswith("on")]
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "49 {%" not in html  # the template engine never evaluates input
    if text.startswith("C" * 50):
        assert "C" * 10_000 in html  # shown whole in the tables, shortened in the chart
    # an unclosed override would reverse the rest of its line: shown as an escape
    assert "\u202e" not in html and "\u202c" not in html
    if "evil" in text:
        assert "\\u202eevil\\u202c" in html


def test_right_to_left_letters_stay(pack):
    text = "שלום עולם \u200f (Hebrew, with a right-to-left mark)"
    network = hostile_network(text, text)
    html = render_html(pack.evaluate(network), network, pack)
    assert "שלום עולם \u200f" in html


def test_empty_network(pack):
    network = netrules.load_network({"as_of": "2026-11-01", "member": {"connection_count": 0}})
    report = pack.evaluate(network)
    html = render_html(report, network, pack)
    assert "No connection has a date" in html


def test_report_to_html(demo, pack):
    network, report = demo
    page = render_html(report, network, pack)
    assert report.to_html(network, pack) == page
    # evaluate() remembers the network and rules (references, not copies)
    assert report.origin.network is network and report.origin.ruleset is pack
    assert report.to_html() == page


def test_to_html_without_a_network_says_what_to_pass(demo):
    import attrs

    _network, report = demo
    bare = attrs.evolve(report, origin=None)  # as if read back from elsewhere
    with pytest.raises(netrules.UsageError, match=r"report\.to_html\(network, ruleset\)"):
        bare.to_html()


def test_params_reach_the_charts(pack):
    day = AS_OF - _dt.timedelta(days=500)
    conns = [
        {
            "id": f"c{i}",
            "connected_on": "2020-01-01",
            "last_interaction_on": day.isoformat(),
        }
        for i in range(30)
    ]
    network = netrules.load_network(
        {"as_of": AS_OF.isoformat(), "member": {}, "connections": conns}
    )
    html = pack.evaluate(network, params={"dormant_window": "2 years"}).to_html()
    assert "have had no exchange with you for over 2 years" in html
    assert "0 of 30 connections" in html


def test_missing_extra_names_it(monkeypatch, demo):
    network, report = demo
    import builtins

    real = builtins.__import__

    def no_pygal(name, *args, **kwargs):
        if name == "pygal" or name.startswith("pygal."):
            raise ImportError("no pygal here")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pygal)
    with pytest.raises(html_report.HtmlUnavailable, match=r"netrules\[html\]"):
        render_html(report, network)


def test_cli_html(tmp_path, capsys):
    from netrules.cli import main

    out = tmp_path / "report.html"
    code = main(["check", "--demo", "--format", "html", "-o", str(out), "--fail-on", "never"])
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Your network in pictures" in text


def test_export_shows_assumptions_and_aggregates(pack, tmp_path):
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from benchmarks import generate

    archive = generate.write_archive(tmp_path, generate.archive_files(400, 300, seed=2))
    network = netrules.load_network(archive)
    report = pack.evaluate(network)
    html = render_html(report, network, pack)
    assert 'id="assumptions"' in html and "career level" in html
    assert report.assumptions  # the same facts the text report opens with
    # an aggregated finding lists its subjects by name, and is counted once
    aggregated = [f for f in report.findings if f.subjects]
    assert aggregated
    assert aggregated[0].subjects[0].message in html
    count = int(re.search(r'data-findings-count="(\d+)"', html).group(1))
    assert count == len(report.to_dict()["findings"])


def test_recency_draws_its_labels_and_the_dormant_threshold(pack):
    ages = [30, 200, 400, 600, 800, 2000]
    conns = [
        {
            "id": f"c{i}",
            "connected_on": "2015-01-01",
            "last_interaction_on": (AS_OF - _dt.timedelta(days=age)).isoformat(),
        }
        for i, age in enumerate(ages)
    ]
    network = netrules.load_network(
        {"as_of": AS_OF.isoformat(), "member": {}, "connections": conns}
    )
    report = pack.evaluate(network, params={"dormant_window": "18 months"})
    recency = build_charts(report, network, pack)[-1]
    labels = [row[0] for row in recency.rows]
    # the rules' threshold is a bucket edge of its own
    assert labels == [
        "under 3 months",
        "3 months–1 year",
        "1 year–18 months",
        "18 months–2 years",
        "2–5 years",
        "over 5 years",
        "no exchange recorded",
    ]
    assert [row[1] for row in recency.rows] == ["1", "1", "1", "1", "1", "1", "0"]
    for label in labels:  # every bucket is named under its bar
        assert f">{label}</text>" in recency.svg, label
    assert "quiet for over 18 months" in recency.svg
    assert "exchanged within 18 months" in recency.svg
    assert recency.takeaway.startswith("3 of 6 connections (50%)")


def test_monthly_says_how_far_the_nearest_target_is_at_this_pace(demo, pack):
    network, report = demo
    monthly = build_charts(report, network, pack)[1]
    recent = sum(
        1
        for c in network.connections
        if c.connected_on is not None and 0 <= (network.as_of - c.connected_on).days < 365
    )
    assert f"In the last 12 months you added {recent} connections" in monthly.takeaway
    months = -(-(500 - 380) * 12 // recent)
    assert f"the 500 suggested for Information Technology is about {months} months away" in (
        monthly.takeaway
    )
