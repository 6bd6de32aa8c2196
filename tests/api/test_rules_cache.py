"""The compiled rule-set cache (rules_cache.py): a rule set found there behaves exactly
like one loaded the long way, and only a genuine entry for exactly these texts is used."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

import netrules
from netrules import rules_cache
from netrules.errors import RuleError

DEMO = Path(netrules.__file__).parent / "data" / "demo.json"
PERSONAS = Path(__file__).resolve().parent.parent / "pack" / "personas"
AS_OF = dt.date(2025, 1, 1)

# Dates, durations, ranges, lists and a lookup table: every kind of value an entry holds
TEXT = """\
param since = 2024-03-01 "a date"
param window = 2 years "a duration"
param share = 80% in 0..1 "a share"
param words = ["spam", "promo"] "a list"
table band {
  "software": 500..1000+
  "law": 100..300
  default: 50..150
}
rule "stale-connection" {
  title "A connection from long ago"
  severity info
  why "Old ties fade."
  for each c in connections
  when c.connected_on < as_of - window and c.connected_on < since
  message "Connected on {c.connected_on}, before {since}"
}
rule "band-miss" {
  title "Below the band"
  severity warning
  why "A small network."
  when member.connection_count < band[member.industry ?? "other"].low and not ("spam" in words and share > 1)
  message "Below {band[member.industry ?? \\"other\\"].low}"
}
"""


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("NETRULES_CACHE_DIR", str(folder))
    return folder


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.ruleset"))


def both(*args: Any, **kw: Any) -> tuple[netrules.RuleSet, netrules.RuleSet]:
    """The same rule files loaded the long way (storing the entry) and from the entry."""
    full = netrules.load_rules(*args, **kw)
    cached = netrules.load_rules(*args, **kw)
    assert full._prog is not None, "the first load goes the long way"
    assert cached._prog is None, "the second load comes from the compiled rule-set cache"
    return full, cached


def networks() -> list[Any]:
    from benchmarks import generate

    out: list[Any] = [netrules.load_network(DEMO)]
    for path in sorted(PERSONAS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        doc = dict(data["network"])
        doc.setdefault("as_of", data.get("as_of"))
        out.append(netrules.load_network(doc))
    out += [
        generate.network(n, n_invitations=n // 5, n_removals=n // 40, seed=seed)
        for n, seed in ((200, 3), (600, 7))
    ]
    return out


def report_form(report: netrules.Report) -> Any:
    return (
        [f.to_dict() for f in report.findings],
        list(report.findings),
        report.skipped,
        report.summary,
        report.to_json(),
    )


def test_the_pack_from_the_cache_evaluates_exactly_as_loaded(cache: Path) -> None:
    full, cached = both()
    assert len(entries(cache)) == 1
    assert cached.rule_ids() == full.rule_ids()
    assert cached.params == full.params
    assert cached.warnings == full.warnings
    assert cached.source == full.source
    assert cached._tables == full._tables
    assert cached._compiled.rule_ids == full._compiled.rule_ids
    assert cached._compiled.outputs == full._compiled.outputs
    assert cached._compiled.constants == full._compiled.constants
    assert cached._titles() == full._titles() == {r.id: r.title for r in full.rules if r.title}
    low = {"burst_min": 2, "accept_min_invitations": 1, "dormant_min_connections": 2}
    for network in networks():
        for params in (None, low, {"outdated_after": "1 year"}):
            a = full.evaluate(network, as_of=AS_OF, params=params)
            b = cached.evaluate(network, as_of=AS_OF, params=params)
            assert report_form(a) == report_form(b)
    assert cached._prog is None, "evaluating needs no checked program"


def test_params_errors_and_warnings_are_the_same(cache: Path) -> None:
    full, cached = both()
    for bad in (
        {"no_such_param": 1},
        {"outdated_after": "soon"},
        {"outdated_after": 3},
        {"burst_min": "1 year"},
    ):
        errors = []
        for rules in (full, cached):
            with pytest.raises(RuleError) as info:
                rules.resolve_params(bad)
            errors.append(info.value.diagnostics)
        assert errors[0] == errors[1]
    share = next(name for name, p in full.program.params.items() if p.bounds and p.bounds[1] <= 1)
    fresh = netrules.load_rules()
    assert fresh._prog is None
    assert fresh.param_warnings({share: 50}) == full.param_warnings({share: 50})
    assert fresh.param_warnings({share: 50}), "50 for a share reads as 5000 %"
    assert fresh._prog is None, "parameter checks need no checked program"


def plain_rule(rule: Any) -> Any:
    """A rule node's metadata (nodes compare by identity)."""
    return (rule.id, rule.title, rule.severity, rule.category, rule.tags, rule.source, rule.why)


