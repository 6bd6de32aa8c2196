"""Hostile JSON documents, overlays and standard input: exit 2 naming the file, never a crash."""

from __future__ import annotations

import io
import json
import os
import sys

import pytest

import netrules
from netrules import cli
from netrules.loaders import reading
from netrules.loaders.overlay import load_overlay


def _check(capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(["check", "--no-default-rules", *args])
    return code, capsys.readouterr().err


HOSTILE_DOCUMENTS = {
    "huge-int": '{"member": {"connection_count": ' + "9" * 5000 + "}}",
    "huge-negative-int": '{"member": {"connection_count": -' + "9" * 5000 + "}}",
    "deep-lists": "[" * 100_000 + "]" * 100_000,
    "deep-objects": '{"a":' * 50_000 + "1" + "}" * 50_000,
    "lone-surrogate": '{"connections": [{"id": "a", "name": "x\\ud800y"}]}',
    "lone-low-surrogate": '{"connections": [{"id": "\\udc00"}]}',
    "duplicate-key": '{"member": {"name": "A", "name": "B"}}',
    "nan": '{"member": {"connection_count": NaN}}',
    "infinity": '{"as_of": Infinity}',
    "week-date": '{"as_of": "2025-W01-1"}',
    "ordinal-date": '{"connections": [{"id": "a", "connected_on": "2025-001"}]}',
    "list-of-lists": '{"member": {"situations": [["career-change"]]}}',
    "nested-list-field": '{"connections": [[{"id": "a"}]]}',
    "not-utf8": b'{"member": {"name": "\xff\xfe"}}',
    "nul-bytes": b"\x00" * 1000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE_DOCUMENTS))
def test_hostile_document_exits_2(tmp_path, capsys, name):
    """Each hostile document is refused with exit 2 and the file named, no traceback."""
    path = tmp_path / f"{name}.json"
    data = HOSTILE_DOCUMENTS[name]
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    code, err = _check(capsys, str(path))
    assert code == 2, err
    assert str(path) in err
    assert "Traceback" not in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("name", sorted(HOSTILE_DOCUMENTS))
def test_hostile_document_raises_input_error(tmp_path, name):
    """load_network raises InputError (a NetrulesError) for each hostile document."""
    path = tmp_path / f"{name}.json"
    data = HOSTILE_DOCUMENTS[name]
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    with pytest.raises(netrules.InputError):
        netrules.load_network(path)


def test_error_names_the_json_path_of_a_surrogate(tmp_path):
    """A lone surrogate is reported at its JSON path, shown escaped."""
    path = tmp_path / "s.json"
    path.write_text(HOSTILE_DOCUMENTS["lone-surrogate"], encoding="utf-8")
    with pytest.raises(netrules.InputError) as info:
        netrules.load_network(path)
    assert info.value.location == "connections[0].name"
    assert "\\ud800" in info.value.message
    str(info.value).encode("utf-8")  # printable as UTF-8


def test_huge_number_names_its_path(tmp_path):
    """A 5,000-digit count is refused at its path without converting it."""
    path = tmp_path / "n.json"
    path.write_text(HOSTILE_DOCUMENTS["huge-int"], encoding="utf-8")
    with pytest.raises(netrules.InputError) as info:
        netrules.load_network(path)
    assert info.value.location == "member.connection_count"
    assert "5000 digits" in info.value.message


def test_duplicate_key_message():
    """A duplicate key is named in the message."""
    with pytest.raises(netrules.InputError, match='duplicate key "name"'):
        reading.loads_json('{"name": 1, "name": 2}', label="x.json")


def test_dev_zero_as_input_is_bounded(capsys):
    """/dev/zero as INPUT stops at the size limit: exit 2, never memory exhaustion."""
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    code, err = _check(capsys, "/dev/zero")
    assert code == 2
    assert "/dev/zero" in err


@pytest.mark.parametrize("option", ["--overlay", "--rules"])
def test_dev_zero_as_overlay_or_rules_is_bounded(capsys, tmp_path, option):
    """/dev/zero as an overlay or a rule file stops at the size limit with exit 2."""
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    doc = tmp_path / "n.json"
    doc.write_text("{}", encoding="utf-8")
    code, err = _check(capsys, str(doc), option, "/dev/zero")
    assert code == 2
    assert "/dev/zero" in err
    assert "Traceback" not in err


def test_read_stream_stops_at_the_limit():
    """A stream longer than the limit is refused after reading just past the limit."""

    class Endless(io.RawIOBase):
        served = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[:] = b"x" * len(buffer)
            Endless.served += len(buffer)
            return len(buffer)

    with pytest.raises(netrules.InputError, match="limit"):
        reading.read_stream(io.BufferedReader(Endless()), 1000, label="<stdin>")
    assert Endless.served < 1_000_000


def test_stdin_non_utf8_under_a_strict_locale(monkeypatch, capsys):
    """Bytes that are not UTF-8 on `check -` are exit 2 naming the line, whatever the locale."""
    raw = io.BytesIO(b'{"member":\n {"name": "\xe9"}}')
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(raw, encoding="ascii", errors="strict"))
    code, err = _check(capsys, "-")
    assert code == 2
    assert "<stdin>:line 2: not UTF-8 text (byte 0xe9)" in err


