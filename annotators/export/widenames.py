"""Column names of the csv-wide table, unique by construction (no value ever loses its column).

Names are snake_case versions of code keys and metadata keys, and different keys can meet:
an interval code ``x`` (``x_present``...) and a clip variable ``x_present``; a code ``coder``
and the fixed ``coder`` column; metadata ``authorName``, ``author_name`` and ``author.name``.
The rule (documented in ``docs/export-format.md``):

1. the fixed video/coder columns keep their names;
2. codes are named in the order they were created (code id), so adding a code never renames
   an existing column: a code whose columns would meet taken names gets the first free
   suffix ``_2``, ``_3``... on its base name (``x_present_2``, ``coder_2``);
   codes with the same key and kind (the same variable in two codebooks) share columns;
3. metadata fields are named in the sorted order of their original key paths, with the same
   suffix rule (``meta_author_name``, ``meta_author_name_2``...).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .catalog import CodeInfo, snake_case
from .csvio import Column

TIME_MEASURES = ("present", "count", "first_onset_s", "total_duration_s")

# The video and coder columns every csv-wide row starts with.
FIXED_COLUMNS = (
    Column("video_id", "int", "video id in this project"),
    Column("video_file_name", "text", "file name of the video"),
    Column("video_sha256", "text", "SHA-256 of the video file"),
    Column("platform_video_id", "text", "the platform's id of the video, if known"),
    Column("coder_id", "int", "coder id in this project"),
    Column("coder", "text", "coder name"),
    Column("video_duration_s", "seconds", "duration of the video"),
    Column("video_frame_count", "int", "number of frames"),
    Column("video_fps", "float", "average frames per second"),
    Column("video_width", "int", "display width in pixels"),
    Column("video_height", "int", "display height in pixels"),
    Column("video_rotation", "int", "rotation applied for display (degrees clockwise)"),
    Column("video_has_audio", "int", "1 when the video has an audio track"),
)


def wide_bases(codes: Iterable[CodeInfo], taken: set[str] | None = None) -> dict[int, str]:
    """:func:`code_bases` after the fixed columns; pass every code of the project so that
    a filter or the csv-long dictionary never names a column differently."""
    taken = {column.name for column in FIXED_COLUMNS} if taken is None else taken
    return code_bases(codes, taken)


KeyPath = tuple[str, ...]


def column_names(base: str, is_clip: bool) -> list[str]:
    """The columns a code with ``base`` name produces: the value, or the four time measures."""
    return [base] if is_clip else [f"{base}_{m}" for m in TIME_MEASURES]


def _free(base: str, taken: set[str], names_of: Any) -> str:
    """``base`` or ``base_2``, ``base_3``... whose ``names_of(...)`` are all untaken."""
    candidate, number = base, 1
    while any(name in taken for name in names_of(candidate)):
        number += 1
        candidate = f"{base}_{number}"
    taken.update(names_of(candidate))
    return candidate


def code_bases(codes: Iterable[CodeInfo], taken: set[str]) -> dict[int, str]:
    """Base column name per code id (categories skipped); adds the names used to ``taken``."""
    by_variable: dict[tuple[str, bool], str] = {}
    bases: dict[int, str] = {}
    for code in sorted(codes, key=lambda c: c.id):
        if code.is_category:
            continue
        variable = (code.key, code.is_clip)
        if variable not in by_variable:
            by_variable[variable] = _free(
                snake_case(code.key), taken, lambda b, clip=code.is_clip: column_names(b, clip)
            )
        bases[code.id] = by_variable[variable]
    return bases


def leaf_paths(meta: Mapping[str, Any], prefix: KeyPath = ()) -> dict[KeyPath, Any]:
    """Every leaf of nested metadata by its key path; lists are leaves (exported as JSON)."""
    leaves: dict[KeyPath, Any] = {}
    for key, value in meta.items():
        path = (*prefix, str(key))
        if isinstance(value, Mapping):
            leaves.update(leaf_paths(value, path))
        else:
            leaves[path] = value
    return leaves


def meta_names(paths: Iterable[KeyPath], taken: set[str]) -> dict[KeyPath, str]:
    """Column name per metadata key path (``meta_`` + snake_case parts joined by ``_``)."""
    names: dict[KeyPath, str] = {}
    for path in sorted(set(paths)):
        base = "_".join(["meta", *(snake_case(part) for part in path)])
        names[path] = _free(base, taken, lambda b: [b])
    return names