def test_the_program_is_built_on_demand_and_equal(cache: Path) -> None:
    full, cached = both()
    assert [plain_rule(r) for r in cached.rules] == [plain_rule(r) for r in full.rules]
    assert cached._prog is not None
    assert cached.program.params == full.program.params
    assert cached.program.diagnostics == full.program.diagnostics
    assert [f.text for f in cached._files] == [f.text for f in full._files]
    a, b = cached.rule("zero-connections"), full.rule("zero-connections")
    assert (a.path, a.advice, a.subject_kind) == (b.path, b.advice, b.subject_kind)
    assert [c.name for c in cached.examples()] == [c.name for c in full.examples()]
    for case in cached.examples()[:5]:
        assert cached.run_example(case) == full.run_example(case)
    # the program checked on demand compiles to the very code the entry held
    from netrules.compiler import compile_program

    assert compile_program(cached.program).source == cached.source


def test_select_disable_and_explain_are_the_same(cache: Path) -> None:
    full, _cached = both()
    network = netrules.load_network(DEMO)
    for make in (
        lambda r: r.disable("zero-connections", "dormant-network"),
        lambda r: r.select(["targets"], min_severity="warning"),
        lambda r: r.select(ignore=["tag:count"]),
    ):
        a, b = make(full), make(netrules.load_rules())
        assert a.rule_ids() == b.rule_ids()
        assert report_form(a.evaluate(network, as_of=AS_OF)) == report_form(
            b.evaluate(network, as_of=AS_OF)
        )
    with pytest.raises(RuleError) as one:
        full.disable("no-such-rule")
    with pytest.raises(RuleError) as two:
        netrules.load_rules().disable("no-such-rule")
    assert one.value.diagnostics == two.value.diagnostics
    rule = next(r for r in full.rule_ids() if full.rule(r).collection is None)
    a = full.explain(rule, network, as_of=AS_OF)
    b = netrules.load_rules().explain(rule, network, as_of=AS_OF)
    assert a == b


def test_values_of_every_kind_survive_the_entry(cache: Path) -> None:
    texts = [("kinds.rules", TEXT)]
    full, cached = both(texts=texts, include_default=False)
    assert cached.params == full.params
    assert cached._tables == full._tables
    assert cached.warnings == full.warnings
    assert isinstance(cached.params["window"], netrules.Duration)
    assert isinstance(cached.params["since"], dt.date)
    doc = {
        "as_of": "2025-06-01",
        "member": {"connection_count": 60, "industry": "software"},
        "connections": [
            {"id": f"p{i}", "name": f"P{i}", "connected_on": f"20{10 + i:02d}-01-15"}
            for i in range(10)
        ],
    }
    for params in (None, {"window": "6 months", "since": "2020-01-01"}):
        a, b = full.evaluate(doc, params=params), cached.evaluate(doc, params=params)
        assert report_form(a) == report_form(b)
        assert a.findings


def test_warnings_come_back_from_the_entry(cache: Path) -> None:
    text = 'param unused = 3\nrule "r" {\n title "T"\n severity info\n when true\n message "m"\n}\n'
    full, cached = both(texts=[("w.rules", text)], include_default=False)
    assert full.warnings
    assert cached.warnings == full.warnings
    assert cached._prog is None


