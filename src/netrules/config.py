"""Project configuration: ``netrules.toml`` or ``[tool.netrules]`` in ``pyproject.toml``.

A member tunes netrules once (rule files, parameters, selection, member context,
outputs, baseline) instead of repeating options.  :func:`find_config` walks up
from a folder as Ruff does; :func:`load_config` reads and checks one file.  Every
problem is a :class:`ConfigError` with the file, line and column of the key, and
unknown keys get a did-you-mean hint::

    netrules.toml:4:1: error: unknown key 'fial-on' (did you mean 'fail-on'?)

Paths in the file are relative to the file's folder.  Precedence (documented in
docs/configuration.md): command line > configuration > rule files > defaults.
"""

# No `from __future__ import annotations` here: typing.NamedTuple turns every annotation
# written as text into a ForwardRef, which compile()s it (30 of them for the two classes
# below: a third of its import once the compiler is warm, paid by every check); the few names
# imported only for type checking are quoted instead.
import datetime as _dt
import functools
import os
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

# Every `netrules check` reads this module (the defaults, discovery): pathlib and the
# diagnostics (attrs classes) are imported only where a file is found or a key is wrong.

MAX_CONFIG_BYTES = 1024 * 1024  # a configuration or baseline file (docs/semantics.md, Limits)

__all__ = [
    "CONFIG_FILES",
    "FORMATS",
    "SEVERITIES",
    "Acknowledgement",
    "Config",
    "ConfigError",
    "find_config",
    "load_config",
    "parse_config",
]

CONFIG_FILES = ("netrules.toml", ".netrules.toml", "pyproject.toml")
FORMATS = ("text", "concise", "json", "jsonl", "csv", "markdown", "github", "html")
SEVERITIES = ("error", "warning", "info")
FAIL_ON = ("error", "warning", "info", "never")
COLORS = ("auto", "always", "never")

# member context keys as written in the file (kebab-case) -> the model's field names
MEMBER_KEYS = {
    "name": "name",
    "industry": "industry",
    "headline": "headline",
    "career-level": "career_level",
    "job-seeking": "job_seeking",
    "joined-on": "joined_on",
    "situations": "situations",
    "connection-count": "connection_count",
    "premium": "premium",
}
ACK_KEYS = ("rule", "subject", "reason", "expires")


class ConfigError(InputError):
    """A configuration file is unreadable or wrong: ``line`` and ``column`` point at it."""

    def __init__(self, message: str, *, file: str, line: int = 1, column: int = 1):
        self.line = line
        self.column = column
        super().__init__(message, file=file, location=f"{line}:{column}")

    def render(self) -> str:
        """``netrules.toml:4:1: error: unknown key 'fial-on' (did you mean 'fail-on'?)``."""
        return f"{self.file}:{self.line}:{self.column}: error: {self.message}"


class Acknowledgement(NamedTuple):
    """A finding the member has seen and accepts: ``rule`` about ``subject`` (``kind:id``).

    ``expires`` (optional) is the day it stops hiding the finding; ``origin``
    says where it was written (``netrules.toml:12:1``) so stale ones can be listed.
    """

    rule: str
    subject: str
    reason: str | None = None
    expires: _dt.date | None = None
    origin: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.rule, normal_subject(self.subject))


def normal_subject(text: str) -> str:
    """``member`` and ``member:member`` are the same subject; other keys stay as written."""
    return "member:member" if text.strip() == "member" else text.strip()


_EMPTY: Mapping[str, Any] = MappingProxyType({})


class Config(NamedTuple):
    """What a configuration file sets; None (or empty) means "not set here".

    A NamedTuple rather than an attrs class: every ``netrules check`` builds one, and
    this keeps the import cheap (benchmark 5 times the whole process).
    """

    path: str | None = None
    rules: tuple[str, ...] = ()
    default_rules: bool | None = None
    params: Mapping[str, Any] = _EMPTY
    disable: tuple[str, ...] = ()
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    min_severity: str | None = None
    fail_on: str | None = None
    format: str | None = None
    output: tuple[tuple[str, str], ...] = ()
    baseline: str | None = None
    acknowledge: tuple[Acknowledgement, ...] = ()
    redact: bool | None = None
    show_emails: bool | None = None
    statistics: bool | None = None
    pretty: bool | None = None
    color: str | None = None
    as_of: _dt.date | None = None
    overlay: str | None = None
    member: Mapping[str, Any] = _EMPTY
    relationships: Mapping[str, str] = _EMPTY
    infer: bool | None = None
    positions: Mapping[str, tuple[int, int]] = _EMPTY

    def where(self, key: str) -> str:
        """``path:line:col`` of a key (``params.small_network``), for messages."""
        line, column = self.positions.get(key, (1, 1))
        return f"{self.path or '<config>'}:{line}:{column}"

    def error(self, key: str, message: str) -> ConfigError:
        line, column = self.positions.get(key, (1, 1))
        return ConfigError(message, file=self.path or "<config>", line=line, column=column)


