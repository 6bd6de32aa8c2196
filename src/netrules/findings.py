"""What an evaluation returns: findings about subjects, and the report around them."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import compress, repeat
from json.encoder import encode_basestring as _encode_str  # json's own (C) string writer
from operator import is_, is_not, itemgetter, neg
from typing import Any, overload

import attrs

from . import attrs_code  # attrs compiles our classes' methods once per user
from .collector import paused
from .values import format_value, jsonable, message_value

__all__ = [
    "SEVERITY_ORDER",
    "Finding",
    "Findings",
    "Origin",
    "Report",
    "RuleOutput",
    "RuleSkips",
    "Subject",
    "aggregate",
    "name_list",
]

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@attrs.frozen(slots=True, order=True)
class Subject:
    """What a finding is about: ``kind`` (member, connection, company, ...) and ``id``."""

    kind: str
    id: str


@attrs.frozen(slots=True)
class Finding:
    """One result of one rule about one subject.

    ``evidence`` holds the values the rule read (JSON-ready after ``to_dict``);
    ``advice`` is the rule's advice text; ``source`` the article section.

    An *aggregated* finding (a rule with ``aggregate { ... }`` that fired for two
    or more subjects at one severity) has the subject ``(kind, "*")``, the
    summary as its message, ``evidence == {"found": N, "named": [labels]}`` and
    the per-subject findings, in the rule's order, in ``subjects``.
    """

    rule: str
    severity: str
    category: str
    subject: Subject
    message: str
    evidence: dict[str, Any] = attrs.field(factory=dict, hash=False)
    advice: tuple[str, ...] = ()
    source: str | None = None
    subjects: Sequence[Finding] = attrs.field(default=(), hash=False)

    @property
    def aggregated(self) -> bool:
        """True for one finding standing for several subjects (see ``subjects``)."""
        return bool(self.subjects)

    def sort_key(self) -> tuple[int, str, str, str]:
        return (SEVERITY_ORDER[self.severity], self.rule, self.subject.kind, self.subject.id)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "rule": self.rule,
            "severity": self.severity,
            "category": self.category,
            "subject": {"kind": self.subject.kind, "id": self.subject.id},
            "message": self.message,
            "evidence": jsonable(self.evidence),
            "advice": list(self.advice),
            "source": self.source,
        }
        if self.subjects:
            out["subjects"] = [
                {
                    "subject": {"kind": f.subject.kind, "id": f.subject.id},
                    "message": f.message,
                    "evidence": jsonable(f.evidence),
                }
                for f in self.subjects
            ]
        return out


def name_list(labels: Sequence[str], found: int) -> str:
    """``A``, ``A and B``, ``A, B and C``; ``A, B and 7 more`` when some are not named."""
    labels = list(labels)
    if not labels:
        return f"{found:,} more" if found else ""
    rest = found - len(labels)
    if rest > 0:
        return ", ".join(labels) + f" and {rest:,} more"
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def aggregate(
    findings: Sequence[Finding],
    keys: Sequence[Any],
    labels: Sequence[str | None],
    *,
    descending: bool,
    show: int,
    summary: Callable[[int, str], str],
) -> Finding:
    """One finding for the findings of one rule at one severity (``aggregate { ... }``).

    Subjects are ordered by ``keys`` (``descending`` or not; unknown keys last;
    ties by subject id); the first ``show`` are named by their label (their
    message when the label is unknown); ``summary(found, names)`` is the message.
    """
    # By (kind, id) as plain tuples: the attrs-generated ``Subject.__lt__`` builds two
    # tuples per comparison, seconds on tens of thousands of subjects.
    items = sorted(
        zip(findings, keys, labels, strict=True),
        key=lambda x: (x[0].subject.kind, x[0].subject.id),
    )
    known = [x for x in items if x[1] is not None]
    known.sort(key=lambda x: x[1], reverse=descending)  # stable: ties stay by id
    ordered = known + [x for x in items if x[1] is None]
    first = ordered[0][0]
    named = [label if label is not None else f.message for f, _k, label in ordered[:show]]
    found = len(ordered)
    return Finding(
        first.rule,
        first.severity,
        first.category,
        Subject(first.subject.kind, "*"),
        summary(found, name_list(named, found)),
        {"found": found, "named": named},
        first.advice,
        first.source,
        tuple(f for f, _k, _l in ordered),
    )


# The column form of a render function (RuleOutput.columns): the message's parts, each
# a constant text or (value index, format spec) for a placeholder, and the evidence
# dict's (key, value index) pairs, in order.
RenderColumns = tuple[tuple[str | tuple[int, str | None], ...], tuple[tuple[str, int], ...]]


@attrs.frozen(slots=True)
class RuleOutput:
    """What a rule's findings share, and how to build one from what was recorded.

    The generated function records ``(rule index, severity, subject id, values)``
    when a rule fires; ``render(values)`` turns the values into the message and the
    evidence dict; ``key`` and ``label`` index the aggregation's order key and the
    subject's label among the values (None: not recorded).

    ``columns`` (from the compiler; None for a render function without one) says
    what ``render`` does as data: the message is its constant parts with
    ``message_value(values[i], spec)`` in place of each ``(i, spec)``, the evidence
    ``{key: values[i]}`` for each ``(key, i)``.  The JSON writer makes the texts of
    many records from it a column at a time, without calling ``render`` per record.
    """

    rule: str
    category: str
    kind: str
    advice: tuple[str, ...]
    source: str | None
    render: Callable[[tuple[Any, ...]], tuple[str, dict[str, Any]]] = attrs.field(eq=False)
    key: int | None = None
    label: int | None = None
    descending: bool = False
    show: int = 0
    columns: RenderColumns | None = None


class _Group:
    """The records of an aggregating rule at one severity: one aggregated finding."""

    __slots__ = ("index", "records", "severity")

    def __init__(self, index: int, severity: str, records: list[tuple[Any, ...]]):
        self.index, self.severity, self.records = index, severity, records


def _selector(value: str | Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    return frozenset((value,) if isinstance(value, str) else value)


class Findings(Sequence[Finding]):
    """The findings of a report, built when read (see docs/api.md, lazy findings).

    A sequence of :class:`Finding` equal to the tuple an eager evaluation would give:
    ``len()``, iteration, indexing, ``==`` with any sequence of findings.  It holds
    what the generated function recorded; a ``Finding`` (message, evidence dict,
    ``Subject``) is built on first access and kept.  :meth:`counts`, :meth:`where`
    and ``len()`` read the records only; :meth:`to_dicts` serialises from them.
    """

    __slots__ = ("_built", "_entries", "_json_once", "_one_rule", "_outputs", "_summaries")
    _json_once: list[str] | None

    def __init__(
        self,
        entries: Sequence[Any],
        outputs: Sequence[RuleOutput | None],
        summaries: dict[int, Callable[[int, str], str]] | None = None,
    ):
        self._entries = entries  # (index, severity, subject id, values) or _Group
        self._outputs = outputs
        self._summaries = summaries or {}
        self._built: list[Finding | None] = [None] * len(entries)
        # the JSON text already computed, handed to the next _json_parts() (_peek_parts)
        self._json_once = None
        # the rule index of every entry, when known (the subjects of an aggregated finding)
        self._one_rule: int | None = None

    # ---- the sequence ----
    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, i: int) -> Finding: ...
    @overload
    def __getitem__(self, i: slice) -> Findings: ...
    def __getitem__(self, i: int | slice) -> Finding | Findings:
        if isinstance(i, slice):
            return self._subset(range(len(self._entries))[i])
        built = self._built[i]
        if built is None:
            built = self._built[i] = self._build(self._entries[i])
        return built

    def __iter__(self) -> Iterator[Finding]:
        for i in range(len(self._entries)):
            yield self[i]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, (str, bytes)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __add__(self, other: Any) -> tuple[Finding, ...]:
        return tuple(self) + tuple(other)

    def __radd__(self, other: Any) -> tuple[Finding, ...]:
        return tuple(other) + tuple(self)

    def __repr__(self) -> str:
        return repr(tuple(self))

    def __reduce__(self) -> tuple[Any, ...]:
        # Render functions live in generated code, which does not pickle: a pickled
        # (or deep-copied) Findings is the tuple of its findings.
        return (tuple, (tuple(self),))

    # ---- without building findings ----
    def _info(self, entry: Any) -> tuple[RuleOutput, str]:
        if entry.__class__ is _Group:
            return self._outputs[entry.index], entry.severity  # type: ignore[return-value]
        return self._outputs[entry[0]], entry[1]

    def counts(self, by: str = "severity") -> dict[str, int]:
        """How many findings per ``severity`` (all three keys), ``rule`` or ``category``."""
        if by not in ("severity", "rule", "category"):
            raise ValueError("counts() by 'severity', 'rule' or 'category'")
        out: dict[str, int] = {"error": 0, "warning": 0, "info": 0} if by == "severity" else {}
        for entry in self._entries:
            info, severity = self._info(entry)
            name = severity if by == "severity" else getattr(info, by)
            out[name] = out.get(name, 0) + 1
        return out

    def where(
        self,
        *,
        severity: str | Iterable[str] | None = None,
        rule: str | Iterable[str] | None = None,
        category: str | Iterable[str] | None = None,
    ) -> Findings:
        """The findings with one of these severities, rules and categories (each a
        name or a collection of names; None: any), in order, still unbuilt."""
        sev, rules, cats = _selector(severity), _selector(rule), _selector(category)
        keep = []
        for i, entry in enumerate(self._entries):
            info, s = self._info(entry)
            if (
                (sev is None or s in sev)
                and (rules is None or info.rule in rules)
                and (cats is None or info.category in cats)
            ):
                keep.append(i)
        return self._subset(keep)

    def _subset(self, indexes: Iterable[int]) -> Findings:
        keep = list(indexes)
        out = Findings([self._entries[i] for i in keep], self._outputs, self._summaries)
        out._built = [self._built[i] for i in keep]  # what was built stays built
        return out

    def _peek_parts(self) -> list[str]:
        """:meth:`_json_parts`, kept for the next call: the command line looks for e-mail
        addresses in the JSON text, then writes that same text.  Handed over once, so
        the text is not held for the findings' whole life."""
        parts = self._json_parts()
        self._json_once = parts
        return parts

    def _json(self) -> str:
        """``dumps(self.to_dicts())``, the same text, written without the dicts."""
        return "".join(self._json_parts())

    def _json_parts(self) -> list[str]:
        """The text of :meth:`_json` in parts to be joined (by the report's writer, once:
        each copy of a large report's text counts).

        A finding the generated function recorded is written through a ``%`` template
        per rule (and severity, and set of evidence keys) holding the constant parts
        (rule, category, subject kind, evidence keys, advice, source), filled with its
        subject id, message and evidence values (see ``_WRITERS``); the subjects of an
        aggregated finding a column at a time (:meth:`_subject_parts`).  Built findings
        and the head of an aggregated finding go through ``to_dict()`` as before.
        """
        once = self._json_once
        if once is not None:
            self._json_once = None
            return once
        with paused():  # tens of thousands of small objects, no cycles (see collector.py)
            return self._texts()

    def _texts(self) -> list[str]:
        out: list[str] = ["["]
        append = out.append
        sep = ""  # then a comma between findings
        built_list, outputs = self._built, self._outputs
        forms: dict[tuple[Any, ...], str | None] = {}
        write = _writers().get
        for i, entry in enumerate(self._entries):
            if entry.__class__ is _Group:
                f = self[i]
                head = dumps(_head_dict(f))[:-1] + ',"subjects":['  # "source" is last
                subjects = f.subjects
                out.append(sep + head)
                if isinstance(subjects, Findings):
                    out += subjects._subject_parts()
                else:
                    out.append(",".join([dumps(_subject_dict(p)) for p in subjects]))
                append("]}")
                sep = ","
                continue
            built = built_list[i]
            if built is not None:
                append(sep + dumps(built.to_dict()))
                sep = ","
                continue
            index, severity, sid, values = entry
            info = outputs[index]
            assert info is not None
            message, evidence = info.render(values)
            key = (index, severity, *evidence)
            form = forms.get(key, "")
            if form == "":
                form = forms[key] = _finding_form(info, severity, tuple(evidence))
            if form is None:
                append(
                    sep
                    + dumps(
                        {
                            "rule": info.rule,
                            "severity": severity,
                            "category": info.category,
                            "subject": {"kind": info.kind, "id": str(sid)},
                            "message": message,
                            "evidence": jsonable(evidence),
                            "advice": list(info.advice),
                            "source": info.source,
                        }
                    )
                )
            else:
                append(sep + _filled(form, sid, message, evidence, write))
            sep = ","
        append("]")
        return out

    def _subject_parts(self) -> list[str]:
        """The JSON texts of these findings as the subjects of an aggregated finding
        (``_subject_dict``), separated by commas, in parts to be joined.

        The subjects of one aggregated finding are records of one rule: their text is
        made a column at a time (subject ids, messages, each evidence key), each column
        by C-level ``map`` calls, and the columns interleaved with the template's
        constant parts in one ``join``: no Python frame per record but the rule's
        render function.  Each pass over a column reads objects spread through memory,
        so the records are taken ``_CHUNK`` at a time, a chunk's objects still in the
        processor's caches from one pass to the next (a third faster on 13,734
        subjects than one chunk).  Records of several rules are written one finding
        at a time (:meth:`_subject_texts`), and so is a chunk whose evidence keys
        differ between records or are not strings.
        """
        entries = self._entries
        info = None
        if self._one_rule is not None:  # records of one rule (_build_group)
            info = self._outputs[self._one_rule]
        elif entries and entries[0].__class__ is tuple:
            try:
                if len(set(map(_first, entries))) == 1:
                    info = self._outputs[entries[0][0]]
            except (TypeError, IndexError):  # not records
                pass
        if info is None:
            return [",".join(self._subject_texts())] if entries else []
        writers = _writers()
        parts = []
        for start in range(0, len(entries), _CHUNK):
            lead = "," if start else ""
            text = self._subject_chunk(info, start, start + _CHUNK, lead, writers)
            if text is None:
                text = lead + ",".join(self[start : start + _CHUNK]._subject_texts())
            parts.append(text)
        return parts

    def _subject_chunk(
        self, info: RuleOutput, start: int, stop: int, lead: str, writers: _Writers
    ) -> str | None:
        """``lead`` and the subjects' text of records ``start:stop`` (of ``info``'s
        rule) a column at a time, or None when they take the general way.

        With the render function's column form (``RuleOutput.columns``) the messages
        are not made: their constant parts and the texts of their values are written
        as parts of the text (json escapes character by character, so the escaped
        parts are the escaped message), and the evidence columns are the records'
        values; without it (or with a built finding among them), each record is
        rendered and its message and evidence written a column at a time."""
        entries = self._entries[start:stop]
        n = len(entries)
        ids = list(map(_third, entries))
        built = self._built[start:stop]
        head = '{"subject":{"kind":' + dumps(info.kind) + ',"id":'
        segments: list[Any] | None = None
        form = info.columns
        if form is not None and built.count(None) == n:
            segments = _form_segments(form, entries, writers)
        if segments is None:
            rendered = list(map(info.render, map(_values, entries)))
            if built.count(None) != n:  # a built finding is written from itself
                for i, f in enumerate(built):
                    if f is not None:
                        if f.subject.kind != info.kind:
                            return None
                        rendered[i], ids[i] = (f.message, f.evidence), f.subject.id
            evidences = list(map(_second, rendered))
            if set(map(type, evidences)) != {dict}:
                return None
            keysets = set(map(tuple, evidences))
            if len(keysets) != 1:
                return None
            keys = keysets.pop()
            if not all(k.__class__ is str for k in keys):
                return None
            messages = list(map(_first, rendered))
            plain = _plain(messages)
            if plain is None:  # a message that is not a string, as the dict has it
                segments = ['},"message":', [dumps(m) for m in messages]]
            else:
                segments = ['},"message":', *_json_strings(messages, plain)]
            segments += _evidence_segments(
                keys, [list(map(itemgetter(key), evidences)) for key in keys], writers
            )
        plain = _plain(ids)
        if plain is None:  # ids that are not strings: written as their str()
            segments[:0] = [head, list(map(_encode_str, map(str, ids)))]
        else:
            segments[:0] = [head, *_json_strings(ids, plain)]
        return _interleave(segments, n, lead)

    def _subject_texts(self) -> list[str]:
        """The JSON text of each of these findings as a subject of an aggregated finding
        (``_subject_dict``), written as :meth:`_json` writes findings, one at a time."""
        out: list[str] = []
        append = out.append
        built_list, outputs = self._built, self._outputs
        forms: dict[tuple[Any, ...], str | None] = {}
        write = _writers().get
        for i, entry in enumerate(self._entries):
            built = built_list[i]
            if built is not None:
                append(dumps(_subject_dict(built)))
                continue
            index, _severity, sid, values = entry
            info = outputs[index]
            assert info is not None
            message, evidence = info.render(values)
            key = (index, *evidence)
            form = forms.get(key, "")
            if form == "":
                form = forms[key] = _subject_form(info.kind, tuple(evidence))
            if form is None:
                append(
                    dumps(
                        {
                            "subject": {"kind": info.kind, "id": str(sid)},
                            "message": message,
                            "evidence": jsonable(evidence),
                        }
                    )
                )
                continue
            append(_filled(form, sid, message, evidence, write))
        return out

    def to_dicts(self) -> list[dict[str, Any]]:
        """``[f.to_dict() for f in self]``, without building a ``Finding`` per subject."""
        out = []
        for i, entry in enumerate(self._entries):
            if entry.__class__ is _Group:
                f = self[i]
                d = _head_dict(f)
                subjects = f.subjects
                if isinstance(subjects, Findings):
                    d["subjects"] = subjects._subject_dicts()
                else:
                    d["subjects"] = [_subject_dict(s) for s in subjects]
                out.append(d)
                continue
            built = self._built[i]
            if built is not None:
                out.append(built.to_dict())
                continue
            index, severity, sid, values = entry
            info = self._outputs[index]
            assert info is not None
            message, evidence = info.render(values)
            out.append(
                {
                    "rule": info.rule,
                    "severity": severity,
                    "category": info.category,
                    "subject": {"kind": info.kind, "id": str(sid)},
                    "message": message,
                    "evidence": jsonable(evidence),
                    "advice": list(info.advice),
                    "source": info.source,
                }
            )
        return out

    def _subject_dicts(self) -> list[dict[str, Any]]:
        out = []
        outputs = self._outputs
        for i, entry in enumerate(self._entries):
            built = self._built[i]
            if built is not None:
                out.append(_subject_dict(built))
                continue
            index, _severity, sid, values = entry
            info = outputs[index]
            assert info is not None
            message, evidence = info.render(values)
            out.append(
                {
                    "subject": {"kind": info.kind, "id": str(sid)},
                    "message": message,
                    "evidence": jsonable(evidence),
                }
            )
        return out

    # ---- building ----
    def _build(self, entry: Any) -> Finding:
        if entry.__class__ is _Group:
            return self._build_group(entry)
        index, severity, sid, values = entry
        info = self._outputs[index]
        assert info is not None
        message, evidence = info.render(values)
        return Finding(
            info.rule,
            severity,
            info.category,
            Subject(info.kind, str(sid)),
            message,
            evidence,
            info.advice,
            info.source,
        )

    def _build_group(self, group: _Group) -> Finding:
        """The aggregated finding: subjects ordered by key (unknown last, ties by id),
        the first ``show`` named by label (or message), the summary as message."""
        info = self._outputs[group.index]
        assert info is not None
        records = group.records
        # Indexes of the records ordered from lists made by C-level map calls: no
        # Python call per record (see _key_order).
        ids = list(map(_third, records))
        if set(map(type, ids)) != _STR_ONLY:  # (str() of a str is a call per record)
            ids = list(map(str, ids))
        at = range(len(records))
        key, label = info.key, info.label
        if key is None:
            order = sorted(at, key=ids.__getitem__)
        else:
            keys = list(map(itemgetter(key), map(_values, records)))
            types = set(map(type, keys))
            if _NONE_TYPE in types:
                unknown = list(compress(at, map(is_, keys, repeat(None))))
                known = list(compress(at, map(is_not, keys, repeat(None))))
                order = _key_order(known, keys, ids, info.descending)
                unknown.sort(key=ids.__getitem__)
                order.extend(unknown)
            else:  # every key known: at is all of them, the lists are used as they are
                order = _key_order(at, keys, ids, info.descending, types)
        ordered = list(map(records.__getitem__, order))
        subjects = Findings(ordered, self._outputs)
        subjects._one_rule = group.index  # (no pass over the records to find it)
        named = []
        for i, r in enumerate(ordered[: info.show]):
            raw = r[3][label] if label is not None else None
            named.append(format_value(raw, None) if raw is not None else subjects[i].message)
        found = len(ordered)
        return Finding(
            info.rule,
            group.severity,
            info.category,
            Subject(info.kind, "*"),
            self._summaries[group.index](found, name_list(named, found)),
            {"found": found, "named": named},
            info.advice,
            info.source,
            subjects,
        )


