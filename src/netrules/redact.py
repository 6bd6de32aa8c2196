"""Privacy: stable pseudonyms for people, and no e-mail address in a report unless asked.

``--redact`` lets a member share a report with a coach: every name, e-mail address,
profile URL, company, school and invitation note of the network is replaced, in every
output, by a pseudonym (``Person 17``, ``person-17``, ``Company 5``, ``[note]``) while
the report keeps its structure.  Pseudonyms are stable: a person's number comes from a hash of their
connection id (the profile URL in an export), so the same person has the same
pseudonym in two runs, two exports and both sides of a ``netrules diff``.

Redaction works on the finished report, never on the network: rules still judge the
real data (a note's length, a name's spelling), only what is shown changes.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from .runtime import CUT_TRIM, _normalize


def _shortened(note: str) -> list[str]:
    """Every form ``shorten(note, n)`` can take at a word boundary, the whole note too.

    A rule may quote a note shortened; the cut's position depends on the rule's limit,
    which redaction does not know, so every cut is a key.  Cuts inside the first word
    are left out: too short to carry a name, and they would match ordinary words.
    """
    text = " ".join(note.split())
    cuts = [text]
    pos = text.find(" ")
    while pos != -1:
        # shorten(note, pos + 2) keeps text[:pos] and marks the cut
        kept = text[:pos].rstrip(CUT_TRIM)
        if kept:
            cuts.append(kept + "…")
        pos = text.find(" ", pos + 1)
    return cuts


__all__ = ["Redactor", "email_re", "hide_emails", "subject_details"]

EMAIL_PATTERN = r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
PROFILE_URL_PATTERN = r"(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/in/[^\s\"'<>),]+"


@functools.cache
def email_re() -> re.Pattern[str]:
    """The e-mail pattern, compiled on first use (most reports hold no ``@``)."""
    return re.compile(EMAIL_PATTERN)


@functools.cache
def _profile_re() -> re.Pattern[str]:
    return re.compile(PROFILE_URL_PATTERN, re.I)


HIDDEN_EMAIL = "[e-mail hidden]"


@functools.cache
def _word_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A token (a run of letters and digits, or one other character), a token that is
    not a space, a letter or digit: compiled when a Redactor is first made (a check
    without ``--redact`` imports this module for ``hide_emails`` only)."""
    return re.compile(r"\w+|\W"), re.compile(r"\w+|[^\w\s]"), re.compile(r"\w")


def _opaque(value: Any) -> bool:
    """A value shown through ``str()`` (reports write unknown evidence values so): its
    text may hold a name or an address."""
    from .values import Duration, Range

    return not isinstance(value, (int, float, _dt.date, Duration, Range)) and value is not None