def test_a_changed_text_or_name_is_another_entry(cache: Path) -> None:
    netrules.load_rules(texts=[("kinds.rules", TEXT)], include_default=False)
    other = netrules.load_rules(
        texts=[("kinds.rules", TEXT.replace("2 years", "3 years"))], include_default=False
    )
    renamed = netrules.load_rules(texts=[("other.rules", TEXT)], include_default=False)
    assert other._prog is not None and renamed._prog is not None
    assert other.params["window"] == netrules.Duration(36, 0)
    assert len(entries(cache)) == 3


def test_an_edited_entry_is_ignored_and_rewritten(cache: Path) -> None:
    texts = [("kinds.rules", TEXT)]
    full = netrules.load_rules(texts=texts, include_default=False)
    (entry,) = entries(cache)
    tag, _, body = entry.read_bytes().partition(b"\n")
    # a different constant in the body, the tag left as it was
    entry.write_bytes(tag + b"\n" + body.replace(b"promo", b"PROMO"))
    again = netrules.load_rules(texts=texts, include_default=False)
    assert again._prog is not None, "the tampered entry was not used"
    assert again.params == full.params
    assert b"PROMO" not in entry.read_bytes(), "a genuine entry replaced it"
    assert netrules.load_rules(texts=texts, include_default=False)._prog is None


def test_entries_with_another_key_or_for_other_texts_are_refused(cache: Path) -> None:
    texts = [("kinds.rules", TEXT)]
    other_texts = [("kinds.rules", TEXT.replace("80%", "70%"))]
    netrules.load_rules(texts=texts, include_default=False)
    (entry,) = entries(cache)
    netrules.load_rules(texts=other_texts, include_default=False)
    (other,) = [e for e in entries(cache) if e != entry]
    # a genuine entry (our key) under the name of another set of texts
    entry.write_bytes(other.read_bytes())
    again = netrules.load_rules(texts=texts, include_default=False)
    assert again._prog is not None and again.params["share"] == 0.8
    # an entry tagged with another key, or with the right key the way entries were
    # tagged before (HMAC-SHA256)
    import hmac

    from netrules.cache_key import _key, _tag

    body = entry.read_bytes().partition(b"\n")[2]
    key = _key(cache)
    assert key is not None
    for forged in (
        _tag(b"k" * 32, body).encode(),
        hmac.new(key, body, "sha256").hexdigest().encode(),
    ):
        entry.write_bytes(forged + b"\n" + body)
        assert netrules.load_rules(texts=texts, include_default=False)._prog is not None


def test_the_tag_is_keyed_blake2b() -> None:
    """BLAKE2's own MAC mode (RFC 7693) through the interpreter's module, as hashlib has it."""
    import hashlib

    from netrules.cache_key import _genuine, _tag, hasher

    key, body = bytes(range(32)), b"an entry's body"
    tag = _tag(key, body)
    assert tag == hashlib.blake2b(body, key=key, digest_size=32).hexdigest()
    assert _genuine(tag.encode(), key, body)
    assert not _genuine(tag.encode(), bytes(32), body)
    assert not _genuine(tag.encode(), key, body + b"!")
    assert not _genuine(tag[:-1].encode(), key, body)
    assert hasher(body).digest() == hashlib.blake2b(body, digest_size=32).digest()


def test_a_damaged_entry_falls_back(cache: Path) -> None:
    texts = [("kinds.rules", TEXT)]
    netrules.load_rules(texts=texts, include_default=False)
    (entry,) = entries(cache)
    from netrules.cache_key import _key, _tag

    key = _key(cache)
    assert key is not None
    data = entry.read_bytes()
    digest = data.partition(b"\n")[2][:32]
    import marshal

    raising = compile("raise RuntimeError('not a rule set')", "<entry>", "exec")
    payload = (
        rules_cache._FORMAT,
        raising,
        (False, ()),
        "",
        (),
        {},
        {},
        {},
        {},
        (),
        (),
        (),
        (),
        (),
    )
    for body in (
        digest + b"\x00garbage",
        digest,
        digest + marshal.dumps((1, 2)),
        digest + marshal.dumps(payload),
    ):
        entry.write_bytes(_tag(key, body).encode() + b"\n" + body)
        again = netrules.load_rules(texts=texts, include_default=False)
        assert again._prog is not None and again.params["window"] == netrules.Duration(24, 0)


