"""What an export does not state, derived from what it does, with provenance.

A LinkedIn export never says a member's career level, whether they look for a
job, which situations apply to them, or how they know each connection.  This
module derives those facts from the files that can honestly support them
(Positions, Education, Registration, Jobs/*, LinkedIn's own inferences,
endorsements, recommendations, address-book contacts) and records, for each,
a :class:`~netrules.model.Fact`: the value, where it came from, how sure it is,
the evidence quoted from the files, and how the member corrects it.

Rules of the house (docs/input-format.md, "What netrules derives from an
export"): unknown stays unknown (no evidence of job seeking is not "not
seeking", no evidence of a relationship is not "stranger"); every window counts
back from ``as_of``, never from today; a declared value always wins (the
overlay and the CLI options are applied after this module, and replace the
fact); ``infer=False`` skips the whole module.

The archive loader (archive.py) reads the files into an :class:`ExportEvidence`;
:func:`derive` turns a plainly loaded network plus that evidence into the
network with derived values filled in and ``Network.facts`` set.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from .. import attrs_code  # attrs compiles our classes' methods once per user
from ..model import CAREER_LEVELS, Connection, Employer, Fact, Member, Network
from .archive import person_key, url_key

__all__ = [
    "DeriveOptions",
    "Deriver",
    "ExportEvidence",
    "company_key",
    "derive",
    "title_function",
    "title_level",
]

Date = _dt.date


@attrs.frozen
class DeriveOptions:
    """The policies behind the derivations (docs/input-format.md lists them).

    ``job_search_window_days``: an application this many days before as_of or
    later counts as looking for a job now.  ``invitation_grace_days``: an
    invitation not accepted after this many days was ignored (incoming) or
    left unanswered (outgoing).  ``new_member_days``: joined this recently is
    new to LinkedIn.  Years of work: entry below ``mid_career_years``, senior
    from ``senior_years``.
    """

    job_search_window_days: int = 90
    invitation_grace_days: int = 21
    new_member_days: int = 90
    recent_graduate_days: int = 365
    career_break_days: int = 183
    career_change_days: int = 730
    mid_career_years: float = 3.0
    senior_years: float = 8.0


@attrs.define
class ExportEvidence:
    """What the archive loader read for the derivations, file by file.

    Rows keep the text written in the file where a derivation quotes it.
    ``positions``/``education`` hold the (start, end) texts of
    ``member.employers``/``member.schools``, in the same order.
    """

    archive_name: str = ""
    name_as_of: Date | None = None
    entry_time: _dt.datetime | None = None
    newest_day: Date | None = None
    files: set[str] = attrs.field(factory=set)
    positions: list[tuple[str, str]] = attrs.field(factory=list)
    education: list[tuple[str, str]] = attrs.field(factory=list)
    registration: str | None = None
    applications: list[tuple[Date, str]] = attrs.field(factory=list)
    seeker: dict[str, str] = attrs.field(factory=dict)
    saved_jobs: list[Date] = attrs.field(factory=list)
    inferences: list[tuple[str, str]] = attrs.field(factory=list)
    ad_targeting: dict[str, str] = attrs.field(factory=dict)
    # (direction "given"/"received", name, profile URL, day)
    endorsements: list[tuple[str, str, str, Date | None]] = attrs.field(factory=list)
    # (direction, name, company, day)
    recommendations: list[tuple[str, str, str, Date | None]] = attrs.field(factory=list)
    # (full name, emails)
    contacts: list[tuple[str, str]] = attrs.field(factory=list)


# --------------------------------------------------------------------------
# Words.


def _fold(text: str) -> str:
    """NFKC (folds the "fancy" letters too), case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


class _LaterWords:
    """A :func:`_words` pattern compiled when first searched.  Every export load
    imports this module, and compiling its patterns is most of the import; these are
    needed only for some members (the job functions, founders, hiring headlines):
    about a quarter of the compile time saved where they are not.  With ``needles``,
    texts holding none of them are answered without the pattern (the headline, title
    and degree patterns: most texts are not a break, a course or a job search)."""

    __slots__ = ("_alternatives", "_needles", "_pattern")

    def __init__(self, *alternatives: str, needles: tuple[str, ...] = ()) -> None:
        self._alternatives = alternatives
        # ``needles``: strings one of which every match contains (a necessary
        # condition, checked by test_derive_words.py): a text with none of them
        # cannot match, and is answered without compiling or searching.
        self._needles = needles
        self._pattern: re.Pattern[str] | None = None

    def search(self, text: str) -> re.Match[str] | None:
        if self._needles and not any(n in text for n in self._needles):
            return None
        if self._pattern is None:
            self._pattern = _words(*self._alternatives)
        return self._pattern.search(text)

    def sub(self, repl: str, text: str) -> str:
        if self._needles and not any(n in text for n in self._needles):
            return text
        if self._pattern is None:
            self._pattern = _words(*self._alternatives)
        return self._pattern.sub(repl, text)