def _key_order(
    at: Sequence[int],
    keys: list[Any],
    ids: list[str],
    descending: bool,
    types: set[type] | None = None,
) -> list[int]:
    """The indexes ``at`` ordered by ``keys[i]`` (descending or not), ties by ``ids[i]``,
    then as they come: ``at`` sorted by id, then (stable) by key.

    Keys that are all dates or all ints are sorted in one pass as ``(number, id)``
    pairs (a date by its ordinal, negated when descending): the sort then compares
    ints, and ids only between equal keys.  ``types``: the keys' types, when the caller
    found them (``at`` is then all indexes).
    """
    whole = at == range(len(keys))  # all indexes in order (a range): no copies
    known = keys if whole else list(map(keys.__getitem__, at))
    if types is None or not whole:
        types = set(map(type, known))
    numbers: Iterable[int] | None = None
    if types == {_dt.date}:
        numbers = map(_dt.date.toordinal, known)
    elif types == {int}:
        numbers = known
    if numbers is not None:
        if descending:
            numbers = map(neg, numbers)
        pairs = list(zip(numbers, ids if whole else map(ids.__getitem__, at), strict=True))
        order = sorted(range(len(pairs)), key=pairs.__getitem__)
        return order if whole else list(map(at.__getitem__, order))
    at = sorted(at, key=ids.__getitem__)
    at.sort(key=keys.__getitem__, reverse=descending)  # stable: ties stay by id
    return at


