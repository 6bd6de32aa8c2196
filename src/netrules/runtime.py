"""Helpers the compiled rules call: every one is total (None in, None out; no raise).

These are the only callables generated code can reach; together with the
schema they are the whole of what a rule file can do.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable
from typing import Any

from .findings import Finding, Subject
from .values import Duration, Range, add_duration, format_value, message_value

__all__ = ["NAMESPACE"]

_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)


def _lower(s: str | None) -> str | None:
    return None if s is None else s.lower()


def _upper(s: str | None) -> str | None:
    return None if s is None else s.upper()


def _trim(s: str | None) -> str | None:
    return None if s is None else s.strip()


def _contains(s: str | None, sub: str | None) -> bool | None:
    return None if s is None or sub is None else sub in s


def _starts_with(s: str | None, p: str | None) -> bool | None:
    return None if s is None or p is None else s.startswith(p)


def _ends_with(s: str | None, p: str | None) -> bool | None:
    return None if s is None or p is None else s.endswith(p)


def _length(x: Any) -> int | None:
    return None if x is None else len(x)


_NORM_CACHE: dict[tuple[str, str | None], str] = {}


def _normalize(s: str | None, name: str | None = None) -> str | None:
    """Lowercase, drop punctuation, squeeze spaces, and drop the words of ``name``.

    Two invitation notes that differ only in the recipient's name, case,
    punctuation or spacing normalise to the same text.
    """
    if s is None:
        return None
    key = (s, name)
    hit = _NORM_CACHE.get(key)
    if hit is not None:
        return hit
    words = _PUNCT.sub(" ", s.casefold()).split()
    if name:
        drop = set(_PUNCT.sub(" ", name.casefold()).split())
        words = [w for w in words if w not in drop]
    out = " ".join(words)
    if len(_NORM_CACHE) < 50_000:
        _NORM_CACHE[key] = out
    return out


def _provenance(net: Any, name: str, value: Any) -> str | None:
    """Where a member field's value came from: unknown when the value is; a value
    with no record (a network document) was declared."""
    if value is None:
        return None
    fact = net.fact(name)
    return "declared" if fact is None else fact.source


def _confidence(net: Any, name: str, value: Any) -> str | None:
    """How sure netrules is of a member field's value (declared: high)."""
    if value is None:
        return None
    fact = net.fact(name)
    return "high" if fact is None else fact.confidence


def _days_between(a: Any, b: Any) -> int | None:
    return None if a is None or b is None else (b - a).days


def _abs(x: Any) -> Any:
    return None if x is None else abs(x)


def _round(x: Any) -> Any:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return x  # round(inf) and round(nan) raise; keep them as they are
    return round(x)


_HUGE = 10**300  # past this an int no longer fits a float: it becomes ±infinity
_INF = float("inf")


def _plural(n: Any, one: str | None, many: str | None = None) -> str | None:
    """``3 invitations``: the count and the word that agrees with it, so a message never
    needs "invitation(s)"; ``many`` defaults to ``one`` + "s" (``person``/``people``)."""
    if n is None or one is None:
        return None
    return f"{format_value(n)} {one if n == 1 else (many if many is not None else one + 's')}"


def _choose(cond: bool | None, then: str | None, otherwise: str | None) -> str | None:
    """A phrase that depends on the subject (``", though they had declined"`` or ``""``):
    ``then`` when ``cond`` is true, ``otherwise`` when false, unknown when ``cond`` is."""
    if cond is None:
        return None
    return then if cond else otherwise


def _signed_inf(positive: bool) -> float:
    return _INF if positive else -_INF


# _add, _sub and _mul keep an int result past _HUGE an infinity, in place (no call of
# a helper of their own: the buying-burst rule makes two of them per group)


