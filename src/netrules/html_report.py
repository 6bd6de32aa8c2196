"""A self-contained HTML report: the findings plus charts of the network they judge.

The article is about a network's size and shape over time; a member reads that
faster from a picture.  Everything here is computed from the loaded network and the
report, rendered to static SVG at report time (pygal) and put into one HTML file by
a Jinja2 template with autoescaping on: every string from the input is untrusted.
The file makes no network request, needs no script, and prints.

pygal and Jinja2 come with the optional extra ``netrules[html]``; without them
:func:`render_html` raises :class:`HtmlUnavailable` (a ``NetrulesError``) naming the extra.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from .errors import NetrulesError, UsageError
from .findings import SEVERITY_ORDER, Finding, Origin, Report
from .model import Network
from .terminal import printable
from .values import Duration, Range, format_value, jsonable

__all__ = ["Chart", "HtmlUnavailable", "build_charts", "render_html"]

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_UUID = re.compile(r'id="chart-([0-9a-f-]{36})"')
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)
EXTRA_HINT = "install the optional extra: pip install 'netrules[html]'"

# Edges of the buckets of time since the last exchange: (words, the first age in days
# past it); the rules' dormant_window is added when it is none of these.
_RECENCY_EDGES: tuple[tuple[str, int], ...] = (
    ("3 months", 91),
    ("1 year", 366),
    ("2 years", 731),
    ("5 years", 1827),
)
TOP_COMPANIES = 10


class HtmlUnavailable(NetrulesError):
    """The optional extra for HTML reports is not installed."""


@attrs.frozen(slots=True)
class Chart:
    """One figure of the report: an SVG, the sentence it supports, and its data as a table."""

    id: str
    title: str
    takeaway: str
    svg: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str | None = None


# ---------------------------------------------------------------- data


def _month(day: _dt.date) -> _dt.date:
    return day.replace(day=1)


def _months(first: _dt.date, last: _dt.date) -> list[_dt.date]:
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(_dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _label(month: _dt.date) -> str:
    return month.strftime("%b %Y")


def _day(day: _dt.date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _table(ruleset: Any, name: str) -> Any:
    program = getattr(ruleset, "program", None)
    tables = getattr(program, "tables", None) or {}
    return tables.get(name)


def _lookup(table: Any, key: Any) -> Any:
    if table is None or not isinstance(key, str):
        return None
    folded = key.casefold().strip()
    if folded in table.rows:
        return table.rows[folded]
    return table.default if getattr(table, "has_default", False) else None


def target_bands(network: Network, ruleset: Any) -> list[tuple[str, str | None, Range]]:
    """The target ranges that apply to the member: (kind, table row used, range)."""
    member = network.member
    bands: list[tuple[str, str | None, Range]] = []
    industry = member.industry
    row = _lookup(_table(ruleset, "industry_rows"), industry)
    row = row if isinstance(row, str) else industry
    band = _lookup(_table(ruleset, "industry_targets"), row)
    if isinstance(band, Range) and isinstance(row, str):
        shown = row if row == industry else f"{industry} → {row}"
        bands.append(("industry", shown, band))
    level = member.career_level
    band = _lookup(_table(ruleset, "career_targets"), level)
    if isinstance(band, Range) and level is not None:
        label = _lookup(_table(ruleset, "career_labels"), level)
        bands.append(("career level", label if isinstance(label, str) else level, band))
    if member.job_seeking:
        band = _lookup(_table(ruleset, "job_seeker_targets"), level)
        if isinstance(band, Range):
            label = _lookup(_table(ruleset, "job_seeker_labels"), level)
            bands.append(("job search", label if isinstance(label, str) else level, band))
    return bands


def _flagged_days(report: Report) -> set[_dt.date]:
    """Days a bought-connections finding names in its evidence."""
    days: set[_dt.date] = set()
    for f in report.findings:
        if "purchased" not in f.rule and "burst" not in f.rule:
            continue
        for value in f.evidence.values():
            if isinstance(value, _dt.date):
                days.add(value)
            elif isinstance(value, str) and _ISO_DAY.fullmatch(value):
                with contextlib.suppress(ValueError):
                    days.add(_dt.date.fromisoformat(value))
    return days


# ---------------------------------------------------------------- charts


def _pygal() -> Any:
    try:
        import pygal
        from pygal.style import Style
    except ImportError as exc:  # pragma: no cover - exercised by the extra-missing test
        raise HtmlUnavailable(f"HTML reports need pygal: {EXTRA_HINT}") from exc
    style = Style(
        background="transparent",
        plot_background="transparent",
        foreground="#444",
        foreground_strong="#222",
        foreground_subtle="#888",
        opacity=".85",
        opacity_hover=".95",
        colors=("#2f6db3", "#d9822b", "#3d9a5b", "#b8463a", "#7a5ab8", "#7f7f7f"),
        font_family="system-ui, sans-serif",
        label_font_size=12,
        major_label_font_size=12,
        legend_font_size=12,
        title_font_size=14,
        guide_stroke_color="#9aa1ab",
        major_guide_stroke_color="#9aa1ab",
        guide_stroke_dasharray="2,6",
        major_guide_stroke_dasharray="2,6",
    )
    return pygal, style


def _config(pygal: Any, style: Any, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "style": style,
        "js": [],  # no scripts: pygal's default loads its tooltips from the web
        "disable_xml_declaration": True,
        "width": 760,
        "height": 320,
        "explicit_size": False,
        "show_legend": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 1,
        "truncate_legend": -1,
        "print_values": False,
        "x_label_rotation": 30,
        "show_minor_x_labels": False,
        "show_x_guides": False,
        "margin": 8,
        "margin_bottom": 24,  # pygal clips the last legend line otherwise
    }
    base.update(extra)
    return base


def _svg(chart: Any, title: str, key: str) -> str:
    svg = chart.render(is_unicode=True)
    # pygal still writes a small configuration script; the page runs no script at all.
    svg = _SCRIPT.sub("", svg)
    # Same input, same bytes: no generator comment with today's date, no random ids.
    svg = _COMMENT.sub("", svg)
    found = _UUID.search(svg)
    if found:
        svg = svg.replace(found.group(1), f"nr-{key}")
    svg = printable(svg)  # labels: no bidi override or control character (see _visible)
    # pygal titles the picture "Pygal" (a browser shows it as the tooltip): the chart's title
    svg = svg.replace("<title>Pygal</title>", f"<title>{_attr(title)}</title>", 1)
    # The figure's caption and table carry the meaning; the picture is labelled by them.
    return svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(title)}" ', 1)


def _attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def _every(labels: Sequence[str], most: int = 12) -> int:
    """Label every n-th month so that at most ``most`` labels show."""
    return max(1, -(-len(labels) // most))


def chart_growth(network: Network, ruleset: Any, pygal: Any, style: Any) -> Chart:
    dated = sorted(c.connected_on for c in network.connections if c.connected_on is not None)
    undated = len(network.connections) - len(dated)
    bands = target_bands(network, ruleset)
    title = "Connections over time"
    note = f"{_plural(undated, 'connection')} without a date are left out." if undated else None
    if not dated:
        svg = ""
        takeaway = "No connection has a date, so growth over time cannot be drawn."
        return Chart("growth", title, takeaway, svg, ("month", "connections"), (), note)
    months = _months(dated[0], network.as_of or dated[-1])
    per_month = Counter(_month(d) for d in dated)
    running, series = 0, []
    for m in months:
        running += per_month.get(m, 0)
        series.append(running)
    labels = [_label(m) for m in months]
    cfg = _config(pygal, style, x_title="Month", y_title="Connections (total)", fill=False)
    top = max([series[-1]] + [band.low for _, _, band in bands])
    cfg["height"] = 340 + 30 * len(bands)  # one legend line per band
    chart = pygal.Line(
        **cfg, show_dots=False, x_labels_major_every=_every(labels), range=(0, int(top * 1.1) + 1)
    )
    chart.x_labels = labels
    chart.add("your connections", series, stroke_style={"width": 3})
    rows = [(lab, f"{v:,}") for lab, v in zip(labels, series, strict=True)]
    # The rules judge the member's connection count; the line draws the dated ones.
    total = network.member.connection_count or series[-1]
    parts: list[str] = []
    for kind, row, band in bands:
        # The lower bound is what the rules compare against: one line per applicable row.
        chart.add(
            f"{kind} target {band} ({row})",
            [band.low] * len(series),
            stroke_style={"dasharray": "8,5", "width": 2},
        )
        parts.append(_against(total, band, _band_owner(kind, row)))
    have = f"You have {_plural(total, 'connection')}"
    if total != len(network.connections):
        have += f" ({len(network.connections):,} listed in your data)"
    if parts:
        takeaway = f"{have}: {_and(parts)}."
    else:
        takeaway = (
            f"{have}; no target applies because your industry and career level are not known."
        )
    return Chart(
        "growth",
        title,
        takeaway,
        _svg(chart, title, "growth"),
        ("month", "connections (total)"),
        tuple(rows),
        note,
    )


def _band_text(band: Range) -> str:
    if band.high is None:
        return f"{band.low:,}+"
    return f"{band.low:,}–{band.high:,}" + ("+" if band.open else "")


def _band_owner(kind: str, row: str | None) -> str:
    # an industry row ("Information Technology") or a level's label (None only for a
    # job search without a career level: printed as before)
    return str(row)


def _against(total: int, band: Range, owner: str) -> str:
    """Where ``total`` stands against one target range, as the rules read it."""
    figure = f"the {_band_text(band)} suggested for {owner}"
    if total < band.low:
        return f"{band.low - total:,} short of {figure}"
    if band.high is None or total <= band.high:
        return f"within {figure}"
    if band.open:
        return f"past {figure} (more is fine)"
    return f"{total - band.high:,} above {figure}"


def _and(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _param(params: Mapping[str, Any] | None, name: str, default: Any) -> Any:
    value = params.get(name) if params is not None else None
    return default if value is None else value


def _pace(network: Network, bands: Sequence[tuple[str, str | None, Range]], recent: int) -> str:
    """How far the nearest target still short of is, at the last 12 months' pace."""
    total = network.member.connection_count or len(network.connections)
    ahead = [(band.low, row) for _kind, row, band in bands if band.low > total]
    if not ahead or recent <= 0:
        return ""
    low, row = min(ahead)
    months = -(-(low - total) * 12 // recent)
    when = "more than ten years" if months > 120 else _plural(months, "month")
    return f"At that pace, the {low:,} suggested for {row} is about {when} away. "


def chart_new_per_month(
    network: Network,
    report: Report,
    pygal: Any,
    style: Any,
    params: Mapping[str, Any] | None = None,
    bands: Sequence[tuple[str, str | None, Range]] | None = None,
) -> Chart:
    title = "New connections per month"
    dated = [c.connected_on for c in network.connections if c.connected_on is not None]
    if not dated:
        return Chart("monthly", title, "No connection has a date.", "", ("month", "new"), ())
    per_day = Counter(dated)
    flagged = _flagged_days(report)
    months = _months(min(dated), network.as_of or max(dated))
    per_month = Counter(_month(d) for d in dated)
    flagged_months = {_month(d) for d in flagged}
    labels = [_label(m) for m in months]
    values = [per_month.get(m, 0) for m in months]
    cfg = _config(pygal, style, x_title="Month", y_title="New connections")
    chart = pygal.Bar(**cfg, x_labels_major_every=_every(labels))
    chart.x_labels = labels
    chart.add(
        "new connections",
        [v if m not in flagged_months else None for m, v in zip(months, values, strict=True)],
    )
    if flagged_months:
        chart.add(
            "month with a flagged day",
            [v if m in flagged_months else None for m, v in zip(months, values, strict=True)],
        )
    busiest, most = max(per_day.items(), key=lambda kv: (kv[1], kv[0]))
    others = [n for d, n in per_day.items() if d != busiest]
    usual = statistics.median(others) if others else 0
    # "Far above" as the bought-connections rule measures it: its day minimum and factor.
    burst_min = _param(params, "burst_min", 50)
    burst_factor = _param(params, "burst_factor", 10)
    end = network.as_of or max(dated)
    recent = sum(1 for d in dated if (end - d).days < 365 and d <= end)
    takeaway = (
        f"In the last 12 months you added {_plural(recent, 'connection')}"
        f"{f', about {recent / 12:.0f} a month' if recent >= 24 else ''}. "
    )
    takeaway += _pace(network, bands or [], recent)
    if usual and most >= burst_min and most >= burst_factor * usual:
        takeaway += (
            f"You added {most:,} connections on {_day(busiest)}, "
            f"{most / usual:.0f} times your usual day ({format_value(float(usual))})."
        )
    else:
        takeaway += (
            f"Your busiest day was {_day(busiest)} with {_plural(most, 'new connection')}; "
            "no day stands far above your usual pace."
        )
    if flagged:
        takeaway += (
            " Flagged by the bought-connections rule: "
            + ", ".join(_day(d) for d in sorted(flagged))
            + "."
        )
    rows = tuple(
        (lab, str(v), "flagged" if m in flagged_months else "")
        for m, lab, v in zip(months, labels, values, strict=True)
    )
    return Chart(
        "monthly", title, takeaway, _svg(chart, title, "monthly"), ("month", "new", "note"), rows
    )


def chart_invitations(network: Network, pygal: Any, style: Any) -> Chart:
    title = "Invitations per month"
    invs = [i for i in network.invitations if i.sent_on is not None]
    columns = ("month", "sent", "received", "sent with a note", "accepted", "not answered")
    if not invs:
        return Chart("invitations", title, "No dated invitation in the input.", "", columns, ())
    sent_days = [i.sent_on for i in invs if i.sent_on is not None]
    months = _months(min(sent_days), max(sent_days))
    idx = {m: k for k, m in enumerate(months)}
    sent, received, noted, accepted, unanswered = ([0] * len(months) for _ in range(5))
    for inv in invs:
        k = idx[_month(inv.sent_on)]  # type: ignore[arg-type]
        if inv.direction == "outgoing":
            sent[k] += 1
            if inv.message and inv.message.strip():
                noted[k] += 1
        else:
            received[k] += 1
        if inv.status == "accepted":
            accepted[k] += 1
        elif inv.status in ("pending", "unanswered", "ignored"):
            unanswered[k] += 1
    labels = [_label(m) for m in months]
    cfg = _config(pygal, style, x_title="Month", y_title="Invitations", height=400)
    chart = pygal.Bar(**cfg, x_labels_major_every=_every(labels))
    chart.x_labels = labels
    chart.add("sent", sent)
    chart.add("received", received)
    chart.add("sent with a note", noted)
    chart.add("accepted", accepted)
    chart.add("not answered", unanswered)
    total_sent, total_noted = sum(sent), sum(noted)
    outcome = Counter(i.status for i in invs if i.direction == "outgoing")
    if total_sent:
        takeaway = (
            f"You sent {_plural(total_sent, 'invitation')}, {total_noted:,} of them with a "
            f"note ({total_noted / total_sent:.0%})"
        )
        said = [
            f"{outcome[status]:,} {words}"
            for status, words in (
                ("accepted", "accepted"),
                ("unanswered", "without an answer"),
                ("pending", "still pending"),
            )
            if outcome[status]
        ]
        if said:
            takeaway += f"; {_and(said)}"
        takeaway += f". You received {sum(received):,}."
    else:
        takeaway = f"You sent no invitation in this period and received {sum(received):,}."
    rows = tuple(
        (
            labels[k],
            str(sent[k]),
            str(received[k]),
            str(noted[k]),
            str(accepted[k]),
            str(unanswered[k]),
        )
        for k in range(len(months))
    )
    return Chart("invitations", title, takeaway, _svg(chart, title, "invitations"), columns, rows)


def _same(text: str) -> str:
    return text


def chart_companies(
    network: Network, pygal: Any, style: Any, shown: Callable[[str], str] = _same
) -> Chart:
    title = "Where your connections work"
    total = len(network.connections)
    names: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for c in network.connections:
        if c.company and c.company.strip():
            key = c.company.strip().casefold()
            if key not in names:
                names[key] = shown(c.company.strip())  # a pseudonym under --redact
            counts[key] += 1
    top = counts.most_common(TOP_COMPANIES)
    columns = ("company", "connections", "share of network")
    if not top or not total:
        return Chart("companies", title, "No connection lists a company.", "", columns, ())
    cfg = _config(pygal, style, x_title="Connections", show_legend=False, height=40 + 28 * len(top))
    cfg["x_label_rotation"] = 0
    chart = pygal.HorizontalBar(**cfg)
    bars = list(reversed(top))  # pygal draws the first label at the bottom
    chart.x_labels = [_short(names[key]) for key, _ in bars]
    chart.add("connections", [n for _, n in bars])
    share = sum(n for _, n in top) / total
    first_key, first_n = top[0]
    current = {e.name.strip().casefold() for e in network.member.employers if e.end is None}
    where = " (where you work now)" if first_key in current else ""
    takeaway = f"{names[first_key]}{where} holds {first_n / total:.0%} of your network"
    if len(top) > 1:
        takeaway += f"; the top {len(top)} companies together hold {share:.0%}"
    takeaway += "."
    rows = tuple((names[k], f"{n:,}", f"{n / total:.1%}") for k, n in top)
    return Chart("companies", title, takeaway, _svg(chart, title, "companies"), columns, rows)


def _between(low: str, high: str) -> str:
    """``1 year``, ``2 years`` -> ``1–2 years``; ``3 months``, ``1 year`` -> ``3 months–1 year``."""
    n_low, _, unit_low = low.partition(" ")
    _n, _, unit_high = high.partition(" ")
    if unit_low.rstrip("s") == unit_high.rstrip("s"):
        return f"{n_low}–{high}"
    return f"{low}–{high}"


def _words(span: str) -> str:
    """``1 year`` reads "a year"; ``2 years`` stays."""
    return "a " + span[2:] if span.startswith("1 ") else span


def _short(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def chart_recency(
    network: Network,
    ruleset: Any,
    pygal: Any,
    style: Any,
    params: Mapping[str, Any] | None = None,
) -> Chart:
    title = "Time since your last exchange"
    as_of = network.as_of
    window = params.get("dormant_window") if params is not None else None
    window_days = round(window.approx_days()) if isinstance(window, Duration) else 365
    span = _words(str(window)) if window is not None else "a year"
    # Bucket edges (the first age in days of the next bucket), with the rules' threshold
    # among them so that the quiet buckets can be told apart by colour.
    edges = {upper: name for name, upper in _RECENCY_EDGES}
    if all(abs(window_days + 1 - e) > 3 for e in edges):
        edges[window_days + 1] = str(window) if window is not None else "1 year"
    bounds = sorted(edges)
    names = [f"under {edges[bounds[0]]}"]
    names += [_between(edges[a], edges[b]) for a, b in itertools.pairwise(bounds)]
    names.append(f"over {edges[bounds[-1]]}")
    counts = [0] * len(names)
    unknown = quiet = 0
    for c in network.connections:
        if c.last_interaction_on is None or as_of is None:
            unknown += 1
            continue
        age = (as_of - c.last_interaction_on).days
        quiet += age > window_days
        k = 0
        while k < len(bounds) and age >= bounds[k]:
            k += 1
        counts[k] += 1
    # True: a missing date means no exchange; None: the input says nothing about exchanges.
    recorded = getattr(network.member, "exchanges_recorded", True)
    if recorded:
        quiet += unknown
    unknown_label = "no exchange recorded" if recorded else "not known"
    labels = [*names, unknown_label]
    values = [*counts, unknown]
    lows = [0, *bounds]
    # 0: exchanged within the window, 1: quiet for longer, 2: not known
    kinds = [int(low > window_days - 3) for low in lows] + [1 if recorded else 2]
    cfg = _config(
        pygal,
        style,
        x_title="Time since the last exchange",
        y_title="Connections",
        show_minor_x_labels=True,
        x_label_rotation=20,
        height=380,
        margin_right=48,  # the last label leans right
    )
    chart = pygal.StackedBar(**cfg)  # one series per bar: full-width bars
    chart.x_labels = labels
    series = [f"exchanged within {span}", f"quiet for over {span}", "not known"]
    for kind, name in enumerate(series):
        if kind == 2 and (recorded or not unknown):
            continue
        chart.add(name, [v if k == kind else None for k, v in zip(kinds, values, strict=True)])
    total = len(network.connections)
    note = f"The maintenance rules count a connection as quiet after {span} without an exchange."
    if total == 0:
        takeaway = "There are no connections to measure."
    elif not recorded and unknown == total:
        takeaway = (
            "The input records no exchanges, so how recently you talked to people is unknown."
        )
    else:
        takeaway = (
            f"{quiet:,} of {total:,} connections ({quiet / total:.0%}) have had no exchange "
            f"with you for over {span}."
        )
        if not recorded and unknown:
            takeaway += f" For {unknown:,} more it is not known."
    rows = tuple((lab, f"{v:,}") for lab, v in zip(labels, values, strict=True))
    columns = ("time since last exchange", "connections")
    return Chart("recency", title, takeaway, _svg(chart, title, "recency"), columns, rows, note)


def build_charts(
    report: Report,
    network: Network,
    ruleset: Any = None,
    *,
    params: Mapping[str, Any] | None = None,
    shown: Callable[[str], str] | None = None,
) -> list[Chart]:
    """Every chart of the report, in reading order.

    ``params``: the parameter values the report was evaluated with (default: the rule
    set's); ``shown``: the filter the report's strings went through (``--redact``),
    applied to every label, sentence and cell drawn from the network.
    """
    pygal, style = _pygal()
    if shown is None and report.origin is not None:
        shown = report.origin.shown
    if params is None and report.origin is not None:
        params = report.origin.params
    charts = [
        chart_growth(network, ruleset, pygal, style),
        chart_new_per_month(
            network,
            report,
            pygal,
            style,
            params or _params(ruleset),
            target_bands(network, ruleset),
        ),
        chart_invitations(network, pygal, style),
        chart_companies(network, pygal, style, shown or _same),
        chart_recency(network, ruleset, pygal, style, params or _params(ruleset)),
    ]
    if shown is None:
        return charts
    return [_filtered(chart, shown) for chart in charts]


def _params(ruleset: Any) -> Mapping[str, Any] | None:
    return getattr(ruleset, "params", None) if ruleset is not None else None


def _filtered(chart: Chart, shown: Callable[[str], str]) -> Chart:
    """The chart's sentences and cells through ``shown`` (its SVG labels already are)."""
    return attrs.evolve(
        chart,
        takeaway=shown(chart.takeaway),
        note=shown(chart.note) if chart.note else chart.note,
        rows=tuple(tuple(shown(cell) for cell in row) for row in chart.rows),
    )


# ---------------------------------------------------------------- page


def _jinja() -> Any:
    try:
        import jinja2
    except ImportError as exc:  # pragma: no cover
        raise HtmlUnavailable(f"HTML reports need Jinja2: {EXTRA_HINT}") from exc
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("netrules", "templates"),
        autoescape=True,  # every string from the input is untrusted
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["value"] = lambda v: format_value(v)
    env.finalize = _visible
    return env


def _visible(value: Any) -> Any:
    """Every string the page prints with control characters, bidirectional overrides and
    lone surrogates shown as escapes (``\\u202e``), as the text report does: an unclosed
    override in a name would reverse the rest of its line; right-to-left letters stay."""
    if not isinstance(value, str):
        return value
    shown = printable(value)
    if shown == value:
        return value
    from markupsafe import Markup

    return Markup(shown) if isinstance(value, Markup) else shown


def _rule_info(ruleset: Any, rule_id: str) -> tuple[str | None, str | None]:
    if ruleset is None:
        return None, None
    try:
        node = ruleset.rule(rule_id).node
    except (KeyError, AttributeError):
        return None, None
    why = getattr(node, "why", None)
    title = getattr(node, "title", None)
    why_text = getattr(why, "value", why)
    title_text = getattr(title, "value", title)
    return (
        title_text if isinstance(title_text, str) else None,
        " ".join(why_text.split()) if isinstance(why_text, str) else None,
    )


def _rule_view(rule_findings: list[Finding], ruleset: Any) -> dict[str, Any]:
    """One block per rule: a rule that found many subjects is one pattern, said once."""
    first = rule_findings[0]
    title, why = _rule_info(ruleset, first.rule)
    messages: list[str] = []
    for f in rule_findings:
        messages.extend(_items(f) or [f.message])
    single = len(rule_findings) == 1 and len(messages) == 1
    evidence = jsonable(first.evidence) if single else {}
    return {
        "rule": first.rule,
        "title": title or first.rule,
        "severity": min((f.severity for f in rule_findings), key=SEVERITY_ORDER.__getitem__),
        "message": first.message if len(rule_findings) == 1 else f"{len(messages):,} cases",
        "evidence": [(k, _evidence_text(v)) for k, v in evidence.items()],
        "advice": list(first.advice),
        "why": why,
        "source": first.source,
        "entries": [] if single else messages,
    }


def _items(f: Finding) -> list[str]:
    """The per-subject messages of an aggregated finding (one per connection, ...)."""
    return [sub.message for sub in getattr(f, "subjects", ()) or ()]


def _evidence_text(value: Any) -> str:
    if isinstance(value, dict) and "text" in value:
        return str(value["text"])
    if isinstance(value, list):
        return ", ".join(_evidence_text(v) for v in value)
    return format_value(value)


def _grouped(findings: Iterable[Finding], ruleset: Any) -> list[dict[str, Any]]:
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    groups: dict[str, list[dict[str, Any]]] = {}
    for rule_findings in by_rule.values():
        view = _rule_view(rule_findings, ruleset)
        groups.setdefault(rule_findings[0].category, []).append(view)
    for views in groups.values():
        views.sort(key=lambda v: (SEVERITY_ORDER[v["severity"]], v["rule"]))
    order = sorted(groups, key=lambda c: (min(SEVERITY_ORDER[v["severity"]] for v in groups[c]), c))
    return [{"category": c, "findings": groups[c]} for c in order]


def _facts(report: Report) -> list[dict[str, str]]:
    """The report's assumptions, as the text report's block shows them."""
    from .report_text import _FACT_LABELS, _fact_value

    out = []
    for fact in getattr(report, "assumptions", ()) or ():
        name = str(fact.get("fact"))
        value = fact.get("value")
        known = value is not None
        out.append(
            {
                "fact": _FACT_LABELS.get(name, name),
                "value": _fact_value(value),
                "source": f"{fact.get('source')}, {fact.get('confidence')} confidence"
                if known
                else "",
                "why": str(fact.get("why") or ""),
                "correct": str(fact.get("override") or ""),
            }
        )
    return out


def render_html(report: Report, network: Network | None = None, ruleset: Any = None) -> str:
    """The whole report as one self-contained HTML page.

    ``network`` and ``ruleset`` default to those the report was evaluated from
    (``report.origin``, set by :meth:`RuleSet.evaluate`); a report made another way
    (read back from JSON, say) needs the network passed.
    """
    origin = report.origin or Origin()
    if network is None:
        network = origin.network
    if network is None:
        raise UsageError(
            "this report does not know the network it was evaluated from (it was not made "
            "by RuleSet.evaluate); pass it: report.to_html(network, ruleset)"
        )
    if ruleset is None:
        ruleset = origin.ruleset
    shown = origin.shown or _same
    charts = build_charts(report, network, ruleset)
    env = _jinja()
    template = env.get_template("report.html.j2")
    name = network.member.name
    if origin.redacted:
        title = "netrules report (names replaced by pseudonyms)"
    else:
        title = f"netrules report{f' for {shown(name)}' if name else ''}"
    page: str = template.render(
        title=title,
        redacted=origin.redacted,
        as_of=report.as_of.isoformat(),
        counts={k: v for k, v in report.network.items() if k != "connection_count"},
        summary=report.summary,
        total=len(report.findings),
        groups=_grouped(report.findings, ruleset),
        skipped=[s.to_dict() for s in report.skipped],
        charts=charts,
        facts=_facts(report),
    )
    return page