# Writers of the JSON text of a value, by exact type, as json writes it inside a
# document (strings through json's own writer); jsonable() leaves these types as they
# are, but for dates, written as their ISO form (``format(date, "")`` is ``str(date)``).
_WRITERS: dict[type, Callable[[Any], str]] = {
    str: _encode_str,
    type(None): "null".format,
    bool: ("false", "true").__getitem__,
    int: int.__repr__,
    _dt.date: '"{}"'.format,
}


class _DateTexts(dict[Any, str]):
    """Date -> its JSON text, made once per distinct date (dates repeat in a report);
    None -> ``null`` too, for columns of dates and unknown values."""

    def __missing__(self, day: _dt.date) -> str:
        text = self[day] = '"' + day.isoformat() + '"'
        return text

    def fill(self, values: Iterable[Any]) -> None:
        """Make the texts of the dates among ``values`` not made yet, without a
        Python call per date (``'"{}"'.format(day)`` is ``'"' + str(day) + '"'``)."""
        missing = set(values).difference(self)
        if missing:
            self.update(zip(missing, map('"{}"'.format, missing), strict=True))


class _Writers(dict[type, Callable[[Any], str]]):
    """``_WRITERS`` for one report's writing, dates through its own :class:`_DateTexts`
    (and ``iso``: date -> ISO text without quotes, for messages and date columns)."""

    __slots__ = ("dates", "iso")

    def __init__(self) -> None:
        super().__init__(_WRITERS)
        self.dates = _DateTexts({None: "null"})
        self[_dt.date] = self.dates.__getitem__
        self.iso: dict[_dt.date, str] = {}

    def iso_texts(self, days: Sequence[_dt.date]) -> list[str]:
        """The ISO texts of these dates (all of exact type ``date``), each distinct
        date formatted once per report (dates repeat: a date's text is a Python call)."""
        iso = self.iso
        missing = set(days).difference(iso)
        if missing:
            iso.update(zip(missing, map(_dt.date.isoformat, missing), strict=True))
        return list(map(iso.__getitem__, days))