def _add(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    try:
        r = a + b
    except OverflowError:  # a huge int meets a float: the int decides the sign
        return _signed_inf((a if type(a) is int else b) > 0)
    if type(r) is int and not -_HUGE < r < _HUGE:
        return _signed_inf(r > 0)
    return r


def _sub(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    try:
        r = a - b
    except OverflowError:
        return _signed_inf(a > 0 if type(a) is int and abs(a) >= _HUGE else b < 0)
    if type(r) is int and not -_HUGE < r < _HUGE:
        return _signed_inf(r > 0)
    return r


def _mul(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    try:
        r = a * b
    except OverflowError:
        return _signed_inf((a > 0) == (b > 0))
    if type(r) is int and not -_HUGE < r < _HUGE:
        return _signed_inf(r > 0)
    return r


def _div(a: Any, b: Any) -> Any:
    """Division by zero is unknown; a quotient too large for a float is ±infinity."""
    if a is None or b is None or b == 0:
        return None
    try:
        return a / b
    except OverflowError:
        return _signed_inf((a > 0) == (b > 0))


_DUR_CACHE: dict[tuple[Any, int, int, int], Any] = {}


def _add_dur(d: Any, dur: Any, sign: int) -> Any:
    if d is None or dur is None:
        return None
    if not dur.months:  # plain day arithmetic is cheaper than a cache look-up
        return add_duration(d, dur, sign)
    key = (d, dur.months, dur.days, sign)
    hit = _DUR_CACHE.get(key)
    if hit is None:
        hit = add_duration(d, dur, sign)
        if hit is not None and len(_DUR_CACHE) < 10_000:
            _DUR_CACHE[key] = hit
    return hit


def _dur(x: Any) -> Any:
    return None if x is None else x.approx_days()


def _in_range(x: Any, r: Range | None) -> bool | None:
    if x is None or r is None:
        return None
    return x in r


def _sum(values: Iterable[Any]) -> Any:
    return sum(v for v in values if v is not None)


def _avg(values: Iterable[Any]) -> Any:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def _min(values: Iterable[Any]) -> Any:
    vals = [v for v in values if v is not None]
    return min(vals) if vals else None


def _max(values: Iterable[Any]) -> Any:
    vals = [v for v in values if v is not None]
    return max(vals) if vals else None


def _first(values: Iterable[Any]) -> Any:
    """The first known value, in input order (a group's items keep it): the spelling a
    person wrote first, where the group key is a normalised form of it."""
    for v in values:
        if v is not None:
            return v
    return None


# What a cut drops at its end before the mark (redact.py makes the same cuts).
CUT_TRIM = " ,;:.-"


def _shorten(s: str | None, limit: float | None) -> str | None:
    """``s`` cut to at most ``limit`` characters at a word boundary, ``…`` marking the cut."""
    if s is None or limit is None:
        return None
    text = " ".join(s.split())
    n = max(1, int(limit))
    if len(text) <= n:
        return text
    cut = text[: n - 1]
    if " " in cut and not text[n - 1].isspace():
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(CUT_TRIM) + "…"


def _distinct(values: Iterable[Any]) -> int:
    seen = set(values)
    seen.discard(None)
    return len(seen)


def _collect(values: Iterable[Any]) -> tuple[Any, ...]:
    """Sorted, so that the order of the input never shows in a finding."""
    vals = [v for v in values if v is not None]
    try:
        vals.sort()
    except TypeError:
        vals.sort(key=repr)
    return tuple(vals)


def _any(values: Iterable[Any]) -> bool | None:
    unknown = False
    for v in values:
        if v is True:
            return True
        if v is None:
            unknown = True
    return None if unknown else False


def _all(values: Iterable[Any]) -> bool | None:
    unknown = False
    for v in values:
        if v is False:
            return False
        if v is None:
            unknown = True
    return None if unknown else True


def _peak(dates: Iterable[Any], window: Duration | None) -> int:
    """The most dates inside any window ``[d, d + window)``: sort + two pointers."""
    days = sorted(d for d in dates if d is not None)
    if not days or window is None:
        return 0
    best = 0
    j = 0
    n = len(days)
    if not window.months:
        span = window.days
        ordinals = [d.toordinal() for d in days]
        for i in range(n):
            limit = ordinals[i] + span
            if j < i:
                j = i
            while j < n and ordinals[j] < limit:
                j += 1
            best = max(best, j - i)
        return best
    for i in range(n):
        end = add_duration(days[i], window)
        if j < i:
            j = i
        while j < n and (end is None or days[j] < end):
            j += 1
        best = max(best, j - i)
    return best


def _count_both(values: Iterable[Any]) -> tuple[int, int]:
    """``count(x where w)`` read twice: items whose ``w`` is true, and those not false."""
    if isinstance(values, list):  # what the compiler passes: counted in C
        true = values.count(True)
        return true, true + values.count(None)
    true = unknown = 0
    for v in values:
        if v is True:
            true += 1
        elif v is None:
            unknown += 1
    return true, true + unknown


def _by_id(items: Iterable[Any]) -> dict[str, Any]:
    """Items by id for ``connections[id]`` (the loaders make ids unique)."""
    out: dict[str, Any] = {}
    for item in items:
        out.setdefault(item.id, item)
    return out


def _index_box(items: Any) -> list[Any]:
    """``[None, items]``: the place of ``connections[id]``'s dictionary, filled by
    :func:`_index_fill` at the first look-up (the code reads ``box[0] or _index_fill(box)``)."""
    return [None, items]


def _index_fill(box: list[Any]) -> dict[str, Any]:
    index = box[0] = _by_id(box[1])
    return index


def _as_set(values: Any) -> Any:
    return None if values is None else frozenset(values)


# Constructors and exact types for the code the compiler emits in place
# (findings, and message placeholders formatted without a call).
_Finding = Finding
_Subject = Subject
_str = str
_int = int
_date = _dt.date

NAMESPACE: dict[str, Any] = {
    name: obj
    for name, obj in globals().items()
    if name.startswith("_") and callable(obj) and not name.startswith("__")
}
NAMESPACE["_fmt"] = message_value
NAMESPACE["__builtins__"] = {"len": len, "sum": sum, "any": any, "True": True, "False": False}