# Title classes, most senior first (derivations.md §3.3, seven languages).
_TRAPS = _LaterWords(
    r"product owner",
    r"process owner",
    r"(?:hr|talent|business|channel|people) partner",
    r"lead generation",
    r"head ?chef",
    r"headhunter",
    r"senior (?:living|care)",
    r"student (?:success|affairs|recruitment|services)",
    r"chief of staff",
    needles=("owner", "partner", "lead generation", "head", "senior", "student", "chief of staff"),
)
_CLASSES: tuple[tuple[str, _LaterWords], ...] = (
    (
        "executive",
        _LaterWords(
            r"chief \w+ officer",
            r"chief",
            r"c[etfoimp]o",
            r"chro",
            r"ciso",
            r"(?:senior |executive )?vice[ -]president",
            r"s?vp",
            r"evp",
            r"president",
            r"managing director",
            r"general manager",
            r"(?:co-?)?founder",
            r"owner",
            r"(?:managing|senior|founding|equity) partner",
            r"chair(?:man|woman|person)?",
            r"board member",
            r"gesch(?:ä|ae)ftsf(?:ü|ue)hrer(?:in)?",
            r"vorstand\w*",
            r"inhaber(?:in)?",
            r"(?:mit)?gr(?:ü|ue)nder(?:in)?",
            r"pdg",
            r"directeur g(?:é|e)n(?:é|e)ral",
            r"directrice g(?:é|e)n(?:é|e)rale",
            r"pr(?:é|e)sident(?:e)?",
            r"(?:co)?fondat(?:eur|rice)",
            r"associ(?:é|e)e?",
            r"g(?:é|e)rante?",
            r"director general",
            r"consejero delegado",
            r"presidente",
            r"(?:co)?fundador(?:a)?",
            r"propietari[oa]",
            r"propriet(?:á|a)ri[oa]",
            r"s(?:ó|o)ci[oa]",
            r"amministratore delegato",
            r"fondat(?:ore|rice)",
            r"titolare",
            r"algemeen directeur",
            r"eigenaar",
            r"(?:mede-?)?oprichter",
            r"dean",
            r"provost",
            r"rector",
            needles=(
                "chief",
                "ceo",
                "cto",
                "cfo",
                "coo",
                "cio",
                "cmo",
                "cpo",
                "chro",
                "ciso",
                "vice",
                "vp",
                "president",
                "managing director",
                "general manager",
                "founder",
                "owner",
                "partner",
                "chair",
                "board member",
                "gesch",
                "vorstand",
                "inhaber",
                "grün",
                "gruen",
                "pdg",
                "directeur g",
                "directrice g",
                "sident",
                "fondat",
                "associ",
                "gérant",
                "gerant",
                "director general",
                "consejero",
                "fundador",
                "propietari",
                "propriet",
                "sóci",
                "soci",
                "amministratore",
                "titolare",
                "algemeen",
                "eigenaar",
                "oprichter",
                "dean",
                "provost",
                "rector",
            ),
        ),
    ),
    (
        "director",
        _LaterWords(
            r"director",
            r"directora",
            r"head of",
            r"head",
            r"(?!team)\w*leiter(?:in)?",
            r"direktor(?:in)?",
            r"prokurist(?:in)?",
            r"directeur",
            r"directrice",
            r"responsable",
            r"chef de service",
            r"jef[ea]",
            r"diretora?",
            r"direttore",
            r"direttrice",
            r"responsabile",
            r"capo",
            r"hoofd",
            r"(?:associate |full )?professor",
            r"professeur",
            r"professor(?:in)?",
            needles=(
                "director",
                "head",
                "leiter",
                "direktor",
                "prokurist",
                "directeur",
                "directrice",
                "responsable",
                "chef de service",
                "jef",
                "diretor",
                "direttore",
                "direttrice",
                "responsabile",
                "capo",
                "hoofd",
                "professor",
                "professeur",
            ),
        ),
    ),
    (
        "senior",
        _LaterWords(
            r"senior",
            r"s(?:é|ê)nior",
            r"sr\.?",
            r"lead",
            r"principal",
            r"staff",
            r"expert(?:e|in)?",
            r"teamleiter(?:in)?",
            r"teamleider",
            r"coordenador(?:a)?",
            needles=(
                "nior",
                "sr",
                "lead",
                "principal",
                "staff",
                "expert",
                "teamleiter",
                "teamleider",
                "coordenador",
            ),
        ),
    ),
    (
        "manager",
        _LaterWords(
            r"manager(?:in)?",
            r"gerente",
            needles=(
                "manager",
                "gerente",
            ),
        ),
    ),
    (
        "mid",
        _LaterWords(
            r"mid-?level",
            r"intermediate",
            r"ii",
            r"iii",
            r"confirm(?:é|e)e?",
            r"semi ?senior",
            r"pleno",
            r"medior",
            r"assistant professor",
            needles=(
                "mid",
                "intermediate",
                "ii",
                "confirm",
                "semi",
                "pleno",
                "medior",
                "assistant professor",
            ),
        ),
    ),
    (
        "junior",
        _LaterWords(
            r"junior",
            r"j(?:ú|u)nior",
            r"jr\.?",
            r"graduate",
            r"trainee",
            r"entry[ -]level",
            r"assistant",
            r"assistante",
            r"associate",
            r"berufseinsteiger(?:in)?",
            r"assistent(?:in)?",
            r"d(?:é|e)butante?",
            r"asistente",
            r"auxiliar",
            r"assistente",
            r"postdoc\w*",
            r"i",
        ),
    ),
    (
        "intern",
        _LaterWords(
            r"intern",
            r"internship",
            r"co-?op",
            r"working student",
            r"student",
            r"phd candidate",
            r"apprentice",
            r"\w*praktikant(?:in)?",
            r"werkstudent(?:in)?",
            r"auszubildende[r]?",
            r"azubi",
            r"studentin",
            r"doktorand(?:in)?",
            r"stagiaire",
            r"alternante?",
            r"apprentie?",
            r"(?:é|e)tudiante?",
            r"doctorante?",
            r"becari[oa]",
            r"pasante",
            r"practicante",
            r"estudiante",
            r"doctorand[oa]",
            r"estagi(?:á|a)ri[oa]",
            r"aprendiz",
            r"estudante",
            r"mestrand[oa]",
            r"doutorand[oa]",
            r"stagista",
            r"tirocinante",
            r"apprendista",
            r"studente(?:ssa)?",
            r"dottorand[oa]",
            r"stagiair(?:e)?",
            r"promovendus",
            needles=(
                "intern",
                "co-op",
                "coop",
                "stud",
                "tudiant",
                "phd candidate",
                "apprenti",
                "apprendista",
                "praktikant",
                "auszubildende",
                "azubi",
                "doktorand",
                "doctoran",
                "doutorand",
                "dottorand",
                "mestrand",
                "stagi",
                "alternant",
                "becari",
                "pasante",
                "practicante",
                "aprendiz",
                "tirocinante",
                "promovendus",
            ),
        ),
    ),
)
_SENIOR_TRAP = _LaterWords(
    r"chief of staff", r"(?:creative|art) director", needles=("chief of staff", "director")
)
_FOUNDERISH = _LaterWords(
    r"(?:co-?)?founder",
    r"owner",
    r"(?:mit)?gr(?:ü|ue)nder(?:in)?",
    r"inhaber(?:in)?",
    r"(?:co)?fondat(?:eur|rice)",
    r"(?:co)?fundador(?:a)?",
    r"eigenaar",
    r"(?:mede-?)?oprichter",
)
_BREAK = _LaterWords(
    r"career break",
    r"parental leave",
    r"maternity leave",
    r"paternity leave",
    r"sabbatical",
    r"elternzeit",
    r"auszeit",
    r"cong(?:é|e) (?:parental|maternit(?:é|e)|sabbatique)",
    r"excedencia",
    r"licen(?:ç|c)a maternidade",
    r"career pause",
    r"family care",
    needles=(
        "break",
        "leave",
        "sabbatical",
        "elternzeit",
        "auszeit",
        "cong",
        "excedencia",
        "licen",
        "pause",
        "family care",
    ),
)
_STUDENT_HEADLINE = _LaterWords(
    r"student",
    r"studentin",
    r"(?:é|e)tudiante?",
    r"estudiante",
    r"estudante",
    r"studente(?:ssa)?",
    r"undergraduate",
    r"graduate student",
    r"phd candidate",
    r"studying",
    needles=("stud", "tudiant", "undergraduate", "phd candidate"),
)
_OPEN_TO_WORK = _LaterWords(
    r"open to work",
    r"#opentowork",
    r"opentowork",
    r"seeking (?:new )?(?:opportunities|a new role|employment|work)",
    r"looking for (?:new |a new |my next )?(?:opportunities|opportunity|role|position|job)",
    r"available for (?:new )?(?:opportunities|work|hire)",
    r"actively looking",
    r"auf jobsuche",
    r"auf der suche nach",
    r"offen f(?:ü|ue)r neue herausforderungen",
    r"(?:à|a) la recherche",
    r"en recherche d'emploi",
    r"ouverte? aux opportunit(?:é|e)s",
    r"buscando (?:empleo|trabajo)",
    r"en b(?:ú|u)squeda activa",
    r"abiert[oa] a (?:nuevas )?oportunidades",
    r"em busca de",
    r"buscando recoloca(?:ç|c)(?:ã|a)o",
    r"abert[oa] a (?:novas )?oportunidades",
    r"in cerca di",
    r"alla ricerca di",
    r"apert[oa] a nuove opportunit(?:à|a)",
    r"op zoek naar",
    r"open voor nieuwe uitdagingen",
    needles=(
        "open",
        "seeking",
        "looking",
        "available",
        "auf ",
        "offen",
        "recherche",
        "ouvert",
        "busca",
        "squeda",
        "abiert",
        "abert",
        "cerca",
        "apert",
        "zoek",
    ),
)
_HIRING = _LaterWords(r"hiring", r"we(?:'re| are) hiring", r"recruit\w*", r"talent acquisition")
_SHORT_COURSE = _LaterWords(
    r"certificate",
    r"certification",
    r"course",
    r"bootcamp",
    r"nanodegree",
    r"workshop",
    r"zertifikat",
    r"kurs",
    r"certificat",
    needles=("certificat", "course", "bootcamp", "nanodegree", "workshop", "zertifikat", "kurs"),
)
_STUDENT_POSITION = _LaterWords(
    r"student",
    r"studentin",
    r"(?:é|e)tudiante?",
    r"estudiante",
    r"alumn[oa]",
    needles=("stud", "tudiant", "alumn"),
)