def _writers() -> _Writers:
    return _Writers()


_first, _second, _third, _values = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)
_CHUNK = 512  # records per chunk of Findings._subject_parts
_DATE_OR_NONE = frozenset({_dt.date, type(None)})
_NONE_TYPE = type(None)
_STR_OR_NONE = frozenset({str, _NONE_TYPE})
# (a string is never equal to None: these give a string itself, or its written text)
_NONE_EMPTY: dict[Any, str] = {None: ""}
_NONE_NULL: dict[Any, str] = {None: "null"}
# What json's string writer escapes (with ensure_ascii=False): quotes, backslashes and
# C0 controls; in UTF-8 these bytes stand for nothing else.
_JSON_ESCAPED = bytes(range(0x20)) + b'"\\'


def _plain(texts: Sequence[Any]) -> bool | None:
    """Whether json writes each of these strings as it is between two quotes (none
    holds a character it escapes): one look at their UTF-8 bytes joined, about twice
    as fast as writing them one by one (``bytes.translate`` deletes those bytes).
    None when they are not all strings (a ``str`` subclass is written as a string)."""
    try:
        text = "".join(texts)
    except TypeError:
        return None
    data = text.encode("utf-8", "surrogatepass")
    return len(data.translate(None, _JSON_ESCAPED)) == len(data)


