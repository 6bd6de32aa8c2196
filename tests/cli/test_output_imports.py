"""What the output of ``netrules check`` imports costs nothing it does not use: the
e-mail check (``redact.hide_emails``) loads ``netrules.redact``, whose word patterns
(for ``--redact``'s pseudonyms only) are compiled when a Redactor is first made."""

from __future__ import annotations

import subprocess
import sys


def test_word_patterns_compiled_only_for_a_redactor() -> None:
    code = (
        "import datetime as dt\n"
        "from netrules import redact\n"
        "from netrules.findings import Findings, Report\n"
        "redact.hide_emails(Report(dt.date(2025, 1, 1), {}, Findings([], [])))\n"
        "print(redact._word_patterns.cache_info().currsize)\n"
        "from netrules.loaders import load_network\n"
        "r = redact.Redactor(load_network({'member': {'name': 'Ana Cho'}, 'connections': []}))\n"
        "print(redact._word_patterns.cache_info().currsize)\n"
        "print(r._names('Ana Cho wrote'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:3] == ["0", "1", "the member wrote"]
