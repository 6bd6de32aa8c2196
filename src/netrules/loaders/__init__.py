"""Input loaders: JSON network documents and LinkedIn data-export archives."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Network
from .json_doc import network_from_dict

__all__ = ["load_network"]


def load_network(source: str | os.PathLike[str] | dict[str, Any] | Network) -> Network:
    """Load a network from a dict, a JSON file, an export ``.zip`` or its folder.

    Raises :class:`~netrules.InputError` naming the file and row or JSON path.
    """
    if isinstance(source, Network):
        return source
    if isinstance(source, dict):
        return network_from_dict(source)
    if not isinstance(source, (str, os.PathLike)):
        raise InputError(f"expected a path or a JSON object (dict), got {type(source).__name__}")
    path = Path(source)
    if not path.exists():
        raise InputError("no such file or folder", file=str(path))
    if path.is_dir() or path.suffix.lower() == ".zip":
        from .archive import load_archive

        return load_archive(path)
    if path.suffix.lower() in (".csv", ".tsv", ".xlsx"):
        raise InputError(
            "a single export file cannot be read on its own; pass the export "
            ".zip as downloaded, or the folder it unzips to",
            file=str(path),
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    if raw[:4] == b"PK\x03\x04":
        from .archive import load_archive

        return load_archive(path)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(
            "not UTF-8 text; expected a JSON document or an export .zip", file=str(path)
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg}",
            file=str(path),
            location=f"line {exc.lineno} column {exc.colno}",
        ) from None
    return network_from_dict(data, source=str(path))