def _column(
    values: Sequence[Any], writers: _Writers, types: set[type] | None = None
) -> Iterable[str]:
    """The JSON texts of one column of values: through one writer (a C function or
    method) when they are all of one type that has one, dates and unknowns through
    the report's date texts, else value by value.  ``types``: the values' types, when
    the caller found them."""
    if types is None:
        types = set(map(type, values))
    if types <= _DATE_OR_NONE:
        dates = writers.dates
        dates.fill(values)
        return map(dates.__getitem__, values)
    if len(types) == 1:
        writer = writers.get(next(iter(types)))
        if writer is not None:
            return map(writer, values)
    if types == _STR_OR_NONE:  # texts and unknowns (a note or none): C-level maps
        # json's writer for each string ("" for an unknown), then "null" for each unknown
        texts: Iterable[str] = map(_NONE_EMPTY.get, values, values)
        written = map(_encode_str, texts)
        return list(map(_NONE_NULL.get, values, written))
    write = writers.get
    return [write(v.__class__, _slow_json)(v) for v in values]


def _form_segments(
    form: RenderColumns, records: Sequence[Any], writers: _Writers
) -> list[Any] | None:
    """The message and evidence of these records' subject texts (``_subject_dict``), from
    ``render``'s column form: constant texts and columns of texts, in order (see
    :func:`_interleave`); None when the records' values are not all of one length."""
    message, pairs = form
    try:
        values = list(zip(*map(_values, records), strict=True))
    except (ValueError, TypeError):
        return None
    used = [p[0] for p in message if not isinstance(p, str)] + [at for _key, at in pairs]
    if not all(0 <= at < len(values) for at in used):
        return None
    # A value is often in the message and the evidence (a name, a date), or two values
    # are the same texts (``c.name ?? "A connection"`` and ``c.name``): each column's
    # dates are written and its strings checked once.
    checked = _Checked(writers)
    segments: list[Any] = ['},"message":"']
    for part in message:
        if isinstance(part, str):
            segments.append(_encode_str(part)[1:-1])
        else:
            at, spec = part
            texts = _message_texts(values[at], spec, checked)
            if checked.plain(texts):
                segments.append(texts)
            else:  # json's writer, without its quotes: escaping goes character by character
                segments.append(list(map(str.__getitem__, map(_encode_str, texts), _INNERS)))
    segments.append('"')
    segments += _evidence_segments(
        tuple(map(_first, pairs)), [values[at] for _key, at in pairs], writers, checked
    )
    return segments