# ---------------------------------------------------------------- discovery
def _has_tool_table(path: str) -> bool:
    try:
        with open(path, "rb") as fh:  # bounded: a pyproject.toml is small
            text = fh.read(MAX_CONFIG_BYTES).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[+\s*tool\s*\.\s*netrules\s*[.\]]", text, re.MULTILINE) is not None


def find_config(start: str | os.PathLike[str] | None = None) -> "Path | None":
    """The nearest configuration from ``start`` (default: cwd) up to the file-system root.

    In each folder ``netrules.toml`` wins over ``.netrules.toml``, which wins over a
    ``pyproject.toml`` that has a ``[tool.netrules]`` table (one without is passed over).
    """
    found = _find_config(start)
    if found is None:
        return None
    from pathlib import Path

    return Path(found)


def _find_config(start: str | os.PathLike[str] | None = None) -> str | None:
    """:func:`find_config` as text, without pathlib (``netrules check`` looks every time)."""
    # Path.resolve() is os.path.realpath(); Path.parents ends at the root
    here = os.path.realpath(start if start is not None else os.getcwd())
    while True:
        for name in CONFIG_FILES:
            candidate = os.path.join(here, name)
            if not os.path.isfile(candidate):
                continue
            if name == "pyproject.toml" and not _has_tool_table(candidate):
                continue
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


# ---------------------------------------------------------------- positions
_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_KEY = rf"(?:{_BARE}|{_QUOTED})"
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(table header, key assignment, one key part), compiled on first use only."""
    return (
        re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?"),
        re.compile(rf"^(\s*)({_DOTTED})\s*="),
        re.compile(_KEY),
    )


def _parts(dotted: str) -> list[str]:
    out = []
    for m in _patterns()[2].finditer(dotted):
        token = m.group(0)
        if token[0] in "\"'":
            token = token[1:-1]
        out.append(token)
    return out


def key_positions(text: str, root: tuple[str, ...] = ()) -> dict[str, tuple[int, int]]:
    """``"a.b"`` (and ``"acknowledge[0].rule"``) -> (line, column) where each key is written.

    tomllib gives values, not positions; this scan of the text finds table headers
    and ``key =`` lines, which is all that error messages need.  Keys under
    ``root`` (``tool.netrules`` in pyproject.toml) are given relative to it.
    """
    header_re, assign_re, _part = _patterns()
    out: dict[str, tuple[int, int]] = {}
    arrays: dict[str, int] = {}
    table: list[str] = []
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if in_multiline in line:
                in_multiline = None
            continue
        header = header_re.match(line)
        if header:
            parts = _parts(header.group(2))
            if tuple(parts[: len(root)]) != root:
                table = ["\0"]  # outside our table: ignore its keys
                continue
            parts = parts[len(root) :]
            name = ".".join(parts)
            if header.group(1) == "[[":
                index = arrays.get(name, -1) + 1
                arrays[name] = index
                parts = [*parts[:-1], f"{parts[-1]}[{index}]"] if parts else parts
                out.setdefault(name, (number, line.index("[") + 1))
            table = parts
            if parts:
                out.setdefault(".".join(parts), (number, line.index("[") + 1))
            continue
        assign = assign_re.match(line)
        if assign and table != ["\0"]:
            key = ".".join([*table, *_parts(assign.group(2))])
            out.setdefault(key, (number, len(assign.group(1)) + 1))
            rest = line[assign.end() :].strip()
            for quote in ('"""', "'''"):
                if rest.startswith(quote) and rest.count(quote) == 1:
                    in_multiline = quote
    return out


