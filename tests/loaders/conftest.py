"""Fixtures for the loader tests: ``make_archive`` builds an export in tmp_path."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from archive_builder import write_archive


@pytest.fixture
def make_archive(tmp_path: Path) -> Callable[..., Path]:
    """``make_archive(files, kind="zip"|"folder", top=None, name=...)`` -> its path."""
    counter = itertools.count()

    def make(files: dict[str, str | bytes], **options: Any) -> Path:
        return write_archive(tmp_path / f"a{next(counter)}", files, **options)

    return make


def both_readers(read: Callable[[], Any]) -> Any:
    """``read()`` with small files read whole (the default), checked against the same
    read with every file read line by line (the careful reader): the same network,
    or the same error (message, file and row).  Files read whole are read once more
    with every one of them through the split reader (lines without a quote split at
    the delimiter), and once with none of them (the csv module alone)."""
    from netrules.errors import InputError
    from netrules.loaders import archive

    def outcome(**settings: float) -> tuple[str, Any]:
        saved = {name: getattr(archive, name) for name in settings}
        for name, value in settings.items():
            setattr(archive, name, value)
        try:
            return "network", read()
        except InputError as exc:
            return "error", (str(exc), exc.file, exc.location)
        finally:
            for name, value in saved.items():
                setattr(archive, name, value)

    whole = outcome()
    careful = outcome(WHOLE_FILE_BYTES=-1)
    assert whole == careful, "reading files whole changed what the loader gives"
    split = outcome(SPLIT_QUOTES_PER_LINE=float("inf"))
    assert split == careful, "the split reader changed what the loader gives"
    csv_alone = outcome(SPLIT_QUOTES_PER_LINE=-1.0)
    assert csv_alone == careful, "the csv module alone changed what the loader gives"
    prefetched = every_member_prefetched(outcome)
    assert prefetched == careful, "members read by the prefetch thread changed what it gives"
    if whole[0] == "error":
        read()  # raises the error itself, for the test
    return whole[1]


def every_member_prefetched(read: Callable[[], Any]) -> Any:
    """``read()`` with every CSV member of a zip, however small, read and unpacked by
    the prefetch thread (netrules/prefetch.py) and taken from it by the loader."""
    from netrules import prefetch

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prefetch, "PREFETCH_FROM", 0)
        patch.setattr(prefetch, "ENABLED", True)
        return read()


@pytest.fixture
def load(make_archive: Callable[..., Path]) -> Callable[..., Any]:
    """``load(files, infer=False, **options)``: build an archive and load it with
    load_archive; without derivations unless ``infer`` (test_derive_* ask for them).
    Every load is done twice, files read whole and line by line, and must agree; with
    ``infer`` once more with every connection passed to the derivations."""
    from netrules.loaders.archive import load_archive

    def build_and_load(files: dict[str, str | bytes], infer: bool = False, **options: Any) -> Any:
        path = make_archive(files, **options)
        network = both_readers(lambda: load_archive(path, infer=infer))
        if infer:  # and every row passed to the derivations (no call skipped): the same
            from netrules.loaders.derive import Deriver

            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(Deriver, "quiet", lambda self: None)
                assert load_archive(path, infer=True) == network
        return network

    return build_and_load