class _Checked:
    """What one chunk's columns were found to be (see :func:`_form_segments`): whether
    a column of texts needs no escape (:func:`_plain`), and the ISO texts of a column
    of dates, each found once per column (or per column of the same texts)."""

    __slots__ = ("dates", "kinds", "plains", "writers")

    def __init__(self, writers: _Writers):
        self.writers = writers
        self.plains: list[tuple[Sequence[Any], bool | None]] = []
        self.dates: list[tuple[Sequence[Any], list[str]]] = []
        self.kinds: list[tuple[Sequence[Any], set[type]]] = []

    def types(self, values: Sequence[Any]) -> set[type]:
        """``set(map(type, values))``, found once per column (a column of the message is
        often one of the evidence too)."""
        for seen, types in self.kinds:
            if seen is values:
                return types
        types = set(map(type, values))
        self.kinds.append((values, types))
        return types

    def plain(self, texts: Sequence[Any]) -> bool | None:
        for seen, plain in self.plains:
            if seen is texts or seen == texts:
                return plain
        plain = _plain(texts)
        self.plains.append((texts, plain))
        return plain

    def iso_texts(self, days: Sequence[_dt.date]) -> list[str]:
        for seen, texts in self.dates:
            if seen is days:
                return texts
        texts = self.writers.iso_texts(days)
        self.dates.append((days, texts))
        self.plains.append((texts, True))  # ISO dates need no escape
        return texts


def _evidence_segments(
    keys: tuple[str, ...],
    columns: list[Sequence[Any]],
    writers: _Writers,
    checked: _Checked | None = None,
) -> list[Any]:
    """``,"evidence":{...}}`` of subject texts: each key's column of values written as
    json writes it (strings json leaves as they are between quotes in the constant
    parts; ISO dates likewise; other values through ``_column``)."""
    if checked is None:
        checked = _Checked(writers)
    segments: list[Any] = [',"evidence":{']
    for j, (key, column) in enumerate(zip(keys, columns, strict=True)):
        segments.append(("," if j else "") + _encode_str(key) + ":")
        plain = checked.plain(column)
        if plain is not None:
            segments += _json_strings(column, plain)
        elif checked.types(column) == _DATE_ONLY:  # ISO dates need no escape
            segments += ['"', checked.iso_texts(column), '"']
        else:
            segments.append(_column(column, writers, checked.types(column)))
    segments.append("}}")
    return segments


def _json_strings(texts: Sequence[str], plain: bool) -> list[Any]:
    """Segments writing these strings as json does: between quotes as they are when
    none holds a character json escapes, else through json's string writer."""
    if plain:
        return ['"', texts, '"']
    return [list(map(_encode_str, texts))]