# Job functions for career-change (a small subset of LinkedIn's 26, by title words).
_FUNCTIONS: tuple[tuple[str, _LaterWords], ...] = (
    ("product", _LaterWords(r"product (?:manager|owner|lead|director)", r"produktmanager\w*")),
    (
        "engineering",
        _LaterWords(
            r"engineer\w*",
            r"developer",
            r"software",
            r"programmer",
            r"devops",
            r"architect",
            r"\w*entwickler(?:in)?",
            r"ingenieur(?:in|e)?",
            r"d(?:é|e)veloppeu(?:r|se)",
            r"desarrollador(?:a)?",
            r"desenvolvedor(?:a)?",
            r"sviluppatore",
        ),
    ),
    ("data", _LaterWords(r"data", r"analyst", r"scientist", r"analytics", r"machine learning")),
    (
        "sales",
        _LaterWords(
            r"sales",
            r"account (?:executive|manager)",
            r"business development",
            r"vertrieb\w*",
            r"verkauf\w*",
            r"ventes?",
            r"ventas",
            r"vendas",
        ),
    ),
    ("marketing", _LaterWords(r"marketing", r"brand", r"content", r"seo", r"communications?")),
    (
        "finance",
        _LaterWords(
            r"finance",
            r"financial",
            r"accountant",
            r"accounting",
            r"controller",
            r"auditor",
            r"treasury",
            r"buchhalter(?:in)?",
            r"finanz\w*",
        ),
    ),
    (
        "human resources",
        _LaterWords(r"hr", r"human resources", r"recruiter", r"talent", r"people", r"personal\w*"),
    ),
    ("design", _LaterWords(r"designer", r"ux", r"ui", r"gestalter(?:in)?")),
    (
        "education",
        _LaterWords(
            r"teacher", r"lecturer", r"professor", r"lehrer(?:in)?", r"tutor", r"instructor"
        ),
    ),
    (
        "healthcare",
        _LaterWords(
            r"nurse", r"physician", r"doctor", r"medical", r"clinical", r"(?:ä|a)rzt(?:in)?"
        ),
    ),
    (
        "legal",
        _LaterWords(r"lawyer", r"attorney", r"counsel", r"legal", r"paralegal", r"anwalt\w*"),
    ),
    ("operations", _LaterWords(r"operations", r"logistics", r"supply chain", r"procurement")),
    ("consulting", _LaterWords(r"consultant", r"berater(?:in)?", r"consultor(?:a)?")),
    ("research", _LaterWords(r"research\w*", r"forscher(?:in)?")),
)

_CLASS_RANK = {c: i for i, (c, _p) in enumerate(_CLASSES)}


def title_level(title: str | None) -> str | None:
    """The level class of a job title, most senior word first.

    One of executive, director, senior, manager, mid, junior, intern, or None
    when the title has no level word.  Traps (Product Owner, HR Partner, Chief
    of Staff, Head Chef, ...) are removed before matching.

    >>> title_level("Senior Software Engineer"), title_level("Werkstudentin Marketing")
    ('senior', 'intern')
    """
    if not title:
        return None
    text = _fold(title)
    if _SENIOR_TRAP.search(text):
        return "senior"
    text = _TRAPS.sub(" ", text)
    for cls, pattern in _CLASSES:
        if pattern.search(text):
            return cls
    return None


def title_function(title: str | None) -> str | None:
    """The job function a title names (engineering, sales, ...), or None."""
    if not title:
        return None
    text = _fold(title)
    for name, pattern in _FUNCTIONS:
        if pattern.search(text):
            return name
    return None


_FORMS = (
    *("inc", "llc", "ltd", "plc", "corp", "corporation", "co", "company", "gmbh", "ag"),
    *("sa", "s a", "bv", "nv", "srl", "spa", "pty", "pvt", "limited", "se", "kg", "oy"),
    *("ab", "as"),
)
_LEGAL_FORMS = re.compile(r"(?:\s+(?:" + "|".join(_FORMS) + r"))+$")
# The last word of a name that may end in a legal form ("s a" ends in "a"): the
# pattern is only tried on those.
_FORM_ENDS = frozenset(f.rpartition(" ")[2] for f in _FORMS)
_PUNCT = re.compile(r"[^\w\s]+")
_PAREN_END = re.compile(r"\s*\([^)]*\)\s*$")
_company_cache: dict[str, str] = {}


def company_key(name: str) -> str:
    """A company name compared loosely (derivations.md §5.2): case, "&", punctuation,
    a leading "the", legal forms and a trailing parenthesised location aside.

    >>> company_key("The Acme Company, Inc. (Berlin)") == company_key("ACME")
    True
    """
    key = _company_cache.get(name)
    if key is not None:
        return key
    text = _fold(name)  # (single spaces, none at either end)
    if text.endswith(")"):  # the only way a trailing "(...)" can match
        text = _PAREN_END.sub("", text)
    text = " ".join(_PUNCT.sub(" ", text.replace("&", " and ")).split())
    if text.startswith("the "):
        text = text[4:]
    if text.rpartition(" ")[2] in _FORM_ENDS:
        text = _LEGAL_FORMS.sub("", text).strip()
    if len(_company_cache) < 200_000:
        _company_cache[name] = text
    return text


# --------------------------------------------------------------------------
# Small helpers.

_LEVEL_INDEX = {level: i for i, level in enumerate(CAREER_LEVELS)}
_STEPS = ("low", "medium", "high")


def _step(confidence: str, by: int) -> str:
    i = _STEPS.index(confidence) + by
    return _STEPS[max(0, min(len(_STEPS) - 1, i))]


def _lowest(confidences: Iterable[str]) -> str:
    return min(confidences, key=_STEPS.index, default="medium")


def _years(days: float) -> float:
    return days / 365.25


