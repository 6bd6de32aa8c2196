"""Rule-file errors in machine-readable form: ``--format json`` prints diagnostics as JSON."""

from __future__ import annotations

import json

from netrules.cli import main


def test_rule_errors_as_json(tmp_path, capsys) -> None:
    """With --format json a broken rule file gives a JSON list of diagnostics and exit 2."""
    bad = tmp_path / "bad.rules"
    bad.write_text(
        'rule "x" {\n  title "t"\n  severity warnin\n  message "m"\n'
        "  when member.conection_count < 3\n}\n",
        encoding="utf-8",
    )
    net = tmp_path / "net.json"
    net.write_text('{"member": {"connection_count": 1}}', encoding="utf-8")
    code = main(["check", str(net), "--no-default-rules", "--rules", str(bad), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 2
    codes = sorted(d["code"] for d in out["diagnostics"])
    assert codes == ["NR202", "NR303"]
    first = out["diagnostics"][0]
    assert set(first) == {
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "severity",
        "code",
        "message",
        "hint",
    }
    assert first["path"] == str(bad)
