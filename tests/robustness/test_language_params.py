"""Parameter overrides that are wrong in their items or out of their range."""

from __future__ import annotations

import datetime as _dt

import pytest

import netrules
from netrules import cli

PACK_TEXTS = "default_invitation_texts"


@pytest.fixture(scope="module")
def pack() -> netrules.RuleSet:
    return netrules.load_rules()


def test_param_list_of_wrong_items_exits_2(capsys) -> None:
    """--param with a list of numbers for a list of strings: exit 2, the parameter named."""
    assert 2 == cli.main(["check", "--demo", "--param", f"{PACK_TEXTS}=[1]"])
    err = capsys.readouterr().err
    assert f"parameter '{PACK_TEXTS}'" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("value", "fits"),
    [
        ("[1]", False),
        ("[2024-01-01]", False),
        ('["a", 1]', False),
        ("[true]", False),
        ("[1 year]", False),
        ("[]", True),
        ('["Hi there"]', True),
    ],
    ids=["numbers", "dates", "mixed", "bools", "durations", "empty", "strings"],
)
def test_param_text_list_items_are_checked(pack, value: str, fits: bool) -> None:
    """A list written as text (as --param gives it) fits only with string items."""
    try:
        pack.resolve_params({PACK_TEXTS: value})
    except netrules.RuleError as err:
        assert not fits, str(err)
        assert "NR310" == err.diagnostics[0].code
    else:
        assert fits


@pytest.mark.parametrize(
    ("value", "item"),
    [([1], "1"), ([_dt.date(2024, 1, 1)], "2024-01-01"), (["a", 2], "2")],
    ids=["number", "date", "second-item"],
)
def test_api_list_items_are_checked(pack, value, item) -> None:
    """evaluate(params=...) checks every item and names the first bad one."""
    with pytest.raises(netrules.RuleError) as info:
        pack.evaluate({"member": {"connection_count": 1}}, params={PACK_TEXTS: value})
    assert f"got {item}" in str(info.value)


def test_api_list_items_are_converted() -> None:
    """Items given as rule-language text become values (a list of dates from strings)."""
    text = "param days = [2024-01-01]\n" + (
        'rule "r" {\n  title "t"\n  severity info\n  when as_of in days\n  message "m"\n}\n'
    )
    rules = netrules.load_rules(include_default=False, texts=[("d.rules", text)])
    report = rules.evaluate(
        {"member": {"connection_count": 1}},
        as_of=_dt.date(2025, 2, 2),
        params={"days": ["2025-02-02"]},
    )
    assert ["r"] == [f.rule for f in report.findings]


@pytest.mark.parametrize(
    ("line", "column", "got"),
    [
        ("set default_invitation_texts = [1]", 32, "numbers"),
        ("set default_invitation_texts = [2024-01-01]", 32, "dates"),
    ],
    ids=["numbers", "dates"],
)
def test_set_list_of_wrong_items_is_nr310(line: str, column: int, got: str) -> None:
    """A rule file's set with the wrong items is NR310 at the value."""
    with pytest.raises(netrules.RuleError) as info:
        netrules.load_rules(texts=[("o.rules", line + "\n")])
    d = info.value.diagnostics[0]
    assert ("NR310", 1, column) == (d.code, d.line, d.column)
    assert d.message.endswith(f"got a list of {got}")


def test_param_outside_its_range_warns(capsys) -> None:
    """dormant_share_max=50 (meant as 50 %) runs, with a warning that says how to write it."""
    assert cli.main(["check", "--demo", "--param", "dormant_share_max=50"]) in (0, 1)
    err = capsys.readouterr().err
    assert "warning: --param: 50 is outside the range 0..1 of parameter 'dormant_share_max'" in err
    assert "50% or 0.5" in err


def test_range_declaration_checks() -> None:
    """A range on a non-number, an inverted range, a default outside it: each refused."""
    cases = {
        'param a = "x" in 0..1': "NR203",
        "param a = 0.5 in 1..0": "NR306",
        "param a = 2 in 0..1": "NR310",
    }
    for text, code in cases.items():
        with pytest.raises(netrules.RuleError) as info:
            netrules.load_rules(include_default=False, texts=[("p.rules", text + "\n")])
        assert code == info.value.diagnostics[0].code, text


def test_fmt_keeps_parameter_ranges(tmp_path, capsys) -> None:
    """netrules fmt lays out a range with and without a reason, and the result loads the same."""
    path = tmp_path / "p.rules"
    path.write_text('param share = 80% in 0%..100%   "doc"\nparam n = 3   in -1..10\n', "utf-8")
    assert 0 == cli.main(["fmt", str(path)])
    text = path.read_text("utf-8")
    assert 'param share = 80% in 0%..100%\n  "doc"\nparam n = 3 in -1..10\n' == text
    program = netrules.load_rules(include_default=False, texts=[("p.rules", text)]).program
    assert [(0, 1), (-1, 10)] == [program.params[p].bounds for p in ("share", "n")]
