"""The compiled rule-set cache: a cold ``load_rules()`` that neither parses, checks nor
generates code.

Loading the pack parses every file, checks the program, generates the evaluation
function and compiles it.  When the same rule files were loaded before, all of that
gives the same result again, so :func:`store` keeps what *evaluating* a rule set
needs in the parse cache's folder: the compiled module (a code object, ``marshal``),
its constants, and plain data (rule ids, each rule's category, subject kind, advice
and source, precedence, tables, parameter declarations, load warnings).
:func:`lookup` gives it back; the rule set then builds its checked program (syntax
trees, ``RuleSet.program``, what ``rules``, ``explain``, ``select`` and the docs
read) only when something asks for it, from the very texts that were read.

An entry is found by a hash (BLAKE2b) of the engine (the code of every module that shapes
a tree, a checked program or generated code, and the interpreter's version) and of
every rule file's name and text, in load order; the same digest is inside the
tagged body.  Its tag (keyed with the cache folder's private key, as for parsed trees and
code) is checked before ``marshal`` reads a byte, so only an entry this user's
netrules wrote for exactly these texts is ever decoded: a stranger's rule file gets
exactly the code the compiler makes of it.  Anything wrong with an entry (missing,
forged, damaged, from another version) means the full load, silently.

docs/api.md ("The parse cache") has the threat model.
"""

from __future__ import annotations

import datetime as _dt
import marshal
import os
import sys
from collections.abc import Sequence
from types import CodeType
from typing import TYPE_CHECKING, Any

from .cache_key import DIGEST_BYTES, _genuine, _key, _tag, _write, cache_folder, hasher

if TYPE_CHECKING:
    from .compiled import CompiledProgram
    from .ruleset import RuleSet

__all__ = ["Restored", "engine_digest", "lookup", "store"]

_FORMAT = 2  # 2: BLAKE2b digests and tags (HMAC-SHA256 before)
_SUFFIX = ".ruleset"
_DIGEST = DIGEST_BYTES

# Every module whose code shapes what a rule set compiles to (tests/api/
# test_rules_cache.py checks that the parser, checker and compiler import no other).
ENGINE_FILES = (
    "grammar.lark",
    "__init__.py",
    "attrs_code.py",
    "cache_key.py",
    "checker.py",
    "compiled.py",
    "compiler.py",
    "diagnostics.py",
    "findings.py",
    "model.py",
    "nodes.py",
    "parse_cache.py",
    "parser.py",
    "printer.py",
    "rules_cache.py",
    "ruleset.py",
    "runtime.py",
    "schema.py",
    "transform.py",
    "values.py",
)

_engine: list[bytes | None] = []  # computed once per process


def engine_digest() -> bytes | None:
    """A fingerprint of the engine: the files above, lark's version (it builds the
    trees) and the interpreter (whose bytecode and ``marshal`` format an entry holds);
    None when a file cannot be read (an installation inside a zip: no compiled rule-set
    cache)."""
    if not _engine:
        h = hasher(f"{_FORMAT}\0{sys.implementation.cache_tag}\0{sys.version}".encode())
        here = os.path.dirname(os.path.abspath(__file__))
        digest: bytes | None = None
        try:
            files = [os.path.join(here, name) for name in ENGINE_FILES]
            files.append(_module_file("lark"))  # its __init__.py holds __version__
            for path in files:
                with open(path, "rb") as fh:
                    data = fh.read()
                h.update(b"\0%s\0%d\0" % (os.path.basename(path).encode(), len(data)))
                h.update(data)
            digest = h.digest()
        except OSError:
            pass
        _engine.append(digest)
    return _engine[0]


def _module_file(name: str) -> str:
    """Where a module would be imported from, without importing it (nor importlib.util,
    whose import alone costs more than this whole check)."""
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        spec = find(name, None) if find is not None else None
        if spec is not None and spec.origin and os.path.isfile(spec.origin):
            return str(spec.origin)
    raise FileNotFoundError(name)


