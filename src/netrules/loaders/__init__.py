"""Input loaders: JSON network documents and LinkedIn data-export archives."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..model import Network
from .json_doc import network_from_dict
from .reading import MAX_DOCUMENT_BYTES, loads_json, read_file

if TYPE_CHECKING:
    from .derive import DeriveOptions

__all__ = ["load_network"]


def load_network(
    source: str | os.PathLike[str] | dict[str, Any] | Network,
    *,
    infer: bool = True,
    options: DeriveOptions | None = None,
) -> Network:
    """Load a network from a dict, a JSON file, an export ``.zip`` or its folder.

    From an export, the facts it does not state (career level, job seeking,
    relationships, ...) are derived, each with its provenance in
    ``Network.facts``; ``infer=False`` turns every derivation off, and
    ``options`` (a :class:`~netrules.loaders.derive.DeriveOptions`) tunes them.
    A JSON document is taken as given (what it says is declared).
    Raises :class:`~netrules.InputError` naming the file and row or JSON path.
    """
    if isinstance(source, Network):
        return source
    if isinstance(source, dict):
        return network_from_dict(source)
    if not isinstance(source, (str, os.PathLike)):
        raise InputError(f"expected a path or a JSON object (dict), got {type(source).__name__}")
    path = Path(source)
    try:
        exists, is_dir = path.exists(), path.is_dir()
    except (OSError, ValueError):  # an embedded NUL, a name too long
        raise InputError("not a valid file name", file=repr(str(path))) from None
    if not exists:
        raise InputError("no such file or folder", file=str(path))
    if is_dir or path.suffix.lower() == ".zip":
        from .archive import load_archive

        return load_archive(path, infer=infer, options=options)
    if path.suffix.lower() in (".csv", ".tsv", ".xlsx"):
        raise InputError(
            "a single export file cannot be read on its own; pass the export "
            ".zip as downloaded, or the folder it unzips to",
            file=str(path),
        )
    raw = read_file(path, MAX_DOCUMENT_BYTES)
    if raw[:4] == b"PK\x03\x04":
        from .archive import load_archive

        return load_archive(path, infer=infer, options=options)
    data = loads_json(raw, label=str(path), expected="a JSON document or an export .zip")
    return network_from_dict(data, source=str(path))
