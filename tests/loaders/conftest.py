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


@pytest.fixture
def load(make_archive: Callable[..., Path]) -> Callable[..., Any]:
    """``load(files, infer=False, **options)``: build an archive and load it with
    load_archive; without derivations unless ``infer`` (test_derive_* ask for them)."""
    from netrules.loaders.archive import load_archive

    def build_and_load(files: dict[str, str | bytes], infer: bool = False, **options: Any) -> Any:
        return load_archive(make_archive(files, **options), infer=infer)

    return build_and_load