def _interleave(segments: list[Any], n: int, lead: str) -> str:
    """The text of ``n`` records, ``lead`` first, records separated by commas, from
    ``segments``: constant texts (``str``) and columns of ``n`` texts each, in order.

    The parts go into one list, record after record, filled a column at a time by
    extended-slice assignments (each a C loop storing references): no tuple per
    record, and join() is handed a list as it is.  Adjacent constants are joined, a
    record's last constant with the next record's first."""
    pieces: list[str] = [""]
    columns: list[Any] = []
    for seg in segments:
        if seg.__class__ is str:
            pieces[-1] += seg
        else:
            columns.append(seg)
            pieces.append("")
    first, last = pieces[0], pieces[-1]
    width = 2 * len(columns)
    if not width:
        return lead + ",".join([first] * n)
    parts: list[Any] = [None] * (n * width + 1)
    parts[0] = lead + first
    for j, column in enumerate(columns):
        parts[2 * j + 1 :: width] = column  # a column of another length raises
        if j + 1 < len(columns):
            parts[2 * j + 2 :: width] = [pieces[j + 1]] * n
    parts[width::width] = [last + "," + first] * n
    parts[-1] = last
    return "".join(parts)


def _message_texts(values: Sequence[Any], spec: str | None, checked: _Checked) -> Sequence[str]:
    """``[message_value(v, spec) for v in values]``, made without a Python call per
    value: strings are their own text, dates their ISO form (the report's table);
    other values are formatted once per distinct value (of :data:`_SAME_TEXT` types)
    or once per distinct object (any other type: the same object reads the same)."""
    types = checked.types(values)
    if types == _STR_ONLY:
        return values
    if types == _DATE_ONLY:
        return checked.iso_texts(values)
    if types <= _SAME_TEXT and not (bool in types and int in types):
        if str in types:
            table = {v: message_value(v, spec) for v in set(values) if v.__class__ is not str}
            return list(map(table.get, values, values))  # a string is its own text
        table = {v: message_value(v, spec) for v in set(values)}
        return list(map(table.__getitem__, values))
    keys = list(map(id, values))  # the values are alive: their ids are distinct
    table = {k: message_value(v, spec) for k, v in dict(zip(keys, values, strict=True)).items()}
    return list(map(table.__getitem__, keys))


# Types whose equal values read alike in a message and hash in C (one text per distinct
# value serves a column): not bools with ints (True == 1), not floats (0.0 == -0.0).
_SAME_TEXT = frozenset({str, int, bool, type(None), _dt.date})
_STR_ONLY, _DATE_ONLY = frozenset({str}), frozenset({_dt.date})
_INNERS = repeat(slice(1, -1))  # a JSON string's text without its quotes


def _slow_json(value: Any) -> str:
    """Any other value (floats, containers, durations, ranges, subclasses...):
    ``dumps(jsonable(value))``, the text ``to_dicts()`` would give it."""
    return dumps(jsonable(value))


def _evidence_form(keys: tuple[Any, ...]) -> str | None:
    """``{"a":%s,"b":%s}`` for these keys; None when one is not a string (jsonable and
    json write other keys differently: such a dict takes the general way)."""
    if not all(k.__class__ is str for k in keys):
        return None
    return "{" + ",".join(_percent(_encode_str(k)) + ":%s" for k in keys) + "}"


def _percent(text: str) -> str:
    return text.replace("%", "%%")


def _subject_form(kind: str, keys: tuple[Any, ...]) -> str | None:
    """The ``%`` template of ``_subject_dict``'s JSON text (id, message, evidence values)."""
    evidence = _evidence_form(keys)
    if evidence is None:
        return None
    return (
        '{"subject":{"kind":'
        + _percent(dumps(kind))
        + ',"id":%s},"message":%s,"evidence":'
        + evidence
        + "}"
    )


def _finding_form(info: RuleOutput, severity: str, keys: tuple[Any, ...]) -> str | None:
    """The ``%`` template of ``Finding.to_dict()``'s JSON text for this rule and severity
    (id, message, evidence values)."""
    evidence = _evidence_form(keys)
    if evidence is None:
        return None
    head = dumps({"rule": info.rule, "severity": severity, "category": info.category})
    tail = dumps({"advice": list(info.advice), "source": info.source})
    return (
        _percent(head[:-1])
        + ',"subject":{"kind":'
        + _percent(dumps(info.kind))
        + ',"id":%s},"message":%s,"evidence":'
        + evidence
        + ","
        + _percent(tail[1:])
    )


def _filled(
    form: str, sid: Any, message: Any, evidence: dict[str, Any], write: Callable[..., Any]
) -> str:
    """A recorded finding's JSON text: its template (``_finding_form`` or
    ``_subject_form``) filled with the subject id, the message and the evidence values,
    each through the writer for its type (``_writers().get``); a message that is not a
    string as json writes it (the dict holds it as it is, not through ``jsonable``)."""
    return form % (
        _encode_str(str(sid)),
        _encode_str(message) if message.__class__ is str else dumps(message),
        *[write(v.__class__, _slow_json)(v) for v in evidence.values()],
    )


def _head_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "severity": f.severity,
        "category": f.category,
        "subject": {"kind": f.subject.kind, "id": f.subject.id},
        "message": f.message,
        "evidence": jsonable(f.evidence),
        "advice": list(f.advice),
        "source": f.source,
    }


def _subject_dict(f: Finding) -> dict[str, Any]:
    return {
        "subject": {"kind": f.subject.kind, "id": f.subject.id},
        "message": f.message,
        "evidence": jsonable(f.evidence),
    }


