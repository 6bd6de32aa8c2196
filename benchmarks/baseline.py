"""The bundled pack written by hand in plain Python: the benchmarks' baseline.

Every one of the 30 rules is an ordinary Python function with the pack's
default parameters as constants, reading the same :class:`netrules.Network`
objects.  Together they produce what ``RuleSet.evaluate`` produces in
``Report.findings``: the same :class:`netrules.Finding` objects (rule,
severity, category, subject, message text, evidence, advice, source), with
the zero-connection rules' suppressions applied and the same sort order.

What it does *not* do, and netrules does (see docs/performance.md): it keeps
no record of the subjects a rule skipped for missing data (``Report.skipped``),
builds no ``Report`` around the findings, takes no parameter overrides and
has no rule-file front end.  Missing values (None) are handled exactly as far
as they change a finding, and no further.

The advice texts, categories and article sections are constant data; they are
read once from the loaded rule set (``Baseline(ruleset)``) rather than copied
here, which costs nothing per evaluation.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from collections.abc import Iterable
from typing import Any

from netrules.findings import Finding, Subject, aggregate
from netrules.model import Network
from netrules.values import Range

__all__ = ["COUNT_RULES", "Baseline"]

COUNT_RULES = (
    "below-every-target",
    "below-industry-target",
    "industry-without-target",
    "below-career-target",
    "below-job-seeker-target",
    "job-seeker-industry-range",
    "target-met",
    "zero-connections",
    "zero-connections-acceptable",
)

# ---- the pack's default parameters ----
BURST_MIN = 50
BURST_FACTOR = 10
EMPTY_PROFILE_SHARE_MAX = 0.30
EMPTY_PROFILE_MIN_CONNECTIONS = 50
BURST_STRANGER_SHARE = 0.50
STRANGER_INVITATIONS_MIN = 10
ACCEPT_MIN_INVITATIONS = 20
ACCEPT_SHARE_MAX = 0.95
UNVOUCHED = {"none", "online-only"}
RECOMMENDATION_SPAN_DAYS = 30
RECOMMENDATIONS_IN_SPAN_MAX = 5
DORMANT_MONTHS = 12
DORMANT_SHARE_MAX = 0.80
DORMANT_MIN_CONNECTIONS = 20
CHECK_IN_MONTHS = 3
CLOSE = {"client", "mentor", "friend", "family"}
RECOMMENDATION_GAP_MONTHS = 12
RECOMMENDATION_COLLEAGUES_MIN = 3
OUTDATED_MONTHS = 24
SCHOOL_LONG_AGO_MONTHS = 60
INACTIVE_MONTHS = 24
PSEUDO_COMPANIES = {
    "self-employed",
    "self employed",
    "freelance",
    "freelancer",
    "independent",
    "independent consultant",
    "consultant",
    "student",
    "retired",
    "unemployed",
    "none",
    "n/a",
    "na",
    "-",
    "stealth",
    "stealth startup",
    "confidential",
    "various",
    "open to work",
    "looking for new opportunities",
    "career break",
    "homemaker",
}
REDUNDANT_COMPANY_MAX = 25
MASS_REMOVAL_DAYS = 7
MASS_REMOVAL_MAX = 10
FOLLOW_UP_DAYS = 21
FOLLOW_UP_UNTIL_MONTHS = 3
MAX_FOLLOW_UPS = 1
IDENTICAL_NOTE_MIN = 3
DEFAULT_TEXTS = (
    "I'd like to add you to my professional network on LinkedIn.",
    "I'd like to join your LinkedIn network.",
    "I'd like to add you to my professional network.",
)
NEW_ACCOUNT_MONTHS = 3
RECENT_GRADUATE_MONTHS = 12
SITUATION_MONTHS = 12
SITUATION_PHRASES = {
    "new-to-linkedin": "new to LinkedIn",
    "recent-graduate": "a recent graduate",
    "career-break": "back from a career break",
    "career-change": "changing careers",
    "selective-networker": "a selective networker",
    "job-search-privacy": "keeping a job search private",
}

INDUSTRY_TARGETS = {
    "business services": Range(500, None, True),
    "healthcare": Range(300, 500, False),
    "higher education": Range(400, 600, False),
    "information technology": Range(500, 1000, True),
    "legal": Range(400, 700, True),
    "manufacturing": Range(400, 700, False),
}
CAREER_TARGETS = {
    "student": Range(100, 300, False),
    "entry": Range(300, 500, False),
    "mid-career": Range(500, 1000, False),
    "senior": Range(800, 2000, True),
    "executive": Range(1000, 5000, True),
}
CAREER_LABELS = {
    "student": "a Student / Recent Graduate",
    "entry": "an Entry Level Professional",
    "mid-career": "a Mid-Career Professional",
    "senior": "a Senior-Level Professional",
    "executive": "an Executive",
}
JOB_SEEKER_TARGETS = {
    "student": Range(250, 500, True),
    "entry": Range(400, 750, True),
    "mid-career": Range(750, 1500, True),
    "senior": Range(1000, 3000, True),
    "executive": Range(1000, 3000, True),
}
JOB_SEEKER_LABELS = {
    "student": "a job-seeking recent graduate",
    "entry": "an entry-level job seeker",
    "mid-career": "a mid-career job seeker",
    "senior": "a job seeker at director level and up",
    "executive": "a job seeker at director level and up",
}
LOWEST_TARGET = 100  # the student row: the smallest figure of the three tables
CAREER_LEVEL_SOURCES = {
    "derived": "; based on your positions and education you look ",
    "linkedin-inferred": "; going by LinkedIn's own inference you look ",
    "default": "; without better information netrules takes you to look ",
}
CAREER_LEVEL_WORDS = {
    "student": "like a student",
    "entry": "entry-level",
    "mid-career": "mid-career",
    "senior": "senior",
    "executive": "like an executive",
}
JOB_SEEKING_SOURCES = {
    "derived": "; your export suggests that you are looking for work (if not, say "
    "--not-job-seeking)",
    "linkedin-inferred": "; LinkedIn's own data says that you are looking for work (if not, "
    "say --not-job-seeking)",
    "default": "; netrules assumed that you are looking for work (if not, say --not-job-seeking)",
}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
# rule -> the rules whose finding about the same subject it hides when it fires
SIZE_RULES = ("below-industry-target", "below-career-target", "below-job-seeker-target")
# The aggregating rules: (descending order?, summary with {found} and {names}).
AGGREGATES = {
    "request-to-stranger": (True, "{found} invitations went to people you do not know: {names}"),
    "request-without-note": (
        True,
        "{found} invitations went out without a personal note: {names}",
    ),
    "request-not-individualized": (
        True,
        "{found} notes, names aside, each went to 3 or more people: {names}",
    ),
    "request-follow-up": (
        True,
        "{found} invitations to people you know are still unanswered after 3 weeks; one short "
        "reminder each is fine: {names}",
    ),
    "request-after-decline": (
        True,
        "{found} people were invited again after a decline, invited three times or more, or "
        "reminded more than once: {names}",
    ),
    "accepted-stranger": (
        True,
        "You accepted {found} invitations from people you do not know: {names}",
    ),
    "check-in-due": (
        False,
        "{found} close contacts have had no exchange with you for 3 months or more: {names}",
    ),
    "outdated-connection": (
        False,
        "{found} connections are from a job or school you left long ago, with no exchange in "
        "2 years: {names}",
    ),
    "inactive-connection": (
        False,
        "{found} connections have never engaged with you since you connected, over 2 years "
        "ago: {names}",
    ),
    "redundant-company": (
        True,
        "{found} companies each account for more than 25 of your connections: {names}; keep "
        "the most relevant at each",
    ),
    "removal-without-notice": (
        False,
        "You plan to remove {found} people without telling them first: {names}",
    ),
    "removal-of-unknown-connection": (
        False,
        "{found} planned removals name nobody among your connections: {names}",
    ),
    "suspected-purchased-connections": (
        True,
        "{found} days brought bursts of connections that look bought: {names}",
    ),
    "insincere-recommendation": (
        True,
        "You recommended {found} people whose work you have not seen first-hand: {names}",
    ),
}
# Per-subject suppressions of the pack (besides the zero rules'): rule -> hidden rules.
SUPPRESSES = {
    "zero-connections": (*SIZE_RULES, "below-every-target", "industry-without-target"),
    "zero-connections-acceptable": (*SIZE_RULES, "below-every-target", "industry-without-target"),
    "below-industry-target": ("below-every-target",),
    "below-career-target": ("below-industry-target", "below-every-target"),
    "below-job-seeker-target": (
        "below-career-target",
        "below-industry-target",
        "below-every-target",
        "job-seeker-industry-range",
    ),
    "check-in-due": ("inactive-connection", "outdated-connection"),
    "request-after-decline": ("request-follow-up",),
    "job-seeker-industry-range": ("target-met",),
    "many-empty-profiles": ("target-met",),
}
ZERO_MESSAGE = (
    "0 connections. An empty network is expected only at first: when you are new to "
    "LinkedIn, a recent graduate, back from a career break, changing careers, a selective "
    "networker or keeping a job search private. If one of these applies, declare it "
    "(--situation career-break, or situations in an overlay)."
)


# ---- small helpers ----
def months_before(day: _dt.date, months: int) -> _dt.date:
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


def fmt(value: Any) -> str:
    if value is None:
        return "unknown"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ", ".join(fmt(v) for v in value)
    return str(value)


def either(value: Any, fallback: str) -> Any:
    """``value ?? fallback``."""
    return fallback if value is None else value


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def peak(days: Iterable[_dt.date | None], window_days: int) -> int:
    """The most dates inside any window ``[d, d + window)``."""
    ordinals = sorted(d.toordinal() for d in days if d is not None)
    best = 0
    j = 0
    for i, start in enumerate(ordinals):
        limit = start + window_days
        j = max(j, i)
        while j < len(ordinals) and ordinals[j] < limit:
            j += 1
        best = max(best, j - i)
    return best


_PUNCT = re.compile(r"[^\w\s]+")
_norm_cache: dict[tuple[str, str | None], str] = {}


def normalize(text: str, name: str | None = None) -> str:
    """Case, punctuation, spacing and the recipient's name aside (memoised)."""
    key = (text, name)
    hit = _norm_cache.get(key)
    if hit is None:
        words = _PUNCT.sub(" ", text.casefold()).split()
        if name:
            drop = set(_PUNCT.sub(" ", name.casefold()).split())
            words = [w for w in words if w not in drop]
        hit = _norm_cache[key] = " ".join(words)
    return hit