# ---------------------------------------------------------------- reading
def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and check one configuration file (``netrules.toml`` or ``pyproject.toml``)."""
    from pathlib import Path

    path = Path(path)
    shown = str(path)
    try:
        with open(path, "rb") as fh:  # bounded: /dev/zero or a pipe never fills memory
            raw = fh.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError("no such configuration file", file=shown) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"cannot read: {getattr(exc, 'strerror', None) or exc}", file=shown
        ) from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"larger than {MAX_CONFIG_BYTES // (1024 * 1024)} MiB; not a configuration file",
            file=shown,
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text", file=shown) from None
    return parse_config(text, shown, base=path.parent, pyproject=path.name == "pyproject.toml")


def parse_config(
    text: str,
    path: str = "netrules.toml",
    *,
    base: str | os.PathLike[str] | None = None,
    pyproject: bool = False,
) -> Config:
    """Check configuration text; relative paths in it are resolved against ``base``."""
    import tomllib
    from pathlib import Path

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line, column = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        raise ConfigError(
            f"invalid TOML: {message[:1].lower()}{message[1:]}", file=path, line=line, column=column
        ) from None
    except (RecursionError, ValueError) as exc:
        # nested too deeply, or a whole number of more than 4,300 digits
        raise ConfigError(
            "invalid TOML: "
            + ("nested too deeply" if isinstance(exc, RecursionError) else str(exc)),
            file=path,
        ) from None
    root: tuple[str, ...] = ("tool", "netrules") if pyproject else ()
    for part in root:
        data = data.get(part, {}) if isinstance(data, dict) else {}
    positions = key_positions(text, root)
    reader = _Reader(path, positions, Path(base) if base is not None else Path.cwd())
    return reader.read(data)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


class _Reader:
    """Checks the parsed TOML key by key; the first problem raises ConfigError."""

    TOP = (
        "rules",
        "default-rules",
        "params",
        "disable",
        "select",
        "extend-select",
        "ignore",
        "min-severity",
        "fail-on",
        "format",
        "output",
        "baseline",
        "acknowledge",
        "redact",
        "show-emails",
        "statistics",
        "pretty",
        "color",
        "as-of",
        "overlay",
        "member",
        "relationships",
        "infer",
    )

    def __init__(self, path: str, positions: dict[str, tuple[int, int]], base: "Path"):
        self.path = path
        self.positions = positions
        self.base = base

    def fail(self, key: str, message: str) -> ConfigError:
        probe = key
        while probe and probe not in self.positions:
            probe = probe.rpartition(".")[0]
        line, column = self.positions.get(probe, (1, 1))
        return ConfigError(message, file=self.path, line=line, column=column)

    def unknown(self, key: str, name: str, known: tuple[str, ...]) -> ConfigError:
        from .diagnostics import did_you_mean

        hint = did_you_mean(name, known) or did_you_mean(name.replace("_", "-"), known)
        return self.fail(
            key, f"unknown key '{name}'" + (f" (did you mean '{hint}'?)" if hint else "")
        )

    # -- value checks
    def string(self, key: str, value: Any) -> str:
        if not isinstance(value, str):
            raise self.fail(key, f"'{key}' must be a string, got {_describe(value)}")
        return value

    def boolean(self, key: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"'{key}' must be true or false, got {_describe(value)}")
        return value

    def choice(self, key: str, value: Any, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            from .diagnostics import did_you_mean

            hint = did_you_mean(str(value), allowed) if isinstance(value, str) else None
            raise self.fail(
                key,
                f"'{key}' must be one of {', '.join(allowed)}; got {_describe(value)}"
                + (f" (did you mean '{hint}'?)" if hint else ""),
            )
        return str(value)

    def strings(self, key: str, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f"'{key}' must be a list of strings, got {_describe(value)}")
        return tuple(value)

    def file(self, key: str, value: Any) -> str:
        text = self.string(key, value)
        return str(self.base / text) if not os.path.isabs(text) else text

    def table(self, key: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"'{key}' must be a table, got {_describe(value)}")
        return value

    # -- the whole file
    def read(self, data: dict[str, Any]) -> Config:
        out: dict[str, Any] = {"path": self.path, "positions": self.positions}
        for key, value in data.items():
            if key not in self.TOP:
                raise self.unknown(key, key, self.TOP)
            field = key.replace("-", "_")
            if key == "rules":
                out[field] = tuple(self.file(key, v) for v in self.strings(key, value))
            elif key in ("default-rules", "redact", "show-emails", "statistics", "pretty", "infer"):
                out[field] = self.boolean(key, value)
            elif key == "params":
                out[field] = self.params(value)
            elif key in ("disable", "select", "extend-select", "ignore"):
                out[field] = self.strings(key, value)
            elif key == "min-severity":
                out[field] = self.choice(key, value, SEVERITIES)
            elif key == "fail-on":
                out[field] = self.choice(key, value, FAIL_ON)
            elif key == "format":
                out[field] = self.choice(key, value, FORMATS)
            elif key == "color":
                out[field] = self.choice(key, value, COLORS)
            elif key == "output":
                out[field] = self.outputs(value)
            elif key in ("baseline", "overlay"):
                out[field] = self.file(key, value)
            elif key == "acknowledge":
                out[field] = self.acknowledgements(value)
            elif key == "as-of":
                if not isinstance(value, _dt.date) or isinstance(value, _dt.datetime):
                    raise self.fail(
                        key, f"'as-of' must be a date (as-of = 2025-01-31), got {_describe(value)}"
                    )
                out[field] = value
            elif key == "member":
                out[field] = self.member(value)
            elif key == "relationships":
                out[field] = self.relationships(value)
        return Config(**out)

    def params(self, value: Any) -> dict[str, Any]:
        table = self.table("params", value)
        out = {}
        for name, item in table.items():
            if isinstance(item, dict):
                raise self.fail(
                    f"params.{name}", f"parameter '{name}' must be a value, not a table"
                )
            out[name] = item
        return out

    def outputs(self, value: Any) -> tuple[tuple[str, str], ...]:
        table = self.table("output", value)
        out = []
        for fmt, target in table.items():
            if fmt not in FORMATS:
                raise self.unknown(f"output.{fmt}", fmt, FORMATS)
            out.append((fmt, self.file(f"output.{fmt}", target)))
        return tuple(out)

    def member(self, value: Any) -> dict[str, Any]:
        from .loaders.overlay import check_overlay

        table = self.table("member", value)
        out: dict[str, Any] = {}
        for key, item in table.items():
            if key not in MEMBER_KEYS:
                raise self.unknown(f"member.{key}", key, tuple(MEMBER_KEYS))
            out[MEMBER_KEYS[key]] = item
        try:
            checked = check_overlay({"member": out}, source=self.path)
        except InputError as exc:
            snake = (exc.location or "").removeprefix("member.").split("[")[0]
            kebab = {v: k for k, v in MEMBER_KEYS.items()}.get(snake, snake)
            message = exc.message.replace(snake, kebab) if snake else exc.message
            raise self.fail(f"member.{kebab}", f"member.{kebab}: {message}") from None
        member: dict[str, Any] = checked["member"]
        return member

    def relationships(self, value: Any) -> dict[str, str]:
        from .loaders.overlay import check_overlay

        table = self.table("relationships", value)
        try:
            checked = check_overlay({"relationships": table}, source=self.path)
            relationships: dict[str, str] = checked["relationships"]
            return relationships
        except InputError as exc:
            raise self.fail("relationships", f"{exc.location}: {exc.message}") from None

    def acknowledgements(self, value: Any) -> tuple[Acknowledgement, ...]:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(
                "acknowledge",
                "'acknowledge' must be a list of tables ([[acknowledge]] entries), "
                f"got {_describe(value)}",
            )
        out = []
        for i, entry in enumerate(value):
            at = f"acknowledge[{i}]"
            for key in entry:
                if key not in ACK_KEYS:
                    raise self.unknown(f"{at}.{key}", key, ACK_KEYS)
            for key in ("rule", "subject"):
                if key not in entry:
                    raise self.fail(at, f"an [[acknowledge]] entry needs '{key}'")
            expires = entry.get("expires")
            if expires is not None and (
                not isinstance(expires, _dt.date) or isinstance(expires, _dt.datetime)
            ):
                raise self.fail(
                    f"{at}.expires",
                    f"'expires' must be a date (expires = 2025-06-30), got {_describe(expires)}",
                )
            reason = entry.get("reason")
            line, column = self.positions.get(at, (1, 1))
            out.append(
                Acknowledgement(
                    self.string(f"{at}.rule", entry["rule"]),
                    self.string(f"{at}.subject", entry["subject"]),
                    None if reason is None else self.string(f"{at}.reason", reason),
                    expires,
                    f"{self.path}:{line}:{column}",
                )
            )
        return tuple(out)