def _map_strings(value: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {k: _map_strings(v, fn) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):  # a set of texts is shown too
        return type(value)(_map_strings(v, fn) for v in value)
    if _opaque(value):
        text = str(value)
        mapped = fn(text)
        return value if mapped == text else mapped
    return value


def _map_finding(f: Any, fn: Callable[[str], str], subject_id: Callable[[Any], Any]) -> Any:
    changes: dict[str, Any] = {
        "message": fn(f.message),
        "evidence": _map_strings(dict(f.evidence), fn),
        "subject": subject_id(f.subject),
    }
    if getattr(f, "subjects", None):
        changes["subjects"] = tuple(_map_finding(p, fn, subject_id) for p in f.subjects)
    return attrs.evolve(f, **changes)


def _map_report(
    report: Any,
    fn: Callable[[str], str],
    subject_id: Callable[[Any], Any],
    *,
    redacted: bool = False,
) -> Any:
    from .findings import Origin

    findings = tuple(_map_finding(f, fn, subject_id) for f in report.findings)
    member = fn(report.member) if report.member else report.member
    # The assumptions quote the member's own files (employers, schools): mapped too.
    assumptions = tuple(_map_strings(dict(a), fn) for a in report.assumptions)
    # The HTML page draws the real network: it applies the same filter to what it shows.
    origin = attrs.evolve(report.origin or Origin(), shown=fn, redacted=redacted)
    return attrs.evolve(
        report, findings=findings, member=member, assumptions=assumptions, origin=origin
    )


def hide_emails(report: Any) -> Any:
    """The report with every e-mail address replaced by ``[e-mail hidden]``.

    The command line applies this unless ``--show-emails`` is given: a report is
    shared more often than its author expects.
    """

    def has_email(value: Any) -> bool:
        if isinstance(value, str):
            return "@" in value and email_re().search(value) is not None
        if isinstance(value, dict):
            return any(has_email(v) for v in value.values())
        if isinstance(value, (list, tuple, set, frozenset)):
            return any(has_email(v) for v in value)
        return _opaque(value) and has_email(str(value))

    def finding_has(f: Any) -> bool:
        if has_email(f.message) or has_email(f.evidence) or "@" in f.subject.id:
            return True
        return any(finding_has(p) for p in getattr(f, "subjects", ()) or ())

    findings_clean = not _mentions_at(report.findings) or not any(
        finding_has(f) for f in report.findings
    )
    if findings_clean and not has_email(report.assumptions):
        from .findings import Origin

        # Nothing to hide in the findings; the HTML page's charts still hide any address.
        origin = attrs.evolve(report.origin or Origin(), shown=_hide_email_text)
        return attrs.evolve(report, origin=origin)

    def subject(s: Any) -> Any:
        return attrs.evolve(s, id=_hide_email_text(s.id)) if "@" in s.id else s

    return _map_report(report, _hide_email_text, subject)


def _mentions_at(findings: Any) -> bool:
    """Whether any text of the findings (message, evidence, subject id, also of the
    subjects of an aggregated finding) holds an ``@``: without one there is no address.

    Lazy findings write their compact JSON text (no ``Finding`` built per subject) and
    keep it for the report writer, which writes that same text; any other sequence is
    looked at in its findings' ``to_dict()`` form.  Both show every string whole: json
    escapes only quotes, backslashes and control characters (never ``@``, with
    ``ensure_ascii=False``), ``repr`` only unprintable characters.  Only when an ``@``
    is there does :func:`hide_emails` look closer.
    """
    peek = getattr(findings, "_peek_parts", None)
    if peek is not None:
        return any("@" in part for part in peek())
    return "@" in repr([f.to_dict() for f in findings])


def _hide_email_text(text: str) -> str:
    return email_re().sub(HIDDEN_EMAIL, text) if "@" in text else text


def subject_details(network: Any) -> dict[str, dict[str, str | None]]:
    """``kind:id`` -> name, company, position and url of the person a subject is about."""
    out: dict[str, dict[str, str | None]] = {}
    by_id = {}
    for c in network.connections:
        row = {"name": c.name, "company": c.company, "position": c.position, "url": c.url}
        out[f"connection:{c.id}"] = row
        by_id[c.id] = row
    for i in network.invitations:
        out[f"invitation:{i.id}"] = {
            "name": i.person,
            "company": None,
            "position": None,
            "url": None,
        }
    for r in network.removals:
        row = by_id.get(r.connection) or {"name": None, "company": None, "position": None}
        out[f"removal:{r.id}"] = {**row, "url": row.get("url")}
    for r in network.recommendations_given:
        out[f"recommendation:{r.id}"] = {
            "name": r.person,
            "company": None,
            "position": None,
            "url": None,
        }
    name = network.member.name
    out["member:member"] = {"name": name, "company": None, "position": None, "url": None}
    return out


class Redactor:
    """Pseudonyms for the people of one network; apply with :meth:`report` and :meth:`text`.

    >>> import netrules
    >>> net = netrules.load_network({"member": {"name": "Ada Lovelace"},
    ...     "connections": [{"id": "c1", "name": "Jane Doe", "email": "jane@example.com"}]})
    >>> r = Redactor(net)
    >>> r.text("Jane Doe (jane@example.com) knows Ada Lovelace")
    'Person 6515 ([e-mail]) knows the member'
    """

    def __init__(self, network: Any):
        self._numbers: dict[str, int] = {}
        self._replace: dict[str, str] = {}
        self._ids: dict[str, str] = {}
        taken: set[int] = set()
        size = 10_000  # fixed for networks under 1,000 people: numbers survive growth
        people = len(network.connections) + len(network.invitations)
        people += len(network.recommendations_given)
        while size < people * 10:
            size *= 10

        import hashlib  # only --redact needs it: a plain check loads no OpenSSL

        def number(key: str) -> int:
            if key in self._numbers:
                return self._numbers[key]
            n = int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % size + 1
            while n in taken:  # a collision: the next free number, in id order
                n = n % size + 1
            taken.add(n)
            self._numbers[key] = n
            return n

        def person(key: str, name: str | None, *refs: str | None) -> str:
            n = number(key)
            pseudonym = f"Person {n}"
            if name:
                self._replace.setdefault(name, pseudonym)
            for ref in refs:
                if ref:
                    self._replace.setdefault(ref, f"person-{n}")
            return f"person-{n}"

        for c in sorted(network.connections, key=lambda c: c.id):
            self._ids[c.id] = person(c.url or c.id, c.name, c.id, c.url)
            if c.email:
                self._replace.setdefault(c.email, "[e-mail]")

        # Companies and schools: a network's top company is often the member's employer.
        # Numbered by a hash of the folded name, so "ACME" and "Acme" are one company.
        places: dict[str, int] = {}
        used: set[int] = set()

        def place(kind: str, name: str | None) -> None:
            text = (name or "").strip()
            if len(text) < 2:
                return
            key = f"{kind}:{text.casefold()}"
            if key not in places:
                n = int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % size + 1
                while n in used:
                    n = n % size + 1
                used.add(n)
                places[key] = n
            pseudonym = f"{kind.capitalize()} {places[key]}"
            self._replace.setdefault(text, pseudonym)
            if name:
                self._replace.setdefault(name, pseudonym)

        for c in sorted(network.connections, key=lambda c: c.id):
            place("company", c.company)
        for e in network.member.employers:
            place("company", e.name)
        for school in network.member.schools:
            place("school", school.name)

        def named(name: str | None) -> None:
            if name and name not in self._replace:
                self._replace[name] = f"Person {number(f'name:{name}')}"

        for n_inv, i in enumerate(sorted(network.invitations, key=lambda i: i.id), start=1):
            self._ids[i.id] = f"invitation-{n_inv}"
            self._replace.setdefault(i.id, f"invitation-{n_inv}")
            named(i.person)
            if i.message and i.message.strip():
                self._replace.setdefault(i.message, "[note]")
                self._replace.setdefault(i.message.strip(), "[note]")
                # as a rule quotes it shortened (shorten()): every cut at a word boundary
                for cut in _shortened(i.message):
                    self._replace.setdefault(cut, "[note]")
                # as a rule quotes it when it groups notes "names aside" (normalize())
                folded = _normalize(i.message, i.person)
                if folded and " " in folded:
                    self._replace.setdefault(folded, "[note]")
        for n_rec, r in enumerate(sorted(network.recommendations_given, key=lambda r: r.id), 1):
            self._ids[r.id] = f"recommendation-{n_rec}"
            self._replace.setdefault(r.id, f"recommendation-{n_rec}")
            named(r.person)
        for r in network.removals:
            target = self._ids.get(r.connection)
            if target:
                self._ids.setdefault(r.id, r.id)
                self._replace.setdefault(r.connection, target)
        if network.member.name:
            self._replace[network.member.name] = "the member"
        # Whole-word matches, longest first, found through an index by first token: one
        # regular expression of 30,000 alternatives tries every one at every position.
        self._by_token: dict[str, list[str]] = {}
        token, token_no_space, self._word = _word_patterns()
        for key in sorted((k for k in self._replace if k.strip()), key=len, reverse=True):
            first = token.match(key)
            if first is not None:
                self._by_token.setdefault(first.group(0), []).append(key)
        # Spaces are tokens only when some key starts with one (half the tokens of a text).
        self._tokens = token if any(k[:1].isspace() for k in self._replace) else token_no_space

    def _names(self, text: str) -> str:
        """Every known string that stands as whole words in ``text``, replaced (longest first)."""
        out: list[str] = []
        done = 0  # text[:done] is written out or replaced
        word = self._word
        for token in self._tokens.finditer(text):
            start = token.start()
            if start < done:
                continue
            keys = self._by_token.get(token.group(0))
            if not keys:
                continue
            if start and not word.match(token.group(0)) and word.match(text, start - 1):
                continue  # a key starting with a sign must not follow a letter
            for key in keys:
                end = start + len(key)
                if text.startswith(key, start) and not word.match(text, end):
                    out.append(text[done:start])
                    out.append(self._replace[key])
                    done = end
                    break
        if not out:
            return text
        out.append(text[done:])
        return "".join(out)

    def text(self, text: str) -> str:
        """The text with every known name, id, URL, e-mail and note replaced."""
        if self._by_token:
            text = self._names(text)
        if "@" in text:
            text = email_re().sub("[e-mail]", text)
        if "linkedin.com" in text.lower():
            text = _profile_re().sub("[profile]", text)
        return text

    def subject(self, subject: Any) -> Any:
        pseudonym = self._ids.get(subject.id)
        if pseudonym is None:
            return attrs.evolve(subject, id=self.text(subject.id))
        return attrs.evolve(subject, id=pseudonym)

    def key(self, key: str) -> str:
        """A ``kind:id`` subject key, redacted like the subject."""
        kind, _, ident = key.partition(":")
        pseudonym = self._ids.get(ident)
        return f"{kind}:{pseudonym if pseudonym is not None else self.text(ident)}"

    def report(self, report: Any) -> Any:
        """The report with every person, company and school replaced by its pseudonym."""
        return _map_report(report, self.text, self.subject, redacted=True)

    def details(
        self, details: Mapping[str, Mapping[str, str | None]]
    ) -> dict[str, dict[str, str | None]]:
        """:func:`subject_details` with names, companies and URLs replaced (positions kept)."""
        out = {}
        for key, row in details.items():
            new = dict(row)
            for field in ("name", "company"):
                if new.get(field):
                    new[field] = self.text(new[field] or "")
            if new.get("url"):
                new["url"] = None
            out[self.key(key)] = new
        return out
