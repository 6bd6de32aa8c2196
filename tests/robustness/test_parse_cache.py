"""The parse cache holds authenticated JSON: a tampered entry is ignored, never executed."""

from __future__ import annotations

import json
import os
import pickle
import stat

import pytest

import netrules
from netrules import parse_cache
from netrules.parser import parse_file

TEXT = 'rule "r" {\n title "Original title"\n severity info\n message "m"\n}\n'


@pytest.fixture
def cache(monkeypatch, tmp_path):
    folder = tmp_path / "cache"
    monkeypatch.setenv("NETRULES_CACHE_DIR", str(folder))
    return folder


def counting_parse():
    calls: list[str] = []

    def parse(text: str, shown: str):
        calls.append(shown)
        return parse_file(text, shown)

    return parse, calls


def only_entry(folder):
    (entry,) = folder.glob("*.json")
    return entry


def test_entries_are_tagged_json_and_private(cache):
    """An entry is an HMAC tag line and a JSON body; key and entry are private files."""
    parse, calls = counting_parse()
    tree, _ = parse_cache.parse_cached(parse, TEXT, "a.rules")
    again, _ = parse_cache.parse_cached(parse, TEXT, "a.rules")
    assert calls == ["a.rules"]
    assert again.items[0].title == tree.items[0].title == "Original title"
    tag, _, body = only_entry(cache).read_bytes().partition(b"\n")
    assert len(tag) == 64 and int(tag, 16) >= 0
    assert json.loads(body)[1]["c"] == "RuleFile"
    if os.name == "posix":
        assert stat.S_IMODE((cache / "key").stat().st_mode) == 0o600
        assert stat.S_IMODE(only_entry(cache).stat().st_mode) == 0o600


def test_tampered_entry_is_ignored(cache):
    """Changing the body of an entry (a rule's title) makes it ignored: the file is parsed."""
    parse, calls = counting_parse()
    parse_cache.parse_cached(parse, TEXT, "a.rules")
    entry = only_entry(cache)
    entry.write_bytes(entry.read_bytes().replace(b"Original title", b"Evil title"))
    tree, _ = parse_cache.parse_cached(parse, TEXT, "a.rules")
    assert calls == ["a.rules", "a.rules"]
    assert tree.items[0].title == "Original title"


class _Payload:
    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_pickle_in_the_cache_is_never_executed(cache, tmp_path):
    """An entry replaced by a pickle that would run code is ignored; the code never runs."""
    parse, calls = counting_parse()
    parse_cache.parse_cached(parse, TEXT, "a.rules")
    marker = tmp_path / "ran"
    entry = only_entry(cache)
    entry.write_bytes(pickle.dumps(_Payload(str(marker))))
    tree, _ = parse_cache.parse_cached(parse, TEXT, "a.rules")
    assert not marker.exists()
    assert tree.items[0].title == "Original title"
    # also with a valid-looking tag line in front of it
    entry.write_bytes(b"0" * 64 + b"\n" + pickle.dumps(_Payload(str(marker))))
    parse_cache.parse_cached(parse, TEXT, "a.rules")
    assert not marker.exists()
    assert len(calls) == 3


def test_entry_tagged_with_another_key_is_ignored(cache):
    """An entry authenticated with someone else's key is not trusted."""
    parse, calls = counting_parse()
    parse_cache.parse_cached(parse, TEXT, "a.rules")
    entry = only_entry(cache)
    _tag, _, body = entry.read_bytes().partition(b"\n")
    body = body.replace(b"Original title", b"Evil title")
    entry.write_bytes(parse_cache._tag(b"k" * 32, body).encode() + b"\n" + body)
    tree, _ = parse_cache.parse_cached(parse, TEXT, "a.rules")
    assert tree.items[0].title == "Original title"
    assert len(calls) == 2