def test_no_cache_folder_means_the_long_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETRULES_CACHE_DIR", "")
    a = netrules.load_rules(texts=[("kinds.rules", TEXT)], include_default=False)
    b = netrules.load_rules(texts=[("kinds.rules", TEXT)], include_default=False)
    assert a._prog is not None and b._prog is not None


def test_errors_are_never_cached(cache: Path) -> None:
    bad = [("bad.rules", 'rule "r" {\n title "T"\n when nope\n message "m"\n}\n')]
    for _ in range(2):
        with pytest.raises(RuleError):
            netrules.load_rules(texts=bad, include_default=False)
    assert not entries(cache)


def test_concurrent_first_loads_agree(cache: Path) -> None:
    results: list[Any] = []

    def load() -> None:
        rules = netrules.load_rules(texts=[("kinds.rules", TEXT)], include_default=False)
        results.append((rules.params, rules.source))

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(r == results[0] for r in results)
    assert len(entries(cache)) == 1
    assert not list(cache.glob("*.tmp"))
    assert netrules.load_rules(texts=[("kinds.rules", TEXT)], include_default=False)._prog is None


def run_child(code: str, folder: Path) -> str:
    env = dict(os.environ, NETRULES_CACHE_DIR=str(folder))
    root = Path(__file__).resolve().parent.parent.parent
    env["PYTHONPATH"] = str(root / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout


def test_a_cache_hit_imports_neither_parser_checker_nor_compiler(tmp_path: Path) -> None:
    """What makes a cold load_rules() fast (docs/performance.md, issue 16)."""
    code = (
        "import sys, netrules\n"
        "rules = netrules.load_rules()\n"
        "heavy = ('lark', 'netrules.parser', 'netrules.checker', 'netrules.compiler',\n"
        "         'netrules.nodes', 'netrules.model', 'netrules.loaders', 'netrules.diagnostics',\n"
        "         'hashlib', 'hmac', '_hashlib')\n"
        "print(rules._prog is None, sorted(m for m in heavy if m in sys.modules))\n"
    )
    run_child(code, tmp_path)
    assert run_child(code, tmp_path).split(" ", 1) == ["True", "[]\n"]


def test_the_engine_fingerprint_covers_what_shapes_compiled_code() -> None:
    """Every module the parser, checker and compiler import is in ENGINE_FILES: a change
    to any of them gives new entries."""
    code = (
        "import sys, json\n"
        "import netrules.parser, netrules.transform, netrules.checker, netrules.compiler\n"
        "import netrules.ruleset, netrules.rules_cache, netrules.runtime\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('netrules'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = json.loads(out.stdout)
    shaping = {m.split(".", 1)[1] + ".py" if "." in m else "__init__.py" for m in modules}
    # errors, the collector and the evaluator (which runs the code) hold no part of an entry
    assert shaping - set(rules_cache.ENGINE_FILES) <= {"errors.py", "collector.py", "evaluator.py"}
    here = Path(rules_cache.__file__).parent
    assert all((here / name).is_file() for name in rules_cache.ENGINE_FILES)


def test_the_rule_file_size_limit_is_the_loaders_one() -> None:
    from netrules import ruleset
    from netrules.loaders import reading

    assert ruleset.MAX_RULE_FILE_BYTES == reading.MAX_RULE_FILE_BYTES


def test_the_pack_is_listed_as_pathlib_would(tmp_path: Path) -> None:
    """The bundled pack's files, found with os.walk (no pathlib in a cold load), in the
    order and with the names rglob and relative_to give."""
    from netrules import ruleset

    for name in ("a/b.rules", "a-c.rules", "a/z/q.rules", ".x.rules", "B.rules", "d.rules/x.rules"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("", encoding="utf-8")
    if os.name == "posix":
        (tmp_path / "link").symlink_to(tmp_path / "a")
    for folder in (tmp_path, ruleset.bundled_rules_dir()):
        expected = [(str(p), ruleset._display(p, folder)) for p in ruleset._rule_files(folder)]
        assert ruleset._bundled_files(str(folder)) == expected
    assert ruleset._bundled_folder() == str(ruleset.bundled_rules_dir())