def _digest(engine: bytes, sources: Sequence[tuple[str, str]]) -> bytes:
    h = hasher(engine)
    for shown, text in sources:
        name = shown.encode("utf-8", "surrogatepass")
        body = text.encode("utf-8", "surrogatepass")
        h.update(b"%d\0%s%d\0" % (len(name), name, len(body)))
        h.update(body)
    return h.digest()


# ---------------------------------------------------------------- values


class _Uncacheable(Exception):
    """A value the entry has no way to say (the rule set is then not cached)."""


_SCALARS = (str, int, float, bool, type(None))


def _plain(value: Any) -> bool:
    """Whether ``marshal`` gives this value back exactly as it is (types included)."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is tuple or kind is list or kind is frozenset:
        return all(_plain(v) for v in value)
    if kind is dict:
        return all(_plain(k) and _plain(v) for k, v in value.items())
    return False


def _tagged(value: Any) -> Any:
    """Every container and value object as a tuple ``(tag, ...)``; scalars as they are."""
    from .values import Duration, Range

    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is tuple:
        return ("t", tuple(_tagged(v) for v in value))
    if kind is list:
        return ("l", tuple(_tagged(v) for v in value))
    if kind is frozenset:
        return ("f", tuple(_tagged(v) for v in value))
    if kind is dict:
        return ("m", tuple((_tagged(k), _tagged(v)) for k, v in value.items()))
    if kind is _dt.date:
        return ("d", value.toordinal())
    if kind is Duration:
        return ("D", value.months, value.days)
    if kind is Range:
        return ("R", value.low, value.high, value.open)
    raise _Uncacheable(kind.__name__)


def _pack(value: Any) -> tuple[bool, Any]:
    """(False, value) when marshal keeps it exactly, else (True, its tagged form)."""
    return (False, value) if _plain(value) else (True, _tagged(value))


def _untag(value: Any) -> Any:
    if type(value) is not tuple:
        return value
    tag = value[0]
    if tag == "t":
        return tuple(_untag(v) for v in value[1])
    if tag == "l":
        return [_untag(v) for v in value[1]]
    if tag == "f":
        return frozenset(_untag(v) for v in value[1])
    if tag == "m":
        return {_untag(k): _untag(v) for k, v in value[1]}
    if tag == "d":
        return _dt.date.fromordinal(value[1])
    from .values import Duration, Range

    if tag == "D":
        return Duration(value[1], value[2])
    if tag == "R":
        return Range(value[1], value[2], value[3])
    raise ValueError(f"unknown tag {tag!r}")


def _unpack(packed: Any) -> Any:
    walk, value = packed
    return _untag(value) if walk else value


# ---------------------------------------------------------------- entries


class Restored:
    """What a cached rule set evaluates and reports with (see :meth:`RuleSet._restored`)."""

    __slots__ = ("compiled", "params", "tables", "titles", "warnings")

    def __init__(
        self,
        compiled: CompiledProgram,
        tables: dict[str, tuple[dict[str, Any], Any]],
        params: dict[str, tuple[Any, ...]],
        warnings: tuple[tuple[Any, ...], ...],
        titles: tuple[str | None, ...],
    ):
        self.compiled = compiled
        self.tables = tables  # name -> (rows, default)
        # name -> (type, default, doc, path, (line, column, end line, end column), bounds)
        self.params = params
        # (code, severity, message, path, span, hint, source line)
        self.warnings = warnings
        self.titles = titles  # by rule index


def _entry_path(folder: str, digest: bytes) -> str:
    return os.path.join(folder, f"{digest.hex()}{_SUFFIX}")


def lookup(sources: Sequence[tuple[str, str]]) -> tuple[bytes | None, Restored | None]:
    """The digest of these ``(name, text)`` sources (None: no cache) and the rule set
    cached for them, if a genuine entry exists."""
    folder = cache_folder()
    if folder is None:
        return None, None
    engine = engine_digest()
    if engine is None:
        return None, None
    digest = _digest(engine, sources)
    key = _key(folder)
    if key is None:
        return None, None
    try:
        with open(_entry_path(folder, digest), "rb") as fh:
            raw = fh.read()
    except OSError:
        return digest, None
    tag, _, body = raw.partition(b"\n")
    if not body or body[:_DIGEST] != digest:
        return digest, None
    if not _genuine(tag, key, body):
        return digest, None  # not written by this user's netrules: never decoded
    try:
        return digest, _restore(marshal.loads(body[_DIGEST:]))
    except Exception:  # an entry of ours that does not restore: the full load, as promised
        return digest, None


def _restore(payload: Any) -> Restored:
    from .compiled import CompiledProgram
    from .findings import RuleOutput
    from .runtime import NAMESPACE

    (
        fmt,
        code,
        constants,
        source,
        rule_ids,
        suppressions,
        hides_all,
        suppressions_by_index,
        hides_all_by_index,
        outputs,
        tables,
        params,
        warnings,
        titles,
    ) = payload
    if fmt != _FORMAT or not isinstance(code, CodeType):
        raise ValueError("not an entry of this format")
    k = _unpack(constants)
    namespace = dict(NAMESPACE)
    namespace["K"] = k
    exec(code, namespace)  # the tag said this user's netrules compiled it from these texts
    compiled = CompiledProgram(
        namespace["_evaluate"],
        k,
        source,
        rule_ids,
        suppressions,
        hides_all,
        tuple(
            None
            if row is None
            else RuleOutput(row[0], row[1], row[2], row[3], row[4], namespace[f"M{i}"], *row[5:])
            for i, row in enumerate(outputs)
        ),
        suppressions_by_index,
        hides_all_by_index,
        code,
    )
    return Restored(
        compiled,
        {name: _unpack(packed) for name, packed in tables},
        {name: (row[0], _unpack(row[1]), *row[2:]) for name, row in params},
        warnings,
        titles,
    )


def store(digest: bytes, ruleset: RuleSet) -> None:
    """Keep what evaluating ``ruleset`` needs under ``digest`` (see :func:`lookup`);
    a rule set with a value the entry cannot hold is not kept."""
    folder = cache_folder()
    key = _key(folder) if folder is not None else None
    compiled = ruleset._compiled
    if folder is None or key is None or compiled.code is None:
        return
    program = ruleset.program
    try:
        payload = (
            _FORMAT,
            compiled.code,
            _pack(compiled.constants),
            compiled.source,
            compiled.rule_ids,
            compiled.suppressions,
            compiled.hides_all,
            compiled.suppressions_by_index,
            compiled.hides_all_by_index,
            tuple(
                None
                if o is None
                else (
                    o.rule,
                    o.category,
                    o.kind,
                    o.advice,
                    o.source,
                    o.key,
                    o.label,
                    o.descending,
                    o.show,
                    o.columns,
                )
                for o in compiled.outputs
            ),
            tuple((name, _pack(value)) for name, value in ruleset._tables.items()),
            tuple(
                (
                    name,
                    (
                        p.type,
                        _pack(p.default),
                        p.doc,
                        p.path,
                        (p.span.line, p.span.column, p.span.end_line, p.span.end_column),
                        p.bounds,
                    ),
                )
                for name, p in program.params.items()
            ),
            tuple(
                (
                    d.code,
                    d.severity,
                    d.message,
                    d.path,
                    (d.span.line, d.span.column, d.span.end_line, d.span.end_column),
                    d.hint,
                    d.source_line,
                )
                for d in program.diagnostics
                if d.severity == "warning"
            ),
            tuple(ri.node.title for ri in program.rules),
        )
        if not _plain(payload[4:]):  # ids, kinds, advice, tables and parameters as packed
            raise _Uncacheable("metadata")
        body = digest + marshal.dumps(payload)
    except (_Uncacheable, ValueError, RecursionError):
        return
    _write(_entry_path(folder, digest), _tag(key, body).encode() + b"\n" + body)