def test_stdin_utf8_read_as_bytes(monkeypatch, capsys):
    """UTF-8 on standard input is read as UTF-8 even when the locale says ASCII."""
    raw = io.BytesIO('{"as_of": "2025-01-01", "member": {"name": "Zoë"}}'.encode())
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(raw, encoding="ascii", errors="strict"))
    assert cli.main(["check", "--no-default-rules", "-", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == "2025-01-01"


def test_stdin_deep_nesting(monkeypatch, capsys):
    """Deep nesting on standard input is exit 2 (nested too deeply)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("[" * 200_000))
    code, err = _check(capsys, "-")
    assert code == 2
    assert "nested too deeply" in err


@pytest.mark.parametrize("as_of", ["2025-W01-1", "20250101", "2025-001", "2025-1-1"])
def test_cli_as_of_is_strict_iso(capsys, as_of):
    """--as-of takes only YYYY-MM-DD (no week or compact dates): exit 2."""
    code, err = _check(capsys, "--demo", "--as-of", as_of)
    assert code == 2
    assert "expected YYYY-MM-DD" in err


HOSTILE_OVERLAYS = {
    "huge.toml": "[member]\nconnection_count = " + "9" * 5000 + "\n",
    "deep.toml": "as_of = " + "[" * 5000 + "]" * 5000 + "\n",
    "deeper.toml": "x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n",
    "datetime.toml": "as_of = 2025-01-01T10:00:00\n",
    "huge.json": '{"member": {"connection_count": ' + "9" * 5000 + "}}",
    "deep.json": '{"relationships": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "dup.json": '{"as_of": "2025-01-01", "as_of": "2025-02-01"}',
    "surrogate.json": '{"relationships": {"\\ud800": "friend"}}',
    "nested.json": '{"member": {"situations": ' + "[" * 50 + "]" * 50 + "}}",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_OVERLAYS))
def test_hostile_overlay(tmp_path, name):
    """Each hostile overlay raises InputError naming the overlay file."""
    path = tmp_path / name
    path.write_text(HOSTILE_OVERLAYS[name], encoding="utf-8")
    with pytest.raises(netrules.InputError) as info:
        load_overlay(path)
    assert info.value.file == str(path)


def test_control_characters_never_reach_the_terminal(tmp_path, capsys):
    """Escape sequences in input data are shown escaped in the report and in errors."""
    doc = tmp_path / "n.json"
    evil = "\x1b]0;owned\x07\x1b[2J\u202e"
    doc.write_text(
        json.dumps({"as_of": "2025-01-01", "member": {"name": evil, "connection_count": 0}}),
        encoding="utf-8",
    )
    code = cli.main(["check", str(doc)])
    out = capsys.readouterr().out
    assert code in (0, 1)
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b]0;owned\\x07" in out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"member": {evil: 1}}), encoding="utf-8")
    code, err = _check(capsys, str(bad))
    assert code == 2
    assert "\x1b" not in err and "\x07" not in err
    cli.main(["check", str(doc), "--format", "json"])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert json.loads(out)["as_of"] == "2025-01-01"


def test_network_from_python_with_non_string_keys():
    """A dict with non-string keys is an InputError naming where."""
    with pytest.raises(netrules.InputError, match="keys must be strings"):
        netrules.load_network({"member": {1: "x"}})
    with pytest.raises(netrules.InputError, match="keys must be strings"):
        netrules.load_network({None: 1})


def test_network_from_python_with_huge_int():
    """A huge Python int is refused at its path (its digits are never printed)."""
    with pytest.raises(netrules.InputError) as info:
        netrules.load_network({"member": {"connection_count": 10**10000}})
    assert info.value.location == "member.connection_count"
    assert len(str(info.value)) < 200


@pytest.mark.parametrize("option", ["--config", "--baseline"])
def test_dev_zero_as_config_or_baseline(capsys, option):
    """/dev/zero as a configuration or baseline file stops at the size limit: exit 2."""
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    capsys.readouterr()
    code = cli.main(["check", "--demo", option, "/dev/zero"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "/dev/zero" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "text",
    ["x = " + "[" * 5000 + "]" * 5000 + "\n", "fail-on = " + "9" * 5000 + "\n"],
    ids=["deep", "huge-int"],
)
def test_hostile_config(tmp_path, capsys, text):
    """A configuration nested too deeply or with a huge number is exit 2 naming the file."""
    path = tmp_path / "netrules.toml"
    path.write_text(text, encoding="utf-8")
    code = cli.main(["check", "--demo", "--config", str(path)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert str(path) in err and "Traceback" not in err


def test_batch_hostile_lines_are_skipped_with_reasons(tmp_path, capsys):
    """Hostile JSON Lines are skipped lines with a reason each, never a crash."""
    lines = [
        '{"member": {"connection_count": ' + "9" * 5000 + "}}",
        "[" * 100_000,
        '{"a": 1, "a": 2}',
        '{"member": {"name": "\\ud800"}}',
        '{"as_of": NaN}',
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = cli.main(["batch", str(src), "-o", str(tmp_path / "out.jsonl")])
    err = capsys.readouterr().err
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "internal error" not in err
    for number, needle in enumerate(
        ["5000 digits", "nested too deeply", "duplicate key", "lone surrogate", "NaN"], start=1
    ):
        assert f"in.jsonl:{number}:" in err and needle in err
