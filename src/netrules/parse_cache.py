"""The parsed-rule-file cache: syntax trees as authenticated JSON, never pickles.

Parsing is most of the cost of loading the pack, so each file's tree is kept in
the user's cache folder.  Whoever can write that folder must not be able to run
code in every user of it, nor change what the rules say, so an entry is

* plain JSON of the tree (node class names from a fixed list, field values,
  tuples, dates): loading it constructs netrules' own node classes and nothing
  else, whatever the file holds; and
* authenticated by a keyed BLAKE2b tag with a key in the cache folder (``key``,
  created ``0600``, used only when it belongs to the current user and nobody
  else can read or write it).  An entry whose tag does not match, whose text
  or name differs, or that does not decode is ignored and the file is parsed
  again: the cache can make loading faster, never different.

The same folder keeps the compiled evaluation function of a rule set
(:func:`compile_cached`): a code object, found by the hash of the generated source and
authenticated the same way before ``marshal`` reads it.

docs/api.md ("The parse cache") says where the folder is, how to turn it off, and the
threat model.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import marshal
import sys
from collections.abc import Callable
from pathlib import Path
from types import CodeType
from typing import Any

import attrs

from . import nodes as n

# the folder and its key live apart: the formatter's cache uses them without the engine
from .cache_key import _genuine, _key, _tag, _write, cache_dir, hasher, package_files
from .diagnostics import Diagnostic, Span
from .values import Duration, Range

__all__ = ["cache_dir", "compile_cached", "package_files", "parse_cached"]

_SUFFIX = ".json"
_CODE_SUFFIX = ".code"

# The only classes an entry may name.
_CLASSES: dict[str, type] = {
    name: cls
    for name, cls in ((name, getattr(n, name)) for name in n.__all__)
    if isinstance(cls, type) and attrs.has(cls)
}
_CLASSES.update(Span=Span, Duration=Duration, Range=Range)
_FIELDS = {name: tuple(f.name for f in attrs.fields(cls)) for name, cls in _CLASSES.items()}


@functools.cache
def grammar_digest() -> str:
    """A fingerprint of everything that shapes a syntax tree: grammar and tree-building code."""
    from . import __version__

    h = hasher(__version__.encode())
    package = package_files()
    for name in (
        "grammar.lark",
        "parser.py",
        "transform.py",
        "nodes.py",
        "values.py",
        "diagnostics.py",
        "parse_cache.py",
    ):
        h.update(package.joinpath(name).read_bytes())
    return h.hexdigest()[:16]


# ---------------------------------------------------------------- the format


class _Uncacheable(Exception):
    """A value the JSON form has no way to say (the tree is then not cached)."""


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, tuple):
        return {"t": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"m": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, _dt.datetime):
        raise _Uncacheable("datetime")
    if isinstance(value, _dt.date):
        return {"d": value.isoformat()}
    name = type(value).__name__
    if _CLASSES.get(name) is type(value):
        return {"c": name, "f": [_encode(getattr(value, f)) for f in _FIELDS[name]]}
    raise _Uncacheable(name)


def _decode(obj: dict[str, Any]) -> Any:
    """One JSON object of an entry back into a value (json's object_hook, bottom-up)."""
    if "c" in obj:
        cls = _CLASSES[obj["c"]]  # KeyError for any other name: the entry is ignored
        fields = obj["f"]
        if not isinstance(fields, list) or len(fields) != len(_FIELDS[obj["c"]]):
            raise ValueError("bad fields")
        return cls(*fields)
    if "t" in obj:
        return tuple(obj["t"])
    if "m" in obj:
        return {k: v for k, v in obj["m"]}
    if "d" in obj:
        return _dt.date.fromisoformat(obj["d"])
    raise ValueError("unknown object")


def _entry_name(text: str, shown: str) -> str:
    return hasher(f"{grammar_digest()}\0{shown}\0{text}".encode()).hexdigest()


def parse_cached(
    parse: Callable[[str, str], tuple[Any, list[Diagnostic]]], text: str, shown: str
) -> tuple[Any, list[Diagnostic]]:
    """``parse(text, shown)``, reusing the authenticated tree of an identical earlier parse.

    Only files that parse cleanly are cached.  Any problem with the cache (no
    folder, a key that is not private, a tampered or damaged entry) falls back
    to parsing.
    """
    folder = cache_dir()
    if folder is None:
        return parse(text, shown)
    key = _key(folder)
    if key is None:
        return parse(text, shown)
    entry = folder / f"{_entry_name(text, shown)}{_SUFFIX}"
    cached = _load(entry, key, text, shown)
    if cached is not None:
        return cached, []
    rule_file, diags = parse(text, shown)
    if rule_file is not None and not diags:
        _store(entry, key, rule_file)
    return rule_file, diags


def _load(entry: Path, key: bytes, text: str, shown: str) -> n.RuleFile | None:
    try:
        with open(entry, "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    tag, _, body = raw.partition(b"\n")
    if not _genuine(tag, key, body):
        return None  # not written by this user's netrules: never decoded
    try:
        digest, tree = json.loads(body, object_hook=_decode)
        if (
            digest == grammar_digest()
            and isinstance(tree, n.RuleFile)
            and tree.text == text
            and tree.path == shown
        ):
            return tree
    except (ValueError, KeyError, TypeError, RecursionError):
        pass
    return None


def _store(entry: Path, key: bytes, rule_file: n.RuleFile) -> None:
    try:
        body = json.dumps(
            [grammar_digest(), _encode(rule_file)], ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")
    except (_Uncacheable, RecursionError, ValueError, UnicodeEncodeError):
        return
    _write(entry, _tag(key, body).encode() + b"\n" + body)


# ---------------------------------------------------------------- compiled code


def _code_digest(source: str, filename: str) -> bytes:
    # marshal's format and the bytecode change with the interpreter: its version is part
    # of what an entry is found and checked by
    tag = f"{sys.implementation.cache_tag}\0{sys.version}\0{filename}\0".encode()
    return hasher(tag + source.encode("utf-8", "surrogatepass")).digest()


def compile_cached(source: str, filename: str) -> CodeType:
    """``compile(source, filename, "exec")``, reusing the code object of an identical
    earlier compilation (the generated evaluation function of a rule set).

    The entry is found by a hash of the source and the interpreter, holds that hash
    and the code object (``marshal``) and is authenticated like a parsed tree: only an
    entry this user's netrules wrote with its private key is ever unmarshalled, and
    only when it was compiled from exactly this source.  A code object runs whatever
    it says, which is why the tag is checked before anything is decoded.
    """
    folder = cache_dir()
    key = _key(folder) if folder is not None else None
    if folder is None or key is None:
        return compile(source, filename, "exec")
    digest = _code_digest(source, filename)
    entry = folder / f"{digest.hex()}{_CODE_SUFFIX}"
    try:
        with open(entry, "rb") as fh:
            raw = fh.read()
    except OSError:
        raw = b""
    tag, _, body = raw.partition(b"\n")
    if body and _genuine(tag, key, body) and body[:32] == digest:
        try:
            code = marshal.loads(body[32:])
        except (ValueError, EOFError, TypeError):
            code = None
        if isinstance(code, CodeType):
            return code
    code = compile(source, filename, "exec")
    try:
        body = digest + marshal.dumps(code)
    except ValueError:
        return code
    _write(entry, _tag(key, body).encode() + b"\n" + body)
    return code