@attrs.frozen(slots=True)
class RuleSkips:
    """Subjects a rule could not judge for missing data, and which fields were missing."""

    rule: str
    count: int
    fields: dict[str, int] = attrs.field(factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "count": self.count, "fields": dict(sorted(self.fields.items()))}


@attrs.frozen(slots=True)
class Origin:
    """What a report was evaluated from, for the output that draws the network (HTML).

    References, never copies: ``network`` and ``ruleset`` are the objects
    :meth:`RuleSet.evaluate <netrules.RuleSet.evaluate>` was given, ``params`` the values
    it used when some were overridden.  ``shown`` is the filter the report's own strings
    went through (``--redact``'s pseudonyms, or e-mail hiding), so that the charts and
    tables, drawn from the real network, show what the findings show.
    """

    network: Any = None
    ruleset: Any = None
    params: Mapping[str, Any] | None = None
    shown: Callable[[str], str] | None = None
    redacted: bool = False


@attrs.frozen(slots=True)
class Report:
    """All findings of one evaluation, sorted by severity, rule and subject."""

    as_of: _dt.date
    network: dict[str, Any]
    # A Findings (built when read) from an evaluation; any sequence of Finding otherwise.
    findings: Sequence[Finding]
    skipped: tuple[RuleSkips, ...] = ()
    member: str | None = None
    # What netrules assumed about the member: Fact.to_dict() records (empty for a
    # network document and with infer=False); see docs/report-format.md.
    assumptions: tuple[dict[str, Any], ...] = attrs.field(default=(), hash=False)
    # Set by RuleSet.evaluate: what to_html() draws the charts from (not compared or shown).
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False, hash=False)

    @property
    def summary(self) -> dict[str, int]:
        if isinstance(self.findings, Findings):
            return self.findings.counts()
        counts = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            counts[f.severity] += 1
        return counts

    def worst(self) -> str | None:
        """The most severe severity present, or None for a clean report."""
        counts = self.summary
        for sev in ("error", "warning", "info"):
            if counts[sev]:
                return sev
        return None

    def to_dict(self) -> dict[str, Any]:
        """The documented report format (docs/report-format.md)."""
        findings = self.findings
        return self._dict(
            findings.to_dicts()
            if isinstance(findings, Findings)
            else [f.to_dict() for f in findings]
        )

    def _dict(self, findings: Any) -> dict[str, Any]:
        """:meth:`to_dict` with ``findings`` as the value of its ``findings`` key."""
        out = {
            "as_of": self.as_of.isoformat(),
            "network": dict(self.network),
            "findings": findings,
            "summary": self.summary,
            "skipped": [s.to_dict() for s in self.skipped],
        }
        if self.assumptions:
            out["assumptions"] = [dict(a) for a in self.assumptions]
        return out

    def to_html(self, network: Any = None, ruleset: Any = None) -> str:
        """The report as one self-contained HTML page (needs the extra ``netrules[html]``).

        The charts draw the network the report was evaluated from, and the rule set
        supplies rule titles, reasons and target tables; both are remembered by
        :meth:`RuleSet.evaluate <netrules.RuleSet.evaluate>`.  Pass them for a report
        made another way.
        """
        from .html_report import render_html

        return render_html(self, network, ruleset)

    def to_json(self, indent: int | None = None) -> str:
        """Byte-for-byte stable JSON for the same input: compact (no spaces) by default,
        ``indent=2`` for people.

        Compact output goes through json's C encoder; any ``indent`` makes json fall back
        to its pure-Python encoder, several times slower on a large report.
        """
        return report_json(self, None, indent)


_FINDINGS = object()  # where report_json() puts the findings' own JSON text


def report_json(
    report: Report,
    extra: Mapping[str, Any] | None = None,
    indent: int | None = None,
    end: str = "",
) -> str:
    """``dumps({**report.to_dict(), **extra}, indent) + end``, the same text.

    Compact, a :class:`Findings` writes its own part (:meth:`Findings._json`, no
    ``to_dicts()`` copy, or the text the e-mail check already made) and the rest is
    joined around it as ``json.dumps`` joins an object's members, in one join (the
    findings' part is most of a large report: each copy of it counts).
    """
    return "".join(report_json_parts(report, extra, indent, end))


def report_json_parts(
    report: Report,
    extra: Mapping[str, Any] | None = None,
    indent: int | None = None,
    end: str = "",
) -> list[str]:
    """:func:`report_json`'s text in parts, not joined (``render_utf8`` encodes them)."""
    findings = report.findings
    if indent is not None or not isinstance(findings, Findings):
        data = report.to_dict()
        data.update(extra or {})
        return [dumps(data, indent) + end]
    data = report._dict(_FINDINGS)
    data.update(extra or {})
    parts: list[str] = []
    for key, value in data.items():
        parts.append(("{" if not parts else ",") + dumps(key) + ":")
        if value is _FINDINGS:
            parts += findings._json_parts()
        else:
            parts.append(dumps(value))
    parts.append("}" + end)
    return parts


def dumps(data: Any, indent: int | None = None) -> str:
    """JSON text of report data: compact through the C encoder, or indented for people."""
    if indent is None:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(data, ensure_ascii=False, indent=indent)


attrs_code.flush()  # the code of the classes above, if newly compiled