DEFAULT_NOTES = {normalize(t) for t in DEFAULT_TEXTS}
NOTE_QUOTE_MAX = 44
TIMES = {1: "once", 2: "twice"}


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


class Baseline:
    """``Baseline(ruleset).evaluate(network, as_of)`` -> findings, sorted as netrules sorts."""

    def __init__(self, ruleset: Any):
        self.meta = {
            ri.node.id: (ri.node.category or "general", ri.subject_kind, ri.advice, ri.node.source)
            for ri in ruleset.program.rules
        }
        # LinkedIn's industry names -> the article's rows: data of the pack, like the advice.
        self.industry_rows = dict(ruleset.program.tables["industry_rows"].rows)
        matches = ruleset.program.tables["industry_row_confidence"]
        self.industry_matches = dict(matches.rows)
        self.industry_match_default = matches.default

        self.keyed: dict[int, tuple[Any, str | None]] = {}

    def finding(
        self,
        rule: str,
        severity: str,
        subject_id: str,
        message: str,
        evidence: dict[str, Any],
        key: Any = None,
        label: Any = None,
    ) -> Finding:
        """One finding; ``key`` and ``label`` are its order key and name for aggregation."""
        category, kind, advice, source = self.meta[rule]
        f = Finding(
            rule, severity, category, Subject(kind, subject_id), message, evidence, advice, source
        )
        if rule in AGGREGATES:
            self.keyed[id(f)] = (key, None if label is None else fmt(label))
        return f

    # ---- the whole pack ----
    def evaluate(self, net: Network, as_of: _dt.date) -> list[Finding]:
        out: list[Finding] = []
        self.buying(net, out)
        self.etiquette(net, out)
        self.maintenance(net, as_of, out)
        self.removal(net, as_of, out)
        self.requests(net, as_of, out)
        self.targets_and_zero(net, as_of, out)
        return self.aggregate(finish(out))

    def aggregate(self, out: list[Finding]) -> list[Finding]:
        """One finding per aggregating rule and severity when it has two or more subjects."""
        keyed, self.keyed = self.keyed, {}
        groups: dict[tuple[str, str], list[Finding]] = {}
        kept: list[Finding] = []
        for f in out:
            if f.rule in AGGREGATES:
                groups.setdefault((f.rule, f.severity), []).append(f)
            else:
                kept.append(f)
        for (rule, _severity), group in groups.items():
            if len(group) < 2:
                kept.extend(group)
                continue
            descending, text = AGGREGATES[rule]
            pairs = [keyed[id(f)] for f in group]
            kept.append(
                aggregate(
                    group,
                    [k for k, _ in pairs],
                    [label for _, label in pairs],
                    descending=descending,
                    show=3,
                    summary=lambda found, names, text=text: text.format(
                        found=f"{found:,}", names=names
                    ),
                )
            )
        kept.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.rule, f.subject.kind, f.subject.id))
        return kept

    def evaluate_count_rules(self, net: Network, as_of: _dt.date) -> list[Finding]:
        out: list[Finding] = []
        self.targets_and_zero(net, as_of, out)
        return finish(out)

    # ---- buying ----
    def buying(self, net: Network, out: list[Finding]) -> None:
        conns = net.connections
        by_day: dict[_dt.date, list[Any]] = {}
        empty = 0
        for c in conns:
            if c.connected_on is not None:
                group = by_day.get(c.connected_on)
                if group is None:
                    by_day[c.connected_on] = [c]
                else:
                    group.append(c)
            if c.company is None and c.position is None:
                empty += 1
        dated = sum(len(g) for g in by_day.values())
        days = len(by_day)
        for day, group in by_day.items():
            added = len(group)
            if added < BURST_MIN:
                continue
            usual: float = (dated - added) / (days - 1) if days > 1 else 0
            if added < BURST_FACTOR * usual:
                continue
            blank = sum(1 for x in group if x.company is None and x.position is None)
            strangers = sum(1 for x in group if x.relationship == "none")
            if (
                blank / added >= EMPTY_PROFILE_SHARE_MAX
                or strangers / added >= BURST_STRANGER_SHARE
            ):
                out.append(
                    self.finding(
                        "suspected-purchased-connections",
                        "error",
                        day.isoformat(),
                        f"On {day.isoformat()} you gained {added:,} connections against a usual "
                        f"{usual:,.1f} per active day; {blank:,} of them have neither company nor "
                        f"position, and {plural(strangers, 'is someone', 'are people')} you do not know",
                        {
                            "day": day,
                            "added": added,
                            "usual_per_day": usual,
                            "empty_profiles": blank,
                            "strangers": strangers,
                        },
                        key=added,
                        label=day,
                    )
                )
        total = len(conns)
        if total >= EMPTY_PROFILE_MIN_CONNECTIONS and empty / total >= EMPTY_PROFILE_SHARE_MAX:
            share = empty / total
            out.append(
                self.finding(
                    "many-empty-profiles",
                    "warning",
                    "member",
                    f"{empty:,} of {total:,} connections ({percent(share)}) have neither a company "
                    "nor a position",
                    {"empty_profiles": empty, "connections": total, "share": share},
                )
            )

    # ---- etiquette ----
    def etiquette(self, net: Network, out: list[Finding]) -> None:
        strangers = answered = accepted = 0
        for i in net.invitations:
            if i.direction != "incoming":
                continue
            if i.status == "accepted" and i.relationship == "none":
                out.append(
                    self.finding(
                        "accepted-stranger",
                        "info",
                        i.id,
                        f"You accepted the invitation of {either(i.person, 'someone')}, whom you do not know",
                        {"person": i.person, "sent_on": i.sent_on},
                        key=i.sent_on,
                        label=i.person,
                    )
                )
            if i.relationship == "none":
                strangers += 1
            if i.status in ("accepted", "ignored", "declined"):
                answered += 1
                if i.status == "accepted":
                    accepted += 1
        if strangers >= STRANGER_INVITATIONS_MIN:
            out.append(
                self.finding(
                    "mass-requests-from-strangers",
                    "info",
                    "member",
                    f"{strangers:,} invitations came from people you do not know",
                    {"from_strangers": strangers},
                )
            )
        if answered >= ACCEPT_MIN_INVITATIONS and accepted / answered >= ACCEPT_SHARE_MAX:
            share = accepted / answered
            out.append(
                self.finding(
                    "accepts-everything",
                    "info",
                    "member",
                    f"You accepted {accepted:,} of {answered:,} answered invitations ({percent(share)})",
                    {"accepted": accepted, "answered": answered, "share": share},
                )
            )
        recs = net.recommendations_given
        for r in recs:
            if r.relationship in UNVOUCHED:
                out.append(
                    self.finding(
                        "insincere-recommendation",
                        "warning",
                        r.id,
                        f"You recommended {either(r.person, 'someone')}, whose work you have not "
                        "seen first-hand",
                        {
                            "person": r.person,
                            "relationship": r.relationship,
                            "given_on": r.given_on,
                        },
                        key=r.given_on,
                        label=r.person,
                    )
                )
        busiest = peak((r.given_on for r in recs), RECOMMENDATION_SPAN_DAYS)
        undated = sum(1 for r in recs if r.given_on is None)
        if (
            busiest > RECOMMENDATIONS_IN_SPAN_MAX
        ):  # else undated ones leave it unknown, or it passes
            out.append(
                self.finding(
                    "recommendations-in-bulk",
                    "warning",
                    "member",
                    f"You gave {busiest:,} recommendations within 30 days: more than you can have "
                    "seen at close hand",
                    {"most_in_span": busiest, "undated": undated},
                )
            )

    # ---- maintenance ----
    def maintenance(self, net: Network, as_of: _dt.date, out: list[Finding]) -> None:
        conns = net.connections
        recorded = net.member.exchanges_recorded
        current = current_employers(net, as_of)
        dormant_cutoff = months_before(as_of, DORMANT_MONTHS)
        check_in_cutoff = months_before(as_of, CHECK_IN_MONTHS)
        quiet = colleagues = 0
        for c in conns:
            last = c.last_interaction_on
            if last is None or last < dormant_cutoff:
                quiet += 1
            if c.relationship in ("colleague", "former-colleague"):
                colleagues += 1
            if (
                c.relationship in CLOSE
                and (c.company or "").strip().lower() not in current
                and no_exchange_since(last, recorded, check_in_cutoff)
            ):
                out.append(
                    self.finding(
                        "check-in-due",
                        "info",
                        c.id,
                        f"Check in with {either(c.name, 'a close contact')} ({c.relationship}): no "
                        "exchange for 3 months or more",
                        {
                            "name": c.name,
                            "relationship": c.relationship,
                            "last_interaction_on": last,
                        },
                        key=last or c.connected_on,
                        label=c.name,
                    )
                )
        total = len(conns)
        if (
            recorded is True
            and total >= DORMANT_MIN_CONNECTIONS
            and quiet / total > DORMANT_SHARE_MAX
        ):
            share = quiet / total
            out.append(
                self.finding(
                    "dormant-network",
                    "warning",
                    "member",
                    f"{quiet:,} of {total:,} connections ({percent(share)}) have had no exchange with"
                    " you for a year or more",
                    {"quiet": quiet, "total": total, "share": share},
                )
            )
        recs = net.recommendations_given
        last_given = max((r.given_on for r in recs if r.given_on is not None), default=None)
        joined = net.member.joined_on
        first_year = joined is not None and joined >= months_before(
            as_of, RECOMMENDATION_GAP_MONTHS
        )
        if (
            not first_year
            and colleagues >= RECOMMENDATION_COLLEAGUES_MIN
            and (
                not recs
                or (
                    last_given is not None
                    and last_given < months_before(as_of, RECOMMENDATION_GAP_MONTHS)
                    and all(
                        r.given_on is not None for r in recs
                    )  # else an undated one may be recent
                )
            )
        ):
            out.append(
                self.finding(
                    "no-recent-recommendations",
                    "info",
                    "member",
                    f"You have recommended none of your {colleagues:,} colleagues and former "
                    "colleagues for a year or more",
                    {"colleagues": colleagues, "last_given": last_given},
                )
            )

    def below_every_applicable_target(self, net: Network) -> bool:
        """Short of every figure that applies (industry when working, level, job search)."""
        m = net.member
        count = m.connection_count
        key = m.industry.casefold().strip() if m.industry is not None else None
        row = self.industry_rows.get(key) if key is not None else None
        itarget = INDUSTRY_TARGETS.get(row.casefold().strip()) if row is not None else None
        level = m.career_level
        lows = []
        if itarget is not None and level != "student":
            lows.append(itarget.low)
        if level in CAREER_TARGETS:
            lows.append(CAREER_TARGETS[level].low)
        if m.job_seeking is True and level in JOB_SEEKER_TARGETS:
            lows.append(JOB_SEEKER_TARGETS[level].low)
        if not lows:  # nothing applies: the smallest figure of all
            return count < LOWEST_TARGET
        return all(count < low for low in lows)

    # ---- removal ----
    def removal(self, net: Network, as_of: _dt.date, out: list[Finding]) -> None:
        member = net.member
        recorded = member.exchanges_recorded
        outdated_cutoff = months_before(as_of, OUTDATED_MONTHS)
        inactive_cutoff = months_before(as_of, INACTIVE_MONTHS)
        long_gone = {
            e.name.strip().lower()
            for e in member.employers
            if e.end is not None and e.end < outdated_cutoff
        }
        current = current_employers(net, as_of)
        schools_now = {
            s.name.strip().lower() for s in member.schools if s.end is None or s.end >= as_of
        }
        last_left = max(
            (e.end for e in member.employers if e.end is not None and e.end < as_of), default=None
        )
        school_end = max((s.end for s in member.schools if s.end is not None), default=None)
        colleagues_long_ago = last_left is not None and last_left < outdated_cutoff
        classmates_long_ago = (
            not schools_now
            and school_end is not None
            and school_end < months_before(as_of, SCHOOL_LONG_AGO_MONTHS)
        )
        pruning = not self.below_every_applicable_target(net)
        planned = {r.connection for r in net.removals}
        by_company: dict[str, list[Any]] = {}
        for c in net.connections:
            last = c.last_interaction_on
            company = c.company.strip().lower() if c.company is not None else None
            if (
                pruning
                and not (c.relationship == "colleague" or (company or "") in current)
                and c.id not in planned
            ):
                past = (
                    (company or "") in long_gone
                    or (c.relationship == "former-colleague" and colleagues_long_ago)
                    or (c.relationship == "classmate" and classmates_long_ago)
                )
                if past and no_exchange_since(last, recorded, outdated_cutoff):
                    out.append(
                        self.finding(
                            "outdated-connection",
                            "info",
                            c.id,
                            f"{either(c.name, 'A connection')} is from a job or school you left long "
                            "ago, with no exchange in 2 years",
                            {
                                "name": c.name,
                                "company": c.company,
                                "relationship": c.relationship,
                                "last_interaction_on": last,
                            },
                            key=last or c.connected_on,
                            label=c.name,
                        )
                    )
                if (
                    recorded is True
                    and last is None
                    and c.connected_on is not None
                    and c.connected_on < inactive_cutoff
                ):
                    out.append(
                        self.finding(
                            "inactive-connection",
                            "info",
                            c.id,
                            f"{either(c.name, 'A connection')} has never engaged with you since you connected on "
                            f"{c.connected_on.isoformat()}",
                            {"name": c.name, "connected_on": c.connected_on},
                            key=c.connected_on,
                            label=c.name,
                        )
                    )
            if company and company not in PSEUDO_COMPANIES:
                # grouped case-insensitively, named by the first spelling (group by)
                spelled = c.company.strip()
                entry = by_company.get(spelled.casefold())
                if entry is None:
                    by_company[spelled.casefold()] = (spelled, [c])
                else:
                    entry[1].append(c)
        if pruning:
            recent = {
                e.name.strip().lower()
                for e in member.employers
                if e.end is None or e.end >= outdated_cutoff
            }
            for shown, group in by_company.values():
                company = shown.lower()
                if (
                    len(group) > REDUNDANT_COMPANY_MAX
                    and company not in recent
                    and company not in schools_now
                ):
                    out.append(
                        self.finding(
                            "redundant-company",
                            "info",
                            shown,
                            f"{len(group):,} connections at {shown}; keep the most relevant",
                            {"company": shown, "connections": len(group)},
                            key=len(group),
                            label=shown,
                        )
                    )
        by_id = {c.id: c for c in net.connections} if net.removals else {}
        undated = 0
        for r in net.removals:
            if r.planned_on is None:
                undated += 1
            target = by_id.get(r.connection)
            if target is None:
                out.append(
                    self.finding(
                        "removal-of-unknown-connection",
                        "warning",
                        r.id,
                        f'A planned removal names "{r.connection}", who is not among your '
                        "connections",
                        {"connection": r.connection, "planned_on": r.planned_on},
                        key=r.planned_on,
                        label=r.connection,
                    )
                )
            elif r.notified is False:
                out.append(
                    self.finding(
                        "removal-without-notice",
                        "warning",
                        r.id,
                        f"You plan to remove {either(target.name, 'a connection')} without "
                        "telling them first",
                        {
                            "connection": r.connection,
                            "name": target.name,
                            "planned_on": r.planned_on,
                        },
                        key=r.planned_on,
                        label=target.name,
                    )
                )
        most = peak((r.planned_on for r in net.removals), MASS_REMOVAL_DAYS)
        if most > MASS_REMOVAL_MAX:  # otherwise undated removals leave it unknown, or it passes
            out.append(
                self.finding(
                    "mass-removal",
                    "warning",
                    "member",
                    f"Up to {most:,} removals planned within a week; spread them out",
                    {"most_in_window": most, "undated": undated},
                )
            )

    # ---- requests ----
    def requests(self, net: Network, as_of: _dt.date, out: list[Finding]) -> None:
        follow_up_cutoff = as_of - _dt.timedelta(days=FOLLOW_UP_DAYS)
        follow_up_limit = months_before(as_of, FOLLOW_UP_UNTIL_MONTHS)
        by_note: dict[str, list[Any]] = {}
        by_person: dict[str, list[Any]] = {}
        for i in net.invitations:
            if i.direction != "outgoing":
                continue
            if i.relationship == "none":
                out.append(
                    self.finding(
                        "request-to-stranger",
                        "warning",
                        i.id,
                        f"You invited {either(i.person, 'someone')}, whom you do not know",
                        {"person": i.person, "sent_on": i.sent_on, "status": i.status},
                        key=i.sent_on,
                        label=i.person,
                    )
                )
            message = i.message
            if message is None or not message.strip() or normalize(message) in DEFAULT_NOTES:
                out.append(
                    self.finding(
                        "request-without-note",
                        "warning",
                        i.id,
                        f"Your invitation to {either(i.person, 'someone')} went out without a "
                        "personal note",
                        {"person": i.person, "message": message},
                        key=i.sent_on,
                        label=i.person,
                    )
                )
            if message is not None and message.strip():
                by_note.setdefault(normalize(message, i.person), []).append(i)
            if i.person is not None:
                spelled = i.person.strip()
                by_person.setdefault(spelled.casefold(), (spelled, []))[1].append(i)
        for note, group in by_note.items():
            if len(group) >= IDENTICAL_NOTE_MIN and note not in DEFAULT_NOTES:
                out.append(
                    self.finding(
                        "request-not-individualized",
                        "warning",
                        note,
                        f"{len(group):,} people got the same note, names aside: "
                        f'"{shorten(group[0].message, NOTE_QUOTE_MAX)}"',
                        {
                            "recipients": len(group),
                            "people": tuple(
                                sorted(x.person for x in group if x.person is not None)
                            ),
                        },
                        key=len(group),
                        label=f'"{shorten(group[0].message, NOTE_QUOTE_MAX)}"',
                    )
                )
        for shown, group in by_person.values():
            n = len(group)
            declined = any(x.status == "declined" for x in group)
            reminders = [x.follow_ups for x in group]
            pressing = (
                (n > 1 and declined)
                or n > MAX_FOLLOW_UPS + 1
                or any(f is not None and f > MAX_FOLLOW_UPS for f in reminders)
                or (n > 1 and any(f is not None and f > 0 for f in reminders))
            )
            if pressing:
                follow_ups = sum(f for f in reminders if f is not None)
                out.append(
                    self.finding(
                        "request-after-decline",
                        "warning",
                        shown,
                        f"You invited {shown} {TIMES.get(n) or plural(n, 'time')}"
                        + (f" and sent {plural(follow_ups, 'reminder')}" if follow_ups > 0 else "")
                        + (
                            ", though they had declined"
                            if declined
                            else ", though they had not answered"
                        ),
                        {
                            "person": shown,
                            "invitations": n,
                            "follow_ups": follow_ups,
                            "follow_ups_recorded": None not in reminders,
                            "declined": declined,
                        },
                        key=n,
                        label=shown,
                    )
                )
                continue
            if n != 1:
                continue
            i = group[0]
            if (
                i.status in ("pending", "unanswered")
                and i.relationship is not None
                and i.relationship != "none"
                and i.follow_ups == 0
                and i.sent_on is not None
                and follow_up_limit <= i.sent_on < follow_up_cutoff
            ):
                out.append(
                    self.finding(
                        "request-follow-up",
                        "info",
                        shown,
                        f"Your invitation to {shown} of {i.sent_on.isoformat()} is still "
                        "unanswered: one short reminder is fine",
                        {"person": shown, "sent_on": i.sent_on},
                        key=i.sent_on,
                        label=shown,
                    )
                )

    # ---- targets and zero connections ----
    def situations(self, net: Network, as_of: _dt.date) -> tuple[tuple, tuple, bool, bool]:
        """(phrases of the situations that explain a small network now, of the declared ones
        that no longer do, new to LinkedIn, recent graduate), as zero.rules defines them."""
        m = net.member
        declared = set(m.situations or ())
        window_start = months_before(as_of, SITUATION_MONTHS)

        def began_recently(day: _dt.date | None) -> bool:
            return day is None or day >= window_start

        job_starts = [e.start for e in m.employers if e.end is None and e.start is not None]
        current_job_start = max(job_starts) if job_starts else None
        ends = [s.end for s in m.schools if s.end is not None and s.end <= as_of]
        graduated_on = max(ends) if ends else None
        employed = not m.employers or any(e.end is None for e in m.employers)
        new_account = m.joined_on is not None and m.joined_on >= months_before(
            as_of, NEW_ACCOUNT_MONTHS
        )
        new_to_linkedin = new_account or (
            "new-to-linkedin" in declared and began_recently(m.joined_on)
        )
        grad_cutoff = months_before(as_of, RECENT_GRADUATE_MONTHS)
        graduated = any(s.end is not None and grad_cutoff <= s.end <= as_of for s in m.schools)
        recent_graduate = graduated or (
            "recent-graduate" in declared and began_recently(graduated_on)
        )

        def explains(s: str) -> bool:
            if s == "new-to-linkedin":
                return new_to_linkedin
            if s == "recent-graduate":
                return recent_graduate
            if s not in declared:
                return False
            if s in ("career-break", "career-change"):
                return began_recently(current_job_start)
            if s == "selective-networker":
                return began_recently(m.joined_on)
            return employed  # job-search-privacy

        now = tuple(sorted(SITUATION_PHRASES[s] for s in SITUATION_PHRASES if explains(s)))
        past = tuple(sorted(SITUATION_PHRASES[s] for s in m.situations or () if not explains(s)))
        return now, past, new_to_linkedin, recent_graduate

    def targets_and_zero(self, net: Network, as_of: _dt.date, out: list[Finding]) -> None:
        m = net.member
        count = m.connection_count
        now, past, new_to_linkedin, recent_graduate = self.situations(net, as_of)
        acceptable = bool(now)
        lowered = "info" if acceptable else "warning"
        tail = (
            f"; a small network is expected for now while you are {', '.join(now)}, as long as "
            "you keep adding people you know"
            if now
            else ""
        )

        key = m.industry.casefold().strip() if m.industry is not None else None
        row = self.industry_rows.get(key) if key is not None else None
        itarget = INDUSTRY_TARGETS.get(row.casefold().strip()) if row is not None else None
        match = (
            self.industry_matches.get(key, self.industry_match_default) if key is not None else None
        )
        via = (
            f"{m.industry} → "
            if m.industry is not None
            and row is not None
            and m.industry.strip().lower() != row.lower()
            else ""
        )
        loose = " (a loose match: treat it as a hint)" if match == "low" else ""
        working = m.career_level != "student"
        level = m.career_level
        # provenance() and confidence(): a value with no record was declared (high).
        level_fact = net.fact("member.career_level") if level is not None else None
        seeking_fact = net.fact("member.job_seeking") if m.job_seeking is not None else None
        level_basis = ""
        if level_fact is not None and level_fact.source in CAREER_LEVEL_SOURCES:
            level_basis = (
                f"{CAREER_LEVEL_SOURCES[level_fact.source]}{CAREER_LEVEL_WORDS[level]} "
                "(if not, say so with --career-level)"
            )
        seeking_basis = ""
        if seeking_fact is not None:
            seeking_basis = JOB_SEEKING_SOURCES.get(seeking_fact.source, "")
        level_guessed = level_fact is not None and level_fact.confidence == "low"
        seeking_guessed = seeking_fact is not None and seeking_fact.confidence == "low"

        if 0 < count < LOWEST_TARGET:
            out.append(
                self.finding(
                    "below-every-target",
                    lowered,
                    "member",
                    f"{plural(count, 'connection')}, fewer than the smallest figure the article gives "
                    f"anyone ({LOWEST_TARGET:,}, for students){tail}",
                    {
                        "connection_count": count,
                        "lowest_target": LOWEST_TARGET,
                        "short_by": LOWEST_TARGET - count,
                        "explained_by": now,
                        "no_longer_explaining": past,
                    },
                )
            )
        if count > 0 and working and itarget is not None and count < itarget.low:
            out.append(
                self.finding(
                    "below-industry-target",
                    "info" if acceptable or match == "low" else "warning",
                    "member",
                    f"{plural(count, 'connection')}; for {via}{row}{loose} the article's figure is "
                    f"{itarget}: aim for at least {itarget.low:,}{tail}",
                    {
                        "connection_count": count,
                        "industry": m.industry,
                        "industry_row": row,
                        "match": match,
                        "target": itarget,
                        "short_by": itarget.low - count,
                        "explained_by": now,
                    },
                )
            )
        if working and m.industry is not None and itarget is None:
            out.append(
                self.finding(
                    "industry-without-target",
                    "info",
                    "member",
                    f"The article has no connection figure for {m.industry}: its industry "
                    "figures cover Business Services, Healthcare, Higher Education, Information "
                    "Technology, Legal and Manufacturing",
                    {"industry": m.industry, "recognised": row is not None},
                )
            )
        target = CAREER_TARGETS.get(level) if level is not None else None
        if count > 0 and target is not None and count < target.low:
            out.append(
                self.finding(
                    "below-career-target",
                    "info" if acceptable or level_guessed else "warning",
                    "member",
                    f"{plural(count, 'connection')}; as {CAREER_LABELS[level]} aim for {target}"
                    f"{level_basis}{tail}",
                    {
                        "connection_count": count,
                        "career_level": level,
                        "target": target,
                        "short_by": target.low - count,
                        "industry_row": row,
                        "industry_target": itarget,
                        "explained_by": now,
                    },
                )
            )
        seeker = JOB_SEEKER_TARGETS.get(level) if level is not None else None
        if count > 0 and m.job_seeking and seeker is not None and count < seeker.low:
            assert target is not None and level is not None
            out.append(
                self.finding(
                    "below-job-seeker-target",
                    "info" if acceptable or level_guessed or seeking_guessed else "warning",
                    "member",
                    f"{plural(count, 'connection')} while looking for work; as "
                    f"{JOB_SEEKER_LABELS[level]} aim for {seeker}{seeking_basis}{level_basis}{tail}",
                    {
                        "connection_count": count,
                        "career_level": level,
                        "target": seeker,
                        "short_by": seeker.low - count,
                        "career_target": target,
                        "industry_row": row,
                        "industry_target": itarget,
                        "explained_by": now,
                    },
                )
            )
        if m.job_seeking and working and itarget is not None and itarget.high is not None:
            upper = round((itarget.low + itarget.high) / 2)
            if itarget.low <= count < upper:
                out.append(
                    self.finding(
                        "job-seeker-industry-range",
                        "info",
                        "member",
                        f"{plural(count, 'connection')} while looking for work: within the {via}{row} "
                        f"range of {itarget}, but a job search calls for its upper half, "
                        f"{upper:,} or more",
                        {
                            "connection_count": count,
                            "industry_row": row,
                            "target": itarget,
                            "upper_part": upper,
                        },
                    )
                )
        seeking = bool(m.job_seeking)
        seeker_figure = seeker if seeking else None
        industry_figure = itarget if working else None
        figures = [f for f in (seeker_figure, target, industry_figure) if f is not None]
        if count > 0 and figures and all(count >= f.low for f in figures):

            def beyond(r: Range) -> str:
                return "above" if r.high is not None and count > r.high and not r.open else "within"

            main = figures[0]
            if seeker_figure is not None and level is not None:
                label = JOB_SEEKER_LABELS[level]
            elif target is not None and level is not None:
                label = CAREER_LABELS[level]
            else:
                label = f"{via}{row}"
            also = ""
            if industry_figure is not None and target is not None:
                also = f" and {beyond(industry_figure)} the one for {via}{row} ({industry_figure})"
            out.append(
                self.finding(
                    "target-met",
                    "info",
                    "member",
                    f"{plural(count, 'connection')}: {beyond(main)} the article's target for "
                    f"{label} ({main}){also}{level_basis}",
                    {
                        "connection_count": count,
                        "career_target": target,
                        "industry_row": row,
                        "industry_target": industry_figure,
                        "job_seeker_target": seeker_figure,
                    },
                )
            )
        if count == 0 and not acceptable:
            out.append(
                self.finding(
                    "zero-connections",
                    "warning",
                    "member",
                    ZERO_MESSAGE,
                    {
                        "connection_count": count,
                        "situations": m.situations,
                        "no_longer_explaining": past,
                    },
                )
            )
        if count == 0 and acceptable:
            out.append(
                self.finding(
                    "zero-connections-acceptable",
                    "info",
                    "member",
                    f"0 connections, which is expected for now while you are {', '.join(now)}; "
                    "start building your network now",
                    {
                        "situations": m.situations,
                        "explained_by": now,
                        "new_to_linkedin": new_to_linkedin,
                        "recent_graduate": recent_graduate,
                    },
                )
            )


def current_employers(net: Network, as_of: _dt.date) -> set[str]:
    return {e.name.strip().lower() for e in net.member.employers if e.end is None or e.end >= as_of}


def no_exchange_since(last: _dt.date | None, recorded: bool | None, cutoff: _dt.date) -> bool:
    """True only when known: a missing date means "never" only where exchanges are recorded."""
    if last is not None:
        return last < cutoff
    return recorded is True


def finish(out: list[Finding]) -> list[Finding]:
    """The pack's suppressions (the size rules: one finding per member; a stance on a
    subject hides the opposite one); then sort as netrules does."""
    hidden = {
        (target, f.subject) for f in out if f.rule in SUPPRESSES for target in SUPPRESSES[f.rule]
    }
    if hidden:
        out = [f for f in out if (f.rule, f.subject) not in hidden]
    out.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.rule, f.subject.kind, f.subject.id))
    return out