def test_a_class_outside_the_node_list_is_refused(cache):
    """Even a correctly tagged entry can only name netrules' node classes."""
    parse, calls = counting_parse()
    parse_cache.parse_cached(parse, TEXT, "a.rules")
    key = (cache / "key").read_bytes()
    body = json.dumps(["x", {"c": "Popen", "f": [["id"]]}]).encode()
    only_entry(cache).write_bytes(parse_cache._tag(key, body).encode() + b"\n" + body)
    tree, _ = parse_cache.parse_cached(parse, TEXT, "a.rules")
    assert tree.items[0].title == "Original title"
    assert len(calls) == 2


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_key_others_can_read_turns_the_cache_off(cache):
    """A key file readable by others is not used: every load parses."""
    parse, calls = counting_parse()
    parse_cache.parse_cached(parse, TEXT, "a.rules")
    os.chmod(cache / "key", 0o644)
    parse_cache.parse_cached(parse, TEXT, "a.rules")
    parse_cache.parse_cached(parse, TEXT, "a.rules")
    assert len(calls) == 3


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_a_linked_key_is_not_used(cache, tmp_path):
    """A key that is a symbolic link (to a key someone else controls) is not followed."""
    cache.mkdir()
    elsewhere = tmp_path / "their-key"
    elsewhere.write_bytes(b"k" * 32)
    os.chmod(elsewhere, 0o600)
    os.symlink(elsewhere, cache / "key")
    parse, calls = counting_parse()
    parse_cache.parse_cached(parse, TEXT, "a.rules")
    parse_cache.parse_cached(parse, TEXT, "a.rules")
    assert len(calls) == 2


def test_the_cached_pack_equals_the_parsed_pack(cache, monkeypatch):
    """The bundled pack loaded through the cache compiles to the same code as without it."""
    first = netrules.load_rules()
    cached = netrules.load_rules()
    monkeypatch.setenv("NETRULES_CACHE_DIR", "")
    uncached = netrules.load_rules()
    assert first.source == cached.source == uncached.source
    assert any(cache.glob("*.json"))


# ---------------------------------------------------------------- compiled code

SOURCE = "def f():\n    return 'original'\n"


def run_cached(source: str = SOURCE) -> str:
    namespace: dict[str, object] = {}
    exec(parse_cache.compile_cached(source, "<test>"), namespace)
    f = namespace["f"]
    assert callable(f)
    return str(f())


def only_code_entry(folder):
    (entry,) = folder.glob("*.code")
    return entry


def test_compiled_code_is_cached_tagged_and_private(cache, monkeypatch):
    """The second compilation of the same source reads the tagged entry, not compile()."""
    assert run_cached() == "original"
    entry = only_code_entry(cache)
    tag, _, body = entry.read_bytes().partition(b"\n")
    assert len(tag) == 64 and len(body) > 32
    if os.name == "posix":
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600

    def no_compile(*args: object) -> object:
        raise AssertionError("compiled again")

    monkeypatch.setattr("builtins.compile", no_compile)
    assert run_cached() == "original"


def test_tampered_code_entry_is_ignored(cache):
    """A code entry whose bytes changed, or tagged with another key, is never unmarshalled."""
    run_cached()
    entry = only_code_entry(cache)
    evil = compile("def f():\n    return 'evil'\n", "<test>", "exec")
    tag, _, body = entry.read_bytes().partition(b"\n")
    forged = body[:32] + __import__("marshal").dumps(evil)
    entry.write_bytes(tag + b"\n" + forged)  # the old tag: does not match
    assert run_cached() == "original"
    entry.write_bytes(parse_cache._tag(b"k" * 32, forged).encode() + b"\n" + forged)
    assert run_cached() == "original"


def test_code_entry_of_another_source_is_not_used(cache):
    """A genuine entry (our key) renamed to the name of another source is refused:
    the entry names the source it was compiled from."""
    other = "def f():\n    return 'other'\n"
    assert run_cached(other) == "other"
    other_entry = only_code_entry(cache)
    data = other_entry.read_bytes()
    other_entry.unlink()
    assert run_cached() == "original"
    only_code_entry(cache).write_bytes(data)
    assert run_cached() == "original"


def test_cached_pack_code_runs_the_same(cache, monkeypatch):
    """The pack evaluated through a cached code object gives the same findings."""
    from benchmarks import generate

    first = netrules.load_rules()
    assert any(cache.glob("*.code"))
    cached = netrules.load_rules()
    network = generate.network(200, n_invitations=40, n_removals=5, seed=3)
    a = first.evaluate(network, as_of=generate.AS_OF)
    b = cached.evaluate(network, as_of=generate.AS_OF)
    assert [f.to_dict() for f in a.findings] == [f.to_dict() for f in b.findings]
    assert a.findings
