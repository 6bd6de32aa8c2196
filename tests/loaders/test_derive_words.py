"""Word patterns of loaders/derive.py answered without the regex where a text holds
none of their needles (``_LaterWords(..., needles=...)``): the needles must be a
necessary condition, so that the answer is the regex's for any text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netrules.loaders import derive

GUARDED = {
    **{
        name: getattr(derive, name)
        for name in (
            "_BREAK",
            "_STUDENT_HEADLINE",
            "_OPEN_TO_WORK",
            "_SHORT_COURSE",
            "_STUDENT_POSITION",
            "_SENIOR_TRAP",
            "_TRAPS",
        )
    },
    # (junior has a one-letter word, "i": no needles, compiled on first use only)
    **{f"_CLASSES:{cls}": words for cls, words in derive._CLASSES if cls != "junior"},
}


def _reference(words: derive._LaterWords) -> re.Pattern[str]:
    return derive._words(*words._alternatives)


def _span(m: re.Match[str] | None) -> tuple[int, int] | None:
    return m.span() if m is not None else None


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_every_guarded_pattern_has_needles(name: str) -> None:
    assert GUARDED[name]._needles


@pytest.mark.parametrize(
    ("name", "alternative"),
    [(n, a) for n, w in sorted(GUARDED.items()) for a in w._alternatives],
)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_match_of_an_alternative_holds_a_needle(
    name: str, alternative: str, data: st.DataObject
) -> None:
    # (the negative look-ahead of "(?!team)\w*leiter" only narrows the matches)
    text = data.draw(st.from_regex(alternative.replace("(?!team)", ""), fullmatch=True))
    assert any(n in text for n in GUARDED[name]._needles), (name, alternative, text)


def _fragments() -> list[str]:
    pieces = [" ", "  ", "-", "#", "'", ",", ".", "é", "ü", "ç", "á", "à", "ú", "x", "_", "1"]
    for words in GUARDED.values():
        pieces.extend(words._needles)
        for alternative in words._alternatives:
            plain = re.sub(r"\(\?:([^|)]*)\|[^)]*\)\??|\[(.)[^]]*\]|[?\\]", r"\1\2", alternative)
            pieces.extend(plain.split())
    return pieces


TEXTS = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(_fragments()), max_size=12).map("".join),
    st.lists(st.sampled_from(_fragments()), max_size=8).map(" ".join),
)


@settings(max_examples=400, deadline=None)
@given(text=TEXTS)
def test_guarded_search_is_the_regex_search(text: str) -> None:
    for name, words in GUARDED.items():
        assert _span(words.search(text)) == _span(_reference(words).search(text)), name
        assert words.sub(" ", text) == _reference(words).sub(" ", text), name


@settings(max_examples=300, deadline=None)
@given(text=TEXTS)
def test_title_level_is_the_unguarded_one(text: str) -> None:
    folded = derive._fold(text) if text.strip() else ""
    expected = None
    if folded:
        if derive._words(*derive._SENIOR_TRAP._alternatives).search(folded):
            expected = "senior"
        else:
            rest = derive._words(*derive._TRAPS._alternatives).sub(" ", folded)
            for cls, words in derive._CLASSES:
                if derive._words(*words._alternatives).search(rest):
                    expected = cls
                    break
    assert derive.title_level(text) == expected


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        ("_OPEN_TO_WORK", "data engineer", False),
        ("_OPEN_TO_WORK", "data engineer | open to work", True),
        ("_OPEN_TO_WORK", "en búsqueda activa", True),
        ("_BREAK", "parental leave", True),
        ("_BREAK", "staff engineer", False),
        ("_SHORT_COURSE", "bsc computer science", False),
        ("_SHORT_COURSE", "aws certification", True),
        ("_STUDENT_HEADLINE", "étudiante en droit", True),
        ("_STUDENT_POSITION", "alumna", True),
        ("_STUDENT_POSITION", "studentische hilfskraft", False),
    ],
)
def test_examples(name: str, text: str, found: bool) -> None:
    assert (GUARDED[name].search(text) is not None) is found
