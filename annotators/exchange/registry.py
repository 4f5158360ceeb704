"""The registry of exchange formats: detection by content, reading, writing.

A format module registers a :class:`Format` with ``detect(path) -> bool`` (by content, not
only the extension) and ``read(path, *, coder=None) -> ImportPlan``; formats that export also
give ``export(project, out, flt, times, *, guard=None) -> Job[ExchangeExport]`` (writing
through :func:`annotators.safety.write_bytes` with ``guard``). Later formats (BORIS,
subtitles...) plug in with :func:`register` from their own module listed in
:data:`FORMAT_MODULES`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotators.errors import ExportError

from .plan import ImportPlan

# Modules that register formats when imported (add yours here).
FORMAT_MODULES = (
    "annotators.exchange.eaf",
    "annotators.exchange.refi",
    # BORIS, captions, SPSS/Stata, Praat (helper e2)
    "annotators.exchange.boris",
    "annotators.exchange.subtitles",
    "annotators.exchange.stats",
    "annotators.exchange.textgrid",
)


@dataclass(frozen=True)
class Format:
    """One exchange format. ``export`` is ``None`` for import-only formats.

    ``extensions`` (lower case, with the dot) are only a hint for file dialogs; detection
    reads the content.
    """

    name: str
    title: str
    extensions: tuple[str, ...]
    detect: Callable[[Path], bool]
    read: Callable[..., ImportPlan] | None = None
    export: Callable[..., Any] | None = None


_FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add ``fmt`` to the registry (a second registration of a name replaces the first)."""
    _FORMATS[fmt.name] = fmt
    return fmt


def formats() -> dict[str, Format]:
    """Every registered format by name, in registration order."""
    for module in FORMAT_MODULES:
        importlib.import_module(module)
    return dict(_FORMATS)


def import_formats() -> list[Format]:
    """Formats that can be imported."""
    return [fmt for fmt in formats().values() if fmt.read is not None]


def export_formats() -> list[Format]:
    """Formats that can be exported."""
    return [fmt for fmt in formats().values() if fmt.export is not None]


def detect_format(path: Path | str) -> Format:
    """The format of the file ``path`` judged by its content; :class:`ExportError` if none."""
    path = Path(path)
    if not path.is_file():
        raise ExportError(f"{path}: no such file")
    for fmt in import_formats():
        if fmt.detect(path):
            return fmt
    names = ", ".join(fmt.title for fmt in import_formats())
    raise ExportError(f"{path}: not a file Storyframe can import (known: {names})")


def read_file(path: Path | str, *, coder: str | None = None) -> ImportPlan:
    """Detect the format of ``path`` and read it into a plan (nothing is stored)."""
    path = Path(path)
    fmt = detect_format(path)
    assert fmt.read is not None
    return fmt.read(path, coder=coder)


def head(path: Path, size: int = 4096) -> bytes:
    """The first ``size`` bytes of ``path`` (empty when unreadable), for ``detect``."""
    try:
        with path.open("rb") as file:
            return file.read(size)
    except OSError:
        return b""
