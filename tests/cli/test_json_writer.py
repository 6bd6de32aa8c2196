"""A JSON report file written part by part (``formats.JsonText.write_to``, what
``netrules check --format json -o FILE`` does): the file holds ``json_printable``'s text
encoded, whether a part needs escaping (the parts written are taken back) or not, on a
file that can be taken back or a pipe that cannot."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from netrules.formats import JsonText
from netrules.terminal import json_printable

UNSAFE = "\x7f\x80\x85\x9f\xa0\u202a\u202e\u2026\u2066\u2069\u206a\u2028\ud800\udfff"
texts = st.text(alphabet=st.sampled_from('aé…–Ł\u00a0"\\{}' + UNSAFE), max_size=20)


class Pipe(io.BytesIO):
    """A stream that cannot seek (a pipe, standard output redirected)."""

    def seekable(self) -> bool:
        return False

    def seek(self, *args: object) -> int:
        raise io.UnsupportedOperation("seek")

    def truncate(self, *args: object) -> int:
        raise io.UnsupportedOperation("truncate")


def written(parts: list[str], stream: io.BytesIO, prefix: bytes = b"") -> bytes:
    stream.write(prefix)
    JsonText(parts).write_to(stream)
    return stream.getvalue()


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, max_size=6))
def test_the_file_is_the_printable_text_encoded(parts) -> None:
    expected = json_printable("".join(parts)).encode("utf-8")
    assert written(parts, io.BytesIO()) == expected
    assert written(parts, Pipe()) == expected
    assert b"".join(JsonText(parts).utf8()) == expected
    # what was in the file before the report stays (only the report is taken back)
    assert written(parts, io.BytesIO(), b"head ") == b"head " + expected


def test_escapes_late_in_the_text_take_back_what_was_written() -> None:
    parts = ['{"a":"plain"', ',"b":"Łukasz"', ',"c":"bidi \u202e"', "}\n"]
    expected = json_printable("".join(parts)).encode("utf-8")
    assert b"\\u202e" in expected
    assert written(parts, io.BytesIO()) == expected
    assert written(parts, Pipe()) == expected
    lone = ['{"a":"x"', ',"b":"\ud800"}']
    assert written(lone, io.BytesIO()) == json_printable("".join(lone)).encode("utf-8")


def test_a_real_file(tmp_path) -> None:
    path = tmp_path / "report.json"
    parts = ["[", '"x"', ',"DEL \x7f"', "]\n"]
    path.write_bytes(b"old content that is longer than the report, to be replaced")
    with open(path, "wb") as fh:
        JsonText(parts).write_to(fh)
    assert path.read_bytes() == json_printable("".join(parts)).encode("utf-8")