def _yes(value: str | None) -> bool:
    return (value or "").strip().casefold() in ("yes", "true", "y", "1")


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _q(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


_OVERRIDES = {
    "as_of": "--as-of DATE",
    "member.industry": "--industry NAME, or member.industry in an overlay",
    "member.joined_on": "member.joined_on in an overlay",
    "member.career_level": "--career-level LEVEL, or member.career_level in an overlay",
    "member.job_seeking": "--job-seeking or --not-job-seeking, or member.job_seeking in an overlay",
    "member.situations": (
        "--situation NAME (repeatable; --situation none says none applies), "
        "or member.situations in an overlay"
    ),
    "member.exchanges_recorded": "member.exchanges_recorded in an overlay",
    "member.recommendations_recorded": "member.recommendations_recorded in an overlay",
    "connections.relationship": '[relationships] in an overlay ("Jane Doe" = "friend")',
    "connections.last_interaction_on": "--no-infer counts messages.csv only",
    "invitations.status": "--no-infer keeps them pending",
}


def _fact(
    name: str,
    value: Any,
    source: str,
    confidence: str,
    rule: str | None,
    why: str,
    evidence: Sequence[str] = (),
) -> Fact:
    return Fact(name, value, source, confidence, rule, why, tuple(evidence), _OVERRIDES.get(name))


# --------------------------------------------------------------------------
# The work history.


# _Job and _History are private records, built a few times per load and only read:
# plain slotted classes, not attrs ones, because building an attrs class (its
# generated __init__, __eq__, __repr__, ...) costs about 0.4 ms each at import,
# and every export load imports this module (docs/performance.md).


class _Job:
    __slots__ = ("cls", "employer", "end_text", "is_break", "start_text")

    def __init__(
        self, employer: Employer, cls: str | None, start_text: str, end_text: str, is_break: bool
    ) -> None:
        self.employer = employer
        self.cls = cls
        self.start_text = start_text
        self.end_text = end_text
        self.is_break = is_break


class _History:
    __slots__ = ("current", "evidence", "jobs", "work", "years")

    def __init__(
        self,
        jobs: tuple[_Job, ...],  # every position that started by as_of
        work: tuple[_Job, ...],  # without internships, breaks and student jobs
        current: tuple[_Job, ...],
        years: float | None,  # years of work since the first non-internship position
        evidence: tuple[str, ...],
    ) -> None:
        self.jobs = jobs
        self.work = work
        self.current = current
        self.years = years
        self.evidence = evidence


def _history(member: Member, ev: ExportEvidence, day: Date) -> _History:
    texts = ev.positions if len(ev.positions) == len(member.employers) else []
    jobs = []
    for i, e in enumerate(member.employers):
        if e.start is not None and e.start > day:
            continue
        start_text, end_text = texts[i] if texts else ("", "")
        title = e.title or ""
        jobs.append(
            _Job(e, title_level(title), start_text, end_text, bool(_BREAK.search(_fold(title))))
        )
    studies = [(s.start, s.end) for s in member.schools if s.start and s.end]
    work = []
    for j in jobs:
        if j.cls == "intern" or j.is_break:
            continue
        e = j.employer
        if (
            j.cls is None
            and e.start is not None
            and e.end is not None
            and any(a <= e.start and e.end <= b for a, b in studies)
        ):
            continue  # a part-time job while studying
        work.append(j)
    current = tuple(j for j in jobs if j.employer.end is None or j.employer.end >= day)
    dated = sorted(
        (j.employer.start, min(j.employer.end or day, day)) for j in work if j.employer.start
    )
    years = None
    evidence: list[str] = []
    if dated:
        first = dated[0][0]
        elapsed = (day - first).days
        covered = 0
        cur_start, cur_end = dated[0]
        for a, b in dated[1:]:
            if a > cur_end:
                covered += max(0, (cur_end - cur_start).days)
                cur_start, cur_end = a, b
            else:
                cur_end = max(cur_end, b)
        covered += max(0, (cur_end - cur_start).days)
        first_job = next(j for j in work if j.employer.start == first)
        evidence.append(
            f"Positions.csv → Started On = {_q(first_job.start_text or first.isoformat())} "
            f"({first_job.employer.title or 'no title'}, {first_job.employer.name}): "
            "first non-internship position"
        )
        if elapsed - covered > 2 * 365:
            years = _years(covered)
            evidence.append(
                f"{_years(elapsed - covered):.1f} years without a position listed: "
                "counting the years covered by positions"
            )
        else:
            years = _years(elapsed)
    return _History(tuple(jobs), tuple(work), current, years, tuple(evidence))


def _band(years: float, options: DeriveOptions) -> str:
    if years < options.mid_career_years:
        return "entry"
    if years < options.senior_years:
        return "mid-career"
    return "senior"


def _agreement(a: str, b: str) -> str:
    gap = abs(_LEVEL_INDEX[a] - _LEVEL_INDEX[b])
    return "high" if gap == 0 else "medium" if gap == 1 else "low"


# LinkedIn's own views of seniority: Ad_Targeting "Job Seniorities" and the
# career stages of Inferences_about_you.csv.
_SENIORITIES = {
    "unpaid": "student",
    "training": "entry",
    "entry": "entry",
    "senior": "mid-career",
    "manager": "mid-career",
    "director": "senior",
    "vp": "executive",
    "cxo": "executive",
    "owner": "executive",
    "partner": "executive",
}
_STAGES = {
    "student": "student",
    "early stage of career": "entry",
    "growth stage of career": "mid-career",
    "senior leader": "senior",
}


def _linkedin_levels(ev: ExportEvidence) -> list[tuple[str, str]]:
    """(level, evidence) pairs from LinkedIn's own inferences."""
    out = []
    for column in ("Job Seniorities", "Seniorities"):
        cell = ev.ad_targeting.get(column)
        if cell:
            for part in re.split(r"[;,]", cell):
                level = _SENIORITIES.get(part.strip().casefold())
                if level:
                    out.append((level, f"Ad_Targeting.csv → {column} = {_q(part.strip())}"))
    for kind, value in ev.inferences:
        level = _STAGES.get(kind.strip().casefold())
        if level and _yes(value):
            out.append((level, f"Inferences_about_you.csv → {kind} = {_q(value)}"))
    return out


def _career_level(
    member: Member, ev: ExportEvidence, day: Date, h: _History, options: DeriveOptions
) -> Fact | None:
    rule = "career-level"
    current_cls = min(
        (j.cls for j in h.current if j.cls), key=lambda c: _CLASS_RANK[c], default=None
    )
    current_title = next(
        (j for j in h.current if j.cls == current_cls and j.cls),
        h.current[0] if h.current else None,
    )
    years = h.years
    # Studying now, or just graduated with little work.
    studying = [
        s for s in member.schools if s.end and s.end > day and (s.start is None or s.start <= day)
    ]
    student_signals = []
    texts = ev.education if len(ev.education) == len(member.schools) else []
    for s in studying:
        end_text = texts[member.schools.index(s)][1] if texts else str(s.end)
        student_signals.append(
            f"Education.csv → End Date = {_q(end_text)} ({s.name}): still studying"
        )
    for kind, value in ev.inferences:
        if kind.strip().casefold() == "student" and _yes(value):
            student_signals.append(f"Inferences_about_you.csv → Student = {_q(value)}")
    if member.headline and _STUDENT_HEADLINE.search(_fold(member.headline)):
        student_signals.append(f"Profile.csv → Headline = {_q(member.headline)}")
    senior_now = current_cls in ("executive", "director", "senior")
    linkedin = _linkedin_levels(ev)

    def adjust(level: str, confidence: str) -> tuple[str, list[str]]:
        agree = [e for lv, e in linkedin if lv == level]
        differ = [e for lv, e in linkedin if lv != level]
        if agree:
            confidence = _step(confidence, +1)
        elif differ:
            confidence = _step(confidence, -1)
        return confidence, agree + differ

    if student_signals and not senior_now:
        confidence = "high" if len(student_signals) >= 2 else "medium"
        confidence, more = adjust("student", confidence)
        return _fact(
            "member.career_level",
            "student",
            "derived",
            confidence,
            rule,
            "you are studying now",
            student_signals + more,
        )
    done = [s for s in member.schools if s.end and s.end <= day]
    if done and not senior_now:
        last = max(done, key=lambda s: s.end)  # type: ignore[arg-type,return-value]
        assert last.end is not None
        if (day - last.end).days <= options.recent_graduate_days and (years or 0) < 2:
            confidence, more = adjust("student", "medium")
            return _fact(
                "member.career_level",
                "student",
                "derived",
                confidence,
                rule,
                "you graduated within the last year and have worked less than 2 years "
                "(the article's Student/Recent Graduate row)",
                [f"Education.csv → End Date of {last.name}: {last.end.isoformat()}", *h.evidence],
            )
    evidence = list(h.evidence)
    if current_title is not None and current_cls is not None:
        evidence.append(
            f"Positions.csv → Title = {_q(current_title.employer.title or '')} "
            f"(current, {current_title.employer.name})"
        )
    band = _band(years, options) if years is not None else None
    years_text = f"{years:.1f} years since your first non-internship position" if years else ""
    level: str | None = None
    confidence = "medium"
    why = ""
    if current_cls == "executive":
        level = "executive"
        founderish = _FOUNDERISH.search(_fold(current_title.employer.title or ""))  # type: ignore[union-attr]
        if founderish and (years or 0) < 3:
            confidence = "low"
        elif years is not None and years >= options.senior_years and not founderish:
            confidence = "high"
        why = "your current title is an executive one"
    elif current_cls == "director":
        level = "senior"
        why = "your current title says director or head"
    elif current_cls == "senior":
        level = "senior" if (years or 0) >= 5 else "mid-career"
        why = "your current title says senior, lead or principal" + (
            "" if level == "senior" else ", with fewer than 5 years of work"
        )
    elif current_cls == "manager":
        level = "senior" if (years or 0) >= options.senior_years else "mid-career"
        why = "your current title says manager"
    elif current_cls == "junior":
        level = "entry" if (years or 0) < 5 else "mid-career"
        why = "your current title says junior, associate or trainee"
        if level == "mid-career":
            confidence = "low"
    elif current_cls == "mid":
        level = "mid-career"
        why = "your current title names a mid-level grade"
    if level is not None and current_cls != "executive" and band is not None:
        confidence = _agreement(level, band) if confidence != "low" else "low"
        if band != level:
            why += f"; your {years_text} alone would say {band}"
        else:
            why += f", and {years_text}"
    if level is None and band is not None:
        level, why = band, f"{years_text} (entry < 3, mid-career 3-8, senior 8+)"
        confidence = "medium"
    if level is None and h.jobs and not h.work:
        interns = [j for j in h.jobs if j.cls == "intern"]
        if interns:
            level, confidence = "entry", "low"
            why = "your positions are all internships or student jobs"
            evidence.append(
                "Positions.csv → Title = "
                + ", ".join(_q(j.employer.title or "") for j in interns[:3])
            )
    if level is not None:
        confidence, more = adjust(level, confidence)
        return _fact(
            "member.career_level", level, "derived", confidence, rule, why, evidence + more
        )
    if linkedin:
        level = linkedin[0][0]
        agree = [e for lv, e in linkedin if lv == level]
        return _fact(
            "member.career_level",
            level,
            "linkedin-inferred",
            "medium" if len(agree) >= 2 else "low",
            rule,
            "LinkedIn's own view of you (no positions listed)",
            [e for _lv, e in linkedin],
        )
    if done:
        last = max(done, key=lambda s: s.end)  # type: ignore[arg-type,return-value]
        assert last.end is not None
        level = _band(_years((day - last.end).days), options)
        return _fact(
            "member.career_level",
            level,
            "derived",
            "low",
            rule,
            f"{_years((day - last.end).days):.1f} years since your last degree (no positions listed)",
            [f"Education.csv → End Date of {last.name}: {last.end.isoformat()}"],
        )
    return None


# --------------------------------------------------------------------------
# Job seeking.


def _job_seeking(member: Member, ev: ExportEvidence, day: Date, options: DeriveOptions) -> Fact:
    window = options.job_search_window_days
    since = _minus(day, _dt.timedelta(days=window))
    strong: list[str] = []
    medium: list[str] = []
    weak: list[str] = []
    recent = sorted((d for d, _what in ev.applications if since <= d <= day), reverse=True)
    if recent:
        latest = max((a for a in ev.applications if a[0] == recent[0]), key=lambda a: a[1])
        strong.append(
            f"Jobs/Job Applications.csv → {_plural(len(recent), 'application')} in the "
            f"{window} days before {day.isoformat()}, the latest on {recent[0].isoformat()}"
            + (f" ({latest[1]})" if latest[1] else "")
        )
    if member.headline:
        text = _fold(member.headline)
        if _OPEN_TO_WORK.search(text) and not _HIRING.search(text):
            strong.append(f"Profile.csv → Headline = {_q(member.headline)}")
    urgency = ev.seeker.get("Job Seeking Urgency Level", "")
    if urgency.strip().upper() == "ACTIVELY_SEEKING":
        medium.append(
            f"Jobs/Job Seeker Preferences.csv → Job Seeking Urgency Level = {_q(urgency)}"
        )
    for kind, value in ev.inferences:
        k = kind.strip().casefold()
        if k in ("job seeker", "interested in a new job") and _yes(value):
            medium.append(f"Inferences_about_you.csv → {kind} = {_q(value)}")
    traits = ev.ad_targeting.get("Member Traits", "")
    if "job seeker" in traits.casefold():
        weak.append(f"Ad_Targeting.csv → Member Traits = {_q(traits)}")
    saved = [d for d in ev.saved_jobs if since <= d <= day]
    if saved:
        weak.append(
            f"Jobs/Saved Jobs.csv → {_plural(len(saved), 'job')} saved in the {window} days "
            f"before {day.isoformat()}"
        )
    recruiters = ev.seeker.get("Open To Recruiters", "")
    if _yes(recruiters):
        weak.append(f"Jobs/Job Seeker Preferences.csv → Open To Recruiters = {_q(recruiters)}")
    rule = "job-seeking"
    if strong:
        why = (
            f"you applied for a job on {recent[0].isoformat()}, within the {window} days "
            f"before {day.isoformat()}"
            if recent
            else "your headline says you are open to work"
        )
        return _fact(
            "member.job_seeking", True, "derived", "high", rule, why, strong + medium + weak
        )
    if medium:
        linkedin = all(e.startswith("Inferences") for e in medium)
        return _fact(
            "member.job_seeking",
            True,
            "linkedin-inferred" if linkedin else "stated",
            "medium",
            rule,
            "LinkedIn says you are looking for a job"
            if linkedin
            else "your job-seeker settings say you are actively seeking",
            medium + weak,
        )
    if len(weak) >= 2:
        return _fact(
            "member.job_seeking",
            True,
            "derived",
            "low",
            rule,
            "two weak signs of a job search",
            weak,
        )
    looked = [
        f
        for f in (
            "Jobs/Job Applications.csv",
            "Jobs/Job Seeker Preferences.csv",
            "Inferences_about_you.csv",
        )
        if f in ev.files
    ]
    return _fact(
        "member.job_seeking",
        None,
        "default",
        "low",
        rule,
        f"no application in the {window} days before {day.isoformat()}, no open-to-work "
        "setting or phrase found (which does not mean you are not looking)",
        [f"read: {', '.join(looked)}" if looked else "no job files in this export"] + weak,
    )


# --------------------------------------------------------------------------
# Situations.


def _situations(
    member: Member,
    ev: ExportEvidence,
    day: Date,
    h: _History,
    connections: Sequence[Connection],
    options: DeriveOptions,
) -> Fact | None:
    found: list[tuple[str, str, list[str]]] = []  # (situation, confidence, evidence)
    whys = []
    if member.joined_on is not None:
        age = (day - member.joined_on).days
        if 0 <= age <= options.new_member_days:
            found.append(
                (
                    "new-to-linkedin",
                    "high",
                    [f"Registration.csv → {_q(ev.registration or member.joined_on.isoformat())}"],
                )
            )
            whys.append(f"new-to-linkedin (joined {age} days ago)")
    texts = ev.education if len(ev.education) == len(member.schools) else []
    studying = any(s.end and s.end > day for s in member.schools)
    done = [
        (i, s)
        for i, s in enumerate(member.schools)
        if s.end and s.end <= day and not _SHORT_COURSE.search(_fold(s.degree or ""))
    ]
    if done:
        i, last = max(done, key=lambda p: p[1].end)  # type: ignore[arg-type,return-value]
        assert last.end is not None
        end_text = texts[i][1] if texts else ""
        if (day - last.end).days <= options.recent_graduate_days and (h.years or 0) < 2:
            year_only = bool(re.fullmatch(r"\s*\d{4}\s*", end_text))
            found.append(
                (
                    "recent-graduate",
                    "low" if year_only else "medium",
                    [
                        f"Education.csv → End Date = {_q(end_text or last.end.isoformat())} "
                        f"({last.name}{', ' + last.degree if last.degree else ''})"
                    ],
                )
            )
            whys.append("recent-graduate (a degree finished within the last year)")
    breaks = [j for j in h.current if j.is_break]
    if breaks:
        found.append(
            (
                "career-break",
                "high",
                [f"Positions.csv → Title = {_q(breaks[0].employer.title or '')} (current)"],
            )
        )
        whys.append("career-break (your positions list one)")
    elif h.work and not [j for j in h.current if not j.is_break] and not studying:
        ended = max((j.employer.end for j in h.work if j.employer.end), default=None)
        if ended is not None and (day - ended).days >= options.career_break_days:
            confidence = "medium"
            evidence = [f"Positions.csv → the last position ended {ended.isoformat()}"]
            for kind, value in ev.inferences:
                if kind.strip().casefold() == "unemployment status" and _yes(value):
                    confidence = "high"
                    evidence.append(f"Inferences_about_you.csv → {kind} = {_q(value)}")
            found.append(("career-break", confidence, evidence))
            whys.append(f"career-break (no current position since {ended.isoformat()})")
    change = _career_change(ev, day, h, connections, options)
    if change is not None:
        found.append(change)
        whys.append("career-change (your current role is in a new field)")
    if not found:
        return None
    return _fact(
        "member.situations",
        tuple(s for s, _c, _e in found),
        "derived",
        _lowest(c for _s, c, _e in found),
        "situations",
        "; ".join(whys),
        [e for _s, _c, evs in found for e in evs],
    )


def _career_change(
    ev: ExportEvidence,
    day: Date,
    h: _History,
    connections: Sequence[Connection],
    options: DeriveOptions,
) -> tuple[str, str, list[str]] | None:
    recent = [
        j
        for j in h.current
        if j in h.work
        and j.employer.start is not None
        and (day - j.employer.start).days <= options.career_change_days
    ]
    for job in recent:
        function = title_function(job.employer.title)
        if function is None:
            continue
        earlier = [
            j
            for j in h.work
            if j.employer.start is not None
            and job.employer.start is not None
            and j.employer.start < job.employer.start
            and j is not job
        ]
        total = same = 0.0
        for j in earlier:
            assert j.employer.start is not None
            span = ((j.employer.end or day) - j.employer.start).days
            if title_function(j.employer.title) is None:
                continue
            total += span
            if title_function(j.employer.title) == function:
                same += span
        if total < 365 or same >= total / 3:
            continue
        positions = [c.position for c in connections if c.position]
        share = (
            sum(1 for p in positions if title_function(p) == function) / len(positions)
            if positions
            else 0.0
        )
        if share >= 0.1:
            continue
        evidence = [
            f"Positions.csv → Title = {_q(job.employer.title or '')} (current, since "
            f"{job.employer.start.isoformat() if job.employer.start else '?'}): {function}",
            f"earlier positions: {_years(same):.1f} of {_years(total):.1f} years in {function}",
            f"Connections.csv → Position: {share:.0%} of your connections work in {function}",
        ]
        confidence = "low"
        traits = ev.ad_targeting.get("Member Traits", "")
        if "career changer" in traits.casefold():
            confidence = "medium"
            evidence.append(f"Ad_Targeting.csv → Member Traits = {_q(traits)}")
        return ("career-change", confidence, evidence)
    return None


# --------------------------------------------------------------------------
# The deriver: member facts, and one call per connection and invitation.

_KIND_FILES = (
    ("endorsement received", "Endorsement_Received_Info.csv"),
    ("endorsement given", "Endorsement_Given_Info.csv"),
    ("recommendation received", "Recommendations_Received.csv"),
    ("recommendation given", "Recommendations_Given.csv"),
    ("address book", "Contacts.csv"),
)


class Deriver:
    """The derivations for one export.

    The archive loader calls :meth:`connection` and :meth:`invitation` while
    it builds each connection and invitation (so that a 30,000-connection
    export is not walked twice), then :meth:`finish` for the member facts and
    the provenance records.  :func:`derive` does the same over a network that
    is already loaded.
    """

    def __init__(
        self, member: Member, evidence: ExportEvidence, options: DeriveOptions | None = None
    ):
        self.member = member
        self.ev = evidence
        self.options = options or DeriveOptions()
        # The work history without a day: current = no Finished On.
        self.history = _history(member, evidence, _dt.date.max)
        self.current = {
            company_key(j.employer.name) for j in self.history.current if not j.is_break
        }
        self.current.discard("")
        self.past: dict[str, list[tuple[Date | None, Date | None]]] = {}
        for j in self.history.jobs:
            if j.employer.end is not None and not j.is_break:
                key = company_key(j.employer.name)
                if key and key not in self.current:
                    self.past.setdefault(key, []).append((j.employer.start, j.employer.end))
        self.schools: dict[str, list[tuple[Date | None, Date | None]]] = {}
        for s in member.schools:
            key = company_key(s.name)
            if key:
                self.schools.setdefault(key, []).append((s.start, s.end))
        # Evidence of knowing people: [latest day, kinds, company of a recommendation].
        self.by_url: dict[str, list[Any]] = {}
        self.by_name: dict[str, list[Any]] = {}
        self.by_email: dict[str, list[Any]] = {}
        for direction, name, url, day in evidence.endorsements:
            self._know(name, url, "", f"endorsement {direction}", day, "")
        for direction, name, company, day in evidence.recommendations:
            self._know(name, "", "", f"recommendation {direction}", day, company)
        for name, mails in evidence.contacts:
            for mail in re.split(r"[,;\s]+", mails) if mails else ("",):
                self._know(name, "", mail, "address book", None, "")
        self.people = bool(self.by_url or self.by_name or self.by_email)
        self.company_kinds: dict[str, Any] = {}
        # The span of every study period (+ half a year), for a quick first test.
        starts = [a or _dt.date.min for ws in self.schools.values() for a, _b in ws]
        ends = [
            _plus(b, _HALF_YEAR) if b else _dt.date.max
            for ws in self.schools.values()
            for _a, b in ws
        ]
        self.study = (min(starts), max(ends)) if starts else None
        self.tally: dict[tuple[str, str], int] = {}
        self.kinds_used: set[str] = set()
        self.gained = 0
        self.talked = False
        self.ignored = self.unanswered = self.pending = 0
        self.as_of: Date | None = None
        self.as_of_fact: Fact | None = None
        self.day = _dt.date.today()
        self._pending_since = self._since(self.day)

    def _know(
        self, name: str, url: str, mail: str, kind: str, day: Date | None, company: str
    ) -> None:
        entries = []
        if url:
            entries.append(self.by_url.setdefault(url_key(url), [None, set(), ""]))
        elif name:
            entries.append(self.by_name.setdefault(person_key(name), [None, set(), ""]))
        if mail.strip():
            entries.append(self.by_email.setdefault(mail.strip().casefold(), [None, set(), ""]))
        for entry in entries:
            entry[1].add(kind)
            if day is not None and (entry[0] is None or day > entry[0]):
                entry[0] = day
            if company:
                entry[2] = company

    # -- while loading --------------------------------------------------------

    def quiet(self) -> tuple[Any, Date, Date] | None:
        """What lets the loader skip :meth:`connection` where it would return
        ``(None, None)`` and change nothing: (the look-up of a company's cached kind,
        the first and last day of the study window).

        That is every row with no last interaction, no company or one whose cached
        kind is None, and no chance of a classmate by position (a position, and a
        connection day inside the window); two thirds of the rows of the benchmark
        export, each a call saved.  None when rows may match the member's people
        (endorsements, recommendations, contacts): then every row is passed.
        """
        if self.people:
            return None
        lo, hi = self.study if self.study is not None else (_dt.date.max, _dt.date.min)
        return self.company_kinds.get, lo, hi

    def connection(
        self,
        company: str | None,
        position: str | None,
        connected_on: Date | None,
        url: str | None,
        name: str | None,
        email: str | None,
        last_on: Date | None,
    ) -> tuple[str | None, Date | None]:
        """(relationship, last interaction) of one connection (derivations.md §5.3).

        Called once per row of Connections.csv: the common cases (no shared
        employer or school, no evidence of knowing the person) return after a
        dict look-up or two.  Without endorsements, recommendations or contacts
        (no person to match) the steps that match one are skipped and a company's
        windows are read with their margins already added (:meth:`_company_kind`);
        the outcome is that of :meth:`_connection` (tests/loaders/test_derive_fast.py).
        """
        if self.people:
            return self._connection(company, position, connected_on, url, name, email, last_on)
        kind = None
        if company:
            kind = self.company_kinds.get(company, _MISS)
            if kind is _MISS:
                kind = self.company_kinds[company] = self._company_kind(company)
        if kind is None:  # (as in _connection)
            rel = None
            study = self.study
            if (
                position
                and study is not None
                and connected_on is not None
                and study[0] <= connected_on <= study[1]
            ):
                rel = self._classmate_by_position(position, connected_on)
            if rel is None:
                if last_on is None:
                    return None, None
                self.talked = True
                rel = _KNOWN
            tally = self.tally
            tally[rel] = tally.get(rel, 0) + 1
            return rel[0], last_on
        found: tuple[str, str] | None = None
        what = kind[0]
        if what == "current":
            found = _COLLEAGUE if last_on is not None else _COLLEAGUE_UNSURE
        elif what == "past":
            found = _FORMER_COLLEAGUE_UNSURE
            if connected_on is not None:
                for low, high in kind[2]:
                    if (low is None or connected_on >= low) and (
                        high is None or connected_on <= high
                    ):
                        found = _FORMER_COLLEAGUE
                        break
        elif connected_on is not None:  # a school
            for low, high in kind[2]:
                if (low is None or connected_on >= low) and (high is None or connected_on <= high):
                    found = _CLASSMATE
                    break
        if last_on is not None:
            self.talked = True
            if found is None:
                if position and self.study is not None and connected_on is not None:
                    found = self._classmate_by_position(position, connected_on)
                if found is None:
                    found = _KNOWN
        elif found is None:
            if position and self.study is not None and connected_on is not None:
                found = self._classmate_by_position(position, connected_on)
            if found is None:
                return None, None
        tally = self.tally
        tally[found] = tally.get(found, 0) + 1
        return found[0], last_on

    def _connection(
        self,
        company: str | None,
        position: str | None,
        connected_on: Date | None,
        url: str | None,
        name: str | None,
        email: str | None,
        last_on: Date | None,
    ) -> tuple[str | None, Date | None]:
        """:meth:`connection`, step by step, for every case (evidence of knowing
        people included)."""
        entry = None
        if self.people:
            if self.by_url and url:
                entry = self.by_url.get(url_key(url))
            if entry is None and self.by_name and name:
                entry = self.by_name.get(person_key(name))
            if entry is None and self.by_email and email:
                entry = self.by_email.get(email.strip().casefold())
        kind = None
        if company:
            kind = self.company_kinds.get(company, _MISS)
            if kind is _MISS:
                kind = self.company_kinds[company] = self._company_kind(company)
        if entry is None and kind is None:
            rel = None
            study = self.study
            if (
                position
                and study is not None
                and connected_on is not None
                and study[0] <= connected_on <= study[1]  # the quick test, before the call
            ):
                rel = self._classmate_by_position(position, connected_on)
            if rel is None:
                if last_on is None:
                    return None, None
                self.talked = True
                rel = ("known", "medium")
            self.tally[rel] = self.tally.get(rel, 0) + 1
            return rel[0], last_on
        if last_on is not None:
            self.talked = True
        known = entry is not None or last_on is not None
        found: tuple[str, str] | None = None
        rk = self._company_kind(entry[2]) if entry is not None and entry[2] else None
        if rk is not None and rk[0] == "current":
            found = ("colleague", "high")
        elif rk is not None and rk[0] == "past":
            found = ("former-colleague", "high")
        elif kind is not None and kind[0] == "current":
            found = ("colleague", "high" if known else "medium")
        elif kind is not None and kind[0] == "past":
            found = ("former-colleague", "low")
            if connected_on is not None:
                for start, end in kind[1]:
                    if (start is None or connected_on >= _minus(start, _EARLY)) and (
                        end is None or connected_on <= _plus(end, _LATE)
                    ):
                        found = ("former-colleague", "medium")
                        break
        elif kind is not None and connected_on is not None:  # a school
            for start, end in kind[1]:
                if (start is None or connected_on >= start) and (
                    end is None or connected_on <= _plus(end, _HALF_YEAR)
                ):
                    found = ("classmate", "low")
                    break
        if found is None and position and self.study is not None and connected_on is not None:
            found = self._classmate_by_position(position, connected_on)
        if found is None and known:
            found = ("known", "medium")
        if found is not None:
            self.tally[found] = self.tally.get(found, 0) + 1
        if entry is not None:
            self.kinds_used |= entry[1]
            day = entry[0]
            if day is not None and (last_on is None or day > last_on):
                self.gained += 1
                last_on = day
        return (found[0] if found is not None else None), last_on

    def _company_kind(self, company: str) -> tuple[str, list[Any], Any] | None:
        """("current" | "past" | "school", windows, the windows with their margins
        added, held to the calendar's ends) for a company name, or None."""
        key = company_key(company)
        if not key:
            return None
        if key in self.current:
            return ("current", [], ())
        if key in self.past:
            windows = self.past[key]
            return ("past", windows, _margins(windows, _EARLY, _LATE))
        if key in self.schools:
            windows = self.schools[key]
            return ("school", windows, _margins(windows, None, _HALF_YEAR))
        return None

    def _classmate_by_position(self, position: str, on: Date) -> tuple[str, str] | None:
        """A connection whose position says student, connected while the member studied."""
        assert self.study is not None
        if not (self.study[0] <= on <= self.study[1]):
            return None
        if not _STUDENT_POSITION.search(_fold(position)):
            return None
        for windows in self.schools.values():
            for start, end in windows:
                if (start is None or on >= start) and (end is None or on <= _plus(end, _HALF_YEAR)):
                    return ("classmate", "low")
        return None

    def settle(self, as_of: Date | None, newest_day: Date | None) -> Date:
        """Fix the reference day: the archive name's, else the zip's time stamps,
        else the newest date in the files, else today (point 0 of derivations.md)."""
        ev = self.ev
        if as_of is not None:
            self.as_of, self.as_of_fact = (
                as_of,
                _fact(
                    "as_of",
                    as_of,
                    "stated",
                    "high",
                    "as-of",
                    "the day in the archive's name",
                    [f"archive name {_q(ev.archive_name)}"] if ev.archive_name else [],
                ),
            )
        elif ev.entry_time is not None:
            day = ev.entry_time.date()
            self.as_of, self.as_of_fact = (
                day,
                _fact(
                    "as_of",
                    day,
                    "derived",
                    "medium",
                    "as-of",
                    "the archive was renamed: the newest time stamp of its files",
                    [f"zip entry time {ev.entry_time.isoformat(sep=' ')}"],
                ),
            )
        elif newest_day is not None:
            self.as_of, self.as_of_fact = (
                newest_day,
                _fact(
                    "as_of",
                    newest_day,
                    "derived",
                    "low",
                    "as-of",
                    "no date in the archive's name: the newest date in its files",
                    [f"newest Connected On or Sent At: {newest_day.isoformat()}"],
                ),
            )
        self.day = self.as_of or _dt.date.today()
        self._pending_since = self._since(self.day)
        return self.day

    def _since(self, day: Date) -> Date | None:
        """The first sent day of an invitation still pending on ``day`` (within the
        grace period); None where that day is not in the calendar."""
        try:
            return day - _dt.timedelta(days=self.options.invitation_grace_days)
        except OverflowError:
            return None

    def invitation(self, direction: str, sent_on: Date | None, status: str) -> str:
        """ "pending" becomes "ignored" (incoming) or "unanswered" (outgoing) after
        the grace period (derivations.md, invitation status)."""
        if status != "pending":
            return status
        since = self._pending_since  # ((day - sent_on).days <= grace, without the sum)
        if sent_on is None or (
            sent_on >= since
            if since is not None
            else (self.day - sent_on).days <= self.options.invitation_grace_days
        ):
            self.pending += 1
            return status
        if direction == "incoming":
            self.ignored += 1
            return "ignored"
        self.unanswered += 1
        return "unanswered"

    # -- afterwards ---------------------------------------------------------------

    def finish(self, network: Network) -> Network:
        """The network with the member facts derived and ``facts`` recorded."""
        ev, options, day = self.ev, self.options, self.day
        facts: list[Fact] = [self.as_of_fact] if self.as_of_fact is not None else []
        facts.extend(_stated(network, ev))
        member = network.member
        h = _history(member, ev, day)
        changes: dict[str, Any] = {}
        if member.career_level is None:
            fact = _career_level(member, ev, day, h, options)
            if fact is not None:
                facts.append(fact)
                changes["career_level"] = fact.value
        if member.job_seeking is None:
            fact = _job_seeking(member, ev, day, options)
            facts.append(fact)
            if fact.value is not None:
                changes["job_seeking"] = fact.value
        if member.situations is None:
            fact = _situations(member, ev, day, h, network.connections, options)
            if fact is not None:
                facts.append(fact)
                changes["situations"] = fact.value
        facts.extend(self._connection_facts(len(network.connections)))
        if self.ignored or self.unanswered:
            grace = options.invitation_grace_days
            facts.append(
                _fact(
                    "invitations.status",
                    {"ignored": self.ignored, "unanswered": self.unanswered},
                    "derived",
                    "medium",
                    "invitation-status",
                    f"not a connection {grace} days after it was sent: {self.ignored:,} "
                    f"incoming ignored, {self.unanswered:,} outgoing unanswered; "
                    f"{self.pending:,} younger ones stay pending (declined and withdrawn "
                    "cannot be told from an export)",
                    ["Invitations.csv ↔ Connections.csv (by profile URL, else by name)"],
                )
            )
        return attrs.evolve(
            network,
            member=attrs.evolve(member, **changes) if changes else member,
            as_of=self.as_of,
            facts=tuple(facts),
        )

    def _connection_facts(self, total: int) -> list[Fact]:
        facts = []
        self.counts: dict[str, int] = {}
        self.confidences: dict[str, set[str]] = {}
        for (rel, conf), n in self.tally.items():
            self.counts[rel] = self.counts.get(rel, 0) + n
            self.confidences.setdefault(rel, set()).add(conf)
        if self.counts:
            parts = [
                f"{n:,} {rel} ("
                + "/".join(sorted(self.confidences[rel], key=_STEPS.index, reverse=True))
                + ")"
                for rel, n in sorted(self.counts.items(), key=lambda kv: -kv[1])
            ]
            unknown = total - sum(self.counts.values())
            sources = []
            if self.current or self.past:
                sources.append("Positions.csv employers ↔ Connections.csv → Company")
            if self.schools:
                sources.append("Education.csv schools ↔ Connections.csv → Company, Position")
            if self.talked:
                sources.append("messages.csv")
            sources += [f for kind, f in _KIND_FILES if kind in self.kinds_used]
            facts.append(
                _fact(
                    "connections.relationship",
                    dict(sorted(self.counts.items())),
                    "derived",
                    _lowest(c for cs in self.confidences.values() for c in cs),
                    "relationships",
                    ", ".join(parts)
                    + f"; {unknown:,} with no evidence stay unknown (not 'stranger')",
                    sources,
                )
            )
        if self.gained:
            facts.append(
                _fact(
                    "connections.last_interaction_on",
                    self.gained,
                    "derived",
                    "medium",
                    "last-interaction",
                    f"{_plural(self.gained, 'connection')} got a later or a first last "
                    "interaction from endorsements or recommendations, not only messages",
                    [
                        f
                        for kind, f in _KIND_FILES
                        if kind in self.kinds_used and "address" not in kind
                    ],
                )
            )
        return facts


_MISS = object()
_EARLY = _dt.timedelta(days=90)
_LATE = _dt.timedelta(days=365)
_HALF_YEAR = _dt.timedelta(days=183)
# The outcomes of Deriver.connection (relationship, confidence), made once.
_KNOWN = ("known", "medium")
_COLLEAGUE = ("colleague", "high")
_COLLEAGUE_UNSURE = ("colleague", "medium")
_FORMER_COLLEAGUE = ("former-colleague", "medium")
_FORMER_COLLEAGUE_UNSURE = ("former-colleague", "low")
_CLASSMATE = ("classmate", "low")


def _plus(day: Date, delta: _dt.timedelta) -> Date:
    """``day + delta``, or the calendar's last day where that would pass it (a school
    "ending" in 9999 plus the half-year margin: the window is open, not an error)."""
    try:
        return day + delta
    except OverflowError:
        return _dt.date.max


def _minus(day: Date, delta: _dt.timedelta) -> Date:
    """``day - delta``, or the calendar's first day where that would pass it."""
    try:
        return day - delta
    except OverflowError:
        return _dt.date.min


def _margins(
    windows: list[tuple[Date | None, Date | None]],
    before: _dt.timedelta | None,
    after: _dt.timedelta,
) -> list[tuple[Date | None, Date | None]]:
    """Each (start, end) as (start - before, end + after), None kept, held to the
    calendar's ends."""
    return [
        (
            start if start is None or before is None else _minus(start, before),
            None if end is None else _plus(end, after),
        )
        for start, end in windows
    ]


def _stated(network: Network, ev: ExportEvidence) -> list[Fact]:
    m = network.member
    out = []
    if m.industry is not None:
        out.append(
            _fact(
                "member.industry",
                m.industry,
                "stated",
                "high",
                None,
                "your profile's industry",
                [f"Profile.csv → Industry = {_q(m.industry)}"],
            )
        )
    if m.joined_on is not None:
        out.append(
            _fact(
                "member.joined_on",
                m.joined_on,
                "stated",
                "high",
                None,
                "the day you registered",
                [f"Registration.csv → {_q(ev.registration or m.joined_on.isoformat())}"],
            )
        )
    if m.exchanges_recorded is None:
        out.append(
            _fact(
                "member.exchanges_recorded",
                None,
                "default",
                "high",
                None,
                "the export has no messages.csv, so when you last talked to each "
                "connection is unknown (not 'never')",
                [],
            )
        )
    if m.recommendations_recorded is None:
        out.append(
            _fact(
                "member.recommendations_recorded",
                None,
                "default",
                "high",
                None,
                "the export has no Recommendations_Given.csv, so when you last "
                "recommended someone is unknown (not 'never')",
                [],
            )
        )
    return out


def derive(
    network: Network,
    evidence: ExportEvidence,
    options: DeriveOptions | None = None,
) -> Network:
    """``network`` (as an export states it) with derived facts filled in and
    ``Network.facts`` recording the provenance of each.

    Only unknown fields are filled: what the input states is kept.  The archive
    loader does the same in one pass (it calls the :class:`Deriver` per row).
    """
    d = Deriver(network.member, evidence, options)
    connections = list(network.connections)
    for i, c in enumerate(connections):
        if c.relationship is None:
            rel, last = d.connection(
                c.company, c.position, c.connected_on, c.url, c.name, c.email, c.last_interaction_on
            )
            if rel is not None or last != c.last_interaction_on:
                connections[i] = attrs.evolve(c, relationship=rel, last_interaction_on=last)
    d.settle(network.as_of, evidence.newest_day)
    invitations = list(network.invitations)
    for i, inv in enumerate(invitations):
        status = d.invitation(inv.direction, inv.sent_on, inv.status or "")
        if status != (inv.status or ""):
            invitations[i] = attrs.evolve(inv, status=status)
    return d.finish(
        attrs.evolve(network, connections=tuple(connections), invitations=tuple(invitations))
    )


attrs_code.flush()  # the code of the classes above, if newly compiled
