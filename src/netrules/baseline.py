"""Acknowledged findings: a baseline file and ``[[acknowledge]]`` entries hide what is known.

A finding is keyed by its rule and its subject (``stale-connection`` +
``connection:https://www.linkedin.com/in/jane``): the connection id of an export
is the profile URL, so the key survives a newer export and any reordering.
:func:`baseline_text` writes the current findings as a TOML baseline;
:func:`apply_acknowledgements` hides the acknowledged ones and counts what is new,
what was fixed (an acknowledgement whose finding is gone: stale) and what expired.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from .config import (
    MAX_CONFIG_BYTES,
    Acknowledgement,
    ConfigError,
    _Reader,
    key_positions,
    normal_subject,
)

__all__ = [
    "BaselineResult",
    "apply_acknowledgements",
    "baseline_text",
    "finding_keys",
    "load_baseline",
    "parts",
    "subject_key",
]

BASELINE_VERSION = 1


def subject_key(subject: Any) -> str:
    """``kind:id`` of a Subject (``member:member`` for the member)."""
    return f"{subject.kind}:{subject.id}"


def parts(finding: Any) -> tuple[Any, ...]:
    """The per-subject findings an aggregated finding stands for, else the finding itself."""
    many = getattr(finding, "subjects", None)
    return tuple(many) if many else (finding,)


def finding_keys(finding: Any) -> list[tuple[str, str]]:
    """(rule, subject key) of each subject a finding is about."""
    return [(finding.rule, subject_key(p.subject)) for p in parts(finding)]


@attrs.frozen
class BaselineResult:
    """What acknowledgements did to one report.

    ``new``: findings shown (not acknowledged); ``acknowledged``: findings hidden;
    ``fixed``: acknowledgements whose finding is gone; ``stale`` lists those;
    ``expired``: acknowledgements past their date (their findings are shown again).
    """

    new: int
    acknowledged: int
    fixed: int
    stale: tuple[Acknowledgement, ...] = ()
    expired: tuple[Acknowledgement, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        def entry(a: Acknowledgement) -> dict[str, Any]:
            return {
                "rule": a.rule,
                "subject": a.subject,
                "reason": a.reason,
                "expires": a.expires.isoformat() if a.expires else None,
                "origin": a.origin,
            }

        return {
            "new": self.new,
            "acknowledged": self.acknowledged,
            "fixed": self.fixed,
            "stale": [entry(a) for a in self.stale],
            "expired": [entry(a) for a in self.expired],
        }


def apply_acknowledgements(
    report: Any, acknowledgements: Sequence[Acknowledgement], *, today: _dt.date | None = None
) -> tuple[Any, BaselineResult]:
    """The report without acknowledged findings, and the counts.

    Counts are per subject.  An aggregated finding keeps the subjects that are not
    acknowledged (its summary message still counts them all) and is hidden when
    none is left.  An acknowledgement whose ``expires`` is before ``today``
    (default: the report's ``as_of``) hides nothing and is listed as expired.
    """
    today = today or report.as_of
    live: dict[tuple[str, str], Acknowledgement] = {}
    expired = []
    for ack in acknowledgements:
        if ack.expires is not None and ack.expires < today:
            expired.append(ack)
        else:
            live.setdefault(ack.key, ack)
    used: set[tuple[str, str]] = set()
    kept = []
    hidden = shown = 0
    for finding in report.findings:
        keep = []
        for part in parts(finding):
            key = (finding.rule, subject_key(part.subject))
            if key in live:
                used.add(key)
                hidden += 1
            else:
                keep.append(part)
        shown += len(keep)
        if len(keep) == len(parts(finding)):
            kept.append(finding)
        elif len(keep) == 1:
            kept.append(keep[0])  # what is left of an aggregate: that one finding
        elif keep:
            evidence = dict(finding.evidence)
            if "found" in evidence:
                evidence["found"] = len(keep)
            kept.append(attrs.evolve(finding, subjects=tuple(keep), evidence=evidence))
    stale = tuple(a for k, a in live.items() if k not in used)
    expired = [a for a in expired if a.key not in live]  # still acknowledged elsewhere
    if hidden:
        report = attrs.evolve(report, findings=tuple(kept))
    return report, BaselineResult(shown, hidden, len(stale), stale, tuple(expired))


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def baseline_text(report: Any, *, messages: bool = True) -> str:
    """A TOML baseline acknowledging every finding of ``report``, sorted by key.

    Each entry is ``rule`` + ``subject``; the finding's message follows as a
    comment (for people reading the file; ``messages=False`` leaves it out).
    """
    entries: dict[tuple[str, str], str] = {}
    for finding in report.findings:
        for part in parts(finding):
            entries.setdefault((finding.rule, subject_key(part.subject)), part.message)
    lines = [
        f"# netrules baseline: findings acknowledged as they stood on {report.as_of.isoformat()}.",
        "# netrules check --baseline FILE hides them and reports only what is new.",
        f"version = {BASELINE_VERSION}",
    ]
    for rule, subject in sorted(entries):
        lines.append("")
        if messages:
            lines.append("# " + " ".join(entries[(rule, subject)].split()))
        lines.append("[[acknowledge]]")
        lines.append(f"rule = {_toml_string(rule)}")
        lines.append(f"subject = {_toml_string(subject)}")
    return "\n".join(lines) + "\n"


def load_baseline(path: str | os.PathLike[str]) -> tuple[Acknowledgement, ...]:
    """Read a baseline file (as :func:`baseline_text` writes it, or written by hand)."""
    import tomllib

    shown = str(path)
    try:
        with open(path, encoding="utf-8-sig") as fh:  # bounded, like every input
            text = fh.read(MAX_CONFIG_BYTES * 16 + 1)
        if len(text) > MAX_CONFIG_BYTES * 16:
            raise ConfigError("larger than 16 MiB; not a baseline file", file=shown)
    except FileNotFoundError:
        raise ConfigError(
            "no such baseline file (write one with --write-baseline)", file=shown
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the baseline: {exc}", file=shown) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", file=shown) from None
    except (RecursionError, ValueError) as exc:  # too deep, or a number of 4,300+ digits
        raise ConfigError(f"invalid TOML: {exc or 'nested too deeply'}", file=shown) from None
    reader = _Reader(shown, key_positions(text), Path(shown).parent)
    for key in data:
        if key not in ("version", "acknowledge"):
            raise reader.unknown(key, key, ("version", "acknowledge"))
    if data.get("version", BASELINE_VERSION) != BASELINE_VERSION:
        raise reader.fail("version", f"unsupported baseline version {data['version']!r}")
    return reader.acknowledgements(data.get("acknowledge", []))


def counts_line(result: BaselineResult) -> str:
    """``Baseline: 2 new, 3 fixed, 40 still acknowledged`` (and expired ones)."""
    text = (
        f"Baseline: {result.new} new, {result.fixed} fixed, "
        f"{result.acknowledged} still acknowledged"
    )
    if result.expired:
        text += f", {len(result.expired)} expired"
    return text


def stale_lines(result: BaselineResult, baseline_path: str | None = None) -> list[str]:
    """People-readable notes on stale and expired acknowledgements."""
    out = []
    listed = [
        a
        for a in result.stale
        if not (baseline_path and a.origin and a.origin.startswith(f"{baseline_path}:"))
    ]
    from_file = len(result.stale) - len(listed)
    if listed:
        out.append("Stale acknowledgements (the finding is gone; remove them):")
        out.extend(f"  {a.origin}: {a.rule} {normal_subject(a.subject)}" for a in listed)
    if from_file:
        out.append(
            f"{from_file} finding{'s' if from_file != 1 else ''} of the baseline "
            f"{'are' if from_file != 1 else 'is'} fixed; --write-baseline {baseline_path} "
            "records the current state."
        )
    if result.expired:
        out.append("Expired acknowledgements (their findings are shown again):")
        out.extend(
            f"  {a.origin}: {a.rule} {normal_subject(a.subject)} "
            f"(expired {a.expires.isoformat() if a.expires else ''})"
            for a in result.expired
        )
    return out
